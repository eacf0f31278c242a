#!/usr/bin/env bash
# What nginx's auth_request to the PDP adds to a facility service's request, against the same request through the same
# nginx without auth, same run (issue 15: "nginx auth_request overhead per request versus no auth in the same run").
# Starts ExtAuthzBenchServer (the PDP's forward-auth over a generated world of 10 000 embargoed datasets and 200 users
# with real ES256 tokens; see mesh-check-benchmark.sh) and one nginx (Debian nginx-light; BENCH_NGINX_WORKERS worker
# processes) with two servers: the facility service's upstream (answers 200 "ok" itself, so the upstream costs almost
# nothing and the difference is the check), and the gateway in front of it, configured as docs/mesh.md says:
#   /api/...          auth_request to /pdp/v1/ext-authz (keep-alive to the PDP), then proxy_pass to the upstream;
#   /noauth/api/...   proxy_pass to the upstream only.
# Per round, wrk (wrk/ext-authz.lua in its nginx mode) sends the same distinct requests (users' tokens and dataset
# paths, 3 in 4 permitted) through both, warm-up then BENCH_DURATION s each, alternating which goes first; the 200/403
# counts through auth_request must match the requests' permits (± 2 %), and without auth every answer must be 200.
# Two loads: BENCH_CONNECTIONS connections (throughput, latency at full load) and one connection with one wrk thread
# (sequential requests: the latency each request gains). Around each phase the CPU time of nginx and of the PDP is
# read from /proc.
# Results: benchmarks/results/<UTC>-nginx-auth.json and a summary on stdout.
#
#   benchmarks/nginx-auth-benchmark.sh
#   BENCH_SKIP_BUILD=1 BENCH_ROUNDS=1 BENCH_WARMUP=3 BENCH_DURATION=5 benchmarks/nginx-auth-benchmark.sh   # smoke run
#
# Environment: BENCH_ROUNDS (3), BENCH_CONNECTIONS (16), BENCH_WRK_THREADS (2), BENCH_WARMUP (10), BENCH_DURATION (20),
# BENCH_EVENT_LOOPS (2, the PDP's), BENCH_NGINX_WORKERS (1), BENCH_PORT (19491: nginx; the upstream, the PDP's HTTP and
# gRPC ports on the next three), BENCH_SKIP_BUILD=1 (reuse benchmarks.jar), BENCH_SERVER_JAVA_OPTS (more JVM options
# for the PDP).
# Requires: nginx (`apt-get install nginx-light`), wrk (`apt-get install wrk`), python3.
set -euo pipefail

BENCH_NAME=nginx-auth-benchmark
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$ROOT"

