"""Who the message is about: the writer, or someone they ask for ("my mum (82)
has numb feet", "asking for my husband", "she keeps falling"). A relative's
condition mentioned in passing ("my nan had pernicious anaemia, I have
tingling") leaves the writer the subject: reader/context.py marks that
finding as another person's."""
from __future__ import annotations

import re
from typing import List, Optional

from knowledge import Knowledge
from reader.concepts import PatternSet

THIRD_PERSON = {"he", "she", "his", "her", "him", "hers", "himself", "herself"}
_POSSESSIVE = ("my", "our")  # a relative named as the writer's or the family's: "my son", "our son"
_OWN_EXPERIENCE = ("have", "get", "feel", "suffer", "keep", "got", "have got", "have been", "am having", "am getting", "am feeling", "also have", "also get", "too have")
_VERBS = ("is", "are", "were", "has", "keeps", "gets", "feels", "says", "suffers", "complains", "was", "had", "does", "can", "seems", "been", "cannot")


_FINE = {"fine", "ok", "okay", "normal", "alright", "good"}
_OWN_WITH_ADVERB = re.compile(r" i (?:just|also|only|still|now|really|often|sometimes|always|mostly|too|myself) (?:" + "|".join(_OWN_EXPERIENCE) + r") ")


class SubjectReader:
    def __init__(self, knowledge: Knowledge, nlp) -> None:
        self.patterns = PatternSet(nlp, {"other": knowledge.subject_other})
        self.relations = set(knowledge.relations)
        # the writer's own body: "my husband is vegan and my feet tingle" is about the writer
        body = [w for cls in ("lower_limb", "upper_limb", "mouth", "chest_site") for w in knowledge.word_classes.get(cls, ())]
        self._body = {w.rstrip("*") for w in body if " " not in w}
        self._body_prefixes = tuple(w[:-1] for w in body if w.endswith("*") and " " not in w)
        # "other half", "co-worker": the words of a relation as the tokenizer splits them
        self._multi = sorted({tuple(t.lower_ for t in nlp.tokenizer(r)) for r in knowledge.relations if not r.isalpha()}, key=len, reverse=True)
        # a diagnosis a relative "had" is their history told in passing ("my dad had a stroke
        # at 60 so i worry"), not a message about them
        self._diagnoses = {w for n in knowledge.diagnosis_names for w in n.lower().split() if len(w) > 3}

    def _person_after(self, doc, k: int) -> int:
        """How many tokens after position ``k`` ("my") name a person (0: none)."""
        if k + 1 >= len(doc):
            return 0
        for words in self._multi:  # the longest first: "father-in-law" before "father"
            if tuple(t.lower_ for t in doc[k + 1 : k + 1 + len(words)]) == words:
                return len(words)
        return int(doc[k + 1].lemma_ in self.relations or doc[k + 1].lower_ in self.relations)

    def _own_body(self, doc) -> bool:
        """The writer speaks of their own body ("my feet", "my fingertips")."""
        for k, t in enumerate(doc[:-1]):
            if t.lower_ == "my":
                w = doc[k + 1].lower_
                if (w in self._body or w.startswith(self._body_prefixes)) \
                        and not {x.lower_ for x in doc[k + 2 : k + 5]} & _FINE:
                    return True  # but not "my hands are fine"
        return False

    def said(self, doc) -> bool:
        """The message says outright whom it asks for ("asking for my husband", "for my mum")."""
        return bool(self.patterns.find(doc).get("other"))

    def subject(self, doc) -> Optional[str]:
        if not len(doc):
            return None
        if self.said(doc):
            return "other"
        for k, t in enumerate(doc[:-1]):
            n = self._person_after(doc, k) if t.lower_ in _POSSESSIVE else 0  # "my son", "our son"
            if n:
                rest = _after_aside(doc, k + 1 + n)
                if rest[:1] == ["had"] and set(rest[1:]) & self._diagnoses:
                    continue
                if any(v in rest for v in _VERBS) or _verb_first(doc, k + 1 + n, self._body):
                    # "my mum (82) has numb feet, i'm worried" is about her; "my husband has
                    # pernicious anaemia and i have tingling" is about the writer
                    text = " " + " ".join(x.lower_ for x in doc) + " "
                    # "i get", and with one word between: "i just get", "i also have"
                    own = _own_experience(text) or bool(_OWN_WITH_ADVERB.search(text)) or self._own_body(doc)
                    if not own:
                        return "other"
        if doc[0].lower_ in {"she", "he"}:
            return "other"
        # told about a relative in the third person ("found my husband slumped ... his
        # lips drooped ... he was not responding"), the writer only an onlooker
        words = [t.lower_ for t in doc]
        relation = any(w in _POSSESSIVE and self._person_after(doc, k) for k, w in enumerate(words))
        third = sum(w in THIRD_PERSON for w in words)
        first = sum(w in ("i", "me", "myself") for w in words) + sum(
            w == "my" and not self._person_after(doc, k) for k, w in enumerate(words)
        )
        if relation and third >= 2 and third >= 2 * first:
            return "other"
        # the writer never speaks of themself and tells of "he" / "she"
        if first == 0 and third >= 1:
            return "other"
        return None


