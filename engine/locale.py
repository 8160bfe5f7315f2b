"""Emergency, urgent-care and crisis contacts by locale (clinical-reference section 2).

The default comes from the environment (``B12_LOCALE``, default ``uk``); a
conversation can carry its own (the web widget sends it as metadata).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional


@dataclass(frozen=True)
class Contacts:
    code: str
    emergency_number: str
    emergency_department: str
    urgent_care: str
    crisis_line: str
    gp: str = "your GP practice"


LOCALES: Dict[str, Contacts] = {
    "uk": Contacts(
        code="uk",
        emergency_number="999",
        emergency_department="A&E",
        urgent_care="NHS 111 (call 111 or use 111.nhs.uk)",
        crisis_line="Samaritans on 116 123 (free, day or night), or NHS 111 and choose the mental health option",
    ),
    "eu": Contacts(
        code="eu",
        emergency_number="112",
        emergency_department="the emergency department",
        urgent_care="your doctor's same-day service or the local out-of-hours medical service",
        crisis_line="a crisis line such as 116 123 where it is available, or 112",
        gp="your doctor's practice",
    ),
    "us": Contacts(
        code="us",
        emergency_number="911",
        emergency_department="the emergency room",
        urgent_care="your doctor's same-day line or an urgent care clinic",
        crisis_line="the 988 Suicide & Crisis Lifeline (call or text 988)",
        gp="your primary care doctor",
    ),
}


def default_locale() -> str:
    import settings  # the deployment's default; validated when the process starts

    return settings.get().b12_locale


def contacts(code: Optional[str] = None) -> Contacts:
    return LOCALES.get((code or "").lower()) or LOCALES[default_locale()]
