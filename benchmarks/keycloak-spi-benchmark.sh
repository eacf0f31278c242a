#!/usr/bin/env bash
# Token issuance of a facility Keycloak with and without our providers (keycloak-spi), same Keycloak process, same
# run, cache warm: two realms that differ only in what our jar adds, measured in alternating rounds by wrk. See
# docs/benchmarks.md ("keycloak-spi: token issuance with and without our providers"). Two modes:
#
#   BENCH_MODE=mappers (default): issue 16's benchmark. `panosc up --demo` (registry, aai-broker, PDP; its own
#     embedded PostgreSQL) gets a generated world (facility "bench": BENCH_PROPOSALS proposals, BENCH_USERS users,
#     each a member of one proposal and every fourth user of a second one, BENCH_DATASETS datasets per proposal, none
#     public, 50-year embargo) through the PDP's ingest; every user is also made known to the aai-broker with the
#     pairwise sub it would issue at facility "bench" (rows in aai.app_user / aai.pairwise_subject, computed with the
#     broker's own key, read by psql from its database), so the PDP resolves that sub like a real one. Two realms,
#     imported through the admin REST API, identical but for our mappers: the same users (with a federated-identity
#     link to the IdP alias "panosc" holding that sub), the same groups /proposals/bench/<proposal>[/<role>] (what our
#     entitlement mapper would have made at an IdP login), the same IdP, and a confidential client "bench" with
#     direct access grants; bench-mappers adds our PDP claims mapper (proposals + readable datasets, cache TTL 1 h,
#     fail closed) to the client and our entitlement group mapper to the IdP. The entitlement mapper runs only at an
#     IdP login, which no token request here makes: it is configured but NOT measured. One password grant per user
#     and realm (which also fills the claims mapper's cache: the PDP is asked once per user) gives the refresh tokens;
#     the measured grant is refresh_token (it runs every protocol mapper, no browser), each wrk request with the next
#     user's refresh token (wrk/token-exchange.lua: a file of forms, split between wrk threads). Checked: every
#     answer HTTP 200 with an access_token; sample tokens of bench-mappers carry exactly the user's proposals and
#     readable datasets, bench-plain's neither; the PDP got no search request during the measured runs (cache warm).
#   BENCH_MODE=listener: the usage listener alone, client_credentials grants: bench-plain (event listener
#     jboss-logging) against bench-ours (jboss-logging + panosc-usage: every CLIENT_LOGIN written to the realm's
#     on-disk queue before the token is answered; no accounting runs, records stay queued, bounded at
#     BENCH_QUEUE_MB). Checked afterwards: the queue holds one record per token the ours-realm issued (wrk does not
#     count the up to one request per connection still in flight when a run ends, so the check allows that many).
#
#   benchmarks/keycloak-spi-benchmark.sh                                   # mappers, 3 rounds, 10 s warm-up, 20 s runs
#   BENCH_MODE=listener benchmarks/keycloak-spi-benchmark.sh
#   BENCH_WARMUP=3 BENCH_DURATION=5 BENCH_ROUNDS=1 BENCH_USERS=100 benchmarks/keycloak-spi-benchmark.sh   # smoke run
#
# Steps: package the provider jar (./mvnw -pl keycloak-spi package, tests skipped; mappers mode also needs
# control-plane/target/panosc.jar, built by ./panosc when stale); unzip keycloak-quarkus-dist into
# BENCH_CACHE/keycloak-spi (once); copy the jar into providers/; start kc.sh start-dev (dev-mem database) on the JDK
# .mvn/select-jdk.sh selects; configure the realms; a wrk warm-up per realm; then BENCH_ROUNDS rounds of one measured
# wrk run per realm, the order alternating by round. Writes benchmarks/results/<UTC date-time>-keycloak-spi[-mappers].json
# and prints a table. Keycloak and the control plane are stopped on exit.
#
# Environment: BENCH_MODE (mappers) BENCH_ROUNDS (3) BENCH_CONNECTIONS (16) BENCH_WRK_THREADS (2) BENCH_WARMUP (10)
#   BENCH_DURATION (20) BENCH_KC_PORT (18280) BENCH_KC_MGMT_PORT (19100) BENCH_KC_VERSION (26.7.3)
#   BENCH_KC_JAVA_OPTS (JVM options for Keycloak, given as JAVA_OPTS_APPEND, e.g. -XX:StartFlightRecording=...)
#   BENCH_CACHE (~/.cache/panosc-benchmarks) BENCH_SKIP_BUILD (0: 1 reuses keycloak-spi/target's jar)
#   mappers: BENCH_USERS (1000) BENCH_PROPOSALS (100) BENCH_DATASETS (10 per proposal) BENCH_PANOSC_PORT (18380)
#   listener: BENCH_QUEUE_MB (1024) BENCH_FSYNC_INTERVAL_MS (100, the listener's default: written before the token
#     is answered, forced every n ms; 0: every record forced to disk before the token is answered)
set -euo pipefail

