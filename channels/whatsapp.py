"""WhatsApp (through Twilio) channel at /webhooks/whatsapp/webhook.

Twilio posts each incoming WhatsApp message here (form-encoded); replies go
out through Twilio's Messages API. Every request must carry a valid
``X-Twilio-Signature`` for the public webhook URL. WhatsApp has no buttons
through a plain Twilio number, so quick replies become numbered options
("Reply with a number: 1 Yes, 2 No, 3 Not sure") and a typed number or
title is mapped back to the button payload of the latest question, read
from the tracker. Texts are joined and split under Twilio's 1600-character
limit; the summary shows as text, never JSON; a failed turn still gets an
apology. Without an account the webhook answers 503 and Rasa starts normally.

Settings (credentials.yml, else environment): ``account_sid``
(TWILIO_ACCOUNT_SID), ``auth_token`` (TWILIO_AUTH_TOKEN), ``whatsapp_number``
(TWILIO_WHATSAPP_NUMBER, e.g. whatsapp:+14155238886), ``webhook_url``
(TWILIO_WEBHOOK_URL: the public https URL Twilio calls; needed behind a proxy
that changes host or scheme), ``api_base`` (TWILIO_API_BASE, default
https://api.twilio.com).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import parse_qsl

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from engine.locale import contacts
from channels.messaging_common import (
    NOT_TEXT,
    WHATSAPP_LIMIT,
    BufferedOutput,
    Outgoing,
    RecentIds,
    choice_payload,
    latest_question_for,
    locale_from_phone,
    setting,
)
from channels.resilient import guarded, never_silent, remember_app

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
TIMEOUT = aiohttp.ClientTimeout(total=15)
CHOICE_MAX_LENGTH = 40  # longer texts are answers in words, not a pick from the options


@dataclass(frozen=True)
class WhatsAppSettings:
    account_sid: Optional[str]
    auth_token: Optional[str]
    whatsapp_number: Optional[str]
    webhook_url: Optional[str]
    api_base: str

    @property
    def configured(self) -> bool:
        return bool(self.account_sid and self.auth_token and self.whatsapp_number)

    @property
    def messages_url(self) -> str:
        return f"{self.api_base.rstrip('/')}/2010-04-01/Accounts/{self.account_sid}/Messages.json"


# ------------------------------------------------------------------ pure helpers
def whatsapp_address(number: str) -> str:
    number = number.strip()
    return number if number.startswith("whatsapp:") else f"whatsapp:{number}"


class FormParams(dict):
    """Form fields as lists, blank ones kept: Twilio signs every field, empty or not."""

    def getlist(self, name: str) -> List[str]:
        return self[name]

    def first(self, name: str, default: str = "") -> str:
        values = self.get(name) or [default]
        return values[0]


def form_params(body: bytes) -> FormParams:
    params = FormParams()
    for key, value in parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True):
        params.setdefault(key, []).append(value)
    return params


def request_url(headers: Any, scheme: str, host: str, path: str, query: str) -> str:
    """The URL Twilio called, as far as a proxy lets us see it (X-Forwarded-Proto/Host)."""
    proto = (headers.get("X-Forwarded-Proto") or scheme).split(",")[0].strip()
    host = (headers.get("X-Forwarded-Host") or host).split(",")[0].strip()
    return f"{proto}://{host}{path}" + (f"?{query}" if query else "")


def signature_ok(auth_token: str, url: str, params: FormParams, signature: Optional[str]) -> bool:
    if not signature:
        return False
    try:
        return bool(RequestValidator(auth_token).validate(url, params, signature))
    except Exception:
        logger.exception("Twilio signature check failed")
        return False


# ------------------------------------------------------------------ output
class WhatsAppOutput(BufferedOutput):
    limit = WHATSAPP_LIMIT
    keyboards = False

    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    def __init__(self, settings: WhatsAppSettings, http: Optional[aiohttp.ClientSession] = None, buffered: bool = True) -> None:
        super().__init__(buffered)
        self.settings = settings
        self.http = http

    async def deliver(self, recipient_id: str, messages: List[Outgoing]) -> None:
        if self.http is None:
            async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
                await WhatsAppOutput(self.settings, http).deliver(recipient_id, messages)
            return
        auth = aiohttp.BasicAuth(self.settings.account_sid or "", self.settings.auth_token or "")
        sender = whatsapp_address(self.settings.whatsapp_number or "")
        to = whatsapp_address(recipient_id)
        for m in messages:  # one at a time, in order: WhatsApp does not reorder a queue sent this way
            try:
                async with self.http.post(self.settings.messages_url, data={"To": to, "From": sender, "Body": m.text}, auth=auth) as r:
                    if r.status >= 300:
                        # the error text can name the phone number: log Twilio's error code only
                        logger.error("Twilio answered %s (error code %s)", r.status, _twilio_error_code(await r.text()))
            except Exception as e:
                logger.error("Twilio send failed: %r", e)


def _twilio_error_code(body: str) -> str:
    try:
        return str(json.loads(body).get("code"))
    except Exception:
        return "unknown"


# ------------------------------------------------------------------ input channel
class WhatsAppInput(InputChannel):
    """Twilio WhatsApp webhook; see the module docstring."""

    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(
            WhatsAppSettings(
                account_sid=setting(credentials, "account_sid", "TWILIO_ACCOUNT_SID"),
                auth_token=setting(credentials, "auth_token", "TWILIO_AUTH_TOKEN"),
                whatsapp_number=setting(credentials, "whatsapp_number", "TWILIO_WHATSAPP_NUMBER"),
                webhook_url=setting(credentials, "webhook_url", "TWILIO_WEBHOOK_URL"),
                api_base=setting(credentials, "api_base", "TWILIO_API_BASE", "https://api.twilio.com") or "https://api.twilio.com",
            )
        )

    def __init__(self, settings: WhatsAppSettings) -> None:
        self.settings = settings
        self.recent = RecentIds()
        if not settings.configured:
            logger.info(
                "WhatsApp not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_NUMBER): its webhook answers 503"
            )

    def get_output_channel(self) -> OutputChannel:
        return WhatsAppOutput(self.settings, buffered=False)

    def _url(self, request: Request) -> str:
        if self.settings.webhook_url:
            return self.settings.webhook_url
        return request_url(request.headers, request.scheme, request.host, request.path, request.query_string)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        handler = guarded(never_silent(on_new_message))
        bp = Blueprint("b12_whatsapp_webhook", __name__)
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
                        "error": "WhatsApp is not configured on this server: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN "
                        "and TWILIO_WHATSAPP_NUMBER (README, 'Messaging apps: Telegram and WhatsApp').",
                    },
                    status=503,
                )
            params = form_params(request.body or b"")
            if not signature_ok(self.settings.auth_token or "", self._url(request), params, request.headers.get(SIGNATURE_HEADER)):
                logger.warning("WhatsApp webhook: bad or missing Twilio signature (URL checked: %s)", self._url(request),
                               extra={"client_address": request.ip})
                return response.json({"status": "forbidden", "error": "invalid Twilio signature"}, status=403)
            sender = params.first("From")
            if sender and not self.recent.seen(params.first("MessageSid")):
                try:
                    await self._on_message(request, params, sender, handler)
                except Exception:
                    logger.exception("WhatsApp message %s failed", params.first("MessageSid"))
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return bp

    async def _on_message(
        self, request: Request, params: FormParams, sender: str, handler: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        text = params.first("Body")
        locale = locale_from_phone(sender)
        metadata = {"locale": locale} if locale else {}
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            out = WhatsAppOutput(self.settings, http)
            if not text.strip() and params.first("NumMedia", "0") not in ("", "0"):
                await out.send_response(sender, {"text": NOT_TEXT.format(number=contacts(locale).emergency_number)})
            else:
                if text.strip() and len(text) <= CHOICE_MAX_LENGTH:
                    question = await latest_question_for(request, sender)
                    text = (choice_payload(text, question.buttons) if question else None) or text
                await handler(UserMessage(text, out, sender, input_channel=self.name(), metadata=metadata))
            await out.flush()
