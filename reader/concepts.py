"""Step 3 of the reader: concepts found in a message, with spaCy's ``Matcher``.

Every pattern of knowledge.yml is compiled into one ``Matcher``:
- a phrase is a token sequence; a word matches a token whose lemma is the
  word or the word's lemma ("feel" finds "feels"), ``word*`` any token
  starting with it, ``_num_`` any number;
- a combo is a composition: each of its groups (alternatives, ``@class``
  word classes already expanded by the knowledge loader) is matched on its
  own, then the groups are put together in Python when they all occur in
  one clause within ``window`` tokens (a multi-word alternative counts as
  one), so a body site and a sensation or a lost function are understood in
  combinations nobody listed ("hot knives in the bottoms of my feet");
- ``exclude`` phrases cancel an overlapping match, ``denials`` state the code
  absent, ``suppresses`` lets the more specific reading win.

Nothing here decides present or absent: that is reader/context.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from typing import AbstractSet, Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from knowledge import Knowledge
from reader.normalise import normalise

NUMBER = "_num_"  # a pattern word matching any number ("b12 was _num_")

# Clause ends: what a combo may not span
CLAUSE_BREAKS = {".", "!", "?", ";", "\n", "...", "…", "but", "however", "although", "though", "except", "yet", "whereas", "apart", "otherwise", "because", "cos", "coz", "since", "which"}
SUBJECT_WORDS = {"i", "my", "me", "he", "she", "his", "her", "we", "our", "they", "their", "mom", "dad"}
# after a comma or dash, words that start a new statement: a subject, a verb that restarts it,
# or "just" / "only" setting what is there against what is not ("no chest pain or anything,
# just tingly feet": the pain is not the feet's)
RESTART_WORDS = SUBJECT_WORDS | {"been", "had", "taking", "using", "just", "only"}
_WHERE_ONLY = {"just", "only"}  # but "burning pain, just in my feet" says where it is
_WHERE = {"in", "on", "at", "around", "under", "between", "down", "up", "across"}


@dataclass(frozen=True)
class Match:
    code: str
    start: int  # token positions, [start, end)
    end: int
    gaps: Tuple[int, ...] = ()  # positions inside a combo that no group matched
    denial: bool = False
    possible: bool = False  # found only by a "possible" composition: to be confirmed


MAX_VARIANTS = 48  # spellings of one phrase listed for the PhraseMatcher; more go to the Matcher


def add_patterns(owner, key: str, phrases: Iterable[str]) -> bool:
    """Compile phrases of the pattern language under one key: a phrase of plain
    words goes to the ``PhraseMatcher`` once per inflection ("feel numb", "feels
    numb", "felt numb"...); one with a prefix word or a number to the ``Matcher``."""
    docs, patterns = [], []
    persons = getattr(owner, "_persons", {})  # "my" also stands for "his", "her"... (ConceptMatcher)
    for phrase in phrases:
        words = pattern_words(phrase)
        if not words:
            continue
        if NUMBER in words:
            patterns.append([token_spec(w, owner._inflections) for w in words])
            continue
        choices = [
            words_starting(w[:-1], owner.extra_words) if w.endswith("*") and len(w) > 1
            else (w,) + persons[w] if w in persons
            else (w,) + owner._inflections.get(w, ())
            for w in words
        ]
        n = 1
        for c in choices:
            n *= len(c)
        if n > MAX_VARIANTS:  # too many spellings to list: one token pattern instead
            patterns.append([
                # a prefix word as the set of known words it spells out (a set lookup per token, not a
                # regular expression; the speller has already mended typos into known words)
                {"LOWER": {"IN": list(c)}} if len(c) > 1 else {"LOWER": w}
                for w, c in zip(words, choices)
            ])
            continue
        for variant in product(*choices):
            docs.append(Doc(owner.nlp.vocab, words=list(variant)))
    if patterns:
        owner.matcher.add(key, factor_patterns(patterns))
        owner.matcher_used = True
    if docs:
        owner.phrases.add(key, docs)
    return bool(docs or patterns)


def spec_words(spec: dict):
    """The words a token spec matches, when it is words only ({"LOWER": w} or {"LOWER": {"IN": [...]}})."""
    lower = spec.get("LOWER") if len(spec) == 1 else None
    if isinstance(lower, str):
        return frozenset([lower])
    if isinstance(lower, dict) and list(lower) == ["IN"]:
        return frozenset(lower["IN"])
    return None


def factor_patterns(patterns: List[List[dict]]) -> List[List[dict]]:
    """Token patterns that differ in one word only, merged into one with the union of that
    word's forms: "can't stand meat", "can't stand fish"... become "can't stand
    {meat, fish...}". Same matches (a token matches the merged set exactly when it matches
    one of the merged words), far fewer patterns: the ``Matcher`` tries every pattern at every
    token, so its cost grows with their number, not with the size of a set."""
    def key_of(spec: dict):
        w = spec_words(spec)
        return ("W", w) if w is not None else ("S", repr(sorted(spec.items())))

    rows = [[key_of(t) for t in p] for p in patterns]
    specs = {k: t for p, row in zip(patterns, rows) for t, k in zip(p, row)}
    changed = True
    while changed:
        changed = False
        for i in range(max((len(r) for r in rows), default=0)):
            groups: Dict[tuple, List[frozenset]] = {}
            order: List[tuple] = []
            for row in rows:
                if i >= len(row) or row[i][0] != "W":
                    order.append(("keep", tuple(row)))
                    continue
                rest = (len(row),) + tuple(row[:i]) + tuple(row[i + 1:])
                if rest not in groups:
                    groups[rest] = []
                    order.append(("group", rest))
                groups[rest].append(row[i][1])
            merged = []
            for kind, k in order:
                if kind == "keep":
                    merged.append(list(k))
                    continue
                sets = groups[k]
                changed |= len(sets) > 1
                n, rest = k[0], list(k[1:])
                merged.append(rest[:i] + [("W", frozenset().union(*sets))] + rest[i:n - 1])
            rows = merged
    out = []
    for row in rows:
        out.append([
            ({"LOWER": next(iter(k[1]))} if len(k[1]) == 1 else {"LOWER": {"IN": sorted(k[1])}}) if k[0] == "W"
            else specs[k]
            for k in row
        ])
    return out


class GatedMatcher:
    """spaCy's ``Matcher``, one per key and gate, each run only when the message holds a word of
    its gate: the words of one position its patterns share, the position rarest in English. A
    pattern cannot match without a token from each of its positions, so a matcher whose gate
    misses the message's words has no match there: skipping it changes no result. A ``Matcher``
    evaluates each word-set predicate in Python at every token, so one big Matcher cost most of
    the reader's time; a message wakes few of the small ones."""

    def __init__(self, vocab) -> None:
        self.vocab = vocab
        self._gated: List[Tuple[str, Matcher]] = []
        self._by_word: Dict[str, List[int]] = {}  # a gate's word -> the matchers it wakes
        self._always: List[Tuple[str, Matcher]] = []

    def __len__(self) -> int:
        return len(self._gated) + len(self._always)

    @staticmethod
    def _gate(pattern: List[dict]):
        """The position whose words are rarest in English (spacy-lookups-data's word
        probabilities): the one a message is least likely to hold."""
        prob = _word_probabilities()
        best = None
        for spec in pattern:
            words = spec_words(spec)
            if words is None:
                continue
            rank = sum(prob.get(w, 1e-7) for w in words)
            if best is None or rank < best[0]:
                best = (rank, words)
        return best[1] if best else frozenset()

    def add(self, key: str, patterns: List[List[dict]]) -> None:
        by_gate: Dict[frozenset, List[List[dict]]] = {}
        for p in patterns:
            by_gate.setdefault(self._gate(p), []).append(p)
        for gate, group in by_gate.items():
            matcher = Matcher(self.vocab)
            matcher.add(key, group)
            if gate:
                for word in gate:
                    self._by_word.setdefault(word, []).append(len(self._gated))
                self._gated.append((key, matcher))
            else:
                self._always.append((key, matcher))

    def __call__(self, doclike, keys: Optional[Callable[[str], bool]] = None) -> list:
        """Matches as ``Matcher`` gives them, of the keys that ``keys`` accepts (all by default)."""
        woken: Set[int] = set()
        for word in {t.lower_ for t in doclike}:
            woken.update(self._by_word.get(word, ()))
        out = []
        for key, matcher in self._always:
            if keys is None or keys(key):
                out += matcher(doclike)
        for k in sorted(woken):
            key, matcher = self._gated[k]
            if keys is None or keys(key):
                out += matcher(doclike)
        return sorted(out, key=lambda m: (m[1], m[2]))


@lru_cache(maxsize=1)
def _word_probabilities() -> Dict[str, float]:
    """How often each English word occurs (spacy-lookups-data's ``lexeme_prob``, a log)."""
    import gzip
    import json
    import math
    import os

    import spacy_lookups_data

    path = os.path.join(os.path.dirname(spacy_lookups_data.__file__), "data", "en_lexeme_prob.json.gz")
    with gzip.open(path, "rt", encoding="utf8") as fh:
        return {w: math.exp(p) for w, p in json.load(fh).items()}


@lru_cache(maxsize=1)
def _tokenizer():
    import spacy

    return spacy.blank("en").tokenizer  # the pipeline's own tokenizer (reader/pipeline.py)


@lru_cache(maxsize=65536)
def _tokens_of(word: str) -> Tuple[str, ...]:
    return tuple(t.text for t in _tokenizer()(word))


def pattern_words(phrase: str) -> List[str]:
    """A knowledge phrase as the tokens a message is cut into ("grave's" is "grave" + "'s",
    "t1dm" is "t1" + "dm"), so that every phrase can match; a prefix word ("dizz*") and the
    number word stay whole."""
    out: List[str] = []
    for w in normalise(phrase).replace("-", " - ").split():
        out.extend([w] if w.endswith("*") or w == NUMBER else _tokens_of(w))
    return out


class ConceptMatcher:
    def __init__(self, knowledge: Knowledge, nlp, extra_words: Iterable[str] = ()) -> None:
        self.knowledge = knowledge
        self.nlp = nlp
        self._inflections = inflections(nlp)
        # the writer's words stand for anyone's: "can't move my arm" is also "his arm" (knowledge persons)
        self._persons = {w: tuple(alts) for w, alts in knowledge.persons.items()}
        self.matcher = GatedMatcher(nlp.vocab)  # patterns with a prefix word or a number
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")  # the others, every inflection spelled out
        self.matcher_used = False
        self.extra_words = extra_words
        self._keys: Dict[int, Tuple[str, str, int, int]] = {}  # matcher id -> (kind, code, combo, group)
        self._combos: Dict[str, List[Tuple[int, ...]]] = {}  # code -> combos, as sizes
        for concept in knowledge.concepts.values():
            self._add("P", concept.code, 0, 0, concept.phrases)
            self._add("X", concept.code, 0, 0, concept.exclude)
            self._add("D", concept.code, 0, 0, concept.denials)
            for ci, combo in enumerate(concept.combos):
                for gi, group in enumerate(combo):
                    self._add("G", concept.code, ci, gi, group)

        # where on a body part ("on the right side of my tongue", "the tips of my fingers"):
        # these words do not count towards a combination's window
        self._add("L", "", 0, 0, knowledge.word_classes.get("site_locators", ()))

        states = knowledge.states
        self._state_codes = set(states.get("codes", ()))
        self._object_words = set(states.get("object_words", ()))
        self._time_words = set(states.get("time_words", ()))
        self._noun_markers = set(states.get("noun_markers", ()))
        self._things = set(states.get("also_things", ()))
        self._directions = {w: set(after) for w, after in (states.get("directions") or {}).items()}

    def _has_object(self, doc: Doc, end: int) -> bool:
        """A state's words followed by a determiner or possessive that does not start
        a time: "depressed the clutch", "feeling down my leg" (knowledge ``states``)."""
        if end >= len(doc):
            return False
        nxt = doc[end].lower_
        if nxt not in self._object_words and nxt not in self._directions.get(doc[end - 1].lower_, ()):
            return False
        return not (end + 1 < len(doc) and doc[end + 1].lower_ in self._time_words)

    def _a_thing(self, doc: Doc, sp: Tuple[int, int]) -> bool:
        """A state's one word used as a noun: after "the" and heading its phrase ("walk ok on
        the flat", "hit the low"), not before one ("the tired feeling") (knowledge ``states``)."""
        s, e = sp
        if e - s != 1 or s == 0 or doc[s - 1].lower_ not in self._noun_markers or doc[s].lower_ not in self._things:
            return False
        return e == len(doc) or not doc[e].is_alpha or doc[e].is_stop

    # ---------------------------------------------------------------- build
    def _add(self, kind: str, code: str, combo: int, group: int, phrases: Iterable[str]) -> None:
        key = f"{kind}|{code}|{combo}|{group}"
        if add_patterns(self, key, phrases):
            self._keys[self.nlp.vocab.strings[key]] = (kind, code, combo, group)

    # ---------------------------------------------------------------- match
    def matches(self, doc: Doc) -> List[Match]:
        phrases: Dict[str, List[Tuple[int, int]]] = {}
        excluded: Dict[str, List[Tuple[int, int]]] = {}
        denied: Dict[str, List[Tuple[int, int]]] = {}
        groups: Dict[Tuple[str, int, int], List[Tuple[int, int]]] = {}
        found = self.phrases(doc)
        if self.matcher_used:
            found += self.matcher(doc, keys=lambda key: not key.startswith("X|"))
            # an exclusion only cancels a match of its own code: looked for when the code was found
            codes = {self._keys[m][1] for m, _, _ in found}
            found += self.matcher(doc, keys=lambda key: key.startswith("X|") and key.split("|")[1] in codes)
        locators: Set[int] = set()
        for match_id, s, e in found:
            kind, code, ci, gi = self._keys[match_id]
            if kind == "L":
                locators.update(range(s, e))
            elif kind == "P":
                phrases.setdefault(code, []).append((s, e))
            elif kind == "X":
                excluded.setdefault(code, []).append((s, e))
            elif kind == "D":
                denied.setdefault(code, []).append((s, e))
            else:
                groups.setdefault((code, ci, gi), []).append((s, e))
        clause_of, clauses = clause_spans(doc)
        found: List[Match] = []
        codes = set(phrases) | set(denied) | {c for c, _, _ in groups}
        for code in codes:
            concept = self.knowledge.concept(code)
            gaps: Dict[Tuple[int, int], Tuple[int, ...]] = {sp: () for sp in phrases.get(code, ())}
            definite = set(gaps)
            for ci, combo in enumerate(concept.combos):
                per_group = [groups.get((code, ci, gi)) for gi in range(len(combo))]
                if not all(per_group):
                    continue
                # only the clauses where every group has a part (the rest cannot hold the combo)
                common = set.intersection(*({clause_of[sp[0]] for sp in occ} for occ in per_group))
                for lo, hi in (clauses[k] for k in sorted(common)):
                    inside = [[sp for sp in occ if lo <= sp[0] and sp[1] <= hi] for occ in per_group]
                    for s, e, g in combo_spans(inside, doc, lo, hi, concept.combo_windows[ci], locators):
                        if (s, e) not in gaps or len(g) < len(gaps[(s, e)]):
                            gaps[(s, e)] = g
                        if not concept.combo_possible[ci]:
                            definite.add((s, e))
            kept = [sp for sp in dedupe(gaps) if not any(overlap(sp, x) for x in excluded.get(code, ()))]
            if code in self._state_codes:
                kept = [sp for sp in kept if not self._has_object(doc, sp[1]) and not self._a_thing(doc, sp)]
            denials = denied.get(code, [])
            # a denial that starts between the parts of a combo interrupts it
            # ("gave up being vegan, eat meat now" is not "gave up ... meat")
            kept = [k for k in kept if not any(d[0] in gaps[k] for d in denials)]
            found += [Match(code, s, e, gaps[(s, e)], possible=(s, e) not in definite) for s, e in kept]
            found += [Match(code, s, e, denial=True) for s, e in dedupe(denials) if not any(overlap((s, e), k) for k in kept)]
        found = self._suppress(found)
        return sorted(found, key=lambda m: (m.start, m.code))

    def _suppress(self, matches: List[Match]) -> List[Match]:
        dropped = set()
        for a in matches:
            for target in self.knowledge.concept(a.code).suppresses:
                for j, b in enumerate(matches):
                    if b.code == target and overlap((a.start, a.end), (b.start, b.end)):
                        dropped.add(j)
        return [m for j, m in enumerate(matches) if j not in dropped]


@lru_cache(maxsize=1)
def _inflection_table() -> Dict[str, Tuple[str, ...]]:
    """lemma -> the words the lookup lemmatizer maps to it: spacy-lookups-data's
    English lookup table (the one the pipeline's lemmatizer holds, hashed),
    inverted."""
    import gzip
    import json
    import os

    import spacy_lookups_data

    path = os.path.join(os.path.dirname(spacy_lookups_data.__file__), "data", "en_lemma_lookup.json.gz")
    with gzip.open(path, "rt", encoding="utf8") as fh:
        table = json.load(fh)
    inv: Dict[str, List[str]] = {}
    for word, lemma in table.items():
        if word != lemma and word.islower():
            inv.setdefault(lemma, []).append(word)
    return {k: tuple(sorted(v)) for k, v in inv.items()}


def inflections(nlp=None) -> Dict[str, Tuple[str, ...]]:
    return _inflection_table()


@lru_cache(maxsize=1)
def _known_words() -> Tuple[str, ...]:
    """Every English word the lookup tables know, sorted: what a prefix word
    ("tingl*") is spelled out into (tingle, tingled, tingles, tingling, tingly...).
    The speller has already mended typos into known words."""
    import gzip
    import json
    import os

    import spacy_lookups_data

    data = os.path.join(os.path.dirname(spacy_lookups_data.__file__), "data")
    words = set()
    with gzip.open(os.path.join(data, "en_lemma_lookup.json.gz"), "rt", encoding="utf8") as fh:
        for word, lemma in json.load(fh).items():
            words.update((word, lemma))
    with gzip.open(os.path.join(data, "en_lexeme_prob.json.gz"), "rt", encoding="utf8") as fh:
        words.update(json.load(fh))
    return tuple(sorted(w for w in words if w.isalpha() and w.islower()))


def words_starting(stem: str, extra: Iterable[str] = ()) -> Tuple[str, ...]:
    import bisect

    known = _known_words()
    out = []
    k = bisect.bisect_left(known, stem)
    while k < len(known) and known[k].startswith(stem):
        out.append(known[k])
        k += 1
    out += [w for w in extra if w.startswith(stem)]
    # a prefix that is itself a word also stands for its irregular forms ("creep*": crept)
    out += _inflection_table().get(stem, ())
    return tuple(sorted(set(out) | {stem}))


def token_spec(word: str, inflections: Dict[str, Tuple[str, ...]]) -> dict:
    """One pattern word as a Matcher token: a number, a prefix, or the word and
    every form whose lemma it is ("feel": feels, felt...)."""
    if word == NUMBER:
        return {"LIKE_NUM": True}
    if word.endswith("*") and len(word) > 1:
        stem = word[:-1]
        irregular = [w for w in _inflection_table().get(stem, ()) if not w.startswith(stem)]
        return {"LOWER": {"REGEX": "^(?:" + "|".join(re.escape(w) for w in [stem] + irregular) + ")"}}
    forms = sorted({word} | set(inflections.get(word, ())))
    return {"LOWER": {"IN": forms}} if len(forms) > 1 else {"LOWER": word}


# "since" before a time tells when, and the clause goes on ("the head is very bad since lunch")
SINCE_TIMES = {"this", "last", "yesterday", "lunch", "lunchtime", "breakfast", "dinner", "tea", "teatime", "supper",
               "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "tonight",
               "earlier", "midnight", "waking", "about", "around", "an", "a", "then"}


def clause_spans(doc: Sequence) -> Tuple[List[int], List[Tuple[int, int]]]:
    clause_of: List[int] = []
    clauses: List[Tuple[int, int]] = []
    start = 0
    for k, t in enumerate(doc):
        text = t.text
        timed = text == "since" and k + 1 < len(doc) and (doc[k + 1].lower_ in SINCE_TIMES or doc[k + 1].like_num)
        if (text in CLAUSE_BREAKS and not timed) or "\n" in text:
            clauses.append((start, k))
            start = k + 1
            clause_of.append(len(clauses) - 1)
        else:
            clause_of.append(len(clauses))
    clauses.append((start, len(doc)))
    return clause_of, clauses


def combo_spans(per_group: List[List[Tuple[int, int]]], doc, lo: int, hi: int, window: int,
                transparent: AbstractSet[int] = frozenset()) -> List[Tuple[int, int, Tuple[int, ...]]]:
    """Spans where an occurrence of every group lies within ``window`` tokens.

    A multi-word alternative counts as one token towards the window, and so do the
    ``transparent`` positions (where on a body part: "on the right side of my tongue")
    that no group matched. Each span
    comes with its gaps: the positions inside it that no group matched, where
    a negation ("my legs are not weak") still applies.
    """
    if not all(per_group):
        return []
    # a comma or dash before a new subject ("..., my gran had it") or a statement that starts
    # again with its verb ("... b12 related, been on metformin 8 yrs") ends what a combo may span
    breaks = [k for k in range(lo, hi - 1) if doc[k].text in {",", "-", ";", ":", "("} and doc[k + 1].text in RESTART_WORDS
              and not (doc[k + 1].text in _WHERE_ONLY and k + 2 < len(doc) and doc[k + 2].text in _WHERE)]
    spans = []
    for anchor in per_group[0]:
        chosen = [anchor]
        for occ in per_group[1:]:
            pick = min(
                (o for o in occ if not overlap(o, anchor)),
                key=lambda o: (abs(o[0] - anchor[0]), o[0] - o[1]),
                default=None,
            )
            if pick is None:
                chosen = []
                break
            chosen.append(pick)
        if not chosen:
            continue
        s = min(c[0] for c in chosen)
        e = max(c[1] for c in chosen)
        covered = {k for c in chosen for k in range(c[0], c[1])}
        extra = sum(c[1] - c[0] - 1 for c in chosen) + sum(1 for k in transparent if s <= k < e and k not in covered)
        if e - s - extra <= window and not any(s <= k < e for k in breaks):
            spans.append((s, e, tuple(k for k in range(s, e) if k not in covered)))
    return spans


def overlap(a: Tuple[int, int], b: Tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def dedupe(spans: Iterable[Tuple[int, int]]) -> List[Tuple[int, int]]:
    """Keep the longest of nested spans."""
    out: List[Tuple[int, int]] = []
    for s in sorted(set(spans), key=lambda x: (x[0], -(x[1] - x[0]))):
        if out and out[-1][0] <= s[0] and s[1] <= out[-1][1]:
            continue
        out.append(s)
    return out


class PatternSet:
    """Named lists of phrases in the knowledge file's pattern language, matched
    with one spaCy ``Matcher``: used for the modifiers (progression, onset,
    side), information topics and the question frames."""

    def __init__(self, nlp, named: Dict[str, Sequence[str]], extra_words: Iterable[str] = ()) -> None:
        self.nlp = nlp
        self._inflections = inflections(nlp)
        self.matcher = GatedMatcher(nlp.vocab)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.matcher_used = False
        self.extra_words = extra_words
        self._names: Dict[int, str] = {}
        for name, phrases in named.items():
            key = f"S|{name}"
            if add_patterns(self, key, phrases):
                self._names[nlp.vocab.strings[key]] = name

    def find(self, doc) -> Dict[str, List[Tuple[int, int]]]:
        out: Dict[str, List[Tuple[int, int]]] = {}
        for match_id, s, e in self.phrases(doc) + (self.matcher(doc) if self.matcher_used else []):
            out.setdefault(self._names[match_id], []).append((s, e))
        return out
