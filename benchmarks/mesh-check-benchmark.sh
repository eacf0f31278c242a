#!/usr/bin/env bash
# Envoy's gRPC ext_authz Check against the HTTP forward-auth, same server, same run (issue 15; goal: >= 20 000 Check/s
# on 2 cores, p99 <= 2 ms at 80 % of that load). Starts ExtAuthzBenchServer (the PDP's ExtAuthzService over a
# generated world of 10 000 embargoed datasets and 2 000 users with real ES256 tokens; gRPC Check and
# /pdp/v1/ext-authz on two ports, BENCH_EVENT_LOOPS event loops), then per round:
#   1. grpc: the native driver benchmarks/grpc-load/checkload.c (C, libnghttp2, one thread; built here with cc; the
#            requests written by CheckBodies from the same requests file), or with BENCH_GRPC_DRIVER=java CheckLoad
#            (grpc-java, its own JVM — it takes 0.5-0.9 of a core itself, which the server then lacks): closed loop with
#            BENCH_CONCURRENCY calls in flight over BENCH_CONNECTIONS HTTP/2 connections for BENCH_WARMUP +
#            BENCH_DURATION s (throughput), then an open loop at BENCH_RATE_FRACTION of that throughput for
#            BENCH_DURATION s (latency from each call's scheduled send time);
#   2. http: wrk (wrk/ext-authz.lua) against /pdp/v1/ext-authz with the same requests, BENCH_CONNECTIONS
#            connections, warm-up then BENCH_DURATION s (closed loop; wrk's latency is at full load);
#   3. authzen: wrk (wrk/pdp-evaluation.lua) against the AuthZEN Access Evaluation API /pdp/access/v1/evaluation with
#            the same requests as evaluation bodies (user, read, dataset; one caller token), as 2.
# The phases rotate which goes first from round to round. Around each measured phase the server's and the driver's CPU time (utime+stime, /proc) is read. Every gRPC answer
# is checked against the expected decision (a wrong one fails the run); wrk's 200/403 counts must match the expected
# permit share (± 2 %), and so must the AuthZEN answers' share of decision true.
# Results: benchmarks/results/<UTC>-mesh-check.json and a summary on stdout.
#
#   benchmarks/mesh-check-benchmark.sh
#   BENCH_SKIP_BUILD=1 BENCH_ROUNDS=1 benchmarks/mesh-check-benchmark.sh
#
# Environment: BENCH_USERS (200 users, one token each), BENCH_ROUNDS (2), BENCH_EVENT_LOOPS (2), BENCH_CONNECTIONS (16), BENCH_CONCURRENCY (64),
# BENCH_WRK_THREADS (2), BENCH_WARMUP (10), BENCH_DURATION (20), BENCH_RATE_FRACTION (0.8), BENCH_GRPC_PORT (19191;
# HTTP on the next port), BENCH_GRPC_DRIVER (native | java), BENCH_OPEN_RATE (native driver: the open loop at this many
# calls/s instead of BENCH_RATE_FRACTION of the closed loop's rate; e.g. 16000 = 80 % of the 20 000/s goal),
# BENCH_SKIP_BUILD=1 (reuse benchmarks.jar), BENCH_SERVER_JAVA_OPTS (more JVM options for the server, e.g.
# -Xlog:safepoint*:file=/tmp/sp.log to look for pauses), BENCH_SERVER_CPUS and BENCH_DRIVER_CPUS (taskset -c CPU lists
# for the server and for the drivers, e.g. 0 and 1: each its own core, as a gateway and its authorization service on
# different machines; unset: the scheduler places both).
# Requires: wrk (`apt-get install wrk`), python3; for the native driver a C compiler and libnghttp2's headers
# (`apt-get install gcc libnghttp2-dev`).
set -euo pipefail

BENCH_NAME=mesh-check-benchmark
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$ROOT"

