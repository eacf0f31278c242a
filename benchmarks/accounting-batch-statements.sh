#!/usr/bin/env bash
# metrics-accounting: PostgreSQL's own cost of one 5 000-record ingest batch, per way of writing it (issue 12, ingest
# against COPY; docs/benchmarks.md, accounting, branch acct-ingest second pass). A scratch cluster (fsync on) with the
# module's migrations; benchmark-shaped rows from server-side files (no client, no network); each batch one psql
# session, its backend's CPU ticks read from /proc around the transaction (10 ms resolution) and wall ms; variants
# interleaved into tables that grow alike:
#   copy         COPY into bench_copy (LIKE usage_record INCLUDING ALL): the benchmark's peer
#   new          COPY into usage_record + the journal row carrying the COPY text (the COPY path since V6)
#   old          COPY into a temp staging table + INSERT ... SELECT + the journal's array_aggs (before V6)
#   newcopyonly  the new COPY without the journal row
# Requires the PostgreSQL server binaries (PG_BIN, default /usr/lib/postgresql/15/bin), psql and python3; run as
# root (the cluster runs as user postgres) or as the postgres user. Never part of the test command.
#   benchmarks/accounting-batch-statements.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
B="${PG_BIN:-/usr/lib/postgresql/15/bin}"
D="${TMPDIR:-/tmp}/accounting-batch-statements"
PORT="${BENCH_PG_PORT:-55437}"
rm -rf "$D"; mkdir -p "$D"; chmod 755 "$D"; [[ "$(id -u)" == 0 ]] && chown postgres "$D"
as_pg() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
as_pg $B/initdb -D "$D/data" -U postgres -A trust >/dev/null
as_pg $B/pg_ctl -D "$D/data" -o "-p $PORT -k $D -c fsync=on -c listen_addresses=''" -l "$D/log" start >/dev/null
trap 'as_pg $B/pg_ctl -D "$D/data" stop -m fast >/dev/null' EXIT
export PGHOST=$D PGPORT=$PORT PGUSER=postgres PGDATABASE=postgres
S="$ROOT/metrics-accounting/src/main/resources/db/accounting"
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE SCHEMA accounting" -c "SET search_path = accounting" \
  -f <(cat "$S/V1__accounting.sql" "$S/V2__eosc_export.sql" "$S/V3__business_metrics_and_report_page.sql" \
       "$S/V4__rollup_journal.sql" "$S/V5__session_length_histograms.sql" "$S/V6__journal_payload.sql" \
       | sed '1i SET search_path = accounting;') >/dev/null
