"""The interview as a pure function: step(state, turn) over whole conversations.

Turns carry the entities the real extractor finds in the text, and the intent
the NLU would give (set by hand here, so these tests do not depend on the
classifier; tests/integration talks to the trained model).
"""
from typing import List, Optional

import pytest

from knowledge import Status

from engine.conversation import MORE, State, Turn, absorb, public_slots, step
from engine.questions import BY_ID
from reader import default_reader as default_extractor


def entities(text: str) -> List[dict]:
    if text.startswith("/"):
        return []
    e = default_extractor().read(text)
    out = []
    for f in e.findings:
        d = {"entity": f.kind.value, "value": f.code}
        if f.status.value != "present":
            d["role"] = f.status.value
        if f.context:
            d["context"] = list(f.context)
        out.append(d)
    for name in ("age", "duration", "progression", "onset", "side", "subject"):
        if getattr(e, name) is not None:
            out.append({"entity": name, "value": getattr(e, name)})
            if name == "subject" and e.subject_said:
                out[-1]["said"] = True
            if name == "duration" and e.duration_vague:
                out[-1]["vague"] = True
    out += [{"entity": "topic", "value": t} for t in e.topics[:3]]
    if e.foreign:
        out.append({"entity": "language", "value": "other"})
    if e.no_symptoms:
        out.append({"entity": "wellbeing", "value": "no_symptoms"})
    if e.locale:
        out.append({"entity": "locale", "value": e.locale})
    return out


class Chat:
    def __init__(self, locale: Optional[str] = None):
        self.state = State(locale=locale)
        self.replies = []
        self.decision = None

    def say(self, text: str, intent: str = "inform", extra: Optional[List[dict]] = None):
        out = step(self.state, Turn(text=text, intent=intent, entities=entities(text) + (extra or [])))
        self.state, self.replies, self.decision = out.state, out.replies, out.decision
        return self

    @property
    def texts(self) -> str:
        return "\n".join(r.text for r in self.replies if r.text)

    @property
    def pending(self) -> Optional[str]:
        return self.state.pending

    @property
    def slots(self):
        return public_slots(self.state)

    def until(self, qid: str, limit: int = 40):
        """Answer "no" until the question ``qid`` is asked, taking the optional questions
        offered after the result (questions that cannot change the result come there)."""
        for _ in range(limit):
            if self.pending == qid:
                return self
            if self.pending == MORE:
                self.say("yes please", "affirm")
            else:
                self.say("no", "deny")
        raise AssertionError(f"{qid} was never asked")

    def answer_all(self, intent: str = "deny", limit: int = 40):
        for _ in range(limit):
            if self.state.stage == "done":
                return self
            self.say({"deny": "no", "affirm": "yes", "dont_know": "not sure"}[intent], intent)
        raise AssertionError("interview did not finish")


def test_greeting_gets_intro_and_red_flag_screen_first():
    c = Chat().say("hi", "greet")
    assert "not a diagnosis" in c.texts
    assert c.pending == "RF_SCREEN"
    assert [b["title"] for b in c.replies[-1].buttons] == ["Yes", "No", "Not sure"]


def test_all_in_one_opening_records_everything_and_fills_slots_at_once():
    c = Chat().say("I'm 58, on metformin for years, and my feet have been numb and burning at night for 3 months")
    assert set(c.slots["symptoms"]) == {"SX_PARAESTHESIA", "SX_BURNING_FEET"}
    assert "RK_MED_METFORMIN" in c.slots["risk_factors"]
    assert c.state.facts.age == 58 and c.state.facts.duration == "months"
    assert "Noted:" in c.texts
    assert c.pending == "RF_SCREEN"


def test_never_asks_again_what_was_already_said():
    c = Chat().say("I'm 58, vegan, on metformin, my feet have been numb for 3 months and it's slowly getting worse")
    asked = []
    while c.state.stage != "done":
        asked.append(c.pending)
        c.say("no", "deny")
    for qid in ("AGE", "DURATION", "PROGRESSION", "RK_DIET_LOW_B12", "RK_MED_METFORMIN", "SX_PARAESTHESIA", "SX_OPEN"):
        assert qid not in asked
    assert len(asked) == len(set(asked))


def test_happy_path_reaches_d7_soon_with_explanation_and_summary():
    c = Chat().say("hello", "greet").say("no", "deny")
    assert c.pending == "SX_OPEN"
    c.say("my feet tingle")
    # how long, and how it began, is always asked with a nerve symptom: hours would make it acute
    assert c.pending == "DURATION"
    c.say("a few months, it crept up slowly")
    assert c.state.facts.duration == "months"
    c.say("/inform", "inform", [{"entity": "progression", "value": "stable"}])
    assert c.pending == "AGE"
    c.say("72")
    assert c.state.facts.age == 72
    c.answer_all("deny")
    assert c.slots["triage_level"] == "soon"
    assert c.state.result_row == "D7"
    text = c.texts
    assert "within the next few days" in text
    assert "Why:" in text and "nerve-related" in text
    assert "not a diagnosis" in text
    assert "full blood count" in text and "folate" in text
    assert "supplements" in text
    custom = [r.custom for r in c.replies if r.custom]
    assert custom and custom[0]["type"] == "triage_summary" and custom[0]["row"] == "D7"
    assert {"code": "SX_PARAESTHESIA", "label": custom[0]["symptoms"]["present"][0]["label"]} in custom[0]["symptoms"]["present"]


@pytest.mark.parametrize(
    "text, code, level",
    [
        ("I have crushing chest pain", "RF_CHEST_PAIN", "emergency"),
        ("my face is drooping and my speech is slurred", "RF_STROKE", "emergency"),
        ("I want to end my life", "RF_SUICIDAL", "urgent"),
        ("I've lost control of my bladder and my bum is numb", "RF_BLADDER_BOWEL", "emergency"),
    ],
)
def test_red_flag_in_the_first_message_interrupts_with_its_advice(text, code, level):
    c = Chat().say(text)
    assert code in c.slots["red_flags"]
    assert c.slots["triage_level"] == level
    assert c.state.stage == "done"
    assert "999" in c.texts


def test_red_flag_mid_interview_interrupts_at_once():
    c = Chat().say("hi", "greet").say("no", "deny").say("my legs are weak")
    assert c.state.stage == "interview"
    c.say("actually now I have tightness in my chest", "inform")
    assert c.slots["red_flags"] == ["RF_CHEST_PAIN"]
    assert c.slots["triage_level"] == "emergency"
    assert c.texts.startswith("Call 999 now")


def test_red_flag_inside_an_information_question_still_interrupts():
    c = Chat().say("hi", "greet").say("what foods have b12? also my face has dropped on one side", "ask_question")
    assert c.slots["triage_level"] == "emergency"


def test_suicidal_thoughts_get_crisis_line_and_urgent():
    c = Chat().say("sometimes I think about killing myself")
    assert c.slots["triage_level"] == "urgent"
    assert "116 123" in c.texts


def test_locale_changes_the_numbers():
    c = Chat(locale="us").say("I have chest pain")
    assert "911" in c.texts and "999" not in c.texts
    c = Chat(locale="us").say("I want to kill myself")
    assert "988" in c.texts


@pytest.mark.parametrize("hedged", ["i dont think so? she's just not quite right today", "no?"])
def test_a_denial_put_as_a_question_at_the_screen_gets_the_options(hedged):
    """A doubt at the safety screen is not a no: the person is shown the list to pick from."""
    c = Chat().say("asking for my mum, she is 78 and her memory has been going downhill for months")
    assert c.pending == "RF_SCREEN"
    c.say(hedged)
    assert c.pending == "RF_WHICH"
    c.say("her face has gone droopy on the left and her words are slurred, since after lunch")
    assert c.slots["triage_level"] == "emergency"