BENCH_NAME=keycloak-spi-benchmark
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$ROOT"

MODE="${BENCH_MODE:-mappers}"
KC_PORT="${BENCH_KC_PORT:-18280}"
KC_MGMT_PORT="${BENCH_KC_MGMT_PORT:-19100}"
KC_VERSION="${BENCH_KC_VERSION:-26.7.3}"
ROUNDS="${BENCH_ROUNDS:-3}"
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
QUEUE_MB="${BENCH_QUEUE_MB:-1024}"
FSYNC_MS="${BENCH_FSYNC_INTERVAL_MS:-100}"
USERS="${BENCH_USERS:-1000}"
PROPOSALS="${BENCH_PROPOSALS:-100}"
DATASETS="${BENCH_DATASETS:-10}"
PANOSC_PORT="${BENCH_PANOSC_PORT:-18380}"
CACHE="${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/panosc-benchmarks}"
case "$MODE" in
  mappers|listener) ;;
  *) die "BENCH_MODE must be mappers or listener, not '$MODE'" ;;
esac
for n in ROUNDS WRK_THREADS CONNECTIONS WARMUP DURATION QUEUE_MB USERS PROPOSALS DATASETS; do
  [[ "${!n}" =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer, not '${!n}'"
done
[[ "$FSYNC_MS" =~ ^[0-9]+$ ]] || die "BENCH_FSYNC_INTERVAL_MS must be a non-negative integer, not '$FSYNC_MS'"
((USERS >= PROPOSALS)) || die "BENCH_USERS ($USERS) must be at least BENCH_PROPOSALS ($PROPOSALS)"
((USERS % WRK_THREADS == 0)) || die "BENCH_USERS ($USERS) must be a multiple of BENCH_WRK_THREADS ($WRK_THREADS)"
((USERS / WRK_THREADS >= CONNECTIONS)) || die "BENCH_USERS / BENCH_WRK_THREADS must be at least BENCH_CONNECTIONS"
need_wrk
command -v curl >/dev/null || die "curl is required"
command -v unzip >/dev/null || die "unzip is required"
PORTS=("$KC_PORT" "$KC_MGMT_PORT")
if [[ "$MODE" == mappers ]]; then
  command -v psql >/dev/null || die "psql is required in mappers mode (apt-get install postgresql-client)"
  PORTS+=("$PANOSC_PORT")
fi
for p in "${PORTS[@]}"; do
  port_free "$p" || die "port $p is in use; set BENCH_KC_PORT / BENCH_KC_MGMT_PORT / BENCH_PANOSC_PORT"
done

LOAD_AT_START="$(cat /proc/loadavg)"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
RESULTS="$ROOT/benchmarks/results"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/keycloak-spi-benchmark.XXXXXX")"
QUEUE="$WORK/usage-queue"
mkdir -p "$RESULTS" "$WORK/runs"
KC_PID=""
PANOSC_PID=""
cleanup() {
  local rc=$?
  stop_pid "$KC_PID" "Keycloak"
  stop_pid "$PANOSC_PID" "the control plane"
  if [[ $rc -ne 0 ]]; then say "failed (exit $rc); logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }

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

# ------------------------------------------------------------------------------------------------ the federation
PANOSC="http://127.0.0.1:$PANOSC_PORT"
if [[ "$MODE" == mappers ]]; then
  cat >"$WORK/panosc.yaml" <<EOF
logging:
  level: warn
services:
  aai:
    tokenRatePerSecond: 1000000
    tokenBurst: 1000000
EOF
  say "starting the control plane (panosc up --demo) on :$PANOSC_PORT ($(load))"
  PANOSC_JAVA_OPTS="-Djava.io.tmpdir=$WORK" ./panosc up --demo --port "$PANOSC_PORT" --data-dir "$WORK/panosc-data" \
    --config "$WORK/panosc.yaml" >"$WORK/panosc.log" 2>&1 &
  PANOSC_PID=$!
  wait_http "$PANOSC/pdp/health/ready" 300 "$PANOSC_PID" "the control plane" "$WORK/panosc.log"
  wait_http "$PANOSC/aai/.well-known/openid-configuration" 60 "$PANOSC_PID" "the control plane" "$WORK/panosc.log"

  say "generating the world: $PROPOSALS proposals, $USERS users, $DATASETS datasets per proposal"
  python3 - "$USERS" "$PROPOSALS" "$DATASETS" "$WORK/world.ndjson" "$WORK/users.json" <<'EOF'
import json, sys
users, proposals, per = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
roles = ("pi", "co-proposer", "local-contact")
out = open(sys.argv[4], "w")
def w(o): out.write(json.dumps(o, separators=(",", ":")) + "\n")
w({"type": "facility", "id": "bench", "name": "Benchmark facility", "embargoYears": 50})
for p in range(proposals):
    w({"type": "proposal", "id": "bench:P%04d" % p, "facility": "bench", "title": "Proposal %d" % p,
       "start": "2024-01-01T08:00:00Z", "end": "2024-01-05T08:00:00Z"})
people = []
for m in range(users):
    memberships = {"P%04d" % (m % proposals): roles[m % 3]}
    if m % 4 == 0:                                  # every fourth user is in a second proposal too
        memberships.setdefault("P%04d" % ((m + 1) % proposals), "co-proposer")
    for prop, role in memberships.items():
        w({"type": "member", "proposal": "bench:" + prop, "user": "user%05d@bench" % m, "role": role})
    people.append({"user": "user%05d@bench" % m, "username": "user%05d" % m, "memberships": memberships})
for p in range(proposals):
    for k in range(per):
        d = p * per + k
        w({"type": "dataset", "pid": "10.99999/KCB-%07d" % d, "proposal": "bench:P%04d" % p, "facility": "bench",
           "instrument": "bench:i%d" % (d % 7), "created": "2024-01-03T10:00:00Z", "public": False,
           "storage": {"site": "bench-fs", "path": "/data/%d" % d}, "sizeBytes": 1000000 + d})
for person in people:                               # the datasets each user may read: their proposals' ones
    person["datasets"] = sorted("10.99999/KCB-%07d" % (int(prop[1:]) * per + k)
                                for prop in person["memberships"] for k in range(per))
json.dump(people, open(sys.argv[5], "w"))
EOF
  PDP_ADMIN="$(curl -sf -u pdp-admin:pdp-admin-demo-secret -d grant_type=client_credentials -d scope=pdp:admin \
    "$PANOSC/aai/token" | json '["access_token"]')" || die "no pdp:admin token from the aai-broker"
  curl -sf -o "$WORK/ingest.json" -H "Authorization: Bearer $PDP_ADMIN" -H 'Content-Type: application/x-ndjson' \
    --data-binary "@$WORK/world.ndjson" "$PANOSC/pdp/v1/ingest" || die "the PDP refused the world: $(cat "$WORK/ingest.json" 2>/dev/null)"
  say "PDP ingest: $(cat "$WORK/ingest.json")"

  # The aai-broker remembers the pairwise subs it issued (aai.pairwise_subject) and resolves them for the PDP; the
  # benchmark's users never logged in there, so record them as a login would: sub = base64url(HMAC-SHA256(key,
  # "facility:bench|" + user)) with the broker's own key (aai.provider_secret).
  PG=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(cat "$WORK/panosc-data/postgres.port")" -U postgres -d postgres)
  KEY="$("${PG[@]}" -At -c "SELECT encode(value, 'hex') FROM aai.provider_secret WHERE name = 'pairwise-subject-hmac'")"
  [[ "$KEY" =~ ^[0-9a-f]{64}$ ]] || die "could not read the aai-broker's pairwise key"
  python3 - "$KEY" "$WORK/users.json" "$WORK/pairwise.sql" <<'EOF'
import base64, hashlib, hmac, json, sys
key = bytes.fromhex(sys.argv[1]); people = json.load(open(sys.argv[2]))
sql = open(sys.argv[3], "w")
sql.write("BEGIN;\n")
for p in people:
    p["sub"] = base64.urlsafe_b64encode(hmac.new(key, ("facility:bench|" + p["user"]).encode(), hashlib.sha256).digest()).decode().rstrip("=")
    sql.write("INSERT INTO aai.app_user (id, attributes, first_login, last_login) VALUES ('%s', '{}', now(), now())"
              " ON CONFLICT (id) DO NOTHING;\n" % p["user"])
    sql.write("INSERT INTO aai.pairwise_subject (sector, sub, user_id) VALUES ('facility:bench', '%s', '%s')"
              " ON CONFLICT DO NOTHING;\n" % (p["sub"], p["user"]))
sql.write("COMMIT;\n")
json.dump(people, open(sys.argv[2], "w"))
EOF
  "${PG[@]}" -f "$WORK/pairwise.sql" || die "recording the pairwise subs failed"
fi

# ------------------------------------------------------------------------------------------------ Keycloak
say "starting Keycloak $KC_VERSION with $(basename "$JAR") on :$KC_PORT ($(load))"
KC_LOG="$WORK/keycloak.log"
U="--spi-events-listener--panosc-usage--"
JAVA_HOME="$JAVA_HOME" JAVA_OPTS_APPEND="${BENCH_KC_JAVA_OPTS:-}" \
  KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
  "$KC_HOME/bin/kc.sh" start-dev --db dev-mem --http-host 127.0.0.1 --http-port "$KC_PORT" \
  --http-management-port "$KC_MGMT_PORT" "${U}facility=bench" "${U}directory=$QUEUE" "${U}max-queue-mb=$QUEUE_MB" \
  "${U}fsync-interval-ms=$FSYNC_MS" \
  >"$KC_LOG" 2>&1 &
KC_PID=$!
KC="http://127.0.0.1:$KC_PORT"
wait_http "$KC/realms/master" 600 "$KC_PID" Keycloak "$KC_LOG"

import_realm() {   # import_realm NAME FILE (a fresh admin token each time: it lives 60 s, an import can take longer)
  local ADMIN
  ADMIN="$(curl -sf -d grant_type=password -d client_id=admin-cli -d username=admin -d password=admin \
    "$KC/realms/master/protocol/openid-connect/token" | json '["access_token"]')" || die "no admin token from Keycloak"
  curl -sf -o /dev/null -X DELETE -H "Authorization: Bearer $ADMIN" "$KC/admin/realms/$1" || true
  local code
  code="$(curl -s -o "$WORK/import-$1.txt" -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' --data-binary "@$2" "$KC/admin/realms")"
  [[ "$code" == 201 ]] || die "creating realm $1 failed: HTTP $code $(head -c 500 "$WORK/import-$1.txt")"
}
BASIC="$(basic_auth bench bench-secret)"

if [[ "$MODE" == listener ]]; then
  PLAIN=bench-plain OURS=bench-ours
  for r in "$PLAIN:[\"jboss-logging\"]" "$OURS:[\"jboss-logging\",\"panosc-usage\"]"; do
    printf '{"realm":"%s","enabled":true,"eventsListeners":%s,"clients":[{"clientId":"bench","secret":"bench-secret","publicClient":false,"standardFlowEnabled":false,"serviceAccountsEnabled":true}]}' \
      "${r%%:*}" "${r#*:}" >"$WORK/realm-${r%%:*}.json"
    import_realm "${r%%:*}" "$WORK/realm-${r%%:*}.json"
  done
  FORM="grant_type=client_credentials"
  queued() { if [[ -f "$QUEUE/$OURS.ndjson" ]]; then wc -l <"$QUEUE/$OURS.ndjson"; else echo 0; fi; }
  for r in "$PLAIN" "$OURS"; do
    code="$(curl -s -o "$WORK/check-$r.json" -w '%{http_code}' -H "Authorization: $BASIC" --data "$FORM" \
      "$KC/realms/$r/protocol/openid-connect/token")"
    [[ "$code" == 200 ]] && grep -q '"access_token"' "$WORK/check-$r.json" || die "realm $r answered $code"
  done
  [[ "$(queued)" == 1 ]] || die "the usage listener queued $(queued) records for the check token, expected 1"
  [[ ! -f "$QUEUE/$PLAIN.ndjson" ]] || die "the plain realm queued records"
  OURS_TOKENS=1
else
  PLAIN=bench-plain OURS=bench-mappers
  say "importing the realms $PLAIN and $OURS ($USERS users each; $(load))"
  python3 - "$WORK/users.json" "$PANOSC" "$PLAIN" "$OURS" "$WORK" <<'EOF'
import json, sys
people, panosc, plain, ours, work = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
tree = {}
for p in people:
    for prop, role in p["memberships"].items():
        tree.setdefault(prop, set()).add(role)
groups = [{"name": "proposals", "subGroups": [{"name": "bench", "subGroups": [
    {"name": prop, "subGroups": [{"name": r} for r in sorted(roles)]} for prop, roles in sorted(tree.items())]}]}]
def realm(name, with_mappers):
    client = {"clientId": "bench", "secret": "bench-secret", "publicClient": False, "standardFlowEnabled": False,
              "directAccessGrantsEnabled": True, "serviceAccountsEnabled": False}
    idp = {"alias": "panosc", "providerId": "oidc", "enabled": True, "trustEmail": True,
           "config": {"clientId": "bench-kc", "clientSecret": "unused", "clientAuthMethod": "client_secret_basic",
                      "authorizationUrl": panosc + "/aai/authorize", "tokenUrl": panosc + "/aai/token",
                      "syncMode": "FORCE", "pkceEnabled": "true", "pkceMethod": "S256"}}
    r = {"realm": name, "enabled": True, "eventsListeners": ["jboss-logging"],
         # cheap passwords: the password grants only make the sessions; they are not measured
         "passwordPolicy": "hashAlgorithm(pbkdf2-sha256) and hashIterations(1)",
         "ssoSessionIdleTimeout": 36000, "ssoSessionMaxLifespan": 36000, "accessTokenLifespan": 300,
         "identityProviders": [idp], "groups": groups, "clients": [client], "users": []}
    if with_mappers:
        client["protocolMappers"] = [{"name": "panosc-proposals-datasets", "protocol": "openid-connect",
            "protocolMapper": "panosc-pdp-claims-mapper",
            "config": {"groupRoot": "proposals", "includeDatasets": "true", "identityProvider": "panosc",
                       "pdpUrl": panosc + "/pdp", "tokenEndpoint": panosc + "/aai/token",
                       "pdpClientId": "resource-broker", "pdpClientSecret": "resource-broker-demo-secret",
                       "facility": "bench", "budgetMillis": "10000", "cacheTtlSeconds": "3600",
                       "cacheSize": "100000", "failMode": "closed", "access.token.claim": "true",
                       "id.token.claim": "true", "userinfo.token.claim": "true"}}]
        r["identityProviderMappers"] = [{"name": "panosc-entitlements", "identityProviderAlias": "panosc",
            "identityProviderMapper": "panosc-entitlement-group-mapper",
            "config": {"syncMode": "FORCE", "trustedAuthorities": "demo.panosc.eu"}}]
    for p in people:
        paths = []
        for prop, role in sorted(p["memberships"].items()):
            paths += ["/proposals/bench/" + prop, "/proposals/bench/%s/%s" % (prop, role)]
        r["users"].append({"username": p["username"], "enabled": True, "email": p["username"] + "@bench.example",
            "emailVerified": True, "firstName": "Bench", "lastName": p["username"],
            "credentials": [{"type": "password", "value": "pw-" + p["username"], "temporary": False}],
            "groups": paths,
            "federatedIdentities": [{"identityProvider": "panosc", "userId": p["sub"], "userName": p["user"]}]})
    json.dump(r, open("%s/realm-%s.json" % (work, name), "w"))
realm(plain, False)
realm(ours, True)
EOF
  import_realm "$PLAIN" "$WORK/realm-$PLAIN.json"
  import_realm "$OURS" "$WORK/realm-$OURS.json"
  say "one password grant per user and realm: refresh tokens, and the claims mapper's cache filled ($(load))"
  python3 - "$KC" "$WORK/users.json" "$WORK" "$PLAIN" "$OURS" <<'EOF' || die "the password grants or their checks failed"
import base64, concurrent.futures, json, sys, urllib.parse, urllib.request
kc, people, work, plain, ours = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3], sys.argv[4], sys.argv[5]
basic = "Basic " + base64.b64encode(b"bench:bench-secret").decode()
def claims(jwt):
    part = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
def grant(realm, p):
    body = urllib.parse.urlencode({"grant_type": "password", "username": p["username"], "password": "pw-" + p["username"],
                                   "scope": "openid"}).encode()
    req = urllib.request.Request(kc + "/realms/%s/protocol/openid-connect/token" % realm, data=body,
                                 headers={"Authorization": basic, "Content-Type": "application/x-www-form-urlencoded"})
    return json.load(urllib.request.urlopen(req, timeout=120))
def expected(p):
    return [{"id": "bench:" + prop, "roles": [role]} for prop, role in sorted(p["memberships"].items())]
sizes = {}
for realm in (plain, ours):
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda p: grant(realm, p), people))
    with open("%s/forms-%s.txt" % (work, realm), "w") as f:
        for a in answers:
            f.write("grant_type=refresh_token&refresh_token=" + a["refresh_token"] + "\n")
    for p, a in zip(people, answers):
        c = claims(a["access_token"])
        if realm == ours:
            if c.get("proposals") != expected(p):
                sys.exit("%s: proposals %s, expected %s" % (p["username"], c.get("proposals"), expected(p)))
            mine = sorted(d for d in c.get("datasets", []) if d.startswith("10.99999/KCB-"))
            if mine != p["datasets"]:
                sys.exit("%s: datasets %s, expected %s" % (p["username"], mine, p["datasets"]))
        elif "proposals" in c or "datasets" in c:
            sys.exit("%s: the plain realm's token has our claims" % p["username"])
    sizes[realm] = sum(len(a["access_token"]) for a in answers) / len(answers)
    print("%s: %d refresh tokens, mean access token %d characters" % (realm, len(answers), sizes[realm]), file=sys.stderr)
