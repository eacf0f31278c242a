#!/usr/bin/env bash
# Benchmark of metrics-accounting (issue 12 goals: ingest over HTTP at ≥ 50 % of a raw PostgreSQL COPY of the same
# rows into the same database; a monthly report by facility × community in ≤ 500 ms, not growing with the number of
# records: 1 M, 10 M, 100 M). Starts `panosc up --demo` once (embedded PostgreSQL under a temporary directory), then:
#   1. ingest (skipped with BENCH_ROUNDS=0): BENCH_RECORDS distinct usage records per round (1–4 hours each, so 2–5 hour buckets; 6 metrics,
#      2 000 proposals, 20 000 users) as NDJSON batch files of BENCH_BATCH_RECORDS, posted once each with curl by
#      BENCH_CONCURRENCY parallel senders (a lean driver: xargs -P + curl) to POST /accounting/v1/records; every answer
#      must say accepted = the batch's size, and the database must then hold every record ("acknowledged" rate). Then
#      the background roll-up is timed until the journal (rollup_pending) is empty and the June month rollups sum to
#      the records ("rolled up" rate, from the first post); CPU seconds of the JVM and PostgreSQL for both. The same rows, as CSV, go
#      to a raw `COPY accounting.bench_copy FROM STDIN` (psql; a table LIKE usage_record INCLUDING ALL: same columns,
#      key and checks, no rollups) in the same database. BENCH_ROUNDS rounds, alternating which goes first, each
#      with new record ids; ratio = HTTP records/s ÷ COPY rows/s.
#   2. report: for each size in BENCH_REPORT_SIZES, the rollup tables are emptied and refilled INSIDE PostgreSQL with
#      generate_series: N virtual records (12 months 2025-07..2026-06, 2 000 proposals of 6 facilities and 20
#      communities, 2 installations per facility, 6 metrics, 10 users per proposal) aggregated straight into the
#      month rows of `rollup`, `rollup_user` and the per-grouping user sets and counts (`rollup_group_user`,
#      `rollup_group_users`, V4) as the roll-up worker would have made them (records never cross a month, so
#      nothing is pro-rated), and `user_first_seen`; `usage_session` is emptied and NOT generated (the generated
#      records name no session; the report's exact median session length reads every session of the period, so its
#      time follows sessions, not records). Hour and day rows are NOT generated: a month report reads month rows only. Then
#      GET /accounting/v1/reports?period=2026-06&groupBy=facility,community is timed with curl (BENCH_REPORT_WARMUP
#      warm-up calls, then BENCH_REPORT_RUNS timed); every answer must hold 360 rows whose cpu_core_hours sum equals
#      the rollup's sum for that month. The tables are vacuumed and analysed after each fill (as autovacuum would
#      have done over the months ingest took), so index-only scans see an up-to-date visibility map.
# Results: benchmarks/results/<UTC>-accounting-ingest.json and ...-accounting-report.json; a summary on stderr.
#
#   benchmarks/accounting-benchmark.sh
#   BENCH_SKIP_BUILD=1 BENCH_RECORDS=20000 BENCH_ROUNDS=1 BENCH_REPORT_SIZES="1000000" benchmarks/accounting-benchmark.sh   # smoke
#   BENCH_JFR=/tmp/acct.jfr ...      # record the control plane with JDK Flight Recorder (profile settings)
#   BENCH_ROLLUP_MAX_YIELD=60s ...   # services.accounting.rollupMaxYield (default 10s): the background roll-up
#                                    # waits this long into a burst before running alongside ingest
# PostgreSQL CPU is the sum of each process's own difference (those started during the HTTP part, like the COPY path's
# JDBC connections opening with the first batch, from 0; a process that ended meanwhile is left out; before branch
# acct-ingest the script subtracted such a process's earlier ticks and read too low). Each HTTP round also records where that CPU went (untilAcknowledged,
# untilRolledUp: PostgreSQL CPU by application_name — the COPY ingest connections apart from the Vert.x pool that
# the roll-up uses — JVM CPU by thread group, committed transactions and rows inserted/deleted per table), and how
# many records the background roll-up took before the last acknowledgement (rolledUpDuringBurst); each COPY round
# the CPU of the COPY's own backend and the seconds of the \copy alone (copyBackendCpuSecondsAndInnerSeconds).
#
# Before the rounds, BENCH_INGEST_WARMUP records (50000; 0: none) go through the HTTP path unmeasured and are rolled up,
# so the rounds time compiled code (since 2026-12-07; earlier results include the JIT's first round).
#
# Environment: BENCH_RECORDS (200000), BENCH_BATCH_RECORDS (5000), BENCH_CONCURRENCY (2), BENCH_ROUNDS (2; 0: no ingest),
# BENCH_REPORT_SIZES ("1000000 10000000 100000000"; none: no report part), BENCH_REPORT_WARMUP (3), BENCH_REPORT_RUNS (10),
# BENCH_OURS_PORT (18480), BENCH_SKIP_BUILD=1 (reuse panosc.jar). Requires: curl, python3, psql (any version ≥ 12).
# Never part of the test command.
set -euo pipefail

