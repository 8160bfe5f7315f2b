"""What the Telegram and WhatsApp channels share.

Messaging apps show plain text with platform limits, so everything the bot
says in one turn is collected first and then laid out for the platform:
consecutive texts are joined, long texts split at paragraph, line, sentence
or word boundaries, quick replies become an inline keyboard (Telegram) or a
numbered list (WhatsApp), and the structured summary payload is not shown
as JSON (its plain-text twin was already sent).

A quick reply the person picks arrives as a button index (Telegram) or a
typed number (WhatsApp). It is mapped back to the button payload using the
last question with buttons stored in the conversation's tracker, so it works
across processes and restarts.

Everything here except ``BufferedOutput`` and ``latest_question_for`` is a
pure function, unit tested in ``tests/unit/test_messaging_format.py``.
"""
from __future__ import annotations

import hashlib
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Text

from rasa.core.channels.channel import OutputChannel

import settings

logger = logging.getLogger(__name__)

Button = Mapping[str, Any]

TELEGRAM_LIMIT = 4096  # characters per message (UTF-16 code units)
WHATSAPP_LIMIT = 1600  # Twilio's limit for one WhatsApp message body

NOT_TEXT = (
    "I can only read text messages. Please type your answer; if you have warning signs such as chest pain, "
    "face drooping or trouble breathing, call {number} now."
)


# ------------------------------------------------------------------ settings
def setting(credentials: Optional[Mapping[str, Any]], key: str, env_name: str, default: Optional[str] = None) -> Optional[str]:
    """A channel setting: a value in credentials.yml, else the environment.

    ``credentials[key]`` gives the value itself; ``credentials[key + "_env"]``
    names the environment variable to read (default ``env_name``). Empty
    values count as unset, so a missing account never stops Rasa starting.
    """
    creds = credentials or {}
    value = creds.get(key)
    if value not in (None, ""):
        return str(value).strip()
    return settings.environment_value(str(creds.get(f"{key}_env") or env_name)) or default


# ------------------------------------------------------------------ splitting
def utf16_len(text: str) -> int:
    """Length as both platforms count it (an emoji outside the BMP is 2)."""
    return len(text.encode("utf-16-le")) // 2


def _fit(text: str, limit: int) -> int:
    """The longest prefix length of ``text`` within ``limit`` UTF-16 units."""
    if utf16_len(text) <= limit:
        return len(text)
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return i
    return len(text)


_SENTENCE_END = re.compile(r"[.!?…:;][)\"'’”]?(?=\s)")


def _break_at(text: str, end: int) -> int:
    """Where to cut ``text[:end]``: paragraph, line, sentence, word, else ``end``."""
    for sep in ("\n\n", "\n"):
        i = text.rfind(sep, 0, end)
        if i >= max(1, end // 3):
            return i
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, end) if m.end() >= end // 4]
    if sentence_ends:
        return sentence_ends[-1]
    i = max(text.rfind(" ", 0, end + 1), text.rfind("\t", 0, end + 1))
    if i > 0:
        return i
    return end  # one "word" longer than the limit (a URL): nothing better


def split_text(text: str, limit: int) -> List[str]:
    """Split into messages of at most ``limit`` characters, at natural boundaries."""
    if limit < 2:
        raise ValueError("limit too small")
    rest = (text or "").strip()
    chunks: List[str] = []
    while utf16_len(rest) > limit:
        end = _fit(rest, limit)
        cut = _break_at(rest, end)
        head = rest[:cut].rstrip()
        if not head:  # only whitespace before the break: cut hard
            head, cut = rest[:end], end
        chunks.append(head)
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


# ------------------------------------------------------------------ quick replies
def numbering_labels(buttons: Sequence[Button]) -> List[str]:
    """1, 2, 3... unless a title has digits in it ("16 to 64"): then A, B, C.

    A typed "2" must never be read as an age or a count by mistake.
    """
    if any(re.search(r"\d", str(b.get("title", ""))) for b in buttons):
        return [chr(ord("A") + i) for i in range(len(buttons))]
    return [str(i + 1) for i in range(len(buttons))]


def numbered_options(buttons: Sequence[Button]) -> str:
    """'Reply with a number: 1 Yes, 2 No, 3 Not sure' (one per line when long)."""
    if not buttons:
        return ""
    labels = numbering_labels(buttons)
    kind = "letter" if labels[0] == "A" else "number"
    items = [f"{label} {b.get('title', '')}".strip() for label, b in zip(labels, buttons)]
    if len(items) <= 4 and sum(len(i) for i in items) <= 60 and not any("," in i for i in items):
        return f"Reply with a {kind}: " + ", ".join(items)
    return f"Reply with a {kind}:\n" + "\n".join(items)


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    return re.sub(r"[^\w']+", " ", text).strip()


