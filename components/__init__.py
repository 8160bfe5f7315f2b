"""Rasa-side custom components (NLU). Thin wrappers over ``actions.nlu``."""
