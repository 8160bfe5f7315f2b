"""Build and load the project's spaCy pipeline.

No English spaCy model for spaCy 3.4 can be installed here (see
shared/rasa-notes.md), so the pipeline is built locally: a blank English
tokenizer, a lookup lemmatizer (tables from ``spacy-lookups-data``) and a
sentencizer. Rasa's ``SpacyNLP`` loads it from ``build/spacy-en-b12`` and the
clinical extractor uses the same pipeline.
"""
from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PIPELINE_PATH = REPO_ROOT / "build" / "spacy-en-b12"


def build_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.add_pipe("sentencizer")
    nlp.initialize()
    return nlp


def save_pipeline(path: Path = DEFAULT_PIPELINE_PATH) -> Path:
    nlp = build_pipeline()
    path.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(path)
    return path


@lru_cache(maxsize=4)
def load_pipeline(path: str = str(DEFAULT_PIPELINE_PATH)) -> Language:
    """Load the saved pipeline, building it first if it is missing."""
    if not Path(path).exists():
        save_pipeline(Path(path))
    return spacy.load(path)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PIPELINE_PATH
    print(f"spaCy pipeline written to {save_pipeline(target)}")