ROUNDS="${BENCH_ROUNDS:-2}"
LOOPS="${BENCH_EVENT_LOOPS:-2}"
CONCURRENCY="${BENCH_CONCURRENCY:-64}"
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
GRPC_PORT="${BENCH_GRPC_PORT:-19191}"
USERS="${BENCH_USERS:-200}"
HTTP_PORT=$((GRPC_PORT + 1))
for n in USERS ROUNDS LOOPS CONCURRENCY WRK_THREADS CONNECTIONS WARMUP DURATION GRPC_PORT; do
  [[ "${!n}" =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer, not '${!n}'"
done
need_wrk
DRIVER="${BENCH_GRPC_DRIVER:-native}"
OPEN_RATE="${BENCH_OPEN_RATE:-}"
[[ -z "$OPEN_RATE" || "$OPEN_RATE" =~ ^[1-9][0-9]*$ ]] || die "BENCH_OPEN_RATE must be a positive integer, not '$OPEN_RATE'"
[[ -z "$OPEN_RATE" || "${BENCH_GRPC_DRIVER:-native}" == native ]] || die "BENCH_OPEN_RATE needs the native driver"
[[ "$DRIVER" == native || "$DRIVER" == java ]] || die "BENCH_GRPC_DRIVER must be native or java, not '$DRIVER'"
if [[ "$DRIVER" == native ]]; then
  command -v cc >/dev/null && [[ -f /usr/include/nghttp2/nghttp2.h ]] \
    || die "the native gRPC driver needs a C compiler and libnghttp2's headers: apt-get install gcc libnghttp2-dev"
fi
command -v python3 >/dev/null || die "python3 is required"
port_free "$GRPC_PORT" && port_free "$HTTP_PORT" || die "port $GRPC_PORT or $HTTP_PORT is in use; set BENCH_GRPC_PORT"

LOAD_AT_START="$(cat /proc/loadavg)"
JAR="$ROOT/benchmarks/target/benchmarks.jar"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
RESULTS="$ROOT/benchmarks/results"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/mesh-check-benchmark.XXXXXX")"
mkdir -p "$RESULTS"
SERVER=""
cleanup() {
  local rc=$?
  stop_pid "$SERVER" "benchmark server"
  if [[ $rc -ne 0 ]]; then say "failed (exit $rc); logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_extauthz_server "$GRPC_PORT" "$HTTP_PORT" "$LOOPS" "$USERS"
if [[ "$DRIVER" == native ]]; then
  cc -O2 -Wall -o "$WORK/checkload" benchmarks/grpc-load/checkload.c -lnghttp2 || die "building checkload failed"
  "$JAVA" "${JAVA_FLAGS[@]}" -cp "$JAR" eu.panosc.benchmarks.mesh.CheckBodies "$WORK/requests.tsv" "$WORK/bodies.bin" \
    > /dev/null 2>&1 || die "writing the gRPC request bodies failed"
fi
SERVICE="https%3A%2F%2Fscicat.bench.example"
TCK="$(getconf CLK_TCK)"

grpc_phase() {  # grpc_phase ROUND
  local r="$1" s0 s1
  say "round $r: gRPC Check ($(load))"
  s0="$(cpu_ticks "$SERVER")"
  if [[ "$DRIVER" == native ]]; then
    "${DRIVER_PIN[@]}" "$WORK/checkload" 127.0.0.1 "$GRPC_PORT" "$WORK/bodies.bin" "$CONNECTIONS" "$CONCURRENCY" "$WARMUP" "$DURATION" \
      "$FRACTION" $OPEN_RATE > "$WORK/grpc-$r.out" 2> "$WORK/grpc-$r.err"
  else
    "${DRIVER_PIN[@]}" "$JAVA" "${JAVA_FLAGS[@]}" -Xmx512m -cp "$JAR" eu.panosc.benchmarks.mesh.CheckLoad "$GRPC_PORT" \
      "$WORK/requests.tsv" "$CONNECTIONS" "$CONCURRENCY" "$WARMUP" "$DURATION" "$FRACTION" > "$WORK/grpc-$r.out" \
      2> "$WORK/grpc-$r.err"
  fi || { cat "$WORK/grpc-$r.out" "$WORK/grpc-$r.err" >&2; die "the gRPC driver failed"; }
  s1="$(cpu_ticks "$SERVER")"
  grep '^CHECK_RESULT ' "$WORK/grpc-$r.out" | sed 's/^CHECK_RESULT //' > "$WORK/grpc-$r.json"
  echo "$((s1 - s0))" > "$WORK/grpc-$r.servercpu"
}
http_phase() {  # http_phase ROUND
  local r="$1" s0 s1
  say "round $r: HTTP forward-auth with wrk ($(load))"
  "${DRIVER_PIN[@]}" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s benchmarks/wrk/ext-authz.lua \
    "http://127.0.0.1:$HTTP_PORT" -- "$WORK/requests.tsv" "$SERVICE" > /dev/null
  s0="$(cpu_ticks "$SERVER")"
  "${DRIVER_PIN[@]}" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s benchmarks/wrk/ext-authz.lua \
    "http://127.0.0.1:$HTTP_PORT" -- "$WORK/requests.tsv" "$SERVICE" > "$WORK/http-$r.out"
  s1="$(cpu_ticks "$SERVER")"
  grep '^WRK_RESULT ' "$WORK/http-$r.out" | sed 's/^WRK_RESULT //' > "$WORK/http-$r.json"
  echo "$((s1 - s0))" > "$WORK/http-$r.servercpu"
}
authzen_phase() {  # authzen_phase ROUND: the same requests as AuthZEN Access Evaluations (one caller token)
  local r="$1" s0 s1
  say "round $r: AuthZEN evaluation with wrk ($(load))"
  "${DRIVER_PIN[@]}" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s benchmarks/wrk/pdp-evaluation.lua \
    "http://127.0.0.1:$HTTP_PORT/pdp/access/v1/evaluation" -- "Bearer $(cat "$WORK/requests.tsv.caller")" \
    "$WORK/requests.tsv.authzen.ndjson" > /dev/null
  s0="$(cpu_ticks "$SERVER")"
  "${DRIVER_PIN[@]}" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s benchmarks/wrk/pdp-evaluation.lua \
    "http://127.0.0.1:$HTTP_PORT/pdp/access/v1/evaluation" -- "Bearer $(cat "$WORK/requests.tsv.caller")" \
    "$WORK/requests.tsv.authzen.ndjson" > "$WORK/authzen-$r.out"
  s1="$(cpu_ticks "$SERVER")"
  grep '^WRK_RESULT ' "$WORK/authzen-$r.out" | sed 's/^WRK_RESULT //' > "$WORK/authzen-$r.json"
  echo "$((s1 - s0))" > "$WORK/authzen-$r.servercpu"
}
PERMIT_SHARE="$(awk -F'\t' '$3 == "permit" {p++} END {print p / NR}' "$WORK/requests.tsv")"
for ((r = 1; r <= ROUNDS; r++)); do
  # rotate which goes first (the verified-signature cache and the JITs favour the later ones)
  case $((r % 3)) in
    1) grpc_phase "$r"; http_phase "$r"; authzen_phase "$r" ;;
    2) http_phase "$r"; authzen_phase "$r"; grpc_phase "$r" ;;
    0) authzen_phase "$r"; grpc_phase "$r"; http_phase "$r" ;;
  esac
