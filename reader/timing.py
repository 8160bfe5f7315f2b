"""When: whether a sentence tells of a past episode or of now.

A story often starts far back ("last year", "in July 2013", "several months
ago", "back in February", "when I was at university", "on the morning of my
stroke") and goes on in the past tense until the writer comes back to now
("now", "still", "these days", "I am", "I have"...). Findings told inside such
a past episode are history, not red flags or symptoms now (clinical reference
section 5: "History ('had a stroke years ago') ... not red flags now").

Sentences are read in order: a sentence with a distant-past anchor and no
sign of the present opens a past episode; the episode goes on through the
following sentences until one shows the present. Recent times ("this
morning", "yesterday", "last night", "a few days ago", "since monday") are
not distant: what started then is happening now.
"""
from __future__ import annotations

import re
from typing import List, NamedTuple, Sequence, Tuple

_MONTHS = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|couple of|several|many)"
DISTANT = re.compile(
    r"\b(?:"
    rf"{_NUM} (?:years?|months?) ago|{_NUM} (?:years?|months?) (?:before|earlier|prior)\b|"
    r"years ago|months ago|ages ago|long ago|a long time ago|"
    r"last (?:year|summer|winter|spring|autumn|fall|christmas|new year|new years|new year's|easter|halloween|" + _MONTHS + r")|"
    r"(?:in|back in|during|since|on|this past|early|late) (?:19|20)\d\d|"
    # a year alone dates what it is told with ("the mini stroke was 2019")
    r"(?:was|were|from|around|about|circa) (?:19|20)\d\d\b|"
    rf"(?:in|back in|this past|early|late|since) {_MONTHS}\b|"
    rf"on (?:the )?(?:\w+ )?(?:evening|morning|night|day) of {_MONTHS}|"
    rf"{_MONTHS} \d{{1,2}}(?:st|nd|rd|th)?\b|"
    r"when i was (?:at|in) (?:university|college|school|my)|when i was (?:younger|young|a child|a kid|a teen|a teenager|pregnant|\d+)|"
    r"as a (?:child|kid|teen|teenager)|in my (?:teens|twenties|thirties|20s|30s)|"
    r"(?:the )?(?:morning|day|night|evening) of my (?:stroke|heart attack|attack|collapse|overdose)|"
    r"in hindsight|looking back|at the time|back then|those days|that time|the first time|"
    # a past episode named as such: "there was a point where", "there have been moments when"
    r"there (?:was|were|have been|has been) (?:a |some )?(?:point|time|times|moments?|periods?|days) (?:where|when|in my life)|"
    r"at one point|at my lowest|at my worst|in the past|"
    rf"after {_NUM} (?:months|years)|"
    r"survivor|recovery|recovering|rehab|on the mend|after the event|since that (?:day|evening|night|morning)|"
    rf"(?:\d+|{_NUM}) (?:mos|months|years|yrs) (?:out|on|later|after)|"
    r"over the (?:next|following) (?:few |couple of )?(?:days|weeks|months|years)|"
    r"for \d+ (?:months|years)|for (?:months|years)|before christmas|"
    # care already given: the episode was dealt with then
    r"rushed to|was admitted|were admitted|got admitted|taken to (?:the )?(?:hospital|er|a&e|emergency)|"
    r"(?:in|into|to) (?:the )?(?:hospital|er|a&e|emergency room|icu|intensive care|rehab)"
    r")"
)
# A story's own clock ("a few days later my legs went numb", "the next day I was back in
# emergency", "by the 14th I couldn't feel ..."): told in the past tense, what follows is told
# from inside a past episode; in the present ("you wake up the next day") it is a habit, not a story
CLOCK = re.compile(
    r"\b(?:"
    rf"(?:{_NUM} |a few |a couple of )?(?:days|weeks) later|the (?:next|following) (?:day|morning|night|evening|week)|"
    r"later that (?:day|night|morning|evening|week)|by the (?:\d{1,2}(?:st|nd|rd|th)|next (?:day|morning|week)|end of (?:the|that) (?:day|week))|"
    r"from the (?:first|very first) (?:pill|tablet|dose|day|injection)"
    r")\b"
)
_PAST_FORMS = {"was", "were", "had", "did", "could", "went", "got", "came", "felt", "woke", "took", "began", "became",
               "fell", "made", "said", "told", "saw", "gave", "left", "kept", "lost", "thought", "knew", "ran", "sat",
               "stood", "brought", "woken", "awoke"}


def _told_in_the_past(tokens) -> bool:
    """A past-tense verb among the tokens: a closed list of common irregular forms, or a
    word in -ed that the lemmatizer maps to another word ("realised" -> realise)."""
    return any(t.lower_ in _PAST_FORMS or (t.lower_.endswith("ed") and len(t.lower_) > 3 and t.lemma_ != t.lower_)
               for t in tokens)


