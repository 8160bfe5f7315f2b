"""The production topology on one machine, for tests and benchmarks.

nginx -> N Rasa processes -> the action server; conversations in a fresh
PostgreSQL database, per-conversation locks in Redis under a unique key
prefix. Everything listens on 127.0.0.1 on free ports, runs the shipped
configuration (deploy/endpoints.yml with its ${VAR}s filled in,
credentials.yml, deploy/nginx/b12-locations.conf, the action server of
actions/server.py with a shared ACTION_SERVER_TOKEN) and is removed again by
``stop()``: processes (whole process groups), the database and the Redis keys.

    with Topology(tmp_path, rasa_count=2) as topo:
        topo.say(topo.nginx_base, "someone", "hi")

PostgreSQL and Redis are throwaway servers of this process on free ports
(tests/production/services.py: started on first use, shared, removed at exit), or
the ones configured by PGHOST/PGPORT/PGUSER and REDIS_HOST/REDIS_PORT;
scripts/setup_production.sh installs their binaries and nginx.
Run it by hand: python -m tests.production.topology --rasa 2 (Ctrl-C stops it).
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from scripts.procstat import cpu_seconds, process_tree, rss_kb
from tests.integration.servers import BIN, ROOT, free_port, wait_for
from tests.production import services

ENDPOINTS = ROOT / "deploy" / "endpoints.yml"
NGINX_LOCATIONS = ROOT / "deploy" / "nginx" / "b12-locations.conf"
NGINX_HTTP = ROOT / "deploy" / "nginx" / "b12-http.conf"
MODEL = ROOT / "models" / "b12.tar.gz"
SECURE_ACTION_SERVER = ROOT / "actions" / "server.py"


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise RuntimeError("nginx is not installed: run scripts/setup_production.sh")
    return found


# ------------------------------------------------------------------ PostgreSQL
@dataclass
class Postgres:
    """Client side of the process's PostgreSQL (services.postgres(), started on first use)."""

    host: str = field(default_factory=lambda: services.postgres().host)
    port: int = field(default_factory=lambda: services.postgres().port)
    user: str = field(default_factory=lambda: services.postgres().user)
    password: str = field(default_factory=lambda: services.postgres().password)

    def connect(self, dbname: str = "postgres"):
        import psycopg2

        conn = psycopg2.connect(
            host=self.host, port=self.port, user=self.user, password=self.password or None, dbname=dbname, connect_timeout=3
        )
        conn.autocommit = True
        return conn

    def create_database(self, prefix: str = "b12_test") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        return name

    def drop_database(self, name: str) -> None:
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            conn.close()

    def query(self, dbname: str, sql: str, args: tuple = ()) -> List[tuple]:
        conn = self.connect(dbname)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, args)
                return cur.fetchall()
        finally:
            conn.close()


# ------------------------------------------------------------------ Redis
@dataclass
class Redis:
    """Client side of the process's Redis (services.redis(), started on first use)."""

    host: str = field(default_factory=lambda: services.redis().host)
    port: int = field(default_factory=lambda: services.redis().port)
    db: int = 1
    password: str = field(default_factory=lambda: services.redis().password)

    def client(self):
        import redis

        return redis.Redis(host=self.host, port=self.port, db=self.db, password=self.password or None, socket_timeout=3)

    def delete_prefix(self, prefix: str) -> int:
        r = self.client()
        keys = list(r.scan_iter(f"{prefix}:*"))
        return r.delete(*keys) if keys else 0


# ------------------------------------------------------------------ processes
@dataclass
class Process:
    name: str
    port: int
    args: List[str]
    log: Path
    proc: Optional[subprocess.Popen] = None

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def spawn(self, env: Dict[str, str]) -> None:
        log = open(self.log, "ab")
        self.proc = subprocess.Popen(
            self.args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()

    def signal(self, sig: int) -> None:
        if self.alive:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        """SIGKILL the whole process group (Sanic workers included), no cleanup."""
        if self.proc is not None:
            self.signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self, timeout: float = 20) -> None:
        if self.alive:
            self.signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
                self.proc.wait(10)
        if self.proc is not None:
            # Sanic workers can outlive their parent by a moment; nothing of the group may remain
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