done

python3 - "$WORK" "$ROUNDS" "$TCK" "$RESULTS/$STAMP-mesh-check.json" "$LOAD_AT_START" "$(cat /proc/loadavg)" \
  "$LOOPS" "$CONNECTIONS" "$CONCURRENCY" "$WARMUP" "$DURATION" "$FRACTION" "$("$JAVA" -version 2>&1 | head -1)" "$DRIVER" \
  "$PERMIT_SHARE" <<'EOF'
import json, sys, statistics
work, rounds, tck, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
permit_share = float(sys.argv[15])
runs = []
for r in range(1, rounds + 1):
    g = json.load(open(f"{work}/grpc-{r}.json"))
    h = json.load(open(f"{work}/http-{r}.json"))
    gcpu = int(open(f"{work}/grpc-{r}.servercpu").read()) / tck
    hcpu = int(open(f"{work}/http-{r}.servercpu").read()) / tck
    hrate = h["requests"] / (h["durationUs"] / 1e6)
    share = h["ok200"] / max(1, h["ok200"] + h["denied403"])
    expected = h["expectedPermits"] / max(1, h["requests"])
    if h["other"] or any(h["socketErrors"].values()) or abs(share - expected) > 0.02:
        sys.exit(f"round {r}: the HTTP answers do not match the requests: {h}")
    a = json.load(open(f"{work}/authzen-{r}.json"))
    acpu = int(open(f"{work}/authzen-{r}.servercpu").read()) / tck
    arate = a["requests"] / (a["durationUs"] / 1e6)
    ashare = a["permit"] / max(1, a["permit"] + a["deny"])
    if a["non200"] or a["other"] or any(a["socketErrors"].values()) or abs(ashare - permit_share) > 0.02:
        sys.exit(f"round {r}: the AuthZEN answers do not match the requests: {a}")
    runs.append({"round": r, "grpc": g, "grpcServerCpuSeconds": gcpu, "http": h, "httpPerSecond": round(hrate, 1),
                 "httpServerCpuSeconds": hcpu, "httpPermitShare": round(share, 4), "expectedPermitShare": round(expected, 4),
                 "authzen": a, "authzenPerSecond": round(arate, 1), "authzenServerCpuSeconds": acpu,
                 "authzenPermitShare": round(ashare, 4)})
