"""Throwaway PostgreSQL and Redis servers for the production tests and scripts.

The tests must not depend on (or stop) servers that happen to run on the machine, so
each pytest session or script run starts its own, from Debian's binaries (installed by
scripts/setup_production.sh): a PostgreSQL cluster made by ``initdb`` in a temporary
folder (trust authentication, superuser ``postgres``) and a ``redis-server`` without
persistence, each on a free loopback port. Both are started on first use, shared by
everything in the process (``postgres()``, ``redis()``), and stopped and removed at
exit. The fault tests stop and start them with ``stop()`` / ``start()``.

A server configured in the environment is used instead and never started or stopped:
PGHOST (with PGPORT, PGUSER, PGPASSWORD) or REDIS_HOST (with REDIS_PORT, REDIS_PASSWORD).

PostgreSQL refuses to run as root: as root, the folder belongs to the ``postgres``
system user and initdb and the server run as that user.
"""
from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

from tests.integration.servers import free_port

HOST = "127.0.0.1"
_lock = threading.Lock()
_shared: Dict[str, "Server"] = {}


def pg_bin_dir() -> Path:
    """The newest Debian PostgreSQL bin folder with a server (they are not on PATH), else
    wherever PATH has initdb (other systems)."""
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name.split(".")[0]), reverse=True):
        if all(os.access(f"{d}/{name}", os.X_OK) for name in ("initdb", "postgres", "pg_isready")):
            return Path(d)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError("PostgreSQL's initdb/postgres are not installed: run scripts/setup_production.sh")


def _as_server_user() -> dict:
    """Popen arguments that drop root to the ``postgres`` system user (initdb and postgres
    refuse root); nothing when not root."""
    if os.geteuid() != 0:
        return {}
    try:
        pw = pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError("running as root needs the 'postgres' system user (Debian's postgresql package creates it)") from None
    return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}


@dataclass
class Server:
    """One server: the address to use, and for a throwaway one (``owned``) its process."""

    host: str
    port: int
    password: str = ""
    owned: bool = False
    folder: Optional[Path] = None
    proc: Optional[subprocess.Popen] = None
    stop_signal = signal.SIGTERM  # not a field: each server's clean, quick shutdown

    @property
    def pid(self) -> Optional[int]:
        return self.proc.pid if self.proc is not None and self.proc.poll() is None else None

    def command(self) -> List[str]:
        raise NotImplementedError

    def ready(self) -> bool:
        raise NotImplementedError

    def start(self, timeout: float = 60) -> None:
        """Start the throwaway server (same port and data each time) and wait until it answers."""
        assert self.owned and self.folder is not None, "only a throwaway server can be started"
        if self.pid is not None:
            return
        with open(self.folder / "server.log", "ab") as log:
            self.proc = subprocess.Popen(self.command(), cwd=self.folder, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True, **self.popen_user())
        deadline = time.time() + timeout
        while not self.ready():
            if self.proc.poll() is not None or time.time() > deadline:
                tail = (self.folder / "server.log").read_text(errors="replace")[-1500:]
                self.stop()
                raise RuntimeError(f"{self.command()[0]} did not start on {self.host}:{self.port}:\n{tail}")
            time.sleep(0.1)

    def stop(self, timeout: float = 60) -> None:
        """Stop it cleanly with ``stop_signal``; kill it if that hangs."""
        assert self.owned, "a configured server is never stopped by the tests"
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(self.stop_signal)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def remove(self) -> None:
        """Stop it and delete its folder (at exit). Never raises."""
        try:
            if self.owned:
                self.stop(timeout=20)
        except Exception:  # noqa: BLE001 - remove the folder anyway
            pass
        if self.owned and self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def popen_user(self) -> dict:
        return {}


