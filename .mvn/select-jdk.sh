# Sourced by ./mvnw, ./panosc, .ci/run and benchmarks/run.sh: selects a JDK 21+ and exports JAVA_HOME.
# Uses JAVA_HOME when it points at JDK 21 or newer, else the newest JDK under /usr/lib/jvm.
# shellcheck shell=sh

panosc_jdk_major() {
  # prints the major version of the JDK at $1, or nothing
  if [ -r "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9]*\).*/\1/p' "$1/release" | head -n 1
  elif [ -x "$1/bin/java" ]; then
    "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
  fi
}

panosc_select_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(panosc_jdk_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      return 0
    fi
  fi
  best=""
  best_major=0
  for dir in /usr/lib/jvm/*; do
    [ -x "$dir/bin/javac" ] || continue
    [ -L "$dir" ] && continue
    major=$(panosc_jdk_major "$dir")
    if [ -n "$major" ] && [ "$major" -gt "$best_major" ]; then
      best="$dir"
      best_major="$major"
    fi
  done
  if [ "$best_major" -ge 21 ]; then
    JAVA_HOME="$best"
    export JAVA_HOME
    return 0
  fi
  echo "panosc: no JDK 21 or newer found. Set JAVA_HOME to one, or install one under /usr/lib/jvm" \
    "(JAVA_HOME=${JAVA_HOME:-unset}; newest under /usr/lib/jvm: ${best:-none})." >&2
  return 1
}

panosc_select_jdk || { return 1 2>/dev/null || exit 1; }
if [ "$(panosc_jdk_major "$JAVA_HOME")" -ge 23 ]; then
  # JDK 23+ warns about sun.misc.Unsafe used by Maven's own Guava; this flag does not exist before 23
  case " ${MAVEN_OPTS:-} " in
    *sun-misc-unsafe-memory-access*) ;;
    *) MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"; export MAVEN_OPTS ;;
  esac
fi
