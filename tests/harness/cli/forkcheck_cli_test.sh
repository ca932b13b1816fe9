#!/usr/bin/env bash
# forkcheck's command line as a new user meets it: one case per invocation, each bounded by
# `timeout`, in a temporary directory (removed), on a free port, leaving no process behind.
#
#   forkcheck_cli_test.sh CASE FORKCHECK REFCLUSTER
set -euo pipefail
[[ $# -eq 3 ]] || { echo "usage: $0 CASE FORKCHECK REFCLUSTER" >&2; exit 2; }
case_name=$1 forkcheck=$2 refcluster=$3
source "$(dirname "$0")/kill_leftovers.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/forkcheck-cli.XXXXXX")
bg_pid=""
cleanup() {
  [[ -z $bg_pid ]] || kill -KILL "$bg_pid" 2>/dev/null || true
  kill_processes_naming "$work"
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$work"/out "$work"/err; do [[ -r $f ]] && { echo "--- $f"; tail -n 30 "$f"; }; done; exit 1; }

# A short scenario against refcluster: $1 = extra YAML lines.
scenario() {
  cat >"$work/s.yaml" <<YAML
name: cli
target: "$refcluster --port {port} --workers {workers} --events {events}"
workers: 2
port: 0
warmup_s: 0.3
duration_s: ${DURATION_S:-1.0}
start_timeout_s: 5
stop_grace_s: 2
seed: 1
# No fault: workers_restored would have nothing to judge (unknown, exit 3), so it is not asked for.
properties: [no_overshoot, no_dropped_requests, service_available, primary_alive, no_orphans]
load:
  rate_rps: 50
  connections: 2
  keep_alive: true
$1
YAML
}

run() {  # run forkcheck with a bound; status in $status
  status=0
  timeout -k 5 60 "$forkcheck" "$@" >"$work/out" 2>"$work/err" </dev/null || status=$?
}

case $case_name in
  help)  # every exit status is listed; `forkcheck help` prints the help
    run help
    ((status == 0)) || fail "forkcheck help exited $status"
    grep -q "Usage" "$work/out" || fail "forkcheck help printed no usage"
    for want in "0 every property" "1 a property failed" "2 could not run" "3 undecided" "130 interrupted"; do
      grep -qF "$want" "$work/out" || fail "help lacks '$want'"
    done
    run run --help
    grep -qF "3 undecided" "$work/out" || fail "run --help lacks the exit statuses"
    run explore --help
    grep -qE -- "--cases.*50" "$work/out" || fail "explore --help shows no default for --cases"
    grep -qF -- "--quiet" "$work/out" && grep -qF -- "--port" "$work/out" || fail "explore has no --port or --quiet"
    ;;
  vocabulary)  # one --workers limit, no negative seed, a directory is said to be one
    scenario ""
    run run "$work/s.yaml" --seed -1 --report "$work/r1"
    ((status == 2)) || fail "--seed -1 exited $status, expected 2"
    run run "$work/s.yaml" --workers 2000 --report "$work/r2"
    ((status == 2)) && grep -q "1024" "$work/err" || fail "--workers 2000 not refused with the limit 1024"
    run explore --workers 100 --cases 1 --report "$work/r3" --target "false {port}"
    grep -q "workers" "$work/err" && ((status == 2)) && fail "explore --workers 100 refused: not one limit" || true
    run run "$work" --report "$work/r4"
    ((status == 2)) && grep -q "is a directory" "$work/err" || fail "a directory as scenario: $(cat "$work/err")"
    ;;
  no_port)  # a template without {port} is refused at once
    scenario ""
    start=$(date +%s%N)
    run run "$work/s.yaml" --target "sleep 30" --report "$work/r"
    took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    ((status == 2)) || fail "exit $status, expected 2"
    grep -q "has no {port}" "$work/err" || fail "no message about {port}"
    ((took_ms < 3000)) || fail "took $took_ms ms: not at once"
    ;;
  setup_error_report)  # a run that could not be made leaves its three reports
    scenario ""
    run run "$work/s.yaml" --target "sh -c 'exit 3' {port}" --report "$work/r"
    ((status == 2)) || fail "exit $status, expected 2"
    for f in report.md report.json junit.xml; do [[ -s $work/r/$f ]] || fail "no $f"; done
    # Within launch's 50 ms settle time it "did not start"; on a busy machine it may exit just after.
    grep -qE '<error message="target (did not start|exited before listening)' "$work/r/junit.xml" ||
      fail "junit.xml has no error testcase"
    grep -q "could not run" "$work/r/report.md" || fail "report.md does not say it could not run"
    ;;
  placeholder_warning)  # a --target without the {crash_file} the scenario's file fault acts on is warned of
    scenario "faults:
  - kind: create_file
    at_s: 0.5"
    run run "$work/s.yaml" --target "$refcluster --port {port} --workers {workers}" --report "$work/r"
    ((status == 0 || status == 3)) || fail "exit $status, expected the run to be made (0 or 3)"
    grep -q "warning: fault 1 (create_file) acts on {crash_file} but the target command has no {crash_file}" "$work/err" ||
      fail "no warning about the missing {crash_file}"
    ;;
  few_workers)  # a target that forks fewer workers than N is diagnosed before the load
    scenario ""
    run run "$work/s.yaml" --workers 3 --target "$refcluster --port {port} --workers 2" --report "$work/r"
    ((status == 2)) || fail "exit $status, expected 2"
    grep -q "only 2 of 3 workers appeared" "$work/err" || fail "no 'only 2 of 3 workers appeared'"
    [[ -s $work/r/junit.xml ]] || fail "no junit.xml"
    ;;
  report_dir)  # a foreign non-empty directory is refused; forkcheck's own is emptied; fresh reproduce
    scenario ""
    mkdir -p "$work/mine" && echo keep >"$work/mine/notes.txt"
    run run "$work/s.yaml" --report "$work/mine"
    ((status == 2)) && grep -q "not made by forkcheck" "$work/err" || fail "a foreign directory was not refused"
    [[ -r $work/mine/notes.txt ]] || fail "the user's file was touched"
    run run "$work/s.yaml" --report "$work/r" --quiet
    ((status == 0)) || fail "first run exited $status"
    echo stale >"$work/r/stale.jsonl"
    run run "$work/s.yaml" --report "$work/r" --quiet
    ((status == 0)) || fail "second run exited $status"
    [[ ! -e $work/r/stale.jsonl ]] || fail "a stale file survived the reuse"
    repro=$(sed -n '/^## Reproduce/,$p' "$work/r/report.md" | sed -n '/^```sh/{n;p;}')
    for want in "--workers 2" "--port 0" "--seed 1"; do
      grep -qF -- "$want" <<<"$repro" || fail "reproduce command lacks $want: $repro"
    done
    grep -qF -- "--report" <<<"$repro" && fail "reproduce command reuses the report directory: $repro" || true
    ;;
  quiet)  # --quiet prints the verdicts and nothing else
    scenario ""
    run run "$work/s.yaml" --report "$work/r" --quiet
    ((status == 0)) || fail "exit $status"
    head -n 1 "$work/out" | grep -qE '^  (PASS|FAIL|UNKNOWN) ' || fail "first line is not a verdict: '$(head -n 1 "$work/out")'"
    grep -vqE '^  (PASS|FAIL|UNKNOWN) ' "$work/out" && fail "something besides verdicts" || true
    ;;
  preflight)  # an answer that is not the expected one is refused before the schedule: exit 2, what came back, the option
    scenario "  expected_body: \"not what refcluster answers\""
    run run "$work/s.yaml" --report "$work/r" --quiet
    ((status == 2)) || fail "exit $status, expected 2 (the pre-flight request got another body)"
    for want in "got status 200 and another body than the expected \"not what refcluster answers\"" \
                "pass --expect-body 'Hello from worker' or --any-body" "response: HTTP/1.1 200 OK" "X-Worker-Pid: " \
                'body (17 bytes): "Hello from worker"'; do
      grep -qF -- "$want" "$work/err" || fail "stderr lacks '$want'"
      grep -qF -- "$want" "$work/r/report.md" || fail "report.md lacks '$want'"
    done
    grep -q '"error_details": ".*body (17 bytes)' "$work/r/report.json" || fail "report.json has no error_details"
    grep -q "load started" "$work/out" && fail "the load started although the pre-flight was refused" || true
    run run "$work/s.yaml" --expect-status 204 --report "$work/r2" --quiet
    ((status == 2)) && grep -qF "got status 200, not an accepted one (204): pass --expect-status 204,200" "$work/err" ||
      fail "another status: exit $status: $(cat "$work/err")"
    run run "$work/s.yaml" --any-body --report "$work/r3" --quiet
    ((status == 0)) || fail "--any-body over the scenario's body: exit $status"
    run run "$work/s.yaml" --expect-body 'Hello from worker' --report "$work/r4" --quiet
    ((status == 0)) || fail "--expect-body 'Hello from worker': exit $status"
    ;;
  answer_options)  # --path, --header, --expect-status, --expect-body (C escapes) reach the load and the reproduce command
    scenario ""
    run run "$work/s.yaml" --path /healthz --header 'X-Test: one two' --expect-status 200,204 \
      --expect-body 'Hello from\x20worker' --report "$work/r" --quiet
    ((status == 0)) || fail "exit $status"
    python3 - "$work/r/report.json" <<'PY' || fail "report.json's load: $(grep -A12 '"load": {' "$work/r/report.json" | head -20)"
