#!/usr/bin/env bash
# Runs one scenario against refcluster and each installed peer (Node cluster, gunicorn, nginx) in one
# session, and prints verdicts and figures side by side (a markdown table). Peers that are not
# installed are listed as such. Usage:
#   bench/compare_peers.sh [--forkcheck PATH] [--scenario FILE] [--workers N] [--out FILE]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
forkcheck=$root/build/release/harness/forkcheck
scenario=$root/scenarios/walkthrough.yaml
workers=2
out=""
while (($#)); do
  case $1 in
    --forkcheck) forkcheck=$2; shift 2 ;;
    --scenario) scenario=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "compare_peers.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -x $forkcheck ]] || { echo "compare_peers.sh: no forkcheck at $forkcheck (build the release preset)" >&2; exit 2; }
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

declare -A targets=(
  [refcluster]=""
  [node]="node scenarios/targets/node-cluster.mjs {port} {workers}"
  [gunicorn]="scenarios/targets/gunicorn-target.sh {port} {workers}"
  [nginx]="scenarios/targets/nginx-target.sh {port} {workers}"
)
declare -A needs=([refcluster]=true [node]=node [gunicorn]=gunicorn [nginx]=nginx)

for name in refcluster node gunicorn nginx; do
  if ! command -v "${needs[$name]}" >/dev/null 2>&1 && [[ ${needs[$name]} != true ]]; then
    echo "{\"missing\": true}" > "$work/$name.json"; continue
  fi
  args=(run "$scenario" --port 0 --workers "$workers" --quiet --report "$work/$name")
  [[ -n ${targets[$name]} ]] && args+=(--target "${targets[$name]}")
  echo "compare_peers.sh: $name ..." >&2
  code=0
  timeout 120 "$forkcheck" "${args[@]}" >/dev/null 2>"$work/$name.err" || code=$?
  if [[ -f $work/$name/report.json ]]; then cp "$work/$name/report.json" "$work/$name.json"
  else echo "{\"error\": \"exit $code: $(head -c 200 "$work/$name.err" | tr -d '\"\n')\"}" > "$work/$name.json"; fi
done

python3 - "$work" "$scenario" "$workers" > "$work/table.md" <<'PY'
import json, sys, os
work, scenario, workers = sys.argv[1], sys.argv[2], sys.argv[3]
names = ["refcluster", "node", "gunicorn", "nginx"]
reports = {n: json.load(open(os.path.join(work, n + ".json"))) for n in names}
props = []
for r in reports.values():
    for p in r.get("properties", []):
        if p["name"] not in props: props.append(p["name"])
def cell(r, f):
    if r.get("missing"): return "not installed"
    if "error" in r: return "could not run"
    return f(r)
def verdict(name):
    return lambda r: next((p["verdict"] for p in r["properties"] if p["name"] == name), "—")
def recovery(r):
    rs = [x["recovery_ns"] / 1e6 for x in r.get("recoveries", []) if x.get("recovery_ns") is not None]
    return "/".join(f"{v:.1f}" for v in rs) if rs else "—"
def failed(r): return f'{r["load"]["failed"]} of {r["load"]["requests"]}'
def p99(r): return f'{r["load"]["latency_us"]["p99"] / 1000:.2f}'
rows = [("verdict", lambda r: r["verdict"])] + [(f"`{p}`", verdict(p)) for p in props] + [
    ("recovery after the kill (ms)", recovery), ("requests failed", failed), ("latency p99 (ms)", p99)]
print(f"Scenario `{scenario}`, N = {workers}, one session.\n")
print("| | " + " | ".join(names) + " |")
print("|---|" + "---|" * len(names))
for label, f in rows:
    print(f"| {label} | " + " | ".join(cell(reports[n], f) for n in names) + " |")
for n in names:
    if "error" in reports[n]: print(f"\n{n}: {reports[n]['error']}")
PY
cat "$work/table.md"
[[ -n $out ]] && cp "$work/table.md" "$out"
exit 0
