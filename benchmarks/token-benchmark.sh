#!/usr/bin/env bash
# Token endpoint benchmark: client_credentials grants and RFC 8693 token exchanges (client_secret_basic, ES256
# access tokens) against our aai-broker and against Keycloak 26.4.x, same driver, same settings, same machine,
# one after the other in one run. See docs/benchmarks.md ("Token endpoint against Keycloak").
#
#   benchmarks/token-benchmark.sh                    # 10 s warm-up, 20 s per measured phase, 16 connections
#   BENCH_DURATION=60 BENCH_WARMUP=30 benchmarks/token-benchmark.sh
#   BENCH_PHASES=token_exchange benchmarks/token-benchmark.sh
#
# Phases (grants), run in this order against each server while it is up: client_credentials (scope
# pdp:evaluate), token_exchange (a user's access token, issued to the requesting client, exchanged for one for
# another audience: ours scicat-esrf -> https://icat.ill.demo with alice's token from `panosc token`;
# Keycloak's standard token exchange V2, bench-exchanger -> icat-ill with a password-grant token of user alice).
#
# Steps: build benchmarks.jar (-Pbench) and the control plane; start `./panosc up --demo` on a fresh data
# dir, check one token, run the driver, stop it; fetch keycloak-quarkus-dist with Maven (once), unzip it
# under benchmarks/target, start `kc.sh start-dev` on JDK 17 with a fresh database, create an ES256 realm
# and a confidential service-account client through the admin REST API, check that one token's header says
# ES256, run the driver, stop it (for token_exchange, per server: get one subject token, check one exchange with
# curl, then run the driver with that exchange as its form); run JMH Es256SigningBenchmark.sign (-t 2) as the raw signing ceiling;
# join everything into benchmarks/results/<UTC date-time>-token-endpoint.json (JMH's own file beside it,
# ...-token-endpoint-signing.json) and print one table per phase.
# Every server this script starts is stopped on exit, also on failure or Ctrl-C.
#
# Environment:
#   BENCH_PHASES ("client_credentials token_exchange")   which grants to measure, in this order
#   BENCH_CONNECTIONS (16)  BENCH_WARMUP (10 s)  BENCH_DURATION (20 s)  BENCH_SETTLE (2 s)
#   BENCH_RATE_FRACTION (0.8)    open-loop rate as a fraction of the measured saturation throughput
#   BENCH_OURS_PORT (18080)  BENCH_KC_PORT (18180)  BENCH_KC_MGMT_PORT (19000, Keycloak's management interface)
#   BENCH_KC_VERSION (26.4.7)
#   KC_JAVA_HOME (/usr/lib/jvm/java-17-openjdk-amd64)   JDK for Keycloak
#   BENCH_SIGNING (1)            0 skips the JMH raw-signing run
#   BENCH_SKIP_BUILD (0)         1 reuses benchmarks/target/benchmarks.jar and control-plane's jar
#   BENCH_OURS_LOG_LEVEL (info)  logging.level of the control plane (info writes one access-log line per request)
#   BENCH_OURS_JAVA_OPTS ("")    extra JVM options of the control plane (e.g. -Xlog:gc*:file=gc.log)
#   BENCH_DRIVER_JAVA_OPTS ("")  extra JVM options of the load driver
#   BENCH_TIMELINE (0)           1 writes each open-loop phase's per-100-ms timeline CSV beside the result
set -euo pipefail

BENCH_NAME=token-benchmark
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$ROOT"

OURS_PORT="${BENCH_OURS_PORT:-18080}"
KC_PORT="${BENCH_KC_PORT:-18180}"
KC_MGMT_PORT="${BENCH_KC_MGMT_PORT:-19000}"
KC_VERSION="${BENCH_KC_VERSION:-26.4.7}"
KC_JAVA_HOME="${KC_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
LOG_LEVEL="${BENCH_OURS_LOG_LEVEL:-info}"
PHASES="${BENCH_PHASES:-client_credentials token_exchange}"
for ph in $PHASES; do
  [[ "$ph" == client_credentials || "$ph" == token_exchange ]] \
    || { echo "token-benchmark: unknown phase '$ph' in BENCH_PHASES (client_credentials, token_exchange)" >&2; exit 2; }
