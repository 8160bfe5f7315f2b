"""scripts/audit.sh and scripts/audit_report.py: an audit that could not reach
the vulnerability database is UNAUDITED (exit 2), never clean; a finding is
exit 1; only an audit that really ran and found nothing is exit 0.

The fixtures in tests/data/audit/ are what pip-audit 2.10.1 and npm printed on
this machine (`how: real`), or the real tools with only the advisory service
stubbed (`how: stub`); tests/data/audit/record_fixtures.py re-records them."""
from __future__ import annotations

import importlib.util
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "audit"
_spec = importlib.util.spec_from_file_location("audit_report", ROOT / "scripts" / "audit_report.py")
ar = importlib.util.module_from_spec(_spec)
sys.modules["audit_report"] = ar  # dataclasses look their module up
_spec.loader.exec_module(ar)

UNREACHABLE = "could not reach the vulnerability database: NOT audited"


def fixture(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text())


def classify(name: str) -> ar.Verdict:
    f = fixture(name)
    fn = ar.classify_pip_audit if f["tool"] == "pip-audit" else ar.classify_npm_audit
    return fn(f["rc"], f["stdout"], f["stderr"])


EXPECTED = {
    # pip-audit --strict here: PyPI's JSON API answers 404, the first pin is skipped, fatal
    "pip_strict_pypi_unreachable": (ar.UNAUDITED, "absl-py"),
    # the OSV service does not resolve: a traceback
    "pip_strict_osv_unreachable": (ar.UNAUDITED, "api.osv.dev"),
    # WITHOUT --strict: exit 0 and "No known vulnerabilities found", every pin skipped
    "pip_nonstrict_pypi_unreachable": (ar.UNAUDITED, "189 packages skipped: NOT audited"),
    "pip_strict_proxy_refused": (ar.UNAUDITED, "ProxyError"),
    "pip_strict_findings_stub": (ar.FINDINGS, "CVE-2024-49375"),
    "pip_strict_clean_stub": (ar.CLEAN, ""),
    # npm's registry refuses the bulk advisory POST here (405)
    "npm_json_unreachable": (ar.UNAUDITED, "405 Method Not Allowed"),
    "npm_text_unreachable": (ar.UNAUDITED, "405 Method Not Allowed"),
    "npm_json_registry_refused": (ar.UNAUDITED, "ECONNREFUSED"),
    "npm_json_clean_stub": (ar.CLEAN, ""),
    "npm_json_findings_stub": (ar.FINDINGS, "GHSA-cqmj-92xf-r6r9"),
    "npm_text_findings_stub": (ar.FINDINGS, ""),
}


