"""Rasa-side custom components (NLU). Thin wrappers over ``actions.nlu``."""
from components import action_validation  # noqa: F401  (performance fix, see module)
