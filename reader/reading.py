"""The Reader: the steps of the package docstring (reader/__init__.py) run in order on one message."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Dict, List, Optional, Set, Tuple

from knowledge import Kind, Knowledge, Status, load_knowledge
from reader.concepts import ConceptMatcher, Match, PatternSet, clause_spans, overlap
from reader.context import NEGATION_WORDS, Context, ContextReader
from reader.language import OTHER_LANGUAGES, looks_foreign, stop_words
from reader.normalise import normalise
from reader.places import locale_of
from reader.quantities import age_of, duration_is_vague, duration_of
from reader.questions import DIAGNOSIS_CODES, OWN_IN_QUESTION, QuestionReader, asked_whether, asks_if_it_counts, sentence_spans
from reader.spelling import Speller
from reader.subject import SubjectReader
from reader.timing import had_before_pattern, onset_pattern, recent_sentences, sentence_times

__all__ = ["Finding", "Reading", "Reader", "default_reader", "normalise"]


@dataclass(frozen=True)
class Finding:
    code: str
    kind: Kind
    status: Status
    start: int
    end: int
    text: str
    context: Tuple[str, ...] = ()


@dataclass
class Reading:
    findings: List[Finding] = field(default_factory=list)
    age: Optional[int] = None
    duration: Optional[str] = None  # days | weeks | months | years
    progression: Optional[str] = None  # rapid | slow | stable
    onset: Optional[str] = None  # sudden | gradual
    side: Optional[str] = None  # one | both
    subject: Optional[str] = None  # "other" when asking for someone else
    subject_said: bool = False  # "asking for my husband": said outright, not only told about
    duration_vague: bool = False  # the length told is a loose one ("for a while"): "how long?" is still asked
    topics: List[str] = field(default_factory=list)
    foreign: bool = False
    locale: Optional[str] = None  # uk | eu | us when the person says where they are
    no_symptoms: bool = False  # "i feel completely fine, no symptoms"

    def codes(self, status: Status = Status.PRESENT, kind: Optional[Kind] = None) -> List[str]:
        return [f.code for f in self.findings if f.status == status and (kind is None or f.kind == kind)]

    def status_of(self, code: str) -> Optional[Status]:
        return next((f.status for f in self.findings if f.code == code), None)


class Reader:
    def __init__(self, knowledge: Optional[Knowledge] = None, nlp=None) -> None:
        self.knowledge = knowledge or load_knowledge()
        if nlp is None:
            from reader.pipeline import load_pipeline

            nlp = load_pipeline()
        self.nlp = nlp
        lemmas = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        self.speller = Speller(self.knowledge, lemmas)
        # words the speller may produce that no English table holds ("metformin")
        self.concepts = ConceptMatcher(self.knowledge, nlp, extra_words=self.speller.clinical_words)
        self.context = ContextReader(self.knowledge, nlp)
        self.questions = QuestionReader(nlp)
        self.subjects = SubjectReader(self.knowledge, nlp)
        k = self.knowledge
        self.modifiers = PatternSet(nlp, {
            **{f"progression:{n}": v for n, v in k.progression.items()},
            **{f"rate:{n}": v for n, v in k.progression_rate.items()},
            **{f"onset:{n}": v for n, v in k.onset.items()},
            **{f"side:{n}": v for n, v in k.side.items()},
        })
        self.topic_patterns = PatternSet(nlp, {t.id: t.keywords for t in k.topics})
        # knowledge sections of {codes, words}: words that change how a code's finding is read
        # in their sentence (or, for within_a_day, anywhere in the message)
        self.sections = {name: (set(getattr(k, name).get("codes", ())), PatternSet(nlp, {"words": getattr(k, name).get("words", ())}))
                         for name in ("comes_and_goes", "positional", "explained", "explained_signs", "within_a_day")}
        self.ended = PatternSet(nlp, {"words": k.ended_episode.get("words", ()), "seen": k.ended_episode.get("seen", ())})
        self.wellness = PatternSet(nlp, {"none": k.answers.get("no_symptoms", ())})
        self._lasting = set(k.lasting)
        self._onset = onset_pattern(k.word_classes["sudden_words"])  # an onset just now (knowledge)
        self._certain_within = {c: r["certain_within"] for c, r in k.possible_red_flags.items()}
        # a rule's side, when it has one, must be the message's for a length to make it certain
        self._certain_side = {c: r.get("side") for c, r in k.possible_red_flags.items()}
        # each diagnosis name's red flag, found by the matcher itself; a name after "i had", "from my",
        # "since my", "after a" (a few words apart) is a red flag the person had before
        codes_of_name: Dict[str, Set[str]] = {}
        for name in k.diagnosis_names:
            for m in self.concepts.matches(self.nlp(normalise(name))):
                if k.concept(m.code).kind == Kind.RED_FLAG:
                    codes_of_name.setdefault(m.code, set()).add(" ".join(normalise(name).split()))
        self._past_names = [(code, had_before_pattern(names)) for code, names in codes_of_name.items()]
        self._their_past_names = [(code, had_before_pattern(names, other=True)) for code, names in codes_of_name.items()]
        self._names = {" ".join(normalise(n).split()) for n in k.diagnosis_names} | {
            "a " + " ".join(normalise(n).split()) for n in k.diagnosis_names}
        for lang in ("en",) + OTHER_LANGUAGES:
            stop_words(lang)  # load now rather than on the first message

    # ----------------------------------------------------------------- text
    def doc(self, text: str):
        """The normalised, spelling-corrected spaCy Doc of a message."""
        norm = normalise(text)
        words = self.nlp.make_doc(norm)
        fixed = self.speller.fix_words([t.text for t in words])
        if any(f != t.text for f, t in zip(fixed, words)):
            norm = "".join(f + t.whitespace_ for f, t in zip(fixed, words))
        return self.nlp(norm)

    # ----------------------------------------------------------------- read
    def read(self, text: str) -> Reading:
        doc = self.doc(text)
        out = Reading()
        if not len(doc):
            return out
        out.foreign = looks_foreign(text)
        matches = self.concepts.matches(doc)
        contexts = self.context.read(doc, matches)
        sentence_of, sentences = sentence_spans(doc)
        qfound = self.questions.find(doc)
        generic = self.questions.generic_questions(doc, sentences, qfound)
        frames = self.questions.diagnosis_frames(doc, sentences, qfound)
        counts = asks_if_it_counts(doc, sentences)
        by_code: Dict[str, Finding] = {}
        sentence_of_code: Dict[str, int] = {}
        family: Optional[Finding] = None
        had_before = self._had_before(doc.text.lower())  # red flags named as had before
        subject = self.subjects.subject(doc)
        past, dated = sentence_times(doc, sentences)
        recent = recent_sentences(doc, sentences, self._onset)
        norm = doc.text
        lengths = self._without_risk_lengths(doc, matches)
        duration = duration_of(lengths)
        # how it goes, asked ("how fast does the numbness spread if it's serious?"), is not
        # how the person's goes
        asking = {k for k, (lo, hi) in enumerate(sentences) if hi > lo and doc[hi - 1].text == "?"}

        def told(sp: Tuple[int, int]) -> bool:
            k = sentence_of[sp[0]]
            if k in generic:
                return False
            # in a question, only after words of the person's own ("is it normal that my feet...")
            return k not in asking or any(t.lower_ in OWN_IN_QUESTION for t in doc[sentences[k][0] : sp[0]])

        def denied(sp: Tuple[int, int]) -> bool:
            # "nothing sudden", "not on one side": an onset or a side denied is not theirs
            return any(t.lower_ in NEGATION_WORDS or t.lower_ == "nothing" for t in doc[max(0, sp[0] - 2) : sp[0]])

        mods = {k: [sp for sp in v if told(sp) and not (k.startswith(("onset:", "side:")) and denied(sp))]
                for k, v in self.modifiers.find(doc).items()}
        # a word that tells how trouble began as well as how it goes ("slowly", "gradually") is
        # the onset: "it came on slowly" says nothing of getting worse (the progression
        # question's own answer is read in its context by the interview)
        began = [sp for k, v in mods.items() if k.startswith("onset:") for sp in v]
        mods = {k: [sp for sp in v if not (k.startswith("progression:") and any(overlap(sp, b) for b in began))]
                for k, v in mods.items()}
        onset = _first(mods, doc, "onset", ("sudden", "gradual"))
        progression = "rapid" if _worse_by_the_day(mods, doc) else _first(mods, doc, "progression", ("rapid", "stable", "slow"))
        chronic = duration in ("months", "years") and onset != "sudden" and progression != "rapid"
        # the sentences holding each section's words
        said_in = {name: {sentence_of[a] for a, _ in pats.find(doc).get("words", [])} for name, (_c, pats) in self.sections.items()}

        def told_with(name: str, code: str, m: Match) -> bool:
            return code in self.sections[name][0] and sentence_of[m.start] in said_in[name]
        side = _first(mods, doc, "side", ("one", "both"))
        ended = self.ended.find(doc)
        # an ending denied is none: "it has not resolved", "the ulcer never healed up"
        endings = [a for a, _ in ended.get("words", [])
                   if not any(t.lower_ in NEGATION_WORDS or t.lower_ == "n't" for t in doc[max(0, a - 2) : a])]
        seen = [a for a, _ in ended.get("seen", [])]
        # a start told earlier than this day: a time of this day is where it has got to, not its onset
        began_earlier = bool(said_in["within_a_day"])
        for m, ctx in zip(matches, contexts):
            if sentence_of[m.start] in generic and m.code not in self.knowledge.asked_counts:
                continue
            if began_earlier and m.code in self.sections["within_a_day"][0] \
                    and self._onset.search(doc[m.start : m.end].text.lower()):
                continue
            kind = self.knowledge.concept(m.code).kind
            if kind == Kind.SYMPTOM and dated[sentence_of[m.start]] and not ctx.historical:
                ctx = replace(ctx, historical=True)  # "around this time last year i was exhausted"
            if kind == Kind.RED_FLAG and past[sentence_of[m.start]] and not ctx.historical:
                # a red flag told inside a past episode ("last year ... I couldn't breathe") is
                # history (clinical reference section 5); symptoms told so mostly go on now
                ctx = replace(ctx, historical=True)
            status = self._status(m, ctx, kind, subject)
            if status in (Status.UNSURE, None) and kind in (Kind.RED_FLAG, Kind.QUALIFIER) and ctx.other \
                    and subject != "other" and not m.possible and self._status(m, ctx, kind, "other") == Status.PRESENT:
                # only in doubt as another person's: theirs now when the check is for them (the interview knows)
                status, ctx = Status.UNSURE, replace(ctx, theirs=True)
            code = m.code
            if status == Status.PRESENT and m.possible and (duration not in self._certain_within.get(code, ())
                                                             or self._certain_side.get(code) not in (None, side)):
                # "my chest feels funny": one direct question; but a red flag that is certain
                # when recent (knowledge possible_red_flags certain_within) is, told with a
                # length that recent ("the other night ... it has spread to my fingers")
                status = Status.UNSURE
            if status == Status.ABSENT and kind == Kind.RED_FLAG and m.code in by_code \
                    and " ".join(t.lower_ for t in doc[m.start : m.end]) in self._names:
                continue  # the sign told, then "they determined it was not a heart attack": a diagnosis ruled out, not the sign denied
            if status == Status.PRESENT and kind == Kind.RED_FLAG and self._only_a_name(doc, m):
                status = Status.UNSURE  # "was it a stroke?": confirmed by a direct question
                ctx = replace(ctx, named=True)
            if status == Status.PRESENT and kind == Kind.RED_FLAG and sentence_of[m.start] in counts:
                status = Status.UNSURE  # "would slurred speech count?": asked, then confirmed
            # "gasping for air after my run", "my arm went dead because i slept on it", "goes numb
            # from time to time": not a sign acted on now, asked "right now?"
            if status == Status.PRESENT and any(told_with(n, code, m) for n in ("explained_signs", "positional", "comes_and_goes")):
                status = Status.UNSURE
            if status == Status.PRESENT and code in self.knowledge.ended_episode.get("codes", ()) \
                    and not recent[sentence_of[m.start]] and _ended_after(m.start, endings, sentence_of, sentences, doc):
                # "... on sunday but it went off": history, asked "right now?" (and a "no" answers it)
                status, ctx = Status.UNSURE, replace(ctx, historical=True)
            if status == Status.PRESENT and code in self.knowledge.ended_episode.get("codes", ()) \
                    and not recent[sentence_of[m.start]] and any(a > m.end for a in seen):
                status, ctx = Status.UNSURE, replace(ctx, historical=True)  # "... i got to the hospital and they did a ct": seen to, asked
            if status == Status.PRESENT and told_with("explained", code, m) and not recent[sentence_of[m.start]]:
                # "in a wheelchair and can't walk", "so weak after the marathon i could barely stand"
                if code not in self.knowledge.chronic_reads_as:
                    continue
                code = self.knowledge.chronic_reads_as[code]
            if status == Status.PRESENT and code in self.knowledge.chronic_is_possible and chronic \
                    and not recent[sentence_of[m.start]]:
                status = Status.UNSURE  # there for years, no sudden onset: "is this new?"
            if status == Status.PRESENT and code in self.knowledge.chronic_reads_as and chronic \
                    and not recent[sentence_of[m.start]]:
                # "can't walk" for years: not new; but "for months ... yesterday my legs gave way" is
                code = self.knowledge.chronic_reads_as[code]
            if status is None:
                if ctx.other and ctx.relative and not ctx.negated and m.code in self.knowledge.family_history_of:
                    family = self._finding(doc, m, "RK_FAMILY_HX", Status.PRESENT, ctx)
                continue
            if status == Status.PRESENT and (kind in (Kind.RISK_FACTOR, Kind.MODIFIER) or m.code in DIAGNOSIS_CODES) \
                    and asked_whether(m.start, doc, frames):
                status = Status.UNSURE
            finding = self._finding(doc, m, code, status, ctx)
            previous = by_code.get(code)
            # Within one message the later statement wins ("not vegan... well, mostly vegan"),
            # except that a hedge in the same sentence does not undo a plain statement
            # ("i drink most nights, probably a bottle of wine").
            if previous is not None and status == Status.UNSURE and previous.status != Status.UNSURE \
                    and sentence_of_code[code] == sentence_of[m.start]:
                continue
            # a vaguer word for it later ("... the sensation in my chest did seem stronger")
            # does not make a plain statement before it ("pressure on my chest") only possible
            if previous is not None and m.possible and previous.status == Status.PRESENT:
                continue
            # nor does the name of the diagnosis wondered about after the sign ("he could not move
            # the right side of his face. i doubted that he had a stroke")
            if previous is not None and previous.status == Status.PRESENT and status == Status.UNSURE \
                    and (ctx.named or self._only_a_name(doc, m)):
                continue
            # a red flag told is not taken back by a later denial in another sentence
            # ("suicide is something I contemplate ... I won't actually do it"): recall first
            if previous is not None and kind == Kind.RED_FLAG and previous.status == Status.PRESENT \
                    and status == Status.ABSENT and sentence_of_code[code] != sentence_of[m.start]:
                continue
            if previous is None or finding.start >= previous.start:
                by_code[code] = finding
                sentence_of_code[code] = sentence_of[m.start]
        # a sign of a red flag the person had before, told with no new onset ("five years on from my
        # stroke ... i can't hold anything in my left hand"), may be what it left: asked, "is this new?"
        # likewise another person's sign told of the red flag they had ("my dad's speech went slurry
        # when he had his stroke"): that episode, asked about, not their emergency now
        # (in the sign's own sentence: "dad had a stroke last year. now he can't lift his arm" is not)
        def their_episode(code: str) -> bool:
            lo, hi = sentences[sentence_of_code[code]]
            return any(code == c and rx.search(doc[lo:hi].text.lower()) for c, rx in self._their_past_names)

        for code in set(had_before) | {c for c, _ in self._their_past_names}:
            f = by_code.get(code)
            if f is not None and f.status == Status.PRESENT and "named" not in f.context \
                    and not recent[sentence_of_code[code]] \
                    and (code in had_before or "other" in f.context and their_episode(code)):
                by_code[code] = replace(f, status=Status.UNSURE)
        if family is not None and "RK_FAMILY_HX" not in by_code:
            by_code["RK_FAMILY_HX"] = family
        for f in list(by_code.values()):  # "i want to die" is low mood too
            for code in self.knowledge.implies.get(f.code, ()):
                if code not in by_code or by_code[code].status != Status.PRESENT and f.status == Status.PRESENT:
                    by_code[code] = Finding(code, self.knowledge.concept(code).kind, f.status, f.start, f.end, f.text, f.context)
        out.findings = sorted(by_code.values(), key=lambda f: f.start)
        out.age = age_of(norm)
        out.duration = duration
        out.duration_vague = duration_is_vague(lengths)
        out.progression = progression
        out.onset = onset
        out.side = side
        out.subject = subject
        out.subject_said = subject == "other" and self.subjects.said(doc)
        out.topics = self._rank_topics(doc)
        out.locale = locale_of(text)
        # "i feel completely fine, no symptoms" (not "i don't feel fine")
        out.no_symptoms = not out.codes(kind=Kind.SYMPTOM) and any(
            not any(t.lower_ in NEGATION_WORDS for t in doc[max(0, s - 2) : s]) for s, _e in self.wellness.find(doc).get("none", ()))
        return out

    def _without_risk_lengths(self, doc, matches) -> str:
        """The message with the stretches that tell only of a risk factor blanked out: a length
        told there is the risk factor's ("been on metformin 8 years", "vegan for a decade"), not
        how long the symptoms have lasted. Stretches end at a clause break, a comma or "and"."""
        kinds = {m.start: self.knowledge.concept(m.code).kind for m in matches}
        words = [t.text_with_ws for t in doc]
        lo = 0
        for k in range(len(doc) + 1):
            if k < len(doc) and doc[k].lower_ not in _STRETCH_ENDS and "\n" not in doc[k].text:
                continue
            found = {kind for pos, kind in kinds.items() if lo <= pos < k}
            if found & {Kind.RISK_FACTOR, Kind.MODIFIER} and not found - {Kind.RISK_FACTOR, Kind.MODIFIER}:
                for j in range(lo, k):
                    words[j] = " " * len(words[j])
            lo = k + 1
        return "".join(words)

    def _status(self, m: Match, ctx: Context, kind: Kind, subject: Optional[str]) -> Optional[Status]:
        if m.denial:
            return Status.ABSENT
        if ctx.negated:
            return Status.ABSENT
        if ctx.other and subject != "other" and m.code != "RK_FAMILY_HX":  # a relative's is the point of it
            # another person's condition in a message about the writer ("my dad had a
            # stroke"): not the writer's; a red flag is confirmed by a direct question
            return Status.UNSURE if kind == Kind.RED_FLAG else None
        if ctx.asked:
            return Status.UNSURE if kind == Kind.RED_FLAG else None
        if ctx.hypothetical and m.code not in self.knowledge.conditional_counts and m.code not in self.knowledge.asked_counts:
            # "what if it is a stroke?": a red flag is confirmed by a direct question
            return Status.UNSURE if kind == Kind.RED_FLAG else None
        if ctx.historical and m.code not in self._lasting:
            # "had a stroke in 2019": history, not a red flag now; any mention of a red
            # flag still gets the one direct question ("is it happening now?")
            return Status.UNSURE if kind == Kind.RED_FLAG else None
        if ctx.uncertain:
            # "i think i am having a heart attack": a red flag is acted on
            return Status.PRESENT if kind == Kind.RED_FLAG else Status.UNSURE
        return Status.PRESENT

    def _had_before(self, text: str) -> Set[str]:
        """Red flags the person names as had before: "i had a stroke in 2015", "five years on
        from my big stroke", "since my heart attack" (the names of knowledge diagnosis_names)."""
        return {code for code, rx in self._past_names if rx.search(text)}

    def _only_a_name(self, doc, m: Match) -> bool:
        """A red flag named only by its diagnosis, not said to be happening now."""
        words = " ".join(t.lower_ for t in doc[m.start : m.end])
        if words not in self._names:
            return False
        before = " ".join(t.lower_ for t in doc[max(0, m.start - 5) : m.start])
        return not any(f" {w} " in f" {before} " for w in self.knowledge.happening_now)

    def _finding(self, doc, m: Match, code: str, status: Status, ctx: Context) -> Finding:
        span = doc[m.start : m.end]
        return Finding(code, self.knowledge.concept(code).kind, status, span.start_char, span.end_char, span.text, ctx.names())

    def _rank_topics(self, doc) -> List[str]:
        scores: Dict[str, int] = {}
        for topic_id, spans in self.topic_patterns.find(doc).items():
            scores[topic_id] = sum(e - s for s, e in spans)
        return [t for t, _ in sorted(scores.items(), key=lambda x: -x[1])]


