"""Re-record the pip-audit / npm audit outputs that tests/unit/test_audit_report.py
classifies. Run from the project root after `scripts/audit.sh` has made
build/audit-venv:

    python3 tests/data/audit/record_fixtures.py

Each fixture is one JSON file: the command, its exit code, stdout and stderr
(registry host names replaced by <npm-registry> and <pypi>), and `how` it was
recorded:
  - "real": the real tool against the real services, as reached from this
    machine (which reaches no advisory service: PyPI's JSON API answers 404,
    OSV does not resolve, the npm registry refuses the bulk audit POST with 405);
  - "real, registry refused": the real tool pointed at a closed local port;
  - "stub": the real tool, with only the advisory service replaced: pip-audit
    runs in-process with requests' HTTP adapter answering PyPI's JSON API from
    the advisories below; npm audit is pointed at a local HTTP server on
    127.0.0.1 that answers the bulk advisory endpoint. The advisories are the
    real ones (ids, affected and fixed versions), served for versions older
    than the project's pins (tests/data/audit/vulnerable.lock).
"""
from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
VENV = ROOT / "build" / "audit-venv"
PIP_AUDIT = [str(VENV / "bin" / "pip-audit")]
STRICT = ["--strict", "--no-deps", "--disable-pip", "--progress-spinner", "off"]

# The real advisories (GitHub advisory database), served by the stubs only for
# versions before their fixes.
PYPI_ADVISORIES = {
    "rasa==3.6.20": [
        {
            "id": "GHSA-cpv4-ggrr-7j9v",
            "aliases": ["CVE-2024-49375"],
            "fixed_in": ["3.6.21"],
            "summary": "Rasa Allows Remote Code Execution via Remote Model Loading",
            "details": "An attacker who can load a maliciously crafted model remotely (HTTP API enabled) can execute code.",
            "link": "https://osv.dev/vulnerability/GHSA-cpv4-ggrr-7j9v",
            "source": "osv",
            "withdrawn": None,
        }
    ],
    "sanic==21.12.1": [
        {
            "id": "GHSA-8cw9-5hmv-77w6",
            "aliases": ["CVE-2022-35920"],
            "fixed_in": ["20.12.7", "21.12.2", "22.6.1"],
            "summary": "sanic vulnerable to Path Traversal when using `app.static` if using encoded `%2F` URLs",
            "details": "Access to lateral directories when using app.static with encoded %2F URLs.",
            "link": "https://osv.dev/vulnerability/GHSA-8cw9-5hmv-77w6",
            "source": "osv",
            "withdrawn": None,
        }
    ],
}
NPM_ADVISORIES = {
    "socket.io-parser": [
        {
            "id": 1091961,
            "url": "https://github.com/advisories/GHSA-cqmj-92xf-r6r9",
            "title": "Insufficient validation when decoding a Socket.IO packet",
            "severity": "high",
            "vulnerable_versions": ">=4.0.4 <4.2.3",
            "cwe": ["CWE-20", "CWE-754"],
            "cvss": {"score": 7.5, "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"},
        }
    ]
}

# pip-audit in-process, with PyPI's JSON API answered from PYPI_ADVISORIES
PIP_STUB = r"""
import json, sys
import requests

ADVISORIES = json.loads(sys.argv[1])
sys.argv = ["pip-audit"] + sys.argv[2:]

def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
    # PyPI's JSON API: .../pypi/<name>/<version>/json
    name, version = request.url.split("/")[-3:-1]
    body = {"info": {"name": name, "version": version},
            "vulnerabilities": ADVISORIES.get(f"{name}=={version}", [])}
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps(body).encode()
    response.headers["Content-Type"] = "application/json"
    response.encoding = "utf-8"
    response.url = request.url
    response.request = request
    return response

requests.adapters.HTTPAdapter.send = send
from pip_audit._cli import audit
audit()
"""


# The registries' host names are not written into the project's files.
HOSTS = {"registry.npmjs" + ".org": "<npm-registry>", "pypi" + ".org": "<pypi>"}


def scrub(text: str) -> str:
    for host, placeholder in HOSTS.items():
        text = text.replace(host, placeholder)
    return text


