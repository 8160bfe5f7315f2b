"""Every change this project makes to Rasa's internals, in one place.

Each patch says in one line why it exists (the upstream issue or the measured
reason), and all of them assert the Rasa version they were written for: an
upgrade stops the server with a clear message instead of running silently
unpatched or patched wrongly. They are applied from one explicit place,
`rasa_cli.py` (`python -m rasa_cli run ...`, what `make run`, the tests and the
deploy files start), never as a side effect of importing a module.
"""
from __future__ import annotations

import contextvars
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
# not processed yet (missed while the action server was down); nothing older. Of the
# earlier turns only the user messages are sent; of the current turn (from its user
# message on) everything, as the SDK's form validation reads the trailing slot events.
RECENT_USER_MESSAGES = 12


def recent_start(events: List[Any], keep_users: int = RECENT_USER_MESSAGES) -> int:
    """Index of the ``keep_users``-th last user message (0 when there are fewer)."""
    from rasa.shared.core.events import UserUttered

    seen = 0
    for i in range(len(events) - 1, -1, -1):
        if isinstance(events[i], UserUttered):
            seen += 1
            if seen == keep_users:
                return i
    return 0


def _patch_bounded_action_payload() -> None:
    from rasa.core.actions.action import RemoteAction

    import rasa
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import EventVerbosity

    def _action_call_format(self: Any, tracker: Any, domain: Any) -> Dict[Text, Any]:
        # Rasa's own format, with only the recent events serialised (not all, then cut)
        events = list(tracker.events)
        state = tracker.current_state(EventVerbosity.NONE)
        start = recent_start(events)
        current = recent_start(events, 1)
        state["events"] = [e.as_dict() for i, e in enumerate(events[start:], start) if i >= current or isinstance(e, UserUttered)]
        result = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": state, "version": rasa.__version__}
        if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
            result["domain"] = domain.as_dict()
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


# ---------------------------------------------------------------- 6. rules matched on the recent states
# RulePolicy builds a state for every action of the session before each prediction
# (Domain.states_for_tracker_history), then compares only the last few with its rules
# (no rule longer than the longest in data/rules; none of ours starts at the
# conversation's start). The interview form predicts three to five times per turn, so
# with cProfile this was the largest part of what makes turn 25 cost more than turn 3.
# While RulePolicy predicts, only the last states it can use are built; the events are
# still replayed in order (applied_events: Rasa collapses a form's happy path), so each
# state is the one Rasa would build.
_RECENT_STATES: "contextvars.ContextVar[Optional[int]]" = contextvars.ContextVar("rule_states_kept", default=None)
RULE_STATES_MARGIN = 2


