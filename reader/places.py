"""Where the person says they are: the locale whose numbers the conversation should use.

One job: "I'm in Ohio", "we live in Dublin", "here in the States" -> us / eu / uk. A
place alone is not enough ("my sister in Texas", "a trip to Paris", "I'm from Cork but
live in Leeds" is uk): it must follow a first-person locative cue. The place lists are
data (knowledge/places.yml). No clinical decision here.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Optional, Pattern

import yaml

PLACES_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "places.yml"

# first person + being somewhere now: "i'm in", "we are currently in", "i live in", "here in", "based in"
_CUE = (
    r"(?:\b(?:i'?m|i am|im|we'\s?re|we are|i'?ve been|we'?ve been)\s+(?:currently\s+|now\s+|still\s+|living\s+|staying\s+|based\s+)?(?:over\s+|out\s+|down\s+|up\s+|back\s+)?(?:in|at)"
    r"|\b(?:i|we)\s+(?:currently\s+|now\s+)?(?:live|stay|reside|am living|are living)\s+in"
    r"|\b(?:here|living|based|located)\s+in"
    # "we're" typed without its apostrophe and subject: "hey, were in florida" (not "we were in")
    r"|(?<!\bwe\s)(?<!\bthey\s)(?<!\byou\s)(?<!\bi\s)\bwere\s+(?:currently\s+|now\s+|living\s+|based\s+)?in"
    # a greeting from where they are: "hi from ohio", "hello from berlin", "writing from dublin"
    r"|\b(?:hi|hello|hey|hiya|greetings|writing|messaging|texting)\s+(?:all\s+|everyone\s+)?from"
    r"|\b(?:i|we)\s+(?:have\s+|'ve\s+)?(?:just\s+|recently\s+)?(?:moved|relocated|emigrated)\s+(?:over\s+)?to"
    r"|\b(?:i'?m|i am|we'\s?re|we are)\s+(?:an?\s+)?(?:american|irish|french|german|spanish|italian|dutch)\s+(?:living\s+)?in)"
)


@functools.lru_cache(maxsize=1)
def _places() -> dict:
    return yaml.safe_load(PLACES_FILE.read_text(encoding="utf-8"))


def _alternatives(names) -> str:
    """Place names as one regular-expression alternation, longest first, any spacing."""
    return "|".join(re.escape(str(n)).replace(r"\ ", r"\s+") for n in sorted(set(names), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def _pattern() -> Pattern[str]:
    groups = []
    for locale, kinds in _places().items():
        alternatives = _alternatives(n for kind, names in kinds.items() if kind != "postal" for n in names)
        groups.append(f"(?P<{locale}>{alternatives})")
    return re.compile(_CUE + r"\s+(?:the\s+)?(?:" + "|".join(groups) + r")(?![\w])", re.IGNORECASE)


_SOMEONE_ELSES = re.compile(r"\b(?:my|his|her|their|our)\s+\w+\s+(?:\w+\s+)?(?:in|to|from|at)\s*$", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _address() -> Pattern[str]:
    """A US city with its state, as an address is written ("phoenix az", "portland, oregon"):
    where the person is, with or without a first-person cue."""
    us = _places()["us"]
    state = _alternatives(list(us["regions"]) + list(us["postal"]))
    return re.compile(rf"\b(?:{_alternatives(us['cities'])}),?\s+(?:{state})\b", re.IGNORECASE)


def locale_of(text: str) -> Optional[str]:
    """uk, eu or us when the person says where they are; the last such statement wins."""
    found = None
    for m in _pattern().finditer(text):
        found = next(name for name, value in m.groupdict().items() if value)
    if found is None:
        for m in _address().finditer(text):
            # someone else's address ("my sister lives in austin, tx") is not where the person is
            if not _SOMEONE_ELSES.search(text[max(0, m.start() - 40) : m.start()]):
                found = "us"
    return found