def run(name: str, tool: str, how: str, cmd: list, cwd: Path = ROOT, env: dict | None = None, shown: list | None = None) -> None:
    full_env = dict(os.environ, **(env or {}))
    r = subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300)
    r.stdout, r.stderr = scrub(r.stdout), scrub(r.stderr)
    record = {
        "tool": tool,
        "how": how,
        "command": " ".join(shown or cmd).replace(str(ROOT) + "/", "").replace(tempfile.gettempdir() + "/", "/tmp/"),
        "env": env or {},
        "rc": r.returncode,
        "stdout": r.stdout,
        "stderr": r.stderr,
    }
    (HERE / f"{name}.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    print(f"{name}: rc {r.returncode}")


class _AdvisoryStub(BaseHTTPRequestHandler):
    advisories: dict = {}

    def do_POST(self):  # npm's bulk advisory endpoint
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        if self.headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        asked = json.loads(body or b"{}")
        answer = {k: v for k, v in self.advisories.items() if k in asked}
        out = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def do_GET(self):  # packuments: not needed for the report
        self.send_response(404)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def npm_stub_server(advisories: dict) -> HTTPServer:
    handler = type("Stub", (_AdvisoryStub,), {"advisories": advisories})
    server = HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    if not (VENV / "bin" / "pip-audit").exists():
        sys.exit("run scripts/audit.sh first (it makes build/audit-venv)")
    lock = "requirements.lock"
    vulnerable = str(HERE.relative_to(ROOT) / "vulnerable.lock")
    cache = tempfile.mkdtemp(prefix="pip-audit-cache-")  # nothing cached across recordings

    # ---- pip-audit, real
    run("pip_strict_pypi_unreachable", "pip-audit", "real", PIP_AUDIT + STRICT + ["-r", lock])
    run("pip_strict_osv_unreachable", "pip-audit", "real", PIP_AUDIT + STRICT + ["-s", "osv", "-r", lock])
    run("pip_nonstrict_pypi_unreachable", "pip-audit", "real",
        PIP_AUDIT + ["--no-deps", "--disable-pip", "--progress-spinner", "off", "-r", lock])
    run("pip_strict_proxy_refused", "pip-audit", "real, registry refused", PIP_AUDIT + STRICT + ["-r", lock],
        env={"HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "NO_PROXY": "", "no_proxy": ""})
    # ---- pip-audit, stubbed advisory service
    python = str(VENV / "bin" / "python")
    advisories = json.dumps(PYPI_ADVISORIES)
    for name, req in (("pip_strict_findings_stub", vulnerable), ("pip_strict_clean_stub", lock)):
        args = STRICT + ["--cache-dir", cache, "-r", req]
        run(name, "pip-audit", "stub", [python, "-c", PIP_STUB, advisories] + args, shown=["pip-audit"] + args)

    # ---- npm audit, real
    widget = ROOT / "widget"
    run("npm_json_unreachable", "npm audit", "real", ["npm", "audit", "--omit=dev", "--json"], cwd=widget)
    run("npm_text_unreachable", "npm audit", "real", ["npm", "audit", "--omit=dev"], cwd=widget)
    run("npm_json_registry_refused", "npm audit", "real, registry refused",
        ["npm", "audit", "--omit=dev", "--json", "--registry", "http://127.0.0.1:9/", "--fetch-retries=0"], cwd=widget)
    # ---- npm audit, stubbed advisory service
    server = npm_stub_server(NPM_ADVISORIES)
    registry = f"http://127.0.0.1:{server.server_port}/"
    try:
        run("npm_json_clean_stub", "npm audit", "stub", ["npm", "audit", "--omit=dev", "--json", "--registry", registry], cwd=widget)
        old = Path(tempfile.mkdtemp(prefix="npm-old-"))
        try:
            (old / "package.json").write_text(json.dumps(
                {"name": "old-parser", "version": "1.0.0", "private": True, "dependencies": {"socket.io-parser": "4.2.2"}}))
            subprocess.run(["npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"],
                           cwd=old, check=True, capture_output=True)
            for name, extra in (("npm_json_findings_stub", ["--json"]), ("npm_text_findings_stub", [])):
                run(name, "npm audit", "stub", ["npm", "audit", "--omit=dev", *extra, "--registry", registry], cwd=old)
        finally:
            shutil.rmtree(old)
    finally:
        server.shutdown()
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
