# The front door. `make run` sets everything up and starts the assistant;
# `make test` runs every test. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONPATH := $(CURDIR)
PY := .venv/bin/python
RASA := .venv/bin/rasa

.PHONY: run setup train spacy shell validate unit stories evaluate integration latency measure test clean

run: setup                ## set up (venv, deps, spaCy pipeline, model) and start the servers
	scripts/run.sh

setup:                    ## idempotent: only redoes what changed
	scripts/setup.sh

train: setup              ## (re)train when data or config changed

spacy:
	$(PY) -m actions.nlu.pipeline

shell: setup              ## chat in the terminal (the action server must run: `make run` elsewhere)
	$(RASA) shell --model models/b12.tar.gz

validate: setup           ## Rasa's own data and domain checks
	$(RASA) data validate --fail-on-warnings 2>&1 | scripts/quiet.sh

unit: setup               ## engine, extractor, guardrails, actions: no servers
	$(PY) -m pytest tests/unit -q

stories: setup            ## end-to-end conversation stories
	$(RASA) test core --model models/b12.tar.gz --stories tests/stories --fail-on-prediction-errors --out results/stories 2>&1 | scripts/quiet.sh | tail -n 12

evaluate: setup           ## NLU on the held-out test set (and dev sets): intent and entity scores
	$(PY) scripts/evaluate_nlu.py --check tests/nlu/test.yml

integration: setup        ## starts the real servers and talks to them over HTTP
	$(PY) -m pytest tests/integration -q

latency: setup            ## per-turn REST latency, one conversation at a time
	$(PY) scripts/measure_latency.py

measure: setup            ## every figure (NLU on all sets, latency, training time), written into README.md
	-$(PY) scripts/evaluate_nlu.py tests/nlu/test.yml tests/nlu/dev.yml
	$(PY) scripts/measure_latency.py --train
	$(PY) scripts/update_readme_results.py

test: setup               ## every test
	$(PY) -m pytest tests/unit -q
	$(MAKE) --no-print-directory validate
	$(MAKE) --no-print-directory stories
	$(MAKE) --no-print-directory evaluate
	$(PY) -m pytest tests/integration -q
	$(PY) scripts/measure_latency.py --check

clean:
	rm -rf models build results reports .stamps logs rasa.db
