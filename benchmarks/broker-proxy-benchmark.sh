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
# wrk is a closed loop: it keeps both targets saturated, so its latencies are connections / throughput. Then, unless
# BENCH_OPEN=0, an open loop measures the latency the proxy adds at a fixed rate: the native driver
# benchmarks/http-load/openload.c (C, one thread, epoll; built here with cc), at each of BENCH_OPEN_FRACTIONS times the
# proxy's median closed-loop requests/s of this run (or at each of BENCH_OPEN_RATES requests/s), BENCH_ROUNDS rounds
# per rate, each round direct and proxy at the same rate (alternating which goes first), BENCH_OPEN_CONNECTIONS
# connections, BENCH_WARMUP s at the rate (not measured) then BENCH_DURATION s measured, each request's latency
# counted from its scheduled send time (no coordinated omission). A run with any non-2xx answer, socket error or
# malformed answer fails; a run whose backlog of due requests passed 1 s of the rate, or still held 0.1 s of it at
# the last due time (the target did not sustain the rate), is flagged "not sustained", has no latencies and leaves its
# round out of the medians. Reported per rate: each run's result, p99 and p50 added (proxy − direct) per round and
# their medians. With nginx installed (BENCH_NGINX_REF=1, the default then), a third target in the open loop calibrates
# what any reverse proxy adds on this machine: nginx (one worker, kept-alive upstream connections) in front of the same
# page, replacing the caller's Authorization with the session's secret and doing nothing else (no token check, no
# session lookup); its p99 added (nginx − direct) is reported beside the proxy's.
# Results: benchmarks/results/<UTC>-broker-proxy.json and a summary on stdout.
#
#   benchmarks/broker-proxy-benchmark.sh
#   BENCH_SKIP_BUILD=1 BENCH_ROUNDS=5 benchmarks/broker-proxy-benchmark.sh
#   BENCH_SKIP_BUILD=1 BENCH_OPEN_RATES="10000 20000" benchmarks/broker-proxy-benchmark.sh
#
# Environment: BENCH_ROUNDS (3), BENCH_CONNECTIONS (16), BENCH_WRK_THREADS (2), BENCH_WARMUP (10 s),
# BENCH_DURATION (20 s), BENCH_OURS_PORT (18680), BENCH_SKIP_BUILD=1 (reuse panosc.jar), BENCH_PANOSC_JAVA_OPTS (added
# to the control plane's JVM, e.g. -XX:StartFlightRecording=settings=profile,filename=/tmp/proxy.jfr), BENCH_OPEN
# (1; 0 skips the open loop), BENCH_OPEN_FRACTIONS ("0.5 0.8"), BENCH_OPEN_RATES (requests/s, e.g. "10000 20000";
# given, it replaces the fractions), BENCH_OPEN_CONNECTIONS (64), BENCH_NGINX_REF (1 when nginx is installed; 0 leaves
# it out), BENCH_NGINX (/usr/sbin/nginx), BENCH_NGINX_PORT (18681), BENCH_EVENT_LOOPS (the control plane's
# server.eventLoops; default: its own, the CPU count), BENCH_SERVER_CPUS and BENCH_DRIVER_CPUS (taskset -c CPU lists:
# the control plane, its PostgreSQL and nginx on the first, wrk and openload on the second, e.g. 0 and 1).
# Requires: wrk (`apt-get install wrk`), curl, python3; for the open loop a C compiler (`apt-get install gcc`).
set -euo pipefail

BENCH_NAME=broker-proxy-benchmark
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$ROOT"

