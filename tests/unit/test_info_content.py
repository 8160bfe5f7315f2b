"""Checks on the information answers in knowledge/info.yml.

The answers are clinical content a clinician reviews; these tests guard the
structure the actions rely on, the wording rules of the clinical reference
(section 7: no diagnosis, no doses, no stopping medicines, no reassurance),
and that nothing was pasted from the seed articles.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
INFO_PATH = REPO_ROOT / "knowledge" / "info.yml"
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"

REQUIRED_IDS = {
    "what_is_b12",
    "foods",
    "symptoms",
    "causes",
    "tests",
    "treatments",
    "injections_vs_tablets",
    "methyl_vs_cyano",
    "b_complex",
    "heel_pain",
    "cramps",
    "legs",
    "recovery_time",
    "nerve_damage",
    "podiatrist",
    "nitrous_oxide",
    "metformin_and_acid_medicines",
    "supplements_and_tests",
    "pregnancy",
    "about_assistant",
}

MAX_ANSWER_CHARS = 900
MIN_KEYWORDS, MAX_KEYWORDS = 8, 25
SHARED_RUN_LIMIT = 7  # this many consecutive words shared with a seed = copying

FORBIDDEN_PATTERNS = [
    r"\b\d+\s*(mg|mcg|µg|micrograms?|milligrams?|iu)\b",
    r"you (have|don'?t have|do not have) (a )?(vitamin )?b12 deficiency",
    r"you are (not )?deficient",
    r"nothing to worry about",
    r"not serious",
    r"stop taking",
    r"(once|twice|three times) (a|per) (day|week|month)",
    r"\bdaily dose\b",
]

# Every answer should point to the person who decides what fits.
CLINICIAN_WORDS = re.compile(
    r"\b(gp|clinician|clinicians|doctor|pharmacist|midwife|prescriber|"
    r"health professional|emergency)\b",
    re.IGNORECASE,
)


def _topics() -> list[dict[str, Any]]:
    data = yaml.safe_load(INFO_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("topics"), list)
    return data["topics"]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _runs(words: list[str], n: int = SHARED_RUN_LIMIT) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


TOPICS = _topics()
TOPIC_IDS = [str(t.get("id")) for t in TOPICS]


def test_info_file_loads_with_unique_ids_covering_every_required_topic() -> None:
    assert len(TOPIC_IDS) == len(set(TOPIC_IDS)), "duplicate topic ids"
    missing = REQUIRED_IDS - set(TOPIC_IDS)
    assert not missing, f"missing topics: {sorted(missing)}"
    for topic_id in TOPIC_IDS:
        assert re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", topic_id), topic_id


@pytest.mark.parametrize("topic", TOPICS, ids=TOPIC_IDS)
def test_each_topic_has_title_lowercase_keywords_and_short_answer(
    topic: dict[str, Any],
) -> None:
    assert isinstance(topic.get("title"), str) and topic["title"].strip()

    keywords = topic.get("keywords")
    assert isinstance(keywords, list) and keywords
    assert MIN_KEYWORDS <= len(keywords) <= MAX_KEYWORDS, len(keywords)
    for keyword in keywords:
        assert isinstance(keyword, str) and keyword.strip(), keyword
        assert keyword == keyword.lower(), f"keyword not lowercase: {keyword!r}"
    assert len(keywords) == len(set(keywords)), "duplicate keywords"

    answer = topic.get("answer")
    assert isinstance(answer, str) and answer.strip()
    assert len(answer) < MAX_ANSWER_CHARS, f"{len(answer)} chars"


@pytest.mark.parametrize("topic", TOPICS, ids=TOPIC_IDS)
def test_answers_have_no_markdown_headers(topic: dict[str, Any]) -> None:
    for line in topic["answer"].splitlines():
        assert not line.lstrip().startswith("#"), line


@pytest.mark.parametrize("topic", TOPICS, ids=TOPIC_IDS)
def test_answers_point_to_a_clinician_who_decides(topic: dict[str, Any]) -> None:
    assert CLINICIAN_WORDS.search(topic["answer"]), topic["id"]


@pytest.mark.parametrize("pattern", FORBIDDEN_PATTERNS)
def test_no_answer_uses_forbidden_wording(pattern: str) -> None:
    offenders = [
        (t["id"], m.group(0))
        for t in TOPICS
        for m in [re.search(pattern, t["answer"], re.IGNORECASE)]
        if m
    ]
    assert not offenders, offenders


def test_no_answer_shares_a_seven_word_run_with_any_seed() -> None:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed folder not found: {SEEDS_DIR}")
    seed_files = sorted(p for p in SEEDS_DIR.iterdir() if p.is_file())
    if not seed_files:
        pytest.skip(f"no seed files in {SEEDS_DIR}")

    seed_runs: set[tuple[str, ...]] = set()
    for path in seed_files:
        seed_runs |= _runs(_words(path.read_text(encoding="utf-8", errors="ignore")))

    copied = {
        t["id"]: sorted(" ".join(run) for run in _runs(_words(t["answer"])) & seed_runs)
        for t in TOPICS
    }
    copied = {topic_id: runs for topic_id, runs in copied.items() if runs}
    assert not copied, f"runs copied from seeds: {copied}"
