"""Every setting the assistant reads from the environment, in one place.

Read once, when a process starts (`get()` caches; `reload()` is for tests), and
checked then: an invalid value stops the process with a message that names the
variable and the values it accepts, instead of one module falling back silently
and another crashing at import. The README's settings table is generated from
this module (`python -m settings --markdown`; a unit test fails when they drift).

Shell scripts (scripts/run.sh) read RASA_HOST, RASA_PORT and friends themselves to
build Rasa's command line; they are declared here too so that they are documented
and validated (`python -m settings --check` runs first in run.sh).
"""
from __future__ import annotations

import functools
import os
import sys
from typing import List, Optional, Tuple

from pydantic import BaseSettings, Field, ValidationError, validator

LOCALES = ("uk", "eu", "us")


class SettingsError(RuntimeError):
    """An environment variable has a value the assistant cannot use."""


def _accepts(text: str, group: str) -> dict:
    return {"accepted": text, "group": group}


class Settings(BaseSettings):
    # --- Rasa's HTTP server (scripts/run.sh)
    rasa_host: str = Field("127.0.0.1", description="the address Rasa listens on; any other address needs `RASA_TOKEN` or `RASA_JWT_SECRET`", **_accepts("an IP address or host name", "server"))
    rasa_port: int = Field(5005, ge=1, le=65535, description="Rasa's port (REST, socket.io, the HTTP API)", **_accepts("a port number 1-65535", "server"))
    rasa_token: Optional[str] = Field(None, description="when set, the HTTP API requires it (`?token=` or `Authorization: Bearer`); the chat channels stay open", **_accepts("any string", "security"))
    rasa_jwt_secret: Optional[str] = Field(None, description="the HTTP API accepts JWTs signed with it", **_accepts("any string", "security"))
    rasa_jwt_method: str = Field("HS256", description="the JWT signing algorithm", **_accepts("HS256, HS384, HS512, RS256...", "security"))
    cors_origins: str = Field("", description="allowed browser origins, comma or space separated; unset: `*` on localhost, none otherwise", **_accepts("origins like https://example.org, or *", "security"))
    # --- the action server
    action_host: str = Field("127.0.0.1", description="the address the action server listens on", **_accepts("an IP address or host name", "server"))
    action_port: int = Field(5055, ge=1, le=65535, description="the action server's port", **_accepts("a port number 1-65535", "server"))
    action_server_url: Optional[str] = Field(None, description="overrides endpoints.yml's action server URL", **_accepts("a URL", "server"))
    action_server_token: Optional[str] = Field(None, description="shared secret between Rasa and the action server; unset: the one `make run` keeps in `logs/action-server.token`", **_accepts("any string", "security"))
    action_timeout: float = Field(10.0, gt=0, description="seconds Rasa waits for one custom-action call before the person gets an apology", **_accepts("a number of seconds > 0", "faults"))
    log_level_actions: str = Field("INFO", description="the action server's log level", **_accepts("DEBUG, INFO, WARNING, ERROR", "server"))
    # --- conversations
    b12_locale: str = Field("uk", description="emergency, urgent-care and crisis numbers: `uk` (999, NHS 111, Samaritans 116 123), `eu` (112), `us` (911, 988); a page can also send `metadata: {\"locale\": \"us\"}`", **_accepts("uk, eu or us", "conversation"))
    max_message_chars: int = Field(5000, ge=100, description="longer messages are read by their beginning and end, with a note to the person", **_accepts("a whole number >= 100", "limits"))
    rate_limit_per_sender: int = Field(20, ge=0, description="messages a minute per conversation (0: no limit)", **_accepts("a whole number >= 0", "limits"))
    rate_limit_sender_burst: int = Field(30, ge=0, description="messages a conversation may send at once before the per-minute rate applies", **_accepts("a whole number >= 0", "limits"))
    rate_limit_per_ip: int = Field(120, ge=0, description="requests a minute per client address (0: no limit)", **_accepts("a whole number >= 0", "limits"))
    rate_limit_ip_burst: int = Field(120, ge=0, description="requests an address may send at once", **_accepts("a whole number >= 0", "limits"))
    rate_limit_storage_url: Optional[str] = Field(None, description="where the rate-limit windows live: a Redis URL shares them between every Rasa process (production); unset: each process's memory", **_accepts("redis://host:6379/0 (rediss:// for TLS), or memory://", "limits"))
    rate_limit_namespace: str = Field("B12LIMIT", description="key prefix of the rate-limit windows in Redis (one per deployment sharing a Redis)", **_accepts("letters, digits, - and _", "limits"))
    rate_limit_exempt_ips: Optional[str] = Field(None, description="addresses or networks never rate limited, comma or space separated; unset: loopback only", **_accepts("IPs or CIDR networks, or empty for none", "limits"))
    sanic_request_max_size: Optional[int] = Field(None, ge=1024, description="largest request body in bytes; unset: 1 MB", **_accepts("a whole number of bytes >= 1024", "limits"))
    # --- privacy and logs
    conversation_retention_days: float = Field(30, ge=0, description="conversations older than this are erased by the server itself (0: keep)", **_accepts("a number of days >= 0", "privacy"))
    retention_sweep_seconds: float = Field(3600, ge=1, description="how often each Rasa process sweeps for expired conversations", **_accepts("a number of seconds >= 1", "privacy"))
    privacy_api_token: Optional[str] = Field(None, description="token for `DELETE /privacy/conversations/<id>`; unset: `RASA_TOKEN`", **_accepts("any string", "privacy"))
    log_full_tracebacks: bool = Field(False, description="log whole tracebacks of failed actions (they can carry conversation content)", **_accepts("true or false", "privacy"))
    log_id_key: Optional[str] = Field(None, description="key of the hash that stands for a conversation id in logs (the same in every process lets an operator follow one conversation); unset: a per-deployment key in `logs/log-id.key`", **_accepts("any string", "privacy"))
    # --- storage (production)
    tracker_store_save_retry_seconds: float = Field(8, ge=0, description="seconds a failed tracker write keeps retrying before the turn is given up", **_accepts("a number of seconds >= 0", "faults"))
    tracker_store_connect_timeout_seconds: int = Field(3, ge=1, description="seconds to wait for a PostgreSQL connection", **_accepts("a whole number of seconds >= 1", "faults"))
    tracker_cache_conversations: int = Field(500, ge=0, description="conversations whose tracker each Rasa process keeps in memory between turns (0: none)", **_accepts("a whole number >= 0", "performance"))
    lock_lifetime_seconds: Optional[float] = Field(None, gt=0, description="how long a conversation's lock outlives a process killed mid-turn; unset: the longest turn, `ACTION_TIMEOUT` + `TRACKER_STORE_SAVE_RETRY_SECONDS` + 5 s", **_accepts("a number of seconds > 0", "faults"))
    # --- messaging apps (default variable names; credentials.yml may name others)
    telegram_bot_token: Optional[str] = Field(None, description="Telegram bot token", **_accepts("the token from @BotFather", "messaging"))
    telegram_secret_token: Optional[str] = Field(None, description="secret Telegram sends with every webhook call", **_accepts("1-256 characters A-Z a-z 0-9 _ -", "messaging"))
    telegram_api_base: str = Field("https://api.telegram.org", description="Telegram Bot API base URL", **_accepts("a URL", "messaging"))

    class Config:
        case_sensitive = False
        env_prefix = ""

    @validator("b12_locale")
    def _locale(cls, v: str) -> str:
        v = (v or "uk").strip().lower()
        if v not in LOCALES:
            raise ValueError("not a known locale")
        return v

    @validator("log_level_actions")
    def _level(cls, v: str) -> str:
        v = v.strip().upper()
        if v not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("not a log level")
        return v

    @validator("*", pre=True)
    def _blank_is_unset(cls, v, field):
        # an empty variable means "not set" (shells and compose files often export VAR=)
        if isinstance(v, str) and not v.strip() and field.name not in ("cors_origins", "rate_limit_exempt_ips"):
            return field.default
        return v

    # ------------------------------------------------------------ derived values
    def cors_origin_list(self) -> Optional[List[str]]:
        """None when unset or `*` (no origin check)."""
        raw = self.cors_origins.replace(",", " ").split()
        return None if not raw or "*" in raw else raw

    def exempt_ips(self, default: Tuple[str, ...]) -> Tuple[str, ...]:
        if self.rate_limit_exempt_ips is None:
            return default
        return tuple(x for x in self.rate_limit_exempt_ips.replace(",", " ").split() if x)

    def lock_lifetime(self) -> float:
        # the longest a turn can legitimately hold the lock: one action call that times
        # out, then a save that keeps retrying through a database restart, plus a margin
        return self.lock_lifetime_seconds or self.action_timeout + self.tracker_store_save_retry_seconds + 5.0