import json, sys
load = json.load(open(sys.argv[1]))["scenario"]["load"]
assert load["path"] == "/healthz", load
assert load["headers"] == [{"name": "X-Test", "value": "one two"}], load
assert load["accepted_statuses"] == [200, 204], load
assert load["expected_body"] == "Hello from worker", load
PY
    repro=$(sed -n '/^## Reproduce/,$p' "$work/r/report.md" | sed -n '/^```sh/{n;p;}')
    for want in "--path /healthz" "--header 'X-Test: one two'" "--expect-status 200,204" "--expect-body 'Hello from worker'"; do
      grep -qF -- "$want" <<<"$repro" || fail "reproduce command lacks $want: $repro"
    done
    run run "$work/s.yaml" --expect-body 'OK\q' --report "$work/r2"
    ((status == 2)) && grep -qF -- "--expect-body: unknown escape \q" "$work/err" || fail "a bad escape: $(cat "$work/err")"
    run run "$work/s.yaml" --expect-body x --any-body --report "$work/r3"
    ((status == 2)) || fail "--expect-body with --any-body: exit $status"
    run run "$work/s.yaml" --header 'Connection: close' --report "$work/r4"
    ((status == 2)) && grep -qF -- "--header: Connection is set by the load" "$work/err" || fail "--header Connection: $(cat "$work/err")"
    run run --help
    grep -qF -- "--expect-body" "$work/out" && grep -qF -- "--stop-signal" "$work/out" && grep -qF 'C escapes' "$work/out" ||
      fail "run --help does not document the answer options"
    ;;
  messages)  # a target told what is wrong: another port, a wrapper, its exit status; names and the library
    scenario ""
    # Listens, but on a port of its own (the kernel's choice), never on {port}: refcluster on port 0
    # (quick to listen even on a loaded machine; an interpreter may not listen within the timeout).
    run run "$work/s.yaml" --report "$work/r1" \
      --target "env FORKCHECK_PORT_NOT_USED={port} $refcluster --port 0 --workers {workers}"
    ((status == 2)) && grep -qE "did not listen on 127.0.0.1:[0-9]+ within 5 s; it listens on port [0-9]+ instead" "$work/err" ||
      fail "another port: exit $status: $(cat "$work/err")"
    # A wrapper that starts the primary without exec: the launched shell has one child with the workers.
    run run "$work/s.yaml" --report "$work/r2" --target "sh -c '\"\$0\" --port \"\$1\" --workers 2; :' $refcluster {port}"
    ((status == 2)) && grep -qF "only 1 of 2 workers appeared" "$work/err" && grep -qF "is not the primary" "$work/err" &&
      grep -qF "must start the server with exec" "$work/err" || fail "a wrapper: exit $status: $(cat "$work/err")"
    # With N = 1 the wrapper's one child (the real primary) would pass for the worker.
    run run "$work/s.yaml" --workers 1 --report "$work/r2b" --target "sh -c '\"\$0\" --port \"\$1\" --workers {workers}; :' $refcluster {port}"
    ((status == 2)) && grep -qF "the target is a shell wrapping the server; the launched process (pid" "$work/err" &&
      grep -qF "must start the server with exec" "$work/err" || fail "a wrapper at N = 1: exit $status: $(cat "$work/err")"
    run run "$work/s.yaml" --report "$work/r3" --target "sh -c 'sleep 0.3; exit 7' {port}"
    ((status == 2)) && grep -qF "target exited with status 7 before listening" "$work/err" ||
      fail "an early exit: exit $status: $(cat "$work/err")"
    ;;
  names)  # the library: a typo's nearest name, a path outside the source tree, FORKCHECK_SCENARIOS, N in list
    mkdir -p "$work/elsewhere"
    status=0 program=$(readlink -f "$forkcheck")
    (cd "$work/elsewhere" && timeout -k 5 60 "$program" run scenarios/walkthrough.yaml --report "$work/r1" \
      >"$work/out" 2>"$work/err" </dev/null) || status=$?
    ((status == 2)) && grep -qF "the library has 'walkthrough': pass its name (forkcheck run walkthrough)" "$work/err" ||
      fail "scenarios/walkthrough.yaml from elsewhere: $(cat "$work/err")"
    run run walkthruogh --report "$work/r2"
    ((status == 2)) && grep -qF "no scenario 'walkthruogh': did you mean 'walkthrough'?" "$work/err" ||
      fail "a typo: $(cat "$work/err")"
    FORKCHECK_SCENARIOS="$work/missing" run list
    ((status == 2)) && grep -qF "FORKCHECK_SCENARIOS=$work/missing: no such directory" "$work/err" ||
      fail "a missing FORKCHECK_SCENARIOS: exit $status: $(cat "$work/err")"
    run list
    grep -qE '^  burst +N=3 \(>= 3\) ' "$work/out" && grep -qE '^  walkthrough +N=auto ' "$work/out" ||
      fail "list shows no N: $(head -n 16 "$work/out")"
    run run burst --workers 2 --port 0 --report "$work/r3"
    ((status == 2)) && grep -qF "burst: N = 2 is outside what the scenario means (N >= 3" "$work/err" ||
      fail "burst at N = 2: exit $status: $(cat "$work/err")"
    run run walkthrough --seed -1 --report "$work/r4"
    ((status == 2)) && grep -qF -- "--seed: must be 0 or more" "$work/err" && (($(wc -c <"$work/err") < 200)) ||
      fail "--seed -1: $(cat "$work/err")"
    ;;
  explore_options)  # explore writes the answer flags into each case's scenario; a refused answer stops it
    run explore --target "$refcluster --port {port} --workers {workers}" --cases 1 --seed 1 --path /healthz \
      --header 'X-Explore: 1' --expect-body 'nope\n' --stop-signal SIGQUIT --report "$work/r"
    ((status == 2)) || fail "exit $status, expected 2 (the case's pre-flight answer is refcluster's body)"
    grep -qF "another body than the expected \"nope\n\"" "$work/err" || fail "explore does not say why: $(cat "$work/err")"
    case=$work/r/cases/case-1/scenario.yaml
    for want in '  path: "/healthz"' '    "X-Explore": "1"' '  expected_body: "nope\n"' 'stop_signal: SIGQUIT'; do
      grep -qF -- "$want" "$case" || fail "the case's scenario lacks '$want': $(cat "$case")"
    done
    ;;
  stop_signal)  # the harness's own stop sends the scenario's stop signal (here a server stopping cleanly on SIGQUIT)
    server="python3 $(dirname "$0")/../../fixtures/prefork_server.py --port {port} --workers {workers} --graceful-signal QUIT --reraise"
    # What the stop does is judged by no_orphans; request timings are none of this case's business.
    # An interpreter starts slower than refcluster: the walkthrough's start timeout (10 s), not 5 s.
    scenario "" && sed -i 's/^properties: .*/properties: [primary_alive, no_orphans]/; s/^start_timeout_s: .*/start_timeout_s: 10/' "$work/s.yaml"
    run run "$work/s.yaml" --target "$server" --path /healthz --expect-body 'OK\n' --stop-signal QUIT --report "$work/r" --quiet
    ((status == 0)) || fail "exit $status"
    python3 - "$work/r/report.json" <<'PY' || fail "the stop: $(grep -A12 '"stop": {' "$work/r/report.json")"
