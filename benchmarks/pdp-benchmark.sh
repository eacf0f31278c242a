#!/usr/bin/env bash
# HTTP benchmark of the policy-decision-point (issue goals: ≥ 20 000 decisions/s, p99 ≤ 2 ms at 80 % of
# saturation; a million-row ingest). Starts `panosc up --demo` on this machine, then:
#   1. ingest:     POST /pdp/v1/ingest with a generated NDJSON file of BENCH_INGEST_ROWS rows (default 1 000 000:
#                  2 000 proposals, 20 000 members, the rest datasets), timed with curl;
#   2. evaluation: TokenLoad --mode authzen against /pdp/access/v1/evaluation, one decision per request
#                  (alice reads a dataset of her proposal: a permit through the membership rule);
#   3. batch:      the same driver against /pdp/access/v1/evaluations with BENCH_BATCH (100) items per request.
# Results: benchmarks/results/<UTC>-pdp-*.json (driver output) and a summary on stdout.
#
#   benchmarks/pdp-benchmark.sh
#
# Environment: BENCH_CONNECTIONS (16), BENCH_WARMUP (10), BENCH_DURATION (20), BENCH_SETTLE (2),
# BENCH_RATE_FRACTION (0.8), BENCH_OURS_PORT (18080), BENCH_INGEST_ROWS (1000000), BENCH_BATCH (100),
# BENCH_DECISION_LOG (true; false measures without the decision log), BENCH_SKIP_BUILD=1 (reuse benchmarks.jar
# and panosc.jar).
set -euo pipefail

BENCH_NAME=pdp-benchmark
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$ROOT"

PORT="${BENCH_OURS_PORT:-18080}"
ROWS="${BENCH_INGEST_ROWS:-1000000}"
BATCH="${BENCH_BATCH:-100}"
DECISION_LOG="${BENCH_DECISION_LOG:-true}"
JAR="$ROOT/benchmarks/target/benchmarks.jar"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
RESULTS="$ROOT/benchmarks/results"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/pdp-benchmark.XXXXXX")"
mkdir -p "$RESULTS"