def test_every_recorded_output_has_an_expected_outcome():
    recorded = {p.stem for p in DATA.glob("*.json")}
    assert recorded == set(EXPECTED)
    for tool in ("pip-audit", "npm audit"):
        names = [n for n in EXPECTED if fixture(n)["tool"] == tool]
        # each tool: all three outcomes covered, and the unreachable ones are real recordings
        assert {EXPECTED[n][0] for n in names} == {ar.CLEAN, ar.FINDINGS, ar.UNAUDITED}, tool
        assert all(fixture(n)["how"].startswith("real") for n in names if EXPECTED[n][0] == ar.UNAUDITED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_recorded_outputs_are_classified(name):
    outcome, evidence = EXPECTED[name]
    v = classify(name)
    assert v.outcome == outcome, (v, fixture(name)["stderr"][-400:])
    assert evidence in v.summary + "\n" + "\n".join(v.details), v
    if outcome == ar.UNAUDITED:
        assert v.summary == UNREACHABLE and v.exit_code == 2
        assert "clean" not in v.summary.lower()


def test_no_unreachable_run_exits_zero_whatever_the_tool_said():
    # the two lies pip-audit and npm can tell: exit 0 with "No known vulnerabilities found"
    # while every package was skipped, and exit 1 meaning "endpoint refused", not "vulnerable"
    nonstrict = fixture("pip_nonstrict_pypi_unreachable")
    assert nonstrict["rc"] == 0 and "No known vulnerabilities found" in nonstrict["stderr"]
    assert classify("pip_nonstrict_pypi_unreachable").exit_code == 2
    npm = fixture("npm_json_unreachable")
    assert npm["rc"] == 1 and classify("npm_json_unreachable").exit_code == 2


def test_findings_name_the_package_the_advisory_and_the_fix():
    pip = classify("pip_strict_findings_stub")
    assert pip.summary == "2 known vulnerabilities in 2 package(s)"
    assert any(d.startswith("rasa 3.6.20 CVE-2024-49375 3.6.21") for d in pip.details), pip.details
    assert any(d.startswith("sanic 21.12.1 CVE-2022-35920") and "21.12.2" in d for d in pip.details), pip.details
    npm = classify("npm_json_findings_stub")
    assert npm.summary == "1 known vulnerability (1 high)"
    assert npm.details == ["socket.io-parser (high): Insufficient validation when decoding a Socket.IO packet https://github.com/advisories/GHSA-cqmj-92xf-r6r9"]


def test_outputs_nobody_recognises_are_unaudited_never_clean():
    for rc, out, err in [(0, "", ""), (2, "", "usage: pip-audit [-h]"), (None, "", ""), (0, "No known vulnerabilities", "")]:
        assert ar.classify_pip_audit(rc, out, err).outcome == ar.UNAUDITED, (rc, out, err)
    clean = fixture("npm_json_clean_stub")
    for rc, out, err in [(0, "", ""), (1, clean["stdout"], ""), (0, "not json", ""), (1, '{"error": {"code": "ENOLOCK"}}', "")]:
        assert ar.classify_npm_audit(rc, out, err).outcome == ar.UNAUDITED, (rc, out[:40], err)
    # npm audit failing for another reason than the network is unaudited but not "unreachable"
    v = ar.classify_npm_audit(1, '{"error": {"code": "ENOLOCK", "summary": "This command requires an existing lockfile."}}', "")
    assert v.outcome == ar.UNAUDITED and "no verdict" in v.summary


def test_overall_outcome_and_exit_code():
    clean = ar.Verdict("a", ar.CLEAN, "")
    found = ar.Verdict("b", ar.FINDINGS, "")
    unaudited = ar.Verdict("c", ar.UNAUDITED, UNREACHABLE)
    assert ar.overall([clean, clean]) == ar.CLEAN
    assert ar.overall([clean, unaudited]) == ar.UNAUDITED
    assert ar.overall([unaudited, found]) == ar.FINDINGS  # a real finding is never hidden
    assert ar.overall([]) == ar.UNAUDITED
    text = ar.render([clean, unaudited])
    assert text.splitlines()[-1].startswith("AUDIT: UNAUDITED (exit 2): " + UNREACHABLE)
    assert "NOT a clean result" in text


def _save(folder: Path, name: str, fx: dict) -> None:
    (folder / f"{name}.out").write_text(fx["stdout"])
    (folder / f"{name}.err").write_text(fx["stderr"])
    (folder / f"{name}.rc").write_text(f"{fx['rc']}\n")


@pytest.mark.parametrize(
    "pip, npm, code",
    [
        ("pip_strict_pypi_unreachable", "npm_json_unreachable", 2),
        ("pip_strict_clean_stub", "npm_json_unreachable", 2),
        ("pip_strict_clean_stub", "npm_json_clean_stub", 0),
        ("pip_strict_findings_stub", "npm_json_unreachable", 1),
        ("pip_strict_pypi_unreachable", "npm_json_findings_stub", 1),
    ],
)
def test_the_report_command_reads_a_folder(tmp_path, pip, npm, code):
    _save(tmp_path, "pip-audit", fixture(pip))
    _save(tmp_path, "npm-audit", fixture(npm))
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "audit_report.py"), str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == code, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1].startswith(f"AUDIT: {['CLEAN', 'FINDINGS', 'UNAUDITED'][code]} (exit {code})")


def test_a_tool_that_did_not_run_is_unaudited(tmp_path):
    _save(tmp_path, "pip-audit", fixture("pip_strict_clean_stub"))
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "audit_report.py"), str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 2 and "npm audit: UNAUDITED - npm audit did not run" in r.stdout


