"""Telegram channel at /webhooks/telegram/webhook.

Unlike Rasa's built-in ``telegram`` channel it never calls Telegram at
start-up (the webhook is registered with ``scripts/telegram_webhook.py``),
starts fine without a bot token (the webhook then answers 503), requires
Telegram's secret-token header on every update, and lays replies out for
Telegram: inline keyboards for quick replies, long texts split under 4096
characters, no JSON. A button carries only its index and a fingerprint of
its question (callback data is limited to 64 bytes); the payload is read
back from the conversation's tracker. A failed turn still gets an apology.

Settings (credentials.yml, else environment): ``bot_token``
(TELEGRAM_BOT_TOKEN), ``secret_token`` (TELEGRAM_SECRET_TOKEN), ``api_base``
(TELEGRAM_API_BASE, default https://api.telegram.org).
"""
from __future__ import annotations

import asyncio
import hmac
import logging
import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence, Text, Tuple

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from engine.locale import contacts
from channels.messaging_common import (
    NOT_TEXT,
    TELEGRAM_LIMIT,
    BufferedOutput,
    Button,
    Outgoing,
    Question,
    RecentIds,
    latest_question_for,
    locale_from_language_code,
    setting,
    utf16_len,
)
from channels.resilient import guarded, never_silent, remember_app

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit for callback_data
SENDER_PREFIX = "telegram:"
STALE_CHOICE = "That question has moved on. Please use the latest buttons, or type your answer."
COMMANDS = {"start": "hi", "help": "help", "restart": "start over", "startover": "start over"}
TIMEOUT = aiohttp.ClientTimeout(total=15)


@dataclass(frozen=True)
class TelegramSettings:
    bot_token: Optional[str]
    secret_token: Optional[str]
    api_base: str

    @property
    def configured(self) -> bool:
        return bool(self.bot_token and self.secret_token)

    def method_url(self, method: str) -> str:
        return f"{self.api_base.rstrip('/')}/bot{self.bot_token}/{method}"


# ------------------------------------------------------------------ pure helpers
def callback_data(index: int, fingerprint: str) -> str:
    data = f"{index}:{fingerprint}"
    if len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
    return data


def parse_callback_data(data: Optional[str]) -> Optional[Tuple[int, str]]:
    try:
        index, fingerprint = str(data).split(":", 1)
        return int(index), fingerprint
    except (TypeError, ValueError):
        return None


def inline_keyboard(buttons: Sequence[Button], fingerprint: str) -> Dict[str, Any]:
    """Telegram's reply_markup: short titles side by side (up to 3), long ones one per row."""
    keys = [{"text": str(b.get("title") or b.get("payload")), "callback_data": callback_data(i, fingerprint)} for i, b in enumerate(buttons)]
    per_row = 3 if all(len(k["text"]) <= 12 for k in keys) else 1
    return {"inline_keyboard": [keys[i : i + per_row] for i in range(0, len(keys), per_row)]}


def resolve_callback(data: Optional[str], question: Optional[Question]) -> Optional[Dict[str, Any]]:
    """The button a callback picked, if it belongs to the latest question (else stale: None)."""
    parsed = parse_callback_data(data)
    if parsed is None or question is None:
        return None
    index, fingerprint = parsed
    if fingerprint != question.fingerprint or not 0 <= index < len(question.buttons):
        return None
    return question.buttons[index]


def command_text(text: str) -> str:
    """Telegram commands as words the assistant understands: /start -> hi."""
    stripped = text.strip()
    if not stripped.startswith("/") or stripped.startswith("//"):
        return text
    word, _, rest = stripped[1:].partition(" ")
    word = word.split("@", 1)[0].lower()
    if word in COMMANDS:
        return COMMANDS[word]
    return (word + " " + rest).strip()


def chat_id_of(sender_id: str) -> Any:
    """telegram:42 -> 42 (Telegram takes an integer chat id, or an @channel name)."""
    chat = sender_id[len(SENDER_PREFIX):] if sender_id.startswith(SENDER_PREFIX) else sender_id
    return int(chat) if re.fullmatch(r"-?\d+", chat) else chat


