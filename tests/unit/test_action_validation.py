"""The cached action-response validator accepts and rejects what Rasa's own does."""
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import rasa_patches
from rasa_patches import validate_action_result as _validate_action_result


def test_patch_is_in_force_once_applied():
    rasa_patches.apply_all()
    assert RemoteAction._validate_action_result is _validate_action_result


def test_valid_response_passes():
    assert _validate_action_result(None, {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "hi"}]})


@pytest.mark.parametrize("bad", [{"events": "not a list"}, {"events": [{"no_event_key": 1}]}, {"responses": "x"}])
def test_invalid_response_fails_with_rasa_message(bad):
    with pytest.raises(ValidationError) as err:
        _validate_action_result(None, bad)
    assert "Failed to validate Action server response" in err.value.message
