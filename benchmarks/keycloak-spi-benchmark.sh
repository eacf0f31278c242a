#!/usr/bin/env bash
# Token issuance of a facility Keycloak with and without our providers (keycloak-spi), same Keycloak process, same
# run, cache warm: two realms that differ only in what our jar adds, measured in alternating rounds by wrk
# (client_credentials grants, client_secret_basic). See docs/benchmarks.md ("keycloak-spi: token issuance with and
# without our providers").
#
#   benchmarks/keycloak-spi-benchmark.sh                    # 3 rounds, 10 s warm-up, 20 s per run, 16 connections
#   BENCH_WARMUP=3 BENCH_DURATION=5 BENCH_ROUNDS=1 benchmarks/keycloak-spi-benchmark.sh    # smoke run
#
# Realms: bench-plain (event listener jboss-logging only) and bench-ours (jboss-logging + panosc-usage: every
# CLIENT_LOGIN is written to the realm's on-disk queue, fsync'd, before the token is answered). Each has a
# confidential client "bench" with a service account. No accounting runs: the records stay queued (the shipper's
# background work is not in these numbers; the queue is bounded at BENCH_QUEUE_MB). After the runs the script
# checks that the queue holds one record per token the ours-realm issued (nothing lost; wrk does not count the up to
# one request per connection still in flight when a run ends, so the check allows that many more).
# Steps: package the provider jar (./mvnw -pl keycloak-spi package, tests skipped); unzip keycloak-quarkus-dist into
# BENCH_CACHE/keycloak-spi (once; its own home, since providers/ differ from token-benchmark.sh's Keycloak); copy the
# jar into providers/; start kc.sh start-dev (fresh dev database) on the JDK .mvn/select-jdk.sh selects; configure
# both realms through the admin REST API; one curl check per realm; a wrk warm-up per realm; then BENCH_ROUNDS
# rounds of one measured wrk run per realm, the order alternating by round. Writes
# benchmarks/results/<UTC date-time>-keycloak-spi.json and prints a table. Keycloak is stopped on exit.
#
# Environment: BENCH_ROUNDS (3) BENCH_CONNECTIONS (16) BENCH_WRK_THREADS (2) BENCH_WARMUP (10) BENCH_DURATION (20)
#   BENCH_KC_PORT (18280) BENCH_KC_MGMT_PORT (19100) BENCH_KC_VERSION (26.7.3) BENCH_QUEUE_MB (1024)
#   BENCH_FSYNC_INTERVAL_MS (0: every record forced to disk before the token is answered; n: forced every n ms)
#   BENCH_CACHE (~/.cache/panosc-benchmarks) BENCH_SKIP_BUILD (0: 1 reuses keycloak-spi/target's jar)
set -euo pipefail

BENCH_NAME=keycloak-spi-benchmark
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$ROOT"

