"""The clinical vocabulary: codes, lay wording and recognition patterns.

Loaded once from ``knowledge.yml`` beside this module, the single source of
truth that the engine, the question table and the NLU extractor share.
Nothing here imports Rasa.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

KNOWLEDGE_FILE = Path(__file__).with_name("knowledge.yml")
INFO_FILE = Path(__file__).with_name("info.yml")


class Kind(str, enum.Enum):
    """What a code stands for; also the NLU entity type that carries it."""

    SYMPTOM = "symptom"
    RISK_FACTOR = "risk_factor"
    MODIFIER = "modifier"
    RED_FLAG = "red_flag"
    QUALIFIER = "qualifier"


class Status(str, enum.Enum):
    """What a message or an answer says of a code."""

    PRESENT = "present"
    ABSENT = "absent"
    UNSURE = "unsure"


class Level(str, enum.Enum):
    """Triage levels of clinical-reference section 2, most urgent first."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    SOON = "soon"
    ROUTINE = "routine"
    SELF_CARE = "self_care"

    @property
    def rank(self) -> int:
        """Smaller is more urgent."""
        return list(Level).index(self)

    def more_urgent_than(self, other: "Level") -> bool:
        return self.rank < other.rank


_SECTION_KIND = {
    "symptoms": Kind.SYMPTOM,
    "risk_factors": Kind.RISK_FACTOR,
    "modifiers": Kind.MODIFIER,
    "red_flags": Kind.RED_FLAG,
    "qualifiers": Kind.QUALIFIER,
}

_PREFIX = {
    Kind.SYMPTOM: "SX_",
    Kind.RISK_FACTOR: "RK_",
    Kind.MODIFIER: "MOD_",
    Kind.RED_FLAG: "RF_",
    Kind.QUALIFIER: "QL_",
}


@dataclass(frozen=True)
class Concept:
    code: str
    kind: Kind
    label: str
    ask: str = ""
    neuro: bool = False
    level: Optional[Level] = None
    phrases: Tuple[str, ...] = ()
    combos: Tuple[Tuple[Tuple[str, ...], ...], ...] = ()
    combo_windows: Tuple[int, ...] = ()  # one per combo: how close its groups must be
    combo_possible: Tuple[bool, ...] = ()  # one per combo: only makes the code possible (confirm it)
    exclude: Tuple[str, ...] = ()
    denials: Tuple[str, ...] = ()
    suppresses: Tuple[str, ...] = ()
    requires: Tuple[str, ...] = ()
    window: int = 8


@dataclass(frozen=True)
class InfoTopic:
    id: str
    title: str
    keywords: Tuple[str, ...]
    answer: str


@dataclass(frozen=True)
class Knowledge:
    concepts: Mapping[str, Concept]
    spelling: Mapping[str, str]
    progression: Mapping[str, Tuple[str, ...]]
    onset: Mapping[str, Tuple[str, ...]]
    side: Mapping[str, Tuple[str, ...]]
    subject_other: Tuple[str, ...]
    relations: Tuple[str, ...]
    topics: Tuple[InfoTopic, ...] = field(default_factory=tuple)
    blood_relatives: Tuple[str, ...] = ()
    family_history_of: Tuple[str, ...] = ()
    lasting: Tuple[str, ...] = ()
    implies: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    # red flag -> {"all": codes that must be present, "progression": value}: possible together
    possible_red_flags: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    diagnosis_names: Tuple[str, ...] = ()
    conditional_counts: Tuple[str, ...] = ()
    asked_counts: Tuple[str, ...] = ()  # codes that count even inside a question ("can i just skip my jab?")
    # states of a person, whose words used with an object name something else ("depressed the clutch")
    states: Dict[str, Any] = field(default_factory=dict)
    persons: Dict[str, Tuple[str, ...]] = field(default_factory=dict)  # "my" also stands for "his", "her"...
    escalations: Dict[str, str] = field(default_factory=dict)  # red flag -> the qualifier that raises its level
    answers: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    happening_now: Tuple[str, ...] = ()
    chronic_reads_as: Mapping[str, str] = field(default_factory=dict)
    chronic_is_possible: Tuple[str, ...] = ()
    # red flags only possible when told as coming and going ("one side of my face goes numb from time to time")
    comes_and_goes: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    # red flags only possible when told as an episode that has ended ("... on sunday but it went off")
    ended_episode: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    within_a_day: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    positional: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    explained: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    explained_signs: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    word_classes: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    progression_rate: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    # category -> {"preceding"|"following"|"pseudo": phrases}; "termination": {"": phrases}
    context: Mapping[str, Mapping[str, Tuple[str, ...]]] = field(default_factory=dict)

    def of_kind(self, kind: Kind) -> List[Concept]:
        return [c for c in self.concepts.values() if c.kind == kind]

    def codes(self, kind: Kind) -> List[str]:
        return [c.code for c in self.of_kind(kind)]

    def concept(self, code: str) -> Concept:
        return self.concepts[code]

    def topic(self, topic_id: str) -> Optional[InfoTopic]:
        return next((t for t in self.topics if t.id == topic_id), None)


