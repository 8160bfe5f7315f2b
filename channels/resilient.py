"""REST and socket.io channels that never leave a person without a reply.

Rasa 3.6 logs and swallows a failed custom action ("Bot will continue, but
the actions events are lost"), so with the action server down, slow or
failing a person would get silence. These channels wrap the message handler:
when a turn produced no bot message at all, they send a short apology (with
the emergency number, and the emergency advice first when a message since the
last reply carried a red flag) instead. The user message itself is already
stored in the tracker, and the action server replays it when it is back.

They also apply ``channels.guard`` (input hygiene, size and rate limits) and,
for socket.io, the allowed origins of ``CORS_ORIGINS``; their own REST route
logs failures without the message text (Rasa's logs the text).
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Text

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

import rasa_patches
import settings
from channels.log_privacy import conversation
from engine.guidance import RED_FLAG_ADVICE, fill
from knowledge import Level
from engine.locale import contacts
from channels.guard import (
    RATE_LIMITED,
    clean_metadata,
    clean_text,
    install_app_settings,
    limits,
    rest_body_problem,
    sender_problem,
    shorten,
)

logger = logging.getLogger(__name__)

_APP: Any = None  # the Sanic app, captured before the server starts (for the tracker store)


def remember_app(bp: Blueprint) -> None:
    """Capture the app and apply the app-wide settings before the server starts."""

    @bp.listener("before_server_start")
    async def _remember(app: Any, _loop: Any) -> None:
        global _APP
        missing = [p.name for p in rasa_patches.PATCHES if p.name not in rasa_patches.applied()]
        if missing:  # started as plain `rasa run`: outages would be hidden and actions could hang for minutes
            raise RuntimeError(f"Rasa was started without this project's patches ({', '.join(missing)}): "
                               "start it with `python -m rasa_cli run ...` (see rasa_patches.py)")
        _APP = app
        install_app_settings(app)


def apology_text(locale: str | None = None) -> str:
    c = contacts(locale)
    return (
        "Sorry, part of the assistant is not responding right now. What you wrote is saved, so please try again in a "
        f"minute. If you have warning signs such as chest pain, face drooping, slurred speech or trouble breathing, "
        f"call {c.emergency_number} now. If it keeps happening and you are worried about your symptoms, contact "
        f"{c.urgent_care}."
    )


def red_flag_advice(codes: Sequence[str], locale: str | None = None) -> List[str]:
    """The emergency advice for red flags seen in messages nobody answered yet.

    The urgent wording is used where a flag has one (it names when to call the
    emergency number); otherwise the emergency wording.
    """
    c = contacts(locale)
    texts: List[str] = []
    for code in dict.fromkeys(codes):
        template = RED_FLAG_ADVICE.get((code, Level.URGENT)) or RED_FLAG_ADVICE.get((code, Level.EMERGENCY))
        if template:
            texts.append(fill(template, c))
    if not texts and codes:
        texts.append(f"Call {c.emergency_number} now, or go to {c.emergency_department}.")
    return texts


def store_apology_text(locale: str | None = None) -> str:
    """When the conversation store (database or lock) is down, the message was NOT saved."""
    c = contacts(locale)
    return (
        "Sorry, I couldn't save your message just now, so please try again in a minute by sending it again. If you have warning signs "
        f"such as chest pain, face drooping, slurred speech or trouble breathing, call {c.emergency_number} now. If it "
        f"keeps happening and you are worried about your symptoms, contact {c.urgent_care}."
    )


def _store_errors() -> tuple:
    """Exceptions that mean the turn could not be stored (database, lock store, Redis)."""
    errors: List[type] = []
    try:
        from storage.tracker_store import StoreUnavailable

        errors.append(StoreUnavailable)
    except Exception:  # pragma: no cover - storage is part of this project
        pass
    try:
        from rasa.core.lock_store import LockError

        errors.append(LockError)
    except Exception:  # pragma: no cover
        pass
    try:
        import redis.exceptions

        errors.append(redis.exceptions.ConnectionError)
        errors.append(redis.exceptions.TimeoutError)
    except Exception:  # pragma: no cover
        pass
    try:
        import sqlalchemy.exc

        errors.append(sqlalchemy.exc.OperationalError)
    except Exception:  # pragma: no cover
        pass
    return tuple(errors)


STORE_ERRORS = _store_errors()


def apology_messages(locale: str | None, red_flags: Sequence[str]) -> List[str]:
    """What a person gets when a turn produced nothing: emergency advice first, then the apology."""
    return red_flag_advice(red_flags, locale) + [apology_text(locale)]


def unanswered_red_flags(events: Sequence[Any]) -> List[str]:
    """Red-flag codes (not negated) in the user messages after the bot's last message.

    ``events`` are tracker events (objects or dicts), oldest first; the NLU's
    ``red_flag`` entities in each message's parse data tell.
    """
    found: List[str] = []
    for event in reversed(list(events)):
        data = event if isinstance(event, dict) else event.as_dict()
        kind = data.get("event")
        if kind == "bot":
            break
        if kind != "user":
            continue
        for entity in (data.get("parse_data") or {}).get("entities") or []:
            if entity.get("entity") == "red_flag" and entity.get("role") != "absent" and entity.get("value"):
                found.append(str(entity["value"]))
    return list(reversed(found))


async def _red_flags_for(sender_id: str) -> List[str]:
    store = getattr(getattr(getattr(_APP, "ctx", None), "agent", None), "tracker_store", None)
    if store is None:
        return []
    try:
        tracker = await store.retrieve(sender_id)
    except Exception:
        logger.warning("could not read the tracker for the apology", exc_info=True)
        return []
    return unanswered_red_flags(tracker.events) if tracker is not None else []


class _CountingOutput(OutputChannel):
    """Delegates to the real output channel and counts what was sent."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    @classmethod
    def name(cls) -> Text:
        return "counting"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)

    def __getattr__(self, item: str) -> Any:
        return getattr(self.inner, item)