def test_yes_to_red_flag_screen_asks_which_one():
    c = Chat().say("hi", "greet").say("yes", "affirm")
    assert c.pending == "RF_WHICH"
    c.say('/inform{"red_flag":"RF_STROKE"}', "inform", [{"entity": "red_flag", "value": "RF_STROKE"}])
    assert c.slots["triage_level"] == "emergency"


def test_not_sure_is_recorded_as_unsure_and_reported():
    c = Chat().say("my feet burn at night", "inform").say("no", "deny")
    c.until("RK_DIET_LOW_B12")
    c.say("not sure", "dont_know")
    assert c.state.facts.status["RK_DIET_LOW_B12"].value == "unsure"
    c.answer_all("deny")
    assert "RK_DIET_LOW_B12" not in c.slots["risk_factors"]
    assert "not sure about" in c.texts.lower() or "were not sure" in c.texts.lower()


def test_correction_overrides_an_earlier_answer():
    c = Chat().say("I'm vegan and my feet tingle")
    assert "RK_DIET_LOW_B12" in c.slots["risk_factors"]
    c.say("actually I stopped being vegan last year")
    assert "RK_DIET_LOW_B12" not in c.slots["risk_factors"]
    assert c.state.facts.status["RK_DIET_LOW_B12"].value == "absent"


def test_correction_after_the_result_updates_the_result():
    c = Chat().say("my feet tingle, I'm 40").say("no", "deny").answer_all("deny")
    assert c.slots["triage_level"] == "soon" and c.state.result_row == "D9"
    c.say("sorry, I forgot: I'm pregnant")
    assert c.slots["triage_level"] == "urgent"
    assert "updated" in c.texts


def test_information_question_mid_interview_is_answered_then_resumes():
    c = Chat().say("hi", "greet").say("no", "deny").say("I get cramps at night")
    pending = c.pending
    c.say("which foods have vitamin b12?", "ask_question")
    assert "fortified" in c.texts.lower()
    assert c.pending == pending
    assert c.replies[-1].text.startswith("Back to my question")


@pytest.mark.parametrize(
    "question, words",
    [
        ("are injections better than tablets?", "injection"),
        ("what's the difference between methylcobalamin and cyanocobalamin", "methylcobalamin"),
        ("should I take a b complex?", "B6"),
        ("how long does it take to recover?", "months"),
        ("can low b12 cause heel pain?", "plantar"),
        ("what tests should I ask for?", "blood"),
    ],
)
def test_information_answers_by_topic(question, words):
    c = Chat().say(question, "ask_question")
    assert words.lower() in c.texts.lower()


def test_why_explains_the_pending_question_and_asks_it_again():
    c = Chat().say("hi", "greet")
    c.say("why do you ask?", "why_ask")
    assert BY_ID["RF_SCREEN"].why in c.texts
    assert c.pending == "RF_SCREEN"


def test_start_over_mid_interview_asks_first_then_clears_everything():
    c = Chat().say("I'm vegan and my feet tingle")
    c.say("start over", "start_over")
    assert c.slots["symptoms"] == ["SX_PARAESTHESIA"] and "start again" in c.texts
    assert [b["title"] for b in c.replies[-1].buttons] == ["Yes, start again", "No, carry on"]
    c.say("yes", "affirm")
    assert c.slots["symptoms"] == [] and c.slots["risk_factors"] == []
    assert c.pending == "RF_SCREEN"


@pytest.mark.parametrize("answer, intent", [("no", "deny"), ("/deny", "deny")])
def test_start_over_declined_carries_on_with_the_same_question(answer, intent):
    c = Chat().say("I'm vegan and my feet tingle")
    assert c.pending == "RF_SCREEN"
    c.say("restart", "start_over").say(answer, intent)
    assert c.pending == "RF_SCREEN" and c.slots["symptoms"] == ["SX_PARAESTHESIA"] and "carry on" in c.texts


def test_something_else_instead_of_an_answer_to_start_again_is_read_as_usual():
    c = Chat().say("I'm vegan and my feet tingle").say("restart", "start_over")
    c.say("my feet burn at night too", "inform")
    assert set(c.slots["symptoms"]) == {"SX_PARAESTHESIA", "SX_BURNING_FEET"} and c.pending == "RF_SCREEN"


def test_start_over_before_anything_is_said_or_after_the_result_needs_no_confirmation():
    c = Chat().say("hi", "greet").say("start over", "start_over")
    assert "cleared" in c.texts and c.pending == "RF_SCREEN"


def test_goodbye_mid_interview_offers_the_suggestion_so_far():
    c = Chat().say("I'm vegan and my feet tingle").say("no", "deny")
    assert c.state.stage == "interview"
    c.say("bye", "goodbye")
    assert "stop here" in c.texts and c.state.stage == "interview"
    c.say("yes please", "affirm")
    assert c.slots["triage_level"] == "soon" and "so far" in c.texts and c.pending is None


@pytest.mark.parametrize("first, then, level", [
    ("my legs have been getting weaker every day this week", "and now he can't swallow properly, he chokes on his tea", "emergency"),
    ("I keep thinking everyone would be better off without me", "I've saved up my tablets", "emergency"),
])
def test_a_red_flag_whose_level_rises_after_its_advice_gets_the_more_urgent_advice(first, then, level):
    c = Chat().say(first)
    assert c.slots["triage_level"] == "urgent"
    c.say(then)
    assert c.slots["triage_level"] == level and "999" in c.texts and c.decision is not None


@pytest.mark.parametrize("answer, intent, level", [
    ("yes", "affirm", "emergency"),
    ("not sure", "dont_know", "emergency"),          # safe default
    ("he can't swallow his tea", "inform", "emergency"),  # told in own words
    ("no", "deny", "urgent"),
])
def test_after_urgent_advice_one_direct_question_about_what_would_make_it_an_emergency(answer, intent, level):
    c = Chat().say("my dad's legs have been getting weaker every day this week")
    assert c.slots["triage_level"] == "urgent" and c.pending == "ESCALATE_QL_SEVERE_WEAKNESS"
    assert "stand or walk" in c.texts and "swallowing" in c.texts
    c.say(answer, intent)
    assert c.slots["triage_level"] == level and c.pending is None and "999" in c.texts


def test_the_escalation_question_is_asked_once_and_not_after_an_emergency():
    c = Chat().say("my legs are getting weaker every day and I can't stand up")
    assert c.slots["triage_level"] == "emergency" and c.pending is None
    c = Chat().say("my legs have been getting weaker every day this week").say("no", "deny")
    c.say("my legs are still getting weaker every day")
    assert c.pending is None and c.slots["triage_level"] == "urgent"


def test_a_diabetic_foot_wound_asks_about_fever():
    c = Chat().say("I'm diabetic and I have an ulcer on my foot")
    assert c.slots["triage_level"] == "urgent" and "fever" in c.texts
    c.say("yes I've got a temperature and feel awful", "affirm")
    assert c.slots["triage_level"] == "emergency"


def test_a_second_goodbye_in_the_same_interview_means_it():
    """Asked "stop here?" once, whatever came between: the next goodbye ends with the
    suggestion so far (an interview always ends with a result)."""
    c = Chat().say("I'm vegan and my feet tingle").say("no", "deny")
    c.say("bye", "goodbye").say("hello", "greet")
    assert c.state.stage == "interview" and c.pending not in (None, "ASK_STOP")
    c.say("bye", "goodbye")
    assert c.slots["triage_level"] == "soon" and "so far" in c.texts and c.pending is None


