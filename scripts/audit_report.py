"""Classify what pip-audit and npm audit printed into one of three outcomes.

    audited-clean  the vulnerability database answered and knows of nothing
    findings       the database answered and names a known vulnerability
    unaudited      the database was not reached, or the tool gave no verdict

An unaudited run is never reported as clean: pip-audit without --strict skips
every package it cannot look up and still prints "No known vulnerabilities
found", and npm audit exits 1 both for findings and for an unreachable audit
endpoint. Anything not positively recognised as a clean audit or as a finding
is unaudited.

Used by scripts/audit.sh, which saves each tool's output in a folder:
    <dir>/pip-audit.out, .err, .rc     pip-audit --strict ... -r requirements.lock
    <dir>/npm-audit.out, .err, .rc     npm audit --omit=dev --json (in widget/)
and then runs `python scripts/audit_report.py <dir>`; the exit code is
0 audited and clean, 1 findings, 2 NOT audited (a finding wins over an
unaudited tool: it is real whatever the other tool did).

Standard library only: it runs under the audit venv's Python as well as the
project's (tests/unit/test_audit_report.py, fixtures in tests/data/audit/).
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

CLEAN = "audited-clean"
FINDINGS = "findings"
UNAUDITED = "unaudited"
EXIT_CODES = {CLEAN: 0, FINDINGS: 1, UNAUDITED: 2}

UNREACHABLE = "could not reach the vulnerability database: NOT audited"
NO_VERDICT = "gave no verdict: NOT audited"

# What pip-audit and npm print when the advisory service cannot be used
# (recorded on these machines: tests/data/audit/).
_PIP_UNREACHABLE = (
    "could not be audited",  # a skipped package (PyPI's JSON API answered 404)
    "Skip Reason",  # the table of skipped packages (without --strict)
    "ConnectionError",
    "NameResolutionError",
    "Max retries exceeded",
    "Could not connect",
    "ProxyError",
    "Tip: your network may be blocking",
    "is not redirecting properly",
)
_NPM_UNREACHABLE = (
    "audit endpoint returned an error",
    "advisories/bulk",
    "ECONNREFUSED",
    "ENOTFOUND",
    "EAI_AGAIN",
    "ETIMEDOUT",
    "ECONNRESET",
    "Method Not Allowed",
    "request to ",
)


@dataclass
class Verdict:
    tool: str
    outcome: str
    summary: str
    details: List[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.outcome]


def _lines(text: str) -> List[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


# ------------------------------------------------------------------ pip-audit
_FOUND = re.compile(r"Found (\d+) known vulnerabilit(?:y|ies)(?:, ignored \d+)? in (\d+) packages?")


def _pip_audit_rows(stdout: str) -> List[str]:
    """The rows of pip-audit's columns table (Name Version ID Fix Versions)."""
    rows = []
    lines = stdout.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Name") and "Version" in line and "ID" in line:
            for row in lines[i + 2 :]:
                if not row.strip():
                    break
                rows.append(" ".join(row.split()))
            break
    return rows


def _pip_audit_skips(stdout: str, stderr: str) -> List[str]:
    skips = []
    for line in _lines(stderr):
        m = re.match(r"ERROR:pip_audit\._cli:(.*)", line)
        if m and "could not be audited" in m.group(1):
            skips.append(m.group(1).strip())
    lines = stdout.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Name") and "Skip Reason" in line:
            for row in lines[i + 2 :]:
                if not row.strip():
                    break
                name, _, reason = row.strip().partition(" ")
                skips.append(f"{name}: {reason.strip()}")
            break
    return skips


def classify_pip_audit(rc: Optional[int], stdout: str, stderr: str) -> Verdict:
    tool = "pip-audit"
    text = stdout + "\n" + stderr
    skips = _pip_audit_skips(stdout, stderr)
    found = _FOUND.search(stderr) or _FOUND.search(stdout)
    if found:
        vulns, packages = int(found.group(1)), int(found.group(2))
        details = _pip_audit_rows(stdout)
        if skips:
            details.append(f"and {len(skips)} package(s) NOT audited, e.g. {skips[0]}")
        return Verdict(tool, FINDINGS, f"{vulns} known vulnerabilit{'y' if vulns == 1 else 'ies'} in {packages} package(s)", details)
    if skips or any(marker in text for marker in _PIP_UNREACHABLE):
        details = skips[:1]
        if len(skips) == 1 and "ERROR:pip_audit" in stderr:
            details.append("(--strict stops at the first pin it cannot look up)")
        elif len(skips) > 1:
            details.append(f"{len(skips)} packages skipped: NOT audited")
        if not details:
            errors = [line for line in _lines(stderr) if "Error" in line or line.startswith("ERROR")]
            details = errors[-1:] if errors else _lines(stderr)[-1:]
        return Verdict(tool, UNAUDITED, UNREACHABLE, details)
    if rc == 0 and "No known vulnerabilities found" in text:
        return Verdict(tool, CLEAN, "no known vulnerabilities (every pin audited)")
    last = _lines(stderr)[-1:] or _lines(stdout)[-1:]
    return Verdict(tool, UNAUDITED, f"pip-audit (exit {rc}) {NO_VERDICT}", last)