# "have" helping a verb of getting help for someone is no experience of the writer's: "my
# husband's face is drooping, i've called an ambulance" is about him ("i have tingling" is
# the writer's own, and so is "i have noticed numb feet")
_PARTICIPLES = {"called", "phoned", "rung", "rang", "taken", "brought", "driven", "sent", "booked", "given", "told", "asked",
                "contacted", "messaged", "texted", "dialled", "dialed"}


def _own_experience(text: str) -> bool:
    """ "i have", "i get", "i feel"... told of the writer, not "have" helping a verb of getting help."""
    return any(not (v.endswith("have") and m.group(1) in _PARTICIPLES)
               for v in _OWN_EXPERIENCE for m in re.finditer(rf" i {v} (\S*)", text))


_ADVERBS = {"almost", "nearly", "just", "also", "still", "now", "really", "often", "sometimes", "always", "never",
            "recently", "suddenly", "then", "who"}
_AUXILIARIES = {"keeps", "has", "had", "is", "was"}
_PAST_FORMS = {"fell", "went", "woke", "took", "got", "came", "began", "became", "lost", "kept", "felt", "said", "told", "ran", "sat", "stood"}


def _verb_first(doc, start: int, body=frozenset()) -> bool:
    """A verb told of the relative right after them, past an adverb: "my dad almost fell down
    twice", "my mum started falling", "my husband walks with a stick" (the lemmatizer knows the
    inflected forms: "walks" -> walk, "collapsed" -> collapse; not "my dad's feet")."""
    words = doc[start : start + 4]
    if len(words) > 1 and words[0].lower_ == "'s" and words[1].lower_ in body:
        return True  # "my dad's feet are numb"
    for k, t in enumerate(words):
        w = t.lower_
        if k + 1 < len(words) and words[k + 1].lower_ in ("me", "us"):
            return False  # "my mother begged me": told to the writer
        if w in _ADVERBS:
            continue
        if w in _PAST_FORMS or w in _AUXILIARIES:
            return True
        return t.lemma_ != w and (w.endswith("ed") or w.endswith("s") and not w.endswith("ss")) and t.is_alpha \
            and not any(w.startswith(b) for b in ("feet", "legs", "hands", "arms", "toes", "fingers"))
    return False


def _after_aside(doc, start: int, size: int = 4) -> List[str]:
    """The next ``size`` words from ``start``, past an aside in brackets or between commas
    about the person: "my dad (67, type 2 on metformin) has had ...", "my mum, 82, keeps ..."."""
    words: List[str] = []
    depth = 0
    for t in doc[start:]:
        if t.text in "([":
            depth += 1
        elif t.text in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and not (t.is_punct or t.like_num):
            words.append(t.lower_)
            if len(words) >= size:
                break
    return words