def _locale_of(message: UserMessage) -> Optional[str]:
    return (message.metadata or {}).get("locale") if isinstance(message.metadata, dict) else None


def never_silent(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
    async def handler(message: UserMessage) -> None:
        with conversation(message.sender_id):  # every log record of this turn names it by its keyed hash only
            await _handle(message)

    async def _handle(message: UserMessage) -> None:
        counter = _CountingOutput(message.output_channel)
        message.output_channel = counter
        try:
            await on_new_message(message)
        except STORE_ERRORS as e:
            # Not stored: whatever was answered must not stand as if it were (REST collects the
            # replies and can take them back; socket.io has sent them). Say so, and ask to resend.
            logger.warning("the conversation store is unavailable (%s); asked the person to send again", type(e).__name__)
            collected = getattr(counter.inner, "messages", None)
            if isinstance(collected, list):
                collected.clear()
            await counter.inner.send_response(message.sender_id, {"text": store_apology_text(_locale_of(message))})
            return
        except Exception:
            logger.exception("handling a message failed")
        if counter.sent == 0:
            flags = await _red_flags_for(message.sender_id)
            for text in apology_messages(_locale_of(message), flags):
                await counter.inner.send_response(message.sender_id, {"text": text})

    return handler


def guarded(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], per_sender_limit: bool = True
) -> Callable[[UserMessage], Awaitable[Any]]:
    """Clean the message, apply the per-sender limit and the size limit (see ``channels.guard``)."""

    async def handler(message: UserMessage) -> None:
        lim = limits()
        text = message.text
        message.text = clean_text(text if isinstance(text, str) else ("" if text is None else str(text)))
        message.metadata = clean_metadata(message.metadata)
        out = message.output_channel
        if per_sender_limit and not lim.sender_allowed(str(message.sender_id)):
            number = contacts(_locale_of(message)).emergency_number
            await out.send_response(message.sender_id, {"text": RATE_LIMITED.format(number=number)})
            return
        message.text, note = shorten(message.text, lim.settings.max_message_chars)
        if note:
            await out.send_response(message.sender_id, {"text": note})
        await on_new_message(message)

    return handler


def client_address(request: Request) -> str:
    """The client's address: the proxied one when Sanic is told to trust a proxy
    (``SANIC_PROXIES_COUNT``, ``SANIC_REAL_IP_HEADER``, ``SANIC_FORWARDED_SECRET``)."""
    addr = request.remote_addr or request.ip or ""
    return addr.strip("[]")


def _too_many(sender: Optional[str], retry_after: int, locale: Optional[str] = None) -> HTTPResponse:
    text = RATE_LIMITED.format(number=contacts(locale).emergency_number)
    return response.json(
        [{"recipient_id": sender, "text": text}], status=429, headers={"Retry-After": str(max(1, retry_after))}
    )


