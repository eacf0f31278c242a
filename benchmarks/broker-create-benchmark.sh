#!/usr/bin/env bash
# End-to-end session creations per second through the resource-broker's API (issue 13 goal: >= 100/s), the PDP
# check included. Starts BENCH_CLUSTERS Fabric8 mock Kubernetes API servers in CRUD mode (MockClusters: they stand
# in for the clusters, which cannot run here), then `panosc up --demo` (embedded PostgreSQL, the real aai-broker and
# policy-decision-point) with those clusters configured, then SessionCreateLoad drives POST /broker/v1/sessions with
# BENCH_CONNECTIONS requests always in flight, in the same run:
#   pdp:  alice, a session with dataset 10.15151/ESRF-DC-2415002: each create asks the real PDP (client-credentials
#         token, subject resolution, AuthZEN evaluation), then quota, placement with capacity reservation, answer;
#   peer: bob, the same create without datasets (no PDP call): the ratio pdp/peer is what the PDP check costs.
# A warm-up per phase, then BENCH_ROUNDS measured runs per phase, alternating which goes first. Every answer must be
# 202 with the session STARTING on a benchmark cluster; afterwards the Pods in the mock API servers must reach the
# number of sessions created (the Kubernetes driver creates Pod, Service and Secret after the answer).
# The reconciler runs every 10 min here (BENCH_RECONCILE), so its passes over thousands of STARTING sessions, which
# never run on a mock API server, do not mix into the measurement.
# Also per session created (a busy machine changes these far less than the rate): CPU of the control plane's JVM and
# of its PostgreSQL, and PostgreSQL transactions (needs psql; the PDP's and aai-broker's included), over the whole
# load; and the JVM's CPU per session in each measured round (after the warm-up, so without most JIT compilation).
# The warm-up is 20 s per phase by default: with 5 s the rates still climbed round to round (JIT); at ~150/s a longer
# one would bring one user near the 10 000 active sessions a user may hold (warm-up + rounds of the pdp phase).
# An answer comes before the session's Pod, Secret and Service are created: when the starts fall behind the answers
# they pile up and are done during the wait for the Pods, so the rounds' rates (answers) can run ahead of what the
# control plane sustains; "sessions with Pods per second" (all sessions / (load time + that wait)) counts them in, and
# the rounds' CPU per session then leaves out the starts still pending.
# Results: benchmarks/results/<UTC>-broker-create.json and a summary on stdout.
#
#   benchmarks/broker-create-benchmark.sh
#   BENCH_SKIP_BUILD=1 BENCH_ROUNDS=3 BENCH_MOCK=crud benchmarks/broker-create-benchmark.sh
#
# Environment: BENCH_CLUSTERS (3), BENCH_ROUNDS (3), BENCH_CONNECTIONS (16), BENCH_WARMUP (10 s), BENCH_DURATION
# (8 s; a user may hold at most 10 000 active sessions, so keep rate x (warm-up + rounds x duration) under that: at the
# ~200/s of a quiet 2-core machine 20 s + 3 x 10 s reached the cap), BENCH_OURS_PORT (18690),
# BENCH_RECONCILE (10m), BENCH_MOCK (lean: Secrets, Services and claims kept by name beside the CRUD mock's Pods, see
# MockClusters; crud: everything in Fabric8's CRUD mock, whose every create scans all objects stored),
# BENCH_SKIP_BUILD=1 (reuse benchmarks.jar and panosc.jar), BENCH_PANOSC_JAVA_OPTS (added to the control plane's JVM,
# e.g. -XX:StartFlightRecording=settings=profile,filename=/tmp/create.jfr).
# Requires: curl, python3.
set -euo pipefail

BENCH_NAME=broker-create-benchmark
BENCH_WARMUP="${BENCH_WARMUP:-10}"
BENCH_DURATION="${BENCH_DURATION:-8}"
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$ROOT"