json.dump(sizes, open(work + "/token-sizes.json", "w"))
EOF
  pdp_searches() {   # the PDP's AuthZEN resource searches answered so far (Vert.x's request counter of that route)
    curl -sf "$PANOSC/metrics" | python3 -c '
import sys
n = 0.0
for line in sys.stdin:
    if line.startswith("vertx_http_server_requests_total{") and "/search/resource" in line:
        n += float(line.rsplit(" ", 1)[1])
print(int(n))'
  }
fi

run() {   # run REALM SECONDS OUT: one wrk run, its WRK_RESULT line into OUT
  if [[ "$MODE" == listener ]]; then
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$2s" --timeout 30s -s benchmarks/wrk/client-credentials.lua \
      "$KC/realms/$1/protocol/openid-connect/token" -- "$BASIC" "$FORM" >"$3.txt"
  else
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$2s" --timeout 30s -s benchmarks/wrk/token-exchange.lua \
      "$KC/realms/$1/protocol/openid-connect/token" -- "$BASIC" "$WORK/forms-$1.txt" "$WRK_THREADS" >"$3.txt"
  fi
  grep '^WRK_RESULT ' "$3.txt" | sed 's/^WRK_RESULT //' >"$3"
  python3 - "$3" <<'EOF' || die "wrk run $3 had failed answers"
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if r["ok200"] > 0 and r["non200"] == 0 and r["noToken"] == 0 and sum(r["socketErrors"].values()) == 0 else 1)
EOF
  if [[ "$MODE" == listener && "$1" == "$OURS" ]]; then
    OURS_TOKENS=$((OURS_TOKENS + $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ok200"])' "$3")))
  fi
}

[[ "$MODE" == mappers ]] && say "PDP resource searches so far (password grants): $(pdp_searches)"
say "warm-up: ${WARMUP} s per realm ($(load))"
run "$PLAIN" "$WARMUP" "$WORK/runs/warmup-plain.json"
run "$OURS" "$WARMUP" "$WORK/runs/warmup-ours.json"
SEARCHES_BEFORE=0
[[ "$MODE" == mappers ]] && SEARCHES_BEFORE="$(pdp_searches)"
for ((i = 1; i <= ROUNDS; i++)); do
  if ((i % 2)); then order="$PLAIN $OURS"; else order="$OURS $PLAIN"; fi
  for r in $order; do
    say "round $i: $r, ${DURATION} s ($(load))"
    side=plain; [[ "$r" == "$OURS" ]] && side=ours
    run "$r" "$DURATION" "$WORK/runs/round$i-$side.json"
  done
done
sleep 1
CHECK=""
if [[ "$MODE" == listener ]]; then
  # wrk counts the answers it read before its end; up to one request per connection and run is still in flight
  # then, issued by Keycloak (and queued) but not counted
  OURS_RUNS=$((ROUNDS + 1))
  MAX_QUEUED=$((OURS_TOKENS + CONNECTIONS * OURS_RUNS))
  n="$(queued)"
  ((n >= OURS_TOKENS && n <= MAX_QUEUED)) \
    || die "queue holds $n records, but $OURS issued $OURS_TOKENS counted tokens (+ at most $((MAX_QUEUED - OURS_TOKENS)) in flight)"
  CHECK="queue: $n records for $OURS_TOKENS counted tokens of $OURS (+ at most $((MAX_QUEUED - OURS_TOKENS)) in flight at the runs' ends)"
else
  SEARCHES_AFTER="$(pdp_searches)"
  [[ "$SEARCHES_AFTER" == "$SEARCHES_BEFORE" ]] \
    || die "the PDP got $((SEARCHES_AFTER - SEARCHES_BEFORE)) resource searches during the measured runs: the cache was not warm"
  # a refresh after the runs still carries the claims (sampled: the first 20 users)
  python3 - "$KC" "$WORK/users.json" "$WORK/forms-$OURS.txt" "$OURS" <<'EOF' || die "a token after the runs lacks the claims"
import base64, json, sys, urllib.request
kc, people, forms, realm = sys.argv[1], json.load(open(sys.argv[2])), open(sys.argv[3]).read().split("\n"), sys.argv[4]
basic = "Basic " + base64.b64encode(b"bench:bench-secret").decode()
for p, form in list(zip(people, forms))[:20]:
    req = urllib.request.Request(kc + "/realms/%s/protocol/openid-connect/token" % realm, data=form.encode(),
                                 headers={"Authorization": basic, "Content-Type": "application/x-www-form-urlencoded"})
    t = json.load(urllib.request.urlopen(req, timeout=60))["access_token"].split(".")[1]
    c = json.loads(base64.urlsafe_b64decode(t + "=" * (-len(t) % 4)))
    want = [{"id": "bench:" + k, "roles": [v]} for k, v in sorted(p["memberships"].items())]
    if c.get("proposals") != want or sorted(d for d in c.get("datasets", []) if d.startswith("10.99999/KCB-")) != p["datasets"]:
        sys.exit("%s: wrong claims after the runs" % p["username"])
EOF
  CHECK="claims: every password-grant token of $OURS had the user's proposals and datasets, 20 refreshed after the runs too; PDP resource searches during the measured runs: 0 (cache warm; $SEARCHES_BEFORE before)"
fi
say "$CHECK"

SUFFIX=""; [[ "$MODE" == mappers ]] && SUFFIX="-mappers"
OUT="$RESULTS/$STAMP-keycloak-spi$SUFFIX.json"
SIZES="{}"; [[ -f "$WORK/token-sizes.json" ]] && SIZES="$(cat "$WORK/token-sizes.json")"
python3 - "$WORK/runs" "$ROUNDS" "$OUT" "$LOAD_AT_START" "$(cat /proc/loadavg)" "$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)" \
  "$KC_VERSION" "$CONNECTIONS" "$WRK_THREADS" "$DURATION" "$MODE" "$FSYNC_MS" "$CHECK" "$PLAIN" "$OURS" "$USERS" \
  "$PROPOSALS" "$DATASETS" "$SIZES" <<'EOF'
import json, statistics, sys
runs, rounds, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = []
def side(r): return {"tokensPerS": r["ok200"] / (r["durationUs"] / 1e6), "p50Ms": r["latencyUs"]["p50"] / 1000,
                     "p90Ms": r["latencyUs"]["p90"] / 1000, "p99Ms": r["latencyUs"]["p99"] / 1000, "raw": r}
for i in range(1, rounds + 1):
    rows.append({"round": i, "first": "plain" if i % 2 else "ours",
                 "plain": side(json.load(open(f"{runs}/round{i}-plain.json"))),
                 "ours": side(json.load(open(f"{runs}/round{i}-ours.json")))})
def med(s, k): return statistics.median(r[s][k] for r in rows)
summary = {k: {"plain": med("plain", k), "ours": med("ours", k)} for k in ("tokensPerS", "p50Ms", "p99Ms")}
summary["throughputRatioOursToPlain"] = summary["tokensPerS"]["ours"] / summary["tokensPerS"]["plain"]
summary["p99AddedMs"] = summary["p99Ms"]["ours"] - summary["p99Ms"]["plain"]
summary["perRoundRatios"] = [r["ours"]["tokensPerS"] / r["plain"]["tokensPerS"] for r in rows]
mode = sys.argv[11]
doc = {"benchmark": "keycloak-spi token issuance", "mode": mode, "realms": {"plain": sys.argv[14], "ours": sys.argv[15]},
       "keycloak": sys.argv[7], "jdk": sys.argv[6], "connections": int(sys.argv[8]), "wrkThreads": int(sys.argv[9]),
       "durationS": int(sys.argv[10]), "loadavgStart": sys.argv[4], "loadavgEnd": sys.argv[5], "check": sys.argv[13],
       "rounds": rows, "median": summary}
if mode == "listener":
    doc["fsyncIntervalMs"] = int(sys.argv[12])
else:
    doc["world"] = {"users": int(sys.argv[16]), "proposals": int(sys.argv[17]), "datasetsPerProposal": int(sys.argv[18])}
    doc["meanAccessTokenChars"] = json.loads(sys.argv[19])
json.dump(doc, open(out, "w"), indent=2)
print(f"mode {mode}: plain = {sys.argv[14]}, ours = {sys.argv[15]}")
print(f"{'round':>5} {'plain tok/s':>12} {'ours tok/s':>11} {'plain p50':>10} {'ours p50':>9} {'plain p99':>10} {'ours p99':>9}")
for r in rows:
    print(f"{r['round']:>5} {r['plain']['tokensPerS']:>12.1f} {r['ours']['tokensPerS']:>11.1f} {r['plain']['p50Ms']:>10.2f} {r['ours']['p50Ms']:>9.2f} {r['plain']['p99Ms']:>10.2f} {r['ours']['p99Ms']:>9.2f}")
print(f"median: ours/plain throughput {summary['throughputRatioOursToPlain']:.3f}, p99 added {summary['p99AddedMs']:.2f} ms")
print(f"written: {out}")
EOF
