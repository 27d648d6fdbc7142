#!/usr/bin/env bash
# Builds helm from its Go module (helm.sh/helm/v3, through the Go module proxy) into a per-version user cache,
# once; later calls find the binary there and return at once (../cached-build.sh). No release download: nothing but
# the proxy is used.
#   FLOTILLA_HELM_CACHE  cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/flotilla/helm)
# Prints the path of the helm binary on stdout; build progress goes to stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../cached-build.sh
. "$here/../cached-build.sh"
version=v3.21.4
root=${FLOTILLA_HELM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flotilla/helm}
out="$root/$version"

cached_go_install helm "$version" "$out" helm.sh/helm/v3/cmd/helm helm "it renders the charts in deploy/ (a cold build takes a few minutes)" \
  "-X helm.sh/helm/v3/internal/version.version=$version -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
echo "$out/helm"
