"""Quantities in the words: an age ("i'm 72", "in her eighties", "58f") and how
long something has lasted ("since monday", "a couple of years"). The reader
reports them; what an age means clinically (65 or over) is the engine's."""
from __future__ import annotations

import re
from typing import Optional

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


_ANY_NUMBER_RE = re.compile(r"(?<![\w.,-])(\d{1,3})(?!\d)(?![.,]\d)" + _NOT_AGE_UNITS)


_YEARS_ANSWER_RE = re.compile(
    r"^\W*(?:(?:i\s*am|i'?m|she\s*is|she'?s|he\s*is|he'?s|they\s*are|they'?re)\s+)?(?:about\s+|around\s+|nearly\s+|almost\s+)?"
    r"(\d{1,3})\s*(?:years?|yrs?|yo)\W*$")


def age_answer(text: str) -> Optional[int]:
    """The age in an answer to "how old are you?": the age a statement gives, else the
    first number not counting something else ("sixty-eight last birthday", "72 in june",
    "she's 81"; not "3 weeks", "70kg")."""
    age = age_of(text)
    if age is not None:
        return age
    # the whole answer a number of years ("42 years", "i'm 42 years"): asked the age, that is it;
    # a small one ("3 years") is more likely how long, so it is asked again
    m = _YEARS_ANSWER_RE.match(_digits_for_number_words(text.lower()))
    if m and 16 <= int(m.group(1)) <= 110:
        return int(m.group(1))
    m = _ANY_NUMBER_RE.search(_digits_for_number_words(text.lower()))
    if m and 1 <= int(m.group(1)) <= 110:
        return int(m.group(1))
    return None


# an age one feels or looks is no age: "I feel about 80 years old", "feel like I'm 90"
_FELT_AGE_RE = re.compile(
    r"\b(?:feel|feels|feeling|felt|look|looks|looking|looked)\s+(?:like\s+)?(?:about\s+|around\s+|at least\s+)?"
    r"(?:i\s*am\s+|i'm\s+|im\s+|i\s+was\s+|an?\s+)?\d+(?:\s*-?\s*(?:years?|yrs?)(?:\s*-?\s*old)?|\s*-?\s*year\s*-?\s*old)?",
    re.I)


def age_of(text: str) -> Optional[int]:
    text = _FELT_AGE_RE.sub(" ", _digits_for_number_words(text))
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
# a day count told as the day it is now ("day 3 of being bed bound", "the 4th day of this headache")
_DAY_COUNT_RE = re.compile(r"\bday (\d+) of\b|\b(?:the |my )?(\d+)(?:st|nd|rd|th) day (?:of|in a row|now|running)\b")
_SINCE_YEAR_RE = re.compile(r"\b(?:since|from|started in|began in|back in)\s+((?:19|20)\d\d)\b")
_DURATION_WORDS = [
    (re.compile(r"\b(since yesterday|yesterday|today|this morning|last night|since last night|this afternoon|an hour ago|hours ago|few hours|past hour|overnight|"
                r"since (?:the |last )?(?:weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
                # a day named as when it began, or a day just gone: "started on tuesday", "the other night"
                r"(?:started|began|begun|start|begin|came on|kicked in)(?: [\w']+){0,5}? (?:on |last )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
                r"the other (?:day|night|morning|evening|afternoon)|a few (?:nights|mornings) ago)\b"), "days"),
    (re.compile(r"\b(last week|since last week|fortnight|recently|past week)\b"), "weeks"),
    # since a month, a season, a holiday or an event, also "since before" or "since around" it
    (re.compile(r"\b(since (?:before |around |about |just before |just after |after |the start of |the end of )?(?:last |the )?"
                r"(january|february|march|april|may|june|july|august|september|october|november|december|christmas|xmas|easter|"
                r"new year|new years|halloween|the holidays|my birthday|summer|spring|autumn|fall|winter|covid|lockdown)|"
                # vague but long: "ages tbh", "a good while", "quite a while now"
                r"for ages|ages now|ages tbh|^\W*ages\b|been ages|it has been ages|ages and ages|for a while|a while now|a good while|quite a while|^\W*(?:a while|while)\b|"
                r"a long while|long time|last month|this year)\b"), "months"),
    (re.compile(r"\b(for years|years now|since last year|last year|since i was|over the years|many years|decades?|forever|"
                r"as long as i can remember|for as long as i can remember|yonks|donkeys years|donkey's years)\b"), "years"),
]


# a length told only loosely: "for ages", "a while now", "a long time", "recently". What it
# says is kept (not days), but it is no answer to "how long?", which is still asked
_VAGUE_RE = re.compile(r"\b(for ages|ages now|ages tbh|^\W*ages\b|been ages|it has been ages|ages and ages|for a while|a while now|"
                       r"a good while|quite a while|a long while|a while|long time|recently|lately)\b")


def duration_is_vague(text: str) -> bool:
    """The only length the message tells is a loose one ("tingly hands for a while")."""
    return duration_of(text) is not None and duration_of(_VAGUE_RE.sub(" ", text)) is None


def duration_of(text: str) -> Optional[str]:
    # a length denied is not the length ("it started yesterday, not a year ago"), nor is a
    # rhythm ("an injection every three months")
    m = next((m for m in _DURATION_RE.finditer(text)
              if not re.search(r"\b(not|never|every|each|once every|per)\s+(about\s+|even\s+|other\s+)?$", text[:m.start()])), None)
    since = _SINCE_YEAR_RE.search(text)
    count = _DAY_COUNT_RE.search(text)
    if not m and count:
        n = int(count.group(1) or count.group(2))
        return "days" if n < 14 else "weeks" if n < 56 else "months"
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
