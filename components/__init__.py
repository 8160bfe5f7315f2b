"""Rasa-side custom components (NLU). Thin wrappers over ``clinical_nlu``."""
from components import action_validation  # noqa: F401  (performance fix, see module)
from components import action_endpoint  # noqa: F401  (action timeout and shared secret, see module)
