#!/usr/bin/env bash
# Builds KWOK (sigs.k8s.io/kwok, cmd/kwok) from its Go module into a per-version user cache, once; later calls find
# the binary there and return at once (../cached-build.sh). KWOK plays the kubelet for the simulated Nodes of test
# clusters that run workloads. No release download: nothing but the Go module proxy is used.
#   FLOTILLA_KWOK_CACHE  cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/flotilla/kwok)
# Prints the path of the kwok binary on stdout; build progress goes to stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../cached-build.sh
. "$here/../cached-build.sh"
version=v0.8.0
root=${FLOTILLA_KWOK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flotilla/kwok}
out="$root/$version"

cached_go_install KWOK "$version" "$out" sigs.k8s.io/kwok/cmd/kwok kwok \
  "it plays the kubelet for the simulated nodes of clusters that run workloads"
echo "$out/kwok"