# ------------------------------------------------------------------ Bot API
class TelegramApi:
    def __init__(self, settings: TelegramSettings, http: Optional[aiohttp.ClientSession] = None) -> None:
        self.settings = settings
        self.http = http

    async def call(self, method: str, body: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        """POST one Bot API method; returns ``result`` or None (errors are logged, never raised)."""
        if self.http is None:
            async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
                return await TelegramApi(self.settings, http).call(method, body)
        for attempt in range(2):
            try:
                async with self.http.post(self.settings.method_url(method), json=body) as r:
                    data = await r.json(content_type=None)
            except Exception as e:
                logger.error("Telegram %s failed: %r", method, e)
                return None
            if isinstance(data, dict) and data.get("ok"):
                return data.get("result")
            retry = ((data or {}).get("parameters") or {}).get("retry_after") if isinstance(data, dict) else None
            if r.status == 429 and attempt == 0 and isinstance(retry, (int, float)) and retry <= 5:
                await asyncio.sleep(retry)
                continue
            logger.error("Telegram %s answered %s: %s", method, r.status, (data or {}).get("description") if isinstance(data, dict) else data)
            return None
        return None


class TelegramOutput(BufferedOutput):
    limit = TELEGRAM_LIMIT
    keyboards = True

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    def __init__(self, api: TelegramApi, buffered: bool = True) -> None:
        super().__init__(buffered)
        self.api = api

    async def deliver(self, recipient_id: str, messages: List[Outgoing]) -> None:
        for m in messages:
            body: Dict[str, Any] = {"chat_id": chat_id_of(recipient_id), "text": m.text, "disable_web_page_preview": True}
            if m.buttons:
                body["reply_markup"] = inline_keyboard(m.buttons, Question(m.question_text or "", m.buttons).fingerprint)
            await self.api.call("sendMessage", body)


# ------------------------------------------------------------------ input channel
class TelegramInput(InputChannel):
    """Telegram bot webhook; see the module docstring."""

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(
            TelegramSettings(
                bot_token=setting(credentials, "bot_token", "TELEGRAM_BOT_TOKEN"),
                secret_token=setting(credentials, "secret_token", "TELEGRAM_SECRET_TOKEN"),
                api_base=setting(credentials, "api_base", "TELEGRAM_API_BASE", "https://api.telegram.org") or "https://api.telegram.org",
            )
        )

    def __init__(self, settings: TelegramSettings) -> None:
        self.settings = settings
        self.recent = RecentIds()
        if not settings.configured:
            logger.info("Telegram not configured (TELEGRAM_BOT_TOKEN, TELEGRAM_SECRET_TOKEN): its webhook answers 503")

    def get_output_channel(self) -> OutputChannel:
        return TelegramOutput(TelegramApi(self.settings), buffered=False)

    def _secret_ok(self, request: Request) -> bool:
        given = request.headers.get(SECRET_HEADER) or ""
        return hmac.compare_digest(given.encode("utf-8"), (self.settings.secret_token or "").encode("utf-8"))

    @staticmethod
    def _metadata(user: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
        locale = locale_from_language_code((user or {}).get("language_code"))
        return {"locale": locale} if locale else {}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        handler = guarded(never_silent(on_new_message))
        bp = Blueprint("b12_telegram_webhook", __name__)
        remember_app(bp)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.settings.configured})

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.settings.configured:
                return response.json(
                    {
                        "status": "unavailable",
                        "error": "Telegram is not configured on this server: set TELEGRAM_BOT_TOKEN and "
                        "TELEGRAM_SECRET_TOKEN (README, 'Messaging apps: Telegram and WhatsApp').",
                    },
                    status=503,
                )
            if not self._secret_ok(request):
                logger.warning("Telegram webhook: wrong or missing secret token", extra={"client_address": request.ip})
                return response.json({"status": "forbidden", "error": "wrong or missing secret token"}, status=403)
            try:
                update = request.json
            except Exception:
                update = None
            if not isinstance(update, dict):
                return response.json({"status": "bad request", "error": "expected a Telegram Update (JSON object)"}, status=400)
            if self.recent.seen(update.get("update_id")):
                return response.json({"ok": True, "duplicate": True})
            try:
                async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
                    api = TelegramApi(self.settings, http)
                    if isinstance(update.get("callback_query"), dict):
                        await self._on_callback(request, api, update["callback_query"], handler)
                    elif isinstance(update.get("message"), dict):
                        await self._on_message(api, update["message"], handler)
            except Exception:  # answer 200 anyway: Telegram would resend a poisoned update for hours
                logger.exception("Telegram update %s failed", update.get("update_id"))
            return response.json({"ok": True})

        return bp

    async def _on_message(self, api: TelegramApi, message: Dict[str, Any], handler: Callable[[UserMessage], Awaitable[Any]]) -> None:
        chat_id = (message.get("chat") or {}).get("id")
        if chat_id is None:
            return
        sender = f"{SENDER_PREFIX}{chat_id}"
        metadata = self._metadata(message.get("from"))
        text = message.get("text") if isinstance(message.get("text"), str) else message.get("caption")
        out = TelegramOutput(api)
        if not isinstance(text, str):
            await out.send_response(sender, {"text": NOT_TEXT.format(number=contacts(metadata.get("locale")).emergency_number)})
        else:
            await handler(UserMessage(command_text(text), out, sender, input_channel=self.name(), metadata=metadata))
        await out.flush()

    async def _on_callback(
        self, request: Request, api: TelegramApi, query: Dict[str, Any], handler: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        message = query.get("message") or {}
        chat_id = (message.get("chat") or {}).get("id")
        if chat_id is None:
            await api.call("answerCallbackQuery", {"callback_query_id": query.get("id")})
            return
        sender = f"{SENDER_PREFIX}{chat_id}"
        button = resolve_callback(query.get("data"), await latest_question_for(request, sender))
        if button is None:
            await api.call("answerCallbackQuery", {"callback_query_id": query.get("id"), "text": STALE_CHOICE})
            await self._remove_keyboard(api, chat_id, message)
            return
        await api.call("answerCallbackQuery", {"callback_query_id": query.get("id")})
        await self._echo_choice(api, chat_id, message, str(button.get("title") or ""))
        out = TelegramOutput(api)
        metadata = self._metadata(query.get("from"))
        await handler(UserMessage(str(button.get("payload") or ""), out, sender, input_channel=self.name(), metadata=metadata))
        await out.flush()

    @staticmethod
    async def _echo_choice(api: TelegramApi, chat_id: Any, message: Mapping[str, Any], title: str) -> None:
        """Show the choice under the question and take the keyboard away (no double answers)."""
        original = message.get("text")
        if isinstance(original, str) and title and utf16_len(original) + utf16_len(title) + 4 <= TELEGRAM_LIMIT:
            await api.call(
                "editMessageText",
                {"chat_id": chat_id, "message_id": message.get("message_id"), "text": f"{original}\n\n› {title}", "disable_web_page_preview": True},
            )
        else:
            await TelegramInput._remove_keyboard(api, chat_id, message)

    @staticmethod
    async def _remove_keyboard(api: TelegramApi, chat_id: Any, message: Mapping[str, Any]) -> None:
        if message.get("message_id") is not None:
            await api.call(
                "editMessageReplyMarkup",
                {"chat_id": chat_id, "message_id": message["message_id"], "reply_markup": {"inline_keyboard": []}},
            )
