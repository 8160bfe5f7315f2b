"""REST and socket.io channels that never leave a person without a reply.

Rasa 3.6 logs and swallows a failed custom action ("Bot will continue, but
the actions events are lost"), so with the action server down a person
would get silence. These channels wrap the message handler: when a turn
produced no bot message at all, they send a short apology (with the
emergency number) instead. The user message itself is already stored in
the tracker, and the action server replays it when it is back.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from actions.clinical.locale import contacts

logger = logging.getLogger(__name__)

def apology_text(locale: str | None = None) -> str:
    number = contacts(locale).emergency_number
    return (
        "Sorry, part of the assistant is not responding right now. What you wrote is saved, so please try again in a "
        f"minute. If you have warning signs such as chest pain, face drooping, slurred speech or trouble breathing, "
        f"call {number} now."
    )


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


def never_silent(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
    async def handler(message: UserMessage) -> None:
        counter = _CountingOutput(message.output_channel)
        message.output_channel = counter
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("handling a message failed")
        if counter.sent == 0:
            locale = (message.metadata or {}).get("locale") if isinstance(message.metadata, dict) else None
            await counter.inner.send_response(message.sender_id, {"text": apology_text(locale)})

    return handler


class ResilientRestInput(RestInput):
    """Rasa's REST channel at /webhooks/rest/webhook, never silent."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(never_silent(on_new_message))


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


class ResilientSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel at /socket.io, never silent, custom payloads intact."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def get_output_channel(self) -> OutputChannel | None:
        out = super().get_output_channel()
        return JsonSafeSocketIOOutput(out.sio, out.bot_message_evt) if out is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(json_safe(never_silent(on_new_message)))
