"""Step 2 of the reader: spelling. British and variant spellings are folded to
one form (knowledge.yml `spelling`), typos of the clinical vocabulary are
repaired and words run together are split; common English words are left
alone ("though" is no typo of "thought").

Distances are rapidfuzz's optimal string alignment (a swap of two letters is
one edit), which replaced a hand-written Damerau-Levenshtein: the same
answers, a C implementation. What counts as the vocabulary comes from the
knowledge file: every word of every phrase, combo and word class.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Dict, List, Optional, Set, Tuple

from rapidfuzz.distance import OSA

from knowledge import Knowledge
from reader.normalise import normalise

@lru_cache(maxsize=1)
def _common_words() -> frozenset:
    """Common English words (spaCy's stop words and the frequent words of
    spacy-lookups-data), which typo correction must leave alone ("though" is
    not a typo of "thought", nor "paris" of "parts")."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = set(STOP_WORDS)
    try:
        import gzip
        import json
        import os

        import spacy_lookups_data

        path = os.path.join(os.path.dirname(spacy_lookups_data.__file__), "data", "en_lexeme_prob.json.gz")
        with gzip.open(path, "rt", encoding="utf8") as fh:
            probs = json.load(fh)
        words.update(w for w, p in probs.items() if p > _COMMON_WORD_LOGPROB and w.isalpha())
    except Exception:  # the table is optional: without it only the lemma table guards
        pass
    return frozenset(words)


_COMMON_WORD_LOGPROB = -15.0  # log-probability above which a word counts as common English

_SHORT_ENGLISH = {"i", "a", "an", "am", "is", "my", "me", "no", "not", "and", "or", "the", "of", "in", "on", "at", "to", "it", "be", "do", "so", "up", "he", "she", "we", "you", "get", "got", "has", "had", "was", "for", "but", "yes", "nah", "yep", "ok", "hi", "bye", "b12", "mum", "dad", "leg", "toe", "arm", "eye", "day", "how", "why", "who", "can", "our", "its"}


# short clinical words a four-letter typo may be corrected to (longer clinical
# words come from knowledge.yml); real English words are never changed
_SHORT_CLINICAL = frozenset({
    "pain", "numb", "legs", "feet", "foot", "toes", "calf", "heel", "sole", "gait", "sore", "weak",
    "dizzy", "arms", "hand", "hands", "knee", "lips", "face", "ache", "achy", "burn", "cold", "pale",
    "fire", "fog", "gas", "vegan", "based", "jabs", "meds", "hurt", "limb", "skin", "chest", "blue",
    # the functions a red flag is told by ("cant lfit my arm", "cnat wlak")
    "lift", "move", "walk", "grip", "hold", "talk", "side",
    "eyes", "tired", "tingle", "heart", "brain", "spine", "back",
})


_PAIN_WORDS = {"pain", "pains", "spur", "spurs", "hurts", "ache", "aches", "problems", "issues", "related"}
_POSSESSIVES = {"my", "his", "her", "their", "your", "our", "both", "the"}
_BODY_PARTS = {"feet", "foot", "toes", "toe", "hands", "hand", "fingers", "finger", "legs", "leg", "arms", "arm", "lips", "face", "skin"}
# Real words typed for another word ("my feat", "hart pounding", "wont heel"):
# word -> (replacement, words before that signal it, words after that signal it).
_REAL_WORD_ERRORS: Dict[str, Tuple[str, Set[str], Set[str]]] = {
    "feat": ("feet", _POSSESSIVES | {"cold", "sore", "bare", "swollen", "numb", "burning", "tingly", "painful", "hot", "freezing"},
             {"are", "feel", "feels", "burn", "burning", "tingle", "tingling", "hurt", "hurting", "ache", "aching"}),
    "hart": ("heart", _POSSESSIVES | {"racing", "pounding", "fast"},
             {"racing", "pounding", "beating", "beat", "beats", "rate", "flutters", "fluttering", "skips", "skipping", "palpitations", "thumping"}),
    "heal": ("heel", _POSSESSIVES - {"the"} | {"left", "right", "sore", "painful", "cracked"},
             {"pain", "pains", "hurts", "hurting", "ache", "aches", "spur", "spurs"}),
    "heals": ("heels", _POSSESSIVES - {"the"} | {"sore", "painful", "cracked"},
              {"hurt", "hurting", "ache", "aching", "burn", "burning", "are"}),
    "heel": ("heal", {"not", "never"}, set()),  # "won't heel", not "not heel pain" (see below)
    "tinge": ("tingle", _BODY_PARTS, set()),
    "tinges": ("tingles", _BODY_PARTS, set()),
    "pail": ("pale", {"look", "looks", "looking", "looked", "so", "very", "really", "gone", "went", "turned", "feel"}, set()),
    "bowl": ("bowel", {"small", "large", "irritable", "lazy"},
             {"removed", "cancer", "surgery", "disease", "problems", "resection", "control", "movements", "habits"}),
    "bowls": ("bowels", {"small", "large"}, {"removed", "control", "movements", "habits", "opened"}),
    "diary": ("dairy", {"or", "no", "eat", "eats", "nor"}, {"free", "products", "produce"}),
    # a side typed as it sounds: "my rite arm", "on the rite side"
    "rite": ("right", _POSSESSIVES | {"on", "to", "left", "and"}, _BODY_PARTS | {"side", "eye", "shoulder", "knee", "ear", "cheek"}),
}


