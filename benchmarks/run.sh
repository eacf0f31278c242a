#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar (Maven profile `bench`) and runs JMH with the given arguments,
# writing JSON results to benchmarks/results/<UTC date-time>-<name>.json.
#
#   benchmarks/run.sh                          # every benchmark, annotation defaults
#   benchmarks/run.sh Es256 -wi 2 -i 3 -t 2    # regexp + any JMH option (java -jar benchmarks.jar -h)
#
# Environment:
#   JAVA_HOME         used when it is a JDK 21 or newer; else the newest JDK under /usr/lib/jvm
#   BENCH_NAME        <name> of the result file (default: the benchmark regexp, else "all")
#   BENCH_SKIP_BUILD  =1 reuses an existing benchmarks.jar
set -euo pipefail

MIN_JDK=21
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/benchmarks/target/benchmarks.jar"
RESULTS="$ROOT/benchmarks/results"

die() { echo "run.sh: $*" >&2; exit 1; }

# Prints the feature release of the JDK at $1 (e.g. 25), or nothing if $1 is not a JDK.
jdk_major() {
  [[ -x "$1/bin/java" && -x "$1/bin/javac" ]] || return 0
  local v
  v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')"
  v="${v#1.}"          # 1.8 -> 8
  [[ "$v" =~ ^[0-9]+$ ]] && echo "$v"
  return 0
}

pick_jdk() {
  if [[ -n "${JAVA_HOME:-}" ]]; then
    local m; m="$(jdk_major "$JAVA_HOME")"
    if [[ -n "$m" && "$m" -ge "$MIN_JDK" ]]; then echo "$JAVA_HOME"; return; fi
    echo "run.sh: JAVA_HOME=$JAVA_HOME is not a JDK $MIN_JDK+ (found '${m:-none}'); looking under /usr/lib/jvm" >&2
  fi
  local best="" best_m=0 d m
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    [[ -L "$d" ]] && continue    # skip aliases such as default-java
    m="$(jdk_major "$d")"
    if [[ -n "$m" && "$m" -gt "$best_m" ]]; then best="$d"; best_m="$m"; fi
  done
  [[ -n "$best" && "$best_m" -ge "$MIN_JDK" ]] \
    || die "no JDK $MIN_JDK or newer found (JAVA_HOME='${JAVA_HOME:-}', /usr/lib/jvm newest: '${best:-none}' ${best_m}). Install one and set JAVA_HOME."
  echo "$best"
}

JAVA_HOME="$(pick_jdk)"
export JAVA_HOME
JAVA_MAJOR="$(jdk_major "$JAVA_HOME")"
JAVA="$JAVA_HOME/bin/java"
# Maven itself (its bundled Guava) trips the same JDK 23+ sun.misc.Unsafe warning as the benchmarks below.
if [[ "$JAVA_MAJOR" -ge 23 ]]; then export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"; fi
echo "run.sh: JDK $JAVA_MAJOR at $JAVA_HOME" >&2

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -f "$JAR" ]]; then
  cd "$ROOT"
  if [[ -x ./mvnw ]]; then MVN=(./mvnw); else command -v mvn >/dev/null || die "neither ./mvnw nor mvn found"; MVN=(mvn); fi
  echo "run.sh: building $JAR with ${MVN[*]}" >&2
  "${MVN[@]}" -B -q -Pbench -pl benchmarks -am package -DskipTests
fi
[[ -f "$JAR" ]] || die "$JAR was not built"

# Look at the arguments: listing/help options write no results; a user's -rf/-rff/-foe win over ours.
listing=0 user_result=0 user_foe=0 user_jvmargs=0 regexp=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  a="${args[i]}"
  case "$a" in
    -h|-help|--help|-l|-lp|-lprof|-lrf) listing=1 ;;
    -rf|-rff) user_result=1; i=$((i + 1)) ;;
    -foe) user_foe=1; i=$((i + 1)) ;;
    -jvmArgs) user_jvmargs=1; i=$((i + 1)) ;;
    -*) i=$((i + 1)) ;;                    # every other JMH option takes one value
    *) [[ -z "$regexp" ]] && regexp="$a" ;;
  esac
done

jmh=()
jvm=()
if [[ "$JAVA_MAJOR" -ge 23 ]]; then
  # JDK 23+ (JEP 471/498) warns when sun.misc.Unsafe memory access is used (JMH, Netty, Guava do).
  # Forks inherit the host JVM's flags unless -jvmArgs replaces them; then append it explicitly.
  jvm+=(--sun-misc-unsafe-memory-access=allow)
  [[ "$user_jvmargs" == 1 ]] && jmh+=(-jvmArgsAppend --sun-misc-unsafe-memory-access=allow)
fi
if [[ "$listing" == 0 ]]; then
  [[ "$user_foe" == 0 ]] && jmh+=(-foe true)   # a failed assertion in a benchmark fails the run
  if [[ "$user_result" == 0 ]]; then
    name="${BENCH_NAME:-${regexp:-all}}"
    name="$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_' | cut -c1-60)"
    mkdir -p "$RESULTS"
    out="$RESULTS/$(date -u +%Y-%m-%dT%H%M%SZ)-$name.json"
    jmh+=(-rf json -rff "$out")
    echo "run.sh: results -> $out" >&2
  fi
fi

exec "$JAVA" "${jvm[@]}" -jar "$JAR" "${jmh[@]}" "$@"