@pytest.mark.parametrize("text", ["the chest pain started again", "started self harming again"])
def test_a_misread_start_over_with_a_red_flag_is_acted_on_not_reset(text):
    c = Chat().say("my feet tingle").say(text, "start_over")
    assert c.slots["red_flags"] and c.slots["triage_level"] in ("emergency", "urgent")
    assert "SX_PARAESTHESIA" in c.slots["symptoms"]


@pytest.mark.parametrize("intent, words", [("out_of_scope", "only help"), ("bot_challenge", "automated"), ("help", "ask me")])
def test_side_talk_gets_a_polite_answer_and_returns_to_the_question(intent, words):
    c = Chat().say("hi", "greet")
    c.say("what's the weather like", intent)
    assert words in c.texts
    assert c.pending == "RF_SCREEN"


def test_under_16_screens_red_flags_then_stops_without_b12_rules():
    c = Chat().say("my son is 12 and his legs ache")
    assert c.pending == "RF_SCREEN"
    c.say("no", "deny")
    assert c.state.stage == "done"
    assert c.slots["triage_level"] == "routine" and c.state.result_row == "U1"
    assert "16 and over" in c.texts
    assert "parent or carer" in c.texts


def test_under_16_without_symptoms_is_self_care():
    c = Chat().say("hi", "greet").say("no", "deny").say("none", "deny")
    c.until("AGE")
    c.say("/inform", "inform", [{"entity": "age_band", "value": "under_16"}])
    assert c.state.result_row == "U2" and c.slots["triage_level"] == "self_care"


def test_pregnancy_with_nerve_symptoms_is_urgent_and_mentions_active_b12():
    c = Chat().say("I'm 30 and pregnant and my hands have pins and needles").say("no", "deny").answer_all("deny")
    assert c.slots["triage_level"] == "urgent" and c.state.result_row == "D3"
    assert "active B12" in c.texts


def test_nitrous_oxide_with_tingling_is_urgent_with_stop_advice():
    c = Chat().say("I'm 22 and I've been doing a lot of nos balloons, now my legs tingle").say("no", "deny").answer_all("deny")
    assert c.slots["triage_level"] == "urgent" and c.state.result_row == "D3"
    assert "stop using it" in c.texts
    assert "MMA" in c.texts


def test_asking_for_someone_else_uses_third_person_questions():
    c = Chat().say("I'm asking for my dad, he keeps tripping")
    assert c.state.facts.subject == "other"
    c.say("no", "deny")
    assert "they" in c.replies[-1].text.lower() or "their" in c.replies[-1].text.lower()


def test_risk_factor_only_is_self_care_with_diet_information():
    c = Chat().say("hi", "greet").say("no", "deny").say("none of these", "deny").answer_all("deny")
    assert c.slots["triage_level"] == "self_care"


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_message_gets_a_kind_reply_and_keeps_the_question(text):
    c = Chat().say("hi", "greet").say(text, "nlu_fallback")
    assert "empty" in c.texts
    assert c.pending == "RF_SCREEN"


def test_emoji_only_gets_a_kind_reply():
    c = Chat().say("hi", "greet").say("😀😀👍", "affirm")
    assert "emoji" in c.texts.lower()
    assert c.pending == "RF_SCREEN"
    assert "RF_SCREEN" not in c.state.asked


def test_other_language_gets_an_english_only_reply_with_emergency_number():
    c = Chat().say("hi", "greet").say("je suis très fatigué et j'ai des fourmis dans les pieds depuis des mois", "inform")
    assert "English" in c.texts and "999" in c.texts


def test_markup_is_not_echoed_and_facts_inside_are_read():
    c = Chat().say("<script>alert(1)</script><b>my feet tingle</b>")
    assert "<script>" not in c.texts
    assert "SX_PARAESTHESIA" in c.slots["symptoms"]


def test_huge_message_is_read_in_full():
    text = ("blah " * 1800) + " and I have chest pain"
    c = Chat().say(text[:9000] + " my chest feels crushed")
    assert c.slots["triage_level"] == "emergency"


def test_unclear_answer_is_asked_again_then_moved_on():
    c = Chat().say("hi", "greet")
    c.say("purple", "nlu_fallback")
    assert "didn't quite understand" in c.texts and c.pending == "RF_SCREEN"
    c.say("banana", "nlu_fallback").say("kettle", "nlu_fallback")
    assert c.pending != "RF_SCREEN"


def test_messages_missed_while_actions_were_down_add_facts_but_not_answers():
    state = State()
    out = step(state, Turn(text="hi", intent="greet"))
    state = out.state
    absorb(state, Turn(text="no", intent="deny", entities=entities("no")))
    absorb(state, Turn(text="my feet tingle and I'm vegan", intent="inform", entities=entities("my feet tingle and I'm vegan")))
    out = step(state, Turn(text="hello?", intent="greet", entities=[]))
    assert "SX_PARAESTHESIA" in public_slots(out.state)["symptoms"]
    assert out.state.pending == "RF_SCREEN"  # the bare "no" was not taken as an answer
    assert any("earlier messages" in (r.text or "") for r in out.replies)


def test_missed_red_flag_is_acted_on_when_the_server_is_back():
    state = State()
    out = absorb(state, Turn(text="chest pain", intent="inform", entities=entities("I have chest pain")))
    assert out.decision is not None and out.decision.level.value == "emergency"


def test_state_round_trips_through_a_slot_dict():
    c = Chat().say("I'm 70, vegan, my feet burn").say("no", "deny")
    again = State.from_dict(c.state.to_dict())
    assert again.to_dict() == c.state.to_dict()


def test_leading_yes_answers_a_yes_no_question_even_with_more_words():
    c = Chat().say("I'm 27 and my tongue is sore").say("no", "deny")
    c.until("MOD_PREGNANT")
    c.say("yes, 12 weeks", "inform")
    assert c.state.facts.has("MOD_PREGNANT")
    assert c.state.facts.duration != "weeks"  # "12 weeks" is not how long the symptoms lasted


def test_taking_an_overdose_is_an_emergency():
    c = Chat().say("hi", "greet").say("i took a load of paracetamol about an hour ago")
    assert c.slots["red_flags"] == ["RF_SUICIDAL"] and c.slots["triage_level"] == "emergency"


def test_a_wound_that_will_not_heal_is_a_finding_not_a_denial():
    c = Chat().say("I'm diabetic and I've got a blister on my heel that's gone weepy and won't heal")
    assert c.slots["red_flags"] == ["RF_DIABETIC_FOOT"] and c.slots["triage_level"] == "urgent"


@pytest.mark.parametrize("answer", ["on and off yeah", "sometimes", "a bit, mostly my fingers"])
def test_a_symptom_that_comes_and_goes_counts_as_yes(answer):
    c = Chat().say("hi", "greet").say("no", "deny").say("i'm just tired all the time")
    c.until("SX_PARAESTHESIA")
    c.say(answer, "inform")
    assert c.state.facts.has("SX_PARAESTHESIA")


def test_a_bare_unit_answers_how_long():
    c = Chat().say("hi", "greet").say("no", "deny").say("my feet tingle")
    c.until("DURATION")  # among the optional questions: how long does not change this level
    c.say("months", "inform")
    assert c.state.facts.duration == "months" and c.pending != "DURATION"


