"""Telegram and WhatsApp (Twilio) on the real servers, against a stand-in for the platform APIs.

The real action server and Rasa start once for the module, with the
platform API base URLs pointing at ``platform_standin``. Tests post webhook
payloads in the platforms' documented formats and check what the person
would receive: the calls the channel made to the stand-in. The stand-in
refuses what the real APIs refuse (over-long texts, bad callback data, bad
credentials), and every call must have been accepted.

A second Rasa, started alongside with the same channel entries from
credentials.yml and no messaging variables at all, shows that the assistant
starts without accounts and the webhooks then answer 503.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional, Tuple

import pytest
import yaml

from tests.integration.platform_standin import Call, PlatformStandIn
from tests.integration.servers import ROOT, Servers

BOT_TOKEN = "7000000001:AAH-test-token"
SECRET = "test-secret_" + "x" * 20
SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "twilio-auth-token-for-tests"
BOT_NUMBER = "whatsapp:+14155238886"
PUBLIC_URL = "https://b12.example.org/webhooks/whatsapp/webhook"
MESSAGING_VARS = (
    "TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN", "TELEGRAM_API_BASE", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
    "TWILIO_WHATSAPP_NUMBER", "TWILIO_WEBHOOK_URL", "TWILIO_API_BASE",
)
JSON_LEFTOVERS = re.compile(r"triage_summary|[{}]|\"(level|row|evidence)\"")
SUMMARY = "Summary you can show a clinician:"
_ids = itertools.count(int(time.time()) % 100000 * 1000)


# ------------------------------------------------------------------ the servers
class Platforms:
    def __init__(self, standin: PlatformStandIn, servers: Servers, bare: Servers) -> None:
        self.standin = standin
        self.servers = servers
        self.bare = bare

    # ---------------------------------------------------------- raw posts
    def post(self, base: str, path: str, data: bytes, headers: Dict[str, str]) -> Tuple[int, Any]:
        req = urllib.request.Request(base + path, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                body = r.read()
                status = r.status
        except urllib.error.HTTPError as e:
            body, status = e.read(), e.code
        try:
            return status, json.loads(body)
        except ValueError:
            return status, body.decode()

    def telegram_post(self, update: Dict[str, Any], secret: Optional[str] = SECRET, base: Optional[str] = None) -> Tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        return self.post(base or self.servers.base, "/webhooks/telegram/webhook", json.dumps(update).encode(), headers)

    def twilio_post(self, fields: Dict[str, str], signature: Optional[str] = "valid", url: str = PUBLIC_URL, base: Optional[str] = None) -> Tuple[int, Any]:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if signature == "valid":
            signature = twilio_signature(AUTH_TOKEN, url, fields)
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        return self.post(base or self.servers.base, "/webhooks/whatsapp/webhook", urllib.parse.urlencode(fields).encode(), headers)

    # ---------------------------------------------------------- Telegram as a person
    def tg_say(self, chat_id: int, text: str, language_code: str = "en") -> List[Call]:
        before = len(self.standin.calls)
        message = {
            "message_id": next(_ids),
            "from": {"id": chat_id, "is_bot": False, "first_name": "Ann", "language_code": language_code},
            "chat": {"id": chat_id, "first_name": "Ann", "type": "private"},
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
        status, body = self.telegram_post({"update_id": next(_ids), "message": message})
        assert status == 200 and body == {"ok": True}, (status, body)
        return self.new_calls(before)

    def tg_click(self, chat_id: int, keyboard_message: Call, title: str) -> List[Call]:
        before = len(self.standin.calls)
        sent = keyboard_message.answer["result"]  # the message as Telegram stored it
        keys = [k for row in sent["reply_markup"]["inline_keyboard"] for k in row]
        data = next(k["callback_data"] for k in keys if k["text"] == title)
        query = {
            "id": str(next(_ids)),
            "from": {"id": chat_id, "is_bot": False, "first_name": "Ann", "language_code": "en"},
            "message": sent,
            "chat_instance": "-1234567890",
            "data": data,
        }
        status, body = self.telegram_post({"update_id": next(_ids), "callback_query": query})
        assert status == 200, (status, body)
        return self.new_calls(before)

    # ---------------------------------------------------------- WhatsApp as a person
    def wa_fields(self, number: str, text: str, **extra: str) -> Dict[str, str]:
        sid = "SM" + uuid.uuid4().hex
        fields = {
            "SmsMessageSid": sid, "NumMedia": "0", "ProfileName": "Ann", "MessageType": "text", "SmsSid": sid,
            "WaId": number.lstrip("+"), "SmsStatus": "received", "Body": text, "To": BOT_NUMBER, "NumSegments": "1",
            "ReferralNumMedia": "0", "MessageSid": sid, "AccountSid": SID, "From": f"whatsapp:{number}", "ApiVersion": "2010-04-01",
        }
        fields.update(extra)
        return fields

    def wa_say(self, number: str, text: str) -> List[Call]:
        before = len(self.standin.calls)
        status, body = self.twilio_post(self.wa_fields(number, text))
        assert status == 200 and "<Response>" in body, (status, body)
        return self.new_calls(before)

    def new_calls(self, before: int) -> List[Call]:
        calls = list(self.standin.calls[before:])
        refused = [c for c in calls if c.status >= 300]
        assert not refused, f"the platform refused: {[(c.method, c.status, c.answer) for c in refused]}"
        return calls


def twilio_signature(token: str, url: str, fields: Dict[str, str]) -> str:
    """Twilio's documented scheme: URL + each POST field name and value, sorted by name; HMAC-SHA1; base64."""
    payload = url + "".join(k + fields[k] for k in sorted(fields))
    return base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def sent_texts(calls: List[Call]) -> List[str]:
    """The messages a person receives, in order (Telegram sendMessage, Twilio Messages)."""
    return [c.body["text"] if c.method == "sendMessage" else c.body["Body"] for c in calls if c.method in ("sendMessage", "Messages")]


