#!/usr/bin/env bash
# Overhead of the resource-broker's authenticating reverse proxy (issue 13 goal: at most 1 ms added at p99). Starts
# `panosc up --demo` (embedded PostgreSQL under a temporary directory), creates a session for alice (the local
# driver's built-in page, which answers only its access secret), then drives the same page with the native load
# generator wrk (--latency), in the same run:
#   direct: GET <the session's own URL>   with Authorization: Bearer <the session's access secret>
#   proxy:  GET <base>/broker/s/<id>/     with Authorization: Bearer <alice's broker token> (verified, the session
#           looked up, owner checked, secret injected, hop-by-hop headers stripped, X-Forwarded-* set, activity
#           recorded — the whole path a user's request takes)
# A warm-up per target, then BENCH_ROUNDS measured runs per target, alternating which goes first. Before the runs
# both answers are checked (200, the same page); a run with any non-2xx answer or socket error fails. Reported: per
# run requests/s and latency percentiles (p50, p90, p99), the medians, p99 added (proxy − direct) and the ratio of
# requests/s (proxy / direct).
# Results: benchmarks/results/<UTC>-broker-proxy.json and a summary on stdout.
#
#   benchmarks/broker-proxy-benchmark.sh
#   BENCH_SKIP_BUILD=1 BENCH_ROUNDS=5 benchmarks/broker-proxy-benchmark.sh
#
# Environment: BENCH_ROUNDS (3), BENCH_CONNECTIONS (16), BENCH_WRK_THREADS (2), BENCH_WARMUP (10 s),
# BENCH_DURATION (20 s), BENCH_OURS_PORT (18680), BENCH_SKIP_BUILD=1 (reuse panosc.jar), BENCH_PANOSC_JAVA_OPTS (added
# to the control plane's JVM, e.g. -XX:StartFlightRecording=settings=profile,filename=/tmp/proxy.jfr).
# Requires: wrk (`apt-get install wrk`), curl, python3.
set -euo pipefail

BENCH_NAME=broker-proxy-benchmark
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$ROOT"

PORT="${BENCH_OURS_PORT:-18680}"
ROUNDS="${BENCH_ROUNDS:-3}"
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
for n in ROUNDS WRK_THREADS CONNECTIONS WARMUP DURATION PORT; do
  [[ "${!n}" =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer, not '${!n}'"
done
need_wrk
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required"

LOAD_AT_START="$(cat /proc/loadavg)"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
RESULTS="$ROOT/benchmarks/results"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/broker-proxy-benchmark.XXXXXX")"
mkdir -p "$RESULTS" "$WORK/runs"
PANOSC_PID=""
cleanup() {
  local rc=$?
  stop_pid "$PANOSC_PID" "control plane"
  if [[ $rc -ne 0 ]]; then say "failed (exit $rc); logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -f control-plane/target/panosc.jar ]]; then
  say "building the control plane (./mvnw -pl control-plane -am package)"
  ./mvnw -B -q -DskipTests -pl control-plane -am package
fi

cat > "$WORK/panosc.yaml" <<YAML
logging:
  level: warn
services:
  aai:
    accessTokenLifetime: 60m
YAML
port_free "$PORT" || die "port $PORT is taken (BENCH_OURS_PORT)"
say "starting the control plane on port $PORT ($(load))"
PANOSC_JAVA_OPTS="-Djava.io.tmpdir=$WORK ${BENCH_PANOSC_JAVA_OPTS:-}" ./panosc up --demo --port "$PORT" --data-dir "$WORK/data" \
  --config "$WORK/panosc.yaml" > "$WORK/panosc.log" 2>&1 &
PANOSC_PID=$!
URL="http://127.0.0.1:$PORT"
wait_http "$URL/broker/health/ready" 240 "$PANOSC_PID" "control plane" "$WORK/panosc.log"

# the broker's audience is its public URL (http://localhost:<port>/broker under panosc up)
TOKEN="$(./panosc token --user alice --audience "http://localhost:$PORT/broker" --url "http://localhost:$PORT" \
  2>"$WORK/token.err")" \
  || { cat "$WORK/token.err" >&2; die "no broker token for alice"; }
CREATED="$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"image":"jupyter","flavour":"small","datasets":["10.15151/ESRF-DC-2415002"]}' "$URL/broker/v1/sessions")" \
  || die "the session could not be created"
ID="$(echo "$CREATED" | json '["id"]')"
SECRET="$(echo "$CREATED" | json '["accessSecret"]')"
DIRECT=""
for ((i = 0; i < 120; i++)); do
  S="$(curl -sf -H "Authorization: Bearer $TOKEN" "$URL/broker/v1/sessions/$ID")"
  if [[ "$(echo "$S" | json '["state"]')" == RUNNING ]]; then DIRECT="$(echo "$S" | json '["url"]')"; break; fi
  sleep 0.5
done
[[ -n "$DIRECT" ]] || die "session $ID did not become RUNNING"
PROXY="$URL/broker/s/$ID/"
say "session $ID: direct $DIRECT, proxy $PROXY"

# the same page both ways, and only with credentials
curl -sf -H "Authorization: Bearer $SECRET" "$DIRECT" > "$WORK/direct.html" || die "the direct page does not answer"
curl -sf -H "Authorization: Bearer $TOKEN" "$PROXY" > "$WORK/proxy.html" || die "the proxied page does not answer"
cmp -s "$WORK/direct.html" "$WORK/proxy.html" || die "the proxied page differs from the direct one"
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$PROXY")" == 401 ]] || die "the proxy answers without credentials"