med = lambda xs: statistics.median(xs)
summary = {
    "grpcChecksPerSecond": med([x["grpc"]["closed"]["perSecond"] for x in runs]),
    "grpcOpenLoopPerSecond": med([x["grpc"]["open"]["targetPerSecond"] for x in runs]),
    "grpcOpenP50Us": med([x["grpc"]["open"]["latencyUs"]["p50"] for x in runs]),
    "grpcOpenP99Us": med([x["grpc"]["open"]["latencyUs"]["p99"] for x in runs]),
    "httpPerSecond": med([x["httpPerSecond"] for x in runs]),
    "httpP99UsAtFullLoad": med([x["http"]["latencyUs"]["p99"] for x in runs]),
}
summary["authzenPerSecond"] = med([x["authzenPerSecond"] for x in runs])
summary["authzenP99UsAtFullLoad"] = med([x["authzen"]["latencyUs"]["p99"] for x in runs])
summary["ratioGrpcOverHttp"] = round(summary["grpcChecksPerSecond"] / summary["httpPerSecond"], 3)
summary["ratioGrpcOverAuthzen"] = round(summary["grpcChecksPerSecond"] / summary["authzenPerSecond"], 3)
doc = {"stamp": out.rsplit("/", 1)[-1].split("-mesh")[0], "java": sys.argv[13], "loadAtStart": sys.argv[5],
       "loadAtEnd": sys.argv[6], "eventLoops": int(sys.argv[7]), "connections": int(sys.argv[8]),
       "concurrency": int(sys.argv[9]), "warmupSeconds": int(sys.argv[10]), "durationSeconds": int(sys.argv[11]),
       "rateFraction": float(sys.argv[12]), "grpcDriver": sys.argv[14], "runs": runs, "median": summary}
json.dump(doc, open(out, "w"), indent=1)
print(json.dumps(summary))
for x in runs:
    g, dur = x["grpc"], x["grpc"]["closed"]["seconds"]
    print(f"round {x['round']}: gRPC {g['closed']['perSecond']:.0f}/s (server CPU {x['grpcServerCpuSeconds']:.1f} s "
          f"incl. warm-up and open loop, driver CPU {g['closed']['driverCpuSeconds']:.1f} s in {dur:.0f} s); open loop "
          f"{g['open']['targetPerSecond']:.0f}/s p50 {g['open']['latencyUs']['p50']:.0f} us p99 "
          f"{g['open']['latencyUs']['p99']:.0f} us; HTTP {x['httpPerSecond']:.0f}/s p99 {x['http']['latencyUs']['p99']} us "
          f"(server CPU {x['httpServerCpuSeconds']:.1f} s); AuthZEN {x['authzenPerSecond']:.0f}/s p99 "
          f"{x['authzen']['latencyUs']['p99']} us (server CPU {x['authzenServerCpuSeconds']:.1f} s)")
print("results: " + out)
EOF
