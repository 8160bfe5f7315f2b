#!/usr/bin/env bash
# Set everything up, idempotently: Python 3.10 venv at .venv, pinned
# dependencies, the spaCy pipeline, and a trained model when its inputs changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3
mkdir -p .stamps logs

find_python() {
  # Rasa 3.6 needs Python >=3.8,<3.11; we use 3.10.
  if command -v python3.10 >/dev/null 2>&1 && python3.10 --version >/dev/null 2>&1; then echo python3.10; return; fi
  if command -v python3.10 >/dev/null 2>&1 && PYENV_VERSION=3.10.13 python3.10 --version >/dev/null 2>&1; then echo "env PYENV_VERSION=3.10.13 python3.10"; return; fi
  local root="${PYENV_ROOT:-$HOME/.pyenv}"
  for p in "$root"/versions/3.10*/bin/python3.10; do
    if [ -x "$p" ]; then echo "$p"; return; fi
  done
  echo "ERROR: Python 3.10 is needed (Rasa 3.6 does not run on 3.11+)." >&2
  echo "Install it, e.g. 'pyenv install 3.10.13', 'apt-get install python3.10 python3.10-venv', or 'brew install python@3.10'." >&2
  exit 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
  PY=$(find_python)
  echo "==> creating .venv with $($PY --version)"
  rm -rf .venv
  $PY -m venv .venv
fi

deps_hash=$(cat requirements.txt requirements.lock | sha256sum | cut -d' ' -f1)
if [ "$(cat .stamps/deps 2>/dev/null || true)" != "$deps_hash" ]; then
  echo "==> installing pinned dependencies (first time: a few minutes)"
  .venv/bin/python -m pip install --quiet -r requirements.txt -c requirements.lock
  echo "$deps_hash" > .stamps/deps
fi

if [ ! -f build/spacy-en-b12/meta.json ]; then
  echo "==> building the spaCy pipeline (build/spacy-en-b12)"
  .venv/bin/python -m reader.pipeline
fi

model_hash=$(cat config.yml domain.yml $(find data -name '*.yml' | sort) knowledge/*.yml knowledge/*.py reader/*.py components/*.py | sha256sum | cut -d' ' -f1)
if [ ! -f models/b12.tar.gz ] || [ "$(cat .stamps/model 2>/dev/null || true)" != "$model_hash" ]; then
  echo "==> training the model (data or config changed)"
  start=$(date +%s)
  .venv/bin/rasa train --fixed-model-name b12 --out models 2>&1 | scripts/quiet.sh | grep -E "Your Rasa model|Error|error" || true
  [ -f models/b12.tar.gz ] || { echo "ERROR: training failed; run '.venv/bin/rasa train' to see why" >&2; exit 1; }
  echo "$model_hash" > .stamps/model
  echo "==> trained in $(( $(date +%s) - start )) s"
fi
# The web widget: npm packages pinned by widget/package-lock.json, bundled with esbuild.
if command -v npm >/dev/null 2>&1; then
  lock_hash=$(cat widget/package.json widget/package-lock.json | sha256sum | cut -d' ' -f1)
  if [ ! -d widget/node_modules ] || [ "$(cat .stamps/npm 2>/dev/null || true)" != "$lock_hash" ]; then
    echo "==> installing the widget's npm packages (widget/package-lock.json)"
    (cd widget && npm ci --no-audit --no-fund --loglevel=error 2>&1 | grep -v 'nodedir' || true)
    [ -d widget/node_modules/socket.io-client ] || { echo "ERROR: npm ci failed in widget/" >&2; exit 1; }
    echo "$lock_hash" > .stamps/npm
  fi
  src_hash=$(cat widget/src/*.js widget/package-lock.json | sha256sum | cut -d' ' -f1)
  if [ ! -f widget/dist/b12-widget.js ] || [ "$(cat .stamps/widget 2>/dev/null || true)" != "$src_hash" ]; then
    echo "==> building the web widget (widget/dist/b12-widget.js)"
    (cd widget && npm run --silent build 2>&1 | grep -v 'nodedir' || true)
    [ -f widget/dist/b12-widget.js ] || { echo "ERROR: widget build failed; run 'cd widget && npm run build'" >&2; exit 1; }
    echo "$src_hash" > .stamps/widget
  fi
else
  echo "WARNING: npm not found: the web widget is not built (REST, socket.io and messaging channels still work)." >&2
  echo "         Install Node.js 18+ with npm, then run 'make setup' again." >&2
fi
echo "==> setup complete"