def _possible_red_flags(raw: Mapping[str, Any], concepts: Mapping[str, Concept]) -> Dict[str, Dict[str, Any]]:
    out: Dict[str, Dict[str, Any]] = {}
    for code, rule in raw.items():
        codes, either = _tuple_of_str(rule.get("all")), _tuple_of_str(rule.get("any"))
        for c in (code,) + codes + either:
            if c not in concepts:
                raise ValueError(f"possible_red_flags names unknown code {c}")
        unknown = set(rule) - {"all", "any", "progression", "onset", "side", "certain_within"}
        if unknown:
            raise ValueError(f"possible_red_flags {code}: unknown keys {sorted(unknown)}")
        within = _tuple_of_str(rule.get("certain_within"))
        if set(within) - {"days", "weeks", "months", "years"}:
            raise ValueError(f"possible_red_flags {code}: certain_within takes days/weeks/months/years")
        out[str(code)] = {"all": codes, "any": either, "certain_within": within,
                          **{m: rule.get(m) for m in ("progression", "onset", "side")}}
    return out


def _known_codes(key: str, codes: Any, concepts: Mapping[str, Concept]) -> Tuple[str, ...]:
    """Codes named under ``key``, each one the knowledge defines."""
    unknown = [c for c in codes if c not in concepts]
    if unknown:
        raise ValueError(f"{key}: unknown codes {unknown}")
    return tuple(str(c) for c in codes)


def _codes_and_words(key: str, raw: Mapping[str, Any], concepts: Mapping[str, Concept],
                     more: Tuple[str, ...] = ()) -> Dict[str, Tuple[str, ...]]:
    """A rule given as the codes it applies to and the words that trigger it (and ``more``
    named lists of words, where the rule has them)."""
    out = {"codes": _known_codes(key, _tuple_of_str(raw.get("codes")), concepts),
           "words": _tuple_of_str(raw.get("words")),
           **{name: _tuple_of_str(raw.get(name)) for name in more}}
    if set(raw) - set(out):
        raise ValueError(f"{key}: unknown keys {sorted(set(raw) - set(out))}")
    return out


def _people(raw: Dict[str, Any]) -> Tuple[str, ...]:
    """Everyone other than the writer: the relations and every blood relative."""
    return tuple(dict.fromkeys(_tuple_of_str(raw.get("relations")) + _tuple_of_str(raw.get("blood_relatives"))))


def _asking_for(raw: Dict[str, Any]) -> Tuple[str, ...]:
    """The phrases that say the person asks for someone else: those listed and "for my
    <person>" for every person (not "baby": "worried for my baby" is a pregnant writer's)."""
    made = tuple(f"for my {p}" for p in _people(raw) if p != "baby")
    return tuple(dict.fromkeys(_tuple_of_str(raw.get("subject_other")) + made))


def _tuple_of_str(values) -> Tuple[str, ...]:
    return tuple(str(v) for v in (values or ()))


def _expand_classes(classes: Mapping[str, Tuple[str, ...]]) -> Dict[str, Tuple[str, ...]]:
    """Resolve "@class" references inside word classes (no cycles allowed)."""
    out: Dict[str, Tuple[str, ...]] = {}

    def resolve(name: str, seen: Tuple[str, ...]) -> Tuple[str, ...]:
        if name in out:
            return out[name]
        if name not in classes:
            raise ValueError(f"unknown word class @{name}")
        if name in seen:
            raise ValueError(f"word class @{name} refers to itself")
        words: List[str] = []
        for w in classes[name]:
            words.extend(resolve(w[1:], seen + (name,)) if w.startswith("@") else (w,))
        out[name] = tuple(dict.fromkeys(words))
        return out[name]

    for name in classes:
        resolve(name, ())
    return out


def _alternatives(group, classes: Mapping[str, Tuple[str, ...]]) -> Tuple[str, ...]:
    """A combo group's alternatives, every "@class" replaced by the class's words."""
    words: List[str] = []
    for alt in _tuple_of_str(group):
        if alt.startswith("@"):
            if alt[1:] not in classes:
                raise ValueError(f"unknown word class {alt}")
            words.extend(classes[alt[1:]])
        else:
            words.append(alt)
    return tuple(dict.fromkeys(words))