def _explain(error: ValidationError) -> str:
    lines = []
    for e in error.errors():
        name = str(e["loc"][0])
        field = Settings.__fields__[name]
        value = os.environ.get(name.upper(), os.environ.get(name))
        accepted = field.field_info.extra.get("accepted", "")
        lines.append(f"{name.upper()}={value!r} is not valid: {e['msg']}; accepted: {accepted}")
    return "invalid settings in the environment:\n  " + "\n  ".join(lines)


def load() -> Settings:
    """The settings from the environment now; SettingsError names what is wrong."""
    try:
        return Settings()
    except ValidationError as e:
        raise SettingsError(_explain(e)) from None


@functools.lru_cache(maxsize=1)
def get() -> Settings:
    """The process's settings, read once."""
    return load()


def reload() -> Settings:
    """Read the environment again (tests that change it)."""
    get.cache_clear()
    return get()


def environment_value(name: str) -> Optional[str]:
    """A variable named in configuration (credentials.yml's `*_env` keys); empty is unset."""
    value = (os.environ.get(name) or "").strip()
    return value or None


def markdown_table() -> str:
    """The README's settings table, generated from the fields above."""
    rows = ["| variable | default | accepted | meaning |", "|---|---|---|---|"]
    for name, field in Settings.__fields__.items():
        default = "unset" if field.default is None else ("empty" if field.default == "" else f"`{field.default}`")
        rows.append(f"| `{name.upper()}` | {default} | {field.field_info.extra.get('accepted', '')} | {field.field_info.description} |")
    return "\n".join(rows)


README_START, README_END = "<!-- settings:start -->", "<!-- settings:end -->"


def write_readme(path: str = os.path.join(os.path.dirname(os.path.abspath(__file__)), "README.md")) -> None:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start, end = text.index(README_START), text.index(README_END)
    text = text[: start + len(README_START)] + "\n" + markdown_table() + "\n" + text[end:]
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main(argv: List[str]) -> int:
    if "--markdown" in argv:
        print(markdown_table())
        return 0
    if "--readme" in argv:
        write_readme()
        return 0
    try:
        load()
    except SettingsError as e:
        print(f"ERROR: {e}", file=sys.stderr)
        return 2
    if "--check" in argv:
        print("settings: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