done
[[ -n "${PHASES// /}" ]] || { echo "token-benchmark: BENCH_PHASES is empty" >&2; exit 2; }
has_phase() { [[ " $PHASES " == *" $1 "* ]]; }
read -r -a OURS_JAVA_OPTS <<<"${BENCH_OURS_JAVA_OPTS:-}"
read -r -a DRIVER_JAVA_OPTS <<<"${BENCH_DRIVER_JAVA_OPTS:-}"

LOAD_AT_START="$(cat /proc/loadavg)"
JAR="$ROOT/benchmarks/target/benchmarks.jar"
KC_BASE="$ROOT/benchmarks/target/keycloak"
KC_HOME="$KC_BASE/keycloak-$KC_VERSION"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
RESULTS="$ROOT/benchmarks/results"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/token-benchmark.XXXXXX")"
mkdir -p "$RESULTS"

OURS_PID=""
KC_PID=""
cleanup() {
  local rc=$?
  stop_pid "$OURS_PID" "control plane"
  stop_pid "$KC_PID" "Keycloak"
  # the embedded PostgreSQL of the control plane stops with it; its data dir is under $WORK
  if [[ $rc -ne 0 ]]; then say "failed (exit $rc); logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

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
build_jars "$JAR"
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

# The busiest processes right now (other builds share this machine); kept for the result file.
busiest() { ps -eo pcpu=,etime=,args= --sort=-pcpu | head -6 | cut -c1-140 | sed 's/^ *//'; }
driver() {   # driver NAME URL CLIENT SECRET PID OUT [--scope S | --form-file F]
  local timeline=()
  [[ "${BENCH_TIMELINE:-0}" == 1 ]] && timeline=(--timeline "$RESULTS/$STAMP-token-endpoint-$(basename "$6" .json)-timeline.csv")
  "$JAVA" "${JAVA_FLAGS[@]}" "${DRIVER_JAVA_OPTS[@]}" -cp "$JAR" eu.panosc.benchmarks.http.TokenLoad run \
    --name "$1" --url "$2" --client-id "$3" --client-secret "$4" --server-pid "$5" --out "$6" "${@:7}" \
    "${timeline[@]}" --connections "$CONNECTIONS" --warmup "$WARMUP" --duration "$DURATION" --settle "$SETTLE" \
    --rate-fraction "$FRACTION"
}
SCOPE="pdp:evaluate"
TX_GRANT="urn:ietf:params:oauth:grant-type:token-exchange"
TX_ACCESS="urn:ietf:params:oauth:token-type:access_token"
# exchange_form SUBJECT_TOKEN AUDIENCE: the form body of one token exchange, no trailing newline (curl sends it as is)
exchange_form() {
  python3 -c 'import sys, urllib.parse
print(urllib.parse.urlencode({"grant_type": sys.argv[1], "subject_token": sys.argv[2],
                              "subject_token_type": sys.argv[3], "audience": sys.argv[4]}), end="")' \
    "$TX_GRANT" "$1" "$TX_ACCESS" "$2"
}
# check_exchange NAME URL CLIENT:SECRET FORM_FILE: one exchange with curl; HTTP 200, issued_token_type, ES256
check_exchange() {
  local code
  code="$(curl -s -o "$WORK/$1-exchange.json" -w '%{http_code}' -u "$3" -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary "@$4" "$2")" || die "$1: token exchange request failed"
  [[ "$code" == 200 ]] || die "$1: token exchange answered HTTP $code: $(head -c 300 "$WORK/$1-exchange.json")"
  python3 - "$WORK/$1-exchange.json" "$1" "$TX_ACCESS" <<'PY' || die "$1: token exchange answer is not as expected"
import sys, json, base64
a = json.load(open(sys.argv[1]))
d = lambda s: json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
h, c = (d(p) for p in a["access_token"].split(".")[:2])
assert a.get("issued_token_type") == sys.argv[3], "issued_token_type is %r" % a.get("issued_token_type")
assert a.get("token_type", "").lower() == "bearer", "token_type is %r" % a.get("token_type")
assert h.get("alg") == "ES256", "alg is %r" % h.get("alg")
print("token-benchmark: %s exchange: HTTP 200, issued_token_type %s, alg %s, aud %s, azp/client_id %s, act %s, length %d"
      % (sys.argv[2], a["issued_token_type"], h["alg"], c.get("aud"), c.get("azp") or c.get("client_id"), c.get("act"),
         len(a["access_token"])), file=sys.stderr)
PY
}

# ------------------------------------------------------------------------------------- our aai-broker
cat > "$WORK/panosc.yaml" <<EOF
logging:
  level: $LOG_LEVEL
services:
  aai:
    # the per-client limit (default 1000/s, burst 2000) would cap the benchmark; 1000000 is the maximum
    tokenRatePerSecond: 1000000
    tokenBurst: 1000000
    # the subject token of the token_exchange phase must outlive the phase
    accessTokenLifetime: 30m
EOF
say "starting the control plane on port $OURS_PORT ($(load))"
PANOSC_JAVA_OPTS="-Djava.io.tmpdir=$WORK ${OURS_JAVA_OPTS[*]:-}" ./panosc up --demo --port "$OURS_PORT" \
  --data-dir "$WORK/panosc-data" --config "$WORK/panosc.yaml" > "$WORK/panosc.log" 2>&1 &
OURS_PID=$!
OURS_BASE="http://127.0.0.1:$OURS_PORT"
wait_http "$OURS_BASE/aai/health/ready" 240 "$OURS_PID" "control plane" "$WORK/panosc.log"
OURS_URL="$OURS_BASE/aai/token"
alg="$(curl -sf -u resource-broker:resource-broker-demo-secret -d grant_type=client_credentials -d "scope=$SCOPE" \
  "$OURS_URL" | token_alg)" || die "no token from $OURS_URL (log: $WORK/panosc.log)"
[[ "$alg" == ES256 ]] || die "aai-broker token alg is $alg, not ES256"
say "aai-broker ready, token alg $alg ($(load))"
busiest > "$WORK/ps-ours.txt"; say "busiest processes before the aai-broker run:"; cat "$WORK/ps-ours.txt" >&2
if has_phase client_credentials; then
  driver aai-broker "$OURS_URL" resource-broker resource-broker-demo-secret "$OURS_PID" \
    "$WORK/ours-client_credentials.json" --scope "$SCOPE"
fi
if has_phase token_exchange; then
  # alice logs in to scicat-esrf (the real code flow, headless, demo mode); scicat-esrf may exchange her token
  # for https://icat.ill.demo (registry: tokenExchange.audiences)
  say "aai-broker token_exchange: subject token for alice from scicat-esrf (panosc token) ($(load))"
  OURS_SUBJECT="$(./panosc token --user alice --client scicat-esrf --scope "openid profile" --url "$OURS_BASE")" \
    || die "panosc token failed (log: $WORK/panosc.log)"
  exchange_form "$OURS_SUBJECT" "https://icat.ill.demo" > "$WORK/ours-exchange.form"
  check_exchange aai-broker "$OURS_URL" scicat-esrf:scicat-esrf-demo-secret "$WORK/ours-exchange.form"
  driver aai-broker "$OURS_URL" scicat-esrf scicat-esrf-demo-secret "$OURS_PID" \
    "$WORK/ours-token_exchange.json" --form-file "$WORK/ours-exchange.form"
fi
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
admin_login() {   # sets ADMIN; the master realm's tokens live 60 s, so log in again before each configuration step
  ADMIN="$(curl -sf -d grant_type=password -d client_id=admin-cli -d username=admin -d password=bench-admin \
    "$KC/realms/master/protocol/openid-connect/token" | python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])')" \
    || die "Keycloak admin login failed"
}
admin_login
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
if has_phase client_credentials; then
  driver keycloak "$KC_URL" bench-client bench-client-secret "$KC_PID" "$WORK/keycloak-client_credentials.json" \
    --scope "$SCOPE"
fi
if has_phase token_exchange; then
  # Standard token exchange (V2, supported and on by default since 26.2): the requesting client must be
  # confidential, have standard.token.exchange.enabled, and be in the subject token's audience; the target
  # audience must be one its tokens may carry (here: an audience mapper for icat-ill on the requesting client).
  say "Keycloak token_exchange: clients bench-exchanger and icat-ill, user alice ($(load))"
  admin_login
  kc_api POST /realms/bench/clients '{"clientId":"icat-ill","enabled":true,"protocol":"openid-connect",
    "publicClient":false,"clientAuthenticatorType":"client-secret","secret":"icat-ill-secret",
    "serviceAccountsEnabled":false,"standardFlowEnabled":false,"directAccessGrantsEnabled":false}' \
    || die "could not create client icat-ill"
  kc_api POST /realms/bench/clients '{"clientId":"bench-exchanger","enabled":true,"protocol":"openid-connect",
    "publicClient":false,"clientAuthenticatorType":"client-secret","secret":"bench-exchanger-secret",
    "serviceAccountsEnabled":false,"standardFlowEnabled":false,"directAccessGrantsEnabled":true,
    "attributes":{"access.token.signed.response.alg":"ES256","standard.token.exchange.enabled":"true",
      "access.token.lifespan":"1800"},
    "protocolMappers":[
      {"name":"audience bench-exchanger","protocol":"openid-connect","protocolMapper":"oidc-audience-mapper",
       "config":{"included.client.audience":"bench-exchanger","access.token.claim":"true","id.token.claim":"false"}},
      {"name":"audience icat-ill","protocol":"openid-connect","protocolMapper":"oidc-audience-mapper",
       "config":{"included.client.audience":"icat-ill","access.token.claim":"true","id.token.claim":"false"}}]}' \
    || die "could not create client bench-exchanger"
  # KC 26 refuses a password grant ("Account is not fully set up") without first/last name and e-mail
  kc_api POST /realms/bench/users '{"username":"alice","enabled":true,"firstName":"Alice","lastName":"Bench",
    "email":"alice@bench.invalid","emailVerified":true,"requiredActions":[]}' || die "could not create user alice"
  USER_ID="$(kc_api GET '/realms/bench/users?username=alice&exact=true' | python3 -c 'import sys, json; print(json.load(sys.stdin)[0]["id"])')"
  kc_api PUT "/realms/bench/users/$USER_ID/reset-password" '{"type":"password","value":"alice-bench-password","temporary":false}' \
    || die "could not set alice's password"
  KC_SUBJECT="$(curl -sf -u bench-exchanger:bench-exchanger-secret -d grant_type=password -d username=alice \
    -d password=alice-bench-password -d scope=openid "$KC_URL" \
    | python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])')" \
    || die "no password-grant token for alice from Keycloak"
  exchange_form "$KC_SUBJECT" icat-ill > "$WORK/keycloak-exchange.form"
  check_exchange keycloak "$KC_URL" bench-exchanger:bench-exchanger-secret "$WORK/keycloak-exchange.form"
  driver keycloak "$KC_URL" bench-exchanger bench-exchanger-secret "$KC_PID" "$WORK/keycloak-token_exchange.json" \
    --form-file "$WORK/keycloak-exchange.form"