run() {  # run NAME URL AUTH SECONDS OUT
  wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${4}s" --latency -H "Authorization: Bearer $3" "$2" > "$5" 2>&1 \
    || { cat "$5" >&2; die "wrk failed ($1)"; }
  if grep -q "Non-2xx\|Socket errors" "$5"; then cat "$5" >&2; die "$1: non-2xx answers or socket errors"; fi
}
say "warm-up ${WARMUP} s each ($(load))"
run direct "$DIRECT" "$SECRET" "$WARMUP" "$WORK/warm-direct.txt"
run proxy "$PROXY" "$TOKEN" "$WARMUP" "$WORK/warm-proxy.txt"
for ((r = 1; r <= ROUNDS; r++)); do
  if ((r % 2)); then order=(direct proxy); else order=(proxy direct); fi
  for t in "${order[@]}"; do
    say "round $r: $t ${DURATION} s ($(load))"
    echo "$(load)" > "$WORK/runs/$r-$t.load"
    if [[ $t == direct ]]; then run direct "$DIRECT" "$SECRET" "$DURATION" "$WORK/runs/$r-$t.txt"
    else run proxy "$PROXY" "$TOKEN" "$DURATION" "$WORK/runs/$r-$t.txt"; fi
  done
done

OUT="$RESULTS/$STAMP-broker-proxy.json"
python3 - "$WORK/runs" "$OUT" "$ROUNDS" "$CONNECTIONS" "$WRK_THREADS" "$DURATION" "$LOAD_AT_START" \
  "$(cat /proc/loadavg)" "$("$JAVA" -version 2>&1 | head -1)" <<'PY'
import json, os, re, statistics, sys
runs, out, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
def ms(v):
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", v)
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
def parse(path):
    text = open(path).read()
    p = {k: ms(v) for k, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", text, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    reqs = int(re.search(r"(\d+) requests in", text).group(1))
    return {"requests": reqs, "rps": rps, "p50_ms": p["50"], "p90_ms": p["90"], "p99_ms": p["99"]}
res = {"direct": [], "proxy": []}
for r in range(1, rounds + 1):
    for t in ("direct", "proxy"):
        x = parse(os.path.join(runs, f"{r}-{t}.txt"))
        x["round"] = r
        x["load"] = open(os.path.join(runs, f"{r}-{t}.load")).read().strip()
        res[t].append(x)
med = {t: {k: statistics.median(x[k] for x in res[t]) for k in ("rps", "p50_ms", "p90_ms", "p99_ms")} for t in res}
added = [p["p99_ms"] - d["p99_ms"] for d, p in zip(res["direct"], res["proxy"])]
summary = {
    "benchmark": "broker-proxy", "connections": int(sys.argv[4]), "wrk_threads": int(sys.argv[5]),
    "duration_s": int(sys.argv[6]), "load_at_start": sys.argv[7], "load_at_end": sys.argv[8], "jdk": sys.argv[9],
    "runs": res, "median": med,
    "p99_added_ms_per_round": [round(a, 3) for a in added],
    "p99_added_ms_median": round(statistics.median(added), 3),
    "p50_added_ms_median": round(med["proxy"]["p50_ms"] - med["direct"]["p50_ms"], 3),
    "rps_ratio_proxy_over_direct": round(med["proxy"]["rps"] / med["direct"]["rps"], 3),
    "goal": "p99 added <= 1 ms",
}
json.dump(summary, open(out, "w"), indent=2)
print(json.dumps({k: summary[k] for k in ("median", "p99_added_ms_per_round", "p99_added_ms_median",
                                          "p50_added_ms_median", "rps_ratio_proxy_over_direct")}, indent=2))
PY
say "results: $OUT"
