#!/usr/bin/env bash
# Token endpoint benchmark: client_credentials grants and RFC 8693 token exchanges (client_secret_basic, ES256
# access tokens) against our aai-broker and against Keycloak (keycloak-quarkus-dist, start-dev), both on the same
# JDK, both up at once, measured in alternating rounds by the native load generator wrk. See docs/benchmarks.md
# ("Token endpoint against Keycloak").
#
#   benchmarks/token-benchmark.sh                          # 3 rounds, 10 s warm-up, 20 s per measured run, 16 connections
#   BENCH_WARMUP=5 BENCH_DURATION=5 BENCH_ROUNDS=1 BENCH_SIGNING=0 benchmarks/token-benchmark.sh   # smoke run
#   BENCH_PHASES=token_exchange BENCH_LATENCY=1 benchmarks/token-benchmark.sh
#
# Phases (grants): client_credentials (scope pdp:evaluate) and token_exchange (a user's access token, issued to
# the requesting client, exchanged for one for another audience: ours scicat-esrf -> https://icat.ill.demo with
# alice's tokens; Keycloak's standard token exchange V2, bench-exchanger -> icat-ill with tokens of user alice).
# The exchange phase cycles through BENCH_SUBJECT_TOKENS DISTINCT subject tokens, minted before the measurement
# with refresh_token grants (BENCH_SUBJECT_SESSIONS logins, each continued by a chain of refreshes, the chains'
# tokens interleaved line by line), so no server can answer from a per-token cache, and concurrent exchanges
# rarely share a user session (token-exchange.lua gives each wrk thread its own sessions; Keycloak 26 writes the session's client-session row on every exchange; 16
# concurrent exchanges of one session's tokens fail now and then with an optimistic-lock HTTP 500).
#
# Steps: build benchmarks.jar (-Pbench) and the control plane; fetch keycloak-quarkus-dist with the Maven wrapper
# into BENCH_CACHE (once) and unzip it there; start `./panosc up --demo` (fresh data dir) and `kc.sh start-dev`
# (fresh dev database, same JDK), configure Keycloak (ES256 realm, clients, user) through its admin REST API,
# check one answer of each grant from each server with curl (HTTP 200, ES256, issued_token_type); then for each
# round, phase and server (the server order alternates by round): a wrk warm-up (first round only), then the
# measured wrk run. Around each measured run the server's utime+stime is read from /proc/<pid>/stat; CPU per
# grant = that CPU time / the HTTP 200 answers with an access_token that wrk counted (its Lua `done` prints the
# counts; any non-200 answer or 200 without access_token fails the run). With BENCH_LATENCY=1 the JVM driver
# (eu.panosc.benchmarks.http.TokenLoad) then measures latency at 80 % of saturation against both servers. With
# BENCH_SIGNING=1, JMH Es256SigningBenchmark.sign (-t 2) is the raw signing ceiling.
# Writes benchmarks/results/<UTC date-time>-token-endpoint.json (per round and median: grants/s, server CPU µs per
# grant, ratios ours / Keycloak; ...-latency.json and ...-signing.json beside it when asked for) and prints a table.
# Every server this script starts is stopped on exit, also on failure or Ctrl-C.
#
# Requires: wrk (`apt-get install wrk`), curl, python3, unzip.
# Environment:
#   BENCH_PHASES ("client_credentials token_exchange")   which grants to measure, in this order
#   BENCH_ROUNDS (3)           measured runs per phase and server, alternating ours / Keycloak
#   BENCH_CONNECTIONS (16)  BENCH_WRK_THREADS (2)  BENCH_WARMUP (10 s)  BENCH_DURATION (20 s)
#   BENCH_SUBJECT_TOKENS (2000)   distinct subject tokens per server for token_exchange
#   BENCH_SUBJECT_SESSIONS (32)   logins (user sessions) they come from, per server (a multiple of BENCH_WRK_THREADS)
#   BENCH_LATENCY (0)          1 also runs TokenLoad (closed loop, then open loop at BENCH_RATE_FRACTION, 0.8)
#   BENCH_SETTLE (2 s)  BENCH_RATE_FRACTION (0.8)  BENCH_TIMELINE (0)   TokenLoad settings (BENCH_LATENCY=1)
#   BENCH_SIGNING (1)          0 skips the JMH raw-signing run
#   BENCH_OURS_PORT (18080)  BENCH_KC_PORT (18180)  BENCH_KC_MGMT_PORT (19000, Keycloak's management interface)
#   BENCH_KC_VERSION (26.7.3)  org.keycloak:keycloak-quarkus-dist version (Maven Central)
#   BENCH_CACHE (~/.cache/panosc-benchmarks)   where the Keycloak distribution is kept between runs
#   KC_JAVA_HOME (the JDK .mvn/select-jdk.sh selects, as for ours)   JDK for Keycloak
#   BENCH_SKIP_BUILD (0)       1 reuses benchmarks/target/benchmarks.jar and control-plane's jar
#   BENCH_OURS_LOG_LEVEL (info)  logging.level of the control plane (info writes one access-log line per request)
#   BENCH_OURS_JAVA_OPTS ("")  extra JVM options of the control plane (e.g. -Xlog:gc*:file=gc.log)
#   BENCH_DRIVER_JAVA_OPTS ("")  extra JVM options of TokenLoad
set -euo pipefail

