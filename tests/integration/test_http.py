"""The real servers over HTTP: REST conversations, slots, persistence, faults, bad input."""
import urllib.error
import urllib.request
import uuid

import pytest

from tests.integration.servers import Servers, texts


def sender() -> str:
    return "it-" + uuid.uuid4().hex[:10]


def custom_of(messages):
    return [m["custom"] for m in messages if "custom" in m]


def test_whole_triage_over_rest_sets_the_public_slots(servers):
    u = sender()
    r = servers.say(u, "I'm 58, on metformin for years, and my feet have been numb and burning at night for 3 months")
    s = servers.slots(u)
    assert set(s["symptoms"]) == {"SX_PARAESTHESIA", "SX_BURNING_FEET"}
    assert "RK_MED_METFORMIN" in s["risk_factors"]
    assert r[-1]["buttons"][1]["payload"] == "/deny"
    for _ in range(30):
        r = servers.say(u, "/deny")
        if custom_of(r):
            break
    summary = custom_of(r)[0]
    assert summary["level"] == "soon" and summary["row"] == "D7"
    assert servers.slots(u)["triage_level"] == "soon"
    assert "not a diagnosis" in texts(r)


def test_red_flag_typed_mid_interview_escalates_at_once(servers):
    u = sender()
    servers.say(u, "hello")
    servers.say(u, "no")
    r = servers.say(u, "my chest feels tight and heavy")
    assert "999" in texts(r).split("\n")[0]
    s = servers.slots(u)
    assert s["red_flags"] == ["RF_CHEST_PAIN"] and s["triage_level"] == "emergency"


def test_question_mid_interview_is_answered_and_the_check_resumes(servers):
    u = sender()
    servers.say(u, "hi")
    r = servers.say(u, "is methylcobalamin better than cyanocobalamin?")
    assert "cyanocobalamin" in texts(r).lower()
    assert r[-1]["text"].startswith("Back to my question")


@pytest.mark.parametrize(
    "message, expect",
    [
        ("", "empty"),
        ("😀🙏👍", "emoji"),
        ("Hola, tengo hormigueo en los pies desde hace meses y estoy muy cansada", "English"),
        ("<script>alert('x')</script><img src=x onerror=alert(1)>", "understand"),
    ],
)
def test_bad_input_gets_a_clear_reply_and_the_conversation_goes_on(servers, message, expect):
    u = sender()
    servers.say(u, "hi")
    r = servers.say(u, message)
    assert r and expect.lower() in texts(r).lower()
    assert "<script>" not in texts(r)
    r = servers.say(u, "no")
    assert servers.tracker(u)["slots"]["interview"]["pending"] != "RF_SCREEN"


def test_ten_thousand_characters_are_read_and_answered(servers):
    u = sender()
    long = ("I have been feeling odd lately and my partner says I should write it all down. " * 130)[:9950]
    r = servers.say(u, long + " my feet tingle")
    assert r
    assert "SX_PARAESTHESIA" in servers.slots(u)["symptoms"]


def test_malformed_json_is_refused_without_a_crash(servers):
    req = urllib.request.Request(f"{servers.base}/webhooks/rest/webhook", data=b"{not json", headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert err.value.code in (400, 422)
    assert servers.say(sender(), "hi")  # still serving


def test_action_server_down_gets_an_apology_and_nothing_is_lost(servers):
    u = sender()
    servers.say(u, "hi")
    servers.stop_actions()
    try:
        r = servers.say(u, "I'm vegan and my toes have been numb for months")
        assert "not responding" in texts(r) and "999" in texts(r)
    finally:
        servers.start_actions()
    r = servers.say(u, "no")
    s = servers.slots(u)
    assert "SX_PARAESTHESIA" in s["symptoms"] and "RK_DIET_LOW_B12" in s["risk_factors"]
    assert "earlier messages" in texts(r)


def test_restarting_both_servers_loses_nothing(tmp_path):
    s = Servers(tmp_path)
    s.start_actions()
    s.start_rasa()
    u = sender()
    try:
        s.say(u, "I'm 70 and my feet burn at night")
        s.say(u, "no")
        before = s.slots(u)
        s.stop()
        s.start_actions()
        s.start_rasa()
        after = s.slots(u)
        assert after["symptoms"] == before["symptoms"] and after["interview"]["pending"] == before["interview"]["pending"]
        r = s.say(u, "/inform{\"duration\":\"months\"}")
        assert "getting worse" in texts(r)
    finally:
        s.stop()


def test_api_requires_the_token_when_one_is_set(tmp_path):
    s = Servers(tmp_path, token="s3cret-test-token")
    s.start_actions()
    s.start_rasa()
    try:
        u = sender()
        s.say(u, "hi")  # the chat channel stays open to people
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{s.base}/conversations/{u}/tracker", timeout=30)
        assert err.value.code == 401
        assert s.tracker(u)["sender_id"] == u
    finally:
        s.stop()