PORT="${BENCH_OURS_PORT:-18680}"
ROUNDS="${BENCH_ROUNDS:-3}"
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
OPEN="${BENCH_OPEN:-1}"
OPEN_FRACTIONS="${BENCH_OPEN_FRACTIONS:-0.5 0.8}"
OPEN_RATES="${BENCH_OPEN_RATES:-}"
OPEN_CONNECTIONS="${BENCH_OPEN_CONNECTIONS:-64}"
NGINX="${BENCH_NGINX:-/usr/sbin/nginx}"
NGINX_PORT="${BENCH_NGINX_PORT:-18681}"
if [[ -x "$NGINX" ]]; then NGINX_REF="${BENCH_NGINX_REF:-1}"; else NGINX_REF="${BENCH_NGINX_REF:-0}"; fi
for n in ROUNDS WRK_THREADS CONNECTIONS WARMUP DURATION PORT OPEN_CONNECTIONS NGINX_PORT; do
  [[ "${!n}" =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer, not '${!n}'"
done
[[ -z "${BENCH_EVENT_LOOPS:-}" || "${BENCH_EVENT_LOOPS}" =~ ^[1-9][0-9]?$ ]] \
  || die "BENCH_EVENT_LOOPS must be 1 to 64 (the control plane's server.eventLoops), not '${BENCH_EVENT_LOOPS}'"
[[ "$OPEN" == 0 || "$OPEN" == 1 ]] || die "BENCH_OPEN must be 0 or 1, not '$OPEN'"
[[ "$NGINX_REF" == 0 || "$NGINX_REF" == 1 ]] || die "BENCH_NGINX_REF must be 0 or 1, not '$NGINX_REF'"
[[ "$NGINX_REF" == 0 || "$OPEN" == 1 ]] || NGINX_REF=0   # the reference runs in the open loop only
[[ "$NGINX_REF" == 0 || -x "$NGINX" ]] || die "BENCH_NGINX_REF=1 needs nginx (apt-get install nginx-light) at $NGINX"
read -r -a OPEN_FRACTIONS <<<"$OPEN_FRACTIONS"
read -r -a OPEN_RATES <<<"$OPEN_RATES"
if [[ "$OPEN" == 1 ]]; then
  [[ ${#OPEN_RATES[@]} -gt 0 || ${#OPEN_FRACTIONS[@]} -gt 0 ]] \
    || die "BENCH_OPEN_FRACTIONS and BENCH_OPEN_RATES are both empty; set one, or BENCH_OPEN=0"
  for x in "${OPEN_RATES[@]}"; do
    [[ "$x" =~ ^[1-9][0-9]*$ ]] || die "BENCH_OPEN_RATES must hold positive integers (requests/s), not '$x'"
  done
  for x in "${OPEN_FRACTIONS[@]}"; do
    [[ "$x" =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)$ && ! "$x" =~ ^[0.]+$ ]] \
      || die "BENCH_OPEN_FRACTIONS must hold positive numbers (e.g. 0.5), not '$x'"
  done
  command -v cc >/dev/null || die "the open loop needs a C compiler (apt-get install gcc), or BENCH_OPEN=0"
fi
need_wrk
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required"

LOAD_AT_START="$(cat /proc/loadavg)"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
RESULTS="$ROOT/benchmarks/results"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/broker-proxy-benchmark.XXXXXX")"
mkdir -p "$RESULTS" "$WORK/runs" "$WORK/open"
PANOSC_PID=""
NGINX_PID=""
cleanup() {
  local rc=$?
  stop_pid "$NGINX_PID" "nginx"
  stop_pid "$PANOSC_PID" "control plane"
  if [[ $rc -ne 0 ]]; then say "failed (exit $rc); logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }

if [[ "$OPEN" == 1 ]]; then
  cc -O2 -Wall -o "$WORK/openload" benchmarks/http-load/openload.c || die "building openload failed"
fi
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -f control-plane/target/panosc.jar ]]; then
  say "building the control plane (./mvnw -pl control-plane -am package)"
  ./mvnw -B -q -DskipTests -pl control-plane -am package
fi

cat > "$WORK/panosc.yaml" <<YAML
logging:
  level: warn
$([[ -n "${BENCH_EVENT_LOOPS:-}" ]] && printf 'server:\n  eventLoops: %s\n' "$BENCH_EVENT_LOOPS")
services:
  aai:
    accessTokenLifetime: 60m
YAML
port_free "$PORT" || die "port $PORT is taken (BENCH_OURS_PORT)"
say "starting the control plane on port $PORT ($(load))"
PANOSC_JAVA_OPTS="-Djava.io.tmpdir=$WORK ${BENCH_PANOSC_JAVA_OPTS:-}" "${SERVER_PIN[@]}" ./panosc up --demo --port "$PORT" --data-dir "$WORK/data" \
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

if [[ "$NGINX_REF" == 1 ]]; then
  port_free "$NGINX_PORT" || die "port $NGINX_PORT is taken (BENCH_NGINX_PORT)"
  read -r NG_HOST NG_PORT NG_PATH <<<"$(python3 -c 'import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1]); print(u.hostname, u.port or 80, u.path or "/")' "$DIRECT")"
  start_nginx "$NGINX" "$WORK/nginx" 1 <<EOF
  upstream session { server $NG_HOST:$NG_PORT; keepalive 128; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    keepalive_requests 1000000;
    location / {
      proxy_pass http://session;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "Bearer $SECRET";
      proxy_buffering off;
    }
  }
EOF
  curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$NGINX_PORT$NG_PATH" > "$WORK/nginx.html" \
    || die "the page through nginx does not answer"
  cmp -s "$WORK/direct.html" "$WORK/nginx.html" || die "the page through nginx differs from the direct one"
  say "reference: nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') on port $NGINX_PORT in front of the same page"
fi

run() {  # run NAME URL AUTH SECONDS OUT
  "${DRIVER_PIN[@]}" wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${4}s" --latency -H "Authorization: Bearer $3" "$2" > "$5" 2>&1 \
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

# The open loop: the same rate for both targets, latency from each request's scheduled send time
if [[ "$OPEN" == 1 ]]; then
  target_of() {  # target_of URL: "HOST PORT PATH" for openload (plain HTTP only)
    python3 - "$1" <<'PY'
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
if u.scheme != "http" or not u.hostname:
    sys.exit(f"openload speaks plain HTTP only: {sys.argv[1]}")
print(u.hostname, u.port or 80, (u.path or "/") + ("?" + u.query if u.query else ""))
PY
  }
  DIRECT_TARGET="$(target_of "$DIRECT")" || die "openload cannot drive the session's URL $DIRECT"
  read -r DIRECT_HOST DIRECT_PORT DIRECT_PATH <<<"$DIRECT_TARGET"
  : > "$WORK/open/rates.tsv"
  if [[ ${#OPEN_RATES[@]} -gt 0 ]]; then
    for x in "${OPEN_RATES[@]}"; do printf -- '-\t%s\n' "$x" >> "$WORK/open/rates.tsv"; done
  else
    PROXY_RPS="$(python3 -c 'import re, statistics, sys
rps = [float(re.search(r"Requests/sec:\s+([\d.]+)", open(f).read()).group(1)) for f in sys.argv[1:]]
print(statistics.median(rps))' "$WORK"/runs/*-proxy.txt)" \
      || die "no closed-loop requests/s of the proxy to take the open loop's rates from"
    for x in "${OPEN_FRACTIONS[@]}"; do
      printf '%s\t%s\n' "$x" "$(python3 -c 'import sys; print(max(1, round(float(sys.argv[1]) * float(sys.argv[2]))))' \
        "$x" "$PROXY_RPS")" >> "$WORK/open/rates.tsv"
    done
    say "open loop at ${OPEN_FRACTIONS[*]} x the proxy's median closed-loop $PROXY_RPS requests/s"
  fi
  open_run() {  # open_run TARGET RATE OUT: one openload run; fails on errors, flags a rate not sustained
    local t="$1" rate="$2" out="$3" rc=0 host port path auth
    case $t in
      direct) host="$DIRECT_HOST" port="$DIRECT_PORT" path="$DIRECT_PATH" auth="$SECRET" ;;
      proxy) host=127.0.0.1 port="$PORT" path="/broker/s/$ID/" auth="$TOKEN" ;;
      nginx) host=127.0.0.1 port="$NGINX_PORT" path="$DIRECT_PATH" auth="$TOKEN" ;;  # nginx puts the secret in
    esac
    # the credential goes through the environment, not the command line (ps)
    OPENLOAD_AUTHORIZATION="Bearer $auth" "${DRIVER_PIN[@]}" "$WORK/openload" "$host" "$port" "$path" - "$OPEN_CONNECTIONS" "$rate" \
      "$WARMUP" "$DURATION" < /dev/null > "$out.out" 2> "$out.err" || rc=$?
    case $rc in
      0 | 3) ;;
      1) cat "$out.out" "$out.err" >&2; die "$t at $rate/s: non-2xx answers, socket errors or malformed answers" ;;
      *) cat "$out.err" >&2; die "openload failed ($t at $rate/s, exit $rc)" ;;
    esac
    grep '^OPEN_RESULT ' "$out.out" | sed 's/^OPEN_RESULT //' > "$out.json"
    [[ -s "$out.json" ]] || die "openload printed no result ($t at $rate/s)"
    if [[ $rc == 3 ]]; then
      say "$t at $rate/s: NOT SUSTAINED, no latencies: $(json '["notSustained"]' < "$out.json")"
    fi
  }
  i=0
  while IFS=$'\t' read -r _ rate; do
    i=$((i + 1))
    for ((r = 1; r <= ROUNDS; r++)); do
      if ((r % 2)); then order=(direct proxy); else order=(proxy direct); fi
      if [[ "$NGINX_REF" == 1 ]]; then   # the three in turn: each goes first, second and third over three rounds
        case $((r % 3)) in 1) order=(direct proxy nginx) ;; 2) order=(proxy nginx direct) ;; *) order=(nginx direct proxy) ;; esac
      fi
      for t in "${order[@]}"; do
        say "open loop $rate/s, round $r: $t, $OPEN_CONNECTIONS connections, ${WARMUP} s + ${DURATION} s ($(load))"
        load > "$WORK/open/$i-$r-$t.load"
        open_run "$t" "$rate" "$WORK/open/$i-$r-$t"
      done
    done
  done < "$WORK/open/rates.tsv"
