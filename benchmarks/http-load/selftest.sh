#!/usr/bin/env bash
# Tests of openload.c, the open-loop HTTP/1.1 driver (a measuring instrument: these prove it measures right). Run by
# hand, not by ./mvnw verify (it takes about a minute and its checks are about time):
#
#   nice -n 19 benchmarks/http-load/selftest.sh
#
# Builds openload with `cc -O2 -Wall -Werror`, starts testserver.py (a python3 HTTP/1.1 server with known behaviour,
# one thread per connection) and checks, each from the driver's OPEN_RESULT line and exit code:
#   rate        a server answering after 5 ms: every scheduled request answered, the achieved rate within 3 % of
#               RATE, every latency >= 5 ms, Content-Length bodies counted and their bytes summed
#   chunked     chunked bodies (a chunk extension, a trailer) parsed, bytes summed
#   split       a chunked answer written three bytes at a time (answers split across reads everywhere)
#   eof         bodies that end with the connection's close; a reconnect per answer
#   close       `Connection: close` answers: a reconnect per answer, no error
#   idle-close  a server that closes connections idle for 30 ms without saying so: reconnects, no error
#   stall       the server stalls one second in the measured window: max >= 0.95 s, p99 >= 0.9 s, p90 >= 0.4 s (the
#               requests due during the stall count from their due time: no coordinated omission)
#   backlog     a server far too slow for RATE: "sustained":false, no latencies, exit 3
#   overload    a server slightly too slow (its backlog short of BACKLOG, not drained at the end): the same
#   non2xx      503 answers and a wrong Authorization (401) are counted as errors, exit 1
#   malformed   an unparsable status line is counted as malformed, exit 1
#   partial     a 120 KB request from small socket buffers to a server that reads it slowly: partial writes
#               completed, every answer 200
#   arguments   bad arguments and a refused connection: exit 2 before any request
#   nginx       (when nginx is installed) a static file at 5 000/s over 16 connections: the rate held, no error
# Prints each check's result and a summary; exit 1 when any check fails.
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/openload-selftest.XXXXXX")"
SERVER=""
NGINX_PID=""
cleanup() {
  if [[ -n "$SERVER" ]]; then kill "$SERVER" 2>/dev/null || true; fi
  if [[ -n "$NGINX_PID" ]]; then kill "$NGINX_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
say() { echo "selftest: $*" >&2; }
die() { say "$*"; exit 1; }

command -v cc >/dev/null || die "a C compiler is required (apt-get install gcc)"
command -v python3 >/dev/null || die "python3 is required"
cc -O2 -Wall -Werror -o "$WORK/openload" "$DIR/openload.c" || die "openload does not build without warnings"

AUTH="Bearer selftest-secret"
python3 "$DIR/testserver.py" "$AUTH" > "$WORK/server.out" 2>&1 &
SERVER=$!
for ((i = 0; i < 50; i++)); do grep -q '^READY' "$WORK/server.out" && break; sleep 0.1; done
PORT="$(awk '/^READY/ {print $2}' "$WORK/server.out")"
[[ -n "$PORT" ]] || die "the test server did not start: $(cat "$WORK/server.out")"

FAILED=0
PASSED=0
# drive NAME PATH CONNECTIONS RATE WARMUP DURATION [BACKLOG] [AUTHORIZATION]: runs openload, keeps its output and
# exit code
drive() {
  local name="$1" rc=0
  OPENLOAD_AUTHORIZATION="${8:-$AUTH}" "$WORK/openload" 127.0.0.1 "$PORT" "$2" - "$3" "$4" "$5" "$6" ${7:+"$7"} \
    > "$WORK/$name.out" 2> "$WORK/$name.err" || rc=$?
  echo "$rc" > "$WORK/$name.rc"
}
# check NAME EXPRESSION: a Python expression over r (the OPEN_RESULT object), rc (exit code) and lat (r's latencyUs)
check() {
  local name="$1" expr="$2" out
  if out="$(python3 - "$WORK/$name.out" "$WORK/$name.rc" "$expr" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1]) if l.startswith("OPEN_RESULT ")]
if len(lines) != 1:
    sys.exit("no OPEN_RESULT line")
r = json.loads(lines[0][len("OPEN_RESULT "):])
rc = int(open(sys.argv[2]).read())
lat = r.get("latencyUs") or {}
q = r["requests"]
ok = eval(sys.argv[3])
summary = (f"rc {rc}, sustained {r['sustained']}, requests {q}, achieved {r.get('achievedPerSecond')}/s, latency us "
           f"{lat}, reconnects {r['reconnects']}, retries {r['retries']}, partial writes {r['writeWaits']}, errors "
           f"{r['errors']}, first non-2xx {r['firstNon2xxStatus']}, bodies {r['bodies']}, driver CPU "
           f"{r['driverCpuSeconds']} s")
print(summary)
sys.exit(0 if ok else 1)
PY
)"; then
    PASSED=$((PASSED + 1)); say "PASS $name: $out"
  else
    FAILED=$((FAILED + 1)); say "FAIL $name: $expr"; say "     $out"; cat "$WORK/$name.err" >&2
  fi
}
OK='rc == 0 and r["sustained"] and r["errors"]["total"] == 0 and q["answered"] == q["scheduled"] == q["sent"]'
RATE_OK='abs(r["achievedPerSecond"] / r["targetPerSecond"] - 1) < 0.03'

say "test server on port $PORT"
drive rate '/len?delay=5&size=100' 4 200 1 4
check rate "$OK and $RATE_OK and lat['min'] >= 5000 and r['bodies']['contentLength'] == q['answeredAll'] \
  and r['bodies']['bytes'] == 100 * q['answeredAll'] and r['reconnects'] == 0"

