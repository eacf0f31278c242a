#!/bin/sh
# Builds the control plane's image from the Dockerfile at the repository root with the first container tool found
# (docker, podman, buildah). Without one it says so and exits 0: building the image is optional here.
#   helm/build-image.sh [IMAGE]      default ghcr.io/panosc-eu/panosc:<project version>
# PANOSC_SKIP_JAR_BUILD=1 uses control-plane/target/panosc.jar as it is.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | sed -n 1p)
image=${1:-ghcr.io/panosc-eu/panosc:$version}

# a tool counts only when it can build: docker needs its daemon, podman and buildah run daemonless
tool=""
for t in docker podman buildah; do
  command -v "$t" >/dev/null 2>&1 || continue
  case $t in
    docker) docker info >/dev/null 2>&1 || { echo "build-image: docker is installed but its daemon does not answer" >&2; continue; } ;;
    podman) podman info >/dev/null 2>&1 || continue ;;
  esac
  tool=$t
  break
done
if [ -z "$tool" ]; then
  echo "build-image: skipped: no usable container tool (docker with a daemon, podman or buildah) on this machine" >&2
  exit 0
fi

if [ "${PANOSC_SKIP_JAR_BUILD:-0}" != 1 ] || [ ! -f control-plane/target/panosc.jar ]; then
  ./mvnw -B -q -pl control-plane -am package -DskipTests
fi
case $tool in
  buildah) buildah bud -t "$image" . ;;
  *) "$tool" build -t "$image" . ;;
esac
echo "build-image: built $image with $tool"
