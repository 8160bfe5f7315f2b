"""Step 4 of the reader: the context of each concept found (ConText categories).

negspacy's ``Negex`` (NegEx, Chapman et al.) runs once per category with the
termsets of knowledge.yml ``context``: negated, uncertain, historical,
hypothetical and other (another person's experience). A cue before a finding
("preceding") or after it ("following") in the same stretch of a sentence
gives it the category; a termination word ("but", "just", "except", ", my",
"and i"...) or a sentence end closes the stretch; a pseudo-cue ("not only",
"no doubt") is no cue.

Two rules go beyond NegEx, both general:
- a cue that is part of a finding's own words negates nothing else ("no
  energy and tingling feet", "can't feel my toes anymore"): every pattern of
  the knowledge file that contains a cue word is made a pseudo-cue;
- a negation between the parts of a composition applies to it ("my legs are
  not weak"), and "..., but stopped it" ends a medicine.

Negex works on ``doc.ents``, which may not overlap; overlapping findings are
given to it in layers.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Sequence, Set, Tuple

from negspacy.negation import Negex
from spacy.tokens import Span

from knowledge import Knowledge
from reader.concepts import Match, pattern_words

CATEGORIES = ("negated", "uncertain", "historical", "hypothetical", "asked", "other")
NEGATION_WORDS = {"no", "not", "never", "without", "none", "nor", "nobody", "noone"}
_BUT_STOPPED = [
    "stopped", "quit", "came off", "come off", "gave up", "given up", "not anymore", "not any more",
    "no longer", "not now", "not since", "not at the moment", "not currently", "stopped taking",
]


@dataclass(frozen=True)
class Context:
    negated: bool = False
    uncertain: bool = False
    historical: bool = False
    hypothetical: bool = False
    asked: bool = False  # a topic someone asked about ("asked her about dark thoughts")
    other: bool = False
    relative: bool = False  # the other person is a blood relative
    named: bool = False  # a red flag named only by its diagnosis ("the mini stroke"), no sign told
    # a red flag only in doubt because it is another person's ("he's been keeping his tablets back"
    # in a message that does not say whom the check is for): theirs now when the check is for them
    theirs: bool = False

    def names(self) -> Tuple[str, ...]:
        return tuple(c for c in CATEGORIES if getattr(self, c)) + (("named",) if self.named else ()) \
            + (("theirs",) if self.theirs else ())


class ContextReader:
    def __init__(self, knowledge: Knowledge, nlp) -> None:
        self.knowledge = knowledge
        self.nlp = nlp
        termination = list(knowledge.context.get("termination", {}).get("", ()))
        own_words = self._finding_words_with_cues(knowledge)
        relations = list(knowledge.relations)
        self._relatives = set(knowledge.blood_relatives)
        self._negex: Dict[str, Negex] = {}
        for cat in CATEGORIES:
            body = knowledge.context.get(cat, {})
            preceding = list(body.get("preceding", ()))
            following = list(body.get("following", ()))
            pseudo = list(body.get("pseudo", ()))
            if cat == "other":
                preceding += [f"my {r}" for r in relations] + [f"my {r}s" for r in relations]
                following += [f"my {r} has" for r in relations]
                # the writer among them: "me and my gf do nangs", "my husband and i are vegan"
                pseudo += [f"me and my {r}" for r in relations] + [f"my {r} and i" for r in relations] \
                    + [f"my {r} and me" for r in relations] + [f"i and my {r}" for r in relations]
            if cat in ("negated", "uncertain"):
                pseudo += own_words
            # another person's stretch ends where the writer speaks of themself
            # ("my daughter thinks i am confused": the confusion is the writer's)
            ends = termination + (["i", "me", "myself", "my"] if cat == "other" else [])
            termset = {
                "pseudo_negations": _normal(pseudo),
                "preceding_negations": _normal(preceding),
                "following_negations": _normal(following),
                "termination": _normal(ends),
            }
            ext = f"b12_{cat}"
            if not Span.has_extension(ext):
                Span.set_extension(ext, default=False)
            self._negex[cat] = Negex(nlp, f"b12_{cat}", termset, [], ext, [])
        self._but_stopped = [tuple(pattern_words(p)) for p in _BUT_STOPPED]

    @staticmethod
    def _finding_words_with_cues(knowledge: Knowledge) -> List[str]:
        """Patterns of the knowledge file holding a cue word: "no energy", "can not feel"."""
        cue_words = NEGATION_WORDS | {"maybe", "might"}
        # the termsets' own multi-word cues too: "lack of energy" is tiredness, and its "lack of"
        # does not go on to negate "dizzy spells and shortness of breath" after it
        cues = [tuple(pattern_words(c)) for cat in ("negated", "uncertain")
                for c in knowledge.context.get(cat, {}).get("preceding", ()) if len(pattern_words(c)) > 1]

        def holds_cue(words: List[str]) -> bool:
            return any(w in cue_words for w in words) or any(
                tuple(words[k : k + len(c)]) == c for c in cues if len(c) < len(words) for k in range(len(words) - len(c) + 1))

        out: Set[str] = set()
        for c in knowledge.concepts.values():
            # a whole finding's words only: a phrase, or a combination of one group. A part of
            # a longer combination ("do not have" + meat) is no finding: made a pseudo-cue, it
            # would stop "i do not have chest pain" from being a denial (the combination's own
            # cue words are handled where it matches, in read())
            alts = list(c.phrases) + [a for combo in c.combos if len(combo) == 1 for a in combo[0]]
            for p in alts:
                words = pattern_words(p)
                if holds_cue(words) and not any(w.endswith("*") or w == "_num_" for w in words) and len(words) > 1:
                    out.add(" ".join(words))
        return sorted(out)

    def read(self, doc, matches: Sequence[Match]) -> List[Context]:
        """The context of every match, in order."""
        flags: Dict[int, Dict[str, bool]] = {i: {} for i in range(len(matches))}
        # negation cues NegEx kept (pseudo-cues removed): they alone negate a composition from inside
        preceding, _following, _terminating = self._negex["negated"].process_negations(doc)
        cue_starts = {s for _id, s, _e in preceding}
        for layer in _layers(matches):
            doc.ents = [Span(doc, matches[i].start, matches[i].end, label=matches[i].code) for i in layer]
            for cat, negex in self._negex.items():
                negex(doc)
                for i, ent in zip(layer, doc.ents):
                    flags[i][cat] = bool(getattr(ent._, f"b12_{cat}"))
                for ent in doc.ents:
                    setattr(ent._, f"b12_{cat}", False)
        doc.ents = []
        out: List[Context] = []
        for i, m in enumerate(matches):
            f = flags[i]
            own = {t.lower_ for t in doc[m.start : m.end]} - {t.lower_ for k, t in enumerate(doc) if k in m.gaps}
            negated = f.get("negated", False)
            if own & NEGATION_WORDS:
                negated = False  # "can not feel my toes anymore": the negative form is the complaint
            if not negated and m.gaps:
                negated = any(k in cue_starts for k in m.gaps)
            if negated and not any(k in cue_starts for k in m.gaps) and _object_before_comma(doc, m, preceding, matches):
                negated = False  # "no supplements, tingly feet and exhausted"
            if not negated and self._stopped_after(doc, m):
                negated = True
            other = f.get("other", False)
            out.append(Context(
                negated=negated,
                uncertain=f.get("uncertain", False),
                historical=f.get("historical", False),
                hypothetical=f.get("hypothetical", False),
                asked=f.get("asked", False),
                other=other,
                relative=other and self._relative_before(doc, m),
            ))
        return out

    def _stopped_after(self, doc, m: Match) -> bool:
        """"was on metformin but stopped last year", "had b12 jabs but not any more"."""
        sent_end = m.end
        while sent_end < len(doc) and doc[sent_end].text not in {".", "!", "?", "\n"} and doc[sent_end].lower_ != "but":
            sent_end += 1
        if sent_end >= len(doc) or doc[sent_end].lower_ != "but":
            return False
        words = [t.lower_ for t in doc[sent_end + 1 : sent_end + 6]]
        return any(tuple(words[k : k + len(p)]) == p for p in self._but_stopped for k in range(len(words)))

    def _relative_before(self, doc, m: Match) -> bool:
        sent = doc[m.start].sent
        words = {t.lower_ for t in doc[sent.start : sent.end]} | {t.lemma_ for t in doc[sent.start : sent.end]}
        return bool(words & self._relatives)


_LIST_OR = {"or", "nor", "any", "either", "neither"}


def _object_before_comma(doc, m: Match, cues, matches: Sequence[Match]) -> bool:
    """A negation whose own object, before a comma, is no finding, and whose list does not go
    on with "or" ("no supplements, tingly feet and exhausted": the feet are not denied; "no
    fever, tingling or weakness" denies them all): its scope ends at that comma."""
    before = [(s, e) for _id, s, e in cues if e <= m.start]
    if not before:
        return False
    _s, e = max(before)
    commas = [k for k in range(e, m.start) if doc[k].text == ","]
    # "no, my toes are not numb": a bare "no" before its comma negates no object of its own
    if not commas or commas[0] == e or any(doc[k].is_sent_start for k in range(e, m.start)):
        return False
    end = m.end
    while end < len(doc) and doc[end].text not in {".", "!", "?", "\n"}:
        end += 1
    if any(doc[k].lower_ in _LIST_OR for k in range(e, end)):
        return False
    return not any(e <= x.start and x.end <= commas[0] for x in matches)


def _normal(phrases: Sequence[str]) -> List[str]:
    return sorted({" ".join(pattern_words(p)) for p in phrases if pattern_words(p)})


def _layers(matches: Sequence[Match]) -> List[List[int]]:
    """Groups of matches whose spans do not overlap (Negex works on doc.ents)."""
    layers: List[List[int]] = []
    ends: List[List[Tuple[int, int]]] = []
    for i in sorted(range(len(matches)), key=lambda j: (matches[j].start, -matches[j].end)):
        m = matches[i]
        for layer, spans in zip(layers, ends):
            if all(m.end <= s or e <= m.start for s, e in spans):
                layer.append(i)
                spans.append((m.start, m.end))
                break
        else:
            layers.append([i])
            ends.append([(m.start, m.end)])
    for layer in layers:
        layer.sort(key=lambda j: matches[j].start)
    return layers