import json, signal, sys
stop = json.load(open(sys.argv[1]))["history"]["stop"]
assert stop["stop_signal"] == signal.SIGQUIT, stop
assert stop["primary_exit_signal"] == signal.SIGQUIT, stop  # drained, then re-raised what it was sent
PY
    grep -qF -- "--stop-signal SIGQUIT" "$work/r/report.md" || fail "the reproduce command lacks --stop-signal"
    ;;
  interrupt)  # SIGINT: the target stops, a partial report marked interrupted, exit 130
    DURATION_S=30 scenario ""
    "$forkcheck" run "$work/s.yaml" --report "$work/r" >"$work/out" 2>"$work/err" </dev/null &
    bg_pid=$!
    for _ in $(seq 1 200); do grep -q "load started" "$work/out" 2>/dev/null && break; sleep 0.05; done
    grep -q "load started" "$work/out" || fail "the load never started"
    kill -INT "$bg_pid"
    status=0
    timeout 20 tail --pid="$bg_pid" -f /dev/null || fail "forkcheck did not exit 20 s after SIGINT"
    wait "$bg_pid" || status=$?
    bg_pid=""
    ((status == 130)) || fail "exit $status, expected 130"
    grep -q "interrupted" "$work/r/report.md" || fail "report.md is not marked interrupted"
    grep -q 'type="interrupted"' "$work/r/junit.xml" || fail "junit.xml has no interrupted error"
    grep -q '"interrupted"' "$work/r/report.json" || fail "report.json is not marked interrupted"
    ;;
  interrupt_cancelled)  # requests the interrupt cuts are `cancelled`, counted by no property
    # Every worker is SIGSTOPped, so each fresh connection's request hangs in flight (queued on the
    # shared socket, never answered, long before its 20 s timeout) until SIGINT cuts it.
    DURATION_S=30 scenario "  timeout_ms: 20000