def test_saying_you_are_safe_right_now_does_not_escalate_to_emergency():
    c = Chat().say("i have been having thoughts of ending it but i am safe right now")
    assert c.slots["triage_level"] == "urgent"


def test_a_part_said_to_be_fine_answers_no():
    c = Chat().say("hi", "greet").say("no", "deny").say("i'm tired all the time")
    c.until("SX_VISION")
    c.say("her eyes are fine", "inform")
    assert c.state.facts.status["SX_VISION"].value == "absent"


def test_weeks_of_pregnancy_are_not_a_symptom_duration():
    c = Chat().say("i am 20 weeks pregnant and exhausted")
    assert c.state.facts.has("MOD_PREGNANT") and c.state.facts.duration is None


@pytest.mark.parametrize("where, number, not_number", [
    ("I'm in Ohio", "911", "999"), ("we live in Dublin", "112", "999"), ("here in Manchester", "999", "911"),
])
def test_where_the_person_says_they_are_sets_the_numbers_for_the_conversation(where, number, not_number):
    chat = Chat().say(f"hi, {where}, my feet have been tingling for weeks")
    chat.say("now my chest is really tight and it's going into my jaw")
    assert chat.state.locale in ("us", "eu", "uk") and number in chat.texts and not_number not in chat.texts


def test_a_relatives_whereabouts_do_not_change_the_numbers():
    chat = Chat().say("my sister in Texas says her feet are numb, mine are too")
    chat.say("my chest is crushing and my left arm is heavy")
    assert chat.state.locale is None and "999" in chat.texts


def _to_the_screen_follow_up(chat):
    chat.say("hi", intent="greet")
    chat.say("yes", intent="affirm")
    assert chat.pending == "RF_WHICH"
    return chat


@pytest.mark.parametrize("answers", [
    ["hmm hard to say", "dunno really"],             # words that name no sign, twice
    ["not sure", "not sure"],
    ["none of these", "no"],                          # after a yes, "none" is unclear, not a retraction
])
def test_a_yes_to_the_safety_screen_that_stays_unnamed_gets_the_emergency_advice_for_the_whole_list(answers):
    chat = _to_the_screen_follow_up(Chat())
    chat.say(answers[0], intent="nlu_fallback" if "hmm" in answers[0] else ("dont_know" if "sure" in answers[0] else "deny"))
    assert chat.pending == "RF_WHICH" and chat.state.stage != "done"  # asked once more, with the options
    chat.say(answers[1], intent="dont_know" if answers[1] != "no" else "deny")
    assert chat.state.stage == "done" and chat.slots["triage_level"] == "emergency"
    assert "999" in chat.texts and "chest pain" in chat.texts and "116 123" in chat.texts


def test_a_sign_named_at_the_screen_follow_up_is_acted_on_as_itself():
    chat = _to_the_screen_follow_up(Chat())
    chat.say("it's my chest, it's tight and heavy")
    assert "RF_CHEST_PAIN" in chat.slots["red_flags"] and chat.slots["triage_level"] == "emergency"


# ------------------------------------------- a possible red flag is confirmed, never dropped


@pytest.mark.parametrize("message, code", [
    ("what if it's a stroke? my feet tingle", "RF_STROKE"),           # a hypothetical red flag
    ("could this be a heart attack", "RF_CHEST_PAIN"),                # named only by its diagnosis
    ("my dad had a stroke and my feet are numb", "RF_STROKE"),       # another person's, in a message about me
])
def test_a_possible_red_flag_gets_one_direct_question(message, code):
    c = Chat().say(message)
    assert c.pending == f"CONFIRM_{code}"
    assert "right now" in c.texts


@pytest.mark.parametrize("answer, intent, emergency", [
    ("yes", "affirm", True), ("not sure", "dont_know", True), ("no", "deny", False),
])
def test_the_confirmation_answer_decides_and_not_sure_counts_as_yes(answer, intent, emergency):
    c = Chat().say("could this be a heart attack").say(answer, intent)
    assert ("RF_CHEST_PAIN" in (c.slots["red_flags"] or [])) is emergency
    if emergency:
        assert c.slots["triage_level"] == "emergency"
    else:
        assert c.state.facts.status["RF_CHEST_PAIN"].value == "absent" and c.pending != "CONFIRM_RF_CHEST_PAIN"


@pytest.mark.parametrize("opening, code, answer", [
    ("could this be a heart attack", "RF_CHEST_PAIN", "no, i asked him about chest pain and he said no"),  # asked about
    ("could this be a heart attack? my feet tingle", "RF_CHEST_PAIN", "no, my dad had a heart attack"),     # another person's
    ("was it a stroke? my feet tingle", "RF_STROKE", "no, my dad had a stroke"),
    ("was it a stroke? my feet tingle", "RF_STROKE", "no, i asked her about a stroke and she said no"),
])
def test_a_no_answers_the_direct_question_when_the_sign_is_named_only_in_another_context(opening, code, answer):
    c = Chat().say(opening)
    assert c.pending == f"CONFIRM_{code}"
    assert any(e.get("value") == code and e.get("role") == "unsure" for e in entities(answer))  # named, in a context
    c.say(answer, "deny")
    assert c.state.facts.status[code].value == "absent" and code not in (c.slots["red_flags"] or [])


def test_a_no_followed_by_the_sign_said_as_possible_still_gets_it_confirmed():
    c = Chat().say("could this be a heart attack").say("no. well my chest feels a bit funny", "deny")
    assert "RF_CHEST_PAIN" in (c.slots["red_flags"] or [])


@pytest.mark.parametrize("answer, code", [("yes the breathing one", "RF_BREATHLESS_SEVERE"), ("maybe the thoughts one", "RF_SUICIDAL")])
def test_a_yes_to_the_screen_that_names_its_option_is_acted_on(answer, code):
    c = Chat().say("hi", "greet")
    assert c.pending == "RF_SCREEN"
    c.say(answer, "inform")
    assert code in (c.slots["red_flags"] or []) and c.slots["triage_level"] in ("emergency", "urgent")


def test_the_which_question_reads_an_option_from_free_words():
    c = Chat().say("hi", "greet").say("yes", "affirm")
    assert c.pending == "RF_WHICH"
    c.say("the chest one", "inform")
    assert "RF_CHEST_PAIN" in (c.slots["red_flags"] or [])


def test_the_result_comes_as_soon_as_nothing_can_change_it_then_more_questions_are_offered():
    c = Chat().say("I'm 72 and on metformin, my feet have been tingling for months").say("no", "deny")
    c.answer_all("deny")
    assert c.slots["triage_level"] == "soon" and c.state.result_row == "D7"
    assert c.state.questions_asked <= 4
    assert c.pending == MORE and "more complete" in c.texts
    assert [b["title"] for b in c.replies[-1].buttons] == ["Yes, a few more", "No thanks"]


@pytest.mark.parametrize("answer, intent", [("no thanks", "thanks"), ("nah i'm good", "deny"), ("/deny", "deny")])
def test_declining_the_optional_questions_keeps_the_result(answer, intent):
    c = Chat().say("I'm 72 and on metformin, my feet have been tingling for months").say("no", "deny").answer_all("deny")
    c.say(answer, intent)
    assert c.pending is None and c.slots["triage_level"] == "soon"
    assert "No problem" in c.texts and "anything else" in c.texts


def test_accepting_the_optional_questions_asks_them_then_gives_the_summary_again():
    c = Chat().say("I'm 72 and on metformin, my feet have been tingling for months").say("no", "deny").answer_all("deny")
    before = c.state.questions_asked
    c.say("sure, go on", "affirm")
    assert c.state.stage == "interview" and c.pending not in (None, MORE)
    c.answer_all("deny")
    assert c.state.questions_asked > before + 3
    assert "completes your summary" in c.texts and c.slots["triage_level"] == "soon"
    assert c.pending is None  # offered once