# ------------------------------------------------------------------ npm audit
def _npm_findings(report: dict) -> List[str]:
    rows = []
    for name, vuln in sorted((report.get("vulnerabilities") or {}).items()):
        if not isinstance(vuln, dict):
            continue
        advisories = [v for v in vuln.get("via", []) if isinstance(v, dict)]
        what = "; ".join(f"{a.get('title', '?')} {a.get('url', '')}".strip() for a in advisories)
        if not what:  # vulnerable only through another package
            what = "via " + ", ".join(str(v) for v in vuln.get("via", []))
        rows.append(f"{name} ({vuln.get('severity', '?')}): {what}")
    for adv in (report.get("advisories") or {}).values():  # npm 6 format
        if isinstance(adv, dict):
            rows.append(f"{adv.get('module_name', '?')} ({adv.get('severity', '?')}): {adv.get('title', '?')} {adv.get('url', '')}".strip())
    return rows


def classify_npm_audit(rc: Optional[int], stdout: str, stderr: str) -> Verdict:
    tool = "npm audit"
    text = stdout + "\n" + stderr
    try:
        report = json.loads(stdout) if stdout.strip() else None
    except ValueError:
        report = None
    if isinstance(report, dict):
        counts = (report.get("metadata") or {}).get("vulnerabilities")
        if isinstance(counts, dict) and ("auditReportVersion" in report or "advisories" in report):
            total = counts.get("total")
            if total is None:
                total = sum(v for k, v in counts.items() if isinstance(v, int))
            if total > 0:
                by = ", ".join(f"{counts[s]} {s}" for s in ("critical", "high", "moderate", "low", "info") if counts.get(s))
                return Verdict(tool, FINDINGS, f"{total} known vulnerabilit{'y' if total == 1 else 'ies'} ({by})", _npm_findings(report))
            if rc == 0:
                deps = (report.get("metadata") or {}).get("dependencies") or {}
                n = deps.get("prod", deps.get("total"))
                return Verdict(tool, CLEAN, "no known vulnerabilities" + (f" ({n} production packages audited)" if n is not None else ""))
        error = report.get("error")
        error_fields = error if isinstance(error, dict) else {}
        message = report.get("message") or error_fields.get("summary") or ""
        if message or error:
            reachable = not any(marker in text for marker in _NPM_UNREACHABLE)
            detail = [message or str(error_fields.get("code") or error)]
            if reachable:
                return Verdict(tool, UNAUDITED, f"npm audit (exit {rc}) {NO_VERDICT}", detail)
            return Verdict(tool, UNAUDITED, UNREACHABLE, detail)
    # human-readable output (without --json)
    if rc == 0 and re.search(r"found 0 vulnerabilities", text):
        return Verdict(tool, CLEAN, "no known vulnerabilities")
    m = re.search(r"(\d+) (?:(low|moderate|high|critical) severity )?vulnerabilit(?:y|ies)", text)
    if m and int(m.group(1)) > 0 and "npm audit report" in text:
        return Verdict(tool, FINDINGS, f"{m.group(0)}", [])
    warn = [line for line in _lines(stderr) if "npm warn audit" in line or "npm ERR" in line or "npm error" in line]
    if any(marker in text for marker in _NPM_UNREACHABLE):
        return Verdict(tool, UNAUDITED, UNREACHABLE, warn[:1] or _lines(stderr)[:1])
    return Verdict(tool, UNAUDITED, f"npm audit (exit {rc}) {NO_VERDICT}", warn[:1] or _lines(stderr)[-1:])


# ------------------------------------------------------------------ together
def overall(verdicts: List[Verdict]) -> str:
    outcomes = {v.outcome for v in verdicts}
    if FINDINGS in outcomes:
        return FINDINGS
    if not verdicts or UNAUDITED in outcomes:
        return UNAUDITED
    return CLEAN


def render(verdicts: List[Verdict]) -> str:
    label = {CLEAN: "CLEAN", FINDINGS: "FINDINGS", UNAUDITED: "UNAUDITED"}
    out = []
    for v in verdicts:
        out.append(f"{v.tool}: {label[v.outcome]} - {v.summary}")
        out.extend(f"    {d}" for d in v.details)
    result = overall(verdicts)
    code = EXIT_CODES[result]
    if result == FINDINGS:
        tail = "known vulnerabilities in the pinned dependencies (see above)"
        if any(v.outcome == UNAUDITED for v in verdicts):
            tail += "; and some dependencies were NOT audited"
    elif result == UNAUDITED:
        tail = "could not reach the vulnerability database: NOT audited. This is NOT a clean result."
    else:
        tail = "every dependency audited; no known vulnerabilities"
    out.append(f"AUDIT: {label[result]} (exit {code}): {tail}")
    return "\n".join(out)


def _read(folder: Path, name: str) -> Optional[tuple]:
    rc_file = folder / f"{name}.rc"
    if not rc_file.exists():
        return None
    try:
        rc: Optional[int] = int(rc_file.read_text().strip())
    except ValueError:
        rc = None
    out = (folder / f"{name}.out").read_text(errors="replace") if (folder / f"{name}.out").exists() else ""
    err = (folder / f"{name}.err").read_text(errors="replace") if (folder / f"{name}.err").exists() else ""
    return rc, out, err


def report_folder(folder: Path) -> List[Verdict]:
    verdicts = []
    for name, tool, classify in (("pip-audit", "pip-audit", classify_pip_audit), ("npm-audit", "npm audit", classify_npm_audit)):
        saved = _read(folder, name)
        if saved is None:
            verdicts.append(Verdict(tool, UNAUDITED, f"{tool} did not run: NOT audited"))
        else:
            verdicts.append(classify(*saved))
    return verdicts


def main(argv: List[str]) -> int:
    if len(argv) != 1:
        print("usage: audit_report.py <folder with pip-audit.{out,err,rc} and npm-audit.{out,err,rc}>", file=sys.stderr)
        return 2
    verdicts = report_folder(Path(argv[0]))
    print(render(verdicts))
    return EXIT_CODES[overall(verdicts)]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
