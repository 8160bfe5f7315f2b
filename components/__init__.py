"""Rasa-side custom components (NLU). Thin wrappers over ``reader``.

Changes to Rasa's own internals are not made here: they live in
``rasa_patches.py`` and are applied by ``rasa_cli.py``.
"""
