"""Recognise clinical facts in free text: codes with present/absent/unsure.

Driven entirely by ``actions/clinical/knowledge.yml``. Steps:

1. normalise: strip markup, fold quotes, expand contractions, lower-case;
2. tokenise and lemmatise with the project's spaCy pipeline, fold British
   spellings and correct typos of known clinical words (edit distance);
3. split into clauses and match every concept's phrases and combos;
4. drop matches cancelled by ``exclude`` or ``suppresses``;
5. decide each match's status from negation and uncertainty cues (a NegEx
   style scope: cues before the match in the same clause, a few after);
6. read the modifiers: age, duration, progression, onset, side, subject,
   and the information topic a question is about.

A generic mention inside a question ("can B12 cause cramps?") is not a
report; one with a first-person marker ("could my cramps be B12?") is.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from actions.clinical.facts import ADULT_AGE, OLDER_AGE, Status
from actions.clinical.knowledge import Concept, Kind, Knowledge, load_knowledge


@dataclass(frozen=True)
class Finding:
    code: str
    kind: Kind
    status: Status
    start: int
    end: int
    text: str


@dataclass
class Extraction:
    findings: List[Finding] = field(default_factory=list)
    age: Optional[int] = None
    duration: Optional[str] = None  # days | weeks | months | years
    progression: Optional[str] = None  # rapid | slow | stable
    onset: Optional[str] = None  # sudden | gradual
    side: Optional[str] = None  # one | both
    subject: Optional[str] = None  # "other" when asking for someone else
    topics: List[str] = field(default_factory=list)
    foreign: bool = False

    def codes(self, status: Status = Status.PRESENT, kind: Optional[Kind] = None) -> List[str]:
        return [
            f.code
            for f in self.findings
            if f.status == status and (kind is None or f.kind == kind)
        ]

    def status_of(self, code: str) -> Optional[Status]:
        return next((f.status for f in self.findings if f.code == code), None)


# ---------------------------------------------------------------- normalising

_CONTRACTIONS = [
    (r"\bcan'?t\b", "cannot"),
    (r"\bcannot\b", "cannot"),
    (r"\bwon'?t\b", "will not"),
    (r"\bain'?t\b", "is not"),
    (r"\bshan'?t\b", "shall not"),
    (r"\b(do|does|did|is|are|was|were|has|have|had|could|would|should|must|need)n'?t\b", r"\1 not"),
    (r"\bdont\b", "do not"),
    (r"\bdoesnt\b", "does not"),
    (r"\bdidnt\b", "did not"),
    (r"\bisnt\b", "is not"),
    (r"\bhavent\b", "have not"),
    (r"\bhasnt\b", "has not"),
    (r"\bwasnt\b", "was not"),
    (r"\bcant\b", "cannot"),
    (r"\bwont\b", "will not"),
    (r"\b(she|he|there|that|what)s\b", r"\1 is"),
    (r"\bi'?m\b", "i am"),
    (r"\bim\b", "i am"),
    (r"\bi'?ve\b", "i have"),
    (r"\bive\b", "i have"),
    (r"\b(you|we|they)'re\b", r"\1 are"),
    (r"\b(i|you|we|they|he|she|it)'ll\b", r"\1 will"),
    (r"\b(i|you|we|they|he|she)'d\b", r"\1 would"),
    (r"\b(it|that|there|she|he|what)'s\b", r"\1 is"),
    (r"\bb-?12\b", "b12"),
    (r"\bb 12\b", "b12"),
    (r"\bvit\.? ?b12\b", "vitamin b12"),
]
_CONTRACTION_RES = [(re.compile(p), r) for p, r in _CONTRACTIONS]
_TAG_RE = re.compile(r"<[^>]{0,200}>")


def normalise(text: str) -> str:
    text = html.unescape(text or "")
    text = _TAG_RE.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = (
        text.replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
        .replace("\u2013", "-")
        .replace("\u2014", "-")
    )
    text = text.lower()
    for pattern, repl in _CONTRACTION_RES:
        text = pattern.sub(repl, text)
    # spaCy splits "cannot" into two tokens; phrases are written the same way
    text = re.sub(r"\bcannot\b", "can not", text)
    text = re.sub(r"[ \t]+", " ", text)
    return text.strip()


# ------------------------------------------------------------------- patterns

Word = Tuple[str, bool]  # (text, is_prefix)
Phrase = Tuple[Word, ...]


def compile_phrase(phrase: str) -> Phrase:
    words = []
    for w in normalise(phrase).replace("-", " - ").split():
        if w.endswith("*") and len(w) > 1:
            words.append((w[:-1], True))
        else:
            words.append((w, False))
    return tuple(words)


@dataclass(frozen=True)
class Token:
    i: int
    text: str
    lemma: str
    start: int
    end: int


def _word_matches(word: Word, token: Token) -> bool:
    text, prefix = word
    if prefix:
        return token.text.startswith(text) or token.lemma.startswith(text)
    return token.text == text or token.lemma == text


def find_phrase(phrase: Phrase, tokens: Sequence[Token], lo: int = 0, hi: Optional[int] = None) -> List[Tuple[int, int]]:
    """All [start, end) token spans where the phrase occurs in tokens[lo:hi]."""
    hi = len(tokens) if hi is None else hi
    n = len(phrase)
    spans = []
    for s in range(lo, hi - n + 1):
        if all(_word_matches(phrase[k], tokens[s + k]) for k in range(n)):
            spans.append((s, s + n))
    return spans


@dataclass(frozen=True)
class CompiledConcept:
    concept: Concept
    phrases: Tuple[Phrase, ...]
    combos: Tuple[Tuple[Tuple[Phrase, ...], ...], ...]
    exclude: Tuple[Phrase, ...]
    denials: Tuple[Phrase, ...]


def _compile(concept: Concept) -> CompiledConcept:
    return CompiledConcept(
        concept=concept,
        phrases=tuple(compile_phrase(p) for p in concept.phrases),
        combos=tuple(
            tuple(tuple(compile_phrase(alt) for alt in group) for group in combo)
            for combo in concept.combos
        ),
        exclude=tuple(compile_phrase(p) for p in concept.exclude),
        denials=tuple(compile_phrase(p) for p in concept.denials),
    )


# ---------------------------------------------------------- negation & scope

_CLAUSE_BREAKS = {".", "!", "?", ";", "\n", "but", "however", "although", "though", "except", "yet", "whereas", "apart", "otherwise", "because", "cos", "coz", "since", "which"}
_SCOPE_BREAK_AFTER = {",", "and", "so", "-", "/", "then", "plus", "also", "as", "while", "when"}
_SCOPE_BREAK_NEXT = {"i", "my", "me", "it", "they", "he", "she", "we", "our", "his", "her", "their", "the", "this", "that", "there", "am", "have", "also", "is"}

_UNSURE_CUES = [compile_phrase(c) for c in (
    "not sure", "unsure", "not certain", "not too sure", "not really sure", "do not know", "dunno",
    "no idea", "maybe", "perhaps", "possibly", "might", "may be", "could be", "cannot tell",
    "hard to tell", "hard to say", "cannot remember if", "cannot remember whether", "wonder if",
    "wondering if", "not sure if", "do not think so", "probably", "kind of think", "i guess",
)]
_NEGATION_CUES = [compile_phrase(c) for c in (
    "no", "not", "never", "without", "none", "neither", "nor", "denies", "deny", "free of",
    "stopped", "quit", "no longer", "gave up", "given up", "used to", "nothing", "nope", "nah",
    "absence of", "not any", "zero", "ruled out", "negative for", "not been", "lack of",
)]
_SCOPE_STOP = {"just", "only", "instead", "rather", "except", "still"}
_POST_NEGATION_CUES = [compile_phrase(c) for c in (
    "gone", "went away", "go away", "disappeared", "anymore", "any more", "resolved", "cleared up",
    "no longer", "stopped", "not anymore", "not any more",
    "- no", ": no", "no", "none", "nope", "never",
)]
_PSEUDO_NEGATIONS = [compile_phrase(c) for c in (
    "not only", "no doubt", "not just", "no matter", "not sure why", "no reason", "not stopped",
    "never stopped", "not gone", "not went away", "not go away", "no better", "not better",
    "no end", "not getting better", "not improving", "no let up",
)]
_FIRST_PERSON = {"i", "my", "me", "mine", "myself", "im"}
_QUESTION_STARTS = {"can", "could", "does", "do", "is", "are", "will", "would", "should", "what", "how", "why", "which", "when", "who", "where", "whats", "hows", "is it", "did"}
_FIRST_PERSON_Q = [compile_phrase(c) for c in (
    "my", "i have", "i am", "i get", "i feel", "i keep", "i got", "i been", "i have been", "i suffer",
    "i take", "i use", "i used", "i drink", "i had", "i do not", "i cannot", "me",
)]


@dataclass(frozen=True)
class _Match:
    code: str
    start: int  # token index
    end: int  # exclusive
    clause: int
    denial: bool = False


class Extractor:
    """Turns a message into an :class:`Extraction`."""

    def __init__(self, knowledge: Optional[Knowledge] = None, nlp=None) -> None:
        self.knowledge = knowledge or load_knowledge()
        if nlp is None:
            from actions.nlu.pipeline import load_pipeline

            nlp = load_pipeline()
        self.nlp = nlp
        self.compiled = [_compile(c) for c in self.knowledge.concepts.values()]
        self._lemma_table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        self._lemma_values: Set[str] = set(self._lemma_table.values())
        self.clinical_words = self._clinical_vocabulary()
        self._long_spellings = [(k, v) for k, v in self.knowledge.spelling.items() if len(k) >= 6 and k.isalpha()]
        self._progression = {k: [compile_phrase(p) for p in v] for k, v in self.knowledge.progression.items()}
        self._onset = {k: [compile_phrase(p) for p in v] for k, v in self.knowledge.onset.items()}
        self._side = {k: [compile_phrase(p) for p in v] for k, v in self.knowledge.side.items()}
        self._subject_other = [compile_phrase(p) for p in self.knowledge.subject_other]
        self._relations = set(self.knowledge.relations)
        self._topics = [
            (t.id, [compile_phrase(k) for k in t.keywords]) for t in self.knowledge.topics
        ]

    # -------------------------------------------------------------- vocab
    def _clinical_vocabulary(self) -> Set[str]:
        words: Set[str] = set()

        def add(phrase: str) -> None:
            for w in normalise(phrase).split():
                if not w.endswith("*") and w.isalpha() and len(w) >= 5:
                    words.add(w)

        for c in self.knowledge.concepts.values():
            for p in c.phrases + c.exclude:
                add(p)
            for combo in c.combos:
                for group in combo:
                    for alt in group:
                        add(alt)
        for t in self.knowledge.topics:
            for k in t.keywords:
                add(k)
        words.update(self.knowledge.spelling.values())
        return words

    def is_known_word(self, word: str) -> bool:
        return word in self._lemma_table or word in self._lemma_values or word in self.clinical_words

    def correct(self, word: str) -> str:
        """Fold spelling variants and fix a typo of a clinical word."""
        if word in self.knowledge.spelling:
            return self.knowledge.spelling[word]
        for variant, canonical in self._long_spellings:
            if word.startswith(variant):
                return canonical + word[len(variant):]
        if len(word) < 5 or not word.isalpha() or self.is_known_word(word):
            return word
        limit = 1 if len(word) < 8 else 2
        best, best_d = word, limit + 1
        for candidate in self.clinical_words:
            if abs(len(candidate) - len(word)) > limit or candidate[0] != word[0]:
                continue
            d = _edit_distance(word, candidate, best_d)
            if d < best_d:
                best, best_d = candidate, d
        return best if best_d <= limit else word

    # ----------------------------------------------------------- tokenise
    def tokens(self, text: str) -> Tuple[str, List[Token]]:
        norm = normalise(text)
        doc = self.nlp.make_doc(norm)
        corrected = [self.correct(t.text) for t in doc]
        if any(c != t.text for c, t in zip(corrected, doc)):
            norm2 = "".join(c + t.whitespace_ for c, t in zip(corrected, doc))
        else:
            norm2 = norm
        doc = self.nlp(norm2)
        tokens = [
            Token(t.i, t.text, (t.lemma_ or t.text).lower(), t.idx, t.idx + len(t.text))
            for t in doc
        ]
        return norm2, tokens

    # -------------------------------------------------------------- main
    def extract(self, text: str) -> Extraction:
        norm, tokens = self.tokens(text)
        out = Extraction()
        if not tokens:
            return out
        out.foreign = self._looks_foreign(text, tokens)
        clause_of, clauses = _clauses(tokens)
        matches = self._match_concepts(tokens, clause_of, clauses)
        matches = self._apply_suppression(matches)
        questions = {ci for ci, (lo, hi) in enumerate(clauses) if self._is_question(tokens, lo, hi)}
        by_code: Dict[str, Finding] = {}
        for m in matches:
            lo, hi = clauses[m.clause]
            if m.clause in questions and not _has_any(_FIRST_PERSON_Q, tokens, lo, hi):
                continue
            status = Status.ABSENT if m.denial else self._status(tokens, m, lo, hi)
            finding = Finding(
                code=m.code,
                kind=self.knowledge.concept(m.code).kind,
                status=status,
                start=tokens[m.start].start,
                end=tokens[m.end - 1].end,
                text=norm[tokens[m.start].start : tokens[m.end - 1].end],
            )
            previous = by_code.get(m.code)
            # Within one message the later statement wins ("not vegan... well, mostly vegan").
            if previous is None or finding.start >= previous.start:
                by_code[m.code] = finding
        out.findings = sorted(by_code.values(), key=lambda f: f.start)
        out.age = _age(norm)
        if out.age is not None and out.age >= ADULT_AGE and "RK_AGE_OLDER" not in by_code:
            out.findings.append(
                Finding(
                    "RK_AGE_OLDER",
                    Kind.RISK_FACTOR,
                    Status.PRESENT if out.age >= OLDER_AGE else Status.ABSENT,
                    0,
                    0,
                    str(out.age),
                )
            )
        out.duration = _duration(norm)
        out.progression = self._first_group(self._progression, tokens, ("rapid", "stable", "slow"))
        out.onset = self._first_group(self._onset, tokens, ("sudden", "gradual"))
        out.side = self._first_group(self._side, tokens, ("one", "both"))
        out.subject = self._subject(tokens)
        out.topics = self._rank_topics(tokens)
        return out

    # ------------------------------------------------------------ helpers
    def _match_concepts(self, tokens, clause_of, clauses) -> List[_Match]:
        found: List[_Match] = []
        for cc in self.compiled:
            spans: List[Tuple[int, int]] = []
            for phrase in cc.phrases:
                spans.extend(find_phrase(phrase, tokens))
            for combo in cc.combos:
                for lo, hi in clauses:
                    spans.extend(_combo_spans(combo, tokens, lo, hi, cc.concept.window))
            if not spans and not cc.denials:
                continue
            excluded = [s for p in cc.exclude for s in find_phrase(p, tokens)]
            kept = [sp for sp in _dedupe(spans) if not any(_overlap(sp, x) for x in excluded)]
            for s, e in kept:
                found.append(_Match(cc.concept.code, s, e, clause_of[s]))
            for p in cc.denials:
                for s, e in find_phrase(p, tokens):
                    if not any(_overlap((s, e), k) for k in kept):
                        found.append(_Match(cc.concept.code, s, e, clause_of[s], denial=True))
        return found

    def _apply_suppression(self, matches: List[_Match]) -> List[_Match]:
        dropped = set()
        for a in matches:
            for target in self.knowledge.concept(a.code).suppresses:
                for j, b in enumerate(matches):
                    if b.code == target and _overlap((a.start, a.end), (b.start, b.end)):
                        dropped.add(j)
        return [m for j, m in enumerate(matches) if j not in dropped]

    def _is_question(self, tokens, lo, hi) -> bool:
        if hi <= lo:
            return False
        last = tokens[hi - 1].text if hi - 1 < len(tokens) else ""
        nxt = tokens[hi].text if hi < len(tokens) else ""
        if last == "?" or nxt == "?":
            return True
        second = tokens[lo + 1].text if lo + 1 < hi else ""
        return tokens[lo].text in _QUESTION_STARTS and second not in {"not", "n't", "no"}

    def _status(self, tokens, m: _Match, lo: int, hi: int) -> Status:
        # cues before the match, inside the scope
        scope_lo = max(lo, m.start - 7)
        for k in range(m.start - 1, scope_lo - 1, -1):
            t = tokens[k].text
            if t in _SCOPE_STOP or (t in _SCOPE_BREAK_AFTER and k + 1 < len(tokens) and tokens[k + 1].text in _SCOPE_BREAK_NEXT):
                scope_lo = k + 1
                break
        window = (scope_lo, m.start)
        if _cue_in(_UNSURE_CUES, tokens, *window):
            return Status.UNSURE
        if _cue_in(_NEGATION_CUES, tokens, *window, pseudo=_PSEUDO_NEGATIONS):
            return Status.ABSENT
        # a few cues after the match ("the tingling has gone")
        post_hi = min(hi, m.end + 5)
        for k in range(m.end, post_hi):
            if tokens[k].text in {",", "and"} and k + 1 < post_hi and tokens[k + 1].text in _SCOPE_BREAK_NEXT - {"is", "have"}:
                post_hi = k
                break
        inner_negation = any(tokens[k].text in {"not", "no", "never"} for k in range(m.start, m.end))
        if not inner_negation and _cue_in(_POST_NEGATION_CUES, tokens, m.end, post_hi, pseudo=_PSEUDO_NEGATIONS):
            return Status.ABSENT
        return Status.PRESENT

    def _first_group(self, groups, tokens, order) -> Optional[str]:
        for name in order:
            for phrase in groups.get(name, ()):
                for s, e in find_phrase(phrase, tokens):
                    # "not getting worse" reads as stable, not as worse
                    if name != "stable" and s > 0 and tokens[s - 1].text in {"not", "no", "never"}:
                        continue
                    return name
        return None

    def _subject(self, tokens) -> Optional[str]:
        if _has_any(self._subject_other, tokens, 0, len(tokens)):
            return "other"
        # "my mum (82) has ...", "my son keeps tripping", "she has numb feet"
        for k, t in enumerate(tokens[:-1]):
            if t.text == "my" and tokens[k + 1].lemma in self._relations:
                rest = [x.text for x in tokens[k + 2 : k + 6]]
                if any(v in rest for v in ("is", "has", "keeps", "gets", "feels", "says", "suffers", "complains", "was", "had", "does", "cannot", "seems", "been")):
                    first_person = {x.text for x in tokens} & {"i"}
                    if not first_person or tokens[0].text == "my":
                        return "other"
        if tokens[0].text in {"she", "he"}:
            return "other"
        return None

    def _rank_topics(self, tokens) -> List[str]:
        scores = []
        for topic_id, keywords in self._topics:
            score = sum(len(find_phrase(k, tokens)) * len(k) for k in keywords)
            if score:
                scores.append((score, topic_id))
        scores.sort(key=lambda x: -x[0])
        return [t for _, t in scores]

    def _looks_foreign(self, original: str, tokens: List[Token]) -> bool:
        letters = [ch for ch in original if ch.isalpha()]
        if not letters:
            return False
        non_latin = sum(1 for ch in letters if ord(ch) > 0x24F)
        if non_latin / len(letters) > 0.5:
            return True
        words = [t.text for t in tokens if t.text.isalpha() and len(t.text) > 1]
        if len(words) < 3:
            return False
        known = sum(1 for w in words if self.is_known_word(w) or len(w) <= 3 and w in _SHORT_ENGLISH)
        return known / len(words) < 0.4


_SHORT_ENGLISH = {"i", "a", "an", "am", "is", "my", "me", "no", "not", "and", "or", "the", "of", "in", "on", "at", "to", "it", "be", "do", "so", "up", "he", "she", "we", "you", "get", "got", "has", "had", "was", "for", "but", "yes", "nah", "yep", "ok", "hi", "bye", "b12", "mum", "dad", "leg", "toe", "arm", "eye", "day", "how", "why", "who", "can", "our", "its"}


def _edit_distance(a: str, b: str, cap: int) -> int:
    """Damerau-Levenshtein (optimal string alignment), stopping early past cap."""
    prev2: List[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        row_min = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
            row_min = min(row_min, cur[j])
        if row_min >= cap:
            return cap
        prev2, prev = prev, cur
    return prev[-1]


def _clauses(tokens: Sequence[Token]) -> Tuple[List[int], List[Tuple[int, int]]]:
    clause_of: List[int] = []
    clauses: List[Tuple[int, int]] = []
    start = 0
    for k, t in enumerate(tokens):
        if t.text in _CLAUSE_BREAKS or "\n" in t.text:
            clauses.append((start, k))
            start = k + 1
            clause_of.append(len(clauses) - 1)
        else:
            clause_of.append(len(clauses))
    clauses.append((start, len(tokens)))
    return clause_of, clauses


def _combo_spans(combo, tokens, lo, hi, window) -> List[Tuple[int, int]]:
    per_group = []
    for group in combo:
        occ = [span for alt in group for span in find_phrase(alt, tokens, lo, hi)]
        if not occ:
            return []
        per_group.append(occ)
    spans = []
    for anchor in per_group[0]:
        best = None
        chosen = [anchor]
        for occ in per_group[1:]:
            pick = min(
                (o for o in occ if not _overlap(o, anchor)),
                key=lambda o: abs(o[0] - anchor[0]),
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
        if e - s <= window:
            best = (s, e)
        if best:
            spans.append(best)
    return spans


def _overlap(a: Tuple[int, int], b: Tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _dedupe(spans: Iterable[Tuple[int, int]]) -> List[Tuple[int, int]]:
    """Keep the longest of nested spans."""
    out: List[Tuple[int, int]] = []
    for s in sorted(set(spans), key=lambda x: (x[0], -(x[1] - x[0]))):
        if out and out[-1][0] <= s[0] and s[1] <= out[-1][1]:
            continue
        out.append(s)
    return out


def _has_any(phrases, tokens, lo, hi) -> bool:
    return any(find_phrase(p, tokens, lo, hi) for p in phrases)


def _cue_in(cues, tokens, lo, hi, pseudo=()) -> bool:
    if hi <= lo:
        return False
    blocked = [s for p in pseudo for s in find_phrase(p, tokens, max(0, lo - 2), min(len(tokens), hi + 3))]
    for cue in cues:
        for s, e in find_phrase(cue, tokens, lo, hi):
            if not any(_overlap((s, e), b) for b in blocked):
                return True
    return False


# ------------------------------------------------------------ age, duration

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "few": 3, "couple": 2,
    "couple of": 2, "several": 4, "many": 6, "some": 3,
}
_NOT_AGE_UNITS = r"(?!\s*(%|kg|lb|lbs|stone|st\b|cm|mg|mcg|ug|units?|weeks?|days?|months?|hours?|hrs?|minutes?|mins?|times|pounds|percent|pm|am\b|o'?clock|miles?|km|steps|ml|litres?|liters?|cups?|glasses|pints?|drinks|years?\s+(ago|now|later|before|since)|years?\b(?!\s*-?\s*old)))"
_AGE_RES = [
    re.compile(r"\b(\d{1,3}) is my age\b"),
    re.compile(r"\bmy age is (\d{1,3})\b"),
    re.compile(r"\b(\d{1,3})\s*-?\s*(?:years?|yrs?|yr)\s*-?\s*old\b"),
    re.compile(r"\b(\d{1,3})\s*(?:yo|y/o|y\.o\.?)\b"),
    re.compile(r"\b(?:aged?|age of|turned|turning)\s*:?\s*(\d{1,3})\b" + _NOT_AGE_UNITS),
    re.compile(r"\b(?:i am|i'm|she is|he is|they are|who is|am now|is now|mom is|dad is|mother is|father is|\w+ is)\s+(?:now\s+|almost\s+|nearly\s+|just\s+|over\s+)?(\d{1,3})\b" + _NOT_AGE_UNITS),
    re.compile(r"\b(\d{1,2})\s*(?:f|m)\b(?![a-z])"),
    re.compile(r"\((\d{1,3})\)"),
    re.compile(r"\b(?:mom|dad|mother|father|husband|wife|son|daughter|grandma|grandmother|grandad|grandfather|nan|partner|brother|sister|aunt|uncle)\s*,\s*(\d{1,3})\s*,"),
]
_DECADE_RE = re.compile(r"\bin (?:my|her|his|their) (?:late |early |mid )?(\d)0'?s\b")
_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7, "eighties": 8, "nineties": 9}
_DECADE_WORD_RE = re.compile(r"\bin (?:my|her|his|their) (?:late |early |mid )?(" + "|".join(_DECADE_WORDS) + r")\b")


def _age(text: str) -> Optional[int]:
    for rx in _AGE_RES:
        m = rx.search(text)
        if m:
            value = int(m.group(1))
            if 1 <= value <= 110:
                return value
    m = _DECADE_RE.search(text)
    if m:
        return int(m.group(1)) * 10 + 5
    m = _DECADE_WORD_RE.search(text)
    if m:
        return _DECADE_WORDS[m.group(1)] * 10 + 5
    return None


_DURATION_RE = re.compile(
    r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|couple(?: of)?|several|many|some)\s+"
    r"(?:more\s+)?(day|week|month|year|fortnight)s?\b(?!\s*old)"
)
_DURATION_WORDS = [
    (re.compile(r"\b(since yesterday|yesterday|today|this morning|last night|since last night|this afternoon|an hour ago|hours ago|few hours|past hour|overnight)\b"), "days"),
    (re.compile(r"\b(last week|since last week|fortnight|recently|past week)\b"), "weeks"),
    (re.compile(r"\b(since (january|february|march|april|may|june|july|august|september|october|november|december|christmas|easter|the summer|the spring|the autumn|the fall|the winter|last summer|last spring|last autumn|last winter|covid)|for ages|for a while|long time|last month|this year)\b"), "months"),
    (re.compile(r"\b(for years|years now|since last year|last year|since i was|over the years|many years|decades?)\b"), "years"),
]


def _duration(text: str) -> Optional[str]:
    m = _DURATION_RE.search(text)
    if m:
        word, unit = m.group(1), m.group(2)
        n = int(word) if word.isdigit() else _NUMBER_WORDS.get(word, 2)
        days = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365}[unit] * n
        if days < 14:
            return "days"
        if days < 56:
            return "weeks"
        if days < 730:
            return "months"
        return "years"
    for rx, label in _DURATION_WORDS:
        if rx.search(text):
            return label
    return None


@lru_cache(maxsize=1)
def default_extractor() -> Extractor:
    return Extractor()
