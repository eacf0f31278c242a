#!/usr/bin/env bash
# HTTP benchmark of the policy-decision-point (issue goals: ≥ 20 000 single decisions/s over HTTP with the decision
# log on, the decision log costing ≤ 15 % of that; a million-row ingest). Starts `panosc up --demo` twice on this
# machine, one with the decision log on and one with it off (each with its own embedded PostgreSQL, both up at
# once), then:
#   1. ingest:     POST /pdp/v1/ingest of a generated NDJSON file of BENCH_INGEST_ROWS rows (2 000 proposals,
#                  20 000 members, the rest datasets) to each server, timed with curl;
#   2. check:      BENCH_BODIES distinct evaluation requests (a user and a dataset each; 3 in 4 a member of the
#                  dataset's proposal: permit, 1 in 4 not: deny) are generated with their expected decisions, and
#                  every one is checked against each server through /access/v1/evaluations (1 000 per request);
#   3. evaluation: the native load generator wrk (wrk/pdp-evaluation.lua) sends them, one per request, to
#                  /pdp/access/v1/evaluation: a warm-up per server, then BENCH_ROUNDS measured runs per server,
#                  alternating which server goes first. Around each run the CPU time (utime+stime, /proc) of the
#                  server's JVM and of its PostgreSQL processes is read; every answer is counted (permit, deny,
#                  other), a non-200 answer fails the run and the permit share must match the requests' (± 2 %);
#                  before and after each run the decision log's queue must be empty (waited for, so its writes count
#                  in the run's CPU), and its written and dropped counters (/metrics) are recorded;
#   4. batch (BENCH_BATCH > 0): TokenLoad --mode authzen against /pdp/access/v1/evaluations with BENCH_BATCH items
#                  per request, once per server.
# Results: benchmarks/results/<UTC>-pdp-http.json (every run, medians, ratios log-on / log-off), ...-pdp-ingest-*.json,
# ...-pdp-evaluations-*.json (batch) and a summary on stdout.
#
#   benchmarks/pdp-benchmark.sh
#   BENCH_SKIP_BUILD=1 BENCH_INGEST_ROWS=100000 BENCH_BATCH=0 benchmarks/pdp-benchmark.sh   # evaluation only
#
# Environment: BENCH_DECISION_LOG (both; true or false measures one server only), BENCH_ROUNDS (3),
# BENCH_CONNECTIONS (16), BENCH_WRK_THREADS (2), BENCH_WARMUP (10 s), BENCH_DURATION (20 s), BENCH_BODIES (20000),
# BENCH_INGEST_ROWS (1000000), BENCH_BATCH (100; 0 skips the batch phase), BENCH_SETTLE (2) and
# BENCH_RATE_FRACTION (0.8) for TokenLoad, BENCH_OURS_PORT (18080; the log-off server uses the next port),
# BENCH_OURS_LOG_LEVEL (warn; info adds one access-log line per request), BENCH_OURS_JAVA_OPTS (extra JVM options,
# e.g. -XX:StartFlightRecording=...), BENCH_SKIP_BUILD=1 (reuse benchmarks.jar and panosc.jar).
# Requires: wrk (`apt-get install wrk`), curl, python3.
set -euo pipefail

BENCH_NAME=pdp-benchmark
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$ROOT"

PORT="${BENCH_OURS_PORT:-18080}"
ROWS="${BENCH_INGEST_ROWS:-1000000}"
BATCH="${BENCH_BATCH:-100}"
BODIES="${BENCH_BODIES:-20000}"
ROUNDS="${BENCH_ROUNDS:-3}"
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
LOG_LEVEL="${BENCH_OURS_LOG_LEVEL:-warn}"
case "${BENCH_DECISION_LOG:-both}" in
  both) MODES=(on off) ;;
  true) MODES=(on) ;;
  false) MODES=(off) ;;
  *) echo "pdp-benchmark: BENCH_DECISION_LOG must be both, true or false" >&2; exit 2 ;;
esac
for n in ROWS BODIES ROUNDS WRK_THREADS CONNECTIONS WARMUP DURATION; do
  [[ "${!n}" =~ ^[1-9][0-9]*$ ]] || { echo "pdp-benchmark: $n must be a positive integer, not '${!n}'" >&2; exit 2; }
