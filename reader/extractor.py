"""Recognise clinical facts in free text: codes with present/absent/unsure.

Driven entirely by ``knowledge/knowledge.yml``. Steps:

1. normalise: strip markup, fold quotes, expand contractions and chat
   shorthand ("dont", "idk", "w/o", "pins n needles"), lower-case;
2. tokenise and lemmatise with the project's spaCy pipeline, fold British
   spellings and correct typos of known clinical words (edit distance, also
   inside the stem of a prefix pattern; four-letter typos of short clinical
   words such as "pian", "nmub"; two dropped letters; glued words such as
   "pinsandneedles"; common English words are left alone), and real words
   typed for a clinical one when a neighbour shows it ("my feat", "hart
   pounding", "won't heel");
3. split into clauses and match every concept's phrases and combos (looked up
   through an index of first words, so a message costs a few milliseconds);
4. drop matches cancelled by ``exclude`` or ``suppresses``;
5. decide each match's status from negation and uncertainty cues (a NegEx
   style scope: cues before the match in the same clause, between the parts
   of a combo, a few after, "but stopped" in the next clause). A cue that is
   part of another finding ("no energy") or of an inability that is itself the
   complaint ("can't keep my balance") negates nothing;
6. read the modifiers: age, duration, progression, onset, side, subject,
   and the information topic a question is about.

A generic mention inside a question ("can B12 cause cramps?") is not a
report; one with a first-person marker ("could my cramps be B12?", "does
anyone else get...") is, and so is one a later sentence claims ("... ? I get
them every night").
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from knowledge import Concept, Kind, Knowledge, Status, load_knowledge
from reader.places import locale_of


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
    locale: Optional[str] = None  # uk | eu | us when the person says where they are

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
    (r"\bi'?m\b", "i am"),
    (r"\bim\b", "i am"),
    (r"\bi'?ve\b", "i have"),
    (r"\bive\b", "i have"),
    (r"\b(you|we|they)'?re\b", r"\1 are"),
    (r"\b(i|you|we|they|he|she|it)'ll\b", r"\1 will"),
    (r"\b(i|you|we|they|he|she)'d\b", r"\1 would"),
    (r"\b(it|that|there|she|he|what)'s\b", r"\1 is"),
    (r"\b(she|he|there|that|what)s\b", r"\1 is"),  # typed without the apostrophe
    (r"\b(are|were|should|would|could|have|had|has|does|did|was|is|need|must)nt\b", r"\1 not"),
    (r"\bhavnt\b", "have not"),
    (r"\bdosen'?t\b", "does not"),
    (r"\bdoesn\b", "does not"),
    (r"\bdidn\b", "did not"),
    (r"\bidk\b", "i do not know"),
    (r"\bw/o\b", "without"),
    (r"\bw/", "with "),
    (r"\bb/c\b", "because"),
    (r"\b(tho|altho)\b", "though"),
    (r"\s&\s", " and "),
    # "pins&needles", but not "a&e" or "m&s"
    (r"\b([a-z]{2,})&([a-z]{2,})\b", r"\1 and \2"),
    (r"\b(pins?) ?(?:n|'n'?|'n) ?(needles?)\b", r"\1 and \2"),
    # more contractions typed without the apostrophe, and chat spellings
    (r"\b(you|we|they)ve\b", r"\1 have"),
    (r"\bdnt\b", "do not"),
    (r"\b(cud|wud|shud)n'?t\b", lambda m: {"cud": "could", "wud": "would", "shud": "should"}[m.group(1)] + " not"),
    (r"\biam\b", "i am"),
    (r"\bwanna\b", "want to"),
    (r"\bgonna\b", "going to"),
    (r"\bgotta\b", "got to"),
    (r"\balot\b", "a lot"),
    (r"\bevry\b", "every"),
    (r"\brealy\b", "really"),
    (r"\b(to)?nite\b", lambda m: "tonight" if m.group(1) else "night"),
    (r"(\w)'s (fine|ok|okay|good|normal|alright|all right|perfect)\b", r"\1 is \2"),
    (r"\bb-?12\b", "b12"),
    (r"\bb 12\b", "b12"),
    (r"\bvit\.? ?b12\b", "vitamin b12"),
]
_CONTRACTION_RES = [(re.compile(p), r) for p, r in _CONTRACTIONS]
_TAG_RE = re.compile(r"<[^>]{0,200}>")
_BREATH_VERB_RE = re.compile(r"\b(not|to|t|barely|hardly|cant|couldnt) breath\b(?! of\b)")
_BREATH_NOUN_RE = re.compile(r"\b(of|for|my) breathe\b")


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
    # the noun for the verb and back: "can't breath", "struggling to breath", "out of breathe"
    text = _BREATH_VERB_RE.sub(r"\1 breathe", text)
    text = _BREATH_NOUN_RE.sub(r"\1 breath", text)
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


_NUMBER_RE = re.compile(r"^\d+(?:[.,]\d+)?$")
NUMBER = "_num_"  # a pattern word matching any number ("b12 was _num_")


def _word_matches(word: Word, token: Token) -> bool:
    text, prefix = word
    if prefix:
        return token.text.startswith(text) or token.lemma.startswith(text)
    if text == NUMBER:
        return bool(_NUMBER_RE.match(token.text))
    return token.text == text or token.lemma == text


class TokenList(list):
    """The tokens of one message, with an index from pattern words to positions.

    Matching hundreds of phrases against a message is then a few dictionary
    look-ups per phrase instead of a scan of every token.
    """

    def __init__(self, tokens: Iterable[Token] = ()) -> None:
        super().__init__(tokens)
        self._exact: Dict[str, Set[int]] = {}
        self._by_initial: Dict[str, Set[int]] = {}
        for t in self:
            for form in {t.text, t.lemma}:
                self._exact.setdefault(form, set()).add(t.i)
                if form:
                    self._by_initial.setdefault(form[:1], set()).add(t.i)
        self._cache: Dict[Word, Tuple[List[int], Set[int]]] = {}
        self._spans: Dict[Phrase, List[Tuple[int, int]]] = {}  # full-range matches, per phrase

    def positions(self, word: Word) -> Tuple[List[int], Set[int]]:
        hit = self._cache.get(word)
        if hit is None:
            text, prefix = word
            if prefix:
                found = {i for i in self._by_initial.get(text[:1], ()) if _word_matches(word, self[i])}
            elif text == NUMBER:
                found = {t.i for t in self if _word_matches(word, t)}
            else:
                found = self._exact.get(text, set())
            hit = (sorted(found), found)
            self._cache[word] = hit
        return hit


def find_phrase(phrase: Phrase, tokens: Sequence[Token], lo: int = 0, hi: Optional[int] = None) -> List[Tuple[int, int]]:
    """All [start, end) token spans where the phrase occurs in tokens[lo:hi]."""
    hi = len(tokens) if hi is None else hi
    n = len(phrase)
    if not n:
        return []
    if not isinstance(tokens, TokenList):
        return [
            (s, s + n)
            for s in range(lo, hi - n + 1)
            if all(_word_matches(phrase[k], tokens[s + k]) for k in range(n))
        ]
    spans = tokens._spans.get(phrase)
    if spans is None:
        spans = []
        starts, _ = tokens.positions(phrase[0])
        rest = [tokens.positions(w)[1] for w in phrase[1:]] if starts else []
        if starts and all(rest):
            spans = [(s, s + n) for s in starts if all(s + k + 1 in r for k, r in enumerate(rest))]
        tokens._spans[phrase] = spans
    if lo == 0 and hi >= len(tokens):
        return spans
    return [sp for sp in spans if lo <= sp[0] and sp[1] <= hi]


@lru_cache(maxsize=1)
def _common_words() -> frozenset:
    """Common English words (spaCy's stop words and the frequent words of
    spacy-lookups-data), which typo correction must leave alone ("though" is
    not a typo of "thought", nor "paris" of "parts")."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = set(STOP_WORDS)
    try:
        import gzip
        import json
        import os

        import spacy_lookups_data

        path = os.path.join(os.path.dirname(spacy_lookups_data.__file__), "data", "en_lexeme_prob.json.gz")
        with gzip.open(path, "rt", encoding="utf8") as fh:
            probs = json.load(fh)
        words.update(w for w, p in probs.items() if p > _COMMON_WORD_LOGPROB and w.isalpha())
    except Exception:  # the table is optional: without it only the lemma table guards
        pass
    return frozenset(words)


