"""Dev and test splits of the blind sets, decided by a hash and never by hand.

The real-language corpus is split by **source** (the page a message came from),
so no page has messages on both sides; patients and red-team conversations by
id. Tune on dev; report test; never read test failures to add phrases.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Dict, List
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
REAL_DIR = ROOT / "tests" / "real"
PATIENTS_DIR = ROOT / "tests" / "blind" / "patients"
REDTEAM_DIR = ROOT / "tests" / "redteam"
SPLITS = ("dev", "test")


def source_key(url: str) -> str:
    """A page's identity: host and path, without scheme, query, fragment or trailing slash."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}".lower()


def split_of(key: str) -> str:
    """dev or test, about half each, stable across runs and machines."""
    return SPLITS[int(hashlib.sha256(key.encode()).hexdigest(), 16) % 2]


def load_real(split: str) -> List[dict]:
    path = REAL_DIR / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_patients(split: str) -> List[dict]:
    return yaml.safe_load((PATIENTS_DIR / f"{split}.yml").read_text(encoding="utf-8"))["patients"]


def load_redteam(split: str) -> List[dict]:
    return yaml.safe_load((REDTEAM_DIR / f"{split}.yml").read_text(encoding="utf-8"))["conversations"]


def by_split_real(items: List[dict]) -> Dict[str, List[dict]]:
    out: Dict[str, List[dict]] = {s: [] for s in SPLITS}
    for item in items:
        out[split_of(source_key(item["source"]))].append(item)
    return out


def by_split_id(items: List[dict]) -> Dict[str, List[dict]]:
    out: Dict[str, List[dict]] = {s: [] for s in SPLITS}
    for item in items:
        out[split_of(item["id"])].append(item)
    return out
