#!/usr/bin/env bash
# Token endpoint benchmark: client_credentials grants (client_secret_basic, ES256 access tokens) against our
# aai-broker and against Keycloak 26.4.x, same driver, same settings, same machine, one after the other in
# one run. See docs/benchmarks.md ("Token endpoint against Keycloak").
#
#   benchmarks/token-benchmark.sh                    # 10 s warm-up, 20 s per measured phase, 16 connections
#   BENCH_DURATION=60 BENCH_WARMUP=30 benchmarks/token-benchmark.sh
#
# Steps: build benchmarks.jar (-Pbench) and the control plane; start `./panosc up --demo` on a fresh data
# dir, check one token, run the driver, stop it; fetch keycloak-quarkus-dist with Maven (once), unzip it
# under benchmarks/target, start `kc.sh start-dev` on JDK 17 with a fresh database, create an ES256 realm
# and a confidential service-account client through the admin REST API, check that one token's header says
# ES256, run the driver, stop it; run JMH Es256SigningBenchmark.sign (-t 2) as the raw signing ceiling;
# join everything into benchmarks/results/<UTC date-time>-token-endpoint.json (JMH's own file beside it,
# ...-token-endpoint-signing.json) and print the table.
# Every server this script starts is stopped on exit, also on failure or Ctrl-C.
#
# Environment:
#   BENCH_CONNECTIONS (16)  BENCH_WARMUP (10 s)  BENCH_DURATION (20 s)  BENCH_SETTLE (2 s)
#   BENCH_RATE_FRACTION (0.8)    open-loop rate as a fraction of the measured saturation throughput
#   BENCH_OURS_PORT (18080)  BENCH_KC_PORT (18180)  BENCH_KC_MGMT_PORT (19000, Keycloak's management interface)
#   BENCH_KC_VERSION (26.4.7)
#   KC_JAVA_HOME (/usr/lib/jvm/java-17-openjdk-amd64)   JDK for Keycloak
#   BENCH_SIGNING (1)            0 skips the JMH raw-signing run
#   BENCH_SKIP_BUILD (0)         1 reuses benchmarks/target/benchmarks.jar and control-plane's jar
#   BENCH_OURS_LOG_LEVEL (info)  logging.level of the control plane (info writes one access-log line per request)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. "$ROOT/.mvn/select-jdk.sh"
panosc_select_jdk

CONNECTIONS="${BENCH_CONNECTIONS:-16}"
WARMUP="${BENCH_WARMUP:-10}"
DURATION="${BENCH_DURATION:-20}"
SETTLE="${BENCH_SETTLE:-2}"
FRACTION="${BENCH_RATE_FRACTION:-0.8}"
OURS_PORT="${BENCH_OURS_PORT:-18080}"
KC_PORT="${BENCH_KC_PORT:-18180}"
KC_MGMT_PORT="${BENCH_KC_MGMT_PORT:-19000}"
KC_VERSION="${BENCH_KC_VERSION:-26.4.7}"
KC_JAVA_HOME="${KC_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
LOG_LEVEL="${BENCH_OURS_LOG_LEVEL:-info}"

JAR="$ROOT/benchmarks/target/benchmarks.jar"
KC_BASE="$ROOT/benchmarks/target/keycloak"
KC_HOME="$KC_BASE/keycloak-$KC_VERSION"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
RESULTS="$ROOT/benchmarks/results"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/token-benchmark.XXXXXX")"
JAVA="$JAVA_HOME/bin/java"
mkdir -p "$RESULTS"
JAVA_FLAGS=()
[[ "$(panosc_jdk_major "$JAVA_HOME")" -ge 23 ]] && JAVA_FLAGS+=(--sun-misc-unsafe-memory-access=allow)
export MAVEN_OPTS="${MAVEN_OPTS:-} ${JAVA_FLAGS[*]:-}"

OURS_PID=""
KC_PID=""
say() { echo "token-benchmark: $*" >&2; }
die() { say "$*"; exit 1; }

