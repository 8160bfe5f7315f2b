"""What every public channel checks before a message reaches Rasa.

- **Input hygiene**: text, sender ids and metadata are cleaned of what breaks
  storage or matching (NUL and other control characters, lone surrogates,
  zero-width and bidi-override characters); sender ids that are not short
  printable strings are refused.
- **Size**: a message longer than ``MAX_MESSAGE_CHARS`` (5,000) is read as its
  beginning and end, with a note to the person; an HTTP body over
  ``SANIC_REQUEST_MAX_SIZE`` (1 MB unless set) gets 413 from Sanic.
- **Rate limits**: token buckets per sender (20 messages a minute, bursts of
  30) and per client address (120 a minute; loopback exempt, so local tools
  and a reverse proxy's own address are not limited: behind a proxy set
  ``SANIC_PROXIES_COUNT`` so the client's address is used).

Settings come from the environment, read when the server starts (see
``Settings.from_env``); ``0`` switches a limit off. Everything here except
``install_app_settings`` is pure and unit tested in ``tests/unit/test_guard.py``.
"""
from __future__ import annotations

import ipaddress
import json
import logging
import math
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional, Tuple

import settings

logger = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES = 1_048_576  # 1 MB: a chat message is a few kB at most

RATE_LIMITED = (
    "You are sending messages faster than I can read them. Please wait a few seconds, then send your message again. "
    "If you have warning signs such as chest pain, face drooping, slurred speech or trouble breathing, call {number} now."
)
TRUNCATED = (
    "Your message was very long ({length:,} characters), so I read its first {head:,} and last {tail:,} characters. "
    "If something important was in the middle, please send it again in a shorter message."
)


@dataclass(frozen=True)
class Settings:
    max_message_chars: int = 5000
    sender_per_minute: int = 20
    sender_burst: int = 30
    ip_per_minute: int = 120
    ip_burst: int = 120
    exempt_ips: Tuple[str, ...] = ("127.0.0.1", "::1")
    max_sender_chars: int = 128
    max_metadata_chars: int = 2000

    @classmethod
    def from_env(cls) -> "Settings":
        """This process's limits, from the settings module (validated at start)."""
        d = cls()
        config = settings.get()
        return cls(
            max_message_chars=config.max_message_chars,
            sender_per_minute=config.rate_limit_per_sender,
            sender_burst=config.rate_limit_sender_burst,
            ip_per_minute=config.rate_limit_per_ip,
            ip_burst=config.rate_limit_ip_burst,
            exempt_ips=config.exempt_ips(d.exempt_ips),
        )