def _parse_concept(code: str, kind: Kind, raw: dict, classes: Mapping[str, Tuple[str, ...]] = {}) -> Concept:
    if not code.startswith(_PREFIX[kind]):
        raise ValueError(f"{code}: a {kind.value} code must start with {_PREFIX[kind]}")
    window = int(raw.get("window", 8))
    raw_combos = [list(c) for c in raw.get("combos") or ()]
    # a combo may end with a number: its own window ("struggling ... breathe" within 2 words)
    windows = tuple(int(c.pop()) if c and isinstance(c[-1], int) else window for c in raw_combos)
    n_possible = int(raw.get("_possible_count", 0))
    possible = tuple(k >= len(raw_combos) - n_possible for k in range(len(raw_combos)))
    combos = tuple(tuple(_alternatives(group, classes) for group in combo) for combo in raw_combos)
    level = raw.get("level")
    return Concept(
        code=code,
        kind=kind,
        label=str(raw["label"]),
        ask=str(raw.get("ask", "")),
        neuro=bool(raw.get("neuro", False)),
        level=Level(level) if level else None,
        phrases=_tuple_of_str(raw.get("phrases")),
        combos=combos,
        combo_windows=windows,
        combo_possible=possible,
        exclude=_tuple_of_str(raw.get("exclude")),
        denials=_tuple_of_str(raw.get("denials")),
        suppresses=_tuple_of_str(raw.get("suppresses")),
        requires=_tuple_of_str(raw.get("requires")),
        window=window,
    )


def parse_knowledge(raw: dict, info: Optional[dict] = None) -> Knowledge:
    concepts: Dict[str, Concept] = {}
    classes = _expand_classes({str(k): _tuple_of_str(v) for k, v in (raw.get("word_classes") or {}).items()})
    for section, kind in _SECTION_KIND.items():
        for code, body in (raw.get(section) or {}).items():
            if code in concepts:
                raise ValueError(f"duplicate code {code}")
            body = dict(body)
            possible = list((raw.get("possible") or {}).get(code) or [])
            body["combos"] = list(body.get("combos") or []) + list((raw.get("compositions") or {}).get(code) or []) + possible
            body["_possible_count"] = len(possible)
            concepts[code] = _parse_concept(code, kind, body, classes)
    for entry in raw.get("cancel") or ():
        phrases: List[str] = [""]
        for group in entry.get("words") or ():
            phrases = [f"{p} {w}".strip() for p in phrases for w in _tuple_of_str(group)]
        for code in _tuple_of_str(entry.get("codes")):
            if code not in concepts:
                raise ValueError(f"cancel names unknown code {code}")
            concepts[code] = replace(concepts[code], exclude=concepts[code].exclude + tuple(phrases))
    for section in ("compositions", "possible"):
        for code in (raw.get(section) or {}):
            if code not in concepts:
                raise ValueError(f"{section} name unknown code {code}")
    implies = {str(k): _tuple_of_str(v) for k, v in (raw.get("implies") or {}).items()}
    for code, targets in implies.items():
        for c in (code,) + targets:
            if c not in concepts:
                raise ValueError(f"implies names unknown code {c}")
    for concept in concepts.values():
        for other in concept.suppresses + concept.requires:
            if other not in concepts:
                raise ValueError(f"{concept.code} names unknown code {other}")
        if concept.kind == Kind.RED_FLAG and concept.level is None:
            raise ValueError(f"red flag {concept.code} needs a level")

    def groups(name: str) -> Dict[str, Tuple[str, ...]]:
        return {k: _tuple_of_str(v) for k, v in (raw.get(name) or {}).items()}

    topics = tuple(
        InfoTopic(
            id=t["id"],
            title=t["title"],
            keywords=_tuple_of_str(t.get("keywords")),
            answer=str(t["answer"]).strip(),
        )
        for t in ((info or {}).get("topics") or ())
    )
    return Knowledge(
        concepts=concepts,
        spelling={str(k).lower(): str(v).lower() for k, v in (raw.get("spelling") or {}).items()},
        progression=groups("progression"),
        progression_rate=groups("progression_rate"),
        onset=groups("onset"),
        side=groups("side"),
        subject_other=_asking_for(raw),
        relations=_people(raw),
        topics=topics,
        blood_relatives=_tuple_of_str(raw.get("blood_relatives")),
        family_history_of=_tuple_of_str(raw.get("family_history_of")),
        lasting=_tuple_of_str(raw.get("lasting")),
        implies=implies,
        possible_red_flags=_possible_red_flags(raw.get("possible_red_flags") or {}, concepts),
        diagnosis_names=_tuple_of_str(raw.get("diagnosis_names")),
        conditional_counts=_tuple_of_str(raw.get("conditional_counts")),
        asked_counts=_tuple_of_str(raw.get("asked_counts")),
        states={k: ({w: _tuple_of_str(x) for w, x in v.items()} if isinstance(v, dict) else _tuple_of_str(v))
                for k, v in (raw.get("states") or {}).items()},
        answers={str(k): _tuple_of_str(v) for k, v in (raw.get("answers") or {}).items()},
        persons={str(k): _tuple_of_str(v) for k, v in (raw.get("persons") or {}).items()},
        escalations={str(k): str(v) for k, v in (raw.get("escalations") or {}).items()},
        happening_now=_tuple_of_str(raw.get("happening_now")),
        chronic_reads_as={str(k): str(v) for k, v in (raw.get("chronic_reads_as") or {}).items()},
        chronic_is_possible=_known_codes("chronic_is_possible", raw.get("chronic_is_possible") or [], concepts),
        comes_and_goes=_codes_and_words("comes_and_goes", raw.get("comes_and_goes") or {}, concepts),
        ended_episode=_codes_and_words("ended_episode", raw.get("ended_episode") or {}, concepts, more=("seen",)),
        within_a_day=_codes_and_words("within_a_day", raw.get("within_a_day") or {}, concepts),
        positional=_codes_and_words("positional", raw.get("positional") or {}, concepts),
        explained=_codes_and_words("explained", raw.get("explained") or {}, concepts),
        explained_signs=_codes_and_words("explained_signs", raw.get("explained_signs") or {}, concepts),
        word_classes=classes,
        context={
            cat: ({"": _tuple_of_str(body)} if cat == "termination" else {k: _tuple_of_str(v) for k, v in (body or {}).items()})
            for cat, body in (raw.get("context") or {}).items()
        },
    )