fi
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
phase_files=()
for ph in $PHASES; do phase_files+=(--"ours.$ph" "$WORK/ours-$ph.json" --"peer.$ph" "$WORK/keycloak-$ph.json"); done
"$JAVA" "${JAVA_FLAGS[@]}" -cp "$JAR" eu.panosc.benchmarks.http.TokenLoad compare \
  "${phase_files[@]}" "${signing[@]}" --out "$OUT" \
  --env.started "$STAMP" --env.machine "$(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
  --env.oursJava "$OURS_JAVA ($JAVA_HOME)" --env.keycloakJava "$KC_JAVA ($KC_JAVA_HOME)" \
  --env.keycloak "keycloak-quarkus-dist $KC_VERSION, start-dev" --env.oursLogLevel "$LOG_LEVEL" \
  --env.loadavgAtStart "$LOAD_AT_START" --env.loadavgAtEnd "$(cat /proc/loadavg)" --env.busiestBeforeOurs "$(cat "$WORK/ps-ours.txt")" \
  --env.busiestBeforeKeycloak "$(cat "$WORK/ps-keycloak.txt")" \
  --env.settings "phases=$PHASES connections=$CONNECTIONS warmup=${WARMUP}s duration=${DURATION}s settle=${SETTLE}s rateFraction=$FRACTION" \
  --env.oursJavaOpts "${OURS_JAVA_OPTS[*]:-}" --env.driverJavaOpts "${DRIVER_JAVA_OPTS[*]:-}"
say "done: $OUT"
