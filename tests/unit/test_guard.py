"""Input hygiene, size and rate limits (channels/guard.py), the apology with red flags
(channels/resilient.py), the action-endpoint patch (components/action_endpoint.py)
and the log filter (channels/log_privacy.py): pure parts, no servers."""
import logging
from pathlib import Path

import pytest

from channels.guard import (
    Limits,
    Settings,
    TokenBuckets,
    clean_metadata,
    clean_text,
    is_exempt,
    rest_body_problem,
    sender_problem,
    shorten,
)
from channels.resilient import apology_messages, unanswered_red_flags


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


ROOT_DIR = Path(__file__).resolve().parents[2]


def test_a_person_typing_is_never_limited():
    clock = Clock()
    buckets = TokenBuckets(per_minute=20, burst=30, clock=clock)
    for _ in range(600):  # one message every 3 s for half an hour
        assert buckets.allow("person")
        clock.t += 3


def test_a_burst_beyond_the_allowance_is_limited_and_recovers():
    clock = Clock()
    buckets = TokenBuckets(per_minute=20, burst=30, clock=clock)
    assert all(buckets.allow("bot") for _ in range(30))
    assert not buckets.allow("bot")
    assert buckets.allow("someone else")
    assert buckets.retry_after("bot") == 3  # one token every 3 s
    clock.t += 3
    assert buckets.allow("bot")
    assert not buckets.allow("bot")


def test_zero_switches_a_limit_off_and_keys_are_bounded():
    assert all(TokenBuckets(0, 0).allow("x") for _ in range(1000))
    b = TokenBuckets(20, 1, max_keys=100)
    for i in range(1000):
        b.allow(f"id{i}")
    assert len(b._buckets) == 100


def test_loopback_is_exempt_from_the_address_limit_by_default():
    lim = Limits(Settings(ip_per_minute=1, ip_burst=1))
    assert all(lim.address_allowed("127.0.0.1") for _ in range(10))
    assert all(lim.address_allowed("::1") for _ in range(10))
    assert lim.address_allowed("203.0.113.9") and not lim.address_allowed("203.0.113.9")
    assert is_exempt("10.1.2.3", ("10.0.0.0/8",)) and not is_exempt("not an ip", ("10.0.0.0/8",))


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_PER_SENDER", "5")
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "100")
    monkeypatch.setenv("RATE_LIMIT_EXEMPT_IPS", "")
    import settings

    settings.reload()
    s = Settings.from_env()
    assert (s.sender_per_minute, s.max_message_chars, s.exempt_ips, s.ip_per_minute) == (5, 100, (), 120)


def test_a_bad_setting_stops_the_process_with_the_variable_and_what_it_accepts(monkeypatch):
    import settings

    monkeypatch.setenv("RATE_LIMIT_PER_IP", "nonsense")
    monkeypatch.setenv("B12_LOCALE", "fr")
    with pytest.raises(settings.SettingsError) as e:
        settings.reload()
    assert "RATE_LIMIT_PER_IP='nonsense'" in str(e.value) and "a whole number >= 0" in str(e.value)
    assert "B12_LOCALE='fr'" in str(e.value) and "uk, eu or us" in str(e.value)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("tin\u200bgling feet", "tingling feet"),  # zero-width space
        ("numb\x00 toes", "numb toes"),  # NUL
        ("\u202eteef ym", "teef ym"),  # right-to-left override
        ("bad \ud800 half", "bad \ufffd half"),  # lone surrogate
        ("line one\nline two\ttab", "line one\nline two\ttab"),
        ("cafe\u0301", "café"),  # NFC
        ("😀🙏", "😀🙏"),
    ],
)
def test_text_is_cleaned_of_what_breaks_storage_or_matching(raw, expected):
    cleaned = clean_text(raw)
    assert cleaned == expected
    cleaned.encode("utf-8")  # always encodable (PostgreSQL, logs)


@pytest.mark.parametrize("sender", [None, 42, ["a"], {"id": 1}, "", "   ", "x" * 129, "a/b", "nul\x00", "rtl\u202e", "half\udc00"])
def test_bad_sender_ids_are_refused(sender):
    assert sender_problem(sender)


@pytest.mark.parametrize("sender", ["it-abc", "telegram:42", "whatsapp:+447700900123", "0f" * 16, "José"])
def test_good_sender_ids_pass(sender):
    assert sender_problem(sender) is None


