"""Start and stop the real action server and Rasa server for tests."""
from __future__ import annotations

import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(
    url: str, timeout: float = 120.0, headers: Optional[Dict[str, str]] = None, proc: Optional[subprocess.Popen] = None
) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with code {proc.returncode}; see its log")
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=2)
            return
        except urllib.error.HTTPError:
            return  # the server answers (e.g. 401): it is up
        except Exception:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not come up in {timeout:.0f} s")


@dataclass
class Servers:
    workdir: Path
    token: Optional[str] = None
    sql_tracker_store: bool = True
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    rasa: Optional[subprocess.Popen] = None
    actions: Optional[subprocess.Popen] = None
    # extra environment for both servers; None removes a variable (e.g. to test "not configured")
    env: Dict[str, Optional[str]] = field(default_factory=dict)
    credentials: Path = ROOT / "credentials.yml"
    # production options (tests/production); the defaults keep the behaviour above
    cors: Sequence[str] = ("*",)
    jwt_secret: Optional[str] = None
    rasa_args: Sequence[str] = ()
    # start actions/server.py (bound to 127.0.0.1, checks ACTION_SERVER_TOKEN from env) instead of `rasa run actions`
    secure_actions: bool = False
    # YAML for endpoints.yml's tracker_store (replaces the SQLite store in workdir)
    tracker_store_yaml: Optional[str] = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _env(self) -> Dict[str, str]:
        env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(ROOT))
        for key, value in self.env.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def write_endpoints(self) -> Path:
        path = self.workdir / "endpoints.yml"
        text = f'action_endpoint:\n  url: "http://127.0.0.1:{self.action_port}/webhook"\n'
        if self.tracker_store_yaml:
            text += self.tracker_store_yaml.rstrip() + "\n"
        elif self.sql_tracker_store:
            text += f'tracker_store:\n  type: storage.tracker_store.TunedSQLTrackerStore\n  dialect: "sqlite"\n  db: "{self.workdir / "tracker.db"}"\n'
        path.write_text(text)
        return path

    def _stop_at_exit(self) -> None:
        # a fixture whose setup fails never reaches its teardown: never leave servers behind
        if not getattr(self, "_atexit_registered", False):
            atexit.register(self.stop)
            self._atexit_registered = True

    def start_actions(self) -> None:
        self._stop_at_exit()
        log = open(self.workdir / "actions.log", "ab")
        if self.secure_actions:
            cmd = [sys.executable, "-m", "actions.server", "--host", "127.0.0.1", "--port", str(self.action_port)]
        else:
            cmd = [str(BIN / "rasa"), "run", "actions", "--port", str(self.action_port), "--actions", "actions"]
        self.actions = subprocess.Popen(
            cmd,
            cwd=ROOT, env=self._env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_for(f"http://127.0.0.1:{self.action_port}/health", 60, proc=self.actions)

    def start_rasa(self) -> float:
        """Start Rasa; returns seconds until it answered /status."""
        self._stop_at_exit()
        log = open(self.workdir / "rasa.log", "ab")
        args = [
            sys.executable, "-m", "rasa_cli", "run", "--enable-api", "--port", str(self.rasa_port),
            "--model", str(ROOT / "models" / "b12.tar.gz"), "--endpoints", str(self.write_endpoints()),
            "--credentials", str(self.credentials), "--cors", *self.cors,
        ]
        if self.token:
            args += ["--auth-token", self.token]
        if self.jwt_secret:
            args += ["--jwt-secret", self.jwt_secret]
        args += list(self.rasa_args)
        t0 = time.time()
        self.rasa = subprocess.Popen(args, cwd=ROOT, env=self._env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(f"{self.base}/status", 180, proc=self.rasa)
        return time.time() - t0

    @staticmethod
    def _stop(proc: Optional[subprocess.Popen]) -> None:
        if proc and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)

    def stop_actions(self) -> None:
        self._stop(self.actions)
        self.actions = None

    def stop_rasa(self) -> None:
        self._stop(self.rasa)
        self.rasa = None

    def stop(self) -> None:
        self.stop_rasa()
        self.stop_actions()

    # -------------------------------------------------------------- client
    def say(self, sender: str, text, metadata: Optional[dict] = None) -> List[dict]:
        body = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        req = urllib.request.Request(
            f"{self.base}/webhooks/rest/webhook", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        return json.loads(urllib.request.urlopen(req, timeout=60).read())

    def tracker(self, sender: str) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        url = f"{self.base}/conversations/{sender}/tracker"
        if self.token:
            url += f"?token={self.token}"
        return json.loads(urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30).read())

    def slots(self, sender: str) -> dict:
        return self.tracker(sender)["slots"]


def texts(messages: List[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)