stop_pid() {   # stop_pid PID NAME: SIGTERM, then SIGKILL after 30 s
  local pid="$1" name="$2" i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  say "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  say "$name did not stop in 30 s; SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  stop_pid "$OURS_PID" "control plane"
  stop_pid "$KC_PID" "Keycloak"
  # the embedded PostgreSQL of the control plane stops with it; its data dir is under $WORK
  if [[ $rc -ne 0 ]]; then say "failed (exit $rc); logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_http() {   # wait_http URL SECONDS PID NAME LOG
  local url="$1" secs="$2" pid="$3" name="$4" log="$5" i
  for ((i = 0; i < secs * 2; i++)); do
    kill -0 "$pid" 2>/dev/null || { tail -30 "$log" >&2; die "$name exited during start-up (log: $log)"; }
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)" == 200 ]] && return 0
    sleep 0.5
  done
  tail -30 "$log" >&2
  die "$name not ready after $secs s ($url)"
}

# Prints the "alg" of the protected header of the access token in the token response on stdin.
token_alg() {
  python3 -c 'import sys, json, base64
t = json.load(sys.stdin)["access_token"].split(".")[0]
print(json.loads(base64.urlsafe_b64decode(t + "=" * (-len(t) % 4)))["alg"])'
}

for p in "$OURS_PORT" "$KC_PORT" "$KC_MGMT_PORT"; do port_free "$p" || die "port $p is in use; set BENCH_OURS_PORT / BENCH_KC_PORT"; done
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required (token header checks)"
command -v unzip >/dev/null || die "unzip is required"
[[ -x "$KC_JAVA_HOME/bin/java" ]] || die "KC_JAVA_HOME=$KC_JAVA_HOME is not a JDK (Keycloak $KC_VERSION needs 17 or 21)"

# ------------------------------------------------------------------------------------------------ build
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -f "$JAR" ]]; then
  say "building $JAR (./mvnw -Pbench -pl benchmarks -am package)"
  ./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests
fi
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -f control-plane/target/panosc.jar ]]; then
  say "building the control plane (./mvnw -pl control-plane -am package)"
  ./mvnw -B -q -DskipTests -pl control-plane -am package
fi
if [[ ! -x "$KC_HOME/bin/kc.sh" ]]; then
  zip="$KC_BASE/keycloak-quarkus-dist-$KC_VERSION.zip"
  if [[ ! -f "$zip" ]]; then
    say "fetching org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip from Maven Central (about 159 MB)"
    ./mvnw -B -q dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" \
      -DoutputDirectory="$KC_BASE"
  fi
  say "unzipping $zip"
  unzip -q -o "$zip" -d "$KC_BASE"
fi

load() { echo "loadavg $(cut -d' ' -f1-3 /proc/loadavg)"; }
# The busiest processes right now (other builds share this machine); kept for the result file.
busiest() { ps -eo pcpu=,etime=,args= --sort=-pcpu | head -6 | cut -c1-140 | sed 's/^ *//'; }
driver() {   # driver NAME URL CLIENT SECRET SCOPE PID OUT
  "$JAVA" "${JAVA_FLAGS[@]}" -cp "$JAR" eu.panosc.benchmarks.http.TokenLoad run --name "$1" --url "$2" \
    --client-id "$3" --client-secret "$4" --scope "$5" --server-pid "$6" --out "$7" \
    --connections "$CONNECTIONS" --warmup "$WARMUP" --duration "$DURATION" --settle "$SETTLE" \
    --rate-fraction "$FRACTION"
}
SCOPE="pdp:evaluate"

# ------------------------------------------------------------------------------------- our aai-broker
cat > "$WORK/panosc.yaml" <<EOF
logging:
  level: $LOG_LEVEL
services:
  aai:
    # the per-client limit (default 1000/s, burst 2000) would cap the benchmark; 1000000 is the maximum
    tokenRatePerSecond: 1000000
    tokenBurst: 1000000
