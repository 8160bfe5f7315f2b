"""What the assistant knows about the person, and the queries the rules ask.

``Facts`` is plain data: the status of each code (present / absent / unsure),
the modifiers collected alongside symptoms, age and who the person is asking
for. It round-trips through a JSON dict so it can live in a Rasa slot.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Dict, List, Optional

from knowledge import Kind, Knowledge, Level, Status, load_knowledge  # noqa: F401 (Status re-exported)

OLDER_AGE = 65
ADULT_AGE = 16
UNKNOWN = "unknown"  # an answer of "I don't know" to a modifier question


@dataclass
class Facts:
    status: Dict[str, Status] = field(default_factory=dict)
    age: Optional[int] = None
    age_band: Optional[str] = None  # under_16 | adult | older, when only a band was given
    duration: Optional[str] = None  # days | weeks | months | years | unknown
    progression: Optional[str] = None  # rapid | slow | stable | unknown
    onset: Optional[str] = None  # sudden | gradual
    side: Optional[str] = None  # one | both
    subject: str = "self"  # self | other

    # ------------------------------------------------------------ updates
    def set(self, code: str, status: Status) -> bool:
        """Record a status; returns True when it changed."""
        if self.status.get(code) == status:
            return False
        self.status[code] = status
        if code == "RK_AGE_OLDER" and status == Status.PRESENT and self.age_band is None and self.age is None:
            self.age_band = "older"
        return True

    def set_age(self, age: int) -> None:
        self.age = age
        self.age_band = "under_16" if age < ADULT_AGE else ("older" if age >= OLDER_AGE else "adult")
        self.status["RK_AGE_OLDER"] = Status.PRESENT if age >= OLDER_AGE else Status.ABSENT

    def set_age_band(self, band: str) -> None:
        self.age_band = band
        if band == "under_16":
            self.status["RK_AGE_OLDER"] = Status.ABSENT
        elif band == "older":
            self.status["RK_AGE_OLDER"] = Status.PRESENT
        elif band == "adult":
            self.status["RK_AGE_OLDER"] = Status.ABSENT

    # ------------------------------------------------------------ queries
    def has(self, code: str) -> bool:
        return self.status.get(code) == Status.PRESENT

    def known(self, code: str) -> bool:
        return code in self.status

    def codes(self, kind: Kind, status: Status = Status.PRESENT, knowledge: Optional[Knowledge] = None) -> List[str]:
        kb = knowledge or load_knowledge()
        return [c for c in kb.codes(kind) if self.status.get(c) == status]

    def symptoms(self) -> List[str]:
        return self.codes(Kind.SYMPTOM)

    def neuro_symptoms(self) -> List[str]:
        kb = load_knowledge()
        return [c for c in self.symptoms() if kb.concept(c).neuro]

    def risk_factors(self) -> List[str]:
        """RK_ codes present: what NICE calls risk factors (modifiers excluded)."""
        return self.codes(Kind.RISK_FACTOR)

    def modifiers(self) -> List[str]:
        return self.codes(Kind.MODIFIER)

    def red_flag_findings(self) -> List[str]:
        return self.codes(Kind.RED_FLAG)

    def red_flags(self) -> List[str]:
        """Red flags present, counting only those whose conditions are met."""
        kb = load_knowledge()
        return [
            c for c in self.red_flag_findings() if all(self.has(r) for r in kb.concept(c).requires)
        ]

    def red_flag_level(self, code: str) -> Level:
        """Level of a present red flag, with the escalations of section 5."""
        level = load_knowledge().concept(code).level or Level.URGENT
        # reference section 5: an emergency when they newly cannot stand or walk, or when it
        # came on within a day (a sudden onset: "since this morning", "overnight")
        if code == "RF_RAPID_WEAKNESS" and (self.has("QL_SEVERE_WEAKNESS") or self.onset == "sudden"):
            return Level.EMERGENCY
        if code == "RF_SUICIDAL" and self.has("QL_SELF_HARM_ACTED"):
            return Level.EMERGENCY
        if code == "RF_DIABETIC_FOOT" and self.has("QL_FEVER_UNWELL"):
            return Level.EMERGENCY
        return level

    def under_16(self) -> bool:
        if self.age is not None:
            return self.age < ADULT_AGE
        return self.age_band == "under_16"

    def rapidly_worsening(self) -> bool:
        return self.progression == "rapid" or self.has("RF_RAPID_WEAKNESS")

    def worsening(self) -> bool:
        return self.progression in ("rapid", "slow")

    def recent(self) -> bool:
        return self.duration in ("days", "weeks") or self.onset == "sudden"

    def new_confusion(self) -> bool:
        return self.has("QL_CONFUSION_NEW") and self.recent()

    def unsure_codes(self) -> List[str]:
        kb = load_knowledge()
        return [c for c, s in self.status.items() if s == Status.UNSURE and kb.concept(c).kind != Kind.QUALIFIER]

    def copy(self) -> "Facts":
        return replace(self, status=dict(self.status))

    # -------------------------------------------------------- persistence
    def to_dict(self) -> dict:
        return {
            "status": {c: s.value for c, s in self.status.items()},
            "age": self.age,
            "age_band": self.age_band,
            "duration": self.duration,
            "progression": self.progression,
            "onset": self.onset,
            "side": self.side,
            "subject": self.subject,
        }

    @classmethod
    def from_dict(cls, data: Optional[dict]) -> "Facts":
        data = data or {}
        kb = load_knowledge()
        return cls(
            status={
                c: Status(s) for c, s in (data.get("status") or {}).items() if c in kb.concepts
            },
            age=data.get("age"),
            age_band=data.get("age_band"),
            duration=data.get("duration"),
            progression=data.get("progression"),
            onset=data.get("onset"),
            side=data.get("side"),
            subject=data.get("subject") or "self",
        )