@pytest.mark.parametrize(
    "body, ok",
    [
        ({"sender": "a", "message": "hi"}, True),
        ({"sender": "a", "message": None}, True),
        ({"sender": "a"}, True),
        ({"sender": "a", "message": "hi", "metadata": {"locale": "us"}}, True),
        ({"sender": "a", "message": 5}, False),
        ({"sender": "a", "message": ["hi"]}, False),
        ({"sender": "a", "message": {"text": "hi"}}, False),
        ({"sender": {"id": "a"}, "message": "hi"}, False),
        ({"message": "hi"}, False),
        ({"sender": "a", "message": "hi", "metadata": "x"}, False),
        (["a", "hi"], False),
        ("hi", False),
        (None, False),
    ],
)
def test_rest_bodies_are_checked(body, ok):
    assert (rest_body_problem(body) is None) == ok


def test_metadata_is_kept_small_and_clean():
    assert clean_metadata({"locale": "us", "x": "a\x00b"}) == {"locale": "us", "x": "ab"}
    assert clean_metadata("nope") == {} and clean_metadata(None) == {}
    assert clean_metadata({"locale": "eu", "junk": "y" * 5000}) == {"locale": "eu"}
    assert clean_metadata({"n": float("nan")}) == {"n": None}


def test_long_messages_keep_their_beginning_and_end_with_a_note():
    text = "start " + "blah " * 3000 + "my feet tingle"
    short, note = shorten(text, 5000)
    assert len(short) <= 5000 and short.startswith("start ") and short.endswith("my feet tingle")
    assert "very long" in note and "15,020" in note
    assert shorten("short", 5000) == ("short", None)


def test_the_apology_puts_the_emergency_advice_first_when_a_red_flag_went_unanswered():
    events = [
        {"event": "user", "parse_data": {"entities": [{"entity": "red_flag", "value": "RF_STROKE"}]}},
        {"event": "bot", "text": "advice"},
        {"event": "user", "parse_data": {"entities": [{"entity": "red_flag", "value": "RF_CHEST_PAIN"}]}},
        {"event": "user", "parse_data": {"entities": [{"entity": "red_flag", "value": "RF_BLADDER_BOWEL", "role": "absent"}]}},
    ]
    assert unanswered_red_flags(events) == ["RF_CHEST_PAIN"]
    texts = apology_messages("us", ["RF_CHEST_PAIN"])
    assert texts[0].startswith("Call 911 now") and "chest" in texts[0].lower()
    assert "not responding" in texts[-1] and "911" in texts[-1]
    assert apology_messages("uk", []) == [apology_messages("uk", [])[0]] and "999" in apology_messages("uk", [])[0]


def test_the_action_timeout_and_token_come_from_the_environment(monkeypatch):
    from rasa.utils.endpoints import EndpointConfig

    from components.action_endpoint import DEFAULT_ACTION_TIMEOUT, action_server_token, action_timeout, with_token

    import settings

    monkeypatch.delenv("ACTION_TIMEOUT", raising=False)
    settings.reload()
    assert action_timeout() == DEFAULT_ACTION_TIMEOUT == 10.0
    for raw, value in (("3", 3.0), ("0.5", 0.5)):
        monkeypatch.setenv("ACTION_TIMEOUT", raw)
        settings.reload()
        assert action_timeout() == value
    for raw in ("-1", "x", "0"):
        monkeypatch.setenv("ACTION_TIMEOUT", raw)
        with pytest.raises(settings.SettingsError, match="ACTION_TIMEOUT"):
            settings.reload()
    monkeypatch.setenv("ACTION_TIMEOUT", "3")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "")
    settings.reload()
    assert action_server_token() is None
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "s3")
    settings.reload()
    assert action_server_token() == "s3"
    e = with_token(EndpointConfig("http://a/webhook", headers={"X": "1"}), "s3")
    assert e.headers == {"X": "1", "Authorization": "Bearer s3"} and e.url == "http://a/webhook"
    configured = EndpointConfig("http://a/webhook", token="own")
    assert with_token(configured, "s3") is configured
    moved = with_token(configured, "s3", "http://127.0.0.1:6000/webhook")
    assert moved.url == "http://127.0.0.1:6000/webhook" and moved.token == "own" and "Authorization" not in moved.headers


