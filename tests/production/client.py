"""A small HTTP client for the production tests: status, headers and body, never raising on 4xx/5xx."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, Optional

import jwt


@dataclass
class Answer:
    status: int
    headers: Dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def call(
    method: str, url: str, body: Any = None, headers: Optional[Dict[str, str]] = None, raw: Optional[bytes] = None, timeout: float = 60
) -> Answer:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    h = {"Content-Type": "application/json"} if data is not None else {}
    h.update(headers or {})
    req = urllib.request.Request(url, data=data, headers=h, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return Answer(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read())
    except urllib.error.HTTPError as e:
        return Answer(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())


def jwt_for(secret: str, username: str = "ops", role: str = "admin") -> str:
    payload = {"user": {"username": username, "role": role}, "username": username, "exp": int(time.time()) + 600}
    return jwt.encode(payload, secret, algorithm="HS256")


def log_text(paths: Iterable[Path]) -> str:
    return "\n".join(p.read_text(errors="replace") for p in paths if p.exists())
