"""knowledge.yml, the single source of truth, is complete and well formed."""
import collections
import re
from pathlib import Path

import pytest
import yaml

from knowledge import KNOWLEDGE_FILE, Kind, load_knowledge

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "clinical-reference.md"


class _StrictLoader(yaml.SafeLoader):
    pass


def _no_duplicates(loader, node, deep=False):
    keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
    dupes = [k for k, n in collections.Counter(keys).items() if n > 1]
    assert not dupes, f"duplicate keys {dupes} at line {node.start_mark.line + 1}: YAML keeps only the last"
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def test_no_duplicate_keys_silently_drop_patterns():
    yaml.load(KNOWLEDGE_FILE.read_text(), Loader=_StrictLoader)


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared/clinical-reference.md not beside the repo")
def test_every_code_of_the_clinical_reference_is_defined():
    codes = set(re.findall(r"`((?:SX|RK|RF|MOD)_[A-Z0-9_]+)`", REFERENCE.read_text()))
    assert codes, "no codes found in the reference"
    assert codes - set(load_knowledge().concepts) == set()


def test_every_concept_can_be_recognised():
    for concept in load_knowledge().concepts.values():
        assert concept.phrases or concept.combos, concept.code


def test_red_flags_carry_their_level_from_the_reference():
    kb = load_knowledge()
    levels = {c.code: c.level.value for c in kb.of_kind(Kind.RED_FLAG)}
    assert levels == {
        "RF_STROKE": "emergency",
        "RF_CHEST_PAIN": "emergency",
        "RF_BREATHLESS_SEVERE": "emergency",
        "RF_BLADDER_BOWEL": "emergency",
        "RF_RAPID_WEAKNESS": "urgent",
        "RF_SUICIDAL": "urgent",
        "RF_DIABETIC_FOOT": "urgent",
        "RF_LIMB_ISCHAEMIA": "emergency",
    }


def test_neuro_flags_match_the_reference():
    neuro = {c.code for c in load_knowledge().of_kind(Kind.SYMPTOM) if c.neuro}
    assert neuro == {"SX_PARAESTHESIA", "SX_BURNING_FEET", "SX_BALANCE_GAIT", "SX_MUSCLE_WEAK", "SX_VISION", "SX_COGNITIVE"}


def test_the_hpo_lay_vocabulary_is_generated_from_the_mapping_and_loaded():
    # knowledge.yml `hpo` -> scripts/hpo_lexicon.py -> knowledge/hpo_lay.yml -> phrases
    import yaml

    from knowledge import HPO_FILE, KNOWLEDGE_FILE, load_knowledge, load_yaml

    mapping = load_yaml(KNOWLEDGE_FILE.read_text())["hpo"]
    data = yaml.safe_load(HPO_FILE.read_text())
    assert data["hpo_version"].startswith("hp/releases/")
    assert "https://hpo.jax.org/app/license" in HPO_FILE.read_text()
    kb = load_knowledge()
    for code, ids in mapping.items():
        assert set(ids) == set(data["codes"][code])
        for term in data["codes"][code].values():
            for phrase in term["layperson"]:
                assert phrase.lower() in kb.concept(code).phrases, (code, phrase)


def test_the_questions_wording_is_knowledge_one_entry_for_each_question():
    """knowledge/questions.yml holds the wording of every question the engine asks
    (and nothing else); the engine holds when each is asked."""
    from engine.questions import QUESTIONS
    from knowledge import load_question_texts

    texts = load_question_texts()
    asked = {q.id for q in QUESTIONS if not q.id.startswith("CONFIRM_")}
    assert set(texts["questions"]) == asked
    for q in QUESTIONS:
        if q.id in texts["questions"]:
            assert q.text_self == texts["questions"][q.id]["self"].strip()
            assert q.text_other == texts["questions"][q.id]["other"].strip()
        else:  # a red flag's one direct question: the template with the red flag's words
            assert q.text_self.startswith(texts["confirm"]["self"].split("{ask}")[0])


def test_a_question_without_its_wording_is_refused(tmp_path, monkeypatch):
    import knowledge

    broken = tmp_path / "questions.yml"
    broken.write_text("questions:\n  AGE:\n    self: How old are you?\n    why: Because.\n", encoding="utf-8")
    monkeypatch.setattr(knowledge, "QUESTIONS_FILE", broken)
    knowledge.load_question_texts.cache_clear()
    try:
        with pytest.raises(ValueError, match="AGE lacks"):
            knowledge.load_question_texts()
    finally:
        knowledge.load_question_texts.cache_clear()


def test_the_fixed_texts_are_knowledge_and_every_one_is_used():
    """knowledge/texts.yml holds the conversation's fixed texts; each is said by the
    engine (a text no code uses is a stale translation waiting to mislead)."""
    from knowledge import load_texts

    source = (Path(__file__).resolve().parents[2] / "engine" / "conversation.py").read_text(encoding="utf-8")
    for name in load_texts()["conversation"]:
        assert f'_SAY["{name}"]' in source, name


def test_every_escalation_has_its_question_for_the_person_and_for_someone_else():
    from knowledge import load_question_texts

    escalate = load_question_texts()["escalate"]
    assert set(escalate) == set(load_knowledge().escalations.values())


@pytest.mark.parametrize("rule, ok", [
    ({"any": ["SX_PARAESTHESIA"], "side": "one", "onset": "sudden", "certain_within": ["days"]}, True),
    ({"any": ["SX_PARAESTHESIA"], "certain_within": ["hours"]}, False),
    ({"any": ["SX_PARAESTHESIA"], "certain": ["days"]}, False),
    ({"any": ["SX_NOT_A_CODE"]}, False),
])
def test_possible_red_flag_rules_are_checked_when_loaded(rule, ok):
    from knowledge import _possible_red_flags

    concepts = load_knowledge().concepts
    if ok:
        assert _possible_red_flags({"RF_STROKE": rule}, concepts)["RF_STROKE"]["certain_within"] == ("days",)
    else:
        with pytest.raises(ValueError):
            _possible_red_flags({"RF_STROKE": rule}, concepts)
