"""The reader's general rules, each tested as a rule (generated over the
knowledge file's word classes and termsets), not one sentence at a time.

- composition: every body site of a class with every sensation of a class;
- context scope: NegEx cues, termination words, pseudo-cues, a finding's own
  words; history, hypotheticals, another person (a blood relative's condition
  is family history), questions;
- spelling: one-edit typos of clinical words are mended (rapidfuzz);
- timing: a red flag told inside a past episode is history;
- red flags: named only by a diagnosis -> confirmed; said with "having" -> acted on;
- the knowledge loader reads "no", "off" as words.
"""
from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge import Status, load_knowledge, load_yaml

P, A, U = Status.PRESENT, Status.ABSENT, Status.UNSURE
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def reader():
    from reader import default_reader

    return default_reader()


def _plain(words):
    """The words of a knowledge list as a person types them: the number word as a number."""
    return [w.replace("_num_", "20") for w in words if "*" not in w and not w.startswith("@") and len(w.split()) <= 3]


# ------------------------------------------------------------------ composition

@pytest.mark.parametrize("site", _plain(load_knowledge().word_classes["lower_limb"]))
def test_every_lower_limb_site_with_a_tingling_word_is_paraesthesia(reader, site):
    for feeling in ("tingling", "numb", "pins and needles", "buzzing"):
        msg = f"my {site} {'are' if site.endswith('s') else 'is'} {feeling}" if feeling == "numb" else f"{feeling} in my {site}"
        assert reader.read(msg).status_of("SX_PARAESTHESIA") == P, msg


@pytest.mark.parametrize("site", ["feet", "soles", "toes", "heels", "bottoms of my feet", "ankles"])
@pytest.mark.parametrize("burn", ["burning", "on fire", "hot knives", "scalding", "stinging"])
def test_a_lower_limb_with_a_burning_word_is_burning_feet(reader, site, burn):
    assert reader.read(f"{burn} in my {site} at night").status_of("SX_BURNING_FEET") == P


@pytest.mark.parametrize("word", ["raw", "sore", "smooth", "red", "swollen", "burning"])
def test_the_tongue_with_a_raw_word_is_glossitis(reader, word):
    assert reader.read(f"my tongue is {word}").status_of("SX_GLOSSITIS") == P


@pytest.mark.parametrize("site", ["fingertips", "toes", "feet", "legs", "hands"])
def test_cannot_feel_a_limb_is_paraesthesia(reader, site):
    r = reader.read(f"I can't feel my {site}")
    # "can't feel my legs" may also be read as the red flag, which then stands for it
    assert P in (r.status_of("SX_PARAESTHESIA"), r.status_of("RF_RAPID_WEAKNESS"))


@pytest.mark.parametrize("message, code", [
    # a function lost on one side is a stroke sign
    ("my arm went dead and I couldn't lift it", "RF_STROKE"),
    ("one side of my face has dropped", "RF_STROKE"),
    ("my left arm and left leg went numb all of a sudden", "RF_STROKE"),
    ("my speech is slurred since this morning", "RF_STROKE"),
    # losing the legs, or a fast spread, is rapid weakness
    ("got up this morning and I can't walk", "RF_RAPID_WEAKNESS"),
    ("my legs gave way and I can't stand up", "RF_RAPID_WEAKNESS"),
    ("the tingling has spread up to my knees since yesterday", "RF_RAPID_WEAKNESS"),
])
def test_a_lost_function_or_its_speed_is_a_red_flag(reader, message, code):
    assert reader.read(message).status_of(code) == P


@pytest.mark.parametrize("message", [
    "if it stays like this I'm done with life",
    "everyone would be better off without me",
    "I don't see the point any more",
    "I've been saving up my pills",
    "I just want to go to sleep and never wake up",
])
def test_indirect_suicidal_language_is_a_red_flag_and_low_mood(reader, message):
    r = reader.read(message)
    assert r.status_of("RF_SUICIDAL") == P and r.status_of("SX_MOOD") == P


def test_the_words_of_a_word_class_reach_compositions():
    kb = load_knowledge()
    combos = [alt for combo in kb.concept("SX_BURNING_FEET").combos for group in combo for alt in group]
    assert "soles" in combos and "hot knives" in combos  # from @lower_limb and @burn_words


# ---------------------------------------------------------------- context scope

SINGLE_WORD_TERMINATORS = [t for t in load_knowledge().context["termination"][""] if " " not in t and t.isalpha()]


@pytest.mark.parametrize("term", SINGLE_WORD_TERMINATORS)
def test_a_termination_word_ends_the_reach_of_a_negation(reader, term):
    r = reader.read(f"no cramps {term} tingling in my feet")
    assert r.status_of("SX_CRAMPS") == A
    assert r.status_of("SX_PARAESTHESIA") == P


@pytest.mark.parametrize("cue", ["no", "never had", "denies", "without", "not experiencing"])
def test_a_negation_cue_before_a_finding_negates_it(reader, cue):
    assert reader.read(f"{cue} chest pain").status_of("RF_CHEST_PAIN") == A


def test_a_negation_covers_a_list_until_the_stretch_ends(reader):
    r = reader.read("no chest pain or breathlessness, just tingly feet")
    assert r.status_of("RF_CHEST_PAIN") == A and r.status_of("SX_PARAESTHESIA") == P


@pytest.mark.parametrize("message, code", [
    ("no energy and tingling in my feet", "SX_PARAESTHESIA"),   # "no" belongs to "no energy"
    ("can't feel my toes anymore", "SX_PARAESTHESIA"),          # the negative form is the complaint
    ("not sure why but my feet burn", "SX_BURNING_FEET"),       # a pseudo-cue
])
def test_a_cue_inside_another_finding_or_a_pseudo_cue_negates_nothing(reader, message, code):
    assert reader.read(message).status_of(code) == P


@pytest.mark.parametrize("message, code", [
    ("I used to be vegan", "RK_DIET_LOW_B12"),
    ("I had chest pain years ago", "RF_CHEST_PAIN"),
    ("back in 2019 I had a stroke", "RF_STROKE"),
])
def test_history_is_not_recorded_as_present(reader, message, code):
    assert reader.read(message).status_of(code) != P


@pytest.mark.parametrize("message, code", [
    ("I had my ileum removed years ago", "RK_GI_SURGERY"),
    ("I was diagnosed with pernicious anaemia in 2010", "RK_AUTOIMMUNE"),
])
def test_a_lasting_condition_told_in_the_past_is_still_present(reader, message, code):
    assert reader.read(message).status_of(code) == P


@pytest.mark.parametrize("message, code", [
    ("what if I get chest pain?", "RF_CHEST_PAIN"),
    ("could i get a stroke from this", "RF_STROKE"),
])
def test_a_hypothetical_red_flag_is_to_be_confirmed(reader, message, code):
    assert reader.read(message).status_of(code) == U


def test_a_hypothetical_symptom_is_not_recorded(reader):
    assert reader.read("I'm worried I might get numb feet later on").status_of("SX_PARAESTHESIA") is None


@pytest.mark.parametrize("relative", ["mum", "dad", "nan", "sister", "brother", "aunt", "grandmother"])
@pytest.mark.parametrize("condition", ["pernicious anaemia", "low b12", "b12 deficiency"])
def test_a_blood_relatives_condition_is_family_history(reader, relative, condition):
    r = reader.read(f"my {relative} has {condition} and my feet are numb")
    assert r.status_of("RK_FAMILY_HX") == P
    assert r.status_of("RK_AUTOIMMUNE") is None and r.status_of("SX_BLOOD_RESULT") is None
    assert r.status_of("SX_PARAESTHESIA") == P


@pytest.mark.parametrize("partner", ["husband", "wife", "friend"])
def test_a_partners_condition_is_neither_mine_nor_family_history(reader, partner):
    r = reader.read(f"my {partner} has pernicious anaemia and I have tingling hands")
    assert r.status_of("RK_AUTOIMMUNE") is None and r.status_of("RK_FAMILY_HX") is None


def test_every_person_word_of_the_knowledge_file_is_someone_else(reader):
    """A symptom of "my <person>" (any relation or blood relative: "my mate", "my
    cousin", "my hubby") is theirs, never the writer's; "for my <person>" asks for them."""
    kb = load_knowledge()
    assert set(kb.blood_relatives) <= set(kb.relations)
    for person in [p for p in kb.relations if " " not in p]:
        r = reader.read(f"my {person} has numb feet")
        assert r.subject == "other", person
        assert reader.read(f"my {person}'s feet went numb last year, is that the same thing?").status_of("SX_PARAESTHESIA") is None, person
        mine = reader.read(f"my {person}'s hands are numb, i have burning feet")
        assert mine.status_of("SX_BURNING_FEET") == P and mine.status_of("SX_PARAESTHESIA") is None, person
    assert "for my cousin" in kb.subject_other and "for my baby" not in kb.subject_other
    assert reader.read("numb feet and so worried for my baby").subject is None


def test_the_writers_own_words_end_another_persons_stretch(reader):
    assert reader.read("my daughter thinks I am confused a lot").status_of("SX_COGNITIVE") == P


def test_a_relatives_acute_state_told_in_the_third_person_makes_them_the_subject(reader):
    r = reader.read("found my husband slumped, his lips drooped to one side and he is not responding to me")
    assert r.subject == "other" and r.status_of("RF_STROKE") == P


# -------------------------------------------------------------------- red flags

@pytest.mark.parametrize("message", ["was it a stroke?", "my uncle had a heart attack", "is this cauda equina"])
def test_a_red_flag_named_only_by_its_diagnosis_is_to_be_confirmed(reader, message):
    r = reader.read(message)
    assert all(f.status != P for f in r.findings if f.code.startswith("RF_"))


@pytest.mark.parametrize("message, code", [
    ("I think I am having a stroke", "RF_STROKE"),
    ("I'm having a heart attack", "RF_CHEST_PAIN"),
])
def test_a_diagnosis_said_to_be_happening_now_is_acted_on(reader, message, code):
    assert reader.read(message).status_of(code) == P


@pytest.mark.parametrize("message", [
    "Last year I was in hospital. I couldn't breathe and my lips went blue.",
    "I woke up and couldn't lift my arm. About a minute later it was fine.",
])
def test_a_red_flag_told_inside_a_past_episode_is_history(reader, message):
    r = reader.read(message)
    assert not any(f.status == P for f in r.findings if f.code.startswith("RF_"))


def test_a_past_episode_ends_when_the_writer_comes_back_to_now(reader):
    r = reader.read("Last year I was in hospital. Now I can't breathe and my lips are blue.")
    assert r.status_of("RF_BREATHLESS_SEVERE") == P


def test_a_red_flag_that_needs_speed_reads_as_the_symptom_in_a_years_long_story(reader):
    r = reader.read("I have not been able to walk properly for years")
    assert r.status_of("RF_RAPID_WEAKNESS") is None and r.status_of("SX_MUSCLE_WEAK") == P


# ---------------------------------------------------------------------- spelling

CLINICAL_WORDS = ["tingling", "numbness", "metformin", "omeprazole", "breathless", "pernicious", "vegetarian", "exhausted", "dizziness", "palpitations"]


@pytest.mark.parametrize("word", CLINICAL_WORDS)
def test_one_edit_typos_of_clinical_words_are_mended(reader, word):
    rng = random.Random(word)
    for _ in range(3):
        k = rng.randrange(2, len(word) - 2)
        swapped = word[:k] + word[k + 1] + word[k] + word[k + 2:]   # two letters swapped
        dropped = word[:k] + word[k + 1:]                            # one letter dropped
        for typo in {swapped, dropped} - {word}:
            fixed = reader.speller.correct(typo)
            assert fixed == load_knowledge().spelling.get(word, word) or fixed.startswith(word[:4]), (typo, fixed)


@pytest.mark.parametrize("word", ["paint", "though", "sold", "pan", "hell", "some"])
def test_common_english_words_are_never_changed(reader, word):
    assert reader.speller.correct(word) == word


def test_inflections_match_without_listing_them(reader):
    for message in ("my feet feels numb", "my toes tingled all night", "my hands are tingling"):
        assert reader.read(message).status_of("SX_PARAESTHESIA") == P, message


# -------------------------------------------------------------------- knowledge

def test_yaml_words_like_no_and_off_stay_words():
    assert load_yaml("[no, yes, on, off, y, n, true]") == ["no", "yes", "on", "off", "y", "n", True]


def test_every_word_class_reference_resolves_and_every_composition_names_a_code():
    kb = load_knowledge()
    for concept in kb.concepts.values():
        assert len(concept.combo_windows) == len(concept.combos)
        for combo in concept.combos:
            for group in combo:
                assert group and not any(alt.startswith("@") for alt in group)


def test_the_layers_depend_only_downwards():
    # knowledge <- reader <- engine <- adapters (.importlinter); a reversed import fails here
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-2000:]


# ---------------------------------------------------------- answers in context

from reader.answers import read_answer  # noqa: E402


@pytest.mark.parametrize("word", load_knowledge().answers["yes"])
def test_every_yes_word_leading_an_answer_is_yes(word):
    assert read_answer(f"{word}, for a few years now") == "affirm"


@pytest.mark.parametrize("word", load_knowledge().answers["no"])
def test_every_no_word_leading_an_answer_is_no(word):
    assert read_answer(f"{word}, thanks") == "deny"


@pytest.mark.parametrize("hedge", ["maybe", "perhaps", "possibly", "i think so", "not sure", "no idea"])
def test_a_hedge_anywhere_is_not_sure(hedge):
    assert read_answer(f"the left one {hedge}") == "dont_know"


@pytest.mark.parametrize("answer", [
    "not the body stuff. the other one maybe",
    "no, none of the physical ones, apart from the thoughts",
    "none of the physical ones, just the thoughts",
])
def test_a_denial_with_a_contrast_covers_only_what_it_names(answer):
    # several options (the safety screen): never a "no" to all of them
    assert read_answer(answer, options=7) == "dont_know"


def test_a_denial_with_a_contrast_to_a_single_question_is_still_no():
    assert read_answer("no, just paracetamol now and then", options=1) == "deny"


def test_a_denial_that_names_something_else_is_a_no():
    # "no, her face and arms are fine, just confused": confusion is no option of the screen
    assert read_answer("no, her face and arms are fine, she's talking normal, just confused", options=7) == "deny"


def test_words_in_a_denied_or_normal_part_name_no_option():
    from engine.questions import BY_ID
    from reader.answers import read_choice

    options = {b["payload"].split('"')[3]: b["title"] for b in BY_ID["RF_WHICH"].buttons if "{" in b["payload"]}
    assert read_choice("no, her face and arms are fine, she's talking normal, just confused", options) is None


@pytest.mark.parametrize("answer", ["sometimes", "on and off", "only at night", "a bit, mostly my fingers"])
def test_a_symptom_that_comes_and_goes_is_yes(answer):
    assert read_answer(answer, symptom=True) == "affirm"


@pytest.mark.parametrize("answer", ["my eyesight is fine", "balance is ok"])
def test_a_symptom_said_to_be_normal_is_no(answer):
    assert read_answer(answer, symptom=True) == "deny"