PID=""
cleanup() {
  local rc=$?
  stop_pid "$PID" "control plane"
  if [[ $rc -ne 0 ]]; then say "failed (exit $rc); logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }

port_free "$PORT" || die "port $PORT is in use; set BENCH_OURS_PORT"
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required"

build_jars "$JAR"

cat > "$WORK/panosc.yaml" <<EOF
logging:
  level: warn
services:
  aai:
    tokenRatePerSecond: 1000000
    tokenBurst: 1000000
    accessTokenLifetime: 30m
  pdp:
    decisionLog:
      enabled: $DECISION_LOG
EOF
say "starting the control plane on port $PORT ($(load))"
PANOSC_JAVA_OPTS="-Djava.io.tmpdir=$WORK" ./panosc up --demo --port "$PORT" --data-dir "$WORK/panosc-data" \
  --config "$WORK/panosc.yaml" > "$WORK/panosc.log" 2>&1 &
PID=$!
wait_http "http://127.0.0.1:$PORT/pdp/health/ready" 240 "$PID" "control plane" "$WORK/panosc.log"
BASE="http://127.0.0.1:$PORT"
token() {  # token CLIENT SECRET SCOPE
  curl -sf -u "$1:$2" -d grant_type=client_credentials -d "scope=$3" "$BASE/aai/token" | json '["access_token"]'
}
ADMIN="$(token pdp-admin pdp-admin-demo-secret pdp:admin)" || die "no pdp:admin token"
EVAL="$(token resource-broker resource-broker-demo-secret pdp:evaluate)" || die "no pdp:evaluate token"

# 1. ingest ----------------------------------------------------------------------------------------
say "generating $ROWS NDJSON rows"
python3 - "$ROWS" > "$WORK/ingest.ndjson" <<'EOF'
import json, sys
rows = int(sys.argv[1]); proposals = 2000; members = 10 * proposals
out = sys.stdout
out.write(json.dumps({"type": "facility", "id": "bench", "name": "Benchmark facility", "embargoYears": 3}) + "\n")
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
say "ingesting $(wc -l < "$WORK/ingest.ndjson") rows, $(du -h "$WORK/ingest.ndjson" | cut -f1) ($(load))"
INGEST_LOAD="$(load)"
curl -sf -o "$WORK/ingest.json" -w '%{time_total}\n' -H "Authorization: Bearer $ADMIN" \
  -H 'Content-Type: application/x-ndjson' --data-binary "@$WORK/ingest.ndjson" "$BASE/pdp/v1/ingest" \
  > "$WORK/ingest.time" || die "ingest failed: $(cat "$WORK/ingest.json" 2>/dev/null)"
INGEST_S="$(cat "$WORK/ingest.time")"
say "ingest: $(cat "$WORK/ingest.json") in $INGEST_S s"
python3 - "$WORK/ingest.json" "$INGEST_S" "$ROWS" "$INGEST_LOAD" > "$RESULTS/$STAMP-pdp-ingest.json" <<'EOF'
import json, sys
answer = json.load(open(sys.argv[1])); seconds = float(sys.argv[2])
print(json.dumps({"rows": int(sys.argv[3]), "answer": answer, "seconds": seconds,
                  "rowsPerSecond": round(answer["lines"] / seconds), "loadBefore": sys.argv[4]}, indent=2))
EOF

# 2. + 3. evaluations ------------------------------------------------------------------------------
cat > "$WORK/eval.json" <<'EOF'
{"subject": {"type": "user", "id": "user00007@bench"}, "action": {"name": "read"},
 "resource": {"type": "dataset", "id": "10.99999/BENCH-00000007"}, "context": {"time": "2026-11-26T12:00:00Z"}}
EOF
python3 - "$BATCH" "$ROWS" > "$WORK/batch.json" <<'EOF'
import json, sys
n = int(sys.argv[1]); datasets = int(sys.argv[2]) - 1 - 2000 - 20000
own = max(1, datasets // 2000)   # datasets 7, 2007, 4007, ... belong to proposal 7, where user00007 is a member
print(json.dumps({"subject": {"type": "user", "id": "user00007@bench"}, "action": {"name": "read"},
                  "context": {"time": "2026-11-26T12:00:00Z"},
                  "evaluations": [{"resource": {"type": "dataset", "id": "10.99999/BENCH-%08d" % (7 + 2000 * (i % own))}}
                                  for i in range(n)]}))
EOF
driver() {  # driver NAME PATH BODY OUT
  "$JAVA" "${JAVA_FLAGS[@]}" -cp "$JAR" eu.panosc.benchmarks.http.TokenLoad run --name "$1" --mode authzen \
    --url "$BASE$2" --bearer "$EVAL" --body-file "$3" --expect true --server-pid "$PID" --out "$4" \
    --connections "$CONNECTIONS" --warmup "$WARMUP" --duration "$DURATION" --settle "$SETTLE" --rate-fraction "$FRACTION"
}
say "evaluation, one decision per request ($(load))"
driver pdp-evaluation /pdp/access/v1/evaluation "$WORK/eval.json" "$RESULTS/$STAMP-pdp-evaluation.json"
say "evaluations, $BATCH decisions per request ($(load))"
driver pdp-evaluations /pdp/access/v1/evaluations "$WORK/batch.json" "$RESULTS/$STAMP-pdp-evaluations.json"

python3 - "$RESULTS/$STAMP-pdp-ingest.json" "$RESULTS/$STAMP-pdp-evaluation.json" \
  "$RESULTS/$STAMP-pdp-evaluations.json" <<'EOF'
import json, sys
ingest = json.load(open(sys.argv[1]))
print("ingest: %d rows in %.1f s = %d rows/s" % (ingest["answer"]["lines"], ingest["seconds"], ingest["rowsPerSecond"]))
for f in sys.argv[2:]:
    r = json.load(open(f)); k = r["decisionsPerRequest"]; s = r["saturation"]; o = r["constantRate"]
    print("%-16s %3d/request: saturation %8.0f requests/s = %9.0f decisions/s (p99 %.2f ms); "
          "at %.0f %%: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms" % (r["name"], k, s["throughput"], s["throughput"] * k,
          s["latencyMs"]["p99"], 100 * r["rateFraction"], o["latencyMs"]["p50"], o["latencyMs"]["p99"], o["latencyMs"]["p99.9"]))
EOF
say "results in $RESULTS/$STAMP-pdp-*.json"