@dataclass
class Topology:
    workdir: Path
    rasa_count: int = 2
    sanic_workers: int = 1
    action_workers: int = 1
    with_nginx: bool = True
    env: Dict[str, str] = field(default_factory=dict)
    postgres: Postgres = field(default_factory=Postgres)
    redis: Redis = field(default_factory=Redis)
    db_name: Optional[str] = None
    key_prefix: str = field(default_factory=lambda: f"b12t{uuid.uuid4().hex[:10]}")
    action_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    actions: Optional[Process] = None
    rasa: List[Process] = field(default_factory=list)
    nginx: Optional[Process] = None
    startup_s: float = 0.0

    # ------------------------------------------------------------ lifecycle
    def __enter__(self) -> "Topology":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.db_name is None:
            self.db_name = self.postgres.create_database()
        t0 = time.time()
        self.start_actions()
        if not self.rasa:
            self.rasa = [
                Process(f"rasa-{i}", free_port(), [], self.workdir / f"rasa-{i}.log") for i in range(self.rasa_count)
            ]
        self.start_rasa()
        if self.with_nginx:
            self.start_nginx()
        self.startup_s = time.time() - t0

    def stop(self) -> None:
        """Stop every process, drop the database, delete the Redis keys. Never raises."""
        for p in [self.nginx, *self.rasa, self.actions]:
            if p is not None:
                try:
                    p.stop()
                except Exception:  # noqa: BLE001 - stop the others anyway
                    pass
        if self.db_name:
            for _ in range(10):
                try:
                    self.postgres.drop_database(self.db_name)
                    self.db_name = None
                    break
                except Exception:  # noqa: BLE001 - the server may be restarting (fault tests)
                    time.sleep(1)
        try:
            self.redis.delete_prefix(self.key_prefix)
        except Exception:  # noqa: BLE001
            pass

    # ------------------------------------------------------------ environment
    def process_env(self) -> Dict[str, str]:
        env = dict(
            os.environ,
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="3",
            PYTHONPATH=str(ROOT),
            ACTION_SERVER_URL=f"http://127.0.0.1:{self.actions.port}/webhook" if self.actions else "",
            DB_HOST=self.postgres.host,
            DB_PORT=str(self.postgres.port),
            DB_NAME=self.db_name or "",
            DB_USER=self.postgres.user,
            DB_PASSWORD=self.postgres.password,
            REDIS_HOST=self.redis.host,
            REDIS_PORT=str(self.redis.port),
            REDIS_DB=str(self.redis.db),
            REDIS_PASSWORD=self.redis.password,
            REDIS_KEY_PREFIX=self.key_prefix,
            SANIC_WORKERS=str(self.sanic_workers),
            ACTION_SERVER_SANIC_WORKERS=str(self.action_workers),
            SANIC_PROXIES_COUNT="1",  # as deployed: behind one proxy (nginx)
            ACTION_SERVER_TOKEN=self.action_token,  # shared by Rasa and the action server
            # as deployed: rate limits counted in Redis by every process, one log-id key for all
            RATE_LIMIT_STORAGE_URL=(
                f"redis://{':' + self.redis.password + '@' if self.redis.password else ''}{self.redis.host}:{self.redis.port}/2"
            ),
            RATE_LIMIT_NAMESPACE=f"{self.key_prefix}limit",
            LOG_ID_KEY=self.action_token,
        )
        env.update(self.env)
        return env

    # ------------------------------------------------------------ action server
    def start_actions(self) -> None:
        if self.actions is None:
            port = free_port()
            if SECURE_ACTION_SERVER.exists():
                # as deployed: the action server that requires the shared secret
                args = [str(BIN / "python"), "-m", "actions.server", "--host", "127.0.0.1", "--port", str(port)]
            else:
                args = [str(BIN / "rasa"), "run", "actions", "--port", str(port), "--actions", "actions"]
            self.actions = Process("actions", port, args, self.workdir / "actions.log")
        self.actions.spawn(self.process_env())
        wait_for(f"{self.actions.base}/health", 60, proc=self.actions.proc)

    # ------------------------------------------------------------ Rasa
    def _rasa_args(self, p: Process) -> List[str]:
        return [  # Rasa with the project's patches: rasa_cli.py (a bare `rasa run` refuses to start)
            str(BIN / "python"), "-m", "rasa_cli", "run", "--enable-api", "--port", str(p.port), "--model", str(MODEL),
            "--endpoints", str(ENDPOINTS), "--credentials", str(ROOT / "credentials.yml"), "--cors", "*",
        ]

    def start_rasa(self, indexes: Optional[List[int]] = None) -> None:
        """Start the given Rasa processes (default: all that are not running) together."""
        targets = [self.rasa[i] for i in indexes] if indexes is not None else [p for p in self.rasa if not p.alive]
        env = self.process_env()
        for p in targets:
            p.args = self._rasa_args(p)
            p.spawn(env)
        for p in targets:
            wait_for(f"{p.base}/status", 240, proc=p.proc)

    def kill_rasa(self, index: int) -> None:
        self.rasa[index].kill()

    def stop_rasa(self, index: int) -> None:
        self.rasa[index].stop()

    def restart_all(self) -> None:
        """Stop every Rasa process and the action server, then start them again
        (same ports, same database): what a redeploy does."""
        for p in self.rasa:
            p.stop()
        self.actions.stop()
        self.start_actions()
        self.start_rasa()

    # ------------------------------------------------------------ nginx
    def nginx_conf(self, port: int, rasa_ports: List[int]) -> str:
        servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in rasa_ports)
        tmp = self.workdir / "nginx-tmp"
        user = "user root;\n" if os.geteuid() == 0 else ""
        return f"""# generated by tests/production/topology.py
{user}worker_processes 1;
daemon off;
pid {self.workdir / 'nginx.pid'};
error_log {self.workdir / 'nginx-error.log'} warn;
events {{ worker_connections 4096; }}
http {{
    include {NGINX_HTTP};
    access_log {self.workdir / 'nginx-access.log'} b12_private;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream rasa_rest {{
        least_conn;
{servers}
        keepalive 32;
    }}
    upstream rasa_socketio {{
        hash $remote_addr consistent;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location = /nginx-health {{ access_log off; return 200 "ok\\n"; }}
        include {NGINX_LOCATIONS};
    }}
}}
"""

    def write_nginx_conf(self, port: int) -> Path:
        (self.workdir / "nginx-tmp").mkdir(parents=True, exist_ok=True)
        path = self.workdir / "nginx.conf"
        path.write_text(self.nginx_conf(port, [p.port for p in self.rasa]))
        return path

    def start_nginx(self) -> None:
        port = self.nginx.port if self.nginx else free_port()
        conf = self.write_nginx_conf(port)
        nginx = nginx_binary()
        check = subprocess.run([nginx, "-t", "-q", "-c", str(conf), "-p", str(self.workdir)], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t failed: {check.stderr}")
        self.nginx = Process("nginx", port, [nginx, "-c", str(conf), "-p", str(self.workdir)], self.workdir / "nginx.out")
        self.nginx.spawn(self.process_env())
        wait_for(f"{self.nginx.base}/nginx-health", 20, proc=self.nginx.proc)

    @property
    def nginx_base(self) -> str:
        return self.nginx.base

    # ------------------------------------------------------------ clients
    @staticmethod
    def post(base: str, sender: str, text: str, timeout: float = 60, metadata: Optional[dict] = None) -> Tuple[int, object]:
        """POST one message to the REST channel; (HTTP status, parsed JSON body)."""
        body = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        req = urllib.request.Request(
            f"{base}/webhooks/rest/webhook", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, raw.decode(errors="replace")

    def say(self, base: str, sender: str, text: str, timeout: float = 60) -> List[dict]:
        status, body = self.post(base, sender, text, timeout)
        if status != 200:
            raise AssertionError(f"{base}: HTTP {status}: {body}")
        return body

    def tracker(self, sender: str, base: Optional[str] = None) -> dict:
        base = base or next(p.base for p in self.rasa if p.alive)
        url = f"{base}/conversations/{sender}/tracker"
        with urllib.request.urlopen(url, timeout=30) as r:
            return json.loads(r.read())

    def stored_events(self, sender: str) -> List[dict]:
        """The conversation's events straight from PostgreSQL, in insertion order."""
        rows = self.postgres.query(self.db_name, "SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
        return [json.loads(data) for (data,) in rows]

    # ------------------------------------------------------------ measurements
    def pids(self) -> Dict[str, List[int]]:
        """Every live process of the topology, by role, with its children."""
        out: Dict[str, List[int]] = {}
        for p in [self.nginx, self.actions, *self.rasa]:
            if p is not None and p.alive:
                out[p.name] = process_tree(p.proc.pid)
        return out

    def store_pids(self) -> Dict[str, List[int]]:
        """The PostgreSQL backends serving this topology's database, and the Redis server
        (with a configured Redis: every redis-server on the machine), for CPU accounting."""
        out: Dict[str, List[int]] = {}
        try:
            rows = self.postgres.query("postgres", "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.db_name,))
            out["postgres"] = [pid for (pid,) in rows]
        except Exception:  # noqa: BLE001 - accounting only
            pass
        own = services.redis().pid
        redis_pids = [own] if own else subprocess.run(["pgrep", "-x", "redis-server"], capture_output=True, text=True).stdout.split()
        if redis_pids:
            out["redis"] = [int(p) for p in redis_pids]
        return out

    def rss_mb(self) -> Dict[str, float]:
        return {name: round(sum(rss_kb(pid) for pid in pids) / 1024, 1) for name, pids in self.pids().items()}

    def cpu_seconds(self, stores: bool = False) -> Dict[str, float]:
        """CPU time (user + system) used so far by each role's processes
        (with ``stores``, also the PostgreSQL backends and Redis)."""
        pids = {**self.pids(), **(self.store_pids() if stores else {})}
        return {name: round(sum(cpu_seconds(pid) for pid in group), 2) for name, group in pids.items()}


def machine_cpu() -> tuple:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def texts(messages) -> str:
    return "\n".join((m.get("text") or "") for m in messages or [] if isinstance(m, dict))


def main() -> None:
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description="run the production topology locally until Ctrl-C")
    parser.add_argument("--rasa", type=int, default=2, help="Rasa processes behind nginx")
    parser.add_argument("--sanic-workers", type=int, default=1)
    parser.add_argument("--action-workers", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        with Topology(Path(tmp), args.rasa, args.sanic_workers, args.action_workers) as topo:
            print(f"nginx: {topo.nginx_base}  rasa: {', '.join(p.base for p in topo.rasa)}  "
                  f"actions: {topo.actions.base}  database: {topo.db_name} on {topo.postgres.host}:{topo.postgres.port}  "
                  f"redis: {topo.redis.host}:{topo.redis.port}  logs: {tmp}", flush=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass


if __name__ == "__main__":
    main()