def test_a_statement_is_not_an_answer():
    assert read_answer("I take omeprazole every morning") is None


def test_a_free_answer_names_an_option_by_its_words():
    from engine.questions import BY_ID
    from reader.answers import read_choice

    options = {b["payload"].split('"')[3]: b["title"] for b in BY_ID["RF_WHICH"].buttons if "{" in b["payload"]}
    assert read_choice("the breathing one", options) == "RF_BREATHLESS_SEVERE"
    assert read_choice("yes the thoughts one", options) == "RF_SUICIDAL"
    assert read_choice("chest", options) == "RF_CHEST_PAIN"
    assert read_choice("my leg went cold and pale", options) == "RF_LIMB_ISCHAEMIA"
    assert read_choice("hello there", options) is None


def test_a_reported_denial_and_a_question_asked_record_nothing(reader):
    r = reader.read("i asked her about dark thoughts and she said no, just fed up")
    assert r.status_of("RF_SUICIDAL") != P


def test_a_symptom_said_to_feel_normal_is_no():
    assert read_answer("Hands and feet feel normal", symptom=True) == "deny"


@pytest.mark.parametrize("message, code", [
    ("my chest feels funny", "RF_CHEST_PAIN"),
    ("my breathing feels weird", "RF_BREATHLESS_SEVERE"),
    ("i keep having horrible thoughts", "RF_SUICIDAL"),
])
def test_vague_words_about_a_red_flag_make_it_possible_to_be_confirmed(reader, message, code):
    assert reader.read(message).status_of(code) == U


def test_a_definite_description_beats_a_possible_one(reader):
    assert reader.read("my chest feels funny, tight and heavy like a weight on it").status_of("RF_CHEST_PAIN") == P


@pytest.mark.parametrize("answer", [
    "no. well my right leg is bad since one hour",
    "no i don't think so... well he had 2 accidents today",
    "nope, actually my chest has been doing something odd",
    "no, come to think of it my speech went weird earlier",
])
def test_a_denial_taken_back_with_more_to_say_is_not_a_no_to_every_option(answer):
    assert read_answer(answer, options=7) == "dont_know"
    assert read_answer(answer, options=1) == "dont_know"  # taken back: not a clean no either


@pytest.mark.parametrize("answer", ["not physically", "nothing physical", "no, not the body stuff"])
def test_a_denial_of_the_physical_options_points_at_the_other_one(answer):
    assert read_answer(answer, options=7) == "dont_know"


@pytest.mark.parametrize("message", [
    "i've been putting my tablets aside for weeks, there's enough now",
    "i wrote some letters last night",
    "been stockpiling my pills",
    "i've started giving my things away",
    "i keep thinking of ending it and i know how i'd do it",
    "i've worked out when and how",
])
def test_means_ready_or_goodbyes_are_a_plan(reader, message):
    assert reader.read(message).status_of("QL_SELF_HARM_ACTED") == P


@pytest.mark.parametrize("message", ["i know how to do it, the physio showed me", "do you know how i would do it at home?"])
def test_knowing_how_to_do_something_is_no_plan_without_thoughts_of_self_harm(reader, message):
    found = reader.read(message)
    assert found.status_of("RF_SUICIDAL") != P


@pytest.mark.parametrize("answer", ["no well", "no actually i'm fine thanks", "no, but my feet tingle", "nope none"])
def test_a_plain_or_all_clear_denial_stays_a_no(answer):
    assert read_answer(answer, options=7) == "deny"


# ------------------------------------------------------------------ speed and control

@pytest.mark.parametrize("worse", ["worse", "higher", "further up", "weaker", "spreading"])
@pytest.mark.parametrize("per", ["every day", "by the day", "each morning", "day by day"])
def test_worse_at_a_rate_of_days_is_rapid_in_either_order(reader, worse, per):
    assert reader.read(f"the numbness is getting {worse} {per}").progression == "rapid"
    assert reader.read(f"{per} it's {worse}").progression == "rapid"


@pytest.mark.parametrize("message", ["my feet tingle every day", "it's getting worse", "it's not worse every day"])
def test_a_daily_rate_or_a_worsening_alone_is_not_rapid(reader, message):
    assert reader.read(message).progression != "rapid"


@pytest.mark.parametrize("verb", ["wet", "soiled", "messed", "pooed", "peed"])
@pytest.mark.parametrize("who", ["myself", "himself", "herself", "themselves"])
def test_soiling_oneself_is_loss_of_bladder_or_bowel_control(reader, verb, who):
    assert reader.read(f"{verb} {who} today without knowing").status_of("RF_BLADDER_BOWEL") == P


# ------------------------------------------------------------------ session 2026-12-06 night: classes from dev
@pytest.mark.parametrize("message", [
    "no i don't think so... well he had 2 accidents today, messed himself",
    "no… he lost control of his bladder this morning",
])
def test_an_ellipsis_ends_a_negations_scope(reader, message):
    assert reader.read(message).status_of("RF_BLADDER_BOWEL") in (P, Status.UNSURE)


def test_an_ellipsis_ends_a_clause_so_no_composition_crosses_it(reader):
    found = reader.read("no chest pain... my feet tingle")
    assert found.status_of("SX_HEEL_FOOT_PAIN") is None and found.status_of("SX_PARAESTHESIA") == P


@pytest.mark.parametrize("verb", ["coughed and spluttered on", "chokes on", "keeps choking on", "gagged on"])
@pytest.mark.parametrize("what", ["his tea", "drinks", "her food", "water"])
def test_swallowing_told_as_what_happens_is_swallowing_trouble(reader, verb, what):
    assert reader.read(f"his legs are weaker every day and he {verb} {what}").status_of("QL_SEVERE_WEAKNESS") == P


@pytest.mark.parametrize("verb", ["stop", "come off", "skip", "quit", "ditch"])
@pytest.mark.parametrize("what", ["my metformin", "the injections", "my tablets", "the b12 jabs", "my pregabalin"])
def test_stopping_a_medicine_is_noticed_in_any_wording(reader, verb, what):
    assert reader.read(f"i think i'll {verb} {what} next week").status_of("QL_STOP_MEDICINE") is not None


@pytest.mark.parametrize("message", ["i hate needles", "scared of needles so i'd rather have tablets"])
def test_a_needle_without_a_body_site_is_not_a_sensation(reader, message):
    assert reader.read(message).status_of("SX_PARAESTHESIA") is None


@pytest.mark.parametrize("message", ["needles in my toes at night", "feels like needles in my feet"])
def test_needles_in_a_body_site_are_pins_and_needles(reader, message):
    assert reader.read(message).status_of("SX_PARAESTHESIA") == P


@pytest.mark.parametrize("message", ["how fast does it spread?", "will it get worse quickly?", "can this cause a stroke?"])
def test_a_question_about_the_condition_itself_reports_nothing(reader, message):
    assert reader.read(message).findings == []


def test_a_question_about_the_persons_own_symptom_still_reports_it(reader):
    assert reader.read("does it spread up my legs like this? they are weaker every day").findings


@pytest.mark.parametrize("adverb", ["just", "also", "only", "still"])
def test_a_relatives_condition_leaves_the_writer_the_subject_when_they_tell_their_own(reader, adverb):
    found = reader.read(f"my mum's diabetic and has an ulcer on her foot. me, i {adverb} get cramps at night")
    assert found.subject is None and found.status_of("SX_CRAMPS") == P and found.status_of("MOD_DIABETES") is None
    assert found.status_of("RF_DIABETIC_FOOT") != P


@pytest.mark.parametrize("cue", ["google says", "the internet says", "they say", "people say"])
def test_what_someone_else_says_about_a_condition_is_not_a_fact_about_the_person(reader, cue):
    # narrow on purpose: "i had heard that b12 could mimic the symptoms i was experiencing,
    # like pins and needles" tells the writer's own symptoms
    assert reader.read(f"{cue} coeliac causes low b12").status_of("RK_GI_CONDITION") is None
    assert reader.read(f"{cue} my numb feet could be b12").status_of("SX_PARAESTHESIA") == P


@pytest.mark.parametrize("message", ["28 weeks pg", "12 wks preg and tired", "30 weeks pregnant"])
def test_how_far_along_in_shorthand_is_pregnancy(reader, message):
    assert reader.read(message).status_of("MOD_PREGNANT") == P


@pytest.mark.parametrize("answer, age", [
    ("sixty-eight last birthday", 68), ("72 in june", 72), ("seventy two", 72), ("she is 81", 81), ("68", 68),
    ("3 weeks", None), ("70kg", None), ("about 4 months", None),
    # a whole answer that is a number of years is the age; a small one or "for ..." is how long
    ("42 years", 42), ("im 42 years", 42), ("she is about 80 years", 80), ("forty two years", 42),
    ("3 years", None), ("for 42 years", None),
    # a number inside a name is no age: "b12", "t2", "covid-19"
    ("is it true b12 shots can reverse nerve damage?", None), ("t2 for years", None), ("covid-19 made it worse", None),
])
def test_the_age_questions_answer_is_its_first_number_in_digits_or_words(answer, age):
    from reader.quantities import age_answer

    assert age_answer(answer) == age


def test_having_heard_about_a_condition_still_tells_ones_own_symptoms(reader):
    found = reader.read("i had heard that a b12 deficiency could mimic the symptoms i was experiencing, like the fatigue and pins and needles")
    assert found.status_of("SX_PARAESTHESIA") == P and found.status_of("SX_FATIGUE") == P


# ------------------------------------------- one-sided signs, states, limits

SUDDEN = _plain(load_knowledge().word_classes["sudden_words"])


@pytest.mark.parametrize("side", ["left leg", "right arm", "left side"])
@pytest.mark.parametrize("feeling", ["numb", "tingling", "heavy"])
def test_one_sided_numbness_without_a_sudden_onset_is_only_a_possible_stroke(reader, side, feeling):
    r = reader.read(f"my {side} is {feeling}")
    assert r.status_of("RF_STROKE") == U


@pytest.mark.parametrize("side", ["left leg", "right arm", "left side"])
@pytest.mark.parametrize("lost", ["weak", "useless", "not working"])
def test_one_sided_weakness_or_a_lost_function_is_a_stroke_sign_without_more(reader, side, lost):
    assert reader.read(f"my {side} is {lost}").status_of("RF_STROKE") == P


@pytest.mark.parametrize("when", SUDDEN)
def test_one_sided_numbness_or_weakness_with_a_sudden_onset_is_a_stroke_sign(reader, when):
    assert reader.read(f"my left arm went numb {when}").status_of("RF_STROKE") == P


STATES = load_knowledge().states


@pytest.mark.parametrize("det", STATES["object_words"])
@pytest.mark.parametrize("word, code", [("depressed", "SX_MOOD"), ("drained", "SX_FATIGUE"), ("been down", "SX_MOOD")])
def test_a_state_word_with_an_object_is_not_the_state(reader, word, code, det):
    assert reader.read(f"i {word} {det} thing yesterday").status_of(code) is None


@pytest.mark.parametrize("time", ["whole week", "last few days", "past month", "entire life"])
def test_a_state_word_followed_by_a_time_is_the_state(reader, time):
    assert reader.read(f"i have felt low the {time}").status_of("SX_MOOD") == P


@pytest.mark.parametrize("owner", STATES["directions"]["down"])
def test_down_before_a_possessive_is_a_direction_not_a_mood(reader, owner):
    assert reader.read(f"a tingly feeling down {owner} leg").status_of("SX_MOOD") is None


def test_a_possessive_after_a_mood_word_may_start_a_new_clause(reader):
    assert reader.read("i'm so depressed my husband left").status_of("SX_MOOD") == P


@pytest.mark.parametrize("limit", ["far", "very much without the pain getting worse", "for long", "up the stairs", "like i used to"])
@pytest.mark.parametrize("function", ["can't walk", "couldn't stand", "can barely walk"])
def test_a_function_told_with_a_limit_is_limited_not_lost(reader, function, limit):
    r = reader.read(f"{function} {limit}")
    assert r.status_of("RF_RAPID_WEAKNESS") is None and r.status_of("QL_SEVERE_WEAKNESS") is None


@pytest.mark.parametrize("function", ["i can't walk", "i couldn't stand up", "i can barely walk"])
def test_a_function_lost_without_a_limit_is_still_the_red_flag(reader, function):
    assert reader.read(f"since this morning {function}").status_of("RF_RAPID_WEAKNESS") == P


@pytest.mark.parametrize("message", ["i began to panic", "i panicked and called my husband", "my mental health journey"])
def test_a_reaction_or_a_topic_is_not_a_mood_symptom(reader, message):
    assert reader.read(message).status_of("SX_MOOD") is None


@pytest.mark.parametrize("message", ["i keep having panic attacks", "my mental health is really bad", "i'm so anxious"])
def test_panic_attacks_or_suffering_mental_health_are_a_mood_symptom(reader, message):
    assert reader.read(message).status_of("SX_MOOD") == P


@pytest.mark.parametrize("told, later, code", [
    # a later denial in another sentence: recall first
    *[("Suicide is something I think about every day.", d, "RF_SUICIDAL")
      for d in ["I won't actually do it.", "No, I'm not going to do anything.", "I would never do it though."]],
    # the diagnosis wondered about after the sign
    *[("he could not move the right side of his face.", n, "RF_STROKE")
      for n in ["i doubted that he had a stroke", "i want to ask if it is a stroke", "could this be a stroke?"]],
])
def test_a_red_flag_told_is_not_taken_back_by_what_a_later_sentence_says_of_it(reader, told, later, code):
    assert reader.read(f"{told} {later}").status_of(code) == P


@pytest.mark.parametrize("lost", ["loss of motor control", "lost the use of my legs", "I don't have full control of my limbs"])
def test_control_or_use_of_the_limbs_lost_is_weakness(reader, lost):
    assert reader.read(lost).status_of("SX_MUSCLE_WEAK") == P


@pytest.mark.parametrize("message", [
    "it has been a while since I have had reason to live",
    "I haven't got a reason to live any more",
    "there is no one who needs me",
])
def test_a_reason_to_live_lost_or_being_unneeded_is_suicidal_language(reader, message):
    assert reader.read(message).status_of("RF_SUICIDAL") == P


@pytest.mark.parametrize("degree", ["a lot", "a bit", "a little", "the rest of the day", "a good deal", "the most"])
def test_a_state_word_followed_by_a_degree_is_the_state(reader, degree):
    assert reader.read(f"i feel exhausted {degree}").status_of("SX_FATIGUE") == P


def test_that_after_a_state_word_starts_a_clause_not_an_object(reader):
    assert reader.read("i am so exhausted that i can't think").status_of("SX_FATIGUE") == P


CANCEL = load_yaml((ROOT / "knowledge" / "knowledge.yml").read_text(encoding="utf-8"))["cancel"]


@pytest.mark.parametrize("entry", CANCEL, ids=lambda e: "+".join(g[0] for g in e["words"]))
def test_a_cancelling_combination_is_not_read_as_its_codes(reader, entry):
    rng = random.Random(7)
    for _ in range(5):
        phrase = " ".join(rng.choice(g) for g in entry["words"])
        r = reader.read(f"well {phrase} and so on")
        for code in entry["codes"]:
            assert r.status_of(code) != P, (phrase, code)