# ------------------------------------------------------------------ scripts/audit.sh
def _replayer(path: Path, fx: dict, args_log: Path) -> None:
    """A stand-in for pip-audit or npm that prints a recorded output and logs its arguments."""
    (path.parent / f"{path.name}.out").write_text(fx["stdout"])
    (path.parent / f"{path.name}.err").write_text(fx["stderr"])
    path.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> "{args_log}"\n'
        f'cat "{path.parent / (path.name + ".out")}"\n'
        f'cat "{path.parent / (path.name + ".err")}" >&2\n'
        f"exit {fx['rc']}\n"
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def run_audit_sh(tmp_path: Path, pip: str, npm: str) -> tuple:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / ".pip-audit-2.10.1").touch()  # the script's "venv ready" stamp
    os.symlink(sys.executable, venv / "bin" / "python")
    tools = tmp_path / "tools"
    tools.mkdir()
    log = tmp_path / "args.log"
    _replayer(venv / "bin" / "pip-audit", fixture(pip), log)
    _replayer(tools / "npm", fixture(npm), log)
    env = dict(os.environ, AUDIT_VENV=str(venv), AUDIT_OUT=str(tmp_path / "out"), PATH=f"{tools}:{os.environ['PATH']}")
    r = subprocess.run(["bash", str(ROOT / "scripts" / "audit.sh")], env=env, capture_output=True, text=True, timeout=60)
    return r, log.read_text().splitlines()


def test_audit_sh_runs_pip_audit_strict_on_the_lock_and_npm_audit_without_dev(tmp_path):
    r, calls = run_audit_sh(tmp_path, "pip_strict_pypi_unreachable", "npm_json_unreachable")
    pip_args, npm_args = calls
    assert pip_args.split() == ["--strict", "--no-deps", "--disable-pip", "--progress-spinner", "off", "-r", "requirements.lock"]
    assert npm_args == "audit --omit=dev --json"
    # the machine's situation: neither database reached
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stdout.count(UNREACHABLE) == 3  # pip-audit, npm audit, the verdict
    assert "AUDIT: UNAUDITED (exit 2)" in r.stdout and "CLEAN" not in r.stdout


@pytest.mark.parametrize(
    "pip, npm, code, last",
    [
        ("pip_strict_findings_stub", "npm_json_clean_stub", 1, "AUDIT: FINDINGS (exit 1)"),
        ("pip_strict_clean_stub", "npm_json_findings_stub", 1, "AUDIT: FINDINGS (exit 1)"),
        ("pip_strict_clean_stub", "npm_json_clean_stub", 0, "AUDIT: CLEAN (exit 0)"),
        ("pip_strict_clean_stub", "npm_json_registry_refused", 2, "AUDIT: UNAUDITED (exit 2)"),
    ],
)
def test_audit_sh_exit_codes(tmp_path, pip, npm, code, last):
    r, _ = run_audit_sh(tmp_path, pip, npm)
    assert r.returncode == code, r.stdout + r.stderr
    assert any(line.startswith(last) for line in r.stdout.splitlines()), r.stdout
    assert (tmp_path / "out" / "pip-audit.rc").read_text().strip() == str(fixture(pip)["rc"])


@pytest.mark.skipif(not (ROOT / "build" / "audit-venv" / ".pip-audit-2.10.1").exists(), reason="run scripts/audit.sh once (it makes build/audit-venv)")
def test_audit_sh_with_the_real_tools_and_every_service_refused(tmp_path):
    # whatever this machine can reach: proxy and registry on a closed local port
    env = dict(os.environ, AUDIT_OUT=str(tmp_path / "out"), HTTPS_PROXY="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9",
               NO_PROXY="", no_proxy="", npm_config_registry="http://127.0.0.1:9/", npm_config_fetch_retries="0")
    r = subprocess.run(["bash", str(ROOT / "scripts" / "audit.sh")], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "pip-audit: UNAUDITED - " + UNREACHABLE in r.stdout
    assert "npm audit: UNAUDITED - " + UNREACHABLE in r.stdout