drive chunked '/chunked?size=1000' 4 200 1 2
check chunked "$OK and $RATE_OK and r['bodies']['chunked'] == q['answeredAll'] \
  and r['bodies']['bytes'] == 1000 * q['answeredAll']"

drive split '/split?size=300' 4 20 1 2
check split "$OK and r['bodies']['chunked'] == q['answeredAll'] and r['bodies']['bytes'] == 300 * q['answeredAll']"

drive eof '/eof?size=500' 4 100 1 2
check eof "$OK and r['bodies']['untilClose'] == q['answeredAll'] and r['bodies']['bytes'] == 500 * q['answeredAll'] \
  and r['reconnects'] == q['answeredAll']"

drive close '/close' 4 100 1 2
check close "$OK and r['reconnects'] == q['answeredAll'] and r['bodies']['contentLength'] == q['answeredAll']"

drive idle-close '/idleclose' 4 20 1 3
check idle-close "$OK and r['reconnects'] >= q['answeredAll'] // 2"

# 100/s for 5 s measured; the server stalls during [2 s, 3 s) of the run, i.e. in the measured window (1 s to 6 s):
# the ~100 requests due in that second wait for its end, latencies from ~1 s down to ~0
drive stall '/stall?delay=1' 4 100 1 5 10000
check stall "$OK and lat['max'] >= 950000 and lat['p99'] >= 900000 and lat['p90'] >= 400000 and lat['p50'] < 100000"

drive backlog '/len?delay=100' 2 100 0 3
check backlog "rc == 3 and not r['sustained'] and r['latencyUs'] is None and r['backlogMax'] > r['backlogBound'] \
  and 'BACKLOG' in r['notSustained']"

# capacity ~39/s (2 connections, 51 ms per answer) against 44/s for 3 s: the backlog never reaches 1 s of requests
# but has not drained at the last due time
drive overload '/len?delay=50' 2 44 0 3
check overload "rc == 3 and not r['sustained'] and 'last due time' in r['notSustained'] and r['latencyUs'] is None"

drive non2xx '/status/503' 2 50 0 1
check non2xx "rc == 1 and r['errors']['non2xx'] == q['answeredAll'] == r['errors']['total'] > 0 \
  and r['firstNon2xxStatus'] == 503"
drive unauthorized '/len' 2 50 0 1 '' 'Bearer wrong'
check unauthorized "rc == 1 and r['errors']['non2xx'] == q['answeredAll'] > 0 and r['firstNon2xxStatus'] == 401"

drive malformed '/bad' 2 50 0 1
check malformed "rc == 1 and r['errors']['malformed'] == q['sentAll'] > 0 and q['answeredAll'] == 0"

# a 120 KB request (its path) from 4 KiB socket buffers (OPENLOAD_SNDBUF) to a server with an 8 KiB window that reads
# 16 KiB every 5 ms: the driver's writes are partial (writeWaits), the requests still whole (the server parses them)
OPENLOAD_SNDBUF=4096 drive partial "/slowread?size=10&pad=$(head -c 120000 /dev/zero | tr '\0' x)" 2 5 0 2
check partial "$OK and r['writeWaits'] > 0 and r['bodies']['bytes'] == 10 * q['answeredAll']"

args_fail() {  # args_fail WHAT ARGS...: openload must exit 2 and print no result
  local what="$1" rc=0
  shift
  "$WORK/openload" "$@" > "$WORK/args.out" 2> "$WORK/args.err" || rc=$?
  if [[ $rc == 2 ]] && ! grep -q OPEN_RESULT "$WORK/args.out"; then
    PASSED=$((PASSED + 1)); say "PASS arguments ($what): $(cat "$WORK/args.err")"
  else
    FAILED=$((FAILED + 1)); say "FAIL arguments ($what): exit $rc"
  fi
}
args_fail "rate 0" 127.0.0.1 "$PORT" / '' 1 0 0 1
args_fail "connections abc" 127.0.0.1 "$PORT" / '' abc 10 0 1
args_fail "path without /" 127.0.0.1 "$PORT" len '' 1 10 0 1
args_fail "line break in the header" 127.0.0.1 "$PORT" / $'Bearer x\r\nX: y' 1 10 0 1
args_fail "too few arguments" 127.0.0.1 "$PORT" /
FREE="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
args_fail "connection refused" 127.0.0.1 "$FREE" / '' 1 10 0 1

NGINX="$(command -v nginx || true)"
[[ -z "$NGINX" && -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx
if [[ -n "$NGINX" ]]; then
  mkdir -p "$WORK/nginx/html"
  head -c 2000 /dev/zero | tr '\0' x > "$WORK/nginx/html/page"
  chmod a+rx "$WORK" "$WORK/nginx" "$WORK/nginx/html" && chmod a+r "$WORK/nginx/html/page"  # nginx's worker user
  NPORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  cat > "$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
error_log $WORK/nginx/error.log warn;
pid $WORK/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy; fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$NPORT; root $WORK/nginx/html; }
}
EOF
  "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" > "$WORK/nginx/out.log" 2>&1 &
  NGINX_PID=$!
  for ((i = 0; i < 50; i++)); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NPORT/page" || true)" == 200 ]] && break
    sleep 0.1
  done
  rc=0
  "$WORK/openload" 127.0.0.1 "$NPORT" /page '' 16 5000 1 4 > "$WORK/nginx.out" 2> "$WORK/nginx.err" || rc=$?
  echo "$rc" > "$WORK/nginx.rc"
  check nginx "$OK and $RATE_OK and r['bodies']['bytes'] == 2000 * q['answeredAll']"
else
  say "SKIP nginx: not installed"
fi

say "$PASSED passed, $FAILED failed"
[[ $FAILED == 0 ]]