@pytest.mark.parametrize("message", ["i have been saving up my tablets", "i threw myself in front of a car", "i think the only way to go is to end it"])
def test_without_the_cancelling_words_the_red_flag_stands(reader, message):
    assert reader.read(message).status_of("RF_SUICIDAL") == P


@pytest.mark.parametrize("opening", ["There was a point where", "There have been moments when", "At my lowest", "After 6 months,", "In the past"])
def test_a_past_episode_named_as_such_is_history_and_asked_about(reader, opening):
    r = reader.read(f"{opening} I wanted to end it all.")
    assert r.status_of("RF_SUICIDAL") == U  # history: the one direct question, never dropped


@pytest.mark.parametrize("recent", ["yesterday", "last night", "an hour ago"])
def test_a_recent_time_brings_a_story_back_to_now(reader, recent):
    r = reader.read(f"After 6 months of tingling feet, {recent} my legs gave way and I can't stand up.")
    assert r.status_of("RF_RAPID_WEAKNESS") == P


@pytest.mark.parametrize("gone", ["lifted", "cleared", "has cleared", "vanished", "went back to normal"])
def test_a_symptom_told_as_resolved_is_not_present(reader, gone):
    assert reader.read(f"after the injections my brain fog {gone}").status_of("SX_COGNITIVE") == A


@pytest.mark.parametrize("partly", ["has lifted a bit", "has not cleared", "never lifted"])
def test_a_symptom_only_partly_resolved_or_not_resolved_is_not_denied(reader, partly):
    assert reader.read(f"my brain fog {partly}").status_of("SX_COGNITIVE") != A


@pytest.mark.parametrize("message", ["my energy returned", "I'm full of energy these days", "loads of energy since the jabs"])
def test_energy_back_or_plentiful_is_not_tiredness(reader, message):
    assert reader.read(message).status_of("SX_FATIGUE") != P


@pytest.mark.parametrize("whose", ["his", "her", "their", "your"])
@pytest.mark.parametrize("message, code", [
    ("he can't find {} words", "SX_COGNITIVE"),   # a phrase written only with "my"
    ("can't lift {} arm", "RF_STROKE"),
    ("can not feel {} legs", "RF_RAPID_WEAKNESS"),
])
def test_the_writers_words_stand_for_anyones(reader, whose, message, code):
    assert reader.read(message.format(whose)).status_of(code) in (P, U)


def test_the_person_forms_are_knowledge():
    assert set(load_knowledge().persons["my"]) >= {"his", "her", "their", "your"}


@pytest.mark.parametrize("helper", ["my husband had to help me", "my son has to help me", "I needed help to", "they had to lift me to"])
@pytest.mark.parametrize("function", ["walk", "stand", "get out of bed"])
def test_help_needed_to_move_stand_or_walk_is_a_lost_function(reader, helper, function):
    assert reader.read(f"{helper} {function}").status_of("RF_RAPID_WEAKNESS") == P


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("part", ["shoulder", "arm", "face"])
def test_numbness_of_a_side_and_a_part_told_apart_is_a_possible_stroke(reader, side, part):
    assert reader.read(f"numbness on the {side} {part} for two weeks").status_of("RF_STROKE") == U


# ------------------------------------------------ where on a body part, wishes, vague chest

def test_where_on_a_body_part_does_not_count_towards_a_combinations_window(reader):
    """Every locator of the word class ``site_locators`` ("on the right side of my
    tongue") is transparent; other words of the same length still count."""
    kb = load_knowledge()
    for loc in kb.word_classes["site_locators"]:
        r = reader.read(f"a big ulcer has come up on {loc} my tongue")
        assert r.status_of("SX_MOUTH_ULCERS") == P, loc
    filler = " ".join(["very"] * 6)
    assert reader.read(f"a big ulcer has come up {filler} and my tongue").status_of("SX_MOUTH_ULCERS") is None


@pytest.mark.parametrize("wish", ["wishing", "praying", "i fantasize about", "daydreaming that"])
@pytest.mark.parametrize("event", ["a car would hit me", "a bus would run me over", "i would not wake up"])
def test_a_wish_for_ones_own_death_is_suicidal_language(reader, wish, event):
    assert reader.read(f"driving home i keep {wish} {event}").status_of("RF_SUICIDAL") == P


@pytest.mark.parametrize("feeling", ["a strange sensation", "butterflies", "a burning"])
def test_a_vague_feeling_in_the_chest_gets_the_direct_question(reader, feeling):
    assert reader.read(f"there is {feeling} in my chest").status_of("RF_CHEST_PAIN") == U


def test_waking_with_it_is_an_onset_just_now(reader):
    assert reader.read("i woke up with no feeling in my left leg").status_of("RF_STROKE") == P
    assert reader.read("there is no feeling in my left leg").status_of("RF_STROKE") == U


def test_a_motion_word_alone_is_not_a_walking_problem(reader):
    assert reader.read("my thoughts keep veering off").status_of("SX_BALANCE_GAIT") is None
    assert reader.read("i keep veering to the left when i walk").status_of("SX_BALANCE_GAIT") == P


@pytest.mark.parametrize("person", ["gf", "husband", "mate", "sister"])
def test_the_writer_among_the_others_shares_what_they_do(reader, person):
    assert reader.read(f"me and my {person} do nangs most weekends").status_of("RK_N2O") == P
    assert reader.read(f"my {person} and i are vegan").status_of("RK_DIET_LOW_B12") == P
    assert reader.read(f"my {person} does nangs most weekends and my feet tingle").status_of("RK_N2O") is None


@pytest.mark.parametrize("person", ["husband", "mum", "friend"])
def test_the_writers_own_body_keeps_the_message_theirs(reader, person):
    r = reader.read(f"my {person} is vegan and my feet tingle")
    assert r.subject is None and r.status_of("SX_PARAESTHESIA") == P and r.status_of("RK_DIET_LOW_B12") is None
    assert reader.read(f"my {person} has numb feet and my hands are fine").subject == "other"


def test_an_ability_or_state_said_to_be_enough_is_a_no_and_denied_is_a_yes():
    from reader.answers import read_answer

    enough = [w for w in load_knowledge().answers["fine"] if w.endswith(" enough")]
    assert enough
    for w in enough:
        assert read_answer(w, symptom=True) == "deny", w
        assert read_answer(f"i am not {w}", symptom=True) == "affirm", w
        assert read_answer(f"never {w}", symptom=True) == "affirm", w
    assert read_answer("no i feel fine", symptom=True) == "deny"


@pytest.mark.parametrize("message, code", [
    ("she says she can concentrate ok", "SX_COGNITIVE"),
    ("i can still walk fine", "SX_MUSCLE_WEAK"),
    ("i can remember things perfectly", "SX_COGNITIVE"),
])
def test_a_function_said_to_be_intact_is_not_its_symptom(reader, message, code):
    assert reader.read(message).status_of(code) is None
    assert reader.read(message.replace(" can ", " can not ").replace("still ", "")).status_of(code) == P


@pytest.mark.parametrize("message, code", [
    ("would slurred speech count?", "RF_STROKE"),
    ("does chest pain count?", "RF_CHEST_PAIN"),
    ("would a face drooping on one side count?", "RF_STROKE"),
])
def test_asking_whether_a_sign_counts_is_asked_not_had(reader, message, code):
    assert reader.read(message).status_of(code) == U
    statement = message.replace("would a ", "i have a ").replace("would ", "i have ").replace("does ", "i have ")
    statement = statement.split(" count?")[0].split(" one of them?")[0]
    assert reader.read(statement + ". does that count?").status_of(code) == P


@pytest.mark.parametrize("word", ["flat", "low", "down"])
def test_a_states_word_used_as_a_thing_is_not_the_state(reader, word):
    assert reader.read(f"i can still walk ok on the {word}").status_of("SX_MOOD") is None
    assert reader.read(f"i feel so {word} lately").status_of("SX_MOOD") == P
    assert reader.read("the tired feeling never goes").status_of("SX_FATIGUE") == P


@pytest.mark.parametrize("message", ["my dad had a stroke so im a bit paranoid", "i am paranoid about my health", "probably just being paranoid", "so i am paranoid about anything numb", "paranoid over every little ache"])
def test_paranoid_as_everyday_worry_is_not_paranoia(reader, message):
    assert reader.read(message).status_of("SX_PSYCHOSIS") is None
    assert reader.read("i am paranoid, people are watching me").status_of("SX_PSYCHOSIS") == P


@pytest.mark.parametrize("answer", ["not now", "not at the moment, that was years ago", "not right now"])
def test_not_now_is_a_no(answer):
    from reader.answers import read_answer

    assert read_answer(answer) == "deny"


def test_a_denial_that_ends_the_answer_is_a_no():
    from reader.answers import read_answer

    for tail in load_knowledge().answers["no_tail"]:
        assert read_answer(f"had a blood clot in 2018 and a bladder op once, {tail}", options=8) == "deny", tail
        assert read_answer(f"had a blood clot in 2018 and a bladder op once. {tail} now") == "deny", tail
    assert read_answer("had a blood clot in 2018 and a bladder op once", options=8) is None


def test_every_negation_cue_denies_what_follows_it(reader):
    """No cue is disabled because a part of some combination contains it ("do not have"
    + meat made "i do not have chest pain" an emergency)."""
    cues = load_knowledge().context["negated"]["preceding"]
    for cue in cues:
        for finding, code in (("chest pain", "RF_CHEST_PAIN"), ("numb feet", "SX_PARAESTHESIA")):
            assert reader.read(f"i {cue} {finding}").status_of(code) in (A, None), (cue, finding)


@pytest.mark.parametrize("because, result", [("since", "my level was low"), ("because", "i was anaemic"), ("ever since", "my b12 was low")])
def test_a_result_told_as_the_reason_for_treatment_is_its_history(reader, because, result):
    r = reader.read(f"i have had b12 shots every 3 months {because} {result}")
    assert r.status_of("MOD_ON_B12_TREATMENT") == P and r.status_of("SX_BLOOD_RESULT") is None
    assert reader.read(f"the nurse rang, {result}").status_of("SX_BLOOD_RESULT") == P


def test_no_symptoms_said_outright_and_not_denied():
    from reader import default_reader

    r = default_reader()
    for phrase in load_knowledge().answers["no_symptoms"]:
        assert r.read(f"i am 10 weeks pregnant, {phrase}").no_symptoms, phrase
        assert not r.read(f"i do not {phrase}").no_symptoms or phrase.startswith(("no ", "not ", "nothing", "symptom")), phrase
    assert not r.read("no symptoms but my feet tingle").no_symptoms


def test_how_it_goes_asked_in_a_question_is_not_how_the_persons_goes(reader):
    assert reader.read("how fast does the numbness spread if it's serious? mine has been the same for a year").progression == "stable"
    assert reader.read("how quickly does it get worse?").progression is None
    assert reader.read("is it normal that my feet are getting worse quickly?").progression == "rapid"
    assert reader.read("my feet are getting worse quickly").progression == "rapid"


@pytest.mark.parametrize("lost", ["cant..get words out..", "i can not walk far and", "he could not stand up and"])
def test_an_ability_lost_does_not_deny_what_follows(reader, lost):
    r = reader.read(f"{lost} breathing bad, lips look grey")
    assert r.status_of("RF_BREATHLESS_SEVERE") == P


def test_a_vaguer_word_later_does_not_make_a_plain_statement_only_possible(reader):
    r = reader.read("there is pressure on my chest. an hour later the sensation in my chest was stronger")
    assert r.status_of("RF_CHEST_PAIN") == P
    assert reader.read("an hour later the sensation in my chest was stronger").status_of("RF_CHEST_PAIN") == U


# ------------------------------------------------------------------ fourth session's classes
@pytest.mark.parametrize("when", ["two years back", "a few months back", "a while back", "way back"])
@pytest.mark.parametrize("told, code", [("had chest pains", "RF_CHEST_PAIN"), ("had numb feet", "SX_PARAESTHESIA"),
                                        ("had a sore tongue", "SX_GLOSSITIS")])
def test_a_time_back_is_a_time_ago(reader, told, code, when):
    assert reader.read(f"{told} {when}, been fine since").status_of(code) != P


@pytest.mark.parametrize("owner", ["my", "both", "the", "his", "my left"])
@pytest.mark.parametrize("foot", ["feet", "foot", "heels", "toes"])
def test_the_bottom_of_a_foot_is_its_sole_not_the_buttocks(reader, owner, foot):
    r = reader.read(f"numb patches on the bottoms of {owner} {foot}")
    assert r.status_of("RF_BLADDER_BOWEL") is None
    assert reader.read("i am numb around my bottom since yesterday").status_of("RF_BLADDER_BOWEL") == P


@pytest.mark.parametrize("was", ["first", "at first it was", "saturday it was just", "it started in"])
@pytest.mark.parametrize("low, high", [("my toes", "my knees"), ("the feet", "the thighs"), ("my fingers", "my elbows")])
def test_where_it_was_and_where_it_is_now_is_spread(reader, was, low, high):
    message = f"tingling, getting worse every day. {was} {low}, now {high}"
    assert reader.read(message).status_of("RF_RAPID_WEAKNESS") == P
    # told over years, the same words are the symptom, not the red flag
    assert reader.read(f"tingling for years. {was} {low}, now {high}, over about 5 years").status_of("RF_RAPID_WEAKNESS") != P


@pytest.mark.parametrize("absent", ["i will not be around", "i am not going to be around", "i will not be here"])
@pytest.mark.parametrize("how_long", ["long enough for it to matter", "much longer", "by then"])
def test_oneself_not_around_much_longer_is_suicidal_language(reader, absent, how_long):
    assert reader.read(f"no point booking, {absent} {how_long}").status_of("RF_SUICIDAL") == P
    assert reader.read("i will not be around next week, i am on holiday").status_of("RF_SUICIDAL") is None


@pytest.mark.parametrize("keep", ["keeping", "putting", "hiding"])
@pytest.mark.parametrize("meds", ["my sleeping tablets", "the pills", "my sertraline"])
@pytest.mark.parametrize("where", ["back", "back in a drawer", "aside"])
def test_medicine_kept_back_is_the_means_put_by(reader, keep, meds, where):
    r = reader.read(f"if i am honest i have been {keep} {meds} {where}. i do not see the point")
    assert r.status_of("QL_SELF_HARM_ACTED") == P


@pytest.mark.parametrize("frame", ["if i am honest", "if i am being honest", "if you ask me"])
def test_an_if_that_only_frames_the_sentence_makes_nothing_hypothetical(reader, frame):
    assert reader.read(f"{frame} my feet are numb all the time").status_of("SX_PARAESTHESIA") == P
    assert reader.read("if my feet go numb what should i do").status_of("SX_PARAESTHESIA") != P


@pytest.mark.parametrize("place", ["back in a drawer", "back in the cupboard", "back in bed"])
def test_back_in_a_place_is_not_back_in_time(reader, place):
    assert reader.read(f"i put the tablets {place}, my feet are numb").status_of("SX_PARAESTHESIA") == P


