"""The concept matcher's speed-ups change no match: pattern factoring and the gated
matchers give exactly what one plain spaCy ``Matcher`` gives, on random patterns and
texts and on the real knowledge file's patterns over the real-language corpus."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from spacy.matcher import Matcher

from reader.concepts import GatedMatcher, factor_patterns

ROOT = Path(__file__).resolve().parents[2]
WORDS = ["my", "feet", "foot", "legs", "can", "could", "not", "n't", "walk", "stand", "tingle", "tingling",
         "numb", "i", "the", "since", "today", "meat", "fish", "eggs", "far", "long", "arm", "went", "dead"]


def _spec(rng):
    r = rng.random()
    if r < 0.15:
        return {"LIKE_NUM": True}
    if r < 0.5:
        return {"LOWER": rng.choice(WORDS)}
    return {"LOWER": {"IN": rng.sample(WORDS, rng.randint(2, 5))}}


def _random_patterns(rng, n):
    return [[_spec(rng) for _ in range(rng.randint(1, 4))] for _ in range(n)]


def _texts(rng, n):
    return [" ".join(rng.choice(WORDS + ["3", "ten", "and", "."]) for _ in range(rng.randint(3, 30))) for _ in range(n)]


@pytest.fixture(scope="module")
def nlp():
    import spacy

    return spacy.blank("en")


@pytest.mark.parametrize("seed", range(12))
def test_factored_and_gated_patterns_match_what_a_plain_matcher_matches(nlp, seed):
    rng = random.Random(seed)
    keyed = {f"K{k}": _random_patterns(rng, rng.randint(1, 25)) for k in range(6)}
    plain, factored, gated = Matcher(nlp.vocab), Matcher(nlp.vocab), GatedMatcher(nlp.vocab)
    for key, pats in keyed.items():
        plain.add(key, pats)
        factored.add(key, factor_patterns(pats))
        gated.add(key, factor_patterns(pats))
    for text in _texts(rng, 40):
        doc = nlp(text)
        want = sorted(set(plain(doc)))
        assert sorted(set(factored(doc))) == want
        assert sorted(set(gated(doc))) == want
        # a key filter keeps just those keys' matches
        k1 = nlp.vocab.strings["K1"]
        assert sorted(set(gated(doc, keys={"K1"}.__contains__))) == [m for m in want if m[0] == k1]


def test_factoring_merges_patterns_that_differ_in_one_word():
    pats = [[{"LOWER": "can't"}, {"LOWER": "stand"}, {"LOWER": w}] for w in ("meat", "fish", "eggs")]
    assert factor_patterns(pats) == [[{"LOWER": "can't"}, {"LOWER": "stand"}, {"LOWER": {"IN": ["eggs", "fish", "meat"]}}]]
    # a number or any other token spec is kept as it is, and blocks no other merge
    pats = [[{"LIKE_NUM": True}, {"LOWER": "days"}], [{"LIKE_NUM": True}, {"LOWER": "weeks"}]]
    assert factor_patterns(pats) == [[{"LIKE_NUM": True}, {"LOWER": {"IN": ["days", "weeks"]}}]]


def test_the_readers_matcher_finds_what_one_plain_matcher_finds_on_real_messages():
    """The knowledge file's own patterns, as the reader holds them, over real people's words."""
    from reader import default_reader

    reader = default_reader()
    concepts = reader.concepts
    gated = concepts.matcher
    plain = Matcher(reader.nlp.vocab)
    for entries in (gated._always, gated._gated):
        for key, m in entries:
            for kid in m._patterns:
                plain.add(reader.nlp.vocab.strings[kid], m.get(kid)[1])
    lines = (ROOT / "tests" / "real" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines[:150]:
        doc = reader.doc(json.loads(line)["text"])
        assert sorted(set(gated(doc))) == sorted(set(plain(doc)))