class _WordsLoader(yaml.SafeLoader):
    """YAML 1.1 reads the words no, yes, on, off, y, n as booleans; in a word
    list they are words ("no" is a negation cue, "off" a speech word). Only
    true and false are booleans here."""


_WordsLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _WordsLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list(_first)
    )


def load_yaml(text: str):
    return yaml.load(text, Loader=_WordsLoader)  # noqa: S506 - a SafeLoader subclass


HPO_FILE = Path(__file__).with_name("hpo_lay.yml")


def add_hpo_phrases(raw: dict, hpo: Optional[dict]) -> dict:
    """The Human Phenotype Ontology's layperson synonyms (hpo_lay.yml, made by
    scripts/hpo_lexicon.py) added to the phrases of the codes they are mapped to."""
    for code, terms in ((hpo or {}).get("codes") or {}).items():
        for section in _SECTION_KIND:
            body = (raw.get(section) or {}).get(code)
            if body is not None:
                lay = [p for t in terms.values() for p in t.get("layperson") or ()]
                body["phrases"] = list(body.get("phrases") or []) + [p.lower() for p in lay]
    return raw


@lru_cache(maxsize=1)
def load_knowledge() -> Knowledge:
    raw = load_yaml(KNOWLEDGE_FILE.read_text(encoding="utf-8"))
    if HPO_FILE.exists():
        raw = add_hpo_phrases(raw, yaml.safe_load(HPO_FILE.read_text(encoding="utf-8")))
    info = yaml.safe_load(INFO_FILE.read_text(encoding="utf-8")) if INFO_FILE.exists() else None
    return parse_knowledge(raw, info)


QUESTIONS_FILE = Path(__file__).with_name("questions.yml")


@lru_cache(maxsize=1)
def load_question_texts() -> dict:
    """The interview's wording (questions.yml): ``confirm``, ``questions`` by id
    (self / other / why) and ``buttons`` titles. Which question is asked when is
    the engine's."""
    raw = load_yaml(QUESTIONS_FILE.read_text(encoding="utf-8"))
    for qid, body in (raw.get("questions") or {}).items():
        missing = {"self", "other", "why"} - set(body or {})
        if missing:
            raise ValueError(f"questions.yml: {qid} lacks {sorted(missing)}")
    for qualifier, body in (raw.get("escalate") or {}).items():
        missing = {"self", "other"} - set(body or {})
        if missing:
            raise ValueError(f"questions.yml: escalate {qualifier} lacks {sorted(missing)}")
    return raw


TEXTS_FILE = Path(__file__).with_name("texts.yml")


@lru_cache(maxsize=1)
def load_texts() -> dict:
    """The conversation's fixed texts (texts.yml): ``conversation`` by name and
    ``buttons`` titles. When each is said is the engine's."""
    raw = load_yaml(TEXTS_FILE.read_text(encoding="utf-8"))
    for name, text in (raw.get("conversation") or {}).items():
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"texts.yml: {name} is not a text")
    return raw