BENCH_NAME=token-benchmark
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$ROOT"

OURS_PORT="${BENCH_OURS_PORT:-18080}"
KC_PORT="${BENCH_KC_PORT:-18180}"
KC_MGMT_PORT="${BENCH_KC_MGMT_PORT:-19000}"
KC_VERSION="${BENCH_KC_VERSION:-26.7.3}"
KC_JAVA_HOME="${KC_JAVA_HOME:-$JAVA_HOME}"
CACHE="${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/panosc-benchmarks}"
ROUNDS="${BENCH_ROUNDS:-3}"
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
SUBJECTS="${BENCH_SUBJECT_TOKENS:-2000}"
SESSIONS="${BENCH_SUBJECT_SESSIONS:-32}"
LATENCY="${BENCH_LATENCY:-0}"
LOG_LEVEL="${BENCH_OURS_LOG_LEVEL:-info}"
PHASES="${BENCH_PHASES:-client_credentials token_exchange}"
for ph in $PHASES; do
  [[ "$ph" == client_credentials || "$ph" == token_exchange ]] \
    || { echo "token-benchmark: unknown phase '$ph' in BENCH_PHASES (client_credentials, token_exchange)" >&2; exit 2; }
done
[[ -n "${PHASES// /}" ]] || { echo "token-benchmark: BENCH_PHASES is empty" >&2; exit 2; }
for n in ROUNDS WRK_THREADS SUBJECTS SESSIONS CONNECTIONS WARMUP DURATION; do
  [[ "${!n}" =~ ^[1-9][0-9]*$ ]] || { echo "token-benchmark: $n must be a positive integer, not '${!n}'" >&2; exit 2; }
done
((SESSIONS <= SUBJECTS && SESSIONS % WRK_THREADS == 0)) \
  || { echo "token-benchmark: BENCH_SUBJECT_SESSIONS must be a multiple of BENCH_WRK_THREADS and at most BENCH_SUBJECT_TOKENS" >&2; exit 2; }
has_phase() { [[ " $PHASES " == *" $1 "* ]]; }
read -r -a OURS_JAVA_OPTS <<<"${BENCH_OURS_JAVA_OPTS:-}"
read -r -a DRIVER_JAVA_OPTS <<<"${BENCH_DRIVER_JAVA_OPTS:-}"

LOAD_AT_START="$(cat /proc/loadavg)"
JAR="$ROOT/benchmarks/target/benchmarks.jar"
WRK_DIR="$ROOT/benchmarks/wrk"
KC_BASE="$CACHE/keycloak"
KC_HOME="$KC_BASE/keycloak-$KC_VERSION"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
RESULTS="$ROOT/benchmarks/results"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/token-benchmark.XXXXXX")"
mkdir -p "$RESULTS" "$WORK/runs"

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
json_field() { python3 -c 'import sys, json; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
java_version() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2}'; }