def test_logs_lose_tracebacks_and_conversation_urls(caplog):
    from channels.log_privacy import PrivacyFilter

    record = None
    try:
        raise RuntimeError("body={'text': 'my feet tingle'}")
    except RuntimeError:
        import sys

        record = logging.LogRecord("rasa", logging.ERROR, __file__, 1, "failed for %s", ("x",), sys.exc_info())
    PrivacyFilter().filter(record)
    assert record.exc_info is None and "tingle" not in record.getMessage() and "RuntimeError" in record.getMessage()
    record = logging.LogRecord("sanic.error", logging.ERROR, __file__, 1, "uri: %s", ("http://h:1/conversations/alice-7/tracker",), None)
    PrivacyFilter().filter(record)
    assert "alice-7" not in record.getMessage()


def test_a_turn_the_store_could_not_save_gets_only_the_resend_apology():
    import asyncio

    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    from channels.resilient import never_silent
    from storage.tracker_store import StoreUnavailable

    async def fails_after_answering(message):
        await message.output_channel.send_response(message.sender_id, {"text": "How long have you had these symptoms?"})
        raise StoreUnavailable("database down")

    async def fails(message):
        raise RuntimeError("boom")

    out = CollectingOutputChannel()
    asyncio.run(never_silent(fails_after_answering)(UserMessage("my feet tingle", out, "s1", metadata={"locale": "us"})))
    assert len(out.messages) == 1
    text = out.messages[0]["text"]
    assert "couldn't save" in text and "try again" in text and "911" in text and "is saved" not in text

    out = CollectingOutputChannel()
    asyncio.run(never_silent(fails)(UserMessage("my feet tingle", out, "s2")))
    assert len(out.messages) == 1 and "What you wrote is saved" in out.messages[0]["text"]


def test_the_readme_settings_table_is_generated_from_the_settings_module():
    import settings

    readme = (ROOT_DIR / "README.md").read_text()
    block = readme[readme.index(settings.README_START) + len(settings.README_START): readme.index(settings.README_END)]
    assert block.strip() == settings.markdown_table().strip(), "run: python -m settings --readme"


def test_every_environment_variable_the_code_reads_is_a_declared_setting():
    import re

    import settings

    declared = {name.upper() for name in settings.Settings.__fields__}
    read = set()
    for path in list(ROOT_DIR.glob("*/*.py")) + list(ROOT_DIR.glob("*/*/*.py")) + [ROOT_DIR / "scripts" / "run.sh"]:
        if path.parts[len(ROOT_DIR.parts)] in ("tests", ".venv", "build", "widget", "deploy"):
            continue
        read |= set(re.findall(r"os\.environ(?:\.get)?[\[(]\s*\"([A-Z0-9_]+)\"", path.read_text(errors="ignore")))
    allowed_elsewhere = {"RASA_TELEMETRY_ENABLED", "TF_CPP_MIN_LOG_LEVEL", "PYTHONPATH", "SANIC_WORKERS"}
    assert read - declared - allowed_elsewhere == set()


def test_shared_windows_allow_the_burst_then_the_rate_like_the_buckets():
    from channels.guard import SharedWindows

    w = SharedWindows(per_minute=20, burst=3, storage_url="memory://", namespace="T1")
    assert [w.allow("u") for _ in range(4)] == [True, True, True, False]
    assert w.allow("other") and 1 <= w.retry_after("u") <= 9
    assert SharedWindows(0, 0, "memory://", "T2").allow("u")  # 0: no limit


def test_shared_windows_let_messages_through_when_their_store_is_down():
    from channels.guard import SharedWindows

    w = SharedWindows(per_minute=1, burst=1, storage_url="redis://127.0.0.1:1/0", namespace="T3")  # nothing listens on port 1
    assert w.allow("u") and w.allow("u")


def test_limits_use_the_shared_store_only_when_one_is_configured():
    from channels.guard import SharedWindows, TokenBuckets

    assert isinstance(Limits(Settings()).senders, TokenBuckets)
    assert isinstance(Limits(Settings(), storage_url="memory://").senders, TokenBuckets)
    assert isinstance(Limits(Settings(), storage_url="redis://127.0.0.1:1/0").senders, SharedWindows)


def test_a_conversation_lock_lives_only_as_long_as_the_longest_turn(monkeypatch):
    import settings

    monkeypatch.setenv("ACTION_TIMEOUT", "4")
    monkeypatch.setenv("TRACKER_STORE_SAVE_RETRY_SECONDS", "2")
    assert settings.reload().lock_lifetime() == 11.0
    monkeypatch.setenv("LOCK_LIFETIME_SECONDS", "30")
    assert settings.reload().lock_lifetime() == 30.0
