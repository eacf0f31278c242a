# Shared by the HTTP benchmark scripts (token-benchmark.sh, pdp-benchmark.sh, ...); source it after setting
# BENCH_NAME (the prefix of messages). Selects the JDK, sets JAVA and JAVA_FLAGS, the driver settings
# (CONNECTIONS, WARMUP, DURATION, SETTLE, FRACTION from BENCH_CONNECTIONS, ...), SERVER_PIN and DRIVER_PIN (taskset
# prefixes from BENCH_SERVER_CPUS and BENCH_DRIVER_CPUS), and defines:
#   say, die, load, port_free PORT, stop_pid PID NAME, wait_http URL SECONDS PID NAME LOG, build_jars JAR,
#   start_nginx NGINX DIR WORKERS, need_wrk, java_pid PID, cpu_ticks PID, basic_auth ID SECRET,
#   start_extauthz_server GRPC HTTP LOOPS USERS, postgres_pids DATA-DIR
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/.mvn/select-jdk.sh"
panosc_select_jdk
JAVA="$JAVA_HOME/bin/java"
JAVA_FLAGS=()
[[ "$(panosc_jdk_major "$JAVA_HOME")" -ge 23 ]] && JAVA_FLAGS+=(--sun-misc-unsafe-memory-access=allow)
export MAVEN_OPTS="${MAVEN_OPTS:-} ${JAVA_FLAGS[*]:-}"

# Load-driver settings (TokenLoad; CONNECTIONS, WARMUP and DURATION also for wrk) both scripts use.
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
WARMUP="${BENCH_WARMUP:-10}"
DURATION="${BENCH_DURATION:-20}"
SETTLE="${BENCH_SETTLE:-2}"
FRACTION="${BENCH_RATE_FRACTION:-0.8}"

say() { echo "$BENCH_NAME: $*" >&2; }
die() { say "$*"; exit 1; }
load() { echo "loadavg $(cut -d' ' -f1-3 /proc/loadavg)"; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# BENCH_SERVER_CPUS, BENCH_DRIVER_CPUS: taskset -c CPU lists for the servers and for the load drivers (e.g. 0 and 1: they
# share no core); SERVER_PIN and DRIVER_PIN are the commands' prefixes (empty: not pinned)
SERVER_PIN=()
DRIVER_PIN=()
for v in BENCH_SERVER_CPUS BENCH_DRIVER_CPUS; do
  [[ -z "${!v:-}" || "${!v}" =~ ^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$ ]] \
    || die "$v must be a CPU list as taskset -c takes it (e.g. 0 or 0,1 or 0-1), not '${!v}'"
done
if [[ -n "${BENCH_SERVER_CPUS:-}${BENCH_DRIVER_CPUS:-}" ]]; then
  command -v taskset >/dev/null || die "BENCH_SERVER_CPUS and BENCH_DRIVER_CPUS need taskset (util-linux)"
fi
[[ -n "${BENCH_SERVER_CPUS:-}" ]] && SERVER_PIN=(taskset -c "$BENCH_SERVER_CPUS")
[[ -n "${BENCH_DRIVER_CPUS:-}" ]] && DRIVER_PIN=(taskset -c "$BENCH_DRIVER_CPUS")

stop_pid() {   # stop_pid PID NAME: SIGTERM, then SIGKILL after 30 s
  local pid="$1" name="$2" i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  say "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  say "$name did not stop in 30 s; SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

wait_http() {   # wait_http URL SECONDS PID NAME LOG: until URL answers 200, or die
  local url="$1" secs="$2" pid="$3" name="$4" log="$5" i
  for ((i = 0; i < secs * 2; i++)); do
    kill -0 "$pid" 2>/dev/null || { tail -30 "$log" >&2; die "$name exited during start-up (log: $log)"; }
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)" == 200 ]] && return 0
    sleep 0.5
  done
  tail -30 "$log" >&2
  die "$name not ready after $secs s ($url)"
}

build_jars() {   # build_jars JAR: the benchmarks jar and the control plane, unless BENCH_SKIP_BUILD=1 and present
  if [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -f "$1" ]]; then
    say "building $1 (./mvnw -Pbench -pl benchmarks -am package)"
    ./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests
  fi
  if [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -f control-plane/target/panosc.jar ]]; then
    say "building the control plane (./mvnw -pl control-plane -am package)"
    ./mvnw -B -q -DskipTests -pl control-plane -am package
  fi
}

