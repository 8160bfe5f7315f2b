"""Laying the assistant's replies out for Telegram and WhatsApp: pure functions, no servers."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Any, Dict, List

import pytest

from engine.conversation import State, Turn, step
from channels.messaging_common import (
    TELEGRAM_LIMIT,
    WHATSAPP_LIMIT,
    BufferedOutput,
    Outgoing,
    Question,
    RecentIds,
    choice_payload,
    custom_as_text,
    latest_question,
    layout,
    locale_from_language_code,
    locale_from_phone,
    numbered_options,
    setting,
    split_text,
    utf16_len,
)
from channels.resilient import never_silent
from channels.telegram import callback_data, chat_id_of, command_text, inline_keyboard, resolve_callback
from channels.whatsapp import form_params, request_url, signature_ok, whatsapp_address

YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}, {"title": "Not sure", "payload": "/dont_know"}]
AGE_BANDS = [
    {"title": "Under 16", "payload": '/inform{"age_band":"under_16"}'},
    {"title": "16 to 64", "payload": '/inform{"age_band":"adult"}'},
    {"title": "65 or over", "payload": '/inform{"age_band":"older"}'},
]
SYMPTOMS = [
    {"title": f"{name} in both feet, mostly at night", "payload": '/inform{"symptom":"SX_%s","qualifier":"QL_BOTH_FEET_AT_NIGHT"}' % name.upper()}
    for name in ("Tingling", "Burning", "Numbness", "Cramps", "Coldness", "Pain", "Weakness", "Stiffness")
] + [{"title": "None of these", "payload": "/deny"}]

PROSE = (
    "Symptoms like these have many possible causes, such as diabetes, thyroid problems, low folate or iron, alcohol, "
    "or some medicines, and only a clinician can tell which applies. If you take B12 or other supplements, mention them: "
    "they can mask blood results.\nGetting checked early matters, because nerve damage linked to low B12 can become "
    "permanent if it is not treated.\n\n"
)


def words(text: str) -> List[str]:
    return text.split()


def red_flag_result() -> List[Dict[str, Any]]:
    """The bot messages of a real red-flag result, as Rasa hands them to a channel."""
    outcome = step(
        State(), Turn(text="I have crushing chest pain", intent="inform", confidence=0.9, entities=[{"entity": "red_flag", "value": "RF_CHEST_PAIN"}])
    )
    return [{"custom": r.custom} if r.custom is not None else {"text": r.text, "buttons": r.buttons} for r in outcome.replies]


# ------------------------------------------------------------------ splitting
def test_a_short_text_is_sent_as_it_is():
    assert split_text("  Do you have diabetes?  ", 1600) == ["Do you have diabetes?"]
    assert split_text("   ", 1600) == []


@pytest.mark.parametrize("limit", [TELEGRAM_LIMIT, WHATSAPP_LIMIT, 300])
def test_long_text_splits_within_the_limit_and_loses_no_word(limit):
    text = PROSE * 40
    chunks = split_text(text, limit)
    assert len(chunks) > 1
    assert all(0 < utf16_len(c) <= limit for c in chunks)
    assert words(" ".join(chunks)) == words(text)  # nothing lost, no word cut in two


def test_splits_prefer_paragraphs_then_lines_then_sentences():
    paragraphs = "\n\n".join(["A" * 50 + " first.", "B" * 50 + " second.", "C" * 50 + " third."])
    assert split_text(paragraphs, 130) == ["A" * 50 + " first.\n\n" + "B" * 50 + " second.", "C" * 50 + " third."]
    lines = "- one line here\n- two line here\n- three line here"
    assert split_text(lines, 35) == ["- one line here\n- two line here", "- three line here"]
    sentences = "This is one sentence. This is another sentence. And a third one here."
    assert split_text(sentences, 50) == ["This is one sentence. This is another sentence.", "And a third one here."]


def test_a_split_never_cuts_a_word_unless_the_word_itself_is_too_long():
    text = "word " * 30
    assert all(c.split() == ["word"] * len(c.split()) for c in split_text(text, 23))
    url = "https://example.org/" + "x" * 100
    chunks = split_text(url, 40)
    assert "".join(chunks) == url and all(len(c) <= 40 for c in chunks)


def test_limits_count_emoji_as_telegram_and_twilio_do():
    text = "😀" * 50  # 100 UTF-16 code units
    chunks = split_text(text, 60)
    assert [utf16_len(c) for c in chunks] == [60, 40]


# ------------------------------------------------------------------ WhatsApp numbered options
def test_yes_no_options_are_one_numbered_line():
    assert numbered_options(YES_NO) == "Reply with a number: 1 Yes, 2 No, 3 Not sure"


def test_long_or_comma_titles_are_listed_one_per_line():
    text = numbered_options(SYMPTOMS)
    assert text.splitlines()[0] == "Reply with a number:" and text.splitlines()[-1] == "9 None of these"
    commas = [{"title": "Weakness spreading fast, or can't walk", "payload": "/x"}, {"title": "No", "payload": "/deny"}]
    assert numbered_options(commas) == "Reply with a number:\n1 Weakness spreading fast, or can't walk\n2 No"


def test_options_with_numbers_in_their_titles_get_letters_so_an_age_is_never_taken_for_an_option():
    assert numbered_options(AGE_BANDS) == "Reply with a letter: A Under 16, B 16 to 64, C 65 or over"
    assert choice_payload("b", AGE_BANDS) == '/inform{"age_band":"adult"}'
    assert choice_payload("2", AGE_BANDS) is None  # a child's age, typed: passed on as typed
    assert choice_payload("65 or over", AGE_BANDS) == '/inform{"age_band":"older"}'


@pytest.mark.parametrize("typed, payload", [("1", "/affirm"), (" 2 ", "/deny"), ("3.", "/dont_know"), ("(2)", "/deny"), ("3)", "/dont_know")])
def test_a_typed_digit_picks_the_option(typed, payload):
    assert choice_payload(typed, YES_NO) == payload


@pytest.mark.parametrize("typed", ["not sure", "NOT SURE!", "Not  sure."])
def test_a_typed_title_picks_the_option(typed):
    assert choice_payload(typed, YES_NO) == "/dont_know"


def test_curly_apostrophes_match_titles():
    buttons = [{"title": "Doesn't apply", "payload": "/deny"}]
    assert choice_payload("doesn’t apply", buttons) == "/deny"


@pytest.mark.parametrize("typed", ["4", "0", "12", "yes please, since March", "", "a"])
def test_anything_else_is_not_an_option(typed):
    assert choice_payload(typed, YES_NO) is None


def test_no_buttons_no_mapping():
    assert choice_payload("1", []) is None


# ------------------------------------------------------------------ Telegram inline keyboards
def test_short_titles_sit_side_by_side_and_carry_only_an_index_and_a_fingerprint():
    fp = Question("Do you have diabetes?", YES_NO).fingerprint
    keyboard = inline_keyboard(YES_NO, fp)
    assert keyboard == {
        "inline_keyboard": [[
            {"text": "Yes", "callback_data": f"0:{fp}"},
            {"text": "No", "callback_data": f"1:{fp}"},
            {"text": "Not sure", "callback_data": f"2:{fp}"},
        ]]
    }


def test_long_titles_get_a_row_each_and_callback_data_stays_under_64_bytes():
    payload_bytes = max(len(b["payload"].encode()) for b in SYMPTOMS)
    assert payload_bytes > 64  # the reason payloads are not sent as callback data
    keyboard = inline_keyboard(SYMPTOMS, Question("Which?", SYMPTOMS).fingerprint)
    rows = keyboard["inline_keyboard"]
    assert len(rows) == len(SYMPTOMS) and all(len(r) == 1 for r in rows)
    assert all(len(r[0]["callback_data"].encode()) <= 64 for r in rows)


def test_a_click_resolves_to_the_payload_of_the_latest_question():
    question = Question("Do you have diabetes?", YES_NO)
    assert resolve_callback(f"1:{question.fingerprint}", question)["payload"] == "/deny"


def test_a_click_on_an_older_or_forged_keyboard_resolves_to_nothing():
    latest = Question("Do you drink alcohol heavily?", YES_NO)
    older = Question("Do you have diabetes?", YES_NO)
    assert resolve_callback(f"0:{older.fingerprint}", latest) is None
    assert resolve_callback(f"7:{latest.fingerprint}", latest) is None
    assert resolve_callback("/affirm", latest) is None
    assert resolve_callback(None, latest) is None
    assert resolve_callback(f"0:{latest.fingerprint}", None) is None


def test_callback_data_over_64_bytes_is_refused():
    with pytest.raises(ValueError):
        callback_data(1, "x" * 70)


@pytest.mark.parametrize(
    "typed, meant",
    [("/start", "hi"), ("/start@b12_check_bot", "hi"), ("/help", "help"), ("/restart", "start over"), ("/foods now", "foods now"), ("my feet", "my feet")],
)
def test_telegram_commands_become_words_the_assistant_understands(typed, meant):
    assert command_text(typed) == meant


def test_telegram_chat_ids_go_back_as_integers():
    assert chat_id_of("telegram:42") == 42 and chat_id_of("telegram:-1001") == -1001 and chat_id_of("telegram:@news") == "@news"


# ------------------------------------------------------------------ the latest question, from tracker events
def bot(text, buttons=None, custom=None):
    return {"event": "bot", "text": text, "data": {"buttons": buttons, "custom": custom}}


def user(text):
    return {"event": "user", "text": text}


def test_latest_question_is_the_bots_last_reply_with_buttons():
    events = [bot("Hello"), bot("Any red flags?", YES_NO), user("no"), {"event": "action", "name": "x"}, bot("Noted."), bot("Diabetes?", YES_NO)]
    assert latest_question(events) == Question("Diabetes?", YES_NO)


def test_a_reply_without_buttons_means_there_is_no_question_to_answer_by_number():
    events = [bot("Diabetes?", YES_NO), user("no"), bot("My suggestion: ..."), bot(None, custom={"type": "triage_summary"})]
    assert latest_question(events) is None


def test_a_message_that_got_no_reply_during_an_outage_does_not_hide_the_question():
    events = [bot("Diabetes?", YES_NO), user("my toes are numb"), {"event": "action", "name": "action_listen"}]
    assert latest_question(events) == Question("Diabetes?", YES_NO)


def test_a_restart_or_an_empty_conversation_has_no_question():
    assert latest_question([]) is None
    assert latest_question([bot("Diabetes?", YES_NO), {"event": "restart"}]) is None


# ------------------------------------------------------------------ laying out a turn
def test_a_result_on_whatsapp_is_readable_text_split_under_1600_with_no_json():
    messages = red_flag_result()
    out = layout(messages, WHATSAPP_LIMIT, keyboards=False)
    text = "\n\n".join(m.text for m in out)
    assert all(len(m.text) <= WHATSAPP_LIMIT and not m.buttons for m in out)
    assert text.count("Summary you can show a clinician:") == 1  # the payload is not repeated
    assert "999" in out[0].text
    assert not re.search(r"[{}]|triage_summary|\"level\"", text)


def test_a_result_on_telegram_is_one_readable_message_when_it_fits():
    out = layout(red_flag_result(), TELEGRAM_LIMIT, keyboards=True)
    assert len(out) == 1 and "Summary you can show a clinician:" in out[0].text and "{" not in out[0].text


def test_a_summary_payload_on_its_own_is_rendered_as_text():
    summary = next(m["custom"] for m in red_flag_result() if "custom" in m)
    out = layout([{"custom": summary}], WHATSAPP_LIMIT, keyboards=False)
    assert len(out) == 1 and out[0].text.startswith("Summary you can show a clinician:")
    assert "- Warning signs reported: chest pain" in out[0].text


def test_a_malformed_summary_or_other_custom_payloads_do_not_crash_and_show_no_json():
    assert custom_as_text({"type": "triage_summary", "level_text": "Emergency: call 999 now"}, []) == "Emergency: call 999 now"
    assert custom_as_text({"type": "triage_summary"}, []) is None
    assert custom_as_text({"type": "card", "text": "Hello"}, []) == "Hello"
    assert custom_as_text({"type": "chart", "data": [1, 2]}, []) is None
    assert custom_as_text(["not", "a", "dict"], []) is None
    assert custom_as_text(None, []) is None
    out = layout([{"custom": {"data": {"x": 1}}}, {"custom": "text"}, {"text": "Still here"}], TELEGRAM_LIMIT, keyboards=True)
    assert [m.text for m in out] == ["Still here"]


def test_telegram_joins_texts_and_puts_the_keyboard_on_the_question():
    messages = [{"text": "Noted: tingling."}, {"text": "Do you have diabetes?", "buttons": YES_NO}, {"text": "Thanks"}]
    out = layout(messages, TELEGRAM_LIMIT, keyboards=True)
    assert out == [Outgoing("Noted: tingling.\n\nDo you have diabetes?", YES_NO, "Do you have diabetes?"), Outgoing("Thanks")]


def test_whatsapp_appends_the_numbered_options_to_the_question():
    out = layout([{"text": "Noted."}, {"text": "Do you have diabetes?", "buttons": YES_NO}], WHATSAPP_LIMIT, keyboards=False)
    assert [m.text for m in out] == ["Noted.\n\nDo you have diabetes?\n\nReply with a number: 1 Yes, 2 No, 3 Not sure"]


def test_a_long_question_keeps_its_keyboard_on_the_last_chunk():
    out = layout([{"text": PROSE * 30 + "Do you have diabetes?", "buttons": YES_NO}], TELEGRAM_LIMIT, keyboards=True)
    assert len(out) > 1 and all(not m.buttons for m in out[:-1]) and out[-1].buttons == YES_NO
    assert out[-1].text.endswith("Do you have diabetes?") and all(utf16_len(m.text) <= TELEGRAM_LIMIT for m in out)


def test_whatsapp_long_turn_splits_and_the_options_stay_whole_at_the_end():
    out = layout([{"text": PROSE * 12}, {"text": "Which of these?", "buttons": SYMPTOMS}], WHATSAPP_LIMIT, keyboards=False)
    assert len(out) > 1 and all(len(m.text) <= WHATSAPP_LIMIT for m in out)
    assert out[-1].text.endswith(numbered_options(SYMPTOMS))


# ------------------------------------------------------------------ never silent, buffered
class Collect(BufferedOutput):
    limit = WHATSAPP_LIMIT
    keyboards = False

    @classmethod
    def name(cls):
        return "collect"

    def __init__(self):
        super().__init__()
        self.delivered = []

    async def deliver(self, recipient_id, messages):
        self.delivered += [(recipient_id, m.text) for m in messages]


async def test_a_failed_turn_is_answered_with_the_apology_in_the_persons_locale():
    from rasa.core.channels.channel import UserMessage

    async def broken(message):
        raise RuntimeError("action server down")

    out = Collect()
    await never_silent(broken)(UserMessage("hi", out, "whatsapp:+12025550100", metadata={"locale": "us"}))
    assert out.delivered == [] and await out.flush() == 1
    (recipient, text), = out.delivered
    assert recipient == "whatsapp:+12025550100" and "not responding" in text and "911" in text


async def test_a_normal_turn_is_sent_in_one_go_at_the_end():
    from rasa.core.channels.channel import UserMessage

    async def answer(message):
        await message.output_channel.send_response(message.sender_id, {"text": "One."})
        await message.output_channel.send_response(message.sender_id, {"text": "Two?", "buttons": YES_NO})

    out = Collect()
    await never_silent(answer)(UserMessage("hi", out, "whatsapp:+447700900123"))
    await out.flush()
    assert out.delivered == [("whatsapp:+447700900123", "One.\n\nTwo?\n\nReply with a number: 1 Yes, 2 No, 3 Not sure")]


# ------------------------------------------------------------------ locale, settings, Twilio details
@pytest.mark.parametrize(
    "number, locale",
    [("whatsapp:+447700900123", "uk"), ("+12025550100", "us"), ("whatsapp:+4915112345678", "eu"), ("+353861234567", "eu"),
     ("+33612345678", "eu"), ("+919812345678", None), ("+79161234567", None), ("+380501234567", None), ("", None), (None, None)],
)
def test_a_phone_number_gives_a_locale_only_where_it_is_clear(number, locale):
    assert locale_from_phone(number) == locale


@pytest.mark.parametrize(
    "code, locale",
    [("en-GB", "uk"), ("en_US", "us"), ("de-AT", "eu"), ("fr-FR", "eu"), ("en", None), ("uk", None), ("pt-BR", None), ("", None), (None, None)],
)
def test_a_telegram_language_code_gives_a_locale_only_with_a_region(code, locale):
    assert locale_from_language_code(code) == locale


def test_settings_come_from_credentials_or_the_named_environment_variable(monkeypatch):
    monkeypatch.setenv("MY_TOKEN", "from-env")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "default-env")
    monkeypatch.delenv("UNSET_VAR", raising=False)
    assert setting({"bot_token": "literal"}, "bot_token", "TELEGRAM_BOT_TOKEN") == "literal"
    assert setting({"bot_token_env": "MY_TOKEN"}, "bot_token", "TELEGRAM_BOT_TOKEN") == "from-env"
    assert setting(None, "bot_token", "TELEGRAM_BOT_TOKEN") == "default-env"
    assert setting({"bot_token_env": "UNSET_VAR"}, "bot_token", "TELEGRAM_BOT_TOKEN") is None
    assert setting({"api_base": ""}, "api_base", "UNSET_VAR", "https://api.telegram.org") == "https://api.telegram.org"


def twilio_signature(token: str, url: str, fields: Dict[str, str]) -> str:
    payload = url + "".join(k + fields[k] for k in sorted(fields))
    return base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def test_twilio_signatures_count_blank_fields_and_the_exact_url():
    url = "https://b12.example.org/webhooks/whatsapp/webhook"
    body = b"Body=&NumMedia=1&From=whatsapp%3A%2B447700900123&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm"
    params = form_params(body)
    assert params["Body"] == [""]
    fields = {k: v[0] for k, v in params.items()}
    good = twilio_signature("tok", url, fields)
    assert signature_ok("tok", url, params, good)
    assert not signature_ok("tok", url, params, twilio_signature("tok", url, {k: v for k, v in fields.items() if k != "Body"}))
    assert not signature_ok("tok", url.replace("https", "http"), params, good)
    assert not signature_ok("other", url, params, good)
    assert not signature_ok("tok", url, params, None)


def test_behind_a_proxy_the_forwarded_scheme_and_host_make_the_url():
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "b12.example.org"}
    assert request_url(headers, "http", "127.0.0.1:5005", "/webhooks/whatsapp/webhook", "") == "https://b12.example.org/webhooks/whatsapp/webhook"
    assert request_url({}, "http", "127.0.0.1:5005", "/webhooks/whatsapp/webhook", "a=1") == "http://127.0.0.1:5005/webhooks/whatsapp/webhook?a=1"


def test_whatsapp_addresses_and_retries():
    assert whatsapp_address("+14155238886") == "whatsapp:+14155238886" == whatsapp_address("whatsapp:+14155238886")
    recent = RecentIds(size=2)
    assert not recent.seen("a") and recent.seen("a")
    assert not recent.seen("b") and not recent.seen("c") and not recent.seen("a")  # "a" was evicted
    assert not recent.seen(None) and not recent.seen(None)