def test_a_side_typed_as_it_sounds_and_swapped_letters_in_a_function_are_mended(reader):
    r = reader.read("cant lfit my rite arm since brekfast n my face gone all wonky on 1 side")
    assert r.status_of("RF_STROKE") == P
    assert reader.speller.correct("wlak") == "walk" and reader.speller.correct("lfit") == "lift"
    assert reader.read("we went to a rite of passage").findings == []


@pytest.mark.parametrize("felt", ["i feel about 80 years old", "i feel like i am 90", "she looks 70", "feeling like a 75 year old"])
def test_an_age_one_feels_or_looks_is_no_age(reader, felt):
    assert reader.read(f"{felt} with this tiredness").age is None
    assert reader.read(f"{felt} but i am 72").age == 72


@pytest.mark.parametrize("unable", ["has not been able to feel", "is not able to feel", "is unable to feel"])
def test_not_able_to_feel_a_limb_is_paraesthesia(reader, unable):
    assert reader.read(f"my husband {unable} the bottom of his feet").status_of("SX_PARAESTHESIA") == P


@pytest.mark.parametrize("legs", ["my legs gave up", "his legs just gave up on him", "her leg gave up"])
def test_legs_that_gave_up_are_a_lost_function(reader, legs):
    r = reader.read(f"{legs} this morning")
    assert r.status_of("RF_RAPID_WEAKNESS") == P and r.status_of("QL_SEVERE_WEAKNESS") == P


@pytest.mark.parametrize("denied, said, length", [("not a year ago", "it started yesterday", "days"),
                                                  ("not 3 weeks", "more like 3 months", "months"),
                                                  ("never about 2 days", "it has been 5 weeks", "weeks")])
def test_a_length_denied_is_not_the_length(reader, denied, said, length):
    assert reader.read(f"{said}, {denied}").duration == length
    assert reader.read(f"{denied}, {said}").duration == length


@pytest.mark.parametrize("limbs", ["legs", "both legs", "arms", "both arms"])
@pytest.mark.parametrize("failed", ["would not move", "went dead", "are useless", "will not work"])
def test_both_limbs_failing_is_weakness_not_a_stroke_sign(reader, limbs, failed):
    r = reader.read(f"my {limbs} {failed} since this morning")
    assert r.status_of("RF_STROKE") is None
    assert reader.read(f"my left {limbs.split()[-1][:-1]} {failed} since this morning").status_of("RF_STROKE") == P


@pytest.mark.parametrize("limit", ["loud without getting out of breath", "to anyone about it", "for long", "on the phone"])
def test_speech_with_a_limit_or_someone_to_speak_to_is_not_speech_lost(reader, limit):
    assert reader.read(f"i can not speak {limit}").status_of("RF_STROKE") is None
    assert reader.read("all of a sudden i can not speak").status_of("RF_STROKE") == P


@pytest.mark.parametrize("often", sorted(load_knowledge().comes_and_goes["words"])[:8])
def test_a_stroke_sign_told_as_coming_and_going_gets_the_direct_question(reader, often):
    assert reader.read(f"one side of my face goes numb {often}").status_of("RF_STROKE") == U
    # another sentence's rhythm does not soften a sign told as now
    assert reader.read(f"my feet tingle {often}. this morning my face dropped on one side").status_of("RF_STROKE") == P


@pytest.mark.parametrize("limb", ["legs", "leg", "foot", "arm"])
@pytest.mark.parametrize("when", ["overnight", "this morning", "all of a sudden"])
def test_a_limb_gone_numb_suddenly_is_not_a_lost_blood_supply(reader, limb, when):
    # reference section 5: painful, pale, cold and numb; numbness alone is the nerves
    assert reader.read(f"my {limb} went numb {when}").status_of("RF_LIMB_ISCHAEMIA") is None
    assert reader.read(f"my {limb} went white and cold {when}").status_of("RF_LIMB_ISCHAEMIA") == P


@pytest.mark.parametrize("feeling", ["numb", "tingly", "cold", "blotchy"])
def test_legs_that_went_a_feeling_did_not_give_way(reader, feeling):
    r = reader.read(f"my legs went {feeling} last week")
    assert r.status_of("QL_SEVERE_WEAKNESS") is None and r.status_of("RF_RAPID_WEAKNESS") is None
    assert reader.read("my legs just went and i fell").status_of("QL_SEVERE_WEAKNESS") == P


@pytest.mark.parametrize("relative", ["dad", "nan", "brother", "husband"])
@pytest.mark.parametrize("diagnosis", ["a stroke at 60", "a heart attack years ago", "a mini stroke once"])
def test_a_diagnosis_a_relative_had_told_in_passing_leaves_the_writer_the_subject(reader, relative, diagnosis):
    assert reader.read(f"numb toes for 3 months. my {relative} had {diagnosis} so i worry").subject is None
    # told as happening to them now, the message is about them
    assert reader.read(f"my {relative} had {diagnosis.split(' at ')[0].split(' years')[0].split(' once')[0]} this morning, he can not talk").subject == "other"


@pytest.mark.parametrize("dropped", ["managed to drop two cups of coffee", "keep dropping my phone", "dropped a plate again"])
def test_things_dropped_are_weakness(reader, dropped):
    assert reader.read(f"i {dropped} today").status_of("SX_MUSCLE_WEAK") == P


@pytest.mark.parametrize("task", ["typing", "climbing stairs", "doing up buttons", "opening jars"])
@pytest.mark.parametrize("hard", ["is difficult", "is a struggle", "is getting harder"])
def test_a_task_of_strength_made_hard_is_weakness(reader, task, hard):
    assert reader.read(f"{task} {hard} these days").status_of("SX_MUSCLE_WEAK") == P


@pytest.mark.parametrize("unknown", ["i do not know why", "he does not know why", "nobody can explain why", "i can not work out why"])
@pytest.mark.parametrize("told, code", [("my feet tingle", "SX_PARAESTHESIA"), ("i keep falling", "SX_BALANCE_GAIT")])
def test_not_knowing_the_reason_denies_nothing(reader, unknown, told, code):
    assert reader.read(f"{unknown} {told}").status_of(code) == P


@pytest.mark.parametrize("rhythm", ["every three months", "each week", "every 2 weeks"])
def test_injections_told_by_their_rhythm_are_treatment_and_the_rhythm_no_duration(reader, rhythm):
    r = reader.read(f"i get one injection {rhythm}")
    assert r.status_of("MOD_ON_B12_TREATMENT") == P and r.duration is None
    assert reader.read(f"tingling for 5 days, injections {rhythm}").duration == "days"


@pytest.mark.parametrize("then", ["as a teenager", "as a student", "in high school", "back in the day"])
@pytest.mark.parametrize("told, code", [("i was vegetarian", "RK_DIET_LOW_B12"), ("i had numb feet", "SX_PARAESTHESIA")])
def test_a_time_of_life_gone_by_is_history(reader, then, told, code):
    assert reader.read(f"{told} {then}").status_of(code) != P
    assert reader.read(f"{then} i was fine. now {told.replace('i was', 'i am').replace('i had', 'i have')}").status_of(code) == P


@pytest.mark.parametrize("meaning", ["no intention of", "never want to", "hope i never"])
@pytest.mark.parametrize("waking", ["waking up", "opening my eyes again", "see tomorrow"])
def test_not_meaning_to_wake_again_is_suicidal_language(reader, meaning, waking):
    assert reader.read(f"i go to bed with {meaning} {waking}").status_of("RF_SUICIDAL") == P
    assert reader.read("i do not want to wake up early tomorrow, i am off work").status_of("RF_SUICIDAL") is None


@pytest.mark.parametrize("part", ["memory", "my balance", "eyesight", "energy"])
@pytest.mark.parametrize("fine", ["fine", "is ok", "good"])
def test_a_part_called_fine_is_no_symptom_and_answers_no(reader, part, fine):
    from reader.answers import read_answer

    assert not [f for f in reader.read(f"{part} {fine}").findings if f.status == P]
    assert read_answer(f"{part} {fine}", symptom=True) == "deny"
    assert read_answer(f"{part} not {fine.split()[-1]}", symptom=True) != "deny"
    assert read_answer(f"tired but {fine.split()[-1]}", symptom=True) != "deny"


# Warning signs of the curated lists (NIMH, C-SSRS), as classes: each is generated over
# several ways in and several objects, and a look-alike about B12 or ordinary life is not one.
@pytest.mark.parametrize("search", ["looked up", "have been googling", "researched"])
@pytest.mark.parametrize("what", ["how many tablets it would take", "painless ways", "a lethal dose"])
def test_looking_for_a_way_is_suicidal_with_a_plan(reader, search, what):
    r = reader.read(f"last night i {search} {what}")
    assert r.status_of("RF_SUICIDAL") == P and r.status_of("QL_SELF_HARM_ACTED") == P
    assert reader.read(f"i {search} how much b12 to take").status_of("RF_SUICIDAL") is None


@pytest.mark.parametrize("nobody", ["no one would", "nobody would even"])
@pytest.mark.parametrize("care", ["care", "notice"])
@pytest.mark.parametrize("gone", ["if i was gone", "if i died", "if i disappeared"])
def test_nobody_caring_if_one_were_gone_is_suicidal_language(reader, nobody, care, gone):
    assert reader.read(f"{nobody} {care} {gone}").status_of("RF_SUICIDAL") == P


@pytest.mark.parametrize("indifferent", ["i would not mind if", "i do not care if", "it would not matter if"])
@pytest.mark.parametrize("death", ["i died", "i did not wake up", "a bus hit me"])
def test_indifference_to_ones_own_death_is_suicidal_language(reader, indifferent, death):
    assert reader.read(f"{indifferent} {death}").status_of("RF_SUICIDAL") == P
    assert reader.read(f"{indifferent} i missed the bus").status_of("RF_SUICIDAL") is None


@pytest.mark.parametrize("means", ["a gun in the house", "a rope in the garage", "a blade in my drawer"])
def test_means_turned_on_oneself_is_suicidal_language(reader, means):
    assert reader.read(f"there is {means} and i keep thinking of using it on myself").status_of("RF_SUICIDAL") == P
    assert reader.read(f"there is {means}").status_of("RF_SUICIDAL") is None


@pytest.mark.parametrize("soft", ["i can not see a future", "i have put my affairs in order", "i just want the pain to stop for good",
                                  "what is the point of anything", "i feel so trapped"])
def test_softer_warning_signs_get_the_one_direct_question(reader, soft):
    assert reader.read(soft).status_of("RF_SUICIDAL") == U


@pytest.mark.parametrize("point", ["what is the point of living", "what's the point of going on"])
def test_lifes_point_denied_is_suicidal_and_a_practical_point_is_not(reader, point):
    assert reader.read(point).status_of("RF_SUICIDAL") == P
    assert reader.read("what is the point of taking b12 if it does not help").status_of("RF_SUICIDAL") is None


@pytest.mark.parametrize("denied", ["i no longer want to", "i have lost the will to", "i have no desire to", "i am not sure i want to"])
@pytest.mark.parametrize("living", ["live", "be alive", "be here"])
def test_the_wish_to_live_denied_is_suicidal_language(reader, denied, living):
    assert reader.read(f"{denied} {living}").status_of("RF_SUICIDAL") == P


@pytest.mark.parametrize("plan", ["i do not want to live in london", "he no longer wants to live with us", "i can not go on holiday",
                                  "i can not keep going to work like this", "i do not want to go on tablets"])
def test_where_or_how_to_live_or_go_on_is_not_suicidal_language(reader, plan):
    assert reader.read(plan).status_of("RF_SUICIDAL") is None


@pytest.mark.parametrize("told", ["i will not be here for christmas", "i do not see myself being here much longer"])
def test_oneself_absent_soon_is_suicidal_language(reader, told):
    assert reader.read(told).status_of("RF_SUICIDAL") == P


@pytest.mark.parametrize("unbearable", ["i can not live like this", "i can not keep living like this", "no way i can go on like this"])
def test_living_made_unbearable_gets_the_one_direct_question(reader, unbearable):
    assert reader.read(unbearable).status_of("RF_SUICIDAL") in (U, P)
    assert reader.read("my feet tingle and " + unbearable).status_of("RF_SUICIDAL") in (U, P)


@pytest.mark.parametrize("sign, asked", [("burning", ("SX_BURNING_FEET",)), ("dizzy", ("SX_DIZZY_HEADACHE",)),
                                         ("pregnant", ("MOD_PREGNANT",)), ("diabetic", ("MOD_DIABETES",))])
@pytest.mark.parametrize("after", ["", ", more stabbing", ", just sore"])
def test_the_asked_sign_denied_by_name_is_a_no_whatever_follows(sign, asked, after):
    from reader.answers import read_answer

    assert read_answer(f"not {sign}{after}", symptom=True, codes=asked) == "deny"
    # a frequency, a degree or a near miss is no plain no
    assert read_answer(f"not always {sign}", symptom=True, codes=asked) != "deny"
    assert read_answer(f"not {sign} exactly, more like hot", symptom=True, codes=asked) != "deny"
    # without what was asked a leading "not" is left to the other rules
    assert read_answer(f"not {sign}{after}", symptom=True) is None


@pytest.mark.parametrize("who", ["i", "she says she", "he"])
@pytest.mark.parametrize("able", ["can concentrate ok", "can still walk fine", "can see perfectly well", "can remember things fine"])
def test_an_ability_said_to_be_intact_is_a_no(who, able):
    from reader.answers import read_answer

    assert read_answer(f"{who} {able}", symptom=True) == "deny"
    assert read_answer(f"{who} {able} but only just", symptom=True) != "deny"
    assert read_answer(f"{who} {able.replace('can ', 'can not ').replace('still ', '')}", symptom=True) != "deny"


@pytest.mark.parametrize("relative", ["son", "daughter", "mum", "grandad"])
@pytest.mark.parametrize("told", ["is 9 and has tingly feet", "keeps falling over"])
def test_a_relative_named_as_the_familys_is_the_subject_like_ones_own(reader, relative, told):
    assert reader.read(f"our {relative} {told}").subject == "other"
    assert reader.read(f"my {relative} {told}").subject == "other"
    assert reader.read(f"our {relative} is fine but i have numb feet").subject is None


@pytest.mark.parametrize("told", ["type 1", "yes type one", "t1d since i was 12"])
def test_type_1_diabetes_is_diabetes_and_autoimmune(reader, told):
    r = reader.read(told)
    assert r.status_of("MOD_DIABETES") == P and r.status_of("RK_AUTOIMMUNE") == P


@pytest.mark.parametrize("since", ["since before christmas", "since around easter", "since the summer", "since lockdown",
                                   "ages tbh", "a good while now", "ages"])
def test_a_duration_told_by_an_event_or_vaguely_long_is_months(since):
    from reader.quantities import duration_of

    assert duration_of(since) == "months"
    assert duration_of("vitamins for all ages") is None