def _worse_by_the_day(found: Dict[str, List[Tuple[int, int]]], doc) -> bool:
    """A worsening word and a daily rate in one clause, either order ("worse every
    day", "getting higher by the day"): worse at a rate of days is rapid."""
    clause_of, _ = clause_spans(doc)
    rates = {clause_of[s] for s, _e in found.get("rate:per", ())}
    return any(clause_of[s] in rates and not (s > 0 and doc[s - 1].lower_ in {"not", "no", "never"})
               for s, _e in found.get("rate:worse", ()))


_STRETCH_ENDS = {".", "!", "?", ";", ",", "-", "and", "but", "however", "although", "though", "so", "because", "cos", "which"}


def _first(found: Dict[str, List[Tuple[int, int]]], doc, group: str, order) -> Optional[str]:
    for name in order:
        for s, _e in found.get(f"{group}:{name}", ()):
            # "not getting worse" reads as stable, not as worse
            if name != "stable" and s > 0 and doc[s - 1].lower_ in {"not", "no", "never"}:
                continue
            return name
    return None


_ANAPHORA = {"it", "that", "this", "they", "which", "then", "but", "and"}


def _ended_after(start: int, endings: List[int], sentence_of, sentences, doc) -> bool:
    """An ending told after the finding in its sentence, or in the next sentence when that
    one starts by pointing back at it ("my arm went numb. it passed after ten minutes")."""
    k = sentence_of[start]
    for a in endings:
        if sentence_of[a] == k and a > start:
            return True
        if sentence_of[a] == k + 1 and k + 1 < len(sentences) and doc[sentences[k + 1][0]].lower_ in _ANAPHORA:
            return True
    return False


@lru_cache(maxsize=1)
def default_reader() -> Reader:
    return Reader()