_COMMON_WORD_LOGPROB = -15.0  # log-probability above which a word counts as common English


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
_SCOPE_BREAK_AFTER = {",", "and", "so", "-", "/", "then", "plus", "also", "as", "while", "when", "now", "until", "till", "after", "lately", "recently", "today", "these"}
_SCOPE_BREAK_NEXT = {"i", "my", "me", "it", "they", "he", "she", "we", "our", "his", "her", "their", "the", "this", "that", "there", "am", "have", "also", "is"}

_UNSURE_CUES = [compile_phrase(c) for c in (
    "whether i am", "whether i have", "whether she is", "whether he is", "in case i am", "in case i have",
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
_SUBJECT_WORDS = {"i", "my", "me", "he", "she", "his", "her", "we", "our", "they", "their", "mom", "dad"}
_SCOPE_STOP = {"just", "only", "instead", "rather", "except", "still"}
_POST_NEGATION_CUES = [compile_phrase(c) for c in (
    "gone", "went away", "go away", "gone away", "disappeared", "anymore", "any more", "resolved",
    "cleared up", "settled down", "no longer", "stopped", "not anymore", "not any more",
    "- no", ": no", "- none", ": none", "- never", ": never",
    # "my eyesight is fine", "balance is ok": the thing is named to say it is normal
    "is fine", "are fine", "is ok", "are ok", "is okay", "are okay", "is normal", "are normal",
    "is alright", "are alright", "is all right", "is good", "are good", "is perfect", "seems fine",
    "seem fine", "is all fine", "are all fine", "is totally fine", "is perfectly fine",
)]
_BUT_STOPPED_CUES = [compile_phrase(c) for c in (
    "stopped", "quit", "came off", "come off", "gave up", "given up", "not anymore", "not any more",
    "no longer", "not now", "not since", "not at the moment", "not currently",
)]
_BARE_ANSWERS_NO = {"no", "none", "nope", "never", "nah", "negative"}
_UNSURE_LONG_CUES = [compile_phrase(c) for c in (
    "not sure if", "not sure whether", "unsure if", "unsure whether", "not certain if", "not certain whether",
    "do not know if", "do not know whether", "dunno if", "dunno whether", "no idea if", "no idea whether",
    "cannot tell if", "cannot tell whether", "can not tell if", "can not tell whether", "hard to tell if",
    "cannot remember if", "can not remember if", "cannot remember whether", "can not remember whether",
    "not sure what i have is", "not sure it is", "not sure that", "not sure i", "not sure my", "not sure about",
    "not sure",
)]
_PSEUDO_UNSURE = [compile_phrase(c) for c in (
    "do not know why", "do not know what", "do not know how", "do not know where to", "do not know who",
    "not sure why", "not sure what to", "not sure how", "not sure where to", "no idea why", "no idea what",
    "no idea how", "dunno why", "dunno what", "wonder if my", "wondering if my", "wonder if the",
    "wondering if the", "wondered if my", "could be the", "might be the", "may be the", "could it be the",
    "maybe the", "probably the", "possibly the", "could be from", "might be from", "could be due",
    "might be due", "could be caused", "might be caused", "could be related", "might be related",
    "could be linked", "might be linked", "might be worth", "may be worth", "might help", "may help",
)]
_PSEUDO_NEGATIONS = [compile_phrase(c) for c in (
    "not only", "no doubt", "not just", "no matter", "not sure why", "no reason", "not stopped",
    "never stopped", "not gone", "not went away", "not go away", "no better", "not better",
    "no end", "not getting better", "not improving", "no let up",
    # a wound that will not heal is a finding, not a denial
    "not heal", "not healing", "not healed", "never heals", "never healed", "never healing",
    # a symptom that will not go: "never goes away", "does not stop"
    "never go away", "never goes away", "never went away", "never gone", "never stops", "never stop",
    "not stop", "not stopping", "not going away", "not resolved", "never resolved", "never cleared",
    "no improvement", "not improved", "not help", "not helping", "nothing helps", "nothing works",
    "nothing seems to help", "no relief", "no sign of", "without warning", "without any reason",
    "without reason", "without cause", "for no reason", "no explanation", "no cause", "no answers",
    "nobody knows", "no one knows", "not normal", "not right", "not myself", "not well",
    "legs gave up", "legs just gave up", "knees gave up",
    # "has gone red", "gone numb": became, not went away
    *(f"gone {w}" for w in (
        "red", "black", "white", "blue", "purple", "pale", "yellow", "gray", "numb", "cold", "hot",
        "weak", "dead", "stiff", "funny", "weird", "strange", "blurry", "swollen", "bad", "worse",
        "downhill", "up", "down", "into", "to", "on", "through", "from", "really", "very", "so", "all",
        "a", "quite", "completely numb", "totally numb", "off", "septic", "green", "dark", "mottled",
        "lopsided", "droopy", "floppy", "heavy", "tingly", "wobbly", "crazy", "mad", "haywire",
        "weepy", "wet", "oozy", "mushy", "soft", "hard", "crusty", "smelly", "sore", "raw", "infected", "shiny",
    )),
    # "can't walk far without getting out of breath" reports the breathlessness
    "without getting", "without feeling", "without being", "without having", "without stopping",
    "without help", "without holding", "without a stick", "without support", "without needing",
    # inability is the complaint, not a denial: "can't keep my balance", "couldn't stop shaking"
    *(f"{aux} not {verb}" for aux in ("can", "could") for verb in (
        "keep", "stop", "walk", "stay", "get", "hold", "seem", "control", "think", "remember",
        "concentrate", "focus", "sleep", "shake", "catch", "lift", "grip", "open", "stand", "cope",
        "function", "do", "go", "climb", "carry", "move", "breathe", "speak", "talk", "string",
        "find", "recall", "sit", "wear", "bear", "put", "use", "manage", "handle", "write", "type",
        "swallow", "wake", "relax", "settle", "warm", "even", "work", "drive", "read",
        "button", "balance", "tell where", "judge", "pick", "hardly",
    )),
)]
_FIRST_PERSON = {"i", "my", "me", "mine", "myself", "im"}
# a sentence starting with these is a question even without "?"; "when", "where"
# and "who" often start statements ("when i walk my feet burn"), so they need "?"
_QUESTION_STARTS = {"can", "could", "does", "do", "is", "are", "will", "would", "should", "what", "how", "why", "which", "whats", "hows", "did", "has", "anyone", "anybody"}
_MODALS = {"can", "could", "would", "should", "will", "might", "may", "must"}
_BARE_VERBS = {
    "sleep", "feel", "barely", "hardly", "not", "never", "really", "just", "easily", "only", "be", "have",
    "get", "go", "see", "walk", "eat", "do", "hear", "stand", "move", "use", "lift", "manage", "cope", "cry",
    "think", "remember", "fall", "drop", "lose", "sit", "hold", "still", "literally", "definitely",
    "also", "always", "sometimes", "probably", "totally",
}
_FILLERS = {"so", "and", "but", "ok", "okay", "hi", "hey", "hello", "quick", "question", "um", "umm", "erm", "also", "well", "then", "just", "right", "sorry", "please", "pls", "basically", "genuinely", "honestly", "seriously", "random", "q", ":"}
_AUXILIARIES = {"do", "does", "did", "is", "are", "was", "were", "can", "could", "should", "would", "will", "might", "may"}
_QUESTION_WORDS = _QUESTION_STARTS | {"when", "where", "who", "whether", "if", "or", "cause", "causes", "related", "linked", "normal", "common"}
_QUESTION_TOPICS = ("b12", "vitamin", "deficien", "symptom", "sign", "caus", "link", "relat")
_ANAPHORA = [compile_phrase(c) for c in (
    "i get it", "i get them", "i get this", "i get these", "i get that", "i have it", "i have them",
    "i have this", "i have these", "i have that", "i have got it", "i have got this", "i have got them",
    "i have had it", "i have had this", "i have had them", "i suffer from it", "i suffer with it",
    "i suffer from this", "i suffer with this", "i suffer from them", "i am getting it",
    "i am getting this", "i am getting them", "i do get", "i have been getting", "i experience this",
    "i experience it", "happens to me", "happening to me", "i am having this", "i am having it",
    "mine is", "mine are", "mine does", "mine do", "mine has", "mine have", "same here", "me too",
    "i do too", "i have it too",
)]
# "do i have pernicious anaemia?", "is it my metformin?", "could this be from the omeprazole?":
# a question whether a condition or medicine applies is not a statement that it does
# (clinical reference section 6: a question is never recorded as a fact)
_DIAGNOSIS_FRAMES = [compile_phrase(c) for c in (
    "do i have", "have i got", "could i have", "might i have", "would i have", "do you think i have",
    "does he have", "does she have", "do they have", "has he got", "has she got", "could he have", "could she have",
    "could it be", "could this be", "could that be", "might it be", "might this be", "would it be",
    "is it", "is this", "is that", "be caused by", "be from", "be due to", "be because of", "be down to",
    "be related to", "be linked to", "be the cause",
)]
# symptom codes that are themselves a diagnosis or a result ("do i have anaemia?")
_DIAGNOSIS_CODES = {"SX_BLOOD_RESULT"}
# a statement turned into a question by a tag: "so i have pernicious anaemia, right?"
_TAGS = {"right", "yeah", "yes", "correct", "innit", "true"}
# words that start a statement inside the question: "is it bad that i am vegan?" states veganism
_STATEMENT_STARTS = {"that", "because", "since", "as", "i", "we", "he", "she", "they", "when", "if"}
_FIRST_PERSON_Q = [compile_phrase(c) for c in (
    # "does anyone else get palpitations with low b12?" is the poster's own complaint
    "anyone else", "anybody else", "any one else", "am i the only one", "is it just me", "mine",
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
    gaps: Tuple[int, ...] = ()  # positions inside a combo's span that no group matched


class Extractor:
    """Turns a message into an :class:`Extraction`."""

    def __init__(self, knowledge: Optional[Knowledge] = None, nlp=None) -> None:
        self.knowledge = knowledge or load_knowledge()
        if nlp is None:
            from reader.pipeline import load_pipeline

            nlp = load_pipeline()
        self.nlp = nlp
        self.compiled = [_compile(c) for c in self.knowledge.concepts.values()]
        self._lemma_table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        self._lemma_values: Set[str] = set(self._lemma_table.values())
        self.clinical_words = self._clinical_vocabulary()
        self._stems = self._clinical_stems()
        self._index_first_words()
        _common_words()  # load once now rather than on the first message
        for lang in ("en",) + _OTHER_LANGUAGES:  # likewise the language check's stop words (seconds)
            _stop_words(lang)
        self._corrections: Dict[str, str] = {}
        self._real_words = self._real_word_set()
        self._short_words = sorted(_SHORT_CLINICAL)
        self._glued = self._glued_phrases()
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
            for p in c.phrases:  # not the exclusions: never "correct" a typo into one
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

    def _index_first_words(self) -> None:
        """Index every pattern phrase by its first word, so that a message only
        looks for the phrases that can start somewhere in it."""
        self._first_exact: Dict[str, Set[Phrase]] = {}
        self._first_prefix: Dict[str, List[Tuple[str, Set[Phrase]]]] = {}
        self._first_number: Set[Phrase] = set()
        prefix: Dict[str, Set[Phrase]] = {}
        phrases: Set[Phrase] = set()
        for cc in self.compiled:
            phrases.update(cc.phrases, cc.exclude, cc.denials)
            for combo in cc.combos:
                for group in combo:
                    phrases.update(group)
        for phrase in phrases:
            if not phrase:
                continue
            text, is_prefix = phrase[0]
            if is_prefix:
                prefix.setdefault(text, set()).add(phrase)
            elif text == NUMBER:
                self._first_number.add(phrase)
            else:
                self._first_exact.setdefault(text, set()).add(phrase)
        for stem, group in prefix.items():
            self._first_prefix.setdefault(stem[:1], []).append((stem, group))

    def _alive_phrases(self, tokens: "TokenList") -> Set[Phrase]:
        alive: Set[Phrase] = set()
        forms = {t.text for t in tokens} | {t.lemma for t in tokens}
        for form in forms:
            hit = self._first_exact.get(form)
            if hit:
                alive |= hit
            for stem, group in self._first_prefix.get(form[:1], ()):
                if form.startswith(stem):
                    alive |= group
        if any(_NUMBER_RE.match(t.text) for t in tokens):
            alive |= self._first_number
        return alive

    def _clinical_stems(self) -> List[str]:
        """The stems of prefix patterns ("lansoprazol*"), to correct typos of their words."""
        stems: Set[str] = set()
        for c in self.knowledge.concepts.values():
            alts = list(c.phrases) + [alt for combo in c.combos for group in combo for alt in group]
            for p in alts:
                for w in normalise(p).split():
                    if w.endswith("*") and len(w) >= 6 and w[:-1].isalpha():
                        stems.add(w[:-1])
        return sorted(stems)

    def _real_word_set(self) -> frozenset:
        """Words of the lemma tables and stop words: real English, unlike the
        frequent misspellings ("controll", "tounge") the word-frequency table has."""
        from spacy.lang.en.stop_words import STOP_WORDS

        return frozenset(self._lemma_table.keys()) | self._lemma_values | frozenset(STOP_WORDS)

    def _glued_phrases(self) -> Dict[str, str]:
        """Multi-word phrases written without spaces: "pinsandneedles", "brainfog"."""
        glued: Dict[str, str] = {}
        for c in self.knowledge.concepts.values():
            alts = list(c.phrases) + [alt for combo in c.combos for group in combo for alt in group]
            for p in alts:
                words = normalise(p).split()
                if not 2 <= len(words) <= 4 or not all(w.isalpha() for w in words):
                    continue
                forms = {"".join(words)}
                if "and" in words[1:-1]:
                    forms.add("".join("n" if w == "and" else w for w in words))
                for form in forms:
                    stemmed = any(form.startswith(stem) for stem in self._stems)  # "prediabet*" matches it
                    if len(form) >= 7 and not stemmed and form not in self._lemma_table and form not in _common_words():
                        glued.setdefault(form, " ".join(words))
        return glued

    def is_known_word(self, word: str) -> bool:
        return (
            word in self._lemma_table
            or word in self._lemma_values
            or word in self.clinical_words
            or word in _common_words()
        )

    def correct(self, word: str) -> str:
        """Fold spelling variants and fix a typo of a clinical word."""
        hit = self._corrections.get(word)
        if hit is None:
            hit = self._correct(word)
            hit = self.knowledge.spelling.get(hit, hit)  # "aneamic" -> "anaemic" -> "anemic"
            if len(self._corrections) < 50000:
                self._corrections[word] = hit
        return hit

    def _correct(self, word: str) -> str:
        if word in self.knowledge.spelling:
            return self.knowledge.spelling[word]
        for variant, canonical in self._long_spellings:
            if word.startswith(variant):
                return canonical + word[len(variant):]
        if not word.isalpha() or len(word) < 4:
            return word
        if word in self._glued:
            return self._glued[word]
        if self.is_known_word(word):
            # a frequent misspelling that is no English word: only a doubled
            # letter too many is repaired ("controll" -> "control")
            if word not in self._real_words and word not in self.clinical_words:
                single = _undouble(word, self.clinical_words)
                if single:
                    return single
            return word
        if len(word) == 4:
            return self._correct_short(word)
        # a pattern "hypothyroid*" already matches it; only a word sharing the
        # stem may replace it ("breathles" -> "breathless")
        stems = [stem for stem in self._stems if word.startswith(stem)]
        if word in stems:
            return word
        limit = 1 if len(word) < 8 else 2
        best, best_key = word, (3, 0, 0, "")
        for candidate in self.clinical_words.union(self._short_words) if len(word) == 5 else self.clinical_words:
            if abs(len(candidate) - len(word)) > 2 or candidate[0] != word[0]:
                continue
            if stems and not any(candidate.startswith(stem) for stem in stems):
                continue
            d = _edit_distance(word, candidate, min(best_key[0], 2) + 1)
            if d > limit and not (d == 2 and len(candidate) == len(word) + 2 and _is_subsequence(word, candidate)):
                continue  # two dropped letters are still a typo: "numess" -> "numbness"
            # ties go to a transposition ("tingel": "tingle", not "tinge"), the longer
            # shared beginning, then alphabetically (deterministic)
            key = (d, sorted(candidate) != sorted(word), -_common_prefix(word, candidate), candidate)
            if key < best_key:
                best, best_key = candidate, key
        if best_key[0] <= 2:
            return best
        if stems:
            return word
        # a typo inside the stem of a prefix pattern: "lanzoprazole" -> "lansoprazole"
        for stem in self._stems:
            if stem[0] != word[0] or word.startswith(stem) or len(word) < len(stem) - 1:
                continue
            limit = 1 if len(stem) < 8 else 2
            for cut in (len(stem), len(stem) - 1, len(stem) + 1):
                if cut > len(word):
                    continue
                if _edit_distance(word[:cut], stem, limit + 1) <= limit:
                    return stem + word[cut:]
        return self._split_glued(word)

    def _correct_short(self, word: str) -> str:
        """A four-letter typo of a short clinical word, one edit away ("pian",
        "nmub", "legz", "weka", "dizy"); the first letter must agree unless the
        first two are swapped."""
        best, best_key = word, (2, 0, 0, "")
        for candidate in self._short_words:
            if abs(len(candidate) - len(word)) > 1:
                continue
            if candidate[0] != word[0] and word[:2] != candidate[1::-1]:
                continue
            d = _edit_distance(word, candidate, 2)
            key = (d, sorted(candidate) != sorted(word), -_common_prefix(word, candidate), candidate)
            if key < best_key:
                best, best_key = candidate, key
        return best

    def _split_glued(self, word: str) -> str:
        """Two words run together, one of them a short clinical word: "numbfeet"
        -> "numb feet" (but not "bloodshot", "prediabetic", "chickenpox")."""
        if len(word) < 7:
            return word
        best, best_score = word, 0
        for k in range(3, len(word) - 2):
            left, right = word[:k], word[k:]
            if not ((left in _SHORT_CLINICAL and len(left) >= 4 and right in self._real_words)
                    or (right in _SHORT_CLINICAL and len(right) >= 4 and left in self._real_words)):
                continue
            score = min(len(left), len(right))
            if score > best_score:
                best, best_score = f"{left} {right}", score
        return best

    # ----------------------------------------------------------- tokenise
    def tokens(self, text: str) -> Tuple[str, List[Token]]:
        norm = normalise(text)
        doc = self.nlp.make_doc(norm)
        corrected = [self.correct(t.text) for t in doc]
        _fix_real_word_errors(corrected)
        if any(c != t.text for c, t in zip(corrected, doc)):
            norm2 = "".join(c + t.whitespace_ for c, t in zip(corrected, doc))
        else:
            norm2 = norm
        doc = self.nlp(norm2)
        tokens = TokenList(
            Token(t.i, t.text, (t.lemma_ or t.text).lower(), t.idx, t.idx + len(t.text))
            for t in doc
        )
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
        # the words each reading is made of (also one a more specific code suppresses):
        # a "no" inside "no energy" or a "not" inside "can't feel my legs" negates nothing else
        consumed = {k for m in matches for k in range(m.start, m.end) if k not in m.gaps}
        matches = self._apply_suppression(matches)
        sentence_of, sentences = _sentences(tokens)
        generic = self._generic_questions(tokens, sentences)
        frames = self._diagnosis_frames(tokens, sentences)
        by_code: Dict[str, Finding] = {}
        sentence_of_code: Dict[str, int] = {}
        for m in matches:
            lo, hi = clauses[m.clause]
            if sentence_of[m.start] in generic:
                continue
            status = Status.ABSENT if m.denial else self._status(tokens, m, lo, hi, consumed)
            kind = self.knowledge.concept(m.code).kind
            if status == Status.PRESENT and (kind in (Kind.RISK_FACTOR, Kind.MODIFIER) or m.code in _DIAGNOSIS_CODES) \
                    and _asked_whether(m.start, tokens, frames):
                status = Status.UNSURE
            finding = Finding(
                code=m.code,
                kind=self.knowledge.concept(m.code).kind,
                status=status,
                start=tokens[m.start].start,
                end=tokens[m.end - 1].end,
                text=norm[tokens[m.start].start : tokens[m.end - 1].end],
            )
            previous = by_code.get(m.code)
            # Within one message the later statement wins ("not vegan... well, mostly vegan"),
            # except that a hedge in the same sentence does not undo a plain statement
            # ("i drink most nights, probably a bottle of wine").
            if previous is not None and status == Status.UNSURE and previous.status != Status.UNSURE and sentence_of_code[m.code] == sentence_of[m.start]:
                continue
            if previous is None or finding.start >= previous.start:
                by_code[m.code] = finding
                sentence_of_code[m.code] = sentence_of[m.start]
        out.findings = sorted(by_code.values(), key=lambda f: f.start)
        out.age = _age(norm)
        out.duration = _duration(norm)
        out.progression = self._first_group(self._progression, tokens, ("rapid", "stable", "slow"))
        out.onset = self._first_group(self._onset, tokens, ("sudden", "gradual"))
        out.side = self._first_group(self._side, tokens, ("one", "both"))
        out.subject = self._subject(tokens)
        out.topics = self._rank_topics(tokens)
        out.locale = locale_of(text)
        return out

    # ------------------------------------------------------------ helpers
    def _match_concepts(self, tokens, clause_of, clauses) -> List[_Match]:
        found: List[_Match] = []
        alive = self._alive_phrases(tokens)
        for cc in self.compiled:
            gaps: Dict[Tuple[int, int], Tuple[int, ...]] = {}
            for phrase in cc.phrases:
                if phrase in alive:
                    for sp in find_phrase(phrase, tokens):
                        gaps[sp] = ()
            for combo in cc.combos:
                if not all(any(alt in alive for alt in group) for group in combo):
                    continue
                for lo, hi in clauses:
                    for s, e, g in _combo_spans(combo, tokens, lo, hi, cc.concept.window):
                        if (s, e) not in gaps or len(g) < len(gaps[(s, e)]):
                            gaps[(s, e)] = g
            if not gaps and not cc.denials:
                continue
            excluded = [s for p in cc.exclude for s in find_phrase(p, tokens)]
            kept = [sp for sp in _dedupe(gaps) if not any(_overlap(sp, x) for x in excluded)]
            denied = [sp for p in cc.denials for sp in find_phrase(p, tokens)]
            # a denial that starts between the parts of a combo interrupts it
            # ("gave up being vegan, eat meat now" is not "gave up ... meat")
            kept = [k for k in kept if not any(d[0] in gaps[k] for d in denied)]
            for s, e in kept:
                found.append(_Match(cc.concept.code, s, e, clause_of[s], gaps=gaps[(s, e)]))
            for s, e in denied:
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

    def _generic_questions(self, tokens, sentences) -> Set[int]:
        """Sentences that ask about a code in general ("can b12 cause cramps?").

        Mentions there are not reports, unless the sentence is about the person
        ("could my cramps be b12?") or a later sentence says they have it
        ("does b12 cause cramps? i get them every night").
        """
        generic = set()
        for si, (lo, hi) in enumerate(sentences):
            if not self._is_question(tokens, lo, hi) or _has_any(_FIRST_PERSON_Q, tokens, lo, hi):
                continue
            if any(_has_any(_ANAPHORA, tokens, lo2, hi2) for lo2, hi2 in sentences[si + 1 :]):
                continue
            generic.add(si)
        return generic

    def _diagnosis_frames(self, tokens, sentences) -> List[int]:
        """Token positions right after "do i have" / "is it" / "could this be from"... in questions."""
        ends: List[int] = []
        for lo, hi in sentences:
            words = [t.text for t in tokens[lo:hi] if t.text not in {",", ".", "!", "'", '"'}]
            tagged = len(words) >= 3 and words[-1] == "?" and words[-2] in _TAGS
            if tagged:  # the whole sentence is asked: every mention in it counts from its start
                ends += list(range(lo, hi))
                continue
            if not self._is_question(tokens, lo, hi):
                continue
            for frame in _DIAGNOSIS_FRAMES:
                ends += [e for _s, e in find_phrase(frame, tokens, lo, hi)]
        return ends

    @staticmethod
    def _is_question(tokens, lo, hi) -> bool:
        words = [t.text for t in tokens[lo:hi] if t.text not in {",", "-", "'", '"', "(", ")"}]
        if not words:
            return False
        if words[-1] == "?" or (hi < len(tokens) and tokens[hi].text == "?"):
            # "maybe a bit dizzy?" is a hedge, not a question
            return any(w in _QUESTION_WORDS or w.startswith(_QUESTION_TOPICS) for w in words)
        while len(words) > 1 and words[0] in _FILLERS:  # "so what does b12 do", "ok quick question, can..."
            words = words[1:]
        first, second = words[0], words[1] if len(words) > 1 else ""
        if first in {"when", "where", "who"}:  # "where do vegetarians get b12" / "when i walk..."
            return second in _AUXILIARIES
        if first in _MODALS and second in _BARE_VERBS:  # "could sleep for a week", "can barely walk"
            return False
        return first in _QUESTION_STARTS and second not in {"not", "n't", "no"}

    def _status(self, tokens, m: _Match, lo: int, hi: int, consumed: Set[int] = frozenset()) -> Status:
        # cues before the match, inside the scope
        scope_lo = _scope_start(tokens, m.start, lo, 7)
        if _cue_in(_UNSURE_CUES, tokens, scope_lo, m.start, pseudo=_PSEUDO_UNSURE, consumed=consumed):
            return Status.UNSURE
        # "not sure whether ..." reaches further, to the start of its clause part
        if _cue_in(_UNSURE_LONG_CUES, tokens, _scope_start(tokens, m.start, lo, 14, stops=frozenset()), m.start, pseudo=_PSEUDO_UNSURE, consumed=consumed):
            return Status.UNSURE
        if _cue_in(_NEGATION_CUES, tokens, scope_lo, m.start, pseudo=_PSEUDO_NEGATIONS, consumed=consumed):
            return Status.ABSENT
        # cues between the parts of a combo ("my legs are not weak", "chest - no pain")
        for a, b in _runs(m.gaps):
            if _cue_in(_UNSURE_CUES, tokens, a, b, pseudo=_PSEUDO_UNSURE, consumed=consumed):
                return Status.UNSURE
            if _cue_in(_NEGATION_CUES, tokens, a, b, pseudo=_PSEUDO_NEGATIONS, consumed=consumed):
                return Status.ABSENT
        # "cannot feel my toes anymore", "can't walk straight any more": the
        # "anymore" belongs to a negative form that is itself the complaint
        inner_negation = any(tokens[k].text in {"not", "no", "never"} for k in range(scope_lo, m.end))
        if inner_negation:
            return Status.PRESENT
        # a few cues after the match ("the tingling has gone")
        post_hi = min(hi, m.end + 7)
        for k in range(m.end, post_hi):
            if tokens[k].text in {",", "and"} and k + 1 < post_hi and tokens[k + 1].text in _SCOPE_BREAK_NEXT - {"is", "have"}:
                post_hi = k
                break
        if _cue_in(_POST_NEGATION_CUES, tokens, m.end, post_hi, pseudo=_PSEUDO_NEGATIONS, consumed=consumed):
            return Status.ABSENT
        # "was on metformin but stopped last year", "had b12 jabs but not any more"
        if hi < len(tokens) and tokens[hi].text == "but" and _cue_in(_BUT_STOPPED_CUES, tokens, hi + 1, min(len(tokens), hi + 5)):
            return Status.ABSENT
        # a bare answer right after the match ("tingling - no", "numbness? none", "cramps no")
        k = m.end
        if k < len(tokens) and tokens[k].text in {"-", ":", "?", ",", "="}:
            k += 1
        if k < len(tokens) and tokens[k].text in _BARE_ANSWERS_NO:
            after = tokens[k + 1].text if k + 1 < len(tokens) else "."
            if after in _CLAUSE_BREAKS or after in {",", "-", "and", "/", ")"} or not after.isalpha():
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
        """Not English: mostly non-Latin letters, or more of another language's stop words."""
        letters = [ch for ch in original if ch.isalpha()]
        if not letters:
            return False
        non_latin = sum(1 for ch in letters if ord(ch) > 0x24F)
        if non_latin / len(letters) > 0.5:
            return True
        words = [w for w in re.findall(r"[^\W\d_]+", original.lower())]
        english = sum(1 for w in words if w in _stop_words("en"))
        other = max(
            sum(1 for w in words if w in _stop_words(lang) and w not in _stop_words("en"))
            for lang in _OTHER_LANGUAGES
        )
        return other >= 2 and other > english


_OTHER_LANGUAGES = ("es", "fr", "de", "it", "pt", "nl", "pl", "tr")


@lru_cache(maxsize=None)
def _stop_words(lang: str) -> frozenset:
    import importlib

    try:
        return frozenset(importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS)
    except Exception:  # pragma: no cover - a language spaCy does not ship
        return frozenset()


_SHORT_ENGLISH = {"i", "a", "an", "am", "is", "my", "me", "no", "not", "and", "or", "the", "of", "in", "on", "at", "to", "it", "be", "do", "so", "up", "he", "she", "we", "you", "get", "got", "has", "had", "was", "for", "but", "yes", "nah", "yep", "ok", "hi", "bye", "b12", "mum", "dad", "leg", "toe", "arm", "eye", "day", "how", "why", "who", "can", "our", "its"}


# short clinical words a four-letter typo may be corrected to (longer clinical
# words come from knowledge.yml); real English words are never changed
_SHORT_CLINICAL = frozenset({
    "pain", "numb", "legs", "feet", "foot", "toes", "calf", "heel", "sole", "gait", "sore", "weak",
    "dizzy", "arms", "hand", "hands", "knee", "lips", "face", "ache", "achy", "burn", "cold", "pale",
    "fire", "fog", "gas", "vegan", "based", "jabs", "meds", "hurt", "limb", "skin", "chest", "blue",
    "eyes", "tired", "tingle", "heart", "brain", "spine", "back",
})


_PAIN_WORDS = {"pain", "pains", "spur", "spurs", "hurts", "ache", "aches", "problems", "issues", "related"}
_POSSESSIVES = {"my", "his", "her", "their", "your", "our", "both", "the"}
_BODY_PARTS = {"feet", "foot", "toes", "toe", "hands", "hand", "fingers", "finger", "legs", "leg", "arms", "arm", "lips", "face", "skin"}
# Real words typed for another word ("my feat", "hart pounding", "wont heel"):
# word -> (replacement, words before that signal it, words after that signal it).
_REAL_WORD_ERRORS: Dict[str, Tuple[str, Set[str], Set[str]]] = {
    "feat": ("feet", _POSSESSIVES | {"cold", "sore", "bare", "swollen", "numb", "burning", "tingly", "painful", "hot", "freezing"},
             {"are", "feel", "feels", "burn", "burning", "tingle", "tingling", "hurt", "hurting", "ache", "aching"}),
    "hart": ("heart", _POSSESSIVES | {"racing", "pounding", "fast"},
             {"racing", "pounding", "beating", "beat", "beats", "rate", "flutters", "fluttering", "skips", "skipping", "palpitations", "thumping"}),
    "heal": ("heel", _POSSESSIVES - {"the"} | {"left", "right", "sore", "painful", "cracked"},
             {"pain", "pains", "hurts", "hurting", "ache", "aches", "spur", "spurs"}),
    "heals": ("heels", _POSSESSIVES - {"the"} | {"sore", "painful", "cracked"},
              {"hurt", "hurting", "ache", "aching", "burn", "burning", "are"}),
    "heel": ("heal", {"not", "never"}, set()),  # "won't heel", not "not heel pain" (see below)
    "tinge": ("tingle", _BODY_PARTS, set()),
    "tinges": ("tingles", _BODY_PARTS, set()),
    "pail": ("pale", {"look", "looks", "looking", "looked", "so", "very", "really", "gone", "went", "turned", "feel"}, set()),
    "bowl": ("bowel", {"small", "large", "irritable", "lazy"},
             {"removed", "cancer", "surgery", "disease", "problems", "resection", "control", "movements", "habits"}),
    "bowls": ("bowels", {"small", "large"}, {"removed", "control", "movements", "habits", "opened"}),
    "diary": ("dairy", {"or", "no", "eat", "eats", "nor"}, {"free", "products", "produce"}),
}


def _fix_real_word_errors(words: List[str]) -> None:
    """Replace, in place, a real word typed for a clinical one when a neighbour shows it."""
    for k, w in enumerate(words):
        rule = _REAL_WORD_ERRORS.get(w)
        if rule is None:
            continue
        replacement, before, after = rule
        prev = words[k - 1] if k else ""
        nxt = words[k + 1] if k + 1 < len(words) else ""
        if nxt == "of" or (w == "heel" and nxt in _PAIN_WORDS):  # "a feat of", "my bowl of cereal", "not heel pain"
            continue
        if prev in before or nxt in after:
            words[k] = replacement


def _undouble(word: str, vocabulary) -> Optional[str]:
    """The word with one doubled letter made single, if that is in the vocabulary."""
    for k in range(1, len(word)):
        if word[k] == word[k - 1]:
            single = word[:k] + word[k + 1:]
            if single in vocabulary:
                return single
    return None


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


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


def _sentences(tokens: Sequence[Token]) -> Tuple[List[int], List[Tuple[int, int]]]:
    """Sentence index of every token, and each sentence's [start, end) (terminator included)."""
    sentence_of: List[int] = []
    sentences: List[Tuple[int, int]] = []
    start = 0
    for k, t in enumerate(tokens):
        sentence_of.append(len(sentences))
        nxt = tokens[k + 1].text if k + 1 < len(tokens) else ""
        if (t.text in {".", "!", "?"} or "\n" in t.text) and nxt not in {".", "!", "?"}:
            sentences.append((start, k + 1))
            start = k + 1
    if start < len(tokens):
        sentences.append((start, len(tokens)))
    return sentence_of, sentences


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


def _combo_spans(combo, tokens, lo, hi, window) -> List[Tuple[int, int, Tuple[int, ...]]]:
    """Spans where every group of the combo occurs within ``window`` tokens.

    A multi-word alternative counts as one token towards the window. Each span
    comes with its gaps: the positions inside it that no group matched, where
    a negation ("my legs are not weak") still applies.
    """
    per_group = []
    for group in combo:
        occ = [span for alt in group for span in find_phrase(alt, tokens, lo, hi)]
        if not occ:
            return []
        per_group.append(occ)
    # a comma or dash before a new subject ("..., my gran had it") ends what a combo may span
    breaks = [
        k for k in range(lo, hi - 1)
        if tokens[k].text in {",", "-", ";", ":", "("} and tokens[k + 1].text in _SUBJECT_WORDS
    ]
    spans = []
    for anchor in per_group[0]:
        chosen = [anchor]
        for occ in per_group[1:]:
            pick = min(
                (o for o in occ if not _overlap(o, anchor)),
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
        extra = sum(c[1] - c[0] - 1 for c in chosen)
        if e - s - extra <= window and not any(s <= k < e for k in breaks):
            covered = {k for c in chosen for k in range(c[0], c[1])}
            spans.append((s, e, tuple(k for k in range(s, e) if k not in covered)))
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


def _scope_start(tokens, start: int, lo: int, width: int, stops: Set[str] = None) -> int:
    """Where a cue's scope before ``start`` begins: ``width`` tokens back at most,
    stopping at "just", "only"... and at ", I"/"and my"-style breaks."""
    stops = _SCOPE_STOP if stops is None else stops
    scope_lo = max(lo, start - width)
    for k in range(start - 1, scope_lo - 1, -1):
        t = tokens[k].text
        if t in stops or (t in _SCOPE_BREAK_AFTER and k + 1 < len(tokens) and tokens[k + 1].text in _SCOPE_BREAK_NEXT):
            return k + 1
    return scope_lo


def _runs(positions: Sequence[int]) -> List[Tuple[int, int]]:
    """Contiguous runs of sorted positions, as [start, end) pairs."""
    runs: List[Tuple[int, int]] = []
    for p in positions:
        if runs and runs[-1][1] == p:
            runs[-1] = (runs[-1][0], p + 1)
        else:
            runs.append((p, p + 1))
    return runs


def _asked_whether(start: int, tokens, frame_ends: List[int]) -> bool:
    """A mention within three words after a diagnosis frame, with no statement starting between."""
    return any(
        # a finding may begin inside the frame's last words ("do i [have b12 deficiency]")
        -2 <= start - end <= 3 and not any(t.text in _STATEMENT_STARTS for t in tokens[end:start])
        for end in frame_ends
    )


def _has_any(phrases, tokens, lo, hi) -> bool:
    return any(find_phrase(p, tokens, lo, hi) for p in phrases)


def _cue_in(cues, tokens, lo, hi, pseudo=(), consumed: Set[int] = frozenset()) -> bool:
    """Whether a cue occurs in tokens[lo:hi], not as part of a pseudo-cue
    ("no doubt") nor of another finding's own words ("no energy, can't sleep")."""
    if hi <= lo:
        return False
    blocked = [s for p in pseudo for s in find_phrase(p, tokens, max(0, lo - 2), min(len(tokens), hi + 3))]
    for cue in cues:
        for s, e in find_phrase(cue, tokens, lo, hi):
            if any(_overlap((s, e), b) for b in blocked) or any(k in consumed for k in range(s, e)):
                continue
            return True
    return False


# ------------------------------------------------------------ age, duration

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "few": 3, "couple": 2,
    "couple of": 2, "several": 4, "many": 6, "some": 3,
}
_NOT_AGE_UNITS = r"(?!\s*(%|kg|lb|lbs|stone|st\b|foot|feet|ft\b|inch|inches|'|\"|x\b|of\b|out of|cm|mg|mcg|ug|units?|weeks?|days?|months?|hours?|hrs?|minutes?|mins?|times|pounds|percent|pm|am\b|o'?clock|miles?|km|steps|ml|litres?|liters?|cups?|glasses|pints?|drinks|years?\s+(ago|now|later|before|since)|years?\b(?!\s*-?\s*old)))"
_RELATION_RE = (
    r"(?:mom|dad|mother|father|husband|hubby|wife|son|daughter|grandma|grandmother|grandad|granddad|grandpa"
    r"|grandfather|granny|gran|nan|nana|nanna|partner|brother|sister|aunt|auntie|aunty|uncle|boyfriend"
    r"|girlfriend|friend|neighbou?r|patient|fil|mil|stepdad|stepmom|father in law|mother in law|pops|mam)"
)
_AGE_RES = [
    re.compile(r"\b(\d{1,3}) is my age\b"),
    re.compile(r"\bmy age is (\d{1,3})\b"),
    re.compile(r"\b(\d{1,3})\s*-?\s*(?:years?|yrs?|yr)\s*-?\s*old\b"),
    re.compile(r"\b(\d{1,3})\s*(?:yo|y/o|y\.o\.?)\b"),
    re.compile(r"\b(?:aged?|age of|turned|turning|i will be|she will be|he will be|will be turning)\s*:?\s*(\d{1,3})\b" + _NOT_AGE_UNITS),
    # "i'm 72", "my mum is 82", "hubby is nearly 70"; not "mcv is 104" or "b12 is 180"
    re.compile(r"\b(?:i am|i'm|she is|he is|they are|who is|am now|is now|" + _RELATION_RE + r" is)\s+(?:now\s+|almost\s+|nearly\s+|just\s+|over\s+|about\s+|aged?\s+)?(\d{1,3})\b" + _NOT_AGE_UNITS),
    re.compile(r"\b(\d{1,2})\s*(?:f|m)\b(?![a-z])"),
    re.compile(r"\((\d{1,3})\)"),
    re.compile(r"\b" + _RELATION_RE + r"\s*,\s*(\d{1,3})\s*,"),
]
_DECADE_RE = re.compile(r"\bin (?:my|her|his|their) (?:late |early |mid )?(\d)0'?s\b")
_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7, "eighties": 8, "nineties": 9}
_DECADE_WORD_RE = re.compile(r"\bin (?:my|her|his|their) (?:late |early |mid )?(" + "|".join(_DECADE_WORDS) + r")\b")


_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS = {"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "fifteen": 15, "fourteen": 14, "thirteen": 13, "twelve": 12, "eleven": 11, "ten": 10}
_WORD_NUMBER_RE = re.compile(
    r"\b(?:(" + "|".join(_TENS) + r")(?:[\s-]?(" + "|".join(_UNITS) + r"))?|(" + "|".join(_TEENS) + r"))\b"
)


def _digits_for_number_words(text: str) -> str:
    """"seventy-two" -> "72", so that "i'm seventy two" reads as an age."""

    def value(m: "re.Match") -> str:
        if m.group(3):
            return str(_TEENS[m.group(3)])
        return str(_TENS[m.group(1)] + (_UNITS[m.group(2)] if m.group(2) else 0))

    return _WORD_NUMBER_RE.sub(value, text)


def _age(text: str) -> Optional[int]:
    text = _digits_for_number_words(text)
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
    r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|couple(?: of)?|several|many|some)\s*"
    r"(?:more\s+|or so\s+|odd\s+|plus\s+|\+\s*)?(day|week|wk|month|mth|mo|year|yr|fortnight)s?\b"
    # "20 weeks pregnant", "6 weeks postpartum", "3 months old": not how long symptoms lasted
    r"(?!\s*-?\s*(?:old|pregnant|along|gone|gestation|postpartum|post partum|into (?:my|the|her) pregnancy))"
)
_UNIT_DAYS = {"day": 1, "week": 7, "wk": 7, "fortnight": 14, "month": 30, "mth": 30, "mo": 30, "year": 365, "yr": 365}
_SINCE_YEAR_RE = re.compile(r"\b(?:since|from|started in|began in|back in)\s+((?:19|20)\d\d)\b")
_DURATION_WORDS = [
    (re.compile(r"\b(since yesterday|yesterday|today|this morning|last night|since last night|this afternoon|an hour ago|hours ago|few hours|past hour|overnight)\b"), "days"),
    (re.compile(r"\b(last week|since last week|fortnight|recently|past week)\b"), "weeks"),
    (re.compile(r"\b(since (january|february|march|april|may|june|july|august|september|october|november|december|christmas|easter|the summer|the spring|the autumn|the fall|the winter|last summer|last spring|last autumn|last winter|covid)|for ages|for a while|long time|last month|this year)\b"), "months"),
    (re.compile(r"\b(for years|years now|since last year|last year|since i was|over the years|many years|decades?)\b"), "years"),
]


def _duration(text: str) -> Optional[str]:
    m = _DURATION_RE.search(text)
    since = _SINCE_YEAR_RE.search(text)
    if not m and since:
        import datetime

        years = datetime.date.today().year - int(since.group(1))
        return "years" if years >= 2 else "months"
    if m:
        word, unit = m.group(1), m.group(2)
        n = int(word) if word.isdigit() else _NUMBER_WORDS.get(word, 2)
        days = _UNIT_DAYS[unit] * n
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