def test_no_optional_questions_after_red_flag_advice():
    c = Chat().say("I have crushing chest pain")
    assert c.pending != MORE and "more complete" not in c.texts


def test_a_finding_said_again_with_a_doubt_stays_present():
    c = Chat().say("my toes go numb in bed")
    assert c.state.facts.has("SX_PARAESTHESIA")
    c.say("oh actually my toes go numb most nights, does that count?")
    assert c.state.facts.has("SX_PARAESTHESIA")
    c.say("no, my toes are not numb")
    assert c.state.facts.status["SX_PARAESTHESIA"].value == "absent"  # a "no" still takes it back


def test_a_screen_denial_taken_back_asks_which_sign_and_none_is_then_a_no():
    c = Chat().say("my feet tingle")
    assert c.pending == "RF_SCREEN"
    c.say("no. well i have been feeling a bit odd", "deny")
    assert c.pending == "RF_WHICH"
    c.say("none of those really", "deny")
    assert c.pending not in ("RF_WHICH", None) and not c.slots["red_flags"]
    assert c.state.facts.status["RF_LIMB_ISCHAEMIA"].value == "absent"


def test_a_screen_answer_that_points_at_an_option_without_a_yes_gets_one_direct_question():
    c = Chat().say("my feet tingle").say("no. well my right leg feels a bit odd", "deny")
    assert c.pending == "CONFIRM_RF_LIMB_ISCHAEMIA" and not c.slots["red_flags"]
    c.say("yes it's cold and white", "affirm")
    assert c.slots["triage_level"] == "emergency"


def test_after_a_screen_yes_none_of_these_is_still_unresolved():
    c = Chat().say("my feet tingle").say("yes", "affirm")
    assert c.pending == "RF_WHICH"
    c.say("none of those", "deny")
    assert c.pending == "RF_WHICH"  # asked once more with the options, then the advice for the whole list


def test_a_question_that_keeps_coming_back_unanswered_is_not_sure_the_third_time_whatever_the_reason():
    c = Chat().say("I'm vegan and my feet tingle").say("no", "deny")
    q = c.pending
    c.say("blah blah", "ask_question")  # a question about nothing known: the question comes back (1)
    c.say("tell me a joke", "out_of_scope")  # small talk: back again (2)
    assert c.pending == q
    c.say("🙂")  # no words: the third time it would come back
    assert c.pending != q and "not sure" in c.texts


def test_questions_about_b12_that_get_their_answer_never_use_up_the_pending_question():
    c = Chat().say("I'm vegan and my feet tingle").say("no", "deny")
    q = c.pending
    for _ in range(5):
        c.say("what foods have b12?", "ask_question")
        assert c.pending == q and "Back to my question" in c.texts


def test_a_safety_screen_never_answered_becomes_its_list_then_the_advice_for_the_whole_list():
    c = Chat().say("hi", "greet")
    for _ in range(3):
        c.say("blorp", "nlu_fallback")
    assert c.pending == "RF_WHICH" and "not sure" in c.texts
    c.say("blorp", "nlu_fallback").say("blorp", "nlu_fallback")
    assert c.slots["triage_level"] == "emergency"


def test_a_direct_question_about_a_red_flag_never_answered_counts_as_yes():
    c = Chat().say("could this be a heart attack")
    assert c.pending == "CONFIRM_RF_CHEST_PAIN"
    for _ in range(3):
        c.say("ghjk", "nlu_fallback")
    assert c.slots["triage_level"] == "emergency"


def test_another_language_is_not_read_as_an_answer():
    c = Chat().say("hi", "greet").say("no lo sé", "deny")
    assert "only understand English" in c.texts and c.pending == "RF_SCREEN"
    assert not c.state.facts.known("RF_CHEST_PAIN")


@pytest.mark.parametrize("text, intent", [("bye", "goodbye"), ("start over", "start_over")])
def test_asking_again_to_leave_or_start_over_is_a_yes(text, intent):
    c = Chat().say("I'm vegan and my feet tingle").say("no", "deny")
    c.say(text, intent).say(text, intent)
    assert c.state.stage == "done" if intent == "goodbye" else c.slots["symptoms"] == []


def test_suicidal_thoughts_with_the_means_put_by_are_an_emergency():
    c = Chat().say("hi", "greet").say("not physically", "deny")
    assert c.pending == "RF_WHICH"
    c.say("the thoughts one. i've been putting my sertraline aside for weeks, there's enough now")
    assert c.slots["triage_level"] == "emergency"


@pytest.mark.parametrize("message", [
    "i've been on pregabalin 2 years, i've decided to come off it cold turkey from tomorrow",
    "can i just skip the next b12 injection? i feel fine",
])
def test_stopping_a_medicine_gets_the_prescriber_note_and_is_no_fact(message):
    c = Chat().say(message)
    assert "Talk to whoever prescribes it" in c.texts
    assert "QL_STOP_MEDICINE" not in c.state.facts.status
    roles = [r.role for r in c.replies]
    note = next(i for i, r in enumerate(c.replies) if r.text and "whoever prescribes" in r.text)
    assert all(role is None for role in roles[:note])  # before the question or the result


def test_the_prescriber_note_never_comes_before_emergency_advice():
    c = Chat().say("crushing chest pain, should i stop my metformin?")
    assert c.slots["triage_level"] == "emergency" and "whoever prescribes" not in c.texts


@pytest.mark.parametrize("locale, number", [(None, "999"), ("us", "911"), ("eu", "112")])
def test_every_message_after_warning_sign_advice_repeats_the_number(locale, number):
    c = Chat(locale=locale).say("I have crushing chest pain")
    c.say("yes it's like pressure, right now")
    assert number in c.texts


def test_an_age_answer_in_words_is_the_age():
    c = Chat().say("i'm tired all the time").until("AGE")
    c.say("sixty-eight last birthday")
    assert c.state.facts.age == 68 and c.pending != "AGE"


def _confirming(code):
    from engine.facts import Status

    c = Chat().say("my husband has numb feet")
    c.state.facts.set(code, Status.UNSURE)
    c.state.pending = f"CONFIRM_{code}"
    return c


def test_an_answer_that_tells_the_asked_sign_is_no_no_whatever_its_first_word():
    c = _confirming("RF_BLADDER_BOWEL")
    # the sign told with a doubt ("didn't even know it was happening"): unsure, and for a red flag, yes
    c.say("no i don't think so... well he had 2 accidents today, messed himself and didn't even know it was happening. "
          "that's never happened", intent="deny")
    assert c.slots["triage_level"] == "emergency"


@pytest.mark.parametrize("answer", ["no. the mini stroke was 2019, face and speech have been fine ever since",
                                    "no, the tia was years ago", "nope, i only worry it could be a stroke"])
def test_a_no_with_the_red_flag_only_named_answers_its_direct_question(answer):
    # the name of a diagnosis past, feared or asked about is no sign now: the leading "no" answers
    c = _confirming("RF_STROKE")
    c.say(answer, intent="deny")
    assert c.state.facts.status["RF_STROKE"].value == "absent" and c.slots["triage_level"] != "emergency"


def test_a_plain_no_to_a_yes_no_question_stays_a_no():
    c = _confirming("RF_BLADDER_BOWEL")
    c.say("no, he hasn't lost control of his bladder or bowels", intent="deny")
    assert c.state.facts.status["RF_BLADDER_BOWEL"].value == "absent"