class ResilientRestInput(RestInput):
    """Rasa's REST channel at /webhooks/rest/webhook: never silent, checked input, rate limited.

    Same request and response format as Rasa's (``sender``, ``message``,
    ``metadata``; ``?stream=true``). Refused with 400: a body that is not a
    JSON object, a sender that is not a short string, a message that is not
    a string, metadata that is not an object. 429 with a kind message (and
    ``Retry-After``) when a sender or an address sends too fast.
    """

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        handle = guarded(never_silent(on_new_message), per_sender_limit=False)
        bp = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)
        remember_app(bp)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            lim = limits()
            address = client_address(request)
            if not lim.address_allowed(address):
                return _too_many(None, lim.addresses.retry_after(address))
            body = request.json  # malformed JSON: Sanic answers 400
            problem = rest_body_problem(body, lim.settings.max_sender_chars)
            if problem:
                return response.json({"error": problem}, status=400)
            sender = body["sender"]
            metadata = clean_metadata(body.get("metadata"))
            if not lim.sender_allowed(sender):
                return _too_many(sender, lim.senders.retry_after(sender), metadata.get("locale"))
            text = body.get("message") or ""
            if bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(handle, text, sender, self.name(), metadata), content_type="text/event-stream"
                )
            collector = CollectingOutputChannel()
            try:
                await handle(UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata))
            except asyncio.CancelledError:
                logger.error("handling a REST message timed out")
            except Exception:
                logger.exception("handling a REST message failed")
            return response.json(collector.messages)

        return bp


class JsonSafeSocketIOOutput(SocketIOOutput):
    """Rasa 3.6's socket.io output passes a custom payload's keys to ``emit``
    as keyword arguments, so any payload without exactly ``data``/``room``
    keys (such as our triage summary) raises and the rest of the turn is lost.
    This one sends it as ``{"custom": {...}}``, the shape the REST channel uses."""

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


def json_safe(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
    async def handler(message: UserMessage) -> None:
        out = message.output_channel
        if isinstance(out, SocketIOOutput) and not isinstance(out, JsonSafeSocketIOOutput):
            message.output_channel = JsonSafeSocketIOOutput(out.sio, out.bot_message_evt)
        await on_new_message(message)

    return handler


def cors_origins() -> Optional[List[str]]:
    """Allowed browser origins from ``CORS_ORIGINS`` (comma or space separated).

    None when unset or ``*``: socket.io then checks no origin, as before.
    """
    return settings.get().cors_origin_list()


INVALID_SOCKET_MESSAGE = "Sorry, I could not read that message. Please type your answer as text."


class ResilientSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel at /socket.io: never silent, custom payloads intact,
    checked input, rate limited, and only the origins of ``CORS_ORIGINS`` when set."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def get_output_channel(self) -> OutputChannel | None:
        out = super().get_output_channel()
        return JsonSafeSocketIOOutput(out.sio, out.bot_message_evt) if out is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = super().blueprint(json_safe(guarded(never_silent(on_new_message), per_sender_limit=False)))
        remember_app(bp)
        sio = self.sio
        origins = cors_origins()
        if origins is not None:
            sio.eio.cors_allowed_origins = origins

        async def tell(sid: str, text: str) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=sid, namespace=self.namespace)

        def wrap_session(original_session: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
            async def session_request(sid: str, data: Any = None) -> None:
                if not isinstance(data, dict) or sender_problem(data.get("session_id")):
                    data = {}  # a new session id is made up
                await original_session(sid, {"session_id": data.get("session_id")})

            return session_request

        def wrap_message(original_message: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
            async def handle_message(sid: str, data: Any = None) -> None:
                lim = limits()
                if not isinstance(data, dict) or not isinstance(data.get("message", ""), (str, type(None))):
                    await tell(sid, INVALID_SOCKET_MESSAGE)
                    return
                sender = data.get("session_id") if self.session_persistence else sid
                if self.session_persistence and sender_problem(sender, lim.settings.max_sender_chars):
                    await tell(sid, "Sorry, this chat lost its session. Please reload the page and try again.")
                    return
                metadata = data.get(self.metadata_key)
                if isinstance(metadata, str):
                    try:
                        metadata = json.loads(metadata)
                    except ValueError:
                        metadata = None
                metadata = clean_metadata(metadata)
                environ = sio.get_environ(sid, namespace=self.namespace) or {}
                request = environ.get("sanic.request")
                address = client_address(request) if request is not None else ""
                if not lim.address_allowed(address) or not lim.sender_allowed(str(sender)):
                    number = contacts(metadata.get("locale")).emergency_number
                    await tell(sid, RATE_LIMITED.format(number=number))
                    return
                clean = {"message": data.get("message") or "", self.metadata_key: metadata}
                if self.session_persistence:
                    clean["session_id"] = sender
                await original_message(sid, clean)

            return handle_message

        rasa_patches.swap_socketio_handlers(sio, self.namespace, self.user_message_evt, wrap_message, wrap_session)
        return bp