def choice_payload(text: Optional[str], buttons: Sequence[Button]) -> Optional[str]:
    """The payload of the option a typed answer picks: its number (or letter) or its title."""
    if not text or not buttons:
        return None
    labels = numbering_labels(buttons)
    m = re.fullmatch(r"\s*\(?([0-9]{1,2}|[A-Za-z])\s*[.)]?\s*", text)
    if m:
        picked = m.group(1).upper()
        if picked in labels:
            return str(buttons[labels.index(picked)].get("payload") or "") or None
    wanted = _normalise(text)
    for b in buttons:
        if wanted and _normalise(str(b.get("title", ""))) == wanted:
            return str(b.get("payload") or "") or None
    return None


def question_fingerprint(text: Optional[str], buttons: Sequence[Button]) -> str:
    """A short id of one question (its text and payloads), to spot stale keyboards."""
    raw = (text or "") + "\x1f" + "\x1f".join(str(b.get("payload", "")) for b in buttons)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]


# ------------------------------------------------------------------ custom payloads
def custom_as_text(custom: Any, texts_sent: Iterable[str]) -> Optional[str]:
    """What a custom payload shows as on a messaging app, or None for nothing.

    The triage summary payload always follows its own plain-text rendering,
    so it is dropped when that text was sent and rendered as text otherwise.
    Other payloads show their ``text`` field if they have one; raw JSON never.
    """
    if not isinstance(custom, Mapping):
        return None
    if custom.get("type") == "triage_summary":
        try:
            from engine.guidance import summary_text

            text = summary_text(dict(custom))
        except Exception:  # a payload of another shape: show what is readable
            logger.warning("unexpected triage_summary payload", exc_info=True)
            parts = [str(custom[k]) for k in ("level_text", "advice") if isinstance(custom.get(k), str)]
            text = " ".join(parts)
        if not text or text.strip() in {t.strip() for t in texts_sent}:
            return None
        return text
    if isinstance(custom.get("text"), str) and custom["text"].strip():
        return custom["text"]
    logger.info("custom payload not shown on a messaging app: keys %s", sorted(custom)[:10])
    return None


# ------------------------------------------------------------------ laying out one turn
@dataclass
class Outgoing:
    """One platform message: text plus, for the last chunk of a question, its buttons."""

    text: str
    buttons: List[Dict[str, Any]] = field(default_factory=list)
    question_text: Optional[str] = None  # the bot message the buttons belong to


@dataclass
class _Item:
    text: str
    buttons: List[Dict[str, Any]] = field(default_factory=list)


def items_from_responses(responses: Sequence[Mapping[str, Any]]) -> List[_Item]:
    """Rasa bot messages -> readable items (text, buttons); custom payloads rendered or dropped."""
    items: List[_Item] = []
    for message in responses:
        text = message.get("text")
        buttons = [dict(b) for b in (message.get("buttons") or message.get("quick_replies") or []) if isinstance(b, Mapping)]
        if text or buttons:
            items.append(_Item(str(text or ""), buttons))
        if message.get("custom") is not None:
            rendered = custom_as_text(message["custom"], (i.text for i in items))
            if rendered:
                items.append(_Item(rendered))
        for key in ("image", "attachment"):
            value = message.get(key)
            if isinstance(value, str) and value.strip():
                items.append(_Item(value.strip()))
    return items


def layout(responses: Sequence[Mapping[str, Any]], limit: int, keyboards: bool) -> List[Outgoing]:
    """All of one turn's bot messages as platform messages within ``limit``.

    Consecutive texts are joined (fewer, ordered messages); a message with
    buttons ends a group. With ``keyboards`` (Telegram) the buttons stay
    buttons on the group's last chunk; otherwise (WhatsApp) they become
    numbered options appended to the text.
    """
    out: List[Outgoing] = []
    group: List[str] = []

    def close(buttons: List[Dict[str, Any]], question: Optional[str]) -> None:
        text = "\n\n".join(t.strip() for t in group if t.strip())
        if buttons and not keyboards:
            text = (text + "\n\n" if text else "") + numbered_options(buttons)
        if buttons and keyboards and not text:
            text = "Please choose:"
        chunks = split_text(text, limit)
        group.clear()
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            if last and buttons and keyboards:
                out.append(Outgoing(chunk, buttons, question))
            else:
                out.append(Outgoing(chunk))

    for item in items_from_responses(responses):
        group.append(item.text)
        if item.buttons:
            close(item.buttons, item.text)
    if group:
        close([], None)
    return out