# Looking back on a story: what came before was a past episode
RETROSPECTIVE = re.compile(
    r"\b(?:recovery|recovering|survivor|on the mend|after the event|since then|looking back|in hindsight|"
    r"long road|back to normal|years later|months later|weeks later|it was fine|was fine again|went back to normal|"
    r"\d+ (?:mos|months|years|yrs) (?:out|on|later|after))\b"
)
PRESENT = re.compile(
    r"\b(?:now|currently|still|these days|nowadays|at the moment|at present|right now|lately|recently|today|tonight|"
    r"yesterday|last night|just now|an hour ago|hours ago|minutes ago|"
    r"this (?:morning|afternoon|evening|week)|since (?:yesterday|last night|this morning|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"i am|i have|i keep|i get|i feel|i can|i do|it is|it has|they are|my \w+ (?:is|are|has|have|keeps?|feels?)|"
    r"is getting|are getting|keeps|anymore|any more|ongoing|every day|all the time|at the minute)\b"
)


def had_before_pattern(names, other: bool = False) -> "re.Pattern[str]":
    """A red flag's diagnosis names told as the person's own, before now: "i had a stroke in
    2015", "five years on from my big stroke", "since my heart attack"; with ``other``, the
    time of another person's: "when he had his stroke", "during her heart attack"."""
    alts = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
    size = r"(?: (?:a|an|my|his|her|their|the|big|little|small|minor|major|mini|second|first|last|bad|massive|\w+ly))*"
    if other:  # the time of their episode: "when he had his stroke", "during her heart attack"
        return re.compile(rf"\b(?:(?:when|while|as) (?:he|she|they) (?:had|was having|were having)|during (?:his|her|their)){size} (?:{alts})\b")
    return re.compile(
        r"\b(?:i had|i have had|i have|i suffered|i survived|(?:from|since|after|survived|survivor of|recovering from|"
        r"recovered from) (?:my|a|the))"
        rf"{size} (?:{alts})\b")


def onset_pattern(words: Sequence[str]) -> "re.Pattern[str]":
    """The words of an onset just now (knowledge word class ``sudden_words``; "sudden*"
    is a prefix) as one pattern."""
    alts = sorted((re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in words), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(alts) + r")\b")


def recent_sentences(doc, sentences: Sequence[Tuple[int, int]], onset: "re.Pattern[str]") -> List[bool]:
    """For each sentence, whether it tells of an onset just now: what is told with it is
    new, whatever the story before ("for months ... yesterday my legs gave way")."""
    return [bool(onset.search(doc[lo:hi].text.lower())) if hi > lo else False for lo, hi in sentences]


class SentenceTimes(NamedTuple):
    past: List[bool]  # told inside a past episode (carried over to later sentences; for red flags)
    dated: List[bool]  # dated in the distant past by itself, in the past tense, nothing of now (symptoms too)


# "it all started last autumn": when it began, not an episode that ended
_BEGAN = re.compile(r"\b(?:start|started|starting|began|begun|begin|since|first noticed|came on|kicked in|onset)\b")


def sentence_times(doc, sentences: Sequence[Tuple[int, int]]) -> SentenceTimes:
    """For each sentence, whether it is told inside a past episode, and whether it dates
    itself in the distant past ("around this time last year i was experiencing extreme
    fatigue"): one reading of each sentence for both."""
    past: List[bool] = []
    dated: List[bool] = []
    in_past = False
    ended = False  # the past episode was opened by a date, not by its own beginning
    texts = [doc[lo:hi].text.lower() if hi > lo else "" for lo, hi in sentences]
    for (lo, hi), text in zip(sentences, texts):
        before_now = bool(DISTANT.search(text))
        told_past = _told_in_the_past(doc[lo:hi])
        distant = before_now or bool(CLOCK.search(text)) and told_past
        present = bool(PRESENT.search(text))
        began = bool(_BEGAN.search(text))
        opened = False
        if present:
            in_past = ended = False
        elif distant and not in_past:
            in_past, ended, opened = True, before_now and told_past and not began, True
        past.append(in_past and not present)
        # dated by itself, or told in the past tense inside an episode a date opened ("in 2009 i
        # had a serious injury. my right leg was numb"): history, symptoms too, even a sign that
        # began inside it; not when the opening tells how the trouble began ("it all started last
        # autumn ... i was constantly tired")
        dated.append(not present and told_past and (before_now and not began or in_past and ended and not opened))
    # a later sentence looking back ("it has been a long road to recovery", "a minute
    # later it was fine") makes the sentences before it a past episode too
    for k, text in enumerate(texts):
        if RETROSPECTIVE.search(text):
            for j in range(k + 1):
                if not PRESENT.search(texts[j]) or j == k:
                    past[j] = True
    return SentenceTimes(past, dated)