start_nginx() {   # start_nginx NGINX DIR WORKERS: nginx with DIR/http.conf (read from stdin) as its http block's body
  # The common frame (error log, pid and temporary files under DIR, no access log) around the caller's upstreams and
  # servers; checked with -t, started as a daemon, NGINX_PID set. The file may hold a secret: mode 0600.
  local nginx="$1" dir="$2" workers="$3" i
  mkdir -p "$dir"
  (umask 077; {
    printf 'worker_processes %s;\nerror_log %s/error.log warn;\npid %s/nginx.pid;\n' "$workers" "$dir" "$dir"
    printf 'events { worker_connections 1024; }\nhttp {\n  access_log off;\n'
    printf '  client_body_temp_path %s/body; proxy_temp_path %s/proxy; fastcgi_temp_path %s/fastcgi;\n' "$dir" "$dir" "$dir"
    printf '  uwsgi_temp_path %s/uwsgi; scgi_temp_path %s/scgi;\n' "$dir" "$dir"
    cat
    printf '}\n'
  } > "$dir/nginx.conf")
  "$nginx" -p "$dir" -c "$dir/nginx.conf" -t > "$dir/check.log" 2>&1 \
    || { cat "$dir/check.log" >&2; die "nginx refuses the configuration ($dir/nginx.conf)"; }
  "${SERVER_PIN[@]}" "$nginx" -p "$dir" -c "$dir/nginx.conf"
  for ((i = 0; i < 50; i++)); do [[ -s "$dir/nginx.pid" ]] && break; sleep 0.1; done
  NGINX_PID="$(cat "$dir/nginx.pid")" || die "nginx did not start (see $dir/error.log)"
}

need_wrk() {   # the native load generator (Debian package wrk)
  command -v wrk >/dev/null && return 0
  die "wrk is required (the native load generator): install it with 'apt-get install wrk' (Debian/Ubuntu)"
}

java_pid() {   # java_pid PID: PID when it is a java process, else its first child that is (e.g. kc.sh's java)
  local pid="$1" child
  [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == */java ]] && { echo "$pid"; return 0; }
  for child in $(cat "/proc/$pid/task/"*/children 2>/dev/null); do
    [[ "$(readlink "/proc/$child/exe" 2>/dev/null)" == */java ]] && { echo "$child"; return 0; }
  done
  die "no java process at or under pid $pid"
}

cpu_ticks() {   # cpu_ticks PID: utime + stime of the process so far, in clock ticks (getconf CLK_TCK per second)
  local stat f
  stat="$(cat "/proc/$1/stat")" || die "process $1 is gone"
  stat="${stat##*) }"   # the fields after "(comm) ": state is field 3, utime 14, stime 15
  read -r -a f <<<"$stat"
  echo $((f[11] + f[12]))
}

basic_auth() {   # basic_auth ID SECRET: the Authorization value of client_secret_basic (RFC 6749 2.3.1)
  python3 -c 'import sys, base64, urllib.parse as u
print("Basic " + base64.b64encode((u.quote_plus(sys.argv[1]) + ":" + u.quote_plus(sys.argv[2])).encode()).decode())' "$1" "$2"
}

start_extauthz_server() {   # start_extauthz_server GRPC-PORT HTTP-PORT EVENT-LOOPS USERS: builds $JAR unless
  # BENCH_SKIP_BUILD=1 and present, starts ExtAuthzBenchServer (writing $WORK/requests.tsv and the AuthZEN files beside
  # it; JVM options from BENCH_SERVER_JAVA_OPTS), sets SERVER to its pid and waits for READY (mesh-check-benchmark.sh,
  # nginx-auth-benchmark.sh)
  local i
  if [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -f "$JAR" ]]; then
    say "building $JAR (./mvnw -Pbench -pl benchmarks -am package)"
    ./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests
  fi
  say "starting the PDP's forward-auth, ExtAuthzBenchServer ($(load))"
  # shellcheck disable=SC2086 # BENCH_SERVER_JAVA_OPTS is a list of JVM options
  "${SERVER_PIN[@]}" "$JAVA" "${JAVA_FLAGS[@]}" -Xms512m -Xmx1g -XX:+UseParallelGC ${BENCH_SERVER_JAVA_OPTS:-} -cp "$JAR" \
    eu.panosc.benchmarks.mesh.ExtAuthzBenchServer "$1" "$2" "$3" "$WORK/requests.tsv" 20000 "$4" \
    > "$WORK/server.log" 2>&1 &
  SERVER=$!
  for ((i = 0; i < 240; i++)); do
    grep -q '^READY' "$WORK/server.log" 2>/dev/null && return 0
    kill -0 "$SERVER" 2>/dev/null || { tail -30 "$WORK/server.log" >&2; die "the benchmark server exited"; }
    sleep 0.5
  done
  die "the benchmark server is not ready after 120 s"
}

postgres_pids() {   # postgres_pids DATA-DIR: the postmaster whose command line names DATA-DIR, and its children (the
  # backends, the checkpointer, the WAL writer, ...); nothing when no such postmaster runs
  local p root=""
  for p in $(pgrep -x postgres || true); do
    if tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -qF -- "$1"; then root="$p"; break; fi
  done
  [[ -n "$root" ]] || return 0
  echo "$root"
  pgrep -P "$root" || true
}