KC_PORT="${BENCH_KC_PORT:-18280}"
KC_MGMT_PORT="${BENCH_KC_MGMT_PORT:-19100}"
KC_VERSION="${BENCH_KC_VERSION:-26.7.3}"
ROUNDS="${BENCH_ROUNDS:-3}"
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
QUEUE_MB="${BENCH_QUEUE_MB:-1024}"
FSYNC_MS="${BENCH_FSYNC_INTERVAL_MS:-0}"
CACHE="${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/panosc-benchmarks}"
for n in ROUNDS WRK_THREADS CONNECTIONS WARMUP DURATION QUEUE_MB; do
  [[ "${!n}" =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer, not '${!n}'"
done
[[ "$FSYNC_MS" =~ ^[0-9]+$ ]] || die "BENCH_FSYNC_INTERVAL_MS must be a non-negative integer, not '$FSYNC_MS'"
need_wrk
command -v curl >/dev/null || die "curl is required"
command -v unzip >/dev/null || die "unzip is required"
for p in "$KC_PORT" "$KC_MGMT_PORT"; do
  port_free "$p" || die "port $p is in use; set BENCH_KC_PORT / BENCH_KC_MGMT_PORT"
done

LOAD_AT_START="$(cat /proc/loadavg)"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
RESULTS="$ROOT/benchmarks/results"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/keycloak-spi-benchmark.XXXXXX")"
QUEUE="$WORK/usage-queue"
mkdir -p "$RESULTS" "$WORK/runs"
KC_PID=""
cleanup() {
  local rc=$?
  stop_pid "$KC_PID" "Keycloak"
  if [[ $rc -ne 0 ]]; then say "failed (exit $rc); logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------------------------------------ build
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]] || ! ls keycloak-spi/target/keycloak-spi-*.jar >/dev/null 2>&1; then
  say "packaging the provider jar (./mvnw -pl keycloak-spi package, tests skipped)"
  ./mvnw -B -q -o -pl keycloak-spi package -Dmaven.test.skip=true
fi
JAR="$(ls keycloak-spi/target/keycloak-spi-*.jar | grep -v -- '-tests.jar' | head -1)"
KC_BASE="$CACHE/keycloak-spi"
KC_HOME="$KC_BASE/keycloak-$KC_VERSION"
if [[ ! -x "$KC_HOME/bin/kc.sh" ]]; then
  zip="$HOME/.m2/repository/org/keycloak/keycloak-quarkus-dist/$KC_VERSION/keycloak-quarkus-dist-$KC_VERSION.zip"
  [[ -f "$zip" ]] || zip="$CACHE/keycloak/keycloak-quarkus-dist-$KC_VERSION.zip"
  [[ -f "$zip" ]] || die "no keycloak-quarkus-dist-$KC_VERSION.zip (./mvnw dependency:get -Dartifact=org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip)"
  mkdir -p "$KC_BASE"
  say "unzipping $zip into $KC_BASE"
  unzip -q -o "$zip" -d "$KC_BASE"
fi
rm -f "$KC_HOME"/providers/keycloak-spi-*.jar
cp "$JAR" "$KC_HOME/providers/"

# ------------------------------------------------------------------------------------------------ start
say "starting Keycloak $KC_VERSION with $(basename "$JAR") on :$KC_PORT ($(load))"
KC_LOG="$WORK/keycloak.log"
U="--spi-events-listener--panosc-usage--"
JAVA_HOME="$JAVA_HOME" KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
  "$KC_HOME/bin/kc.sh" start-dev --db dev-mem --http-host 127.0.0.1 --http-port "$KC_PORT" \
  --http-management-port "$KC_MGMT_PORT" "${U}facility=bench" "${U}directory=$QUEUE" "${U}max-queue-mb=$QUEUE_MB" \
  "${U}fsync-interval-ms=$FSYNC_MS" \
  >"$KC_LOG" 2>&1 &
KC_PID=$!
KC="http://127.0.0.1:$KC_PORT"
wait_http "$KC/realms/master" 600 "$KC_PID" Keycloak "$KC_LOG"
KC_JAVA_PID="$(java_pid "$KC_PID")"

ADMIN="$(curl -sf -d grant_type=password -d client_id=admin-cli -d username=admin -d password=admin \
  "$KC/realms/master/protocol/openid-connect/token" | python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])')"
realm() {   # realm NAME LISTENERS_JSON
  local body
  body="$(printf '{"realm":"%s","enabled":true,"eventsListeners":%s,"clients":[{"clientId":"bench","secret":"bench-secret","publicClient":false,"standardFlowEnabled":false,"serviceAccountsEnabled":true}]}' "$1" "$2")"
  curl -sf -o /dev/null -X DELETE -H "Authorization: Bearer $ADMIN" "$KC/admin/realms/$1" || true
  curl -sf -X POST -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' --data "$body" \
    "$KC/admin/realms" || die "creating realm $1 failed"
}
realm bench-plain '["jboss-logging"]'
realm bench-ours '["jboss-logging","panosc-usage"]'
BASIC="$(basic_auth bench bench-secret)"
FORM="grant_type=client_credentials"
queued() { if [[ -f "$QUEUE/bench-ours.ndjson" ]]; then wc -l <"$QUEUE/bench-ours.ndjson"; else echo 0; fi; }
for r in bench-plain bench-ours; do
  code="$(curl -s -o "$WORK/check-$r.json" -w '%{http_code}' -H "Authorization: $BASIC" --data "$FORM" \
    "$KC/realms/$r/protocol/openid-connect/token")"
  [[ "$code" == 200 ]] && grep -q '"access_token"' "$WORK/check-$r.json" || die "realm $r answered $code"
done
[[ "$(queued)" == 1 ]] || die "the usage listener queued $(queued) records for the check token, expected 1"
[[ ! -f "$QUEUE/bench-plain.ndjson" ]] || die "the plain realm queued records"
OURS_TOKENS=1

run() {   # run REALM SECONDS OUT: one wrk run, its WRK_RESULT line into OUT
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$2s" --timeout 30s -s benchmarks/wrk/client-credentials.lua \
    "$KC/realms/$1/protocol/openid-connect/token" -- "$BASIC" "$FORM" >"$3.txt"
  grep '^WRK_RESULT ' "$3.txt" | sed 's/^WRK_RESULT //' >"$3"
  python3 - "$3" <<'EOF' || die "wrk run $3 had failed answers"
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if r["non200"] == 0 and r["noToken"] == 0 and sum(r["socketErrors"].values()) == 0 else 1)
EOF
  if [[ "$1" == bench-ours ]]; then
    OURS_TOKENS=$((OURS_TOKENS + $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ok200"])' "$3")))
  fi
}

say "warm-up: ${WARMUP} s per realm ($(load))"
run bench-plain "$WARMUP" "$WORK/runs/warmup-plain.json"
run bench-ours "$WARMUP" "$WORK/runs/warmup-ours.json"
for ((i = 1; i <= ROUNDS; i++)); do
  if ((i % 2)); then order="bench-plain bench-ours"; else order="bench-ours bench-plain"; fi
  for r in $order; do
    say "round $i: $r, ${DURATION} s ($(load))"
    run "$r" "$DURATION" "$WORK/runs/round$i-$r.json"
  done
done
sleep 1
# wrk counts the answers it read before its end; up to one request per connection and run is still in flight
# then, issued by Keycloak (and queued) but not counted
OURS_RUNS=$((ROUNDS + 1))
MAX_QUEUED=$((OURS_TOKENS + CONNECTIONS * OURS_RUNS))
n="$(queued)"
((n >= OURS_TOKENS && n <= MAX_QUEUED)) \
  || die "queue holds $n records, but bench-ours issued $OURS_TOKENS counted tokens (+ at most $((MAX_QUEUED - OURS_TOKENS)) in flight)"
say "queue check: $n records for $OURS_TOKENS counted tokens of bench-ours (+ at most $((MAX_QUEUED - OURS_TOKENS)) in flight at the runs' ends)"

OUT="$RESULTS/$STAMP-keycloak-spi.json"
python3 - "$WORK/runs" "$ROUNDS" "$OUT" "$LOAD_AT_START" "$(cat /proc/loadavg)" "$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)" \
  "$KC_VERSION" "$CONNECTIONS" "$WRK_THREADS" "$DURATION" "$OURS_TOKENS" "$FSYNC_MS" <<'EOF'
import json, statistics, sys
runs, rounds, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = []
for i in range(1, rounds + 1):
    p = json.load(open(f"{runs}/round{i}-bench-plain.json"))
    o = json.load(open(f"{runs}/round{i}-bench-ours.json"))
    rows.append({"round": i,
                 "plain": {"tokensPerS": p["ok200"] / (p["durationUs"] / 1e6), "p50Ms": p["latencyUs"]["p50"] / 1000, "p99Ms": p["latencyUs"]["p99"] / 1000},
                 "ours": {"tokensPerS": o["ok200"] / (o["durationUs"] / 1e6), "p50Ms": o["latencyUs"]["p50"] / 1000, "p99Ms": o["latencyUs"]["p99"] / 1000}})
def med(side, k): return statistics.median(r[side][k] for r in rows)
summary = {k: {"plain": med("plain", k), "ours": med("ours", k)} for k in ("tokensPerS", "p50Ms", "p99Ms")}
summary["throughputRatioOursToPlain"] = summary["tokensPerS"]["ours"] / summary["tokensPerS"]["plain"]
summary["p99AddedMs"] = summary["p99Ms"]["ours"] - summary["p99Ms"]["plain"]
doc = {"benchmark": "keycloak-spi token issuance", "keycloak": sys.argv[7], "jdk": sys.argv[6],
       "connections": int(sys.argv[8]), "wrkThreads": int(sys.argv[9]), "durationS": int(sys.argv[10]),
       "fsyncIntervalMs": int(sys.argv[12]), "loadavgStart": sys.argv[4], "loadavgEnd": sys.argv[5], "oursTokensQueued": int(sys.argv[11]),
       "rounds": rows, "median": summary}
json.dump(doc, open(out, "w"), indent=2)
print(f"{'round':>5} {'plain tok/s':>12} {'ours tok/s':>11} {'plain p50':>10} {'ours p50':>9} {'plain p99':>10} {'ours p99':>9}")
for r in rows:
    print(f"{r['round']:>5} {r['plain']['tokensPerS']:>12.1f} {r['ours']['tokensPerS']:>11.1f} {r['plain']['p50Ms']:>10.2f} {r['ours']['p50Ms']:>9.2f} {r['plain']['p99Ms']:>10.2f} {r['ours']['p99Ms']:>9.2f}")
print(f"median: ours/plain throughput {summary['throughputRatioOursToPlain']:.3f}, p99 added {summary['p99AddedMs']:.2f} ms")
print(f"written: {out}")
EOF
