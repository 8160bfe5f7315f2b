"""Every change this project makes to Rasa's internals, in one place.

Each patch says in one line why it exists (the upstream issue or the measured
reason), and all of them assert the Rasa version they were written for: an
upgrade stops the server with a clear message instead of running silently
unpatched or patched wrongly. They are applied from one explicit place,
`rasa_cli.py` (`python -m rasa_cli run ...`, what `make run`, the tests and the
deploy files start), never as a side effect of importing a module.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

logger = logging.getLogger(__name__)

WRITTEN_FOR = "3.6.21"


class RasaVersionMismatch(RuntimeError):
    """Rasa is not the version these patches were written (and tested) for."""


def check_version(version: Optional[str] = None) -> None:
    if version is None:
        from rasa.version import __version__ as version
    if version != WRITTEN_FOR:
        raise RasaVersionMismatch(
            f"rasa_patches.py was written for Rasa {WRITTEN_FOR}, this is Rasa {version}: re-check each patch "
            "against the new Rasa (rasa_patches.PATCHES says why each exists), then update WRITTEN_FOR"
        )


@dataclass(frozen=True)
class Patch:
    name: str
    why: str
    apply: Callable[[], None]


_applied: List[str] = []


# ---------------------------------------------------------------- 1. cached action-response validator
@lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """Same checks and error text as RemoteAction._validate_action_result, with one reused validator."""
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _action_response_validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


def _patch_action_validation() -> None:
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[assignment]


# ---------------------------------------------------------------- 2. action endpoint: timeout, secret, address
def _patch_action_endpoint() -> None:
    import rasa.core.actions.action as rasa_action
    from rasa.core.actions.action import RemoteAction

    import settings
    from components.action_endpoint import action_server_token, action_timeout, with_token

    original = RemoteAction.__init__

    def __init__(self: Any, name: str, action_endpoint: Any, *args: Any, **kwargs: Any) -> None:
        endpoint = with_token(action_endpoint, action_server_token(), settings.get().action_server_url)
        original(self, name, endpoint, *args, **kwargs)

    rasa_action.DEFAULT_REQUEST_TIMEOUT = action_timeout()  # RemoteAction.run reads this global at call time
    RemoteAction.__init__ = __init__  # type: ignore[method-assign]


# ---------------------------------------------------------------- 3. tracker store outages fail loudly
def _patch_fail_loud_tracker_store() -> None:
    import rasa.core.agent

    from storage.tracker_store import FailLoudTrackerStore

    # Agent._create_tracker_store wraps every store in rasa.core.agent.FailSafeTrackerStore
    rasa.core.agent.FailSafeTrackerStore = FailLoudTrackerStore  # type: ignore[misc]


def fail_loud_store_in_force() -> bool:
    import rasa.core.agent

    from storage.tracker_store import FailLoudTrackerStore

    return rasa.core.agent.FailSafeTrackerStore is FailLoudTrackerStore


# ---------------------------------------------------------------- 4. what the action server receives is bounded
# Our actions read the slots, the latest message and the user messages they have
# not processed yet (missed while the action server was down); nothing older.
RECENT_USER_MESSAGES = 12


def bounded_events(events: List[Dict[Text, Any]], keep_users: int = RECENT_USER_MESSAGES) -> List[Dict[Text, Any]]:
    """The events from the ``keep_users``-th last user message on (all of them when fewer)."""
    seen = 0
    for i in range(len(events) - 1, -1, -1):
        if events[i].get("event") == "user":
            seen += 1
            if seen == keep_users:
                return events[i:]
    return events


def _patch_bounded_action_payload() -> None:
    from rasa.core.actions.action import RemoteAction

    original = RemoteAction._action_call_format

    def _action_call_format(self: Any, tracker: Any, domain: Any) -> Dict[Text, Any]:
        result = original(self, tracker, domain)
        state = result.get("tracker") or {}
        if isinstance(state.get("events"), list):
            state["events"] = bounded_events(state["events"])
        return result

    RemoteAction._action_call_format = _action_call_format  # type: ignore[method-assign]


# ---------------------------------------------------------------- 5. event classes looked up once
# Rasa rebuilds every turn the whole session's tracker from the store, and for each
# stored event Event.resolve_by_type walks all Event subclasses again (with
# inspect.isabstract on each): measured with cProfile, most of what made turn 25
# cost more than turn 3. The class for a type name never changes once imported.
_EVENT_CLASSES: Dict[Text, Any] = {}


def _patch_event_class_cache() -> None:
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type

    def resolve_by_type(type_name: Text, default: Optional[Any] = None) -> Optional[Any]:
        cls = _EVENT_CLASSES.get(type_name)
        if cls is not None:
            return cls
        cls = original(type_name, default)
        if cls is not None and getattr(cls, "type_name", None) == type_name:
            _EVENT_CLASSES[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]


# ---------------------------------------------------------------- 6. socket.io handlers replaced
def swap_socketio_handlers(
    sio: Any,
    namespace: Optional[str],
    message_event: str,
    wrap_message: Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]],
    wrap_session: Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]],
) -> None:
    """Replace the handlers Rasa's SocketIOInput.blueprint registered with checked ones.

    Rasa 3.6 registers them inside blueprint() with no hook to check input, limit
    rates or validate the session id first (RasaHQ/rasa#13027 is the same handler).
    """
    check_version()
    ns = namespace or "/"
    handlers = sio.handlers.get(ns) or {}
    if message_event not in handlers or "session_request" not in handlers:
        raise RuntimeError(f"Rasa's socket.io handlers are not where Rasa {WRITTEN_FOR} put them")
    sio.on("session_request", wrap_session(handlers["session_request"]), namespace=namespace)
    sio.on(message_event, wrap_message(handlers[message_event]), namespace=namespace)


PATCHES: List[Patch] = [
    Patch("action_validation",
          "jsonschema.validate re-checks the schema on every action response: about half of Rasa's CPU per turn (measured with py-spy)",
          _patch_action_validation),
    Patch("action_endpoint",
          "Rasa waits up to 5 minutes for an action (DEFAULT_REQUEST_TIMEOUT) and endpoints.yml cannot take the shared secret or port from the environment",
          _patch_action_endpoint),
    Patch("fail_loud_tracker_store",
          "FailSafeTrackerStore turns a database outage into a new conversation and keeps failed writes in one process's memory",
          _patch_fail_loud_tracker_store),
    Patch("bounded_action_payload",
          "Rasa sends the whole session's events on every action call (EventVerbosity.ALL), so a late turn cost more than an early one; our actions need only the recent ones",
          _patch_bounded_action_payload),
    Patch("event_class_cache",
          "Event.resolve_by_type walks every Event subclass for each stored event, and Rasa rebuilds the whole session's tracker every turn: late turns cost more (cProfile)",
          _patch_event_class_cache),
]
# The sixth, swap_socketio_handlers, is called by channels/resilient.py when Rasa builds the
# socket.io blueprint, because the handlers only exist then; it checks the version itself.


def apply_all() -> List[str]:
    """Apply every patch once; returns their names. Raises RasaVersionMismatch on another Rasa."""
    check_version()
    for patch in PATCHES:
        if patch.name not in _applied:
            patch.apply()
            _applied.append(patch.name)
            logger.debug("rasa patch %s applied: %s", patch.name, patch.why)
    return list(_applied)


def applied() -> List[str]:
    return list(_applied)
