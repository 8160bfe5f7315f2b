"""The decision table of clinical-reference section 6, as data.

Each row reads like the table: an id, the condition in words, the level, the
basis, and a predicate over :class:`Facts`. ``decide`` returns the first row
that matches together with the codes that made it match, so the explanation
of a result always comes from the row that fired.

Rows U1-U2 implement section 1 (under-16s: red flags still screened first,
then no B12 heuristics).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, List, Tuple

from engine.facts import Facts
from knowledge import Level

Evidence = List[str]


@dataclass(frozen=True)
class Row:
    id: str
    condition: str
    level: Level
    basis: str
    evidence: Callable[[Facts], Evidence]  # non-empty list (or ["*"]) when the row applies

    def applies(self, facts: Facts) -> Tuple[bool, Evidence]:
        found = self.evidence(facts)
        return bool(found), [c for c in found if c != "*"]


def _red_flags_at(level: Level) -> Callable[[Facts], Evidence]:
    return lambda f: [c for c in f.red_flags() if f.red_flag_level(c) == level]


def _neuro_and_escalator(f: Facts) -> Evidence:
    neuro = f.neuro_symptoms()
    if not neuro:
        return []
    escalators = [c for c in ("RK_N2O", "MOD_PREGNANT") if f.has(c)]
    if f.rapidly_worsening():
        escalators.append("PROGRESSION_RAPID")
    return neuro + escalators if escalators else []


def _psychosis_or_new_confusion(f: Facts) -> Evidence:
    found = ["SX_PSYCHOSIS"] if f.has("SX_PSYCHOSIS") else []
    if f.new_confusion():
        found.append("QL_CONFUSION_NEW")
    return found


def _pregnant_with_symptom(f: Facts) -> Evidence:
    return ["MOD_PREGNANT"] + f.symptoms() if f.has("MOD_PREGNANT") and f.symptoms() else []


def _on_treatment_new_neuro(f: Facts) -> Evidence:
    if f.has("MOD_ON_B12_TREATMENT") and f.neuro_symptoms() and (f.worsening() or f.recent()):
        return ["MOD_ON_B12_TREATMENT"] + f.neuro_symptoms()
    return []


def _both(first: Callable[[Facts], Evidence], second: Callable[[Facts], Evidence]) -> Callable[[Facts], Evidence]:
    def check(f: Facts) -> Evidence:
        a, b = first(f), second(f)
        return a + b if a and b else []

    return check


def _only(first: Callable[[Facts], Evidence], absent: Callable[[Facts], Evidence]) -> Callable[[Facts], Evidence]:
    def check(f: Facts) -> Evidence:
        return first(f) if not absent(f) else []

    return check


def _neuro(f: Facts) -> Evidence:
    return f.neuro_symptoms()


def _symptom(f: Facts) -> Evidence:
    return f.symptoms()


def _risk(f: Facts) -> Evidence:
    return f.risk_factors()


def _under_16_with_symptom(f: Facts) -> Evidence:
    return ["AGE_UNDER_16"] + f.symptoms() if f.under_16() and f.symptoms() else []


def _under_16(f: Facts) -> Evidence:
    return ["AGE_UNDER_16"] if f.under_16() else []


def _always(f: Facts) -> Evidence:
    return ["*"]


DECISION_TABLE: Tuple[Row, ...] = (
    Row("D1", "any red flag at emergency level", Level.EMERGENCY, "NHS", _red_flags_at(Level.EMERGENCY)),
    Row("D2", "any red flag at urgent level", Level.URGENT, "NHS", _red_flags_at(Level.URGENT)),
    Row("D3", "nerve symptom and (nitrous oxide, pregnancy or rapidly worsening)", Level.URGENT, "NICE CKS; RCEM nitrous oxide guidance; same-day wording [judgement]", _neuro_and_escalator),
    Row("U1", "under 16 with any symptom", Level.ROUTINE, "NICE NG239 scope (16 and over); parent or carer books a GP appointment", _under_16_with_symptom),
    Row("U2", "under 16, no symptom", Level.SELF_CARE, "NICE NG239 scope; general information only", _under_16),
    Row("D4", "hearing or seeing things, or new confusion", Level.URGENT, "[judgement]", _psychosis_or_new_confusion),
    Row("D5", "pregnant or breastfeeding with any symptom", Level.URGENT, "NICE CKS (urgent haematology advice in pregnancy)", _pregnant_with_symptom),
    Row("D6", "already on B12 treatment with new or worsening nerve symptoms", Level.SOON, "NICE NG239 (dose or route may need adjusting)", _on_treatment_new_neuro),
    Row("D7", "nerve symptom and at least one risk factor", Level.SOON, "NICE NG239 test rule; NHS: some problems can be irreversible", _both(_neuro, _risk)),
    Row("D8", "any symptom and at least one risk factor", Level.ROUTINE, "NICE NG239: offer a test with at least one symptom and one risk factor", _both(_symptom, _risk)),
    Row("D9", "nerve symptom, no risk factor", Level.SOON, "NICE NG239 (clinical judgement); NHS neuropathy advice [judgement: timeframe]", _only(_neuro, _risk)),
    Row("D10", "other symptom, no risk factor", Level.ROUTINE, "NICE NG239 (clinical judgement)", _only(_symptom, _risk)),
    Row("D11", "risk factor(s), no symptom", Level.SELF_CARE, "NICE NG239 tests people with symptoms", _only(_risk, _symptom)),
    Row("D12", "nothing reported", Level.SELF_CARE, "", _always),
)


@dataclass(frozen=True)
class Decision:
    row: Row
    evidence: Evidence

    @property
    def level(self) -> Level:
        return self.row.level


def decide(facts: Facts) -> Decision:
    for row in DECISION_TABLE:
        applies, evidence = row.applies(facts)
        if applies:
            return Decision(row, evidence)
    raise AssertionError("D12 always applies")  # pragma: no cover


# the rows a red flag fires (clinical reference section 6): their advice comes at once
RED_FLAG_ROWS = ("D1", "D2")


def red_flag_decision(facts: Facts) -> Decision | None:
    """D1 or D2 when a red flag is present: checked on every message."""
    for row in DECISION_TABLE[:2]:
        applies, evidence = row.applies(facts)
        if applies:
            return Decision(row, evidence)
    return None