BENCH_NAME=accounting-benchmark
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$ROOT"

PORT="${BENCH_OURS_PORT:-18480}"
RECORDS="${BENCH_RECORDS:-200000}"
BATCH="${BENCH_BATCH_RECORDS:-5000}"
CONC="${BENCH_CONCURRENCY:-2}"
ROUNDS="${BENCH_ROUNDS:-2}"
SIZES="${BENCH_REPORT_SIZES:-1000000 10000000 100000000}"
RWARM="${BENCH_REPORT_WARMUP:-3}"
RRUNS="${BENCH_REPORT_RUNS:-10}"
[[ "$ROUNDS" =~ ^[0-9]+$ ]] || die "BENCH_ROUNDS must be a number (0 skips the ingest part)"
for n in RECORDS BATCH CONC RWARM RRUNS; do
  [[ "${!n}" =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer, not '${!n}'"
done
[[ "$SIZES" == none ]] && SIZES=""
for s in $SIZES; do [[ "$s" =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPORT_SIZES must be positive integers, not '$s'"; done
((BATCH <= 10000)) || die "BENCH_BATCH_RECORDS must be at most 10000 (services.accounting.maxBatchRecords)"
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required"
command -v psql >/dev/null || die "psql is required (apt-get install postgresql-client)"
port_free "$PORT" || die "port $PORT is in use; set BENCH_OURS_PORT"

STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
RESULTS="$ROOT/benchmarks/results"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/accounting-benchmark.XXXXXX")"
mkdir -p "$RESULTS"
PANOSC_PID=""
cleanup() {
  local rc=$?
  stop_pid "$PANOSC_PID" "control plane"
  if [[ $rc -ne 0 ]]; then say "failed (exit $rc); logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }
now() { date +%s.%N; }

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -f control-plane/target/panosc.jar ]]; then
  say "building the control plane (./mvnw -pl control-plane -am package)"
  ./mvnw -B -q -DskipTests -pl control-plane -am package
fi

cat > "$WORK/panosc.yaml" <<EOF
logging:
  level: warn
services:
  aai:
    accessTokenLifetime: 60m
EOF
if [[ -n "${BENCH_ROLLUP_MAX_YIELD:-}" ]]; then  # how long the background roll-up yields to a burst of ingest
  printf '  accounting:\n    rollupMaxYield: %s\n' "$BENCH_ROLLUP_MAX_YIELD" >> "$WORK/panosc.yaml"
fi
say "starting the control plane on port $PORT ($(load))"
JFR_OPTS=""
if [[ -n "${BENCH_JFR:-}" ]]; then  # a JFR recording (profile settings) of the control plane's whole run
  JFR_OPTS=" -XX:StartFlightRecording=filename=$BENCH_JFR,settings=profile,dumponexit=true"
fi
PANOSC_JAVA_OPTS="-Djava.io.tmpdir=$WORK$JFR_OPTS" ./panosc up --demo --port "$PORT" --data-dir "$WORK/data" \
  --config "$WORK/panosc.yaml" > "$WORK/panosc.log" 2>&1 &
PANOSC_PID=$!
URL="http://127.0.0.1:$PORT"
wait_http "$URL/accounting/health/ready" 240 "$PANOSC_PID" "control plane" "$WORK/panosc.log"
PGPORT="$(cat "$WORK/data/postgres.port")"
export PGHOST=127.0.0.1 PGPORT PGUSER=postgres PGDATABASE=postgres
sql() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
sql -c "CREATE TABLE accounting.bench_copy (LIKE accounting.usage_record INCLUDING ALL)"
JVM_PID="$(java_pid "$PANOSC_PID")"
pg_pids() { postgres_pids "$WORK/data"; }  # this run's PostgreSQL: postmaster, backends, WAL writer, ...
TCK="$(getconf CLK_TCK)"
# Where the CPU of the HTTP part goes (CPU ticks stay valid under nice and load): snapshot WHERE writes the ticks of
# every PostgreSQL process (with its application_name or backend type) and of every JVM thread (by name), and the
# database's transaction and row counters; split_cpu BEFORE AFTER prints the differences by group as JSON.
snapshot() {  # snapshot FILE: /proc first (one python process, a few ms), then the database's view
  local f="$1"
  python3 - "$JVM_PID" $(pg_pids) > "$f" <<'PYEOF'
import os, sys
def ticks(path):
    with open(path) as fh:
        rest = fh.read().rsplit(")", 1)[1].split()   # after "pid (comm)": state is rest[0], utime rest[11]
    return int(rest[11]) + int(rest[12])
jvm, pgs = sys.argv[1], sys.argv[2:]
for p in pgs:
    try: print("pg", p, ticks("/proc/%s/stat" % p))
    except OSError: pass
for t in os.listdir("/proc/%s/task" % jvm):
    try:
        name = open("/proc/%s/task/%s/comm" % (jvm, t)).read().strip().replace(" ", "_")
        print("jvm", t, ticks("/proc/%s/task/%s/stat" % (jvm, t)), name)
    except OSError: pass
PYEOF
  sql -F ' ' -c "SELECT 'app', pid, coalesce(nullif(application_name, ''), backend_type) FROM pg_stat_activity" \
    -c "SELECT 'db', xact_commit, xact_rollback FROM pg_stat_database WHERE datname = current_database()" \
    -c "SELECT 'rows', relname, n_tup_ins, n_tup_del FROM pg_stat_user_tables WHERE schemaname = 'accounting' AND relname IN ('usage_record', 'rollup_pending', 'rollup', 'rollup_user')" >> "$f"
}
split_cpu() {  # split_cpu BEFORE AFTER
  python3 - "$1" "$2" "$TCK" <<'PYEOF'
import json, re, sys
def read(path):
    pg, jvm, app, db, rows = {}, {}, {}, None, {}
    for line in open(path):
        f = line.split()
        if not f: continue
        if f[0] == "pg": pg[f[1]] = int(f[2])
        elif f[0] == "jvm" and len(f) >= 4: jvm[f[1]] = (int(f[2]), f[3])
        elif f[0] == "app": app[f[1]] = "_".join(f[2:])
        elif f[0] == "db": db = (int(f[1]), int(f[2]))
        elif f[0] == "rows": rows[f[1]] = (int(f[2]), int(f[3]))
    return pg, jvm, app, db, rows
b, a, tck = read(sys.argv[1]), read(sys.argv[2]), int(sys.argv[3])
def group_thread(name):
    for prefix, g in (("vert.x-eventloo", "event loops"), ("vert.x-worker", "workers"), ("vert.x-internal", "workers"),
                      ("C1_CompilerThre", "JIT"), ("C2_CompilerThre", "JIT"), ("GC_Thread", "GC"), ("G1_", "GC"),
                      ("JFR", "JFR")):
        if name.startswith(prefix): return g
    return "other"
pg = {}
for pid, t in a[0].items():
    d = t - b[0].get(pid, 0)
    name = a[2].get(pid) or b[2].get(pid) or "postmaster/other"
    name = "COPY ingest connections" if name.endswith("-copy") else name
    pg[name] = pg.get(name, 0) + d
jvm = {}
for tid, (t, name) in a[1].items():
    d = t - b[1].get(tid, (0, name))[0]
    jvm[group_thread(name)] = jvm.get(group_thread(name), 0) + d
out = {"postgresCpuSecondsBy": {k: round(v / tck, 2) for k, v in sorted(pg.items(), key=lambda kv: -kv[1]) if v},
       "jvmCpuSecondsByThreads": {k: round(v / tck, 2) for k, v in sorted(jvm.items(), key=lambda kv: -kv[1]) if v}}
if a[3] and b[3]:
    out["transactions"] = {"committed": a[3][0] - b[3][0], "rolledBack": a[3][1] - b[3][1]}
out["rowsInsertedDeleted"] = {k: [a[4][k][0] - b[4].get(k, (0, 0))[0], a[4][k][1] - b[4].get(k, (0, 0))[1]] for k in a[4]}
print(json.dumps(out))
PYEOF
}

token() {  # token CLIENT SCOPE
  curl -sf -u "$1:$1-demo-secret" -d grant_type=client_credentials -d "scope=$2" "$URL/aai/token" | json '["access_token"]'
}
INGEST="$(token resource-broker accounting:ingest)" || die "no accounting:ingest token"
READ="$(token eosc-accounting accounting:read)" || die "no accounting:read token"

# 1. ingest ---------------------------------------------------------------------------------------------------
generate() {  # generate ROUND DIR [COUNT]: batch files DIR/batch-*.ndjson and DIR/rows.csv (the same rows, COPY's shape)
  python3 - "$1" "$2" "${3:-$RECORDS}" "$BATCH" <<'EOF'
import csv, json, os, sys
from datetime import datetime, timedelta, timezone
rnd_round, out, n, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
metrics = ["cpu_core_hours", "gpu_hours", "memory_gib_hours", "storage_gib_days", "data_staged_gib", "sessions"]
base = datetime(2026, 6, 1, tzinfo=timezone.utc)
received = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
def z(t): return t.strftime("%Y-%m-%dT%H:%M:%SZ")
rows = open(os.path.join(out, "rows.csv"), "w", newline="")
w = csv.writer(rows)
f = None
for i in range(n):
    if i % batch == 0:
        if f: f.close()
        f = open(os.path.join(out, "batch-%06d.ndjson" % (i // batch)), "w")
    h = (i * 2654435761 + int(rnd_round) * 97) % 4294967296
    p = h % 2000; fac = p % 6
    start = base + timedelta(minutes=(h // 2000) % (29 * 24 * 60))
    end = start + timedelta(minutes=60 + (i * 37) % 180)
    rec = {"source": "bench-r" + rnd_round, "recordId": "r%09d" % i, "facility": "f%d" % fac,
           "installation": "f%d-i%d" % (fac, i % 2), "cluster": "k%d" % fac, "session": "s%09d" % i,
           "user": "u%05d" % (p * 10 + i % 10), "proposal": "P%04d" % p, "community": "c%d" % (p % 20),
           "metric": metrics[i % 6], "start": z(start), "end": z(end), "value": "%d.%02d" % (1 + i % 50, i % 100)}
    line = json.dumps({k: v for k, v in rec.items() if k != "value"}, separators=(",", ":"))
    f.write(line[:-1] + ',"value":' + rec["value"] + "}\n")   # a JSON number with exactly two decimals
    w.writerow([rec["source"] + "-copy", rec["recordId"], rec["facility"], rec["installation"], rec["cluster"],
                rec["session"], rec["user"], rec["proposal"], rec["community"], rec["metric"], rec["start"],
                rec["end"], rec["value"], "f", "t", received])
f.close(); rows.close()
EOF
}

post_all() {  # post_all DIR: every batch once, CONC in parallel; fails unless each answer accepted the whole batch
  find "$1" -name 'batch-*.ndjson' | sort | xargs -P "$CONC" -I{} sh -c '
    n=$(wc -l < "$1")
    a=$(curl -sS -H "Authorization: Bearer $2" -H "Content-Type: application/x-ndjson" --data-binary "@$1" \
      "$3/accounting/v1/records") || { echo "ingest of $1 failed" >&2; exit 1; }
    case "$a" in *"\"accepted\":$n,"*) ;; *) echo "ingest of $1: $a (expected accepted $n)" >&2; exit 1 ;; esac
  ' _ {} "$INGEST" "$URL"
}

# warm-up (not measured): BENCH_INGEST_WARMUP records through the same path, so the rounds measure compiled code (the
# COPY peer runs no Java), then the background roll-up is let finish so it does not run into round 1
WARM="${BENCH_INGEST_WARMUP:-50000}"
[[ "$WARM" =~ ^[0-9]+$ ]] || die "BENCH_INGEST_WARMUP must be a number of records, not '$WARM'"
if ((ROUNDS > 0 && WARM > 0)); then
  d="$WORK/warm-up"; mkdir -p "$d"
  say "warm-up: $WARM records posted, then rolled up"
  generate 0 "$d" "$WARM"
  post_all "$d"
  while [[ "$(sql -c "SELECT EXISTS (SELECT 1 FROM accounting.rollup_pending)")" == t ]]; do sleep 0.2; done
  rm -rf "$d"
fi

declare -a HTTP_RATES=() COPY_RATES=() ROLLED_RATES=()
copy_cpu=""
ROUNDS_JSON="$WORK/rounds.jsonl"
: > "$ROUNDS_JSON"
for ((r = 1; r <= ROUNDS; r++)); do
  d="$WORK/round-$r"; mkdir -p "$d"
  say "round $r: generating $RECORDS records in batches of $BATCH"
  generate "$r" "$d"
  order=(http copy); ((r % 2 == 0)) && order=(copy http)
  for what in "${order[@]}"; do
    if [[ "$what" == http ]]; then
      snapshot "$d/cpu0"
      l="$(load)"; t0="$(now)"; post_all "$d"; t1="$(now)"
      snapshot "$d/cpu1"
      # acknowledged records the background roll-up already took during the burst (it should yield to ingest)
      unrolled="$(sql -c "SELECT coalesce(sum(records), 0) FROM accounting.rollup_pending")"
      split1="$(split_cpu "$d/cpu0" "$d/cpu1")"
      say "round $r http: until acknowledged: $split1; rolled up during the burst: $((RECORDS - unrolled)) of $RECORDS records"
      jvm_cpu="$(python3 -c "import json, sys; print(round(sum(json.loads(sys.argv[1])['jvmCpuSecondsByThreads'].values()), 2))" "$split1")"
      pg_cpu="$(python3 -c "import json, sys; print(round(sum(json.loads(sys.argv[1])['postgresCpuSecondsBy'].values()), 2))" "$split1")"
      say "round $r http: CPU seconds until acknowledged: JVM $jvm_cpu, PostgreSQL $pg_cpu (each process's and thread's own difference, read right at the last answer)"
      stored="$(sql -c "SELECT count(*) FROM accounting.usage_record WHERE source = 'bench-r$r'")"
      [[ "$stored" == "$RECORDS" ]] || die "round $r: $stored records stored, expected $RECORDS"
      rate="$(python3 -c "print(round($RECORDS / ($t1 - $t0), 1))")"; HTTP_RATES+=("$rate")
      say "round $r http: $RECORDS records acknowledged in $(python3 -c "print(round($t1 - $t0, 2))") s = $rate records/s ($l)"
      # the background roll-up catching up: until the journal is empty (polled every 50 ms)
      while [[ "$(sql -c "SELECT EXISTS (SELECT 1 FROM accounting.rollup_pending)")" == t ]]; do sleep 0.05; done
      t2="$(now)"
      snapshot "$d/cpu2"
      split2="$(split_cpu "$d/cpu0" "$d/cpu2")"
      say "round $r http: until rolled up: $split2"
      jvm_cpu2="$(python3 -c "import json, sys; print(round(sum(json.loads(sys.argv[1])['jvmCpuSecondsByThreads'].values()), 2))" "$split2")"
      pg_cpu2="$(python3 -c "import json, sys; print(round(sum(json.loads(sys.argv[1])['postgresCpuSecondsBy'].values()), 2))" "$split2")"
      month="$(sql -c "SELECT sum(value) FROM accounting.rollup WHERE granularity = 'month' AND bucket >= '2026-06-01' AND bucket < '2026-07-01' AND facility LIKE 'f_'")"
      want="$(sql -c "SELECT sum(value) FROM accounting.usage_record WHERE source LIKE 'bench-r%'")"
      [[ "$month" == "$want" || "$(python3 -c "from decimal import Decimal as D; print(D('$month') == D('$want'))")" == True ]] \
        || die "round $r: the June month rollups hold $month, the records $want"
      rolled="$(python3 -c "print(round($RECORDS / ($t2 - $t0), 1))")"; ROLLED_RATES+=("$rolled")
      say "round $r http: rolled up $(python3 -c "print(round($t2 - $t1, 2))") s after the last acknowledgement: $rolled records/s from the first post to rolled up; CPU seconds to then: JVM $jvm_cpu2, PostgreSQL $pg_cpu2"
    else
      sql -c "TRUNCATE accounting.bench_copy"
      l="$(load)"; t0="$(now)"
      # the COPY's own backend CPU: psql reads it from /proc before and after (its backend ends with it)
      sql <<COPYEOF
SELECT pg_backend_pid() AS bpid \\gset
\\setenv BENCH_BPID :bpid
\\! python3 -c "import os,time; r=open('/proc/'+os.environ['BENCH_BPID']+'/stat').read().rsplit(')',1)[1].split(); print(time.time(), int(r[11])+int(r[12]))" > '$d/copy0'
\\copy accounting.bench_copy FROM '$d/rows.csv' WITH (FORMAT csv)
\\! python3 -c "import os,time; r=open('/proc/'+os.environ['BENCH_BPID']+'/stat').read().rsplit(')',1)[1].split(); print(time.time(), int(r[11])+int(r[12]))" > '$d/copy1'
COPYEOF
      t1="$(now)"
      copy_cpu="$(python3 -c "a=open('$d/copy0').read().split(); b=open('$d/copy1').read().split(); print(round((int(b[1]) - int(a[1])) / $TCK, 2), round(float(b[0]) - float(a[0]), 3))")"
      say "round $r copy: its backend's CPU seconds, and the seconds of the \\copy alone: $copy_cpu"
      stored="$(sql -c "SELECT count(*) FROM accounting.bench_copy")"
      [[ "$stored" == "$RECORDS" ]] || die "round $r: COPY stored $stored rows, expected $RECORDS"
      rate="$(python3 -c "print(round($RECORDS / ($t1 - $t0), 1))")"; COPY_RATES+=("$rate")
      say "round $r copy: $RECORDS rows in $(python3 -c "print(round($t1 - $t0, 2))") s = $rate rows/s ($l)"
    fi
    cpu=", \"copyBackendCpuSecondsAndInnerSeconds\": \"$copy_cpu\""
    [[ "$what" == http ]] && cpu=", \"untilAcknowledged\": $split1, \"untilRolledUp\": $split2, \"rolledUpDuringBurst\": $((RECORDS - unrolled)), \"jvmCpuSeconds\": $jvm_cpu, \"postgresCpuSeconds\": $pg_cpu, \"rolledUpSeconds\": $(python3 -c "print(round($t2 - $t0, 3))"), \"rolledUpPerSecond\": $rolled, \"jvmCpuSecondsRolledUp\": $jvm_cpu2, \"postgresCpuSecondsRolledUp\": $pg_cpu2"
    echo "{\"round\": $r, \"what\": \"$what\"$cpu, \"records\": $RECORDS, \"seconds\": $(python3 -c "print(round($t1 - $t0, 3))"), \"perSecond\": $rate, \"load\": \"$l\"}" >> "$ROUNDS_JSON"
  done
  rm -rf "$d"
done
((ROUNDS > 0)) && python3 - "$ROUNDS_JSON" "$RECORDS" "$BATCH" "$CONC" "${BENCH_ROLLUP_MAX_YIELD:-}" > "$RESULTS/$STAMP-accounting-ingest.json" <<'EOF'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
http = [r["perSecond"] for r in runs if r["what"] == "http"]
rolled = [r["rolledUpPerSecond"] for r in runs if r["what"] == "http"]
copy = [r["perSecond"] for r in runs if r["what"] == "copy"]
print(json.dumps({"records": int(sys.argv[2]), "batchRecords": int(sys.argv[3]), "concurrency": int(sys.argv[4]),
                  "rollupMaxYield": sys.argv[5] or "10s (default)",
                  "runs": runs, "httpMedian": statistics.median(http), "copyMedian": statistics.median(copy),
                  "ratioHttpToCopy": round(statistics.median(http) / statistics.median(copy), 4),
                  "rolledUpMedian": statistics.median(rolled),
                  "ratioRolledUpToCopy": round(statistics.median(rolled) / statistics.median(copy), 4)}, indent=2))
EOF
((ROUNDS > 0)) && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("accounting-benchmark: ingest medians: HTTP acknowledged %s records/s, COPY %s rows/s, ratio %s; rolled up %s records/s (ratio %s)" % (d["httpMedian"], d["copyMedian"], d["ratioHttpToCopy"], d["rolledUpMedian"], d["ratioRolledUpToCopy"]))' "$RESULTS/$STAMP-accounting-ingest.json" >&2

# 2. report over generated rollups ------------------------------------------------------------------------------
REPORT_JSON="$WORK/report.jsonl"
: > "$REPORT_JSON"
for n in $SIZES; do
  say "generating the month rollups of $n records inside PostgreSQL ($(load))"
  t0="$(now)"
  sql <<EOF
SET work_mem = '256MB';
TRUNCATE accounting.rollup, accounting.rollup_user, accounting.rollup_group_user, accounting.rollup_group_users,
  accounting.user_first_seen, accounting.usage_session;
CREATE UNLOGGED TABLE accounting.bench_gen AS
  SELECT (i % 12)::int AS m, (h % 2000)::int AS p, ((h / 2000) % 6)::int AS metric, ((h / 12000) % 2)::int AS inst,
         ((h / 24000) % 10)::int AS slot, count(*) AS records, sum(i % 16) AS quarters
  FROM (SELECT i, abs(hashint8(i))::bigint AS h FROM generate_series(1::bigint, $n::bigint) AS i) AS g
  GROUP BY 1, 2, 3, 4, 5;
INSERT INTO accounting.rollup (granularity, bucket, facility, installation, proposal, community, metric, value,
    late_value, records, late_records)
  SELECT 'month', timestamptz '2025-07-01 00:00:00+00' + make_interval(months => m), 'f' || (p % 6),
         'f' || (p % 6) || '-i' || inst, 'P' || lpad(p::text, 4, '0'), 'c' || (p % 20),
         (ARRAY['cpu_core_hours','gpu_hours','memory_gib_hours','storage_gib_days','data_staged_gib','sessions'])[metric + 1],
         sum(records) + sum(quarters) * 0.25, 0, sum(records), 0
  FROM accounting.bench_gen GROUP BY m, p, metric, inst;
INSERT INTO accounting.rollup_user (granularity, bucket, facility, installation, proposal, community, metric, user_id, refs)
  SELECT 'month', timestamptz '2025-07-01 00:00:00+00' + make_interval(months => m), 'f' || (p % 6),
         'f' || (p % 6) || '-i' || inst, 'P' || lpad(p::text, 4, '0'), 'c' || (p % 20),
         (ARRAY['cpu_core_hours','gpu_hours','memory_gib_hours','storage_gib_days','data_staged_gib','sessions'])[metric + 1],
         'u' || lpad((p * 10 + slot)::text, 5, '0'), records
  FROM accounting.bench_gen;
-- each user's first start per dimension combination, as ingest keeps it (the month's start here)
INSERT INTO accounting.user_first_seen (facility, installation, proposal, community, user_id, first_at)
  SELECT 'f' || (p % 6), 'f' || (p % 6) || '-i' || inst, 'P' || lpad(p::text, 4, '0'), 'c' || (p % 20),
         'u' || lpad((p * 10 + slot)::text, 5, '0'), timestamptz '2025-07-01 00:00:00+00' + make_interval(months => min(m))
  FROM accounting.bench_gen GROUP BY p, inst, slot;
DROP TABLE accounting.bench_gen;
-- the month user sets per report grouping and their sizes, as the roll-up worker keeps them (V4)
INSERT INTO accounting.rollup_group_user (bucket, grouping, facility, community, metric, user_id, refs)
  SELECT bucket, (CASE WHEN GROUPING(facility) = 0 THEN 1 ELSE 0 END) + (CASE WHEN GROUPING(community) = 0 THEN 4 ELSE 0 END),
         coalesce(facility, ''), coalesce(community, ''), coalesce(metric, ''), user_id, sum(refs)
  FROM accounting.rollup_user WHERE granularity = 'month'
  GROUP BY bucket, user_id, CUBE (facility, community), GROUPING SETS ((metric), ());
INSERT INTO accounting.rollup_group_users (bucket, grouping, facility, community, metric, users)
  SELECT bucket, grouping, facility, community, metric, count(*) FROM accounting.rollup_group_user
  GROUP BY bucket, grouping, facility, community, metric;
VACUUM (ANALYZE) accounting.rollup;
VACUUM (ANALYZE) accounting.rollup_user;
VACUUM (ANALYZE) accounting.rollup_group_user;
VACUUM (ANALYZE) accounting.rollup_group_users;
EOF
  t1="$(now)"
  rows="$(sql -c "SELECT count(*) FROM accounting.rollup")"
  urows="$(sql -c "SELECT count(*) FROM accounting.rollup_user")"
  grows="$(sql -c "SELECT count(*) FROM accounting.rollup_group_user")"
  recs="$(sql -c "SELECT sum(records) FROM accounting.rollup")"
  [[ "$recs" == "$n" ]] || die "the generated rollups count $recs records, expected $n"
  expected="$(sql -c "SELECT sum(value) FROM accounting.rollup WHERE bucket = '2026-06-01T00:00:00Z' AND metric = 'cpu_core_hours'")"
  say "generated in $(python3 -c "print(round($t1 - $t0, 1))") s: $rows rollup rows, $urows rollup_user rows, $grows rollup_group_user rows"
  q="$URL/accounting/v1/reports?period=2026-06&groupBy=facility,community"
  READ="$(token eosc-accounting accounting:read)" || die "no accounting:read token"   # generating may outlast one
  times=()
  for ((k = 1; k <= RWARM + RRUNS; k++)); do
    t="$(curl -sf -o "$WORK/report.json" -w '%{time_total}' -H "Authorization: Bearer $READ" "$q")" \
      || die "report failed: $(cat "$WORK/report.json" 2>/dev/null)"
    python3 - "$WORK/report.json" "$expected" <<'EOF' || die "wrong report answer"
import json, sys
from decimal import Decimal
d = json.load(open(sys.argv[1]), parse_float=Decimal)
rows = d["rows"]
cpu = sum(Decimal(str(r["value"])) for r in rows if r["metric"] == "cpu_core_hours")
assert len(rows) == 360, len(rows)
assert cpu == Decimal(sys.argv[2]), (cpu, sys.argv[2])
EOF
    ((k > RWARM)) && times+=("$t")
  done
  l="$(load)"
  python3 - "$n" "$rows" "$urows" "$(python3 -c "print(round($t1 - $t0, 1))")" "$l" "$grows" "${times[@]}" >> "$REPORT_JSON" <<'EOF'
import json, statistics, sys
ms = [round(float(t) * 1000, 1) for t in sys.argv[7:]]
print(json.dumps({"records": int(sys.argv[1]), "rollupRows": int(sys.argv[2]), "rollupUserRows": int(sys.argv[3]),
                  "rollupGroupUserRows": int(sys.argv[6]),
                  "generateSeconds": float(sys.argv[4]), "load": sys.argv[5], "reportMs": ms,
                  "medianMs": statistics.median(ms)}))
EOF
  say "report over $n records: median $(tail -1 "$REPORT_JSON" | json '["medianMs"]') ms of $RRUNS ($l)"
done
[[ -n "$SIZES" ]] && python3 -c 'import json,sys; print(json.dumps({"query": "period=2026-06&groupBy=facility,community", "sizes": [json.loads(l) for l in open(sys.argv[1])]}, indent=2))' \
  "$REPORT_JSON" > "$RESULTS/$STAMP-accounting-report.json"
say "results in $RESULTS ($STAMP-accounting-*.json)"