def keyboard_of(calls: List[Call]) -> Optional[Call]:
    with_keys = [c for c in calls if c.method == "sendMessage" and c.body.get("reply_markup")]
    return with_keys[-1] if with_keys else None


def titles(call: Call) -> List[str]:
    return [k["text"] for row in call.body["reply_markup"]["inline_keyboard"] for k in row]


@pytest.fixture(scope="module")
def platforms(tmp_path_factory):
    standin = PlatformStandIn(BOT_TOKEN, SID, AUTH_TOKEN).start()
    env = {
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_SECRET_TOKEN": SECRET, "TELEGRAM_API_BASE": standin.base,
        "TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_WHATSAPP_NUMBER": BOT_NUMBER,
        "TWILIO_WEBHOOK_URL": PUBLIC_URL, "TWILIO_API_BASE": standin.base, "B12_LOCALE": "uk",
    }
    work = tmp_path_factory.mktemp("messaging")
    # these channels exactly as credentials.yml declares them; other channels are left out so
    # that a problem in one of them cannot hide these results
    project = yaml.safe_load((ROOT / "credentials.yml").read_text())
    mine = {k: v for k, v in project.items() if k.startswith(("channels.telegram.", "channels.whatsapp.", "channels.resilient.ResilientRest"))}
    assert len(mine) == 3, project
    (work / "credentials.yml").write_text(yaml.safe_dump(mine))
    servers = Servers(work, env=env, credentials=work / "credentials.yml")
    bare_dir = tmp_path_factory.mktemp("no-accounts")
    bare = Servers(bare_dir, sql_tracker_store=False, env={k: None for k in MESSAGING_VARS}, credentials=work / "credentials.yml")
    with ThreadPoolExecutor(1) as pool:
        bare_started = pool.submit(bare.start_rasa)  # the same channels, no messaging variables at all
        try:
            servers.start_actions()
            servers.start_rasa()
            bare_started.result()
        except Exception:
            servers.stop()
            bare.stop()
            standin.stop()
            raise
    yield Platforms(standin, servers, bare)
    servers.stop()
    bare.stop()
    standin.stop()


def chat() -> int:
    return 100000000 + next(_ids)


def number(prefix: str = "+44770090") -> str:
    return prefix + f"{next(_ids) % 10000:04d}"


# ------------------------------------------------------------------ without accounts
def test_without_accounts_rasa_starts_and_the_webhooks_answer_503_with_a_clear_message(platforms):
    p = platforms
    status, body = p.telegram_post({"update_id": 1, "message": {"chat": {"id": 1}, "text": "hi"}}, base=p.bare.base)
    assert status == 503 and "TELEGRAM_BOT_TOKEN" in body["error"] and "TELEGRAM_SECRET_TOKEN" in body["error"]
    status, body = p.twilio_post(p.wa_fields("+447700900001", "hi"), base=p.bare.base)
    assert status == 503 and "TWILIO_ACCOUNT_SID" in body["error"]
    health = json.loads(urllib.request.urlopen(p.bare.base + "/webhooks/telegram/", timeout=10).read())
    assert health == {"status": "ok", "configured": False}
    assert json.loads(urllib.request.urlopen(p.servers.base + "/webhooks/whatsapp/", timeout=10).read())["configured"] is True