EOF
say "starting the control plane on port $OURS_PORT ($(load))"
PANOSC_JAVA_OPTS="-Djava.io.tmpdir=$WORK" ./panosc up --demo --port "$OURS_PORT" --data-dir "$WORK/panosc-data" \
  --config "$WORK/panosc.yaml" > "$WORK/panosc.log" 2>&1 &
OURS_PID=$!
wait_http "http://127.0.0.1:$OURS_PORT/aai/health/ready" 240 "$OURS_PID" "control plane" "$WORK/panosc.log"
OURS_URL="http://127.0.0.1:$OURS_PORT/aai/token"
alg="$(curl -sf -u resource-broker:resource-broker-demo-secret -d grant_type=client_credentials -d "scope=$SCOPE" \
  "$OURS_URL" | token_alg)" || die "no token from $OURS_URL (log: $WORK/panosc.log)"
[[ "$alg" == ES256 ]] || die "aai-broker token alg is $alg, not ES256"
say "aai-broker ready, token alg $alg ($(load))"
busiest > "$WORK/ps-ours.txt"; say "busiest processes before the aai-broker run:"; cat "$WORK/ps-ours.txt" >&2
driver aai-broker "$OURS_URL" resource-broker resource-broker-demo-secret "$SCOPE" "$OURS_PID" "$WORK/ours.json"
OURS_JAVA="$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2}')"
stop_pid "$OURS_PID" "control plane"; OURS_PID=""

# ------------------------------------------------------------------------------------------- Keycloak
rm -rf "$KC_HOME/data"   # fresh dev database: the realm below is created on every run
say "starting Keycloak $KC_VERSION start-dev on port $KC_PORT with $KC_JAVA_HOME ($(load))"
JAVA_HOME="$KC_JAVA_HOME" KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=bench-admin \
  "$KC_HOME/bin/kc.sh" start-dev --http-port "$KC_PORT" --http-host 127.0.0.1 \
  --http-management-port "$KC_MGMT_PORT" > "$WORK/keycloak.log" 2>&1 &
KC_PID=$!
KC="http://127.0.0.1:$KC_PORT"
wait_http "$KC/realms/master/.well-known/openid-configuration" 300 "$KC_PID" "Keycloak" "$WORK/keycloak.log"
say "Keycloak ready; configuring realm 'bench' ($(load))"
ADMIN="$(curl -sf -d grant_type=password -d client_id=admin-cli -d username=admin -d password=bench-admin \
  "$KC/realms/master/protocol/openid-connect/token" | python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])')"
kc_api() {   # kc_api METHOD PATH [JSON]
  curl -sf -X "$1" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "$KC/admin$2"
}
kc_api POST /realms '{"realm":"bench","enabled":true,"defaultSignatureAlgorithm":"ES256"}' \
  || die "could not create realm bench"
REALM_ID="$(kc_api GET /realms/bench | python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])')"
kc_api POST /realms/bench/components "{\"name\":\"ecdsa-p256-bench\",\"providerId\":\"ecdsa-generated\",
  \"providerType\":\"org.keycloak.keys.KeyProvider\",\"parentId\":\"$REALM_ID\",
  \"config\":{\"priority\":[\"200\"],\"enabled\":[\"true\"],\"active\":[\"true\"],\"ecdsaEllipticCurveKey\":[\"P-256\"]}}" \
  || die "could not add the ecdsa-generated P-256 key provider"
# the same scope name as ours, as an optional client scope of the client
kc_api POST /realms/bench/client-scopes '{"name":"pdp:evaluate","protocol":"openid-connect",
  "attributes":{"include.in.token.scope":"true","display.on.consent.screen":"false"}}' \
  || die "could not create client scope pdp:evaluate"