ROUNDS="${BENCH_ROUNDS:-3}"
LOOPS="${BENCH_EVENT_LOOPS:-2}"
WORKERS="${BENCH_NGINX_WORKERS:-1}"
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
PORT="${BENCH_PORT:-19491}"
for n in ROUNDS LOOPS WORKERS WRK_THREADS CONNECTIONS WARMUP DURATION PORT; do
  [[ "${!n}" =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer, not '${!n}'"
done
UPSTREAM_PORT=$((PORT + 1))
PDP_PORT=$((PORT + 2))
GRPC_PORT=$((PORT + 3))
need_wrk
NGINX="${BENCH_NGINX:-/usr/sbin/nginx}"
[[ -x "$NGINX" ]] || die "nginx is required: apt-get install nginx-light"
command -v python3 >/dev/null || die "python3 is required"
for p in "$PORT" "$UPSTREAM_PORT" "$PDP_PORT" "$GRPC_PORT"; do
  port_free "$p" || die "port $p is in use; set BENCH_PORT"
done

LOAD_AT_START="$(cat /proc/loadavg)"
JAR="$ROOT/benchmarks/target/benchmarks.jar"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
RESULTS="$ROOT/benchmarks/results"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/nginx-auth-benchmark.XXXXXX")"
mkdir -p "$RESULTS"
SERVER=""
NGINX_PID=""
cleanup() {
  local rc=$?
  [[ -n "$NGINX_PID" ]] && kill -QUIT "$NGINX_PID" 2>/dev/null && sleep 0.5
  stop_pid "$SERVER" "benchmark server"
  if [[ $rc -ne 0 ]]; then say "failed (exit $rc); logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_extauthz_server "$GRPC_PORT" "$PDP_PORT" "$LOOPS" 200

SERVICE="https%3A%2F%2Fscicat.bench.example"
start_nginx "$NGINX" "$WORK/nginx" "$WORKERS" <<EOF
  upstream pdp { server 127.0.0.1:$PDP_PORT; keepalive 32; }
  upstream service { server 127.0.0.1:$UPSTREAM_PORT; keepalive 32; }
  server {
    listen 127.0.0.1:$UPSTREAM_PORT;
    location / { return 200 "ok\n"; }
  }
  server {
    listen 127.0.0.1:$PORT;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    location /api/ {
      auth_request /_panosc_authz;
      auth_request_set \$panosc_subject \$upstream_http_x_panosc_subject;
      auth_request_set \$panosc_decision \$upstream_http_x_panosc_decision_id;
      proxy_set_header X-Panosc-Subject \$panosc_subject;
      proxy_set_header X-Panosc-Decision-Id \$panosc_decision;
      proxy_pass http://service;
    }
    location /noauth/ {
      proxy_pass http://service/;
    }
    location = /_panosc_authz {
      internal;
      proxy_pass http://pdp/pdp/v1/ext-authz?service=$SERVICE;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI \$request_uri;
      proxy_set_header X-Original-Method \$request_method;
      proxy_connect_timeout 1s;
      proxy_read_timeout 2s;
    }
  }
EOF
read -r first_token first_path _ < "$WORK/requests.tsv"
[[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $first_token" \
  "http://127.0.0.1:$PORT/noauth$first_path")" == 200 ]] || die "nginx without auth does not answer 200"
nginx_ticks() {  # the CPU ticks of nginx's master and workers
  local t=0 p
  for p in $NGINX_PID $(pgrep -P "$NGINX_PID"); do t=$((t + $(cpu_ticks "$p"))); done
  echo "$t"
}
TCK="$(getconf CLK_TCK)"

phase() {  # phase ROUND LOAD(full|one) MODE(auth|noauth)
  local r="$1" l="$2" m="$3" prefix="" threads="$WRK_THREADS" conns="$CONNECTIONS" n0 n1 s0 s1
  [[ "$m" == noauth ]] && prefix="/noauth"
  [[ "$l" == one ]] && threads=1 conns=1
  say "round $r: $m, $conns connection(s) ($(load))"
  wrk -t"$threads" -c"$conns" -d"${WARMUP}s" -s benchmarks/wrk/ext-authz.lua "http://127.0.0.1:$PORT" \
    -- "$WORK/requests.tsv" "$prefix" nginx > /dev/null
  n0="$(nginx_ticks)"; s0="$(cpu_ticks "$SERVER")"
  wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency -s benchmarks/wrk/ext-authz.lua "http://127.0.0.1:$PORT" \
    -- "$WORK/requests.tsv" "$prefix" nginx > "$WORK/$l-$m-$r.out"
  n1="$(nginx_ticks)"; s1="$(cpu_ticks "$SERVER")"
  grep '^WRK_RESULT ' "$WORK/$l-$m-$r.out" | sed 's/^WRK_RESULT //' > "$WORK/$l-$m-$r.json"
  echo "$((n1 - n0)) $((s1 - s0))" > "$WORK/$l-$m-$r.cpu"
}
for ((r = 1; r <= ROUNDS; r++)); do
  for l in full one; do
    if ((r % 2)); then phase "$r" "$l" auth; phase "$r" "$l" noauth; else phase "$r" "$l" noauth; phase "$r" "$l" auth; fi
  done
done

python3 - "$WORK" "$ROUNDS" "$TCK" "$RESULTS/$STAMP-nginx-auth.json" "$LOAD_AT_START" "$(cat /proc/loadavg)" \
  "$LOOPS" "$WORKERS" "$CONNECTIONS" "$WARMUP" "$DURATION" "$("$JAVA" -version 2>&1 | head -1)" \
  "$("$NGINX" -v 2>&1)" <<'EOF'
import json, sys, statistics
work, rounds, tck, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
runs = []
for r in range(1, rounds + 1):
    for l in ("full", "one"):
        row = {"round": r, "load": l}
        for m in ("auth", "noauth"):
            w = json.load(open(f"{work}/{l}-{m}-{r}.json"))
            ncpu, scpu = (int(x) / tck for x in open(f"{work}/{l}-{m}-{r}.cpu").read().split())
            rate = w["requests"] / (w["durationUs"] / 1e6)
            if w["other"] or any(w["socketErrors"].values()):
                sys.exit(f"round {r} {l} {m}: answers other than 200/403 or socket errors: {w}")
            if m == "noauth" and w["denied403"]:
                sys.exit(f"round {r} {l}: a request without auth was refused: {w}")
            if m == "auth":
                share, expected = w["ok200"] / max(1, w["ok200"] + w["denied403"]), w["expectedPermits"] / max(1, w["requests"])
                if abs(share - expected) > 0.02:
                    sys.exit(f"round {r} {l}: the permits through auth_request do not match the requests: {w}")
            row[m] = {"wrk": w, "perSecond": round(rate, 1), "nginxCpuUsPerRequest": round(ncpu / w["requests"] * 1e6, 1),
                      "pdpCpuUsPerRequest": round(scpu / w["requests"] * 1e6, 1)}
        row["addedP50Us"] = row["auth"]["wrk"]["latencyUs"]["p50"] - row["noauth"]["wrk"]["latencyUs"]["p50"]
        row["addedP99Us"] = row["auth"]["wrk"]["latencyUs"]["p99"] - row["noauth"]["wrk"]["latencyUs"]["p99"]
        row["ratioPerSecond"] = round(row["auth"]["perSecond"] / row["noauth"]["perSecond"], 3)
        runs.append(row)
med = statistics.median
summary = {}
for l in ("full", "one"):
    rs = [x for x in runs if x["load"] == l]
    summary[l] = {
        "authPerSecond": med([x["auth"]["perSecond"] for x in rs]),
        "noauthPerSecond": med([x["noauth"]["perSecond"] for x in rs]),
        "ratioPerSecond": med([x["ratioPerSecond"] for x in rs]),
        "addedP50Us": med([x["addedP50Us"] for x in rs]),
        "addedP99Us": med([x["addedP99Us"] for x in rs]),
    }
doc = {"stamp": out.rsplit("/", 1)[-1].split("-nginx")[0], "java": sys.argv[12], "nginx": sys.argv[13],
       "loadAtStart": sys.argv[5], "loadAtEnd": sys.argv[6], "pdpEventLoops": int(sys.argv[7]),
       "nginxWorkers": int(sys.argv[8]), "connections": int(sys.argv[9]), "warmupSeconds": int(sys.argv[10]),
       "durationSeconds": int(sys.argv[11]), "runs": runs, "median": summary}
json.dump(doc, open(out, "w"), indent=1)
print(json.dumps(summary))
for x in runs:
    a, n = x["auth"], x["noauth"]
    print(f"round {x['round']} ({x['load']}): with auth_request {a['perSecond']:.0f}/s p50 {a['wrk']['latencyUs']['p50']} us "
          f"p99 {a['wrk']['latencyUs']['p99']} us (CPU per request: nginx {a['nginxCpuUsPerRequest']} us, PDP "
          f"{a['pdpCpuUsPerRequest']} us); without {n['perSecond']:.0f}/s p50 {n['wrk']['latencyUs']['p50']} us p99 "
          f"{n['wrk']['latencyUs']['p99']} us (nginx {n['nginxCpuUsPerRequest']} us); added p50 {x['addedP50Us']} us, "
          f"p99 {x['addedP99Us']} us")
print("results: " + out)
EOF