for p in "$OURS_PORT" "$KC_PORT" "$KC_MGMT_PORT"; do
  port_free "$p" || die "port $p is in use; set BENCH_OURS_PORT / BENCH_KC_PORT / BENCH_KC_MGMT_PORT"
done
need_wrk
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required (token checks, subject tokens, results)"
command -v unzip >/dev/null || die "unzip is required"
[[ -x "$KC_JAVA_HOME/bin/java" ]] || die "KC_JAVA_HOME=$KC_JAVA_HOME is not a JDK"

# ------------------------------------------------------------------------------------------------ build
build_jars "$JAR"
if [[ ! -x "$KC_HOME/bin/kc.sh" ]]; then
  zip="$KC_BASE/keycloak-quarkus-dist-$KC_VERSION.zip"
  if [[ ! -f "$zip" ]]; then
    say "fetching org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip with Maven into $KC_BASE (about 175 MB)"
    mkdir -p "$KC_BASE"
    ./mvnw -B -q dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" \
      -DoutputDirectory="$KC_BASE" || die "could not fetch keycloak-quarkus-dist $KC_VERSION (set BENCH_KC_VERSION)"
  fi
  say "unzipping $zip"
  unzip -q -o "$zip" -d "$KC_BASE"
fi

# The busiest processes right now (other builds share this machine); kept for the result file.
busiest() { ps -eo pcpu=,etime=,args= --sort=-pcpu | head -6 | cut -c1-140 | sed 's/^ *//'; }
SCOPE="pdp:evaluate"
CC_FORM="grant_type=client_credentials&scope=pdp%3Aevaluate"
TX_GRANT="urn:ietf:params:oauth:grant-type:token-exchange"
TX_ACCESS="urn:ietf:params:oauth:token-type:access_token"

# mint_forms URL CLIENT SECRET REFRESH_TOKENS_FILE AUDIENCE N OUT: N refresh_token grants over one connection,
# taking the sessions' refresh tokens (one per line of REFRESH_TOKENS_FILE, one per login) in turn, each with the
# refresh token the previous answer of its session gave (ours rotates them), each access token new; OUT gets one
# token exchange form per line (subject_token = one of those access tokens), so consecutive lines come from
# different sessions. Fails on any non-200 or repeated token.
mint_forms() {
  python3 - "$@" <<'PY' || die "could not mint $6 subject tokens at $1"
import sys, json, base64, http.client, urllib.parse as up
url, cid, secret, rts_file, audience, n, out = sys.argv[1:8]
rts = [l.strip() for l in open(rts_file) if l.strip()]
assert rts, "no refresh tokens in " + rts_file
u = up.urlsplit(url)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
head = {"Authorization": "Basic " + base64.b64encode((up.quote_plus(cid) + ":" + up.quote_plus(secret)).encode()).decode(),
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
seen, lines = set(), []
for i in range(int(n)):
    k = i % len(rts)
    rt = rts[k]
    conn.request("POST", u.path, up.urlencode({"grant_type": "refresh_token", "refresh_token": rt}), head)
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit("refresh %d: HTTP %d %s" % (i, r.status, body[:300]))
    a = json.loads(body)
    rts[k], token = a.get("refresh_token") or rt, a["access_token"]
    if token in seen:
        sys.exit("refresh %d gave a token seen before" % i)
    seen.add(token)
    lines.append(up.urlencode({"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token": token,
                               "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
                               "audience": audience}))
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
PY
  say "$(wc -l < "$7") distinct subject tokens from $(grep -c . "$4") sessions in $7"
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
    # the subject tokens of the token_exchange phase must outlive the run
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
if has_phase token_exchange; then
  # alice logs in to scicat-esrf (the real code flow, headless, demo mode); scicat-esrf may exchange her tokens
  # for https://icat.ill.demo (registry: tokenExchange.audiences); its refresh token mints the distinct ones
  say "aai-broker token_exchange: $SESSIONS logins of alice at scicat-esrf (panosc token), then $SUBJECTS refreshes ($(load))"
  : > "$WORK/ours-refresh.tokens"
  for ((i = 0; i < SESSIONS; i++)); do
    answer="$(./panosc token --json --user alice --client scicat-esrf --scope "openid profile" --url "$OURS_BASE")" \
      || die "panosc token failed (log: $WORK/panosc.log)"
    json_field refresh_token <<<"$answer" >> "$WORK/ours-refresh.tokens"
  done
  mint_forms "$OURS_URL" scicat-esrf scicat-esrf-demo-secret "$WORK/ours-refresh.tokens" \
    "https://icat.ill.demo" "$SUBJECTS" "$WORK/ours-exchange.forms"
  head -n 1 "$WORK/ours-exchange.forms" | tr -d '\n' > "$WORK/ours-exchange.form"
  check_exchange aai-broker "$OURS_URL" scicat-esrf:scicat-esrf-demo-secret "$WORK/ours-exchange.form"
fi

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
    "$KC/realms/master/protocol/openid-connect/token" | json_field access_token)" || die "Keycloak admin login failed"
}
admin_login
kc_api() {   # kc_api METHOD PATH [JSON]
  curl -sf -X "$1" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "$KC/admin$2"
}
kc_api POST /realms '{"realm":"bench","enabled":true,"defaultSignatureAlgorithm":"ES256"}' \
  || die "could not create realm bench"