SCOPE_ID="$(kc_api GET /realms/bench/client-scopes | python3 -c 'import sys, json
print(next(s["id"] for s in json.load(sys.stdin) if s["name"] == "pdp:evaluate"))')"
kc_api POST /realms/bench/clients '{"clientId":"bench-client","enabled":true,"protocol":"openid-connect",
  "publicClient":false,"clientAuthenticatorType":"client-secret","secret":"bench-client-secret",
  "serviceAccountsEnabled":true,"standardFlowEnabled":false,"directAccessGrantsEnabled":false,
  "attributes":{"access.token.signed.response.alg":"ES256"}}' || die "could not create client bench-client"
CLIENT_ID="$(kc_api GET '/realms/bench/clients?clientId=bench-client' | python3 -c 'import sys, json; print(json.load(sys.stdin)[0]["id"])')"
kc_api PUT "/realms/bench/clients/$CLIENT_ID/optional-client-scopes/$SCOPE_ID" || die "could not add the optional scope"
KC_URL="$KC/realms/bench/protocol/openid-connect/token"
answer="$(curl -sf -u bench-client:bench-client-secret -d grant_type=client_credentials -d "scope=$SCOPE" "$KC_URL")" \
  || die "no token from Keycloak at $KC_URL"
alg="$(token_alg <<<"$answer")"
[[ "$alg" == ES256 ]] || die "Keycloak token alg is $alg, not ES256"
echo "$answer" | python3 -c 'import sys, json, base64
a = json.load(sys.stdin); t = a["access_token"].split(".")
d = lambda s: json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
print("token-benchmark: Keycloak token header", d(t[0]), "scope", d(t[1]).get("scope"), "length", len(a["access_token"]), file=sys.stderr)'
KC_JAVA="$("$KC_JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2}')"
say "Keycloak configured, token alg $alg ($(load))"
busiest > "$WORK/ps-keycloak.txt"; say "busiest processes before the Keycloak run:"; cat "$WORK/ps-keycloak.txt" >&2
driver keycloak "$KC_URL" bench-client bench-client-secret "$SCOPE" "$KC_PID" "$WORK/keycloak.json"
stop_pid "$KC_PID" "Keycloak"; KC_PID=""

# --------------------------------------------------------------------------------- raw signing ceiling
signing=()
if [[ "${BENCH_SIGNING:-1}" == 1 ]]; then
  say "JMH Es256SigningBenchmark.sign, 2 threads, SINGLE_FACILITY ($(load))"
  BENCH_SKIP_BUILD=1 "$ROOT/benchmarks/run.sh" 'Es256SigningBenchmark.sign' -p scenario=SINGLE_FACILITY \
    -t 2 -wi 2 -i 3 -w 2s -r 2s -rf json -rff "$RESULTS/$STAMP-token-endpoint-signing.json" >&2
  signing=(--signing "$RESULTS/$STAMP-token-endpoint-signing.json")
fi

# ------------------------------------------------------------------------------------------------ join
OUT="$RESULTS/$STAMP-token-endpoint.json"
"$JAVA" "${JAVA_FLAGS[@]}" -cp "$JAR" eu.panosc.benchmarks.http.TokenLoad compare \
  --ours "$WORK/ours.json" --peer "$WORK/keycloak.json" "${signing[@]}" --out "$OUT" \
  --env.started "$STAMP" --env.machine "$(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
  --env.oursJava "$OURS_JAVA ($JAVA_HOME)" --env.keycloakJava "$KC_JAVA ($KC_JAVA_HOME)" \
  --env.keycloak "keycloak-quarkus-dist $KC_VERSION, start-dev" --env.oursLogLevel "$LOG_LEVEL" \
  --env.loadavgAtEnd "$(cat /proc/loadavg)" --env.busiestBeforeOurs "$(cat "$WORK/ps-ours.txt")" \
  --env.busiestBeforeKeycloak "$(cat "$WORK/ps-keycloak.txt")" \
  --env.settings "connections=$CONNECTIONS warmup=${WARMUP}s duration=${DURATION}s settle=${SETTLE}s rateFraction=$FRACTION"
say "done: $OUT"
