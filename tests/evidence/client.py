"""Talk to the assistant over REST and read its public slots, as a client would."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional

PUBLIC_SLOTS = ("symptoms", "risk_factors", "red_flags", "triage_level")


@dataclass
class Assistant:
    base: str
    token: Optional[str] = None

    def say(self, sender: str, text: str) -> List[dict]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        for attempt in range(6):
            req = urllib.request.Request(
                f"{self.base}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
            )
            try:
                return json.loads(urllib.request.urlopen(req, timeout=60).read())
            except urllib.error.HTTPError as e:
                if e.code in (429, 503) and attempt < 5:  # rate limit or "try again": wait like a person would
                    time.sleep(float(e.headers.get("Retry-After") or 1))
                    continue
                raise
        raise RuntimeError("unreachable")

    def slots(self, sender: str) -> dict:
        url = f"{self.base}/conversations/{urllib.parse.quote(sender, safe='')}/tracker"
        headers = {}
        if self.token:
            url += f"?token={self.token}"
            headers["Authorization"] = f"Bearer {self.token}"
        tracker = json.loads(urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30).read())
        slots = tracker.get("slots") or {}
        return {k: slots.get(k) for k in PUBLIC_SLOTS}


def summary_level(messages: List[dict]) -> Optional[str]:
    """The level of the result card (the public `triage_summary` payload), if this turn gave one."""
    for m in messages:
        custom = m.get("custom") or {}
        if isinstance(custom, dict) and custom.get("type") == "triage_summary":
            return custom.get("level")
    return None


def asks_something(messages: List[dict]) -> bool:
    return any(m.get("buttons") or "?" in (m.get("text") or "") for m in messages)


def new_sender(prefix: str) -> str:
    return f"ev-{prefix}-{uuid.uuid4().hex[:10]}"


@contextmanager
def assistant(base: Optional[str] = None, token: Optional[str] = None) -> Iterator[Assistant]:
    """The running assistant at `base`, or a fresh pair of servers of our own."""
    if base:
        yield Assistant(base.rstrip("/"), token)
        return
    import tempfile

    from tests.integration.servers import Servers

    with tempfile.TemporaryDirectory() as tmp:
        s = Servers(Path(tmp))
        try:
            s.start_actions()
            s.start_rasa()
            yield Assistant(s.base, s.token)
        finally:
            s.stop()


def texts(messages: List[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)