faults:
  - kind: stop_worker
    at_s: 0.4
    victims: 2"
    sed -i -e 's/^properties: .*/properties: [no_dropped_requests, service_available]/' \
      -e 's/keep_alive: true/keep_alive: false/' "$work/s.yaml"
    "$forkcheck" run "$work/s.yaml" --report "$work/r" >"$work/out" 2>"$work/err" </dev/null &
    bg_pid=$!
    stopped_workers() {  # the target's workers (children of forkcheck's child, the primary) in state T
      local n=0 stat primary worker
      for primary in $(cat /proc/"$bg_pid"/task/*/children 2>/dev/null); do
        for worker in $(cat /proc/"$primary"/task/*/children 2>/dev/null); do
          stat=$(cat "/proc/$worker/stat" 2>/dev/null) || continue
          [[ ${stat##*) } == T* ]] && n=$((n + 1))
        done
      done
      echo "$n"
    }
    for _ in $(seq 1 200); do (($(stopped_workers) >= 2)) && break; sleep 0.05; done
    (($(stopped_workers) >= 2)) || fail "the stop_worker fault never stopped both workers"
    kill -INT "$bg_pid"
    status=0
    timeout 30 tail --pid="$bg_pid" -f /dev/null || fail "forkcheck did not exit 30 s after SIGINT"
    wait "$bg_pid" || status=$?
    bg_pid=""
    ((status == 130)) || fail "exit $status, expected 130"
    cancelled=$(awk -F'\t' 'NR > 2 && $10 == "cancelled"' "$work/r/requests.tsv" | wc -l)
    ((cancelled > 0)) || fail "requests.tsv records no cancelled request"
    grep -q '<failure' "$work/r/junit.xml" && fail "a property failed because of the interrupt: $(grep -A2 '<failure' "$work/r/junit.xml")"
    grep -qE '"cancelled": [1-9]' "$work/r/report.json" || fail "report.json counts no cancelled request"
    grep -q "cancelled by the interrupt" "$work/r/report.md" || fail "report.md does not show the cancelled requests apart"
    echo "$cancelled request(s) cancelled by the interrupt; no property failed"
    ;;
  threshold)  # a scenario's threshold is a property: an impossible bound fails the run, in every report
    scenario "faults:
  - kind: kill_worker
    at_s: 0.5
thresholds:
  recovery_ms_max: 0.001"
    run run "$work/s.yaml" --report "$work/r"
    ((status == 1)) || fail "exit $status, expected 1 (no recovery takes 1 us)"
    grep -qE '^  FAIL +recovery_time' "$work/out" || fail "the console names no failing recovery_time"
    for f in report.md report.json junit.xml report.html; do
      grep -q "recovery_time" "$work/r/$f" || fail "$f does not name recovery_time"
      grep -qF "(bound 0.001 ms)" "$work/r/$f" || fail "$f does not quote the bound applied"
    done
    ;;
  by_name)  # a library scenario by name, from another directory; the reproduce command keeps the name
    scenario ""
    mkdir -p "$work/lib" "$work/elsewhere" && mv "$work/s.yaml" "$work/lib/cli_short.yaml"
    status=0 program=$(readlink -f "$forkcheck")
    (cd "$work/elsewhere" && FORKCHECK_SCENARIOS="$work/lib" timeout -k 5 60 "$program" run cli_short \
      --report "$work/r" --quiet >"$work/out" 2>"$work/err" </dev/null) || status=$?
    ((status == 0)) || fail "run cli_short exited $status"
    grep -q '^# forkcheck report: cli' "$work/r/report.md" || fail "report.md does not name the scenario 'cli'"
    sed -n '/^## Reproduce/,$p' "$work/r/report.md" | grep -qE 'forkcheck run cli_short ' ||
      fail "the reproduce command does not replay by name: $(sed -n '/^## Reproduce/,$p' "$work/r/report.md")"
    FORKCHECK_SCENARIOS="$work/lib" run run no_such_scenario --report "$work/r2"
    ((status == 2)) || fail "an unknown name exited $status, expected 2"
    grep -q "no scenario 'no_such_scenario'" "$work/err" && grep -q "library:.* cli_short" "$work/err" ||
      fail "the unknown name's error does not list the library: $(cat "$work/err")"
    ;;
  list)  # forkcheck list: scenarios with their description, files that are not scenarios apart, properties, targets
    mkdir -p "$work/lib/targets"
    printf 'description: First sentence here. Second one.\nduration_s: 2\n' >"$work/lib/alpha.yaml"
    printf 'targets:\n  - name: x\n' >"$work/lib/a_suite.yaml"
    printf 'name: mine\ndescription: My suite. More.\nscenarios: [alpha]\ntargets:\n  - name: x\n    command: "true {port}"\n' >"$work/lib/my_suite.yaml"
    printf '#!/bin/sh\n# Mine as a forkcheck target: mine.sh PORT WORKERS\nexec true\n' >"$work/lib/targets/mine.sh"
    printf '# helper, not a launcher\n' >"$work/lib/targets/helper.conf"
    FORKCHECK_SCENARIOS="$work/lib" run list
    ((status == 0)) || fail "list exited $status"
    grep -qE '^  alpha +N=auto +First sentence here\.$' "$work/out" || fail "alpha not listed with its N and first sentence"
    sed -n '/^Other YAML/,/^$/p' "$work/out" | grep -q "a_suite: .*unknown key" || fail "a_suite not listed apart"
    sed -n '/^Scenarios/,/^$/p' "$work/out" | grep -q "a_suite" && fail "a_suite listed as a scenario" || true
    sed -n '/^Suites/,/^$/p' "$work/out" | grep -qE '^  my_suite +My suite\.$' || fail "my_suite not listed as a suite"
    grep -qE '^  workers_restored +after each fault' "$work/out" || fail "no property line"
    grep -qE '^  mine.sh +Mine as a forkcheck target' "$work/out" || fail "the target is not listed"
    grep -q "helper.conf" "$work/out" && fail "a helper file is listed as a target" || true
    FORKCHECK_SCENARIOS="$work/lib" run list --json
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [s["name"] for s in d["scenarios"]]==["alpha"], d; assert len(d["properties"])>=13; assert d["targets"][0]["file"]=="mine.sh"' "$work/out" ||
      fail "list --json: $(cat "$work/out")"
    ;;
  ipv6)  # load.host ::1 end to end: refcluster on [::1], path and headers, a kill excused over IPv6, wire fuzz
    cat >"$work/s.yaml" <<YAML
