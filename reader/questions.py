"""Questions are not facts: what a question asks is not recorded as present.

- a sentence asking about a code in general ("can b12 cause cramps?") reports
  nothing, unless it is about the person ("could my cramps be b12?", "does
  anyone else get...") or a later sentence claims it ("... ? i get them");
- a condition, medicine or result right after a diagnosis frame ("do i have",
  "is it", "could this be from") or in a sentence made a question by a tag
  ("so i have pernicious anaemia, right?") is "not sure", never present.
Cue lists are language, not clinical knowledge; they are matched with the
same spaCy ``Matcher`` as the concepts (reader/concepts.PatternSet).
"""
from __future__ import annotations

from typing import Dict, List, Set, Tuple

from reader.concepts import PatternSet

FIRST_PERSON = {"i", "my", "me", "mine", "myself", "im"}
# a sentence starting with these is a question even without "?"; "when", "where"
# and "who" often start statements ("when i walk my feet burn"), so they need "?"
QUESTION_STARTS = {"can", "could", "does", "do", "is", "are", "will", "would", "should", "what", "how", "why", "which", "whats", "hows", "did", "has", "anyone", "anybody"}
_MODALS = {"can", "could", "would", "should", "will", "might", "may", "must"}
_BARE_VERBS = {
    "sleep", "feel", "barely", "hardly", "not", "never", "really", "just", "easily", "only", "be", "have",
    "get", "go", "see", "walk", "eat", "do", "hear", "stand", "move", "use", "lift", "manage", "cope", "cry",
    "think", "remember", "fall", "drop", "lose", "sit", "hold", "still", "literally", "definitely",
    "also", "always", "sometimes", "probably", "totally",
}
_FILLERS = {"so", "and", "but", "ok", "okay", "hi", "hey", "hello", "quick", "question", "um", "umm", "erm", "also", "well", "then", "just", "right", "sorry", "please", "pls", "basically", "genuinely", "honestly", "seriously", "random", "q", ":"}
_AUXILIARIES = {"do", "does", "did", "is", "are", "was", "were", "can", "could", "should", "would", "will", "might", "may"}
_QUESTION_WORDS = QUESTION_STARTS | {"when", "where", "who", "whether", "if", "or", "cause", "causes", "related", "linked", "normal", "common"}
_QUESTION_TOPICS = ("b12", "vitamin", "deficien", "symptom", "sign", "caus", "link", "relat")
ANAPHORA = (
    "i get it", "i get them", "i get this", "i get these", "i get that", "i have it", "i have them",
    "i have this", "i have these", "i have that", "i have got it", "i have got this", "i have got them",
    "i have had it", "i have had this", "i have had them", "i suffer from it", "i suffer with it",
    "i suffer from this", "i suffer with this", "i suffer from them", "i am getting it",
    "i am getting this", "i am getting them", "i do get", "i have been getting", "i experience this",
    "i experience it", "happens to me", "happening to me", "i am having this", "i am having it",
    "mine is", "mine are", "mine does", "mine do", "mine has", "mine have", "same here", "me too",
    "i do too", "i have it too",
)
# "do i have pernicious anaemia?", "is it my metformin?", "could this be from the omeprazole?":
# a question whether a condition or medicine applies is not a statement that it does
# (clinical reference section 6: a question is never recorded as a fact)
DIAGNOSIS_FRAMES = (
    "do i have", "have i got", "could i have", "might i have", "would i have", "do you think i have",
    "does he have", "does she have", "do they have", "has he got", "has she got", "could he have", "could she have",
    "could it be", "could this be", "could that be", "might it be", "might this be", "would it be",
    "is it", "is this", "is that", "be caused by", "be from", "be due to", "be because of", "be down to",
    "be related to", "be linked to", "be the cause",
)
# "would slurred speech count?", "is chest pain one of them?": asking whether a sign is on
# a list is not saying one has it
COUNTS_TAILS = ("count", "counts", "one of them", "one of those", "one of these", "included", "on the list", "on that list", "on your list")


def asks_if_it_counts(tokens, sentences) -> Set[int]:
    """The sentences that ask whether something counts ("would slurred speech count?")."""
    tails = [tuple(t.split()) for t in COUNTS_TAILS]
    out: Set[int] = set()
    for k, (lo, hi) in enumerate(sentences):
        words = [t.lower_ for t in tokens[lo:hi]]
        if words and words[-1] == "?":
            body = tuple(words[:-1])
            if any(body[-len(t):] == t for t in tails):
                out.add(k)
    return out