def recent_states(domain: Any, tracker: Any, keep: int, omit_unset_slots: bool = False) -> List[Any]:
    """The last ``keep`` states of Domain.states_for_tracker_history (no rule-only hiding)."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet

    # a state reads the previous action, the user's message, the active loop and the
    # slots that influence the conversation: a bot message or another slot changes none
    quiet = {name for name, slot in tracker.slots.items() if not slot.influence_conversation}
    applied = tracker.applied_events()
    total = 1 + sum(1 for e in applied if isinstance(e, ActionExecuted))
    skip = total - keep
    replay = tracker.init_copy()
    states: List[Any] = []
    index = 0
    for event in applied:
        if isinstance(event, ActionExecuted):
            if index >= skip:
                states.append(domain._clean_state(domain.get_active_state(replay, omit_unset_slots=omit_unset_slots)))
            index += 1
        elif isinstance(event, BotUttered) or (isinstance(event, SlotSet) and event.key in quiet):
            continue
        replay.update(event)
    states.append(domain._clean_state(domain.get_active_state(replay, omit_unset_slots=omit_unset_slots)))
    return states


def _longest_rule(policy: Any) -> Optional[int]:
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH

    cached = getattr(policy, "_b12_longest_rule", None)
    if cached is None:
        keys = list((policy.lookup or {}).get(RULES, {})) + list((policy.lookup or {}).get(RULES_FOR_LOOP_UNHAPPY_PATH, {}))
        if not keys:
            return None
        cached = max(len(policy._rule_key_to_state(k)) for k in keys) + RULE_STATES_MARGIN
        policy._b12_longest_rule = cached
    return cached


def _patch_rule_policy_recent_states() -> None:
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.shared.core.domain import Domain

    original_states = Domain.states_for_tracker_history
    original_predict = RulePolicy.predict_action_probabilities

    def states_for_tracker_history(self: Any, tracker: Any, omit_unset_slots: bool = False,
                                   ignore_rule_only_turns: bool = False, rule_only_data: Optional[Dict[Text, Any]] = None) -> List[Any]:
        keep = _RECENT_STATES.get()
        if keep is None or ignore_rule_only_turns or tracker.is_rule_tracker:
            return original_states(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        return recent_states(self, tracker, keep, omit_unset_slots)

    def predict_action_probabilities(self: Any, tracker: Any, domain: Any, **kwargs: Any) -> Any:
        token = _RECENT_STATES.set(_longest_rule(self))
        try:
            return original_predict(self, tracker, domain, **kwargs)
        finally:
            _RECENT_STATES.reset(token)

    Domain.states_for_tracker_history = states_for_tracker_history  # type: ignore[method-assign]
    RulePolicy.predict_action_probabilities = predict_action_probabilities  # type: ignore[method-assign]


# ---------------------------------------------------------------- 7. the form's temporary tracker copied, not rebuilt
# FormAction._temporary_tracker rebuilds a tracker by replaying every event of the
# session (DialogueStateTracker.from_events) two or three times per turn, to add a few
# events for the validation call and the question. The same tracker is the current one
# copied (slots, latest message and action, active loop...) plus those few events.
# Not used after a Restarted event (Rasa then replays only what follows it).
def copied_tracker(current: Any, extra: List[Any]) -> Any:
    import copy

    from rasa.shared.core.events import Restarted
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker(current.sender_id, current.slots.values(), current._max_event_history,
                                   sender_source=current.sender_source, is_rule_tracker=current.is_rule_tracker)
    tracker.slots = {name: copy.copy(slot) for name, slot in current.slots.items()}
    tracker.events.extend(current.events)
    tracker._paused = current._paused
    tracker.followup_action = current.followup_action
    tracker.latest_action = dict(current.latest_action) if current.latest_action is not None else None
    tracker.latest_message = current.latest_message
    tracker.latest_bot_utterance = current.latest_bot_utterance
    tracker.active_loop = copy.copy(current.active_loop)
    tracker.model_id = current.model_id
    tracker.assistant_id = current.assistant_id
    for event in extra:
        tracker.update(event)
    return tracker


def _patch_form_temporary_tracker() -> None:
    from rasa.core.actions.forms import REQUESTED_SLOT, FormAction
    from rasa.shared.core.events import ActionExecuted, Restarted, SlotSet

    original = FormAction._temporary_tracker

    def _temporary_tracker(self: Any, current_tracker: Any, additional_events: List[Any], domain: Any) -> Any:
        if any(isinstance(e, Restarted) for e in current_tracker.events):
            return original(self, current_tracker, additional_events, domain)
        extra = [SlotSet(REQUESTED_SLOT, self.get_slot_to_fill(current_tracker)), ActionExecuted(self.name())] + list(additional_events)
        return copied_tracker(current_tracker, extra)

    FormAction._temporary_tracker = _temporary_tracker  # type: ignore[method-assign]


# ---------------------------------------------------------------- 7b. applied events, incrementally
# DialogueStateTracker.applied_events replays the whole session's events on every call
# (undoing a form's happy path scans back through what it kept), and Rasa calls it
# several times per turn: measured on a 252-event session, 5.4 ms a call against 0.1 ms
# at the start. The replay is a left fold over the events, given the loop names of the
# whole session; each tracker keeps its last result and, while its events only grew and
# the loop names are the same, folds in only the new events. Anything else (fewer events,
# another first part, a new loop name) replays everything as Rasa does.
_APPLIED_CACHE = "_b12_applied_events"


def applied_events_fold(tracker: Any, events: Any, loop_names: Any, applied: List[Any]) -> List[Any]:
    """Rasa 3.6's DialogueStateTracker.applied_events loop body, from ``applied`` on."""
    from rasa.shared.core.events import ActionExecuted, ActionReverted, Restarted, SessionStarted, UserUttered, UserUtteranceReverted

    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied = []
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
    return applied


def incremental_applied_events(tracker: Any) -> List[Any]:
    """The same list as DialogueStateTracker.applied_events, folding in only new events."""
    import itertools

    from rasa.shared.core.events import ActiveLoop

    events = tracker.events
    n = len(events)
    cached = tracker.__dict__.get(_APPLIED_CACHE)
    if cached is not None:
        store, count, last, loops, applied = cached
        if store is events and 0 < count <= n and events[count - 1] is last:
            new = list(itertools.islice(events, count, None))
            new_loops = loops | {e.name for e in new if isinstance(e, ActiveLoop) and e.name}
            if new_loops == loops:
                applied = applied_events_fold(tracker, new, loops, list(applied))
                tracker.__dict__[_APPLIED_CACHE] = (events, n, events[n - 1] if n else None, loops, applied)
                return list(applied)
    loops = frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)
    applied = applied_events_fold(tracker, events, loops, [])
    if n:
        tracker.__dict__[_APPLIED_CACHE] = (events, n, events[n - 1], loops, applied)
    return list(applied)


def _patch_incremental_applied_events() -> None:
    from rasa.shared.core.trackers import DialogueStateTracker

    DialogueStateTracker.rasa_applied_events = DialogueStateTracker.applied_events  # the original, for the tests
    DialogueStateTracker.applied_events = incremental_applied_events  # type: ignore[method-assign]


# ---------------------------------------------------------------- 8. socket.io handlers replaced
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
    Patch("rule_policy_recent_states",
          "RulePolicy builds a state for every action of the session before each of the form's 3-5 predictions per turn, and uses only the last few: the largest growth of a late turn's cost (cProfile)",
          _patch_rule_policy_recent_states),
    Patch("form_temporary_tracker",
          "FormAction rebuilds the whole session's tracker from its events two or three times per turn to add a few events: late turns cost more (cProfile)",
          _patch_form_temporary_tracker),
    Patch("incremental_applied_events",
          "DialogueStateTracker.applied_events replays the whole session on every call, several times per turn (5.4 ms a call at 252 events against 0.1 ms at the start)",
          _patch_incremental_applied_events),
]
# The eighth, swap_socketio_handlers, is called by channels/resilient.py when Rasa builds the
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