fi

OUT="$RESULTS/$STAMP-broker-proxy.json"
python3 - "$WORK/runs" "$OUT" "$ROUNDS" "$CONNECTIONS" "$WRK_THREADS" "$DURATION" "$LOAD_AT_START" \
  "$(cat /proc/loadavg)" "$("$JAVA" -version 2>&1 | head -1)" "$OPEN" "$WORK/open" "$OPEN_CONNECTIONS" "$WARMUP" <<'PY'
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
lines = []
if sys.argv[10] == "1":  # the open loop, per rate
    opendir = sys.argv[11]
    rates = [l.rstrip("\n").split("\t") for l in open(os.path.join(opendir, "rates.tsv"))]
    summary["open"] = {"driver": "benchmarks/http-load/openload.c", "connections": int(sys.argv[12]),
                       "warmup_s": int(sys.argv[13]), "duration_s": int(sys.argv[6]), "rates": []}
    for i, (fraction, rate) in enumerate(rates, 1):
        per = {"direct": [], "proxy": []}
        if os.path.exists(os.path.join(opendir, f"{i}-1-nginx.json")):
            per["nginx"] = []
        added99, added50, flagged, nginx99 = [], [], [], []
        for r in range(1, rounds + 1):
            for t in per:
                x = json.load(open(os.path.join(opendir, f"{i}-{r}-{t}.json")))
                x["round"] = r
                x["load"] = open(os.path.join(opendir, f"{i}-{r}-{t}.load")).read().strip()
                per[t].append(x)
                if not x["sustained"]:
                    flagged.append(f"{t} round {r}")
            d, p = per["direct"][-1], per["proxy"][-1]
            if d["sustained"] and p["sustained"]:
                added99.append(round((p["latencyUs"]["p99"] - d["latencyUs"]["p99"]) / 1000, 3))
                added50.append(round((p["latencyUs"]["p50"] - d["latencyUs"]["p50"]) / 1000, 3))
            else:
                added99.append(None)
                added50.append(None)
            if "nginx" in per:
                n = per["nginx"][-1]
                nginx99.append(round((n["latencyUs"]["p99"] - d["latencyUs"]["p99"]) / 1000, 3)
                               if d["sustained"] and n["sustained"] else None)
        ok99 = [a for a in added99 if a is not None]
        ok50 = [a for a in added50 if a is not None]
        med = lambda t, k: statistics.median(x["latencyUs"][k] / 1000 for x in per[t] if x["sustained"]) \
            if any(x["sustained"] for x in per[t]) else None
        entry = {
            "fraction_of_proxy_closed_rps": None if fraction == "-" else float(fraction), "rate": int(rate),
            "runs": per, "sustained_rounds": len(ok99), "not_sustained": flagged,
            "p99_added_ms_per_round": added99,
            "p99_added_ms_median": round(statistics.median(ok99), 3) if ok99 else None,
            "p50_added_ms_per_round": added50,
            "p50_added_ms_median": round(statistics.median(ok50), 3) if ok50 else None,
            "median_ms": {t: {k: med(t, k) for k in ("p50", "p90", "p99", "p999", "max")} for t in per},
        }
        okn = [a for a in nginx99 if a is not None]
        if "nginx" in per:
            entry["nginx_p99_added_ms_per_round"] = nginx99
            entry["nginx_p99_added_ms_median"] = round(statistics.median(okn), 3) if okn else None
        summary["open"]["rates"].append(entry)
        basis = "" if fraction == "-" else \
            f" ({fraction} x the proxy's closed-loop {summary['median']['proxy']['rps']:.0f}/s)"
        fmt = lambda v: "n/a" if v is None else f"{v:.3f}"
        cpu = statistics.median(x["driverCpuSeconds"] for t in per for x in per[t])
        line = (f"open loop {rate}/s{basis}, {sys.argv[12]} connections, {rounds} rounds: p99 added per round "
                f"{', '.join(fmt(a) for a in added99)} ms, median {fmt(entry['p99_added_ms_median'])} ms; p50 added "
                f"median {fmt(entry['p50_added_ms_median'])} ms; p50/p99 medians direct "
                f"{fmt(entry['median_ms']['direct']['p50'])}/{fmt(entry['median_ms']['direct']['p99'])} ms, proxy "
                f"{fmt(entry['median_ms']['proxy']['p50'])}/{fmt(entry['median_ms']['proxy']['p99'])} ms; driver CPU "
                f"{cpu:.1f} s per run")
        if "nginx" in per:
            line += (f"; reference nginx: p99 added per round {', '.join(fmt(a) for a in nginx99)} ms, median "
                     f"{fmt(entry['nginx_p99_added_ms_median'])} ms, p50/p99 medians "
                     f"{fmt(entry['median_ms']['nginx']['p50'])}/{fmt(entry['median_ms']['nginx']['p99'])} ms")
        reconnects = sum(x["reconnects"] for t in per for x in per[t])
        if reconnects:
            line += f"; {reconnects} reconnects"
        if flagged:
            line = f"NOT SUSTAINED ({'; '.join(flagged)}; those rounds left out) " + line
        lines.append(line)
json.dump(summary, open(out, "w"), indent=2)
print(json.dumps({k: summary[k] for k in ("median", "p99_added_ms_per_round", "p99_added_ms_median",
                                          "p50_added_ms_median", "rps_ratio_proxy_over_direct")}, indent=2))
for line in lines:
    print(line)
PY
say "results: $OUT"