def _fix_real_word_errors(words: List[str]) -> None:
    """Replace, in place, a real word typed for a clinical one when a neighbour shows it."""
    for k, w in enumerate(words):
        rule = _REAL_WORD_ERRORS.get(w)
        if rule is None:
            continue
        replacement, before, after = rule
        prev = words[k - 1] if k else ""
        nxt = words[k + 1] if k + 1 < len(words) else ""
        if nxt == "of" or (w == "heel" and nxt in _PAIN_WORDS):  # "a feat of", "my bowl of cereal", "not heel pain"
            continue
        if prev in before or nxt in after:
            words[k] = replacement


def _undouble(word: str, vocabulary) -> Optional[str]:
    """The word with one doubled letter made single, if that is in the vocabulary."""
    for k in range(1, len(word)):
        if word[k] == word[k - 1]:
            single = word[:k] + word[k + 1:]
            if single in vocabulary:
                return single
    return None


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n




class Speller:
    """Folds spellings and repairs typos of the clinical vocabulary, word by word."""

    def __init__(self, knowledge: Knowledge, lemma_table) -> None:
        self.knowledge = knowledge
        self._lemma_table = lemma_table
        self._lemma_values: Set[str] = set(lemma_table.values())
        self.clinical_words = self._clinical_vocabulary()
        # every word the knowledge itself uses, however short, is spelled right ("ashy", "palp")
        self._knowledge_words = frozenset(
            w for c in knowledge.concepts.values()
            for p in list(c.phrases) + [a for combo in c.combos for g in combo for a in g]
            for w in normalise(p).split() if w.isalpha())
        self._stems = self._clinical_stems()
        self._corrections: Dict[str, str] = {}
        self._real_words = self._real_word_set()
        self._short_words = sorted(_SHORT_CLINICAL)
        self._glued = self._glued_phrases()
        self._long_spellings = [(k, v) for k, v in knowledge.spelling.items() if len(k) >= 6 and k.isalpha()]
        _common_words()  # load once now rather than on the first message

    def fix_words(self, words: List[str]) -> List[str]:
        """Every word corrected, then real words typed for a clinical one ("my feat")."""
        out = [self.correct(w) for w in words]
        _fix_real_word_errors(out)
        return out

    def _clinical_vocabulary(self) -> Set[str]:
        words: Set[str] = set()

        def add(phrase: str) -> None:
            for w in normalise(phrase).split():
                if not w.endswith("*") and w.isalpha() and len(w) >= 5:
                    words.add(w)

        for c in self.knowledge.concepts.values():
            for p in c.phrases:  # not the exclusions: never "correct" a typo into one
                add(p)
            for combo in c.combos:
                for group in combo:
                    for alt in group:
                        add(alt)
        for t in self.knowledge.topics:
            for k in t.keywords:
                add(k)
        for members in self.knowledge.word_classes.values():
            for w in members:
                add(w)
        words.update(self.knowledge.spelling.values())
        for person in self.knowledge.relations:  # "bestie" is no typo of a clinical word
            add(person)
        # the English words a prefix pattern stands for ("dizz*": dizziness, dizzy...)
        from reader.concepts import words_starting

        expanded: Set[str] = set()
        for stem in {w[:-1] for c in self.knowledge.concepts.values()
                     for p in list(c.phrases) + [a for combo in c.combos for g in combo for a in g]
                     for w in normalise(p).split() if w.endswith("*") and len(w) >= 5}:
            expanded.update(w for w in words_starting(stem) if len(w) >= 5)
        self._expanded = frozenset(expanded - words)  # mended to only from one edit away
        return words | expanded

    def _clinical_stems(self) -> List[str]:
        """The stems of prefix patterns ("lansoprazol*"), to correct typos of their words."""
        stems: Set[str] = set()
        for c in self.knowledge.concepts.values():
            alts = list(c.phrases) + [alt for combo in c.combos for group in combo for alt in group]
            for p in alts:
                for w in normalise(p).split():
                    if w.endswith("*") and len(w) >= 6 and w[:-1].isalpha():
                        stems.add(w[:-1])
        return sorted(stems)

    def _real_word_set(self) -> frozenset:
        """Words of the lemma tables and stop words: real English, unlike the
        frequent misspellings ("controll", "tounge") the word-frequency table has."""
        from spacy.lang.en.stop_words import STOP_WORDS

        return frozenset(self._lemma_table.keys()) | self._lemma_values | frozenset(STOP_WORDS)

    def _glued_phrases(self) -> Dict[str, str]:
        """Multi-word phrases written without spaces: "pinsandneedles", "brainfog"."""
        glued: Dict[str, str] = {}
        for c in self.knowledge.concepts.values():
            alts = list(c.phrases) + [alt for combo in c.combos for group in combo for alt in group]
            for p in alts:
                words = normalise(p).split()
                if not 2 <= len(words) <= 4 or not all(w.isalpha() for w in words):
                    continue
                forms = {"".join(words)}
                if "and" in words[1:-1]:
                    forms.add("".join("n" if w == "and" else w for w in words))
                for form in forms:
                    stemmed = any(form.startswith(stem) for stem in self._stems)  # "prediabet*" matches it
                    if len(form) >= 7 and not stemmed and form not in self._lemma_table and form not in _common_words():
                        glued.setdefault(form, " ".join(words))
        return glued

    def is_known_word(self, word: str) -> bool:
        return (
            word in self._lemma_table
            or word in self._lemma_values
            or word in self.clinical_words
            or word in self._knowledge_words
            or word in _common_words()
        )

    def correct(self, word: str) -> str:
        """Fold spelling variants and fix a typo of a clinical word."""
        hit = self._corrections.get(word)
        if hit is None:
            hit = self._correct(word)
            hit = self.knowledge.spelling.get(hit, hit)  # "aneamic" -> "anaemic" -> "anemic"
            if len(self._corrections) < 50000:
                self._corrections[word] = hit
        return hit

    def _correct(self, word: str) -> str:
        if word in self.knowledge.spelling:
            return self.knowledge.spelling[word]
        for variant, canonical in self._long_spellings:
            if word.startswith(variant):
                return canonical + word[len(variant):]
        if not word.isalpha() or len(word) < 4:
            return word
        if word in self._glued:
            return self._glued[word]
        if self.is_known_word(word):
            # a frequent misspelling that is no English word: only a doubled
            # letter too many is repaired ("controll" -> "control")
            if word not in self._real_words and word not in self.clinical_words:
                single = _undouble(word, self.clinical_words)
                if single:
                    return single
            return word
        if len(word) == 4:
            return self._correct_short(word)
        # a pattern "hypothyroid*" already matches it; only a word sharing the
        # stem may replace it ("breathles" -> "breathless")
        stems = [stem for stem in self._stems if word.startswith(stem)]
        if word in stems:
            return word
        limit = 1 if len(word) < 8 else 2
        best, best_key = word, (3, 0, 0, "")
        for candidate in self.clinical_words.union(self._short_words) if len(word) == 5 else self.clinical_words:
            if abs(len(candidate) - len(word)) > 2 or candidate[0] != word[0]:
                continue
            if stems and not any(candidate.startswith(stem) for stem in stems):
                continue
            d = OSA.distance(word, candidate, score_cutoff=min(best_key[0], 2) + 1)
            if d > 1 and candidate in self._expanded:
                continue
            if d > limit and not (d == 2 and len(candidate) == len(word) + 2 and _is_subsequence(word, candidate)):
                continue  # two dropped letters are still a typo: "numess" -> "numbness"
            # ties go to a transposition ("tingel": "tingle", not "tinge"), the longer
            # shared beginning, then alphabetically (deterministic)
            key = (d, sorted(candidate) != sorted(word), -_common_prefix(word, candidate), candidate)
            if key < best_key:
                best, best_key = candidate, key
        if best_key[0] <= 2:
            return best
        if stems:
            return word
        # a typo inside the stem of a prefix pattern: "lanzoprazole" -> "lansoprazole"
        for stem in self._stems:
            if stem[0] != word[0] or word.startswith(stem) or len(word) < len(stem) - 1:
                continue
            limit = 1 if len(stem) < 8 else 2
            for cut in (len(stem), len(stem) - 1, len(stem) + 1):
                if cut > len(word):
                    continue
                if OSA.distance(word[:cut], stem, score_cutoff=limit + 1) <= limit:
                    return stem + word[cut:]
        return self._split_glued(word)

    def _correct_short(self, word: str) -> str:
        """A four-letter typo of a short clinical word, one edit away ("pian",
        "nmub", "legz", "weka", "dizy"); the first letter must agree unless the
        first two are swapped."""
        best, best_key = word, (2, 0, 0, "")
        for candidate in self._short_words:
            if abs(len(candidate) - len(word)) > 1:
                continue
            if candidate[0] != word[0] and word[:2] != candidate[1::-1]:
                continue
            d = OSA.distance(word, candidate, score_cutoff=2)
            key = (d, sorted(candidate) != sorted(word), -_common_prefix(word, candidate), candidate)
            if key < best_key:
                best, best_key = candidate, key
        return best

    def _split_glued(self, word: str) -> str:
        """Two words run together, one of them a short clinical word: "numbfeet"
        -> "numb feet" (but not "bloodshot", "prediabetic", "chickenpox")."""
        if len(word) < 7:
            return word
        best, best_score = word, 0
        for k in range(3, len(word) - 2):
            left, right = word[:k], word[k:]
            if not ((left in _SHORT_CLINICAL and len(left) >= 4 and right in self._real_words)
                    or (right in _SHORT_CLINICAL and len(right) >= 4 and left in self._real_words)):
                continue
            score = min(len(left), len(right))
            if score > best_score:
                best, best_score = f"{left} {right}", score
        return best