@pytest.mark.parametrize("always", ["forever", "as long as i can remember", "for donkeys years"])
def test_a_duration_of_always_is_years(always):
    from reader.quantities import duration_of

    assert duration_of(always) == "years"


@pytest.mark.parametrize("aside", ["(67, type 2 on metformin)", ", 82,", "(he is 70)"])
def test_an_aside_about_the_relative_does_not_hide_what_they_have(reader, aside):
    r = reader.read(f"my dad {aside} has had tingling hands and feet")
    assert r.subject == "other" and r.status_of("SX_PARAESTHESIA") == P


@pytest.mark.parametrize("since", ["since the weekend", "since monday", "since last friday"])
def test_since_a_day_of_this_week_is_days(since):
    from reader.quantities import duration_of

    assert duration_of(f"weaker {since}") == "days"


# ------------------------------------------------------------------ sixth session: classes from new dev material

@pytest.mark.parametrize("stem, irregular", [("creep", "crept"), ("fight", "fought"), ("feel", "felt")])
def test_a_prefix_that_is_a_word_also_matches_its_irregular_forms(stem, irregular):
    import re

    from reader.concepts import inflections, token_spec, words_starting

    assert irregular in words_starting(stem)
    assert re.match(token_spec(stem + "*", inflections())["LOWER"]["REGEX"], irregular)


@pytest.mark.parametrize("before", ["not really eating tbh, whats the point,", "i don't sleep,", "no energy either,"])
def test_a_negation_word_inside_a_findings_own_words_is_the_complaint(reader, before):
    # "nobody would notice if i was gone" holds its own negative: a cue before it does not deny it
    r = reader.read(f"{before} nobody would even notice if i was gone")
    assert r.status_of("RF_SUICIDAL") == P


@pytest.mark.parametrize("limb", ["right hand", "left arm", "left leg"])
@pytest.mark.parametrize("disobeys", ["not obey me", "won't listen to me", "is not responding", "has a mind of its own"])
def test_a_limb_on_one_side_that_no_longer_obeys_is_a_stroke_sign(reader, limb, disobeys):
    assert reader.read(f"since an hour my {limb} {disobeys}").status_of("RF_STROKE") == P


@pytest.mark.parametrize("msg", ["she's fighting for every breath", "he is gasping for each breath", "i cant get a sentence out",
                                 "she can't finish her sentences", "he is struggling to say a full sentence"])
def test_breath_fought_for_or_sentences_not_managed_is_severe_breathlessness(reader, msg):
    assert reader.read(msg).status_of("RF_BREATHLESS_SEVERE") == P


@pytest.mark.parametrize("told, status", [
    ("the numbness in my toes is spreading to the balls of my feet", U),  # no speed, no length: asked once
    ("the other night my legs felt numb and now it has spread to my fingers", P),  # within days: certain
    ("my feet have been numb for two years and it is spreading to my soles", U),  # long: not certain
])
def test_a_spread_with_no_destination_is_certain_only_when_recent(reader, told, status):
    assert reader.read(told).status_of("RF_RAPID_WEAKNESS") == status


@pytest.mark.parametrize("text, duration", [("tingling started in both my toes on tuesday", "days"),
                                            ("it started last friday", "days"), ("the other night", "days"),
                                            ("i am seeing the gp on tuesday", None)])
def test_a_start_on_a_named_day_or_the_other_night_is_days(text, duration):
    from reader.quantities import duration_of

    assert duration_of(text) == duration


@pytest.mark.parametrize("others", ["my family would be lighter without me", "the kids would be fine without me",
                                    "everyone would be happier if i was gone", "they will be better when i am gone"])
def test_others_said_better_with_oneself_gone_is_suicidal(reader, others):
    assert reader.read(others).status_of("RF_SUICIDAL") == P
    assert reader.read("it would be easier without the pain").status_of("RF_SUICIDAL") is None


def test_a_year_alone_dates_a_red_flag_told_with_it(reader):
    r = reader.read("the mini stroke was 2019, face and speech have been fine ever since")
    assert r.status_of("RF_STROKE") != P
    assert "historical" in next(f.context for f in r.findings if f.code == "RF_STROKE")


@pytest.mark.parametrize("before", ["i had a stroke in 2015.", "five years on from my big stroke,", "since my stroke"])
def test_a_sign_of_a_red_flag_had_before_with_no_new_onset_is_asked(reader, before):
    # what a past stroke left is not a new one: "is this new?" (one direct question)
    assert reader.read(f"{before} my left arm is still weak").status_of("RF_STROKE") == U
    assert reader.read(f"my left arm went weak this morning. {before}").status_of("RF_STROKE") == P


@pytest.mark.parametrize("msg, status", [
    ("towards the end of her life she was bedbound", None),  # a time, not an intent
    ("i want to put an end to my pathetic existence", P),
    ("i feel like such a burden lately", U),  # a warning sign of the curated lists: asked once
])
def test_suicidal_classes_of_the_curated_lists(reader, msg, status):
    assert reader.read(msg).status_of("RF_SUICIDAL") == status


@pytest.mark.parametrize("problem", ["b12 problems", "b12 issues"])
def test_a_b12_problem_of_a_relative_told_by_a_pronoun_is_family_history(reader, problem):
    r = reader.read(f"my grandad couldnt walk by the end, he had bad {problem}. now my feet tingle")
    assert r.status_of("RK_FAMILY_HX") == P and r.status_of("SX_PARAESTHESIA") == P


@pytest.mark.parametrize("sign", ["my smile is a bit lopsided", "my left hand is weak", "the right side of my face droops"])
def test_a_stroke_sign_there_for_years_with_no_sudden_onset_is_asked(reader, sign):
    assert reader.read(f"{sign}, i started noticing it a few years ago").status_of("RF_STROKE") == U
    assert reader.read(f"{sign}, it came on suddenly an hour ago").status_of("RF_STROKE") == P


def test_the_knowledge_loader_rejects_an_unknown_code_in_chronic_is_possible():
    from knowledge import _known_codes

    with pytest.raises(ValueError):
        _known_codes("chronic_is_possible", ["RF_NOPE"], load_knowledge().concepts)


@pytest.mark.parametrize("answer", ["no, nothing sudden", "nothing sudden, no", "no, nothing sudden like that",
                                    "nothing sudden, nothing on one side"])
def test_nothing_sudden_is_no_red_flag(reader, answer):
    # "nothing" is a cue word, never a finding's own: a sudden-onset pattern must not take it as one
    assert not [f for f in reader.read(answer).findings if f.code.startswith("RF_") and f.status == P]
@pytest.mark.parametrize("clock", ["a few days later", "the next day", "later that night", "by the 14th", "from the first pill"])
@pytest.mark.parametrize("told, code", [("my legs gave way under me", "RF_RAPID_WEAKNESS"), ("i could not breathe", "RF_BREATHLESS_SEVERE")])
def test_a_red_flag_told_on_a_storys_own_clock_is_history_and_asked_about(reader, clock, told, code):
    # "a few days later ..." in the past tense tells from inside a past episode: one direct question
    assert reader.read(f"{clock} {told}").status_of(code) == U
    # back to now in the same sentence, it is acted on
    assert reader.read(f"{clock} {told} and now i still can not").status_of(code) == P


def test_a_storys_clock_in_the_present_tense_is_a_habit_not_a_story(reader):
    assert reader.read("every time you wake up the next day you can not breathe").status_of("RF_BREATHLESS_SEVERE") == P



@pytest.mark.parametrize("today", ["woke up with", "since this morning i have had", "a few hours ago i got"])
def test_weakness_spreading_that_came_on_within_a_day_is_the_emergency_qualifier(reader, today):
    # reference section 5: spreading weakness is an emergency "if it came on within a day"
    r = reader.read(f"{today} pins and needles in both feet and now it's up past my knees")
    assert r.status_of("RF_RAPID_WEAKNESS") == P and r.status_of("QL_SEVERE_WEAKNESS") == P
    slow = reader.read("pins and needles in both feet for months and now it's up past my knees")
    assert slow.status_of("QL_SEVERE_WEAKNESS") is None


@pytest.mark.parametrize("msg, status", [
    ("around this time last year i was experiencing extreme fatigue", None),  # dated, past, nothing now: history
    ("in 2015 my feet were numb for a while", None),
    ("it all started last autumn, the ends of my fingers started to feel numb", P),  # when it began, not an ended episode
    ("last year i was exhausted and i am still exhausted now", P),  # back to now
    ("i was exhausted all last week", P),  # not the distant past
])
def test_a_symptom_in_a_sentence_dated_in_the_distant_past_is_history(reader, msg, status):
    code = "SX_FATIGUE" if "xhaust" in msg or "fatigue" in msg else "SX_PARAESTHESIA"
    assert reader.read(msg).status_of(code) == status


@pytest.mark.parametrize("msg, status", [
    # an episode a date opened goes on in the past tense: what it tells of is history
    ("in 2009 i had a serious injury. my right leg was numb and useless", None),
    ("back in march i was off work with flu. i was exhausted and dizzy", None),
    # the story of how the trouble began is the trouble now
    ("it all started last autumn. i was constantly exhausted", P),
    ("last year i had flu. since then i have been exhausted", P),
    # back to now
    ("in 2009 i had a serious injury. now i am exhausted all the time", P),
])
def test_a_symptom_told_in_the_past_tense_inside_a_dated_episode_is_history(reader, msg, status):
    code = "SX_FATIGUE" if "xhaust" in msg else "SX_PARAESTHESIA"
    assert reader.read(msg).status_of(code) == status


@pytest.mark.parametrize("said", ["i have worked out the details of how to end it", "i intend to act on these thoughts",
                                  "i had the pills in my hand last night", "i don't think i can keep myself safe",
                                  "i stood on the ledge for an hour"])
def test_the_cssrs_behaviour_items_are_suicidal_at_the_emergency_level(reader, said):
    # intent, a plan's details, an aborted attempt, not able to keep safe: a plan or an act (reference section 5)
    r = reader.read(said)
    assert r.status_of("RF_SUICIDAL") == P and r.status_of("QL_SELF_HARM_ACTED") == P


@pytest.mark.parametrize("said", ["i will act on your advice", "we went up to the roof terrace for drinks",
                                  "i plan to act on what the gp says"])
def test_everyday_intent_and_heights_are_not_suicidal(reader, said):
    assert reader.read(said).status_of("RF_SUICIDAL") is None


def test_means_obtained_with_no_intent_is_asked_once(reader):
    assert reader.read("i bought a rope last week").status_of("RF_SUICIDAL") == U


@pytest.mark.parametrize("said", [
    "the pills are ready and i keep thinking of using them",  # means at hand, thought of using
    "im scared of what i might do tonight",  # not trusting oneself
    "in the garage with the door shut and the engine running",  # a method in progress
    "i know how many it would take",  # how much would be enough
    "i took about 30 of them all at once",  # an overdose told by a number
    "been stashing my codeine for weeks",  # means put by
])
def test_means_methods_and_acts_are_suicidal_at_the_emergency_level(reader, said):
    r = reader.read(said)
    assert r.status_of("RF_SUICIDAL") == P and r.status_of("QL_SELF_HARM_ACTED") == P


@pytest.mark.parametrize("said", ["i keep imagining stepping in front of a train", "everyone would be happier if i disappeared",
                                  "this is a body im not planning on keeping much longer", "i won't be seeing christmas"])
def test_ones_own_death_pictured_or_foretold_is_suicidal(reader, said):
    assert reader.read(said).status_of("RF_SUICIDAL") == P


@pytest.mark.parametrize("said", ["we have enough tablets for the week", "i took 2 of them at once with water",
                                  "the car engine was running in the garage when i fixed it"])
def test_everyday_tablets_and_engines_are_not_suicidal(reader, said):
    assert reader.read(said).status_of("RF_SUICIDAL") is None


@pytest.mark.parametrize("restart", ["been on", "had", "taking", "using"])
def test_a_statement_restarted_after_a_comma_ends_a_hedge_and_a_composition(reader, restart):
    # "dying to know if my numb fingers could be b12 related, been on metformin 8 yrs": the hedge
    # of the question and the "b12 ... been on" composition both end at the restart
    r = reader.read(f"wondering if my numb fingers could be b12 related, {restart} metformin for 8 years")
    assert r.status_of("RK_MED_METFORMIN") == P
    assert r.status_of("MOD_ON_B12_TREATMENT") is None


# ------------------------------------------------------------------ seventh session's classes

_ENDINGS = load_knowledge().ended_episode["words"]


@pytest.mark.parametrize("ending", _ENDINGS)
def test_a_red_flag_told_as_an_episode_that_ended_is_asked_not_acted_on(reader, ending):
    # history (reference section 5): one direct question ("right now?"), never dropped
    tail = ending if ending.startswith(("it ", "that ")) else f"it {ending}" if " " in ending or ending.endswith("ed") \
        else f"it is {ending}"
    msg = f"i had a crushing pain in my chest on sunday but {tail}"
    assert reader.read(msg).status_of("RF_CHEST_PAIN") == U, msg


def test_an_ending_in_the_next_sentence_pointing_back_counts_and_one_before_the_sign_does_not(reader):
    assert reader.read("my face drooped on one side on sunday. it passed after ten minutes").status_of("RF_STROKE") == U
    assert reader.read("the tingling went away but now my face is drooping on one side").status_of("RF_STROKE") == P


@pytest.mark.parametrize("msg, code", [("my legs stopped working this morning", "RF_RAPID_WEAKNESS"),
                                        ("i havent passed water since yesterday and my back is agony", "RF_BLADDER_BOWEL")])
def test_words_of_a_function_lost_are_not_an_ending(reader, msg, code):
    assert reader.read(msg).status_of(code) == P


@pytest.mark.parametrize("text, expected", [("ive planned how id do it", "i have planned how i would do it"),
                                            ("id rather not say", "i would rather not say"),
                                            ("i think id been there before", "i think i had been there before"),
                                            ("my photo id is out of date", "my photo id is out of date"),
                                            ("bring your id card", "bring your id card")])
def test_id_typed_for_i_would_is_expanded_where_a_clause_starts(text, expected):
    from reader.normalise import normalise

    assert normalise(text) == expected


@pytest.mark.parametrize("verb", ["stockpiling", "hoarding", "stashing"])
@pytest.mark.parametrize("what", ["them", "those", "enough"])
def test_the_means_put_by_named_by_a_pronoun_is_the_emergency_level(reader, verb, what):
    r = reader.read(f"just sertraline. ive been {verb} {what} for a while")
    assert r.status_of("RF_SUICIDAL") == P and r.status_of("QL_SELF_HARM_ACTED") == P


def test_stockpiling_food_is_not_suicidal(reader):
    assert reader.read("we stockpiled tins and pasta for the winter").status_of("RF_SUICIDAL") is None


@pytest.mark.parametrize("verb", ["planned", "worked out", "figured out", "decided"])
def test_a_method_settled_for_oneself_is_suicidal_at_the_emergency_level(reader, verb):
    r = reader.read(f"ive {verb} how id do it")
    assert r.status_of("RF_SUICIDAL") == P and r.status_of("QL_SELF_HARM_ACTED") == P