# in a question, the words after which the person tells of their own ("is it normal that
# my feet are getting worse quickly?"), unlike "how fast does the numbness spread?"
OWN_IN_QUESTION = {"that", "because", "since", "as", "i", "we", "my", "mine", "me"}
# symptom codes that are themselves a diagnosis or a result ("do i have anaemia?")
DIAGNOSIS_CODES = {"SX_BLOOD_RESULT"}
# a statement turned into a question by a tag: "so i have pernicious anaemia, right?"
_TAGS = {"right", "yeah", "yes", "correct", "innit", "true"}
# words that start a statement inside the question: "is it bad that i am vegan?" states veganism
_SENTENCE_ENDS = {".", "?", "!", "\n", "..."}
_STATEMENT_STARTS = {"that", "because", "since", "as", "i", "we", "he", "she", "they", "when", "if"}
FIRST_PERSON_Q = (
    # "does anyone else get palpitations with low b12?" is the poster's own complaint
    "anyone else", "anybody else", "any one else", "am i the only one", "is it just me", "mine",
    "my", "i have", "i am", "i get", "i feel", "i keep", "i got", "i been", "i have been", "i suffer",
    "i take", "i use", "i used", "i drink", "i had", "i do not", "i cannot", "me",
)





GENERAL_TOPICS = ("b12", "vitamin", "deficien", "symptom", "sign", "caus", "link", "relat", "warning", "mean", "normal", "common", "risk", "lead")


def _has(found: Dict[str, List[Tuple[int, int]]], name: str, lo: int, hi: int) -> bool:
    return any(lo <= s and e <= hi for s, e in found.get(name, ()))


def sentence_spans(tokens) -> Tuple[List[int], List[Tuple[int, int]]]:
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





class QuestionReader:
    def __init__(self, nlp) -> None:
        self.patterns = PatternSet(nlp, {"anaphora": ANAPHORA, "frames": DIAGNOSIS_FRAMES, "first_person": FIRST_PERSON_Q})

    def find(self, doc) -> Dict[str, List[Tuple[int, int]]]:
        return self.patterns.find(doc)

    def generic_questions(self, tokens, sentences, found) -> Set[int]:
        """Sentences that ask about a code in general ("can b12 cause cramps?").

        Mentions there are not reports, unless the sentence is about the person
        ("could my cramps be b12?") or a later sentence says they have it
        ("does b12 cause cramps? i get them every night").
        """
        generic = set()
        for si, (lo, hi) in enumerate(sentences):
            if not self.is_question(tokens, lo, hi) or _has(found, "first_person", lo, hi):
                continue
            if any(_has(found, "anaphora", lo2, hi2) for lo2, hi2 in sentences[si + 1 :]):
                continue
            # a question about something in general names a cause, sign or link ("can b12
            # cause cramps?", "what are the warning signs of a stroke?"); "half blind in one
            # eye all of a sudden, what to do?" asks for help with what is happening
            if not any(t.text.startswith(GENERAL_TOPICS) for t in tokens[lo:hi]) and not _asks_about_it(tokens, lo, hi):
                continue
            generic.add(si)
        return generic

    def diagnosis_frames(self, tokens, sentences, found) -> List[int]:
        """Token positions right after "do i have" / "is it" / "could this be from"... in questions."""
        ends: List[int] = []
        for lo, hi in sentences:
            words = [t.text for t in tokens[lo:hi] if t.text not in {",", ".", "!", "'", '"'}]
            tagged = len(words) >= 3 and words[-1] == "?" and words[-2] in _TAGS
            if tagged:  # the whole sentence is asked: every mention in it counts from its start
                ends += list(range(lo, hi))
                continue
            if not self.is_question(tokens, lo, hi):
                continue
            ends += [e for s, e in found.get("frames", ()) if lo <= s and e <= hi]
        return ends

    @staticmethod
    def is_question(tokens, lo, hi) -> bool:
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
        return first in QUESTION_STARTS and second not in {"not", "n't", "no"}




_IT = {"it", "this", "that", "they", "these"}


def _asks_about_it(tokens, lo: int, hi: int) -> bool:
    """The question's subject is the condition, not the person: "how fast does it spread?",
    "will it get worse quickly?", "can this cause a stroke?"."""
    # "is it my heart?", "could this be a stroke?" ask whether the person has it: diagnosis frames
    return any(
        tokens[k].text in _AUXILIARIES - {"is", "are", "was", "were"} and tokens[k + 1].text in _IT
        and (k + 2 >= hi or tokens[k + 2].text != "be")
        for k in range(lo, hi - 1)
    )


def asked_whether(start: int, tokens, frame_ends: List[int]) -> bool:
    """A mention within three words after a diagnosis frame, with no statement starting between."""
    return any(
        # a finding may begin inside the frame's last words ("do i [have b12 deficiency]")
        # nor a sentence's end: "do i have pernicious anaemia? my mum has it" states the mother's
        -2 <= start - end <= 3 and not any(t.text in _STATEMENT_STARTS or t.text in _SENTENCE_ENDS for t in tokens[end:start])
        for end in frame_ends
    )



