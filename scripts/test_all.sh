#!/usr/bin/env bash
# Every test, as `make test` runs it (after `make setup`), in two lanes at once.
#
# Most suites start real servers and spend much of their time waiting (start-up,
# timeouts, outages, the soak's fixed minute, the browser), so two lanes use the
# machine's two cores instead of one: lane A is the fast checks, the blind sets and
# the integration tests; lane B the browser, production topology, soak and security
# suites. Every suite starts its own servers on free ports, so the lanes share
# nothing. A lane stops at its first failure. Each lane's output goes to
# logs/test-lane-<x>.log and is printed whole at the end, lane A then lane B, so it
# is never interleaved; progress lines are printed as steps finish.
# TEST_LANES=1 runs everything one after the other instead (lane A, then lane B).
set -uo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
PY=.venv/bin/python
mkdir -p logs

LANE_A=(
  "layers|.venv/bin/lint-imports"
  "unit|$PY -m pytest tests/unit -q"
  "validate|make --no-print-directory -o setup validate"
  "stories|make --no-print-directory -o setup stories"
  "nlu held-out|$PY scripts/evaluate_nlu.py --check tests/nlu/test.yml"
  "blind sets|$PY scripts/evaluate_evidence.py --check"
  "integration|$PY -m pytest tests/integration -q"
)
LANE_B=(
  "browser|make --no-print-directory -o setup browser"
  "production|make --no-print-directory -o setup production"
  "soak|$PY scripts/soak.py --minutes 1 --out reports/soak-short.json"
  "security|make --no-print-directory -o setup security"
)

run_lane() {  # name, steps...
  local name=$1; shift
  local log="logs/test-lane-$name.log" status=0
  : > "$log"
  for step in "$@"; do
    local label=${step%%|*} cmd=${step#*|} start=$SECONDS
    echo "==> [$name] $label: $cmd" >> "$log"
    if bash -c "$cmd" >> "$log" 2>&1; then
      echo "==> [$name] $label: ok ($((SECONDS - start)) s)"
    else
      echo "==> [$name] $label: FAILED ($((SECONDS - start)) s); see $log"
      status=1
      break
    fi
  done
  return $status
}

start=$SECONDS
if [ "${TEST_LANES:-2}" = 1 ]; then
  run_lane a "${LANE_A[@]}"; a=$?
  b=1; [ $a = 0 ] && { run_lane b "${LANE_B[@]}"; b=$?; }
else
  run_lane a "${LANE_A[@]}" & pid_a=$!
  run_lane b "${LANE_B[@]}" & pid_b=$!
  wait $pid_a; a=$?
  wait $pid_b; b=$?
fi

for lane in a b; do
  echo
  echo "================================ lane $lane (logs/test-lane-$lane.log)"
  cat "logs/test-lane-$lane.log"
done
echo
echo "make test: lane A $([ $a = 0 ] && echo passed || echo FAILED), lane B $([ $b = 0 ] && echo passed || echo FAILED) in $((SECONDS - start)) s"
lanes_passed=$(( (a == 0) + (b == 0) ))
echo "lanes: $lanes_passed passed, $(( 2 - lanes_passed )) failed"
[ $a = 0 ] && [ $b = 0 ]