def test_knowing_how_to_do_an_injection_is_not_suicidal(reader):
    assert reader.read("i know how to do it myself, the nurse showed me").status_of("RF_SUICIDAL") is None


@pytest.mark.parametrize("msg", ["34. if i make it to 35 lol", "if im still here by christmas", "if i live to 40"])
def test_living_to_a_time_doubted_is_asked_once(reader, msg):
    assert reader.read(msg).status_of("RF_SUICIDAL") == U


@pytest.mark.parametrize("side", ["that side", "the left", "one side"])
@pytest.mark.parametrize("feel", ["heavy", "weak", "slack"])
def test_a_face_weak_or_heavy_on_one_side_is_a_stroke_sign(reader, side, feel):
    assert reader.read(f"my face feels {feel} on {side}").status_of("RF_STROKE") == P


@pytest.mark.parametrize("refusal", ["wont grip", "won't hold", "will not lift"])
def test_a_limb_on_one_side_that_refuses_is_a_stroke_sign_and_both_hands_are_not(reader, refusal):
    assert reader.read(f"my left hand {refusal} anything").status_of("RF_STROKE") == P
    assert reader.read(f"my hands {refusal} jars anymore").status_of("RF_STROKE") is None


@pytest.mark.parametrize("idiom", ["im dead on my feet by 3pm", "ive been rushed off my feet at work", "im back on my feet now",
                                   "my feet ache and id kill for a decent nights sleep"])
def test_idioms_of_the_feet_are_not_nerve_symptoms(reader, idiom):
    r = reader.read(idiom)
    assert all(r.status_of(c) is None for c in ("SX_PARAESTHESIA", "SX_MUSCLE_WEAK", "RF_SUICIDAL")), idiom
    if "ache" not in idiom:
        assert r.status_of("SX_HEEL_FOOT_PAIN") is None, idiom


def test_a_function_lost_names_an_option_rather_than_denying_it():
    from reader.answers import read_choice

    options = {"RF_STROKE": "Face drooping, arm weakness or slurred speech", "RF_CHEST_PAIN": "Chest pain or tightness",
               "RF_BREATHLESS_SEVERE": "Struggling to breathe"}
    said = "the face and arm one i think - my left hand wont grip anything and my face feels heavy on that side"
    assert read_choice(said, options) == "RF_STROKE"
    assert read_choice("i cant breathe properly", options) == "RF_BREATHLESS_SEVERE"
    assert read_choice("no, her face and arms are fine", options) is None


def test_a_multiword_cue_inside_a_findings_own_words_negates_nothing_after_it(reader):
    # every termset cue of more than one word that a finding's phrase holds: "lack of energy"
    r = reader.read("it is also the cause of my lack of energy, dizzy spells and shortness of breath")
    assert r.status_of("SX_FATIGUE") == P and r.status_of("SX_DIZZY_HEADACHE") == P and r.status_of("SX_BREATHLESS_MILD") == P
    from reader.context import ContextReader

    own = ContextReader._finding_words_with_cues(load_knowledge())
    assert "lack of energy" in own
    assert reader.read("i have a lack of energy and no chest pain").status_of("RF_CHEST_PAIN") == A


@pytest.mark.parametrize("msg", ["let death come", "i would welcome death honestly", "i wouldnt mind dying tbh",
                                 "i would not care if i did not wake up tomorrow"])
def test_a_passive_wish_to_be_dead_is_suicidal(reader, msg):
    assert reader.read(msg).status_of("RF_SUICIDAL") == P


def test_dying_typed_for_dyeing_is_not_suicidal(reader):
    assert reader.read("i wouldnt mind dying my hair red").status_of("RF_SUICIDAL") is None


@pytest.mark.parametrize("gone", ["is basically gone", "has gone", "is dulled"])
def test_the_sense_of_touch_told_as_gone_is_numbness(reader, gone):
    assert reader.read(f"the touch sensation {gone} in both hands").status_of("SX_PARAESTHESIA") == P


def test_every_phrase_of_the_knowledge_file_is_found_as_its_code(reader):
    # a phrase that can never match is a silent hole: cut into other tokens than a message is
    # ("grave's"), "corrected" by the speller into another word ("ashy" -> "achy"), or taken
    # back by an exclusion whose inflections reach it ("dye" took every "dying"). A code that
    # another one found there suppresses by design (knowledge `suppresses`) counts as found.
    k = load_knowledge()
    holes = []
    for code, concept in k.concepts.items():
        for phrase in concept.phrases:
            if "*" in phrase or "@" in phrase or "_num_" in phrase:
                continue
            found = {m.code for m in reader.concepts.matches(reader.doc(phrase))}
            if code not in found and not any(code in k.concept(f).suppresses for f in found):
                holes.append((code, phrase))
    assert holes == []


@pytest.mark.parametrize("msg", ["my face went numb on the left and my words came out wrong about an hour ago, its gone now",
                                 "this morning my arm went dead and my face drooped, it passed after ten minutes",
                                 "my face drooped on one side on sunday and it is a bit better now"])
def test_a_stroke_sign_that_began_within_hours_and_passed_or_only_improved_stays_the_emergency(reader, msg):
    assert reader.read(msg).status_of("RF_STROKE") == P


def test_a_short_word_is_not_taken_for_an_option_by_fuzzy_likeness():
    from reader.answers import read_choice

    options = {"RF_LIMB_ISCHAEMIA": "A leg suddenly cold, pale and painful", "RF_CHEST_PAIN": "Chest pain or tightness"}
    assert read_choice("nothing new, just the old foot", options) is None  # "old" is not "cold"
    assert read_choice("my leg went cold and pale", options) == "RF_LIMB_ISCHAEMIA"
    assert read_choice("chesst", options) == "RF_CHEST_PAIN"  # a typo of a longer word still counts


def test_nothing_new_after_an_old_complaint_answers_the_screen_no():
    from reader.answers import read_answer

    said = "no... well my left foot's numb but that's been the case for years, since my back op. nothing new"
    assert read_answer(said, options=7, codes=("RF_STROKE", "RF_CHEST_PAIN")) == "deny"


@pytest.mark.parametrize("when", ["since lunch", "since this morning", "since 3pm", "since monday"])
def test_since_before_a_time_does_not_end_the_clause(when):
    from reader.concepts import clause_spans

    r = __import__("reader").default_reader()
    doc = r.doc(f"my head is very bad {when}")
    clause_of, _ = clause_spans(doc)
    assert len(set(clause_of)) == 1
    doc = r.doc("i am tired since i went vegan")  # "since" as "because" or before a clause still ends it
    assert len(set(clause_spans(doc)[0])) == 2


@pytest.mark.parametrize("msg", ["the head is very bad since lunch", "my head has been pounding since this morning",
                                 "splitting headache that came on an hour ago"])
def test_a_severe_headache_begun_today_is_asked_about_once(reader, msg):
    # "sudden ... severe headache" (reference section 5): one direct question settles the onset;
    # a length of days does not make it certain, as it does one-sided numbness (the rule's side)
    assert reader.read(msg).status_of("RF_STROKE") == U


def test_bad_headaches_with_no_onset_today_are_not_a_stroke_sign(reader):
    assert reader.read("i get really bad headaches most weeks").status_of("RF_STROKE") is None


@pytest.mark.parametrize("msg", ["he is convinced the neighbours are filming him through the wall",
                                 "last week he heard someone say his name in the empty kitchen"])
def test_persecutory_beliefs_and_voices_where_nobody_is_are_psychosis(reader, msg):
    assert reader.read(msg).status_of("SX_PSYCHOSIS") == P


def test_hearing_someone_at_the_door_is_not_psychosis(reader):
    assert reader.read("i heard someone at the door when i was home alone").status_of("SX_PSYCHOSIS") is None


@pytest.mark.parametrize("msg, just, expected", [
    ("ugh the same pain again, worse this time", False, True),   # a pointer holds however long ago
    ("that again, right now", False, True),
    ("its sort of tight right now", True, True),                 # "it is <state>" only right after
    ("its sort of tight right now", False, False),
    ("it is worse now", True, False),                            # worse: the symptoms' course, not a pointer
    ("no, it is not there now", True, False),                    # pointed at and denied
    ("the same pain as before", False, False),                   # no word of now or again
])
def test_pointing_back_at_something_named_before_with_a_word_of_now(msg, just, expected):
    from reader.answers import refers_back

    assert refers_back(msg, just_named=just) is expected


@pytest.mark.parametrize("function", ["walking", "standing", "getting up"])
def test_a_function_not_done_without_the_complaint_does_not_negate_it(reader, function):
    # "a hard time walking without ... tripping over my own feet": the tripping happens
    r = reader.read(f"i have a really hard time {function} without tripping over my own feet")
    assert r.status_of("SX_BALANCE_GAIT") == P


@pytest.mark.parametrize("msg", ["a second cramp left me unable to stand", "i cant walk because of the pain in my heel",
                                 "she can't put weight on it for the pain"])
def test_a_function_stopped_by_pain_is_not_weakness(reader, msg):
    r = reader.read(msg)
    assert all(r.status_of(c) is None for c in ("RF_RAPID_WEAKNESS", "QL_SEVERE_WEAKNESS", "SX_MUSCLE_WEAK")), msg


@pytest.mark.parametrize("msg, code", [("its so hard to walk when i cant feel my feet", "SX_BALANCE_GAIT"),
                                       ("i am struggling to keep my balance", "SX_BALANCE_GAIT"),
                                       ("i have been falling quite a bit lately", "SX_BALANCE_GAIT"),
                                       ("i nearly fell twice this week", "SX_BALANCE_GAIT"),
                                       ("i found it hard to stand", "SX_MUSCLE_WEAK"),
                                       ("it is very hard to hold on to anything", "SX_MUSCLE_WEAK"),
                                       ("sweeping the floor made my legs shake so much i had to sit down", "SX_MUSCLE_WEAK")])
def test_a_function_told_as_hard_or_failing_with_effort_is_its_symptom(reader, msg, code):
    assert reader.read(msg).status_of(code) == P


@pytest.mark.parametrize("msg", ["i fell asleep again on the sofa", "i fell in love with running"])
def test_falling_asleep_or_in_love_is_not_a_fall(reader, msg):
    assert reader.read(msg).status_of("SX_BALANCE_GAIT") is None


def test_a_grip_with_a_limit_is_not_a_lost_function(reader):
    r = reader.read("i can not hold anything over a certain weight in my left hand")
    assert r.status_of("RF_STROKE") is None and r.status_of("RF_RAPID_WEAKNESS") is None


# ------------------------------------------------------------------ session 2026-12-07 evening
@pytest.mark.parametrize("message", ["gradually", "it came on slowly", "they started gradually", "a few months. gradually"])
def test_a_word_of_how_it_began_is_the_onset_not_a_worsening(reader, message):
    found = reader.read(message)
    assert found.onset == "gradual"
    assert found.progression is None


@pytest.mark.parametrize("message", ["slowly getting worse", "it's gradually getting worse", "worse, slowly"])
def test_a_slow_word_with_a_worsening_is_still_slowly_worse(reader, message):
    assert reader.read(message).progression == "slow"


@pytest.mark.parametrize("lost", ["hasn't been able to", "has not been able to", "is unable to", "is not able to",
                                  "has been unable to"])
@pytest.mark.parametrize("function, code", [("speak since this morning", "RF_STROKE"),
                                            ("move his left arm since this morning", "RF_STROKE"),
                                            ("walk since yesterday", "RF_RAPID_WEAKNESS")])
def test_an_ability_lost_said_any_way_reads_as_can_not(reader, lost, function, code):
    assert reader.read(f"my dad {lost} {function}").status_of(code) == reader.read(f"my dad can't {function}").status_of(code) == P


def test_an_ability_never_had_is_not_one_lost():
    from reader.normalise import normalise
    assert "can not" not in normalise("i have never been able to whistle")


@pytest.mark.parametrize("message", [
    "i can't speak more than a couple of sentences without having to pause for a big breath",
    "she can't talk without running out of breath",
    "i have to stop for breath between sentences",
])
def test_talking_cut_short_by_breath_is_struggling_to_breathe(reader, message):
    assert reader.read(message).status_of("RF_BREATHLESS_SEVERE") == P


@pytest.mark.parametrize("message", ["i talk too much lol and i get out of breath walking up hills",
                                     "we talked for hours at lunch. later on the stairs i was out of breath"])
def test_talking_and_breath_apart_are_not_struggling_to_breathe(reader, message):
    assert reader.read(message).status_of("RF_BREATHLESS_SEVERE") != P


@pytest.mark.parametrize("limbs", ["my legs", "both arms", "both hands"])
def test_both_limbs_of_a_pair_are_no_sign_of_one_side(reader, limbs):
    found = reader.read(f"i can't move {limbs}")
    assert found.status_of("RF_STROKE") is None
    assert reader.read("i can't move my left arm").status_of("RF_STROKE") == P


def test_not_being_able_to_wake_is_no_wish_not_to_wake(reader):
    assert reader.read("i could not wake up for a while after the fall").status_of("RF_SUICIDAL") != P
    assert reader.read("i want to go to sleep and not wake up").status_of("RF_SUICIDAL") == P


@pytest.mark.parametrize("seen", ["i got to the hospital and they did a ct scan, everything was normal",
                                  "went to a&e and they sent me home", "i was admitted for two days"])
def test_a_red_flag_already_seen_to_in_hospital_is_asked_not_acted_on(reader, seen):
    told = "last week my face drooped on one side and i couldn't lift my arm."
    assert reader.read(told).status_of("RF_STROKE") == P
    assert reader.read(f"{told} {seen}").status_of("RF_STROKE") == Status.UNSURE


@pytest.mark.parametrize("message", [
    "my husband's face is drooping on one side, i've called an ambulance, what do i do?",
    "my face drooped an hour ago, i went to a&e and they sent me home",
])
def test_calling_for_help_now_or_a_sign_within_hours_stays_the_emergency(reader, message):
    assert reader.read(message).status_of("RF_STROKE") == P


@pytest.mark.parametrize("help_", ["i've called an ambulance", "i have phoned 999", "i've rung 111"])
def test_getting_help_for_someone_leaves_the_message_about_them(reader, help_):
    found = reader.read(f"my husband's face is drooping on one side, {help_}")
    assert found.subject == "other" and found.status_of("RF_STROKE") == P


def test_the_writers_own_experience_after_a_relatives_condition_stays_the_writers(reader):
    assert reader.read("my husband is vegan and i have noticed numb feet").subject is None


@pytest.mark.parametrize("thought", ["is on my mind", "is on my brain once again", "has crossed my mind", "is in my head all the time"])
def test_suicide_named_as_a_thought_that_is_there_is_the_red_flag(reader, thought):
    assert reader.read(f"suicide {thought}").status_of("RF_SUICIDAL") == P


@pytest.mark.parametrize("message", ["is suicide more common in winter?", "is suicide on the rise?"])
def test_suicide_named_in_a_question_is_no_thought_of_ones_own(reader, message):
    assert reader.read(message).status_of("RF_SUICIDAL") != P