REALM_ID="$(kc_api GET /realms/bench | json_field id)"
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
  say "Keycloak token_exchange: $SESSIONS password grants of alice (one session each), then $SUBJECTS refreshes ($(load))"
  : > "$WORK/keycloak-refresh.tokens"
  for ((i = 0; i < SESSIONS; i++)); do
    answer="$(curl -sf -u bench-exchanger:bench-exchanger-secret -d grant_type=password -d username=alice \
      -d password=alice-bench-password -d scope=openid "$KC_URL")" || die "no password-grant token for alice from Keycloak"
    json_field refresh_token <<<"$answer" >> "$WORK/keycloak-refresh.tokens"
  done
  mint_forms "$KC_URL" bench-exchanger bench-exchanger-secret "$WORK/keycloak-refresh.tokens" \
    icat-ill "$SUBJECTS" "$WORK/keycloak-exchange.forms"
  head -n 1 "$WORK/keycloak-exchange.forms" | tr -d '\n' > "$WORK/keycloak-exchange.form"
  check_exchange keycloak "$KC_URL" bench-exchanger:bench-exchanger-secret "$WORK/keycloak-exchange.form"
fi
say "Keycloak configured, token alg $alg ($(load))"
OURS_JAVA="$(java_version "$JAVA_HOME")"
KC_JAVA="$(java_version "$KC_JAVA_HOME")"