@pytest.mark.parametrize("opening, later, code, asked_first", [
    # with swallowing trouble, weakness spreading quickly is an emergency (reference section 5);
    # the blanket "no" to the screen came before the worsening was known
    ("my legs feel weak and heavy and now i'm struggling to swallow a bit", "worse each day, spreading up",
     "RF_RAPID_WEAKNESS", "RF_SCREEN"),
    # "sudden weakness or numbness on one side": side and onset told turns apart, the "no"
    # to the stroke question given before the onset was known; begun long ago, only possible
    ("tingling down my left arm and left leg", "actually it all came on suddenly, about a year ago",
     "RF_STROKE", "CONFIRM_RF_STROKE"),
])
def test_a_red_flag_completed_by_a_later_message_gets_its_direct_question(opening, later, code, asked_first):
    c = Chat().say(opening)
    assert c.pending == asked_first
    c.say("no", intent="deny")
    c.until("PROGRESSION").say(later)
    assert c.pending == f"CONFIRM_{code}"
    c.say("yes", intent="affirm")
    assert c.slots["triage_level"] == "emergency"


def test_the_possible_red_flag_is_asked_once():
    c = Chat().say("my legs feel weak and heavy and now i'm struggling to swallow a bit")
    c.say("no", intent="deny")
    c.until("PROGRESSION").say("worse each day, spreading up")
    c.say("no", intent="deny")
    assert c.state.facts.status["RF_RAPID_WEAKNESS"].value == "absent" and c.pending != "CONFIRM_RF_RAPID_WEAKNESS"
    c.say("it really is getting worse quickly")
    assert c.pending != "CONFIRM_RF_RAPID_WEAKNESS"


def test_weakness_getting_worse_slowly_is_no_red_flag():
    c = Chat().say("my legs feel weak and heavy")
    c.say("no", intent="deny")
    c.until("PROGRESSION").say("slowly getting worse")
    assert c.pending != "CONFIRM_RF_RAPID_WEAKNESS" and "RF_RAPID_WEAKNESS" not in c.slots["red_flags"]


# ------------------------------------------- someone else mentioned mid-interview

def test_a_message_about_someone_else_mid_interview_keeps_the_check_about_the_person():
    c = Chat().say("i feel fine, just wondering about b12").say("no", "deny")
    c.until("SX_PARAESTHESIA")
    c.say("no", "deny")
    c.say("my sister just texted me, shes had tingly hands for months. should she use this too?")
    assert c.state.facts.subject != "other" and c.state.facts.status["SX_PARAESTHESIA"].value == "absent"
    assert c.state.facts.duration is None and "start over" in c.texts


def test_saying_outright_the_check_is_for_someone_else_still_switches():
    c = Chat().say("i feel fine, just wondering about b12").say("no", "deny")
    c.until("SX_PARAESTHESIA")
    c.say("no", "deny")
    c.say("sorry, i'm asking for my husband, he has tingly hands")
    assert c.state.facts.subject == "other"


def test_someone_elses_red_flag_mid_interview_is_still_acted_on():
    c = Chat().say("i feel fine, just wondering about b12").say("no", "deny")
    c.until("SX_PARAESTHESIA")
    c.say("no", "deny")
    c.say("my sister just texted, her face has dropped on one side and she is slurring")
    assert "RF_STROKE" in (c.slots["red_flags"] or []) and c.slots["triage_level"] == "emergency"


def test_every_direct_question_about_someone_else_speaks_of_them():
    import re as _re

    from engine.questions import QUESTIONS

    for q in QUESTIONS:
        if q.id.startswith("CONFIRM_"):
            assert not _re.search(r"\byou(?:r|rself)?\b", q.text_other.split("?")[0].split(":", 1)[-1]), q.text_other


def test_after_advice_for_suicidal_thoughts_every_message_gives_the_crisis_line_first():
    c = Chat().say("some days i just dont want to be alive anymore")
    assert c.slots["triage_level"] == "urgent" and "116 123" in c.texts
    c.say("yeah like not be alive. i wouldnt do anything though")
    assert "116 123" in c.texts and "999" in c.texts
    c = Chat().say("my chest is crushing and it goes down my left arm")
    c.say("ok")
    assert "999" in c.texts and "116 123" not in c.texts


def test_a_no_at_the_screen_settles_a_sign_told_only_as_past_and_it_is_not_asked_again():
    c = Chat().say("hands and feet tingle")
    assert c.pending == "RF_SCREEN"
    c.say("not now. used to get chest pains when i was stressed at uni but thats years ago", "deny")
    assert c.state.facts.status["RF_CHEST_PAIN"].value == "absent"
    assert c.pending not in ("RF_SCREEN", "CONFIRM_RF_CHEST_PAIN") and "not sure about chest pain" not in c.texts


def test_a_sign_named_at_the_screen_as_a_question_gets_the_direct_question():
    c = Chat().say("hands tingle sometimes")
    c.say("what counts? like would slurred speech count?", "inform")
    assert c.pending == "CONFIRM_RF_STROKE" and not c.slots["red_flags"]
    c.say("no, none of that", "deny")
    assert not c.slots["red_flags"] and c.state.facts.status["RF_STROKE"].value == "absent"


def test_saying_there_are_no_symptoms_answers_the_open_symptom_question():
    c = Chat().say("Hi, 10 weeks pregnant and vegetarian. I feel completely fine, no symptoms. How much B12 should I take?")
    c.say("no", "deny")
    assert "SX_OPEN" in c.state.asked and c.pending != "SX_OPEN"
    c = Chat().say("hi, 10 weeks pregnant and vegetarian")
    c.say("no", "deny")
    assert c.pending == "SX_OPEN"


# ------------------------------------------- a red flag completed by a fact told later



def test_one_sided_numbness_of_slow_onset_is_not_asked_again():
    c = Chat().say("tingling down my left arm and left leg")
    c.say("no", intent="deny")
    c.until("PROGRESSION").say("it came on gradually over months")
    assert c.pending != "CONFIRM_RF_STROKE" and "RF_STROKE" not in c.slots["red_flags"]


@pytest.mark.parametrize("locale, number", [("uk", "999"), ("us", "911"), ("eu", "112")])
def test_asking_for_the_warning_signs_gets_them_with_the_countrys_number(locale, number):
    c = Chat(locale=locale).say("what are the signs of a stroke? i want to know what to look out for", intent="ask_question")
    assert "face" in c.texts and "speech" in c.texts and f"call {number}" in c.texts
    assert not c.slots["red_flags"]


def test_a_correction_of_how_it_began_counts_whatever_question_is_pending():
    c = Chat().say("tingling in my feet").say("no", intent="deny")
    c.until("MOD_DIABETES").say("oh and sorry, it started yesterday, not a year ago. came on all of a sudden")
    assert c.state.facts.onset == "sudden" and c.state.facts.duration == "days"


def test_weeks_of_pregnancy_are_still_not_how_long_symptoms_lasted():
    c = Chat().say("tingling in my feet").say("no", intent="deny")
    c.until("MOD_PREGNANT").say("yes, 12 weeks", intent="affirm")
    assert c.state.facts.duration != "weeks"