@pytest.mark.parametrize("message", ["maybe if i disappeared everyone will be happy", "they would all be happy if i was gone"])
def test_others_happy_with_oneself_gone_is_the_red_flag(reader, message):
    assert reader.read(message).status_of("RF_SUICIDAL") == P


@pytest.mark.parametrize("droop", ["is hanging on the left side", "was hanging loose", "has gone slack on one side", "has fallen on one side"])
@pytest.mark.parametrize("site", ["mouth", "face"])
def test_a_face_hanging_or_slack_is_a_drooping_face(reader, site, droop):
    assert reader.read(f"my {site} {droop}").status_of("RF_STROKE") == P


def test_a_mouth_hanging_open_in_sleep_is_no_drooping_face(reader):
    assert reader.read("my mouth hangs open when i sleep").status_of("RF_STROKE") is None


def test_a_red_flag_only_in_doubt_as_another_persons_is_marked_theirs(reader):
    found = reader.read("it's his state of mind. I found he's been keeping his sleeping tablets back in a drawer")
    f = next(f for f in found.findings if f.code == "RF_SUICIDAL")
    assert f.status == Status.UNSURE and "theirs" in f.context
    possible = reader.read("i'm not sure about him. his chest feels funny")  # possible whoever it is about
    assert all("theirs" not in f.context for f in possible.findings)


# ------------------------------------------------------------------ red-team dev classes (rt_h)
@pytest.mark.parametrize("thing", ["supplements", "pills", "help from anyone"])
def test_a_negation_of_no_finding_ends_at_its_comma(reader, thing):
    found = reader.read(f"vegan 8 yrs, no {thing}, tingly feet and exhausted")
    assert found.status_of("SX_PARAESTHESIA") == P and found.status_of("SX_FATIGUE") == P


@pytest.mark.parametrize("message", ["no fever, tingling or weakness", "no chest pain, tingly feet or tiredness"])
def test_a_negated_list_going_on_with_or_stays_negated(reader, message):
    assert reader.read(message).status_of("SX_PARAESTHESIA") == A


def test_just_after_a_comma_starts_what_is_there(reader):
    found = reader.read("no chest pain or anything, just tingly feet")
    assert found.status_of("SX_HEEL_FOOT_PAIN") is None and found.status_of("SX_PARAESTHESIA") == P
    assert reader.read("burning pain, just in my feet").status_of("SX_BURNING_FEET") == P


@pytest.mark.parametrize("message", ["yes or no, is 180 ok or not?", "yes/no?", "yeah or nah, is it serious"])
def test_the_alternative_asked_back_is_no_answer(message):
    assert read_answer(message, options=7) is None


@pytest.mark.parametrize("message", ["i eat only plants", "my diet is purely plants", "nothing from animals at all"])
def test_a_diet_told_by_what_it_holds_is_a_low_b12_diet(reader, message):
    assert reader.read(message).status_of("RK_DIET_LOW_B12") == P


def test_plants_that_are_not_food_are_no_diet(reader):
    assert reader.read("we grow only plants in the garden").status_of("RK_DIET_LOW_B12") is None


@pytest.mark.parametrize("message", ["my dad had a stroke last year so im paranoid", "maybe i'm paranoid it's my b12",
                                     "i'm a bit paranoid about my heart"])
def test_paranoid_as_worried_is_no_paranoia(reader, message):
    assert reader.read(message).status_of("SX_PSYCHOSIS") is None


def test_paranoid_with_a_persecutory_belief_is_still_paranoia(reader):
    assert reader.read("he is paranoid, thinks the neighbours are spying on him").status_of("SX_PSYCHOSIS") == P


@pytest.mark.parametrize("message", ["been on omeprazole for years. should i just stop taking it?",
                                     "should i stop my omeprazole?",
                                     "if i just stop it for a couple of weeks before the blood test thatd be fine right?"])
def test_asking_whether_to_stop_a_medicine_gets_the_prescriber_note(reader, message):
    assert reader.read(message).status_of("QL_STOP_MEDICINE") == P


@pytest.mark.parametrize("message, code", [("my chest is tight", "RF_CHEST_PAIN"), ("his mouth was a little crooked", "RF_STROKE"),
                                           ("right now its a bit hard to breathe actually", "RF_BREATHLESS_SEVERE"),
                                           ("my chest is kinda squeezing and my left arm feels heavy", "RF_CHEST_PAIN"),
                                           ("i kind of want to die", "RF_SUICIDAL")])
def test_red_flags_told_softly_stay_told(reader, message, code):
    # recall first: a softening word ("kinda", "a little") does not make a red flag only possible
    assert reader.read(message).status_of(code) == P


@pytest.mark.parametrize("thing", ["meat", "the smell of fish", "it anymore", "people"])
def test_cannot_stand_a_thing_is_not_liking_it(reader, thing):
    assert reader.read(f"i can't stand {thing}").status_of("RF_RAPID_WEAKNESS") is None


@pytest.mark.parametrize("message", ["i can't stand up", "cant stand my legs wont hold me", "i can't stand, my legs are like jelly"])
def test_cannot_stand_without_an_object_is_still_told(reader, message):
    assert reader.read(message).status_of("RF_RAPID_WEAKNESS") == P


@pytest.mark.parametrize("ending", ["fine since", "been fine since", "no problems since"])
def test_an_episode_fine_since_is_asked_not_acted_on(reader, ending):
    assert reader.read(f"my legs gave way on monday, {ending}").status_of("RF_RAPID_WEAKNESS") == Status.UNSURE


def test_last_new_year_is_a_distant_past(reader):
    found = reader.read("my legs went from under me once last new year")
    assert found.status_of("RF_RAPID_WEAKNESS") == Status.UNSURE


# ------------------------------------------------------------------ ninth session's classes (dev of the new material)

@pytest.mark.parametrize("msg, code", [
    ("this brain fog and lack of thinking makes me suicidal", "RF_SUICIDAL"),
    ("no sleep leaves me exhausted", "SX_FATIGUE"),
    ("not eating properly made me dizzy", "SX_DIZZY_HEADACHE"),
])
def test_a_new_predicate_about_the_writer_ends_a_negation(reader, msg, code):
    # "lack of X makes me Y": the negation's object is X; Y is told of the writer
    assert reader.read(msg).status_of(code) == P


@pytest.mark.parametrize("limit", ["5k", "a mile", "3 miles", "round the block", "to the end of the road"])
def test_walking_limited_by_a_distance_is_no_emergency(reader, limit):
    r = reader.read(f"today i couldn't even walk {limit}")
    assert r.status_of("RF_RAPID_WEAKNESS") is None and r.status_of("QL_SEVERE_WEAKNESS") is None
    assert reader.read("today i couldn't walk").status_of("RF_RAPID_WEAKNESS") == P


@pytest.mark.parametrize("msg", ["the pain in my foot this morning is of such intensity that i can barely stand up",
                                 "my heel is so painful i can not walk today",
                                 "it hurts too much to stand this morning"])
def test_a_function_stopped_by_the_intensity_of_pain_is_no_weakness(reader, msg):
    assert reader.read(msg).status_of("RF_RAPID_WEAKNESS") is None


@pytest.mark.parametrize("site", ["bum", "backside", "inner thighs", "bottom", "private parts"])
def test_the_saddle_with_any_tingling_word_is_the_cauda_equina_flag(reader, site):
    for feeling in ("fuzzy", "numb", "tingly", "pins and needles in my"):
        msg = f"{feeling} {site}" if feeling.endswith("my") else f"my {site} feels {feeling}"
        assert reader.read(msg).status_of("RF_BLADDER_BOWEL") == P, msg


@pytest.mark.parametrize("msg", ["from the hips down i am numb", "i have no feeling from the waist down",
                                 "numb below the waist since yesterday"])
def test_a_numb_region_holding_the_saddle_is_the_cauda_equina_flag(reader, msg):
    assert reader.read(msg).status_of("RF_BLADDER_BOWEL") == P


@pytest.mark.parametrize("msg", ["i have wanted out of this life so bad", "i have a mind that yearns for death",
                                 "honestly i am ready to die"])
def test_wanting_out_of_life_is_suicidal(reader, msg):
    assert reader.read(msg).status_of("RF_SUICIDAL") == P


@pytest.mark.parametrize("msg", ["i do not know how much longer i can deal with this pain",
                                 "my suffering may just be too much to bear", "i am at the end of my tether with it all"])
def test_endurance_near_its_end_is_asked_about_not_ignored_nor_assumed(reader, msg):
    assert reader.read(msg).status_of("RF_SUICIDAL") == U


def test_a_diagnosis_ruled_out_does_not_deny_the_sign(reader):
    r = reader.read("my chest feels funny. it is not a heart attack though")
    assert r.status_of("RF_CHEST_PAIN") == U  # the sign is still asked about
    assert reader.read("no chest pain at all").status_of("RF_CHEST_PAIN") == A


@pytest.mark.parametrize("after", ["they sent her home", "they kept him in for two days", "after eight hours in the hospital"])
def test_an_episode_seen_to_whoever_it_was_is_asked_about(reader, after):
    r = reader.read(f"last week mum had chest and left arm pain, {after}")
    assert r.status_of("RF_CHEST_PAIN") == U


@pytest.mark.parametrize("text, duration", [("day 3 of being bed bound", "days"), ("this is the 20th day of this headache", "weeks")])
def test_a_day_count_is_a_duration(text, duration):
    from reader.quantities import duration_of

    assert duration_of(text) == duration


def test_bed_bound_is_a_function_lost(reader):
    assert reader.read("day 3 of being bed bound, my legs just tingle").status_of("RF_RAPID_WEAKNESS") == P


@pytest.mark.parametrize("msg", ["i watched her fighting for breath", "i saw him and his face was drooping"])
def test_what_a_witness_saw_is_the_other_persons(reader, msg):
    f = next(f for f in reader.read(msg).findings if f.code.startswith("RF_"))
    assert f.status == U and "theirs" in f.context


def test_a_bruised_feeling_inside_the_chest_is_asked_about(reader):
    assert reader.read("like the inside of my chest is bruised").status_of("RF_CHEST_PAIN") == U


@pytest.mark.parametrize("msg, duration", [
    ("type 2 diabetic, been on metformin 8 years. my feet burn at night", None),
    ("vegan for 10 years and my feet have tingled for 3 weeks", "weeks"),
    ("been taking omeprazole for years, now my hands are numb", None),
    ("numb feet for ages, vegan", "months"),
    ("tingling feet for 2 years", "years"),
])
def test_a_length_told_of_a_risk_factor_is_not_how_long_the_symptoms_have_lasted(reader, msg, duration):
    # the interview still asks how long; a wrong "years" would also make a new sign look chronic
    assert reader.read(msg).duration == duration


@pytest.mark.parametrize("start", ["since sunday", "for 4 days", "a few days ago", "since last week"])
def test_a_time_of_this_day_is_no_onset_when_an_earlier_start_is_told(reader, start):
    # reference section 5: spreading weakness is an emergency "if it came on within a day"
    r = reader.read(f"tingling in my toes {start} and now it is going up, today up to my knees")
    assert r.status_of("RF_RAPID_WEAKNESS") == P and r.status_of("QL_SEVERE_WEAKNESS") is None
    today = reader.read("tingling in my toes this morning and now it is going up, today up to my knees")
    assert today.status_of("QL_SEVERE_WEAKNESS") == P


@pytest.mark.parametrize("msg, subject", [
    ("my dad almost fell down twice in the store", "other"),  # any verb of theirs, past an adverb
    ("my mother has started to fall", "other"),
    ("my mum collapsed this morning", "other"),
    ("my dad's feet are numb", "other"),  # their body
    ("my mum's side of the family has a lot of allergies and my feet tingle", None),
    ("my mother begged me to help. i have been so tired since", None),  # told to the writer
    ("my husband walks with a stick and i have numb feet", None),  # the writer's own
])
def test_a_relative_doing_something_is_whom_the_message_is_about(reader, msg, subject):
    assert reader.read(msg).subject == subject


@pytest.mark.parametrize("msg", ["my hands are not strong enough to write", "i have no strength in my legs",
                                 "my arms have lost their strength"])
def test_strength_told_as_lacking_in_a_limb_is_weakness(reader, msg):
    assert reader.read(msg).status_of("SX_MUSCLE_WEAK") == P


@pytest.mark.parametrize("msg, code", [("i can no longer feel my toes", "SX_PARAESTHESIA"),
                                       ("this morning i could no longer lift my left arm", "RF_STROKE")])
def test_an_ability_no_longer_there_is_lost(reader, msg, code):
    assert reader.read(msg).status_of(code) == P


# ------------------------------------------------------------------ curated lists (warning signs, FAST, GBS, foot care)

@pytest.mark.parametrize("msg", [
    "no one cares if i live or die", "who cares if i'm gone", "i won't be a problem for you much longer",
    "soon you won't have to worry about me", "i'm so tired of life", "i have nothing left to live for",
    "i don't want to wake up tomorrow"])
def test_the_indirect_verbal_warning_signs_of_curated_lists_are_suicidal(reader, msg):
    assert reader.read(msg).status_of("RF_SUICIDAL") == P


@pytest.mark.parametrize("msg", [
    "i just want out", "i feel beyond help", "there is no meaning in life", "i've been tying up loose ends",
    "i'm tired of fighting", "i can't face another day", "i hate my life", "i can't see any way forward",
    "i want to be with my late wife", "i want it all to be over", "i've had enough of everything",
    "i feel like there's no hope", "the pain will never stop unless i do something"])
def test_the_softer_warning_signs_are_asked_about_once(reader, msg):
    assert reader.read(msg).status_of("RF_SUICIDAL") == U


@pytest.mark.parametrize("msg", ["i gave up meat last year", "is there a way forward with my b12?",
                                 "i am ready to go to the gp", "no hope of getting an appointment this week"])
def test_everyday_sentences_with_those_words_are_not_asked_about(reader, msg):
    assert reader.read(msg).status_of("RF_SUICIDAL") is None


@pytest.mark.parametrize("msg", ["he suddenly can't understand what we're saying", "all of a sudden i couldn't read, the words made no sense",
                                 "his arm is just hanging there"])
def test_understanding_lost_suddenly_and_a_hanging_limb_are_stroke_signs(reader, msg):
    assert reader.read(msg).status_of("RF_STROKE") == P
    assert reader.read("i couldn't understand the leaflet").status_of("RF_STROKE") is None


@pytest.mark.parametrize("msg", [
    "the weakness started in my feet on monday and now it's in my thighs and arms",
    "in two days i've gone from walking fine to needing a frame",
    "she went from walking to not being able to stand in 48 hours",
    "i can't lift my legs to get into bed since this afternoon",
    "i couldn't climb the stairs this morning and now i can't get out of the chair"])
def test_weakness_spreading_or_a_walker_declining_in_days_is_the_red_flag(reader, msg):
    assert reader.read(msg).status_of("RF_RAPID_WEAKNESS") == P


@pytest.mark.parametrize("foot", ["my foot is hot, red and swollen", "my big toe is purple and painful",
                                  "my foot has a red streak going up it"])