done
[[ "$BATCH" =~ ^[0-9]+$ ]] || { echo "pdp-benchmark: BENCH_BATCH must be a number" >&2; exit 2; }
((ROWS >= 32001)) || { echo "pdp-benchmark: BENCH_INGEST_ROWS must be at least 32001 (10 000 datasets)" >&2; exit 2; }
read -r -a OURS_JAVA_OPTS <<<"${BENCH_OURS_JAVA_OPTS:-}"

LOAD_AT_START="$(cat /proc/loadavg)"
JAR="$ROOT/benchmarks/target/benchmarks.jar"
WRK_DIR="$ROOT/benchmarks/wrk"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
RESULTS="$ROOT/benchmarks/results"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/pdp-benchmark.XXXXXX")"
mkdir -p "$RESULTS" "$WORK/runs"

declare -A PID=() URL=() EVAL=()
cleanup() {
  local rc=$? m
  for m in "${!PID[@]}"; do stop_pid "${PID[$m]}" "control plane (decision log $m)"; done
  # each embedded PostgreSQL stops with its control plane; their data dirs are under $WORK
  if [[ $rc -ne 0 ]]; then say "failed (exit $rc); logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }

need_wrk
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required"
for i in "${!MODES[@]}"; do port_free "$((PORT + i))" || die "port $((PORT + i)) is in use; set BENCH_OURS_PORT"; done

build_jars "$JAR"

# ------------------------------------------------------------------------------------------- servers
for i in "${!MODES[@]}"; do
  m="${MODES[$i]}"
  enabled=true; [[ "$m" == off ]] && enabled=false
  cat > "$WORK/panosc-$m.yaml" <<EOF
logging:
  level: $LOG_LEVEL
services:
  aai:
    tokenRatePerSecond: 1000000
    tokenBurst: 1000000
    accessTokenLifetime: 60m
  pdp:
    decisionLog:
      enabled: $enabled
EOF
  say "starting the control plane with the decision log $m on port $((PORT + i)) ($(load))"
  PANOSC_JAVA_OPTS="-Djava.io.tmpdir=$WORK ${OURS_JAVA_OPTS[*]:-}" ./panosc up --demo --port "$((PORT + i))" \
    --data-dir "$WORK/data-$m" --config "$WORK/panosc-$m.yaml" > "$WORK/panosc-$m.log" 2>&1 &
  PID[$m]=$!
  URL[$m]="http://127.0.0.1:$((PORT + i))"
done
for m in "${MODES[@]}"; do
  wait_http "${URL[$m]}/pdp/health/ready" 240 "${PID[$m]}" "control plane (decision log $m)" "$WORK/panosc-$m.log"
done

token() {  # token BASE CLIENT SECRET SCOPE
  curl -sf -u "$2:$3" -d grant_type=client_credentials -d "scope=$4" "$1/aai/token" | json '["access_token"]'
}
for m in "${MODES[@]}"; do
  EVAL[$m]="$(token "${URL[$m]}" resource-broker resource-broker-demo-secret pdp:evaluate)" \
    || die "no pdp:evaluate token from the server with the decision log $m"
done

pg_pids() { postgres_pids "$WORK/data-$1"; }  # pg_pids MODE: that server's PostgreSQL processes
cpu_sum() {  # cpu_sum PID...: utime+stime of the processes still running, in clock ticks
  local t=0 p
  for p in "$@"; do
    [[ -r "/proc/$p/stat" ]] && t=$((t + $(cpu_ticks "$p")))
  done
  echo "$t"
}

# 1. ingest ----------------------------------------------------------------------------------------
say "generating $ROWS NDJSON rows"
python3 - "$ROWS" > "$WORK/ingest.ndjson" <<'EOF'
import json, sys
rows = int(sys.argv[1]); proposals = 2000; members = 10 * proposals
out = sys.stdout
# embargo 50 years: the datasets of other proposals stay closed (denied) for the benchmark's lifetime
out.write(json.dumps({"type": "facility", "id": "bench", "name": "Benchmark facility", "embargoYears": 50}) + "\n")
for p in range(proposals):
    out.write(json.dumps({"type": "proposal", "id": "bench:P%05d" % p, "facility": "bench", "title": "Proposal %d" % p,
                          "start": "2024-01-01T08:00:00Z", "end": "2024-01-05T08:00:00Z"}) + "\n")
for m in range(members):
    out.write(json.dumps({"type": "member", "proposal": "bench:P%05d" % (m % proposals), "user": "user%05d@bench" % m,
                          "role": ("pi", "co-proposer", "local-contact")[m % 3]}) + "\n")
for d in range(rows - 1 - proposals - members):
    out.write(json.dumps({"type": "dataset", "pid": "10.99999/BENCH-%08d" % d, "proposal": "bench:P%05d" % (d % proposals),
                          "facility": "bench", "instrument": "bench:i%d" % (d % 7), "created": "2024-01-03T10:00:00Z",
                          "public": d % 50 == 0, "storage": {"site": "bench-fs", "path": "/data/%d" % d},
                          "sizeBytes": 1000000 + d}) + "\n")
EOF
ADMIN_LOAD="$(load)"
for m in "${MODES[@]}"; do
  admin="$(token "${URL[$m]}" pdp-admin pdp-admin-demo-secret pdp:admin)" || die "no pdp:admin token"
  say "ingesting $(wc -l < "$WORK/ingest.ndjson") rows, $(du -h "$WORK/ingest.ndjson" | cut -f1), decision log $m ($(load))"
  curl -sf -o "$WORK/ingest-$m.json" -w '%{time_total}\n' -H "Authorization: Bearer $admin" \
    -H 'Content-Type: application/x-ndjson' --data-binary "@$WORK/ingest.ndjson" "${URL[$m]}/pdp/v1/ingest" \
    > "$WORK/ingest-$m.time" || die "ingest failed: $(cat "$WORK/ingest-$m.json" 2>/dev/null)"
  say "ingest: $(cat "$WORK/ingest-$m.json") in $(cat "$WORK/ingest-$m.time") s"
  python3 - "$WORK/ingest-$m.json" "$(cat "$WORK/ingest-$m.time")" "$ROWS" "$ADMIN_LOAD" "$m" \
    > "$RESULTS/$STAMP-pdp-ingest-$m.json" <<'EOF'
import json, sys
answer = json.load(open(sys.argv[1])); seconds = float(sys.argv[2])
print(json.dumps({"rows": int(sys.argv[3]), "decisionLog": sys.argv[5], "answer": answer, "seconds": seconds,
                  "rowsPerSecond": round(answer["lines"] / seconds), "loadBefore": sys.argv[4]}, indent=2))
EOF
done

# 2. distinct requests, each checked ----------------------------------------------------------------
say "generating $BODIES distinct evaluation requests"
python3 - "$BODIES" "$ROWS" "$WORK/bodies.ndjson" "$WORK/expected.json" <<'EOF'
import json, random, sys
n, rows = int(sys.argv[1]), int(sys.argv[2]); proposals, members = 2000, 20000
datasets = rows - 1 - proposals - members
per_proposal = datasets // proposals          # dataset d belongs to proposal d % 2000, user m to proposal m % 2000
rnd = random.Random(20261207)
seen, bodies, expected = set(), [], []
while len(bodies) < n:
    m = rnd.randrange(members); p = m % proposals
    permit = len(bodies) % 4 != 3
    if permit:
        d = p + proposals * rnd.randrange(per_proposal)
    else:                                     # another proposal's dataset, not public (d % 50 != 0): deny
        q = (p + 1 + rnd.randrange(proposals - 1)) % proposals
        d = q + proposals * rnd.randrange(per_proposal)
        if d % 50 == 0:
            continue
    if (m, d) in seen:
        continue
    seen.add((m, d))
    bodies.append({"subject": {"type": "user", "id": "user%05d@bench" % m}, "action": {"name": "read"},
                   "resource": {"type": "dataset", "id": "10.99999/BENCH-%08d" % d}})
    expected.append(permit or d % 50 == 0)
with open(sys.argv[3], "w") as f:
    for b in bodies:
        f.write(json.dumps(b, separators=(",", ":")) + "\n")
json.dump(expected, open(sys.argv[4], "w"))
EOF
for m in "${MODES[@]}"; do
  say "checking the $BODIES requests' decisions against the server with the decision log $m"
  python3 - "${URL[$m]}/pdp/access/v1/evaluations" "${EVAL[$m]}" "$WORK/bodies.ndjson" "$WORK/expected.json" <<'EOF' \
    || die "a request's decision is not the expected one (decision log $m)"
import json, sys, urllib.request
url, token, bodies, expected = sys.argv[1], sys.argv[2], [json.loads(l) for l in open(sys.argv[3])], json.load(open(sys.argv[4]))
for start in range(0, len(bodies), 1000):
    items = bodies[start:start + 1000]
    req = urllib.request.Request(url, data=json.dumps({"evaluations": items}).encode(), method="POST",
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    answers = json.load(urllib.request.urlopen(req, timeout=60))["evaluations"]
    for i, a in enumerate(answers):
        if a["decision"] != expected[start + i]:
            sys.exit("request %d (%s): decision %s, expected %s" % (start + i, json.dumps(items[i]), a["decision"],
                                                                  expected[start + i]))
EOF
done
PERMIT_SHARE="$(python3 -c 'import json, sys; e = json.load(open(sys.argv[1])); print(sum(e) / len(e))' "$WORK/expected.json")"

# 3. wrk rounds ------------------------------------------------------------------------------------
metric() {  # metric MODE NAME: the value of a counter or gauge on the server's /metrics (0 when absent)
  curl -sf "${URL[$1]}/metrics" | awk -v n="$2" '$1 == n {v = $2} END {printf "%d\n", v + 0}'
}
drained() {  # drained MODE: waits (up to 30 s) until the decision log's queue is empty, so its writes are counted
  local i
  for ((i = 0; i < 300; i++)); do
    [[ "$(metric "$1" panosc_pdp_decision_log_queue)" == 0 ]] && return 0
    sleep 0.1
  done
  say "decision log $1: the queue did not empty within 30 s after the run"
}
wrk_run() {   # wrk_run MODE SECONDS OUT: one wrk run; OUT.txt is wrk's output, OUT.json the measurement
  local m="$1" secs="$2" out="$3" jvm pg jb pb ja pa wb db wa da
  jvm="$(java_pid "${PID[$m]}")"
  read -r -a pg <<<"$(pg_pids "$m" | tr '\n' ' ')"
  drained "$m"
  wb="$(metric "$m" panosc_pdp_decision_log_written_total)"; db="$(metric "$m" panosc_pdp_decision_log_dropped_total)"
  jb="$(cpu_ticks "$jvm")"; pb="$(cpu_sum "${pg[@]}")"
  wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${secs}s" --timeout 10s -s "$WRK_DIR/pdp-evaluation.lua" \
    "${URL[$m]}/pdp/access/v1/evaluation" -- "Bearer ${EVAL[$m]}" "$WORK/bodies.ndjson" > "$out.txt" 2>&1 \
    || { cat "$out.txt" >&2; die "wrk failed"; }
  drained "$m"   # the log's writes of this run belong to its CPU time
  ja="$(cpu_ticks "$jvm")"; pa="$(cpu_sum "${pg[@]}")"
  wa="$(metric "$m" panosc_pdp_decision_log_written_total)"; da="$(metric "$m" panosc_pdp_decision_log_dropped_total)"
  LOGGED=$((wa - wb)) DROPPED=$((da - db)) \
  python3 - "$out" "$m" "$jvm" "$((ja - jb))" "$((pa - pb))" "${#pg[@]}" "$(getconf CLK_TCK)" "$PERMIT_SHARE" <<'PY' \
    || die "decision log $m: a non-200 answer, an answer without a decision, a permit share off the requests', or no WRK_RESULT line (see $out.txt)"
import sys, json, os
out, mode, pid, jticks, pticks, npg, hz, share = sys.argv[1:9]
line = next(l for l in open(out + ".txt") if l.startswith("WRK_RESULT "))
w = json.loads(line[len("WRK_RESULT "):])
seconds = w["durationUs"] / 1e6
decisions = w["permit"] + w["deny"]
jvm, pg = int(jticks) / int(hz), int(pticks) / int(hz)
m = {"decisionLog": mode, "serverPid": int(pid), "postgresProcesses": int(npg), "wrk": w, "seconds": round(seconds, 3),
     "decisionsPerSecond": round(decisions / seconds, 1), "jvmCores": round(jvm / seconds, 2),
     "postgresCores": round(pg / seconds, 2),
     "cpuMicrosPerDecision": round((jvm + pg) * 1e6 / decisions, 1) if decisions else None,
     "jvmCpuMicrosPerDecision": round(jvm * 1e6 / decisions, 1) if decisions else None,
     "postgresCpuMicrosPerDecision": round(pg * 1e6 / decisions, 1) if decisions else None,
     "permitShare": round(w["permit"] / decisions, 4) if decisions else None,
     "decisionLog": {"written": int(os.environ["LOGGED"]), "dropped": int(os.environ["DROPPED"])},
     "loadavg": open("/proc/loadavg").read().strip()}
json.dump(m, open(out + ".json", "w"), indent=2)
print("pdp-benchmark: decision log %-3s %8.1f decisions/s, JVM %.2f + PostgreSQL %.2f cores, %s µs CPU/decision "
      "(PostgreSQL %s), "
      "wrk p50 %.2f ms p99 %.2f ms, permits %.1f %% (requests %.1f %%), non-200 %d, other %d, socket errors %s"
      % (mode, m["decisionsPerSecond"], m["jvmCores"], m["postgresCores"], m["cpuMicrosPerDecision"],
         m["postgresCpuMicrosPerDecision"],
         w["latencyUs"]["p50"] / 1e3, w["latencyUs"]["p99"] / 1e3, 100 * (m["permitShare"] or 0), 100 * float(share),
         w["non200"], w["other"], w["socketErrors"]), file=sys.stderr)
if mode == "on":
    print("pdp-benchmark: decision log on: %d rows written, %d dropped (wrk counted %d answers, the run's tail "
          "may fall into the next run)" % (m["decisionLog"]["written"], m["decisionLog"]["dropped"], decisions),
          file=sys.stderr)
sys.exit(3 if w["non200"] or w["other"] or not decisions or abs(m["permitShare"] - float(share)) > 0.02 else 0)
PY
}
busiest() { ps -eo pid,pcpu,etime,comm --sort=-pcpu | head -8; }
busiest > "$WORK/ps-before.txt"; say "busiest processes before the measurement:"; cat "$WORK/ps-before.txt" >&2
for m in "${MODES[@]}"; do
  say "warm-up: decision log $m, ${WARMUP} s ($(load))"
  wrk_run "$m" "$WARMUP" "$WORK/runs/warmup-$m"
done
for ((round = 1; round <= ROUNDS; round++)); do
  order=("${MODES[@]}"); ((round % 2 == 0)) && order=($(printf '%s\n' "${MODES[@]}" | tac))
  for m in "${order[@]}"; do
    say "round $round: decision log $m, ${DURATION} s ($(load))"
    wrk_run "$m" "$DURATION" "$WORK/runs/r$round-$m"
  done
done
busiest > "$WORK/ps-after.txt"

# 4. batch -----------------------------------------------------------------------------------------
if ((BATCH > 0)); then
  python3 - "$BATCH" "$WORK/bodies.ndjson" > "$WORK/batch.json" <<'EOF'
import json, sys
n = int(sys.argv[1]); bodies = [json.loads(l) for l in open(sys.argv[2])]
first = bodies[0]                             # a permit: one user and datasets of her proposal
user = first["subject"]["id"]
own = [b["resource"] for b in bodies[:4 * n] if b["subject"]["id"] == user] or [first["resource"]]
print(json.dumps({"subject": first["subject"], "action": {"name": "read"},
                  "evaluations": [{"resource": own[i % len(own)]} for i in range(n)]}))
EOF
  for m in "${MODES[@]}"; do
    say "evaluations, $BATCH decisions per request, decision log $m ($(load))"
    "$JAVA" "${JAVA_FLAGS[@]}" -cp "$JAR" eu.panosc.benchmarks.http.TokenLoad run --name "pdp-evaluations-$m" \
      --mode authzen --url "${URL[$m]}/pdp/access/v1/evaluations" --bearer "${EVAL[$m]}" --body-file "$WORK/batch.json" \
      --expect true --server-pid "$(java_pid "${PID[$m]}")" --out "$RESULTS/$STAMP-pdp-evaluations-$m.json" \
      --connections "$CONNECTIONS" --warmup "$WARMUP" --duration "$DURATION" --settle "$SETTLE" --rate-fraction "$FRACTION"
  done
fi

# ------------------------------------------------------------------------------------------ summary
python3 - "$WORK/runs" "$RESULTS/$STAMP-pdp-http.json" "$ROUNDS" "$LOAD_AT_START" "$STAMP" "$BODIES" "$ROWS" \
  "$WORK/ps-before.txt" "$WORK/ps-after.txt" "$("$JAVA" -XshowSettings:properties -version 2>&1 \
  | awk -F'= ' '/java.runtime.version/ {print $2}')" "$(wrk -v 2>&1 | head -1 | cut -c1-60)" \
  "$CONNECTIONS" "$WRK_THREADS" "$DURATION" "$LOG_LEVEL" "${MODES[@]}" <<'EOF'
import json, os, statistics, sys
runs, out, rounds, load0, stamp, bodies, rows, ps0, ps1, jdk, wrk, conns, threads, dur, level = sys.argv[1:16]
modes = sys.argv[16:]
result = {"benchmark": "pdp single evaluation over HTTP, wrk, distinct requests", "stamp": stamp, "jdk": jdk,
          "loadGenerator": "%s, %s threads, %s connections, %s s per run" % (wrk, threads, conns, dur),
          "distinctRequests": int(bodies), "ingestRows": int(rows), "logLevel": level, "loadAtStart": load0,
          "busiestBefore": open(ps0).read(), "busiestAfter": open(ps1).read(), "modes": {}}
for m in modes:
    rs = [json.load(open(os.path.join(runs, "r%d-%s.json" % (r, m)))) for r in range(1, int(rounds) + 1)]
    result["modes"][m] = {"runs": rs,
                          "medianDecisionsPerSecond": statistics.median(r["decisionsPerSecond"] for r in rs),
                          "medianCpuMicrosPerDecision": statistics.median(r["cpuMicrosPerDecision"] for r in rs),
                          "medianPostgresCpuMicrosPerDecision":
                              statistics.median(r["postgresCpuMicrosPerDecision"] for r in rs),
                          "medianP99Ms": statistics.median(r["wrk"]["latencyUs"]["p99"] / 1e3 for r in rs),
                          "decisionLogDropped": sum(r["decisionLog"]["dropped"] for r in rs)}
    print("decision log %-3s: %s decisions/s (median %.0f), %s µs CPU/decision (median %.1f; PostgreSQL %s), p99 ms %s"
          % (m, [round(r["decisionsPerSecond"]) for r in rs], result["modes"][m]["medianDecisionsPerSecond"],
             [r["cpuMicrosPerDecision"] for r in rs], result["modes"][m]["medianCpuMicrosPerDecision"],
             [r["postgresCpuMicrosPerDecision"] for r in rs],
             [round(r["wrk"]["latencyUs"]["p99"] / 1e3, 2) for r in rs]))
if "on" in modes:
    print("decision log on: %d entries dropped in the measured runs (0 means every decision was logged)"
          % result["modes"]["on"]["decisionLogDropped"])
if "on" in modes and "off" in modes:
    on, off = result["modes"]["on"]["runs"], result["modes"]["off"]["runs"]
    per_round = [a["decisionsPerSecond"] / b["decisionsPerSecond"] for a, b in zip(on, off)]
    cpu_round = [a["cpuMicrosPerDecision"] / b["cpuMicrosPerDecision"] for a, b in zip(on, off)]
    result["ratioOnOff"] = {"decisionsPerSecondPerRound": [round(x, 3) for x in per_round],
                            "medianDecisionsPerSecond": round(statistics.median(per_round), 3),
                            "cpuPerDecisionPerRound": [round(x, 3) for x in cpu_round],
                            "medianCpuPerDecision": round(statistics.median(cpu_round), 3)}
    print("log on / log off: throughput %s (median %.3f), CPU per decision %s (median %.3f)"
          % (result["ratioOnOff"]["decisionsPerSecondPerRound"], result["ratioOnOff"]["medianDecisionsPerSecond"],
             result["ratioOnOff"]["cpuPerDecisionPerRound"], result["ratioOnOff"]["medianCpuPerDecision"]))
json.dump(result, open(out, "w"), indent=2)
EOF
say "results in $RESULTS/$STAMP-pdp-*.json"
