"""Performance fix for Rasa 3.6: validate action-server responses with a cached validator.

``RemoteAction._validate_action_result`` calls ``jsonschema.validate`` on every
custom-action response. That function first checks the *schema* against its
metaschema, every time; profiling our server showed this took about half of
Rasa's CPU per turn. Here the same schema is checked once and a validator is
reused: the same responses pass, the same ones fail with the same error text.

Imported by ``components/__init__.py``, so it is in force wherever Rasa loads
this project's model (run, shell, test).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    try:
        _validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