name: ipv6
target: "$refcluster --host {host} --port {port} --workers {workers} --events {events}"
workers: 2
port: 0
warmup_s: 0.3
duration_s: 1.5
start_timeout_s: 5
stop_grace_s: 2
properties: [workers_restored, no_overshoot, no_dropped_requests, service_available, primary_alive, no_orphans, no_worker_crash_on_input]
load:
  host: "::1"
  path: /healthz
  headers:
    X-Forkcheck-Test: ipv6
  rate_rps: 100
  connections: 4
faults:
  - kind: kill_worker
    at_s: 0.6
  - kind: wire_fuzz
    at_s: 0.4
    inputs: 4
YAML
    run run "$work/s.yaml" --report "$work/r"
    ((status == 0)) || fail "exit $status over ::1"
    grep -qF -- "--host ::1 " "$work/out" || fail "refcluster was not told --host ::1: $(head -n 1 "$work/out")"
    grep -qE 'no_worker_crash_on_input: .*4 wire-fuzz input\(s\) sent \(answered [1-9]' "$work/out" ||
      fail "the wire fuzzer got no answer over ::1"
    grep -qE 'PASS +no_dropped_requests: no request dropped of [1-9][0-9]+ requests' "$work/out" ||
      fail "no load request succeeded over ::1"
    ;;
  step_summary)  # $GITHUB_STEP_SUMMARY gets the run's summary appended; an unwritable one is a warning only
    scenario "faults:
  - kind: kill_worker
    at_s: 0.4"
    echo "an earlier step" >"$work/summary.md"
    GITHUB_STEP_SUMMARY=$work/summary.md run run "$work/s.yaml" --report "$work/r" --quiet
    ((status == 0)) || fail "exit $status"
    [[ $(head -n 1 "$work/summary.md") == "an earlier step" ]] || fail "the earlier summary was not kept"
    grep -qF '### forkcheck run `cli`: pass (exit 0)' "$work/summary.md" || fail "no verdict line: $(cat "$work/summary.md")"
    grep -qE '^Recovery .*F1 [0-9.]+ ms' "$work/summary.md" || fail "no recovery figure: $(cat "$work/summary.md")"
    grep -qF "Report: \`$work/r/report.html\`" "$work/summary.md" || fail "no report path: $(cat "$work/summary.md")"
    GITHUB_STEP_SUMMARY=$work/missing/summary.md run run "$work/s.yaml" --report "$work/r2" --quiet
    ((status == 0)) || fail "an unwritable summary file changed the exit status to $status"
    grep -q 'warning: could not append the summary' "$work/err" || fail "no warning for an unwritable summary"
    GITHUB_STEP_SUMMARY=$work/summary.md run run "$work/s.yaml" --target "sh -c 'exit 3' {port}" --report "$work/r3"
    ((status == 2)) || fail "exit $status, expected 2"
    grep -qF 'could not run (exit 2)' "$work/summary.md" || fail "a run that could not be made left no summary"
    ;;
  *) fail "unknown case $case_name" ;;
esac
echo "PASS: $case_name"