PORT="${BENCH_OURS_PORT:-18690}"
ROUNDS="${BENCH_ROUNDS:-3}"
CLUSTERS="${BENCH_CLUSTERS:-3}"
RECONCILE="${BENCH_RECONCILE:-10m}"
MOCK="${BENCH_MOCK:-lean}"
for n in ROUNDS CLUSTERS CONNECTIONS WARMUP DURATION PORT; do
  [[ "${!n}" =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer, not '${!n}'"
done
[[ "$RECONCILE" =~ ^[1-9][0-9]*(s|m|h)$ ]] || die "BENCH_RECONCILE must be a duration such as 10m"
[[ "$MOCK" =~ ^(lean|crud)$ ]] || die "BENCH_MOCK must be lean or crud, not '$MOCK'"
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required"

JAR="$ROOT/benchmarks/target/benchmarks.jar"
LOAD_AT_START="$(cat /proc/loadavg)"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
RESULTS="$ROOT/benchmarks/results"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/broker-create-benchmark.XXXXXX")"
mkdir -p "$RESULTS"
PANOSC_PID=""
MOCK_PID=""
cleanup() {
  local rc=$?
  stop_pid "$PANOSC_PID" "control plane"
  stop_pid "$MOCK_PID" "mock API servers"
  if [[ $rc -ne 0 ]]; then say "failed (exit $rc); logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

build_jars "$JAR"

say "starting $CLUSTERS mock Kubernetes API servers"
"$JAVA" "${JAVA_FLAGS[@]}" -cp "$JAR" eu.panosc.benchmarks.broker.MockClusters "$CLUSTERS" "$WORK/apis.txt" "$MOCK" \
  > "$WORK/mock.log" 2>&1 &
MOCK_PID=$!
for ((i = 0; i < 120; i++)); do
  [[ -s "$WORK/apis.txt" ]] && break
  kill -0 "$MOCK_PID" 2>/dev/null || { cat "$WORK/mock.log" >&2; die "the mock API servers did not start"; }
  sleep 0.5
done
[[ -s "$WORK/apis.txt" ]] || die "the mock API servers did not start in 60 s"
mapfile -t APIS < "$WORK/apis.txt"

{
  echo "logging:"
  echo "  level: warn"
  echo "services:"
  echo "  aai:"
  echo "    accessTokenLifetime: 60m"
  echo "  broker:"
  echo "    reconcileInterval: $RECONCILE"
  echo "    limits:"
  echo "      user: {maxActive: 10000}"
  echo "    clusters:"
  for ((i = 0; i < ${#APIS[@]}; i++)); do
    echo "      bench-k8s-$i:"
    echo "        kind: kubernetes"
    echo "        apiUrl: ${APIS[$i]}"
    echo "        facility: esrf"
    echo "        capacity: {cpu: 1000000, memoryMi: 500000000, gpu: 0}"
    echo "        storageSites: {esrf-gpfs: {claim: esrf-gpfs}}"
  done
} > "$WORK/panosc.yaml"

port_free "$PORT" || die "port $PORT is taken (BENCH_OURS_PORT)"
say "starting the control plane on port $PORT ($(load))"
PANOSC_JAVA_OPTS="-Djava.io.tmpdir=$WORK ${BENCH_PANOSC_JAVA_OPTS:-}" ./panosc up --demo --port "$PORT" --data-dir "$WORK/data" \
  --config "$WORK/panosc.yaml" > "$WORK/panosc.log" 2>&1 &
PANOSC_PID=$!
URL="http://127.0.0.1:$PORT"
wait_http "$URL/broker/health/ready" 240 "$PANOSC_PID" "control plane" "$WORK/panosc.log"

token() {
  ./panosc token --user "$1" --audience "http://localhost:$PORT/broker" --url "http://localhost:$PORT" \
    2>"$WORK/token.err" || { cat "$WORK/token.err" >&2; die "no broker token for $1"; }
}
ALICE="$(token alice)"
BOB="$(token bob)"

# The cost per create, which a busy machine changes far less than the rate: CPU of the control plane's JVM and of its
# PostgreSQL (postmaster and backends), and PostgreSQL transactions (xact_commit + xact_rollback of the database, the
# PDP's and aai-broker's included), over the whole load (warm-ups and the wait for the Pods included) / sessions.
JVM_PID="$(java_pid "$PANOSC_PID")"
PGPORT_FILE="$WORK/data/postgres.port"
pg_pids() { postgres_pids "$WORK/data"; }  # this run's PostgreSQL: postmaster and its children
cpu_sum() { local t=0 p; for p in "$@"; do [[ -r "/proc/$p/stat" ]] && t=$((t + $(cpu_ticks "$p"))); done; echo "$t"; }
xacts() {  # transactions of the database so far (-1 without psql)
  command -v psql >/dev/null && [[ -s "$PGPORT_FILE" ]] || { echo -1; return 0; }
  PGHOST=127.0.0.1 PGPORT="$(cat "$PGPORT_FILE")" PGUSER=postgres psql -X -At -d postgres -c \
    "SELECT sum(xact_commit + xact_rollback) FROM pg_stat_database" 2>/dev/null || echo -1
}

say "load: $CONNECTIONS in flight, warm-up ${WARMUP} s, $ROUNDS x ${DURATION} s per phase ($(load))"
OUT="$RESULTS/$STAMP-broker-create.json"
mapfile -t PGS < <(pg_pids)
J0="$(cpu_ticks "$JVM_PID")"; G0="$(cpu_sum "${PGS[@]}")"; X0="$(xacts)"
"$JAVA" "${JAVA_FLAGS[@]}" -cp "$JAR" eu.panosc.benchmarks.broker.SessionCreateLoad --url "$URL" \
  --pdp-token "$ALICE" --peer-token "$BOB" --dataset 10.15151/ESRF-DC-2415002 \
  --apis "$(IFS=,; echo "${APIS[*]}")" --cluster-prefix bench-k8s- --concurrency "$CONNECTIONS" \
  --warmup "$WARMUP" --duration "$DURATION" --rounds "$ROUNDS" --cpu-pid "$JVM_PID" --clk-tck "$(getconf CLK_TCK)" \
  --out "$WORK/load.json" > /dev/null
J1="$(cpu_ticks "$JVM_PID")"; X1="$(xacts)"
mapfile -t PGS2 < <(pg_pids)
G1="$(cpu_sum "${PGS2[@]}")"  # backends opened meanwhile count from zero; ended ones are lost (none here: pooled)

python3 - "$WORK/load.json" "$OUT" "$LOAD_AT_START" "$(cat /proc/loadavg)" "$("$JAVA" -version 2>&1 | head -1)" \
  "$((J1 - J0))" "$((G1 - G0))" "$(getconf CLK_TCK)" "$X0" "$X1" "$MOCK" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
jvm, pg, tck, x0, x1 = int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9]), int(sys.argv[10])
created = r["sessionsCreated"]
r.update({"benchmark": "broker-create", "mock": sys.argv[11], "load_at_start": sys.argv[3], "load_at_end": sys.argv[4],
          "jdk": sys.argv[5],
          "jvmCpuSeconds": round(jvm / tck, 2), "postgresCpuSeconds": round(pg / tck, 2),
          "jvmCpuMsPerSession": round(1000.0 * jvm / tck / created, 2) if created else None,
          "postgresCpuMsPerSession": round(1000.0 * pg / tck / created, 2) if created else None,
          "postgresTransactionsPerSession": round((x1 - x0) / created, 2) if created and x0 >= 0 and x1 >= 0 else None})
json.dump(r, open(sys.argv[2], "w"), indent=2)
print("session creations/s, median of %d rounds: with PDP check %.1f, without (peer) %.1f, ratio %.3f; "
      "%d sessions, %d Pods in the mock clusters after %.1f s; load %s -> %s"
      % (r["rounds"], r["medianPerSecondPdp"], r["medianPerSecondPeer"], r["ratioPdpToPeer"], created,
         r["podsInClusters"], r["podWaitSeconds"], sys.argv[3], sys.argv[4]))
print("per session (whole load): JVM CPU %s ms, PostgreSQL CPU %s ms, PostgreSQL transactions %s"
      % (r["jvmCpuMsPerSession"], r["postgresCpuMsPerSession"], r["postgresTransactionsPerSession"]))
print("whole load with the Pods: %d sessions in %.1f s of load + %.1f s until every Pod existed = %.1f sessions/s"
      % (created, r["loadSeconds"], r["podWaitSeconds"], r["sessionsWithPodsPerSecond"]))
print("JVM CPU per session in the measured rounds (median; warmed up): with PDP check %s ms, without %s ms"
      % (r.get("medianJvmCpuMsPerSessionPdp"), r.get("medianJvmCpuMsPerSessionPeer")))
PY
say "results: $OUT"
