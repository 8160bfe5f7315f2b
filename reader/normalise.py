"""Step 1 of the reader: plain, lower-case text with contractions and chat
shorthand expanded ("dont", "idk", "w/o", "pins n needles") and markup removed.
Language only: nothing clinical is decided here."""
from __future__ import annotations

import html
import re
import unicodedata

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
    (r"\b(you|we|they)'re\b", r"\1 are"),
    (r"\b(you|they)re\b", r"\1 are"),  # not "were"
    (r"\b(i|you|we|they|he|she|it)'ll\b", r"\1 will"),
    (r"\b(i|you|we|they|he|she)'d\b", r"\1 would"),
    # "id" typed for "i'd" where a clause starts and a verb follows ("how id do it", "id
    # rather not"); not an identity document ("my photo id", "id card")
    (r"(^|[.!?,;:]\s*|\b(?:how|if|what|think|thought|know|knew|wish|said|that|and|but|so|when|where|because|"
     r"maybe|then|guess|lol|tbh|honestly|swear)\s+)id\s+(been|had|known|done|gone|seen|taken|felt|thought|never)\b", r"\1i had \2"),
    (r"(^|[.!?,;:]\s*|\b(?:how|if|what|think|thought|know|knew|wish|said|that|and|but|so|when|where|because|"
     r"maybe|then|guess|lol|tbh|honestly|swear)\s+)id\s+(?!(?:card|cards|badge|number|no|check|checks|document|documents|"
     r"photo|please|bracelet)\b)(?=[a-z])", r"\1i would "),
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
_ABILITY_RES = [(re.compile(p), r) for p, r in [
    (r"\b(?:have|has) (?:not been able|been unable) to\b", "can not"),
    (r"\bhad (?:not been able|been unable) to\b", "could not"),
    (r"\b(?:am|is|are) (?:not able|unable) to\b", "can not"),
    (r"\b(?:was|were) (?:not able|unable) to\b", "could not"),
    (r"(?<!never )\b(?:not able|unable) to\b", "can not"),
    # an ability no longer there: "i can no longer take a single step", "could no longer close my eye"
    (r"\bcan no longer\b", "can not"),
    (r"\bcould no longer\b", "could not"),
]]
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
    # an ability lost said another way is "can not" / "could not": "hasn't been able to speak",
    # "is unable to stand", "was not able to lift it" (not "never been able to": lifelong)
    for pattern, repl in _ABILITY_RES:
        text = pattern.sub(repl, text)
    # the noun for the verb and back: "can't breath", "struggling to breath", "out of breathe"
    text = _BREATH_VERB_RE.sub(r"\1 breathe", text)
    text = _BREATH_NOUN_RE.sub(r"\1 breath", text)
    text = re.sub(r"[ \t]+", " ", text)
    return text.strip()