def test_burning_feet_a_nerve_symptom_is_asked_while_no_nerve_symptom_is_known():
    # reference section 3: burning feet are neuro; without it "feet killing me" ended routine
    c = Chat().say("my feet are killing me").say("no", intent="deny")
    c.until("SX_BURNING_FEET").say("yes, at night they burn", intent="affirm")
    assert c.state.facts.has("SX_BURNING_FEET")
    c.answer_all("deny")
    assert c.slots["triage_level"] == "soon"
    # once a nerve symptom is known, it is not asked
    c = Chat().say("tingly feet").say("no", intent="deny")
    c.answer_all("deny")
    assert "SX_BURNING_FEET" not in c.state.asked


@pytest.mark.parametrize("wondered", ["could this be from nitrous oxide?", "maybe from the nos, not sure"])
def test_a_risk_factor_only_wondered_about_is_still_asked_plainly(wondered):
    c = Chat().say(f"tingly toes. {wondered}").say("no", intent="deny")
    assert c.state.facts.status.get("RK_N2O") is not None and not c.state.facts.has("RK_N2O")
    c.until("RK_N2O").say("yes, most weekends", intent="affirm")
    assert c.state.facts.has("RK_N2O") and c.slots["triage_level"] == "urgent"


def test_a_red_flag_a_qualifier_raises_is_asked_even_when_its_own_level_is_reached():
    # urgent already (quickly worse), a diabetic foot is urgent too, but with a fever an
    # emergency (reference section 5): the foot question can still change the advice
    c = Chat().say("type 2 diabetic on metformin, numb feet getting worse every day").say("no", intent="deny")
    assert c.state.facts.has("MOD_DIABETES")
    c.until("RF_DIABETIC_FOOT")
    assert c.slots["triage_level"] is None  # asked before the result, not among the optional questions
    c.say("yes there's a sore on my toe that's gone red", intent="affirm")
    c.say("yes, shivery and hot", intent="affirm")
    assert c.slots["triage_level"] == "emergency"


def test_an_onset_or_side_denied_does_not_complete_a_red_flag():
    c = Chat().say("tingling down my left arm and left leg")
    c.say("no, nothing sudden about it", intent="deny")
    assert c.state.facts.onset != "sudden"
    c = Chat().say("numb toes for months")
    c.say("no, nothing sudden, nothing on one side. just the toes", intent="deny")
    assert c.state.facts.onset is None and c.state.facts.side is None and c.pending != "CONFIRM_RF_STROKE"


def test_nothing_answers_which_warning_sign_as_none():
    c = Chat().say("numb toes for months")
    c.say("not sure", intent="dont_know")
    assert c.pending == "RF_WHICH"
    c.say("nothing, it's just the toes")
    assert c.slots["triage_level"] != "emergency" and c.pending != "RF_WHICH"


@pytest.mark.parametrize("opening, qid, answer, code", [
    ("sore heels", "SX_BURNING_FEET", "not burning, more stabbing", "SX_BURNING_FEET"),
    ("asking for my daughter, she is low", "SX_COGNITIVE", "she says she can concentrate ok", "SX_COGNITIVE"),
])
def test_an_answer_naming_the_sign_denied_or_the_ability_intact_is_a_no_at_once(opening, qid, answer, code):
    c = Chat().say(opening).until(qid)
    c.say(answer, "inform")
    assert c.state.facts.status.get(code) == Status.ABSENT
    assert c.pending != qid and "didn't quite understand" not in c.texts


def test_a_man_saying_so_in_chat_english_answers_the_pregnancy_question():
    c = Chat().say("type 2 diabetic on metformin 12 yrs, charley horses in my calves").until("MOD_PREGNANT")
    c.say("im a man lol", "inform")
    assert c.state.facts.status.get("MOD_PREGNANT") == Status.ABSENT
    assert "English" not in c.texts


@pytest.mark.parametrize("opening", ["my feet tingle", "my legs feel weak", "i keep losing my balance"])
def test_how_long_and_how_it_began_is_always_asked_with_a_nerve_symptom(opening):
    c = Chat().say(opening).say("no", "deny")
    assert c.pending == "DURATION"
    # how it began answers it ("all of a sudden"), without the how-long part
    c.say("it came on all of a sudden")
    assert c.pending != "DURATION" and c.state.facts.onset == "sudden"


@pytest.mark.parametrize("began", ["it came on an hour ago, all at once", "it started yesterday, all of a sudden"])
def test_one_sided_numbness_that_began_suddenly_within_days_is_the_stroke_sign_after_an_earlier_no(began):
    # knowledge possible_red_flags RF_STROKE certain_within: [days]
    c = Chat().say("numbness down my right arm and my right leg").say("no", "deny")
    c.say("no", "deny").until("DURATION")
    c.say(began)
    assert c.state.facts.status["RF_STROKE"] == Status.PRESENT and c.slots["triage_level"] == "emergency"


def test_after_three_questions_go_unanswered_the_result_comes_from_what_is_known():
    from engine.conversation import GIVE_UPS_BEFORE_RESULT, STOP_ASKING

    c = Chat().say("my feet tingle").say("no", "deny")
    gave_up = 0
    for _ in range(3 * (GIVE_UPS_BEFORE_RESULT + 1)):
        if c.state.stage == "done":
            break
        before = c.pending
        c.say("asdf qwer", "nlu_fallback")
        gave_up += c.pending != before
    assert c.state.stage == "done" and c.slots["triage_level"] == "soon"
    assert STOP_ASKING in c.texts
    assert c.state.gave_up == GIVE_UPS_BEFORE_RESULT
    # what is not known is said to be not sure, and the person can still add to it
    c.say("i also have burning feet at night")
    assert c.state.facts.has("SX_BURNING_FEET")


def test_weakness_worse_each_day_that_began_within_days_is_rapid_weakness_after_an_earlier_no():
    # knowledge possible_red_flags RF_RAPID_WEAKNESS certain_within: [days]
    c = Chat().say("my dad (67) has had weak legs, getting weaker since the weekend")
    c.say("not really, he's still walking with his stick")
    c.say("worse each day, spreading up")
    assert c.state.facts.status["RF_RAPID_WEAKNESS"] == Status.PRESENT
    assert c.slots["triage_level"] == "urgent" and c.pending == "ESCALATE_QL_SEVERE_WEAKNESS"
    # begun months ago, the same worsening is only possible: one direct question
    c = Chat().say("my legs have been weak for months").say("no", "deny")
    c.say("worse each day, spreading up")
    assert c.pending == "CONFIRM_RF_RAPID_WEAKNESS"


def test_a_red_flag_named_before_and_pointed_back_at_later_is_acted_on():
    # chest pain last sunday that went off is asked about ("right now?" - no), then four turns
    # later "the same pain again, worse this time" is the chest pain, now (reference section 5)
    c = Chat().say("numb toes and sore calves").say("had a sharp pain in my chest on sunday but it went off")
    assert c.state.facts.status.get("RF_CHEST_PAIN") == Status.UNSURE
    c.say("no", intent="deny").say("a few months").say("about the same")
    assert c.state.facts.status.get("RF_CHEST_PAIN") == Status.ABSENT
    c.say("51. ugh the same pain again, worse this time, pressing down my left arm")
    assert c.state.facts.status.get("RF_CHEST_PAIN") == Status.PRESENT and "999" in c.texts


def test_a_denied_red_flag_is_not_what_a_later_message_points_back_at():
    c = Chat().say("tingling feet, no chest pain").say("no", intent="deny")
    c.say("the same pain again in my feet now")
    assert c.state.facts.status.get("RF_CHEST_PAIN") == Status.ABSENT


@pytest.mark.parametrize("answer, intent, level", [("yes, ive got the tablets saved", "affirm", "emergency"),
                                                   ("not sure", "dont_know", "emergency"),
                                                   ("no", "deny", "urgent"),
                                                   ("yeah like not be alive. i wouldnt do anything though", "inform", "urgent")])