def test_a_diabetic_foot_told_by_its_colour_or_heat_is_the_red_flag(reader, foot):
    assert reader.read(f"i'm type 1 diabetic and {foot}").status_of("RF_DIABETIC_FOOT") == P


@pytest.mark.parametrize("msg", ["my arm went dead because i slept on it",
                                 "i get pins and needles when i sit cross legged and my leg goes dead"])
def test_a_limb_gone_dead_with_a_posture_that_explains_it_is_asked_about(reader, msg):
    r = reader.read(msg)
    assert {r.status_of("RF_STROKE"), r.status_of("RF_RAPID_WEAKNESS")} <= {U, None}
    assert U in {r.status_of("RF_STROKE"), r.status_of("RF_RAPID_WEAKNESS")}


@pytest.mark.parametrize("msg", ["my heel is so sore in the morning i can barely walk for the first few steps",
                                 "i couldn't walk for a week after my knee operation",
                                 "i get cramp in my calf at night and can't stand on it for a minute"])
def test_a_function_lost_for_a_moment_or_after_an_operation_is_no_emergency(reader, msg):
    r = reader.read(msg)
    assert r.status_of("RF_RAPID_WEAKNESS") is None and r.status_of("QL_SEVERE_WEAKNESS") is None


def test_both_limbs_gone_dead_are_no_one_sided_stroke_sign(reader):
    assert reader.read("my hands go numb at night and i wake up with dead arms").status_of("RF_STROKE") is None


@pytest.mark.parametrize("msg", ["i'm always numb, heavy, devoid of energy" , "i feel quite zapped emotionally", "this brain numbness is awful"])
def test_numbness_of_the_feelings_is_not_of_the_skin(reader, msg):
    assert reader.read(msg).status_of("SX_PARAESTHESIA") is None
    assert reader.read("i feel numb in my feet").status_of("SX_PARAESTHESIA") == P


def test_a_past_episode_opened_by_a_date_stays_past_though_a_sign_began_inside_it(reader):
    # only the opening's "it all started" makes the story the trouble now
    r = reader.read("several months ago i was writing at my pc. my left arm eventually began tingling and i went to hospital")
    assert r.status_of("SX_PARAESTHESIA") is None
    assert reader.read("a month before i was doing balloons. i got pins and needles in my neck").status_of("SX_PARAESTHESIA") is None


@pytest.mark.parametrize("text, vague", [("tingly hands for a while", True), ("numb feet for ages", True),
                                         ("recently my feet are numb", True), ("feet tingling for 3 months", False),
                                         ("a while, since march", False), ("for years", False)])
def test_a_loose_length_is_told_apart_from_an_exact_one(text, vague):
    from reader.quantities import duration_is_vague

    assert duration_is_vague(text) is vague


def test_a_diagnosis_denied_with_no_sign_told_is_still_a_denial(reader):
    # the screen's "no, he's not had a stroke or anything" is read as a no
    assert reader.read("not that i've seen, he's not had a stroke or anything").status_of("RF_STROKE") == A


@pytest.mark.parametrize("msg", ["my dad is dragging his left foot since this morning", "her arm just flopped down when she tried to lift it",
                                 "all of a sudden i'm seeing double", "i can't feel the left side of my face since an hour ago",
                                 "he keeps missing the cup with his right hand since lunch"])
def test_one_sides_limb_dragged_clumsy_or_unfeeling_and_vision_doubled_suddenly_are_stroke_signs(reader, msg):
    assert reader.read(msg).status_of("RF_STROKE") == P


@pytest.mark.parametrize("msg", ["i'm clumsy with my right hand, always have been", "my left foot drags when i'm tired",
                                 "i had double vision after the eye test"])
def test_the_same_signs_with_no_onset_just_now_are_not(reader, msg):
    assert reader.read(msg).status_of("RF_STROKE") != P


@pytest.mark.parametrize("msg, code", [
    ("my husband is clutching his chest and sweating", "RF_CHEST_PAIN"),
    ("it's like someone is standing on my chest", "RF_CHEST_PAIN"),
    ("i'm so out of breath just sitting here", "RF_BREATHLESS_SEVERE"),
    ("i feel like i can't get enough oxygen", "RF_BREATHLESS_SEVERE"),
])
def test_the_chest_held_or_pressed_and_breathlessness_at_rest_are_red_flags(reader, msg, code):
    assert reader.read(msg).status_of(code) == P


@pytest.mark.parametrize("msg", ["holding my chest out of habit", "the cat is sitting on my chest",
                                 "i'm short of breath when i climb stairs, fine at rest",
                                 "i get out of breath walking but fine sitting down"])
def test_their_look_alikes_are_not(reader, msg):
    r = reader.read(msg)
    assert r.status_of("RF_CHEST_PAIN") is None and r.status_of("RF_BREATHLESS_SEVERE") is None


@pytest.mark.parametrize("msg", ["i watched a documentary about suicide and it made me think", "i feel like giving up on the diet"])
def test_suicide_as_a_topic_or_giving_up_a_diet_is_no_suicidal_thought(reader, msg):
    assert reader.read(msg).status_of("RF_SUICIDAL") is None


def test_a_question_someone_asked_about_self_harm_is_asked_about_not_told(reader):
    assert reader.read("the doctor asked if i have any thoughts of self harm and i said no").status_of("RF_SUICIDAL") == U


@pytest.mark.parametrize("msg", ["my mum is in a wheelchair and can't walk, she has dementia",
                                 "my legs were so weak after the marathon i could barely stand",
                                 "my dad can't get up off the floor without help since his hip replacement",
                                 "i've been bedridden with flu this week but i'm getting better"])
def test_a_function_lost_with_a_cause_that_explains_it_is_weakness_not_the_emergency(reader, msg):
    r = reader.read(msg)
    assert r.status_of("RF_RAPID_WEAKNESS") is None and r.status_of("QL_SEVERE_WEAKNESS") is None
    sudden = reader.read("my mum has dementia and since this morning she suddenly can't walk at all")
    assert sudden.status_of("RF_RAPID_WEAKNESS") == P


def test_death_preferred_to_suffering_stays_suicidal(reader):
    assert reader.read("i would rather be dead than suffer through another day").status_of("RF_SUICIDAL") == P


def test_legs_giving_way_sometimes_is_asked_about(reader):
    assert reader.read("my knees buckle sometimes when i go down stairs").status_of("RF_RAPID_WEAKNESS") == U


@pytest.mark.parametrize("msg", ["i was gasping for air after my run", "i laughed so hard i couldn't breathe",
                                 "when i have a panic attack i feel like i can't breathe",
                                 "my face feels numb on the left since the filling this morning",
                                 "i get numbness on one side of my face with my migraines", "i slur my words when i'm really tired",
                                 "i've had a droopy eyelid since birth"])
def test_a_sign_with_an_everyday_cause_that_explains_it_is_asked_about_not_acted_on(reader, msg):
    r = reader.read(msg)
    found = [f for f in r.findings if f.code in ("RF_STROKE", "RF_BREATHLESS_SEVERE", "RF_CHEST_PAIN")]
    assert found and all(f.status == U for f in found)


def test_chest_pain_blamed_on_panic_is_still_chest_pain(reader):
    # reference section 5 makes no exception for it
    assert reader.read("my chest is tight and crushing, i think it's a panic attack").status_of("RF_CHEST_PAIN") == P


# Passive suicidal ideation as the curated lists give it (The Conversation, "passive versus
# active" thoughts; mental-health services' examples): death wished, welcomed or seen as the
# answer, with no plan. Each form is a class, generated over ways in and objects.
@pytest.mark.parametrize("example", [
    "I don't want to live, but I don't want to die.", "I wish I could fall asleep and never wake up.",
    "I don't want to be here, but I don't want to be dead.", "It wouldn't be the worst thing ever if I died.",
    "I hope someone crashes into my car.", "Everyone would be better off if I wasn't around."])
def test_the_curated_examples_of_passive_ideation_are_suicidal_language(reader, example):
    assert reader.read(example).status_of("RF_SUICIDAL") == P


@pytest.mark.parametrize("welcome", ["it would not be the worst thing", "it would be a relief", "it would be for the best"])
@pytest.mark.parametrize("death", ["if i died", "if i was gone", "if i did not wake up"])
def test_ones_own_death_welcomed_is_suicidal_language(reader, welcome, death):
    assert reader.read(f"{welcome} {death}").status_of("RF_SUICIDAL") == P
    assert reader.read(f"{welcome} if the tingling stopped").status_of("RF_SUICIDAL") is None


@pytest.mark.parametrize("death", ["dying", "death", "being dead"])
@pytest.mark.parametrize("answer", ["would solve all my problems", "seems like the only way out", "is the only answer"])
def test_death_as_the_answer_is_suicidal_language(reader, death, answer):
    assert reader.read(f"{death} {answer}").status_of("RF_SUICIDAL") == P


@pytest.mark.parametrize("tired", ["tired of", "sick of", "done with"])
@pytest.mark.parametrize("existing", ["existing", "being alive", "being human"])
def test_tired_of_existing_itself_is_suicidal_language(reader, tired, existing):
    assert reader.read(f"i am so {tired} {existing}").status_of("RF_SUICIDAL") == P
    assert reader.read(f"i am {tired} existing on 4 hours sleep").status_of("RF_SUICIDAL") is None


@pytest.mark.parametrize("wish", ["i do not want to", "i don't want to", "i would not want to", "honestly i dont want to"])
def test_not_wanting_to_wake_is_suicidal_and_waking_at_a_time_is_not(reader, wish):
    assert reader.read(f"{wish} wake up").status_of("RF_SUICIDAL") == P
    assert reader.read(f"{wish} wake up anymore").status_of("RF_SUICIDAL") == P
    for tail in ("wake up early tomorrow for work", "wake him up, he is asleep", "wake up 20 years from now and realise"):
        assert reader.read(f"{wish} {tail}").status_of("RF_SUICIDAL") is None


@pytest.mark.parametrize("fear", ["i don't want to die", "i am scared, i do not want to die from this", "i hope i don't die before the wedding"])
def test_fear_of_dying_is_neither_the_thought_nor_its_denial(reader, fear):
    assert reader.read(fear).status_of("RF_SUICIDAL") is None


@pytest.mark.parametrize("soft", ["is life even worth living", "no one wants me here", "i can't fight anymore",
                                  "i am just waiting for it all to end"])
def test_lifes_worth_doubted_and_fight_gone_get_the_one_direct_question(reader, soft):
    assert reader.read(soft).status_of("RF_SUICIDAL") == U


@pytest.mark.parametrize("sign", ["my speech was slurred", "my face drooped on one side", "i had crushing chest pain"])
@pytest.mark.parametrize("resolved", ["it resolved by itself", "it resolved on its own", "it went away by itself"])
def test_a_sign_told_as_resolved_is_an_ended_episode_asked_about(reader, sign, resolved):
    r = reader.read(f"on tuesday {sign} but {resolved}")
    assert [f.status for f in r.findings if f.code.startswith("RF_")] == [U]


@pytest.mark.parametrize("speech", ["spoke incoherently", "was talking nonsense", "was incoherent"])
def test_incoherent_speech_of_sudden_onset_is_a_stroke_sign(reader, speech):
    assert reader.read(f"this morning my dad {speech}").status_of("RF_STROKE") == P
    assert reader.read("the leaflet the gp gave me was incoherent").status_of("RF_STROKE") is None


@pytest.mark.parametrize("denial", ["no", "nope", "i dont think so", "i don't think so", "not really"])
def test_a_denial_put_as_a_question_is_a_doubt_not_a_no(denial):
    from reader.answers import read_answer

    assert read_answer(f"{denial}?") == "dont_know"
    assert read_answer(f"{denial}? she's just not quite right today") == "dont_know"
    assert read_answer(denial) == "deny"
    # a question after the denial's own clause is another matter: the no stands
    assert read_answer(f"{denial}, why do you ask?") == "deny"
    assert read_answer(f"{denial}. is that bad?") == "deny"


@pytest.mark.parametrize("wound", ["had an ulcer under my big toe", "had a blister on my heel", "had a sore on my foot"])
@pytest.mark.parametrize("healed", ["but it healed completely", "but it has healed up", "it healed well"])
def test_a_diabetic_foot_wound_told_as_healed_is_an_ended_episode(reader, wound, healed):
    r = reader.read(f"i am diabetic. last winter i {wound} {healed}")
    assert r.status_of("RF_DIABETIC_FOOT") == U
    assert "historical" in next(f for f in r.findings if f.code == "RF_DIABETIC_FOOT").context
    assert reader.read(f"i am diabetic and the {wound.split(' ', 2)[2]} has not healed in 3 weeks").status_of("RF_DIABETIC_FOOT") == P


@pytest.mark.parametrize("degree", ["kinda", "kind of", "pretty", "a little", "so"])
def test_paranoid_as_worry_after_a_relatives_illness_is_no_psychosis(reader, degree):
    assert reader.read(f"my dad had a stroke in may so i am {degree} paranoid now lol").status_of("SX_PSYCHOSIS") is None
    assert reader.read("i am paranoid that people are watching me through the tv").status_of("SX_PSYCHOSIS") == P


@pytest.mark.parametrize("who, whose", [("he", "his"), ("she", "her")])
@pytest.mark.parametrize("sign", ["speech went slurry", "face dropped on one side"])
def test_anothers_sign_told_of_the_stroke_they_had_is_that_episode(reader, who, whose, sign):
    """A relative's sign told with the red flag they had ("when he had his stroke") is that
    episode: asked about, never their emergency now; told happening now it still is."""
    r = reader.read(f"my {'dad' if who == 'he' else 'mum'}'s {sign} when {who} had {whose} stroke")
    assert r.status_of("RF_STROKE") == U
    assert "theirs" not in next(f for f in r.findings if f.code == "RF_STROKE").context
    # happening now it is not that episode: never taken for history
    now = next(f for f in reader.read(f"my {'dad' if who == 'he' else 'mum'}'s {sign} just now").findings if f.code == "RF_STROKE")
    assert now.status in (P, U) and "historical" not in now.context and (now.status == P or "theirs" in now.context)


@pytest.mark.parametrize("relative", ["my mum has it", "my dad had it too", "my sister has the same"])
@pytest.mark.parametrize("end", ["?", ".", "!"])
def test_a_sentence_end_closes_a_diagnosis_question(reader, relative, end):
    """"do i have pernicious anaemia? my mum has it": the question stays a question, the mother's
    is stated: family history."""
    r = reader.read(f"do i have pernicious anaemia{end} {relative}")
    assert r.status_of("RK_FAMILY_HX") == P and r.status_of("RK_AUTOIMMUNE") != P


@pytest.mark.parametrize("ending", ["resolved", "healed up", "gone away"])
def test_an_ending_denied_ends_nothing(reader, ending):
    """"it has not resolved": the sign is still there, not an ended episode."""
    assert reader.read(f"on tuesday my speech was slurred and it has not {ending}").status_of("RF_STROKE") == P
    assert reader.read(f"on tuesday my speech was slurred but it has {ending}").status_of("RF_STROKE") == U
