import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

import pytest  # noqa: E402

import settings  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_settings():
    """Settings are read once per process; a test that changes the environment gets them re-read."""
    settings.reload()
    yield
    settings.reload()