def test_suicidal_thoughts_with_no_plan_told_get_the_plan_question_once(answer, intent, level):
    # C-SSRS behaviour item after the crisis advice: a plan, the means ready or acting soon is
    # the emergency (reference section 5); "not sure" counts as yes; "i wouldn't do anything" is a no
    c = Chat().say("i feel so low, some days i just dont want to be here")
    assert c.slots["triage_level"] == "urgent" and "made a plan" in c.texts
    c.say(answer, intent=intent)
    assert c.slots["triage_level"] == level


def test_gradually_told_at_how_long_is_the_onset_and_the_worsening_is_still_asked():
    c = Chat().say("numb feet").say("no", intent="deny")
    c.until("DURATION").say("a few months. gradually")
    assert c.state.facts.onset == "gradual" and c.state.facts.progression is None
    assert c.pending == "PROGRESSION"


def test_gradually_in_answer_to_the_worsening_question_is_slowly_worse():
    c = Chat().say("numb feet").say("no", intent="deny")
    c.until("PROGRESSION").say("gradually")
    assert c.state.facts.progression == "slow" and c.pending != "PROGRESSION"


def test_metformin_is_asked_for_the_summary_whatever_the_diabetes_answer():
    # metformin is also taken for prediabetes and polycystic ovaries
    c = Chat().say("pins and needles in my feet").say("no", intent="deny")
    c.until("MOD_DIABETES").say("no", intent="deny")
    c.until("RK_MED_METFORMIN").say("yes for my pcos", intent="affirm")
    assert "RK_MED_METFORMIN" in c.slots["risk_factors"]


def test_after_the_result_the_commonest_risk_factors_come_first():
    c = Chat().say("pins and needles in my feet").say("no", intent="deny")
    asked = []
    for _ in range(40):
        if c.state.stage == "done" and c.pending is None:
            break
        asked.append(c.pending)
        if c.pending == MORE:
            c.say("yes please", "affirm")
        else:
            c.say("no", "deny")
    rks = [q for q in asked[asked.index(MORE):] if q and q.startswith("RK_")]
    assert rks[:6] == ["RK_DIET_LOW_B12", "RK_MED_METFORMIN", "RK_MED_ACID", "RK_MED_OTHER", "RK_ALCOHOL", "RK_FAMILY_HX"]


def test_a_red_flag_told_of_the_person_the_check_is_for_counts_for_them():
    c = Chat().say("I'm asking for my dad, he's got very forgetful and tired this year")
    assert c.state.facts.subject == "other"
    c.say("it's his state of mind. he's been giving his things away, and I found he's been keeping his sleeping tablets back in a drawer")
    assert "RF_SUICIDAL" in c.slots["red_flags"] and c.slots["triage_level"] == "emergency"


def test_the_same_words_in_a_check_for_oneself_are_asked_not_acted_on():
    c = Chat().say("I've been very forgetful and tired this year")
    c.say("it's his state of mind. I found he's been keeping his sleeping tablets back in a drawer")
    assert c.state.facts.status.get("RF_SUICIDAL") == Status.UNSURE


@pytest.mark.parametrize("answer", ["yeah my chest feels funny", "yes, my breathing's a bit hard right now"])
def test_a_yes_to_the_screen_confirms_the_possible_sign_it_names(answer):
    c = Chat().say("my feet tingle")
    assert c.pending == "RF_SCREEN"
    c.say(answer, "affirm")
    assert c.slots["triage_level"] == "emergency" and c.slots["red_flags"]


def test_a_yes_to_the_screen_does_not_confirm_a_past_sign():
    c = Chat().say("my feet tingle")
    c.say("yes, i had chest pains years ago", "affirm")
    assert "RF_CHEST_PAIN" not in c.slots["red_flags"]


@pytest.mark.parametrize("opening", ["tingly hands for a while", "numb feet for ages", "recently my feet are numb"])
def test_a_loose_length_in_the_opening_still_gets_how_long_asked_and_a_loose_answer_is_taken(opening):
    c = Chat()
    c.say(opening).until("DURATION")
    c.say("a while", "inform")
    assert c.pending != "DURATION" and c.state.facts.duration == "months"


def test_an_exact_length_in_the_opening_is_not_asked_again():
    c = Chat()
    c.say("tingly hands for 3 months")
    c.answer_all()
    assert "DURATION" not in c.state.asked and c.state.facts.duration == "months"


def test_a_possible_emergency_told_with_an_urgent_red_flag_is_asked_before_the_result():
    # the urgent result given first left the chest only "not sure", never asked
    c = Chat()
    c.say("i am diabetic and my big toe has gone purple, and my chest feels funny")
    assert c.pending == "CONFIRM_RF_CHEST_PAIN" and c.slots["triage_level"] is None
    c.say("yes", "affirm")
    assert c.slots["triage_level"] == "emergency"
    d = Chat()
    d.say("i am diabetic and my big toe has gone purple, and my chest feels funny")
    d.say("no", "deny")
    assert d.slots["triage_level"] == "urgent" and "RF_DIABETIC_FOOT" in d.slots["red_flags"]


@pytest.mark.parametrize("back", ["my lower back is killing me", "i've got bad back pain", "my back went pop and aches"])
@pytest.mark.parametrize("legs", ["both legs feel numb and heavy", "my legs have gone weak"])
def test_back_pain_with_legs_going_quickly_gets_the_cauda_equina_question(back, legs):
    """Reference section 5: both legs suddenly weak is the bladder/bowel flag's picture; with back
    pain and a quick course the flag is asked about directly before any result."""
    c = Chat().say(f"{legs} and {back}")
    c.say("no", intent="deny")
    c.until("DURATION").say("since last night, it came on quick")
    assert c.pending == "CONFIRM_RF_BLADDER_BOWEL"
    c.say("yes, i wet myself this morning and didn't feel it", intent="affirm")
    assert c.slots["triage_level"] == "emergency"


def test_back_pain_with_slow_numb_feet_is_not_asked_about_the_bladder():
    c = Chat().say("my feet have been numb for a couple of years and i have back pain")
    c.say("no", intent="deny")
    for _ in range(30):
        if c.state.stage == "done":
            break
        assert c.pending != "CONFIRM_RF_BLADDER_BOWEL"
        c.say("slowly getting worse over years" if c.pending == "PROGRESSION" else "no", intent="inform" if c.pending == "PROGRESSION" else "deny")


def test_a_no_to_the_foot_question_with_a_healed_wound_answers_it():
    """'not now. had an ulcer last winter but it healed': the no stands, nothing asked again."""
    c = Chat().say("burning feet at night and tingling toes, i have type 1 diabetes")
    c.until("RF_DIABETIC_FOOT").say("not now. had an ulcer under the big toe last winter but it healed completely in march")
    assert c.state.facts.status["RF_DIABETIC_FOOT"].value == "absent"
    assert c.pending != "CONFIRM_RF_DIABETIC_FOOT"


def test_a_relatives_sign_told_of_their_past_stroke_mid_interview_is_no_emergency():
    c = Chat().say("i've had brain fog for a couple of months and i'm tired")
    c.say("no", intent="deny")
    c.say("my dads speech went slurry when he had his stroke. is brain fog like mine ever a warning sign of that?")
    assert c.slots["triage_level"] != "emergency"
    now = Chat().say("my dad's face dropped on one side just now")
    assert now.slots["triage_level"] == "emergency" or now.pending == "CONFIRM_RF_STROKE"
