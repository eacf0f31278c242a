#!/usr/bin/env bash
# PDP decision latency against AWS Cedar, same machine, same run. See docs/benchmarks.md
# ("Policy decision point against Cedar").
#
#   benchmarks/pdp-vs-cedar.sh                       # JMH DecisionBenchmark with its annotation defaults
#   benchmarks/pdp-vs-cedar.sh -wi 2 -i 3            # extra arguments go to JMH (benchmarks/run.sh)
#
# Steps: install benchmarks/cedar's pinned @cedar-policy/cedar-wasm (npm ci; skipped when node_modules
# already holds the locked version); build benchmarks.jar (-Pbench); print every decision of our engine
# over the Fixtures world (eu.panosc.benchmarks.pdp.DecisionMatrix) and have bench.mjs check that Cedar
# gives the same ones; run the Cedar benchmark (bench.mjs), then JMH DecisionBenchmark; join both into
# benchmarks/results/<UTC date-time>-pdp-vs-cedar.json (the two raw files beside it, -cedar.json and
# -jmh.json) and print the table with ours / Cedar per scenario. Not part of ./mvnw verify.
#
# Environment:
#   BENCH_SKIP_BUILD (0)   1 reuses benchmarks/target/benchmarks.jar
#   BENCH_CEDAR_WARMUP_S (6), BENCH_CEDAR_MEASURE_S (10), BENCH_CEDAR_BATCH_S (2), BENCH_CEDAR_VARIANTS
#                          passed to bench.mjs (see its header)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. "$ROOT/.mvn/select-jdk.sh"
panosc_select_jdk

say() { echo "pdp-vs-cedar: $*" >&2; }
die() { say "$*"; exit 1; }
load() { echo "loadavg $(cut -d' ' -f1-3 /proc/loadavg)"; }
busiest() { ps -eo pcpu=,etime=,args= --sort=-pcpu | head -6 | cut -c1-140 | sed 's/^ *//'; }

command -v node >/dev/null || die "node (20 or newer) is required"
command -v npm >/dev/null || die "npm is required"
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
[[ "$NODE_MAJOR" -ge 20 ]] || die "node $NODE_MAJOR is too old; 20 or newer is required"

CEDAR_DIR="$ROOT/benchmarks/cedar"
JAR="$ROOT/benchmarks/target/benchmarks.jar"
RESULTS="$ROOT/benchmarks/results"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/pdp-vs-cedar.XXXXXX")"
trap 'rc=$?; if [[ $rc -ne 0 ]]; then say "failed (exit $rc); files kept in $WORK"; else rm -rf "$WORK"; fi' EXIT
mkdir -p "$RESULTS"
JAVA="$JAVA_HOME/bin/java"
JAVA_FLAGS=()
[[ "$(panosc_jdk_major "$JAVA_HOME")" -ge 23 ]] && JAVA_FLAGS+=(--sun-misc-unsafe-memory-access=allow)
export MAVEN_OPTS="${MAVEN_OPTS:-} ${JAVA_FLAGS[*]:-}"

# ------------------------------------------------------------------------------------------ Cedar setup
locked="$(node -p 'require(process.argv[1]).packages["node_modules/@cedar-policy/cedar-wasm"].version' "$CEDAR_DIR/package-lock.json")"
installed="$(node -p 'try { require(process.argv[1]).version } catch (e) { "" }' \
  "$CEDAR_DIR/node_modules/@cedar-policy/cedar-wasm/package.json")"
if [[ "$installed" == "$locked" ]]; then
  say "@cedar-policy/cedar-wasm $installed already installed (package-lock.json: $locked); no npm ci"
else
  say "npm ci in benchmarks/cedar (installed: '${installed:-none}', locked: $locked)"
  (cd "$CEDAR_DIR" && npm ci --prefer-offline --no-audit --no-fund >&2)
fi

# ---------------------------------------------------------------------------------------------- build
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -f "$JAR" ]]; then
  say "building $JAR (./mvnw -Pbench -pl benchmarks -am package)"
  ./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests
fi

# ------------------------------------------------------------------------- same decisions, then Cedar
"$JAVA" "${JAVA_FLAGS[@]}" -cp "$JAR" eu.panosc.benchmarks.pdp.DecisionMatrix "$WORK/matrix.jsonl" >&2
LOAD_START="$(cat /proc/loadavg)"
busiest > "$WORK/ps-cedar.txt"
say "Cedar benchmark ($(load)); busiest processes:"; cat "$WORK/ps-cedar.txt" >&2
CEDAR_OUT="$RESULTS/$STAMP-pdp-vs-cedar-cedar.json"
node "$CEDAR_DIR/bench.mjs" --matrix "$WORK/matrix.jsonl" --out "$CEDAR_OUT"
LOAD_MID="$(cat /proc/loadavg)"

# ---------------------------------------------------------------------------------------------- ours
busiest > "$WORK/ps-ours.txt"
say "JMH DecisionBenchmark ($(load)); busiest processes:"; cat "$WORK/ps-ours.txt" >&2
JMH_OUT="$RESULTS/$STAMP-pdp-vs-cedar-jmh.json"
BENCH_SKIP_BUILD=1 "$ROOT/benchmarks/run.sh" DecisionBenchmark -rf json -rff "$JMH_OUT" "$@" >&2
LOAD_END="$(cat /proc/loadavg)"

# ---------------------------------------------------------------------------------------------- join
OUT="$RESULTS/$STAMP-pdp-vs-cedar.json"
node "$CEDAR_DIR/compare.mjs" --cedar "$CEDAR_OUT" --jmh "$JMH_OUT" --out "$OUT" \
  --env.started "$STAMP" \
  --env.machine "$(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
  --env.java "$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2}') ($JAVA_HOME)" \
  --env.node "$(node --version)" --env.jmhArgs "${*:-(annotation defaults)}" \
  --env.loadavgBeforeCedar "$LOAD_START" --env.loadavgBeforeJmh "$LOAD_MID" --env.loadavgAtEnd "$LOAD_END" \
  --env.busiestBeforeCedar "$(cat "$WORK/ps-cedar.txt")" --env.busiestBeforeJmh "$(cat "$WORK/ps-ours.txt")"
say "done: $OUT"
