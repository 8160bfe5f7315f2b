#!/usr/bin/env bash
# Dependency audit: every Python pin in requirements.lock (pip-audit, in its own
# venv, auditing the pins without installing them) and the web widget's
# production npm dependencies (npm audit --omit=dev).
#
# Exit codes:  0  audited, no known vulnerabilities
#              1  known vulnerabilities found (a finding wins over everything else)
#              2  NOT audited: the vulnerability database could not be reached,
#                 or a tool gave no verdict. Never reported as clean.
# The machines this project is built on reach no advisory service, so a run
# here ends UNAUDITED (2). Outputs are kept in build/audit/; the verdict comes
# from scripts/audit_report.py (tests/unit/test_audit_report.py).
#
# Environment: AUDIT_PYTHON (default python3: the machine's, not .venv),
# AUDIT_VENV (default build/audit-venv), AUDIT_OUT (default build/audit).
set -uo pipefail
cd "$(dirname "$0")/.."

PIP_AUDIT_VERSION=2.10.1
PYTHON=${AUDIT_PYTHON:-python3}
VENV=${AUDIT_VENV:-build/audit-venv}
OUT=${AUDIT_OUT:-build/audit}
STAMP="$VENV/.pip-audit-$PIP_AUDIT_VERSION"

# pip-audit 2.10.1 needs CacheControl>=0.13, the project pins 0.12: its own venv.
if [ ! -f "$STAMP" ]; then
  echo "audit: creating $VENV (pip-audit $PIP_AUDIT_VERSION, $("$PYTHON" --version 2>&1))"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  if ! { "$PYTHON" -m venv "$VENV" && "$VENV/bin/pip" install -q "pip-audit==$PIP_AUDIT_VERSION"; } >"$(dirname "$VENV")/audit-venv-install.log" 2>&1; then
    tail -n 5 "$(dirname "$VENV")/audit-venv-install.log"
    echo "AUDIT: UNAUDITED (exit 2): could not install pip-audit $PIP_AUDIT_VERSION: NOT audited"
    exit 2
  fi
  touch "$STAMP"
fi

rm -rf "$OUT"
mkdir -p "$OUT"

pins=$(grep -cE '^[A-Za-z0-9]' requirements.lock)
echo "audit: pip-audit --strict on requirements.lock ($pins pins, audited as listed, nothing installed)"
"$VENV/bin/pip-audit" --strict --no-deps --disable-pip --progress-spinner off \
  -r requirements.lock >"$OUT/pip-audit.out" 2>"$OUT/pip-audit.err"
echo $? >"$OUT/pip-audit.rc"

echo "audit: npm audit --omit=dev in widget/ (production dependencies of package-lock.json)"
if command -v npm >/dev/null 2>&1; then
  (cd widget && npm audit --omit=dev --json) >"$OUT/npm-audit.out" 2>"$OUT/npm-audit.err"
  echo $? >"$OUT/npm-audit.rc"
else
  echo "npm: command not found" >"$OUT/npm-audit.err"
  echo 127 >"$OUT/npm-audit.rc"
fi

"$VENV/bin/python" scripts/audit_report.py "$OUT"
status=$?
echo "audit: full outputs in $OUT/"
exit $status