# ---------------------------------------------------------------------------------------- wrk rounds
# What each (server, phase) sends: URL, client, secret, and the wrk script's last argument (form or forms file).
target() {   # target SERVER PHASE: sets T_URL T_ID T_SECRET T_ARG T_PID
  if [[ "$1" == ours ]]; then
    T_URL="$OURS_URL"; T_PID="$(java_pid "$OURS_PID")"
    if [[ "$2" == client_credentials ]]; then T_ID=resource-broker; T_SECRET=resource-broker-demo-secret; T_ARG="$CC_FORM"
    else T_ID=scicat-esrf; T_SECRET=scicat-esrf-demo-secret; T_ARG="$WORK/ours-exchange.forms"; fi
  else
    T_URL="$KC_URL"; T_PID="$(java_pid "$KC_PID")"
    if [[ "$2" == client_credentials ]]; then T_ID=bench-client; T_SECRET=bench-client-secret; T_ARG="$CC_FORM"
    else T_ID=bench-exchanger; T_SECRET=bench-exchanger-secret; T_ARG="$WORK/keycloak-exchange.forms"; fi
  fi
}
# pg_ticks: CPU of our embedded PostgreSQL (its postmaster is not a child of the JVM): utime + stime + cutime + cstime
# of the postmaster and of each live child, so a backend that exits during a run is counted through the
# postmaster's cutime. 0 for Keycloak, whose dev database (H2) runs inside its JVM.
pg_ticks() {
  local pm pid stat f total=0
  pm="$(head -n 1 "$WORK/panosc-data/postgres/postmaster.pid" 2>/dev/null)" && [[ -n "$pm" ]] || { echo 0; return; }
  for pid in "$pm" $(cat "/proc/$pm/task/"*/children 2>/dev/null); do
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    stat="${stat##*) }"
    read -r -a f <<<"$stat"
    total=$((total + f[11] + f[12] + f[13] + f[14]))
  done
  echo "$total"
}
wrk_run() {   # wrk_run SERVER PHASE SECONDS OUT: one wrk run; OUT.txt is wrk's output, OUT.json the measurement
  local server="$1" phase="$2" secs="$3" out="$4" before after basic db_before=0 db_after=0
  target "$server" "$phase"
  basic="$(basic_auth "$T_ID" "$T_SECRET")"
  [[ "$server" == ours ]] && db_before="$(pg_ticks)"
  before="$(cpu_ticks "$T_PID")"
  wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${secs}s" --timeout 10s -s "$WRK_DIR/${phase//_/-}.lua" "$T_URL" \
    -- "$basic" "$T_ARG" "$WRK_THREADS" > "$out.txt" 2>&1 || { cat "$out.txt" >&2; die "wrk failed"; }
  after="$(cpu_ticks "$T_PID")"
  [[ "$server" == ours ]] && db_after="$(pg_ticks)"
  python3 - "$out" "$server" "$phase" "$T_PID" "$((after - before))" "$(getconf CLK_TCK)" "$((db_after - db_before))" "$SUBJECTS" <<'PY' \
    || die "$server $phase: a non-200 answer, a 200 without access_token, or no WRK_RESULT line (see $out.txt)"
import sys, json
out, server, phase, pid, ticks, hz, db_ticks, subjects = sys.argv[1:9]
line = next(l for l in open(out + ".txt") if l.startswith("WRK_RESULT "))
w = json.loads(line[len("WRK_RESULT "):])
seconds = w["durationUs"] / 1e6
cpu = int(ticks) / int(hz)
db = int(db_ticks) / int(hz)
m = {"server": server, "phase": phase, "serverPid": int(pid), "wrk": w, "seconds": round(seconds, 3),
     "grantsPerSecond": round(w["ok200"] / seconds, 1), "serverCpuSeconds": round(cpu, 2),
     "serverCores": round(cpu / seconds, 2),
     "serverCpuMicrosPerGrant": round(cpu * 1e6 / w["ok200"], 1) if w["ok200"] else None,
     # ours: + the embedded PostgreSQL's processes (Keycloak's H2 is inside its JVM, so there it is the same)
     "databaseCpuSeconds": round(db, 2),
     "serverAndDatabaseCpuMicrosPerGrant": round((cpu + db) * 1e6 / w["ok200"], 1) if w["ok200"] else None,
     "loadavg": open("/proc/loadavg").read().strip()}
if phase == "token_exchange":
    # each subject token was sent this many times in the run (ours remembers a verified token for up to 60 s)
    m["usesPerSubjectToken"] = round(w["requests"] / int(subjects), 1)
json.dump(m, open(out + ".json", "w"), indent=2)
bad = w["non200"] + w["noToken"]
print("token-benchmark: %-8s %-18s %8.1f grants/s, server %.2f cores, %s µs CPU/grant (%s with its database), "
      "wrk p50 %.2f ms p99 %.2f ms, non-200 %d, 200 without access_token %d, socket errors %s"
      % (server, phase, m["grantsPerSecond"], m["serverCores"], m["serverCpuMicrosPerGrant"],
         m["serverAndDatabaseCpuMicrosPerGrant"],
         w["latencyUs"]["p50"] / 1e3, w["latencyUs"]["p99"] / 1e3, w["non200"], w["noToken"], w["socketErrors"]),
      file=sys.stderr)
sys.exit(3 if bad or not w["ok200"] else 0)
PY
}
busiest > "$WORK/ps-before.txt"; say "busiest processes before the measurement:"; cat "$WORK/ps-before.txt" >&2
for ((round = 1; round <= ROUNDS; round++)); do
  order="ours keycloak"; ((round % 2 == 0)) && order="keycloak ours"
  for ph in $PHASES; do
    for server in $order; do
      if ((round == 1)); then
        say "round $round: $server $ph warm-up, ${WARMUP} s ($(load))"
        wrk_run "$server" "$ph" "$WARMUP" "$WORK/runs/warmup-$server-$ph"
      fi
      say "round $round: $server $ph, ${DURATION} s ($(load))"
      wrk_run "$server" "$ph" "$DURATION" "$WORK/runs/r$round-$server-$ph"
    done
  done
done

# ------------------------------------------------------------------------- latency at 80 % (optional)
latency=()
if [[ "$LATENCY" == 1 ]]; then
  for ph in $PHASES; do
    for server in ours keycloak; do
      target "$server" "$ph"
      if [[ "$ph" == client_credentials ]]; then form=(--scope "$SCOPE"); else form=(--forms-file "$T_ARG"); fi
      timeline=()
      [[ "${BENCH_TIMELINE:-0}" == 1 ]] && timeline=(--timeline "$RESULTS/$STAMP-token-endpoint-$server-$ph-timeline.csv")
      say "latency: TokenLoad against $server $ph ($(load))"
      "$JAVA" "${JAVA_FLAGS[@]}" "${DRIVER_JAVA_OPTS[@]}" -cp "$JAR" eu.panosc.benchmarks.http.TokenLoad run \
        --name "$server" --url "$T_URL" --client-id "$T_ID" --client-secret "$T_SECRET" --server-pid "$T_PID" \
        --out "$WORK/latency-$server-$ph.json" "${form[@]}" "${timeline[@]}" --connections "$CONNECTIONS" \
        --warmup "$WARMUP" --duration "$DURATION" --settle "$SETTLE" --rate-fraction "$FRACTION"
    done
    latency+=(--"ours.$ph" "$WORK/latency-ours-$ph.json" --"peer.$ph" "$WORK/latency-keycloak-$ph.json")
  done
fi
stop_pid "$OURS_PID" "control plane"; OURS_PID=""
stop_pid "$KC_PID" "Keycloak"; KC_PID=""

# --------------------------------------------------------------------------------- raw signing ceiling
SIGNING_FILE=""
if [[ "${BENCH_SIGNING:-1}" == 1 ]]; then
  say "JMH Es256SigningBenchmark.sign, 2 threads, SINGLE_FACILITY ($(load))"
  SIGNING_FILE="$RESULTS/$STAMP-token-endpoint-signing.json"
  BENCH_SKIP_BUILD=1 "$ROOT/benchmarks/run.sh" 'Es256SigningBenchmark.sign' -p scenario=SINGLE_FACILITY \
    -t 2 -wi 2 -i 3 -w 2s -r 2s -rf json -rff "$SIGNING_FILE" >&2
fi
LATENCY_FILE=""
if [[ "$LATENCY" == 1 ]]; then
  LATENCY_FILE="$RESULTS/$STAMP-token-endpoint-latency.json"
  "$JAVA" "${JAVA_FLAGS[@]}" -cp "$JAR" eu.panosc.benchmarks.http.TokenLoad compare "${latency[@]}" \
    ${SIGNING_FILE:+--signing "$SIGNING_FILE"} --out "$LATENCY_FILE" >&2
fi

# ------------------------------------------------------------------------------------------------ join
OUT="$RESULTS/$STAMP-token-endpoint.json"
python3 - "$OUT" "$WORK/runs" "$ROUNDS" "$PHASES" <<PY
import sys, json, statistics
out, runs, rounds, phases = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split()
env = {
  "started": "$STAMP",
  "machine": "$(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')",
  "oursJava": "$OURS_JAVA ($JAVA_HOME)", "keycloakJava": "$KC_JAVA ($KC_JAVA_HOME)",
  "keycloak": "keycloak-quarkus-dist $KC_VERSION, start-dev", "oursLogLevel": "$LOG_LEVEL",
  "loadGenerator": "$(wrk -v 2>&1 | head -1 | cut -c1-60), $WRK_THREADS threads, $CONNECTIONS connections",
  "settings": "phases=$PHASES rounds=$ROUNDS warmup=${WARMUP}s (first round) duration=${DURATION}s subjectTokens=$SUBJECTS subjectSessions=$SESSIONS",
  "loadavgAtStart": "$LOAD_AT_START", "loadavgAtEnd": open("/proc/loadavg").read().strip(),
  "oursJavaOpts": "${OURS_JAVA_OPTS[*]:-}",
  "latencyFile": "$LATENCY_FILE" or None, "signingFile": "$SIGNING_FILE" or None,
}
env["busiestBefore"] = open("$WORK/ps-before.txt").read()
ratio = lambda a, b: round(a / b, 3) if a and b else None
result = {"benchmark": "token endpoint, ES256, wrk: " + ", ".join(phases), **env, "phases": {}}
table = []
for ph in phases:
    per = []
    for r in range(1, rounds + 1):
        o = json.load(open("%s/r%d-ours-%s.json" % (runs, r, ph)))
        k = json.load(open("%s/r%d-keycloak-%s.json" % (runs, r, ph)))
        per.append({"round": r, "ours": o, "keycloak": k, "ratiosOursOverKeycloak": {
            "grantsPerSecond": ratio(o["grantsPerSecond"], k["grantsPerSecond"]),
            "serverCpuMicrosPerGrant": ratio(o["serverCpuMicrosPerGrant"], k["serverCpuMicrosPerGrant"]),
            "serverAndDatabaseCpuMicrosPerGrant": ratio(o["serverAndDatabaseCpuMicrosPerGrant"],
                                                        k["serverAndDatabaseCpuMicrosPerGrant"])}})
    med = lambda side, key: statistics.median(p[side][key] for p in per)
    rat = lambda key: [p["ratiosOursOverKeycloak"][key] for p in per]
    summary = {"oursGrantsPerSecond": med("ours", "grantsPerSecond"),
               "keycloakGrantsPerSecond": med("keycloak", "grantsPerSecond"),
               "oursServerCpuMicrosPerGrant": med("ours", "serverCpuMicrosPerGrant"),
               "keycloakServerCpuMicrosPerGrant": med("keycloak", "serverCpuMicrosPerGrant"),
               "oursServerAndDatabaseCpuMicrosPerGrant": med("ours", "serverAndDatabaseCpuMicrosPerGrant"),
               "ratioServerAndDatabaseCpuMicrosPerGrant": statistics.median(rat("serverAndDatabaseCpuMicrosPerGrant")),
               "ratioGrantsPerSecond": {"median": statistics.median(rat("grantsPerSecond")),
                                        "min": min(rat("grantsPerSecond")), "max": max(rat("grantsPerSecond"))},
               "ratioServerCpuMicrosPerGrant": {"median": statistics.median(rat("serverCpuMicrosPerGrant")),
                                                "min": min(rat("serverCpuMicrosPerGrant")),
                                                "max": max(rat("serverCpuMicrosPerGrant"))}}
    result["phases"][ph] = {"rounds": per, "median": summary}
    table.append("| %s | %.1f | %.1f | %.2f (%.2f–%.2f) | %.1f | %.1f | %.1f | %.3f (%.3f–%.3f) | %.3f |" % (
        ph, summary["oursGrantsPerSecond"], summary["keycloakGrantsPerSecond"],
        summary["ratioGrantsPerSecond"]["median"], summary["ratioGrantsPerSecond"]["min"], summary["ratioGrantsPerSecond"]["max"],
        summary["oursServerCpuMicrosPerGrant"], summary["oursServerAndDatabaseCpuMicrosPerGrant"],
        summary["keycloakServerCpuMicrosPerGrant"],
        summary["ratioServerCpuMicrosPerGrant"]["median"], summary["ratioServerCpuMicrosPerGrant"]["min"],
        summary["ratioServerCpuMicrosPerGrant"]["max"], summary["ratioServerAndDatabaseCpuMicrosPerGrant"]))
json.dump(result, open(out, "w"), indent=2, ensure_ascii=False)
print("\nmedian of %d round(s); ratios ours / Keycloak per round: median (min–max)\n" % rounds)
print("| phase | ours grants/s | Keycloak grants/s | ratio | ours CPU µs/grant | ours + its PostgreSQL | Keycloak CPU µs/grant "
      "(H2 inside) | ratio | ratio with ours' PostgreSQL |")
print("|---|---|---|---|---|---|---|---|---|")
print("\n".join(table))
PY
say "done: $OUT"
