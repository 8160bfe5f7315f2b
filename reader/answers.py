"""Answers to a yes/no question, read in the context of that question.

``read_answer(text, options=1, symptom=False)`` -> "affirm" | "deny" |
"dont_know" | None (not an answer: the message says something else). Cue
lists are knowledge.yml ``answers``. General rules, in order:

1. a leading "yes" word is yes ("yes - omeprazole for years");
2. a hedge anywhere is "not sure" ("perhaps. my left leg", "the other one maybe");
3. a denial that points at another option ("not the body stuff, the other
   one", "none of the physical ones, apart from the thoughts") or is taken
   back with more to say ("no i don't think so... well he had two accidents
   today") covers only what it names: for a question with several options it
   is "not sure", never a "no" to all of them (clinical reference section 5);
   for a single question a contrast is still a no ("no, just paracetamol now
   and then") and a denial taken back is "not sure";
4. a leading "no" word is no, and so is a denial that ends the answer ("had a clot
   in 2018, nothing like that now");
5. for a symptom: "sometimes", "on and off", "only at night" are yes; "my
   eyes are fine", "warm enough" are no, and "not strong enough" (an all-clear
   denied) is yes;
6. the asked sign denied by name, whatever follows ("not burning, more
   stabbing" to "burning feet?"), is no; so is an ability said to be intact
   ("she says she can concentrate ok", "i can walk fine"), unless something is
   added against it ("... but").
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import List, Optional, Pattern, Sequence, Tuple

from knowledge import load_knowledge
from reader.normalise import normalise


def _alternation(words) -> str:
    return "|".join(sorted((re.escape(normalise(w)) for w in words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> dict:
    raw = load_knowledge().answers
    lead: dict = {}
    for key in ("yes", "no", "unsure"):
        lead[key] = re.compile(r"^\W*(?:" + _alternation(raw.get(key, ())) + r")\b")
    anywhere: dict = {}
    for key in ("unsure", "contrast", "sometimes", "fine", "retract"):
        anywhere[key] = re.compile(r"\b(?:" + _alternation(raw.get(key, ())) + r")\b")
    # one or two words naming the part, then an all-clear: "eyes ok", "my memory is fine"
    lead["all_clear"] = re.compile(r"^\W*(?:[a-z']+\s+){1,3}(?:" + _alternation(raw.get("all_clear", ())) + r")\W*$")
    negative = re.compile(r"\b(?:no|not|never|nope|nah|none|nothing)\b")
    # the last clause is a denial: "..., nothing like that now"
    lead["no_tail"] = re.compile(r"(?:^|[,.;!?]|\bbut|\band)\s*(?:" + _alternation(raw.get("no_tail", ())) + r")(?:\s+(?:now|at the moment|currently|these days|thankfully|though))?\W*$")
    return {"lead": lead, "any": anywhere, "negative": negative}


@lru_cache(maxsize=None)
def _answer_words(key: str, before: str = "") -> Pattern:
    """One list of knowledge ``answers`` as a pattern of whole words, after ``before``."""
    return re.compile(r"\b" + before + r"(?:" + _alternation(load_knowledge().answers.get(key, ())) + r")\b")


def says_no_intent(text: str) -> bool:
    """The person says they would not act ("i wouldnt do anything though"; knowledge answers.no_intent)."""
    return bool(_answer_words("no_intent").search(normalise(text or "")))


def refers_back(text: str, just_named: bool = False) -> bool:
    """The message points back at something said before and says it is there now or again
    ("ugh the same pain again, worse this time"; right after it was named, "its sort of tight
    right now"): a red flag named earlier is what it means (knowledge answers.refers_back)."""
    pointer, now = _answer_words("refers_back"), _answer_words("now_again")
    state = _answer_words("pointed_states", r"it(?:s| is| has been| feels| was)(?: \w+){0,2} ")
    t = normalise(text or "")
    hits = [h for h in (pointer.search(t), state.search(t) if just_named else None) if h]
    for hit in hits:
        rest = t[: hit.start()] + " " + t[hit.end():]
        if now.search(rest) and not re.search(r"\b(?:no|not|never|gone|went away)\b", t[: hit.start()]):
            return True
    return False


def read_answer(text: str, options: int = 1, symptom: bool = False, codes: Sequence[str] = ()) -> Optional[str]:
    """``codes``: what the question asks about (the words of their labels are its words)."""
    asked = asked_words(tuple(codes))
    t = normalise(text or "")
    if not t:
        return None
    if _ALTERNATIVE.search(t):
        return None  # "yes or no, is 180 ok or not?": a demand for an answer, not one
    p = _patterns()
    lead, anywhere = p["lead"], p["any"]
    if lead["unsure"].search(t):
        return "dont_know"
    if lead["yes"].search(t) and not lead["no"].search(t):
        return "affirm"
    if anywhere["unsure"].search(t) and not _only_degree(t):
        return "dont_know"
    if options > 1 and p["negative"].search(t) and anywhere["contrast"].search(t):
        return "dont_know"  # "not physically": a no to some options only
    fine = anywhere["fine"].search(t)
    if symptom and fine and t[: fine.start()].split()[-1:] in (["not"], ["never"]):
        return "affirm"  # an all-clear denied: "i'm not strong enough", "never warm enough"
    denial = lead["no"].search(t)
    if denial:
        if _taken_back(t, anywhere["retract"]):
            return "dont_know"  # "no. well my leg's been bad since an hour ago"
        if _ASKED_BACK.match(t[denial.end():]):
            return "dont_know"  # "i don't think so?", "no?": a doubt put as a question, not a no
        return "deny"
    if lead["no_tail"].search(t):
        return "deny"  # "had a clot in 2018 and a bladder op once, nothing like that now"
    if _names_it_denied(t, asked):
        return "deny"  # "not burning, more stabbing"
    if symptom and _ABLE.search(t) and not _AGAINST.search(t):
        return "deny"  # "she says she can concentrate ok"
    if symptom and anywhere["sometimes"].search(t) and not p["negative"].search(t):
        return "affirm"
    if symptom and fine:
        return "deny"  # "warm enough", "my eyes are fine"
    if symptom and lead["all_clear"].search(t) and not p["negative"].search(t) and not _AGAINST.search(t):
        return "deny"  # "eyes ok", "memory fine" (not "tired but ok")
    return None


# a denial's own clause ending in a question mark: "i dont think so? she's just not right today"
_ASKED_BACK: Pattern = re.compile(r"[^.!,;:?]*\?")


# the alternative itself, asked back: "yes or no?", "yes/no", "yeah or nah"
_ALTERNATIVE: Pattern = re.compile(r"^\W*(?:yes|yeah|yep|y) ?(?:or|/) ?(?:no|not|nah|nope|n)\b")


# an ability said to be intact: "can concentrate ok", "can still walk fine", "can see perfectly well"
_ABLE: Pattern = re.compile(
    r"\bcan (?:still )?(?!not\b|hardly\b|barely\b|never\b|only\b|just\b)[a-z]+(?: [a-z]+)? "
    r"(?:fine|ok|okay|alright|all right|well|normally|perfectly(?: well)?|no problem|without (?:any )?(?:problems?|trouble|difficulty))\b")
_AGAINST: Pattern = re.compile(r"\b(?:but|though|except|apart|until|unless)\b")
# after "not", words that make it a degree or a frequency, not a denial ("not always", "not that bad")
_NOT_A_DENIAL = {"always", "every", "all", "constantly", "just", "only", "that", "too", "so", "as", "much", "great", "good", "sure", "certain"}


# words of a code's label or question that name no sign of their own
_GENERIC_WORDS = {"feel", "feeling", "feelings", "problem", "problems", "trouble", "with", "your", "their", "have", "having",
                  "being", "some", "any", "other", "things", "thing", "often", "worse", "better", "night", "from", "that",
                  "this", "like", "when", "such", "very", "more", "less", "much", "time", "times", "long", "term"}


@lru_cache(maxsize=256)
def asked_words(codes: Tuple[str, ...]) -> Tuple[str, ...]:
    """The words naming what a question about ``codes`` asks: their labels and "ask" texts
    in the knowledge file ("burning", "feet", "soles" for SX_BURNING_FEET)."""
    kb = load_knowledge()
    words: List[str] = []
    for code in codes:
        c = kb.concept(code)
        words += re.findall(r"[a-z]+", f"{c.label} {c.ask}".lower())
    return tuple(dict.fromkeys(w for w in words if len(w) >= 4 and w not in _GENERIC_WORDS))


def _names_it_denied(t: str, asked: Sequence[str]) -> bool:
    """A leading "not" then, within three words, a word of what was asked ("not burning",
    "not pregnant", "not very dizzy at all"), in any form of the word (``_same_stem``)."""
    if not asked:
        return False
    m = re.match(r"^\W*(?:no,? )?not\s+((?:[a-z']+\s+){0,2}[a-z']+)", t)
    if not m:
        return False
    words = m.group(1).split()
    if words[0] in _NOT_A_DENIAL or re.search(r"\b(?:exactly|quite|as such|per se)\b", t):
        return False  # "not always", "not burning exactly, more like hot": not a plain no
    return any(_same_stem(w, a) for w in words for a in asked)


def _same_stem(a: str, b: str) -> bool:
    """Two forms of one word: a shared start of four letters or more, missing at most two
    of the shorter one ("dizzy" ~ "dizziness", "diabetic" ~ "diabetes"; not "feel" ~ "feet")."""
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n >= max(4, min(len(a), len(b)) - 2)


def leads_with_no(text: str) -> bool:
    """The answer starts with a "no" word, whatever follows."""
    return bool(_patterns()["lead"]["no"].search(normalise(text or "")))


def _taken_back(t: str, retract: Pattern) -> bool:
    """A retraction after the denial, followed by something to say (two words or
    more) that is not itself a denial or an all-clear ("no actually i'm fine")."""
    m = retract.search(t, 1)
    rest = t[m.end():] if m else ""
    return bool(m) and len(_content(rest)) >= 2 and not _DENIED_PART.search(rest)


_DEGREE: Pattern = re.compile(r"\b(?:a bit|kind of|sort of)\s+(?:worse|better|more|less|numb|tingly|tired|weak|wobbly|low|dizzy|sore)\b")


def _only_degree(t: str) -> bool:
    """"a bit numb", "kind of tired": a degree, not a hedge."""
    return bool(_DEGREE.search(t)) and not re.search(r"\b(?:maybe|perhaps|possibly|not sure|unsure|dunno|no idea|do not know)\b", t)


# a part that denies or calls something normal; "not" after "can", "will"... is a function
# lost ("my hand wont grip"), which names an option rather than denying one
_DENIED_PART = re.compile(r"\b(?:no|never|none|nothing|fine|normal|ok|okay|alright|good)\b|(?<!\bcan )(?<!\bwill )(?<!\bcould )(?<!\bwould )\bnot\b")
_STOP = {"the", "one", "and", "or", "of", "a", "an", "my", "your", "their", "to", "it", "is", "that", "this", "with", "can", "not", "sudden", "suddenly", "new", "these", "those"}


def _content(text: str):
    return [w for w in re.findall(r"[a-z]+", normalise(text)) if len(w) >= 3 and w not in _STOP]


def read_choice(text: str, options: dict) -> Optional[str]:
    """Which option of a choice question a free answer names ("the breathing one",
    "the thoughts one", "chest"): the option whose title shares most words with
    it, a word counting when rapidfuzz finds it close (ratio 85) or it shares
    its first four letters ("walking" ~ "walk"). None when no option or a tie."""
    from rapidfuzz import fuzz

    # a part that denies or says it is normal names nothing ("her face and arms are fine")
    parts = re.split(r"[,.;!?]|\s[-–—]+\s|\b(?:but|just)\b", normalise(text or ""))
    kept = [part for part in parts if not _DENIED_PART.search(part)]
    said = _content(" ".join(kept))
    if not said:
        return None
    scores = {}
    for key, title in options.items():
        words = _content(title)
        scores[key] = sum(
            # a typo is judged on words of five letters or more: "old" is not "cold"
            any(w == s or (len(w) >= 5 and len(s) >= 5 and fuzz.ratio(w, s) >= 85)
                or (len(w) >= 4 and len(s) >= 4 and w[:4] == s[:4]) for s in said)
            for w in words
        )
    best = max(scores.values(), default=0)
    winners = [k for k, v in scores.items() if v == best]
    return winners[0] if best > 0 and len(winners) == 1 else None