# ------------------------------------------------------------------ Telegram
def test_telegram_start_gets_the_greeting_and_first_question_with_an_inline_keyboard(platforms):
    c = chat()
    calls = platforms.tg_say(c, "/start")
    texts = sent_texts(calls)
    assert texts and "symptom checker" in texts[0] and "999" in texts[0]
    keyboard = keyboard_of(calls)
    assert keyboard is not None and keyboard is calls[-1], "the question and its keyboard come last"
    assert keyboard.body["chat_id"] == c
    assert titles(keyboard) == ["Yes", "No", "Not sure"]
    for row in keyboard.body["reply_markup"]["inline_keyboard"]:
        for key in row:
            assert len(key["callback_data"].encode()) <= 64 and not key["callback_data"].startswith("/")


def test_telegram_whole_triage_with_buttons_and_text_ends_with_a_plain_text_summary(platforms):
    p = platforms
    c = chat()
    calls = p.tg_say(c, "I'm 58, on metformin for years, and my feet have been numb and burning at night for 3 months")
    everything = list(calls)
    clicks = 0
    for _ in range(30):
        keyboard = keyboard_of(calls)
        if keyboard is None or "No thanks" in titles(keyboard):
            break  # the result, with the offer of optional questions
        choice = next((t for t in ("No", "None of these", "Doesn't apply") if t in titles(keyboard)), None)
        if choice is None:
            calls = p.tg_say(c, "about the same")  # typed, not clicked
        else:
            calls = p.tg_click(c, keyboard, choice)
            clicks += 1
            assert [x.method for x in calls[:2]] == ["answerCallbackQuery", "editMessageText"]
            assert calls[1].body["text"].endswith(f"› {choice}")  # the choice is echoed under the question
        everything += calls
    texts = sent_texts(everything)
    final = "\n".join(sent_texts(calls))
    assert clicks >= 2  # only questions that can change the level come before the result
    assert SUMMARY in final and "not a diagnosis" in final.lower()
    assert not any(JSON_LEFTOVERS.search(t) for t in texts), [t for t in texts if JSON_LEFTOVERS.search(t)]
    assert final.count(SUMMARY) == 1  # the summary payload is not shown twice
    assert all(len(t.encode("utf-16-le")) // 2 <= 4096 for t in texts)
    slots = p.servers.slots(f"telegram:{c}")
    assert slots["triage_level"] == "soon" and "SX_BURNING_FEET" in slots["symptoms"]
    # the clicks reached Rasa as the button payloads, resolved from the tracker
    user_texts = [e.get("text") for e in p.servers.tracker(f"telegram:{c}")["events"] if e["event"] == "user"]
    assert user_texts.count("/deny") >= clicks and "/dont_know" not in user_texts


@pytest.mark.parametrize("language_code, number", [("en", "999"), ("en-US", "911"), ("de-DE", "112")])
def test_telegram_red_flag_gets_emergency_advice_with_the_local_number(platforms, language_code, number):
    c = chat()
    platforms.tg_say(c, "hi", language_code)
    texts = sent_texts(platforms.tg_say(c, "I have crushing chest pain", language_code))
    assert number in texts[0] and "call" in texts[0].lower()
    assert platforms.servers.slots(f"telegram:{c}")["triage_level"] == "emergency"


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x"])
def test_telegram_forged_updates_are_refused_and_nothing_is_processed(platforms, secret):
    p = platforms
    c = chat()
    before = len(p.standin.calls)
    update = {"update_id": next(_ids), "message": {"message_id": 1, "chat": {"id": c, "type": "private"}, "from": {"id": c}, "text": "I have crushing chest pain"}}
    status, body = p.telegram_post(update, secret=secret)
    assert status == 403 and body["status"] == "forbidden"
    time.sleep(0.3)
    assert p.standin.calls[before:] == []
    assert [e for e in p.servers.tracker(f"telegram:{c}")["events"] if e["event"] == "user"] == []


def test_telegram_an_old_keyboard_is_not_taken_as_an_answer_to_the_new_question(platforms):
    p = platforms
    c = chat()
    first = keyboard_of(p.tg_say(c, "hi"))
    p.tg_say(c, "no")  # answered by typing; the bot asks the next question
    pending = p.servers.slots(f"telegram:{c}")["interview"]["pending"]
    calls = p.tg_click(c, first, "Yes")
    assert [x.method for x in calls] == ["answerCallbackQuery", "editMessageReplyMarkup"]
    assert "moved on" in calls[0].body["text"]
    assert p.servers.slots(f"telegram:{c}")["interview"]["pending"] == pending
    assert p.servers.slots(f"telegram:{c}")["red_flags"] == []


def test_telegram_a_repeated_update_is_answered_once_and_a_sticker_gets_a_text_only_note(platforms):
    p = platforms
    c = chat()
    update = {"update_id": next(_ids), "message": {"message_id": 5, "chat": {"id": c, "type": "private"}, "from": {"id": c}, "text": "hi"}}
    before = len(p.standin.calls)
    assert p.telegram_post(update)[0] == 200
    first = len(p.standin.calls) - before
    assert first >= 1 and p.telegram_post(update)[0] == 200
    assert len(p.standin.calls) - before == first
    sticker = {"update_id": next(_ids), "message": {"message_id": 6, "chat": {"id": c, "type": "private"}, "from": {"id": c}, "sticker": {"file_id": "x", "emoji": "👍"}}}
    before = len(p.standin.calls)
    assert p.telegram_post(sticker)[0] == 200
    assert "only read text" in sent_texts(p.new_calls(before))[0]


# ------------------------------------------------------------------ WhatsApp
def test_whatsapp_greeting_and_first_question_come_with_numbered_options(platforms):
    n = number()
    calls = platforms.wa_say(n, "hello")
    assert calls and all(c.body["To"] == f"whatsapp:{n}" and c.body["From"] == BOT_NUMBER for c in calls)
    text = "\n".join(sent_texts(calls))
    assert "symptom checker" in text and "999" in text
    assert sent_texts(calls)[-1].endswith("Reply with a number: 1 Yes, 2 No, 3 Not sure")


def test_whatsapp_whole_triage_with_digits_and_text_ends_with_a_readable_summary_split_to_fit(platforms):
    p = platforms
    n = number()
    calls = p.wa_say(n, "I'm 58, on metformin for years, and my feet have been numb and burning at night for 3 months")
    everything = list(calls)
    longest_turn = 0
    for _ in range(30):
        last = sent_texts(calls)[-1]
        options = dict(re.findall(r"(\d+) ([^,\n]+)", last.split("Reply with a number:")[-1])) if "Reply with a number:" in last else {}
        if not options or "No thanks" in options.values():
            break  # the result, with the offer of optional questions
        pick = next((d for d, t in options.items() if t in ("No", "None of these", "Doesn't apply")), None)
        calls = p.wa_say(n, pick if pick else "about the same")
        everything += calls
        longest_turn = max(longest_turn, len(calls))
    texts = sent_texts(everything)
    final = "\n\n".join(sent_texts(calls))
    assert SUMMARY in final and final.count(SUMMARY) == 1
    assert not any(JSON_LEFTOVERS.search(t) for t in texts)
    assert all(len(t) <= 1600 for t in texts)
    assert len(final) > 1600 and len(calls) >= 2, "the long result is split over several messages"
    assert all(t.strip() and not t[0].islower() for t in sent_texts(calls)), "split at boundaries, not mid-sentence"
    slots = p.servers.slots(f"whatsapp:{n}")
    assert slots["triage_level"] == "soon"
    user_texts = [e.get("text") for e in p.servers.tracker(f"whatsapp:{n}")["events"] if e["event"] == "user"]
    assert "/deny" in user_texts  # typed digits reached Rasa as the payloads


def test_whatsapp_a_typed_title_or_digit_maps_to_the_latest_question_only(platforms):
    p = platforms
    n = number()
    p.wa_say(n, "hi")
    p.wa_say(n, "Not sure")  # the title of option 3
    events = p.servers.tracker(f"whatsapp:{n}")["events"]
    assert [e["text"] for e in events if e["event"] == "user"][-1] == "/dont_know"
    p.wa_say(n, "12")  # not an option: passed on as typed
    events = p.servers.tracker(f"whatsapp:{n}")["events"]
    assert [e["text"] for e in events if e["event"] == "user"][-1] == "12"


@pytest.mark.parametrize("prefix, emergency", [("+44770090", "999"), ("+1202555", "911"), ("+4915112", "112")])
def test_whatsapp_red_flag_gets_emergency_advice_with_the_number_for_the_phone_country(platforms, prefix, emergency):
    n = number(prefix)
    platforms.wa_say(n, "hi")
    texts = sent_texts(platforms.wa_say(n, "I have crushing chest pain"))
    assert f"call {emergency}" in texts[0].lower()
    assert platforms.servers.slots(f"whatsapp:{n}")["triage_level"] == "emergency"


@pytest.mark.parametrize("forgery", ["no signature", "wrong token", "signed for another URL", "body changed after signing"])
def test_whatsapp_forged_requests_are_refused_and_nothing_is_sent(platforms, forgery):
    p = platforms
    n = number()
    fields = p.wa_fields(n, "I have crushing chest pain")
    signature: Optional[str] = {
        "no signature": None,
        "wrong token": twilio_signature("not-the-token", PUBLIC_URL, fields),
        "signed for another URL": twilio_signature(AUTH_TOKEN, p.servers.base + "/webhooks/whatsapp/webhook", fields),
        "body changed after signing": twilio_signature(AUTH_TOKEN, PUBLIC_URL, dict(fields, Body="hello")),
    }[forgery]
    before = len(p.standin.calls)
    status, body = p.twilio_post(fields, signature=signature)
    assert status == 403 and body["status"] == "forbidden"
    time.sleep(0.3)
    assert p.standin.calls[before:] == []
    assert [e for e in p.servers.tracker(f"whatsapp:{n}")["events"] if e["event"] == "user"] == []
    # the same message, properly signed, is then answered (the refusal did not mark it as seen)
    assert p.twilio_post(fields)[0] == 200 and p.standin.twilio(f"whatsapp:{n}")


def test_whatsapp_a_photo_without_text_gets_a_note_and_a_retry_is_answered_once(platforms):
    p = platforms
    n = number()
    photo = p.wa_fields(n, "", NumMedia="1", MediaUrl0="https://api.twilio.com/media/ME1", MediaContentType0="image/jpeg", MessageType="image")
    before = len(p.standin.calls)
    assert p.twilio_post(photo)[0] == 200  # signed with an empty Body: blank fields count
    assert "only read text" in sent_texts(p.new_calls(before))[0]
    hello = p.wa_fields(n, "hello")
    before = len(p.standin.calls)
    p.twilio_post(hello)
    answered = len(p.standin.calls) - before
    p.twilio_post(hello)  # Twilio retrying the same MessageSid
    assert answered >= 1 and len(p.standin.calls) - before == answered


def test_a_failed_turn_still_gets_an_apology_on_both_apps(platforms):
    p = platforms
    c, n = chat(), number("+1202555")
    p.servers.stop_actions()
    try:
        tg = sent_texts(p.tg_say(c, "my toes have been numb for months"))
        wa = sent_texts(p.wa_say(n, "my toes have been numb for months"))
    finally:
        p.servers.start_actions()
    assert len(tg) == 1 and "not responding" in tg[0] and "999" in tg[0]
    assert len(wa) == 1 and "not responding" in wa[0] and "911" in wa[0]


@pytest.mark.parametrize("mode", ["reject", "down"])
def test_a_platform_api_down_or_rejecting_leaves_no_id_or_words_in_the_logs(platforms, mode):
    p = platforms
    c, n = chat(), number("+4477009")
    word = f"Snorkelwick{mode}"
    p.standin.mode = mode
    try:
        p.tg_say(c, f"my toes are numb, ask {word}")
        p.wa_say(n, f"my toes are numb, ask {word}")
        time.sleep(1.0)  # the send attempts and their log lines
    finally:
        p.standin.mode = "ok"
    logs = (p.servers.workdir / "rasa.log").read_text(errors="replace")
    assert "Telegram" in logs and "Twilio" in logs  # the failures were logged...
    for needle in (str(c), n, n.lstrip("+"), word, "toes are numb"):  # ...without who or what
        leaked = [line for line in logs.splitlines() if needle in line]
        assert not leaked, f"{needle!r} in the logs: {leaked[:2]}"


# ------------------------------------------------------------------ webhook registration
def test_the_registration_script_sets_the_webhook_with_the_secret_token(platforms):
    p = platforms
    before = len(p.standin.calls)
    env = {"TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_SECRET_TOKEN": SECRET, "TELEGRAM_API_BASE": p.standin.base, "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "telegram_webhook.py"), "set", "https://b12.example.org/"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert BOT_TOKEN not in run.stdout + run.stderr
    (call,) = p.new_calls(before)
    assert call.method == "setWebhook"
    assert call.body["url"] == "https://b12.example.org/webhooks/telegram/webhook"
    assert call.body["secret_token"] == SECRET and set(call.body["allowed_updates"]) == {"message", "callback_query"}