@dataclass
class PostgresServer(Server):
    user: str = "postgres"
    bin_dir: Path = field(default_factory=lambda: Path("."))
    stop_signal = signal.SIGINT  # "fast" shutdown: ends sessions, checkpoints, exits

    @classmethod
    def throwaway(cls) -> "PostgresServer":
        """A new cluster (initdb, trust auth for local TCP) in a temporary folder; not started."""
        base = tempfile.gettempdir()
        if os.geteuid() == 0 and not os.stat(base).st_mode & 0o001:
            base = "/tmp"  # the postgres user must be able to reach the folder
        folder = Path(tempfile.mkdtemp(prefix="b12-pg-", dir=base))
        server = cls(HOST, free_port(), owned=True, folder=folder, bin_dir=pg_bin_dir())
        user = _as_server_user()
        if user:
            os.chown(folder, user["user"], user["group"])
        done = subprocess.run(
            [str(server.bin_dir / "initdb"), "-D", str(folder / "data"), "-U", "postgres", "-A", "trust",
             "-E", "UTF8", "--no-locale", "--no-sync"],
            cwd=folder, capture_output=True, text=True, timeout=120, **user,
        )
        if done.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            raise RuntimeError(f"initdb failed: {done.stdout[-1000:]}{done.stderr[-1500:]}")
        return server

    def command(self) -> List[str]:
        # the server itself, not pg_ctl's detached daemon: a child we can signal, wait for and
        # restart on the same port; its Unix sockets in our folder, apart from any system cluster
        return [str(self.bin_dir / "postgres"), "-D", str(self.folder / "data"), "-h", self.host,
                "-p", str(self.port), "-k", str(self.folder)]

    def popen_user(self) -> dict:
        return _as_server_user()

    def ready(self) -> bool:
        """Accepting connections (pg_isready: not while starting up or shutting down)."""
        isready = str(self.bin_dir / "pg_isready") if self.owned else (shutil.which("pg_isready") or "pg_isready")
        return subprocess.run([isready, "-q", "-h", self.host, "-p", str(self.port)], timeout=10).returncode == 0


@dataclass
class RedisServer(Server):
    def command(self) -> List[str]:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not os.access(binary, os.X_OK):
            raise RuntimeError("redis-server is not installed: run scripts/setup_production.sh")
        return [binary, "--bind", self.host, "--port", str(self.port), "--save", "", "--appendonly", "no",
                "--dir", str(self.folder), "--daemonize", "no"]

    def ready(self) -> bool:
        import redis

        client = redis.Redis(host=self.host, port=self.port, password=self.password or None, socket_timeout=1)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()


def _started(server: Server) -> Server:
    """Start a new throwaway server; remove its folder if it does not come up."""
    try:
        server.start()
    except BaseException:
        server.remove()
        raise
    return server


def _shared_server(name: str, configured: Callable[[], Optional[Server]], throwaway: Callable[[], Server]) -> Server:
    """This process's server `name`: the configured one, else a throwaway started on first use."""
    with _lock:
        if name not in _shared:
            server = configured()
            if server is None:
                _cleanup_at_exit()
                server = _started(throwaway())
            _shared[name] = server
        return _shared[name]


def postgres() -> PostgresServer:
    """The PostgreSQL of this process: PGHOST's when configured, else a throwaway one."""
    def configured() -> Optional[Server]:
        if not os.environ.get("PGHOST"):
            return None
        return PostgresServer(
            os.environ["PGHOST"], int(os.environ.get("PGPORT", "5432")), os.environ.get("PGPASSWORD", ""),
            user=os.environ.get("PGUSER", "postgres"),
        )

    return _shared_server("postgres", configured, PostgresServer.throwaway)  # type: ignore[return-value]


def redis() -> RedisServer:
    """The Redis of this process: REDIS_HOST's when configured, else a throwaway one."""
    def configured() -> Optional[Server]:
        if not os.environ.get("REDIS_HOST"):
            return None
        return RedisServer(os.environ["REDIS_HOST"], int(os.environ.get("REDIS_PORT", "6379")), os.environ.get("REDIS_PASSWORD", ""))

    def throwaway() -> Server:
        return RedisServer(HOST, free_port(), owned=True, folder=Path(tempfile.mkdtemp(prefix="b12-redis-")))

    return _shared_server("redis", configured, throwaway)  # type: ignore[return-value]


def remove_all() -> None:
    """Stop and delete every throwaway server of this process (at exit, and at the end of a
    pytest session)."""
    with _lock:
        for server in _shared.values():
            server.remove()
        _shared.clear()


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # so that `kill <pid>` unwinds like Ctrl-C and the cleanup runs


_registered = False


def _cleanup_at_exit() -> None:
    """Remove the servers at exit, also when the process is sent SIGTERM (whose default
    action would skip atexit and leave a server running)."""
    global _registered
    if _registered:
        return
    _registered = True
    atexit.register(remove_all)
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminated)