psql -X -q -c "CREATE TABLE accounting.bench_copy (LIKE accounting.usage_record INCLUDING ALL)"
# batches: the benchmark's record shape; text COPY format with received_at (new path) and without (staging)
python3 - "$D" <<'EOF'
import sys, os
from datetime import datetime, timedelta, timezone
d = sys.argv[1]
metrics = ["cpu_core_hours", "gpu_hours", "memory_gib_hours", "storage_gib_days", "data_staged_gib", "sessions"]
base = datetime(2026, 6, 1, tzinfo=timezone.utc)
def z(t): return t.strftime("%Y-%m-%dT%H:%M:%SZ")
for b in range(40):
    with open(os.path.join(d, "b%02d.txt" % b), "w") as f, open(os.path.join(d, "s%02d.txt" % b), "w") as s:
        for k in range(5000):
            i = b * 5000 + k
            h = (i * 2654435761 + 97) % 4294967296
            p = h % 2000; fac = p % 6
            start = base + timedelta(minutes=(h // 2000) % (29 * 24 * 60))
            end = start + timedelta(minutes=60 + (i * 37) % 180)
            cols = ["bench", "r%09d" % i, "f%d" % fac, "f%d-i%d" % (fac, i % 2), "k%d" % fac, "s%09d" % i,
                    "u%05d" % (p * 10 + i % 10), "P%04d" % p, "c%d" % (p % 20), metrics[i % 6], z(start), z(end),
                    "%d.%02d" % (1 + i % 50, i % 100), "f", "t"]
            s.write("\t".join(cols) + "\n")
            f.write("\t".join(cols) + "\t2026-12-07T18:30:00.123456789Z\n")
EOF
run() {  # run VARIANT BATCH: prints variant ticks ms
  local v="$1" b="$2" body pre=""
  case "$v" in
    copy) body="COPY accounting.bench_copy FROM '$D/b$b.txt';" ;;
    new) body="COPY accounting.usage_record FROM '$D/b$b.txt';
INSERT INTO accounting.rollup_pending (records, hours, first_start, last_end, payload) VALUES (5000, 20000, now(), now(), pg_read_file('$D/b$b.txt'));" ;;
    newcopyonly) body="COPY accounting.usage_record FROM '$D/b$b.txt';" ;;
    old) pre="CREATE TEMP TABLE IF NOT EXISTS ingest_staging (source text, record_id text, facility text, installation text, cluster text, session text, user_id text, proposal text, community text, metric text, start_at timestamptz, end_at timestamptz, value numeric, cumulative boolean, late boolean) ON COMMIT DELETE ROWS;"
      body="COPY ingest_staging FROM '$D/s$b.txt';
INSERT INTO accounting.usage_record SELECT *, now() FROM ingest_staging;
INSERT INTO accounting.rollup_pending (records, hours, first_start, last_end, sign, facility, installation, session, user_id, proposal, community, metric, start_at, end_at, value, late) SELECT count(*), sum(ceil(extract(epoch FROM end_at - start_at) / 3600)::bigint + 3), min(start_at), max(end_at), array_agg(1::int2), array_agg(facility), array_agg(installation), array_agg(session), array_agg(user_id), array_agg(proposal), array_agg(community), array_agg(metric), array_agg(start_at), array_agg(end_at), array_agg(value), array_agg(late) FROM ingest_staging HAVING count(*) > 0;" ;;
  esac
  psql -X -q -v ON_ERROR_STOP=1 -At <<SQL
SELECT pg_backend_pid() AS bpid \gset
\setenv BPID :bpid
$pre
\! python3 -c "import os,time; r=open('/proc/'+os.environ['BPID']+'/stat').read().rsplit(')',1)[1].split(); print(time.time(), int(r[11])+int(r[12]))" > $D/p0
BEGIN;
$body
COMMIT;
\! python3 -c "import os,time; r=open('/proc/'+os.environ['BPID']+'/stat').read().rsplit(')',1)[1].split(); print(time.time(), int(r[11])+int(r[12]))" > $D/p1
SQL
  python3 -c "a=open('$D/p0').read().split(); b=open('$D/p1').read().split(); print('$v', int(b[1])-int(a[1]), round((float(b[0])-float(a[0]))*1000))"
}
# the new path and the old one write usage_record with different keys: new uses even batches, old odd ones
for i in $(seq 0 9); do
  e=$(printf %02d $((2 * i))); o=$(printf %02d $((2 * i + 1)))
  run copy "$e"; run new "$e"; run old "$o"
done > "$D/results.txt"
for i in $(seq 10 13); do
  e=$(printf %02d $((2 * i))); run newcopyonly "$e"
done >> "$D/results.txt"
python3 - "$D/results.txt" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    v, t, ms = line.split(); rows.setdefault(v, []).append((int(t), int(ms)))
for v, xs in rows.items():
    ticks = [t for t, _ in xs]; ms = [m for _, m in xs]
    print("%-12s n=%d  CPU ms/batch: mean %.1f  median %.0f   wall ms: median %.0f min %d" % (
        v, len(xs), 10 * statistics.mean(ticks), 10 * statistics.median(ticks), statistics.median(ms), min(ms)))
EOF
