# The front door. `make run` sets everything up and starts the assistant;
# `make test` runs every test. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONPATH := $(CURDIR)
PY := .venv/bin/python
RASA := .venv/bin/rasa

.PHONY: run setup train spacy shell validate domain rules unit stories evaluate bench integration browser screenshots production security bench-scale soak topology k8s-config erase latency measure test clean audit check-deploy

run: setup                ## set up (venv, deps, spaCy pipeline, model) and start the servers
	scripts/run.sh

setup:                    ## idempotent: only redoes what changed
	scripts/setup.sh

train: setup              ## (re)train when data or config changed

spacy:
	$(PY) -m reader.pipeline

shell: setup              ## chat in the terminal (the action server must run: `make run` elsewhere)
	$(PY) -m rasa_cli shell --model models/b12.tar.gz

validate: setup           ## Rasa's own data and domain checks (any warning fails), and domain.yml in step with the question table
	$(PY) scripts/build_domain.py --check
	$(PY) scripts/build_rules.py --check
	@# the form asks its utter_ask_q_* responses itself; Rasa 3.6's validator still calls them unused: the only warning let through
	mkdir -p logs; $(RASA) data validate 2>&1 | scripts/quiet.sh > logs/validate.log
	! grep -v -E "utterance 'utter_ask_q_[a-z0-9_]+' is not used in any story or rule" logs/validate.log | grep -E "UserWarning| WARNING |Error| ERROR "
	@echo "data and domain valid"

domain:                   ## write the interview's questions (knowledge/questions.yml, via engine/questions.py) into domain.yml
	$(PY) scripts/build_domain.py

rules:                    ## write data/rules/interview.yml (the rules around the interview form)
	$(PY) scripts/build_rules.py

unit: setup               ## layering check (import-linter), then reader, engine, guardrails, actions: no servers
	.venv/bin/lint-imports
	$(PY) -m pytest tests/unit -q

stories: setup            ## end-to-end conversation stories
	$(PY) -m rasa_cli test core --model models/b12.tar.gz --stories data/stories --fail-on-prediction-errors --out results/stories 2>&1 | scripts/quiet.sh | tail -n 12

evaluate: setup           ## how well it understands: the blind sets (real language, blind patients, red team; dev and test) and the older sets; BASE=http://host:5005 TOKEN=... uses running servers
	$(RASA) test nlu --nlu data/nlu --cross-validation --folds 5 --out results/crossval 2>&1 | scripts/quiet.sh | grep -E "Intent evaluation|F1-Score|Precision|Accuracy" | head -n 4
	$(PY) scripts/evaluate_nlu.py --verbose tests/nlu/test.yml tests/nlu/dev.yml
	$(PY) scripts/evaluate_nlu.py --report reports/robustness.json $(sort $(wildcard tests/nlu/robustness/*.yml))
	$(PY) scripts/evaluate_conversations.py
	$(PY) scripts/update_readme_results.py --headline
	$(PY) scripts/evaluate_evidence.py --readme --verbose $(if $(BASE),--base $(BASE) $(if $(TOKEN),--token $(TOKEN)))

bench: setup              ## speed and cost against a stock `rasa init` assistant (1, 10, 50 concurrent)
	$(PY) scripts/bench.py
	$(PY) scripts/update_readme_results.py --headline

integration: setup        ## starts the real servers and talks to them over HTTP
	$(PY) -m pytest tests/integration -q

browser: setup            ## the web widget in headless Chromium (installs Debian's chromium if missing); screenshots in tests/browser/screenshots
	scripts/setup_browser.sh
	$(PY) -m pytest tests/browser -q

screenshots: setup        ## refresh the README's widget screenshots in docs/
	scripts/setup_browser.sh
	UPDATE_SCREENSHOTS=1 $(PY) -m pytest tests/browser -q

production: setup         ## scale-out and store-fault tests on real processes (throwaway PostgreSQL and Redis, nginx; installs the Debian packages if missing)
	scripts/setup_production.sh
	$(PY) -m pytest tests/production/test_topology.py tests/production/test_store_faults.py tests/production/test_deploy_offline.py -q

security: setup           ## security, privacy, action-server faults and fuzz tests on real servers (a throwaway PostgreSQL)
	scripts/setup_production.sh
	$(PY) -m pytest tests/production/test_security.py tests/production/test_privacy.py tests/production/test_fuzz.py tests/production/test_action_faults.py -q

bench-scale: setup        ## 1 vs 2 Rasa processes vs SANIC_WORKERS=2 through nginx; reports/scale.json
	scripts/setup_production.sh
	$(PY) scripts/bench_scale.py

soak: setup               ## steady load through nginx for MINUTES (default 5); reports/soak.json
	scripts/setup_production.sh
	$(PY) scripts/soak.py --minutes $(or $(MINUTES),5)

topology: setup           ## run the production topology locally (2 Rasa processes behind nginx) until Ctrl-C
	scripts/setup_production.sh
	$(PY) -m tests.production.topology --rasa 2

k8s-config:               ## re-render deploy/k8s/configmap.yaml from deploy/endpoints.yml and credentials.yml
	$(PY) deploy/render_k8s_config.py

erase: setup              ## erase conversations: make erase SENDER=<id>, or make erase DAYS=<n>
	$(PY) scripts/erase.py $(if $(SENDER),--sender "$(SENDER)",--older-than-days $(DAYS))

audit:                    ## dependency audit: pip-audit --strict on requirements.lock (own venv) and npm audit of the widget; exit 0 clean, 1 findings, 2 NOT audited
	scripts/audit.sh

check-deploy:             ## compose file, Dockerfile and Kubernetes manifests validated offline (no engine, no cluster)
	scripts/check_deploy.sh

latency: setup            ## per-turn REST latency, one conversation at a time
	$(PY) scripts/measure_latency.py

measure: setup            ## every figure, written into README.md: evaluate, latency, training time, bench
	$(MAKE) --no-print-directory evaluate
	$(PY) scripts/measure_latency.py --train
	$(MAKE) --no-print-directory bench

test: setup               ## every test, in two lanes at once (scripts/test_all.sh; TEST_LANES=1 for one after the other)
	scripts/test_all.sh

clean:
	rm -rf models build results reports .stamps logs rasa.db widget/dist widget/node_modules tests/browser/screenshots