# ------------------------------------------------------------------ rate limits
class TokenBuckets:
    """One token bucket per key: ``burst`` tokens, refilled at ``per_minute``.

    A key that sent nothing for a while gets its full burst back. The number
    of keys is bounded (least recently used dropped), so a flood of new ids
    cannot exhaust memory.
    """

    def __init__(self, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic, max_keys: int = 50_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(max(burst, 1 if per_minute else 0))
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def allow(self, key: str) -> bool:
        """Take one token for ``key``; False when its bucket is empty."""
        if not self.enabled:
            return True
        now = self.clock()
        tokens, last = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return allowed

    def retry_after(self, key: str) -> int:
        """Whole seconds until ``key`` has a token again."""
        tokens, _ = self._buckets.get(key, (self.burst, 0.0))
        return max(1, math.ceil((1.0 - tokens) / self.rate)) if self.enabled else 0


class SharedWindows:
    """The same limit as :class:`TokenBuckets`, kept where every Rasa process sees it.

    Built on the `limits` library (a moving window in Redis, one atomic script per
    hit): ``burst`` messages per ``burst / per_minute`` minutes, so the long-run rate
    is ``per_minute`` and a burst of ``burst`` is allowed, as with the buckets. If the
    store cannot be reached the message is let through (logged once a minute): the
    tracker and lock stores then answer "try again" anyway, and a rate limiter must
    not be what takes the service down.
    """

    def __init__(self, per_minute: int, burst: int, storage_url: str, namespace: str) -> None:
        from limits import RateLimitItemPerSecond, storage, strategies

        self.per_minute = per_minute
        self.storage = storage.storage_from_string(storage_url)
        self.limiter = strategies.MovingWindowRateLimiter(self.storage)
        amount = max(burst, 1)
        window = max(1, math.ceil(amount * 60 / per_minute)) if per_minute else 60
        self.item = RateLimitItemPerSecond(amount, window, namespace=namespace)
        self._warned = 0.0

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def allow(self, key: str) -> bool:
        if not self.enabled:
            return True
        try:
            return bool(self.limiter.hit(self.item, key))
        except Exception as e:  # noqa: BLE001 - fail open, see the class docstring
            if time.monotonic() - self._warned > 60:
                self._warned = time.monotonic()
                logger.warning("the shared rate-limit store is unavailable (%s): not limiting", type(e).__name__)
            return True

    def retry_after(self, key: str) -> int:
        try:
            reset, _remaining = self.limiter.get_window_stats(self.item, key)
            return max(1, math.ceil(reset - time.time()))
        except Exception:  # noqa: BLE001
            return 1


@dataclass
class Limits:
    """The per-sender and per-address limits: in this process, or shared through Redis."""

    settings: Settings = field(default_factory=Settings)
    clock: Callable[[], float] = time.monotonic
    storage_url: Optional[str] = None
    namespace: str = "B12LIMIT"

    def __post_init__(self) -> None:
        s = self.settings
        if self.storage_url and not self.storage_url.startswith("memory://"):
            self.senders: Any = SharedWindows(s.sender_per_minute, s.sender_burst, self.storage_url, f"{self.namespace}-sender")
            self.addresses: Any = SharedWindows(s.ip_per_minute, s.ip_burst, self.storage_url, f"{self.namespace}-address")
        else:
            self.senders = TokenBuckets(s.sender_per_minute, s.sender_burst, self.clock)
            self.addresses = TokenBuckets(s.ip_per_minute, s.ip_burst, self.clock)

    def address_allowed(self, ip: Optional[str]) -> bool:
        if not ip or is_exempt(ip, self.settings.exempt_ips):
            return True
        return self.addresses.allow(ip)

    def sender_allowed(self, sender_id: str) -> bool:
        return self.senders.allow(sender_id)


def is_exempt(ip: str, exempt: Tuple[str, ...]) -> bool:
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    for entry in exempt:
        try:
            if addr in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


_LIMITS: Optional[Limits] = None


def limits() -> Limits:
    """This process's limits, from the settings on first use."""
    global _LIMITS
    if _LIMITS is None:
        config = settings.get()
        _LIMITS = Limits(Settings.from_env(), storage_url=config.rate_limit_storage_url, namespace=config.rate_limit_namespace)
    return _LIMITS


# ------------------------------------------------------------------ input hygiene
_KEEP_CONTROLS = {"\n", "\t"}


def clean_text(text: str) -> str:
    """Text safe to store and match: no NUL/control, zero-width, bidi-override
    or lone-surrogate characters (surrogates become U+FFFD), NFC-normalised."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cs":
            out.append("\ufffd")
        elif cat == "Cc" and ch not in _KEEP_CONTROLS:
            out.append(" " if ch == "\r" else "")
        elif cat == "Cf":
            continue
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def sender_problem(sender: Any, max_chars: int = 128) -> Optional[str]:
    """Why ``sender`` is not acceptable as a conversation id, or None."""
    if not isinstance(sender, str):
        return "sender must be a string"
    if not sender.strip():
        return "sender must not be empty"
    if len(sender) > max_chars:
        return f"sender must be at most {max_chars} characters"
    if "/" in sender or any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in sender):
        return "sender contains characters that are not allowed"
    return None


def clean_metadata(metadata: Any, max_chars: int = 2000) -> Dict[str, Any]:
    """Metadata as a small JSON object with clean strings; anything else is dropped."""
    if not isinstance(metadata, dict):
        return {}

    def clean(value: Any, depth: int) -> Any:
        if isinstance(value, str):
            return clean_text(value)
        if isinstance(value, bool) or value is None or isinstance(value, int):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else None
        if depth > 4:
            return None
        if isinstance(value, list):
            return [clean(v, depth + 1) for v in value[:50]]
        if isinstance(value, dict):
            return {clean_text(str(k)): clean(v, depth + 1) for k, v in list(value.items())[:50]}
        return None

    cleaned = clean(metadata, 0)
    try:
        if len(json.dumps(cleaned)) > max_chars:
            keep = {k: cleaned[k] for k in ("locale",) if isinstance(cleaned.get(k), str) and len(cleaned[k]) <= 16}
            return keep
    except (TypeError, ValueError):
        return {}
    return cleaned


def shorten(text: str, max_chars: int) -> Tuple[str, Optional[str]]:
    """``text`` within ``max_chars``: its beginning and end, and a note for the person.

    People tend to put the point of a long message at its end, so two fifths
    of the allowance go to the beginning and three fifths to the end.
    """
    if max_chars <= 0 or len(text) <= max_chars:
        return text, None
    sep = "\n…\n"
    head = max(0, (max_chars - len(sep)) * 2 // 5)
    tail = max(1, max_chars - len(sep) - head)
    note = TRUNCATED.format(length=len(text), head=head, tail=tail)
    return (text[:head] + sep + text[-tail:])[-max_chars:], note


def rest_body_problem(body: Any, max_sender_chars: int = 128) -> Optional[str]:
    """Why a REST webhook body is refused (400), or None."""
    if not isinstance(body, dict):
        return "the body must be a JSON object with 'sender' and 'message'"
    problem = sender_problem(body.get("sender"), max_sender_chars)
    if problem:
        return problem
    message = body.get("message")
    if message is not None and not isinstance(message, str):
        return "message must be a string"
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return "metadata must be a JSON object"
    return None


# ------------------------------------------------------------------ app-wide settings
def install_app_settings(app: Any) -> None:
    """Called before the server starts (listener of our channels): body size limit."""
    if getattr(app.ctx, "b12_guard_installed", False):
        return
    app.ctx.b12_guard_installed = True
    app.config.REQUEST_MAX_SIZE = settings.get().sanic_request_max_size or DEFAULT_MAX_BODY_BYTES
    from channels.log_privacy import install as install_log_privacy

    install_log_privacy()
