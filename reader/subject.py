"""Who the message is about: the writer, or someone they ask for ("my mum (82)
has numb feet", "asking for my husband", "she keeps falling"). A relative's
condition mentioned in passing ("my nan had pernicious anaemia, I have
tingling") leaves the writer the subject: reader/context.py marks that
finding as another person's."""
from __future__ import annotations

import re
from typing import Optional

from knowledge import Knowledge
from reader.concepts import PatternSet

THIRD_PERSON = {"he", "she", "his", "her", "him", "hers", "himself", "herself"}
_OWN_EXPERIENCE = ("have", "get", "feel", "suffer", "keep", "got", "have got", "have been", "am having", "am getting", "am feeling", "also have", "also get", "too have")
_VERBS = ("is", "has", "keeps", "gets", "feels", "says", "suffers", "complains", "was", "had", "does", "can", "seems", "been", "cannot")


_OWN_WITH_ADVERB = re.compile(r" i (?:just|also|only|still|now|really|often|sometimes|always|mostly|too|myself) (?:" + "|".join(_OWN_EXPERIENCE) + r") ")


class SubjectReader:
    def __init__(self, knowledge: Knowledge, nlp) -> None:
        self.patterns = PatternSet(nlp, {"other": knowledge.subject_other})
        self.relations = set(knowledge.relations)

    def subject(self, doc) -> Optional[str]:
        if not len(doc):
            return None
        if self.patterns.find(doc).get("other"):
            return "other"
        for k, t in enumerate(doc[:-1]):
            if t.lower_ == "my" and (doc[k + 1].lemma_ in self.relations or doc[k + 1].lower_ in self.relations):
                rest = [x.lower_ for x in doc[k + 2 : k + 6]]
                if any(v in rest for v in _VERBS):
                    # "my mum (82) has numb feet, i'm worried" is about her; "my husband has
                    # pernicious anaemia and i have tingling" is about the writer
                    text = " " + " ".join(x.lower_ for x in doc) + " "
                    # "i get", and with one word between: "i just get", "i also have"
                    own = any(f" i {v} " in text for v in _OWN_EXPERIENCE) or bool(_OWN_WITH_ADVERB.search(text))
                    if not own:
                        return "other"
        if doc[0].lower_ in {"she", "he"}:
            return "other"
        # told about a relative in the third person ("found my husband slumped ... his
        # lips drooped ... he was not responding"), the writer only an onlooker
        words = [t.lower_ for t in doc]
        relation = any(w == "my" and k + 1 < len(words) and (words[k + 1] in self.relations or doc[k + 1].lemma_ in self.relations) for k, w in enumerate(words))
        third = sum(w in THIRD_PERSON for w in words)
        first = sum(w in ("i", "me", "myself") for w in words) + sum(
            w == "my" and not (k + 1 < len(words) and (words[k + 1] in self.relations or doc[k + 1].lemma_ in self.relations))
            for k, w in enumerate(words)
        )
        if relation and third >= 2 and third >= 2 * first:
            return "other"
        # the writer never speaks of themself and tells of "he" / "she"
        if first == 0 and third >= 1:
            return "other"
        return None