# ------------------------------------------------------------------ the last question, from the tracker
@dataclass(frozen=True)
class Question:
    text: str
    buttons: List[Dict[str, Any]]

    @property
    def fingerprint(self) -> str:
        return question_fingerprint(self.text, self.buttons)


def latest_question(events: Sequence[Mapping[str, Any]]) -> Optional[Question]:
    """The question with buttons in the bot's latest reply, if it had one.

    ``events`` are tracker events as dicts, oldest first. The bot's latest
    reply is the last run of bot messages; user messages after it that got
    no reply (an outage) do not hide it.
    """
    seen_bot = False
    for event in reversed(events):
        kind = event.get("event")
        if kind == "bot":
            seen_bot = True
            buttons = (event.get("data") or {}).get("buttons") or []
            if buttons:
                return Question(str(event.get("text") or ""), [dict(b) for b in buttons])
        elif kind in ("user", "restart", "session_started") and seen_bot:
            return None
        elif kind in ("restart", "session_started"):
            return None
    return None


async def latest_question_for(request: Any, sender_id: str) -> Optional[Question]:
    """The latest question of ``sender_id``'s conversation, read from Rasa's tracker store."""
    agent = getattr(getattr(request.app, "ctx", None), "agent", None)
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return None
    try:
        tracker = await store.retrieve(sender_id)
    except Exception as e:  # noqa: BLE001 - the button still answers "please type your answer"
        logger.warning("could not read a conversation's tracker: %s", type(e).__name__, extra={"sender_id": sender_id})
        return None
    if tracker is None:
        return None
    return latest_question([e.as_dict() for e in tracker.events])


# ------------------------------------------------------------------ per-person locale
_EUROPE_112 = {
    # EU, EEA and Switzerland: 112 is the emergency number
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT",
    "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "CH",
}
_EUROPE_112_DIALLING = {
    "30", "31", "32", "33", "34", "351", "352", "353", "354", "356", "357", "358", "359", "36", "370", "371",
    "372", "385", "386", "39", "40", "41", "420", "421", "423", "43", "45", "46", "47", "48", "49",
}


def locale_from_phone(number: Optional[str]) -> Optional[str]:
    """uk for +44, us for +1, eu for EU/EEA/Swiss numbers; None otherwise (server default)."""
    digits = re.sub(r"\D", "", (number or "").split(":")[-1])
    if not digits:
        return None
    if digits.startswith("44"):
        return "uk"
    if digits.startswith("1"):
        return "us"
    if digits[:3] in _EUROPE_112_DIALLING or digits[:2] in _EUROPE_112_DIALLING:
        return "eu"
    return None


def locale_from_language_code(code: Optional[str]) -> Optional[str]:
    """From an IETF tag with a region only (en-GB -> uk, en-US -> us, de-AT -> eu).

    A bare language says nothing about where someone is ("en", or "uk",
    which is Ukrainian), so it gives None and the server default applies.
    """
    parts = re.split(r"[-_]", (code or "").strip())
    if len(parts) < 2:
        return None
    region = parts[-1].upper()
    if region == "GB":
        return "uk"
    if region == "US":
        return "us"
    if region in _EUROPE_112:
        return "eu"
    return None


# ------------------------------------------------------------------ output channel base
class BufferedOutput(OutputChannel):
    """Collects a turn's bot messages and sends them laid out for the platform.

    With ``buffered=False`` (Rasa's HTTP API sending through the channel
    outside a webhook) every message is laid out and sent at once.
    """

    limit = TELEGRAM_LIMIT
    keyboards = True

    def __init__(self, buffered: bool = True) -> None:
        self.buffered = buffered
        self.pending: "OrderedDict[str, List[Dict[str, Any]]]" = OrderedDict()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        if self.buffered:
            self.pending.setdefault(recipient_id, []).append(dict(message))
        else:
            await self.deliver(recipient_id, layout([message], self.limit, self.keyboards))

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def flush(self) -> int:
        """Send everything collected; returns the number of platform messages."""
        sent = 0
        while self.pending:
            recipient_id, messages = self.pending.popitem(last=False)
            outgoing = layout(messages, self.limit, self.keyboards)
            await self.deliver(recipient_id, outgoing)
            sent += len(outgoing)
        return sent

    async def deliver(self, recipient_id: str, messages: List[Outgoing]) -> None:
        raise NotImplementedError


class RecentIds:
    """Update ids already handled, so a platform's retry is not answered twice."""

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._seen: "OrderedDict[str, None]" = OrderedDict()

    def seen(self, key: Any) -> bool:
        """True if ``key`` was seen before; records it otherwise."""
        if key in (None, ""):
            return False
        key = str(key)
        if key in self._seen:
            return True
        self._seen[key] = None
        while len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return False
