#!/usr/bin/env bash
# Builds kustomize from its Go module (sigs.k8s.io/kustomize/kustomize/v5, through the Go module proxy) into a
# per-version user cache, once; later calls find the binary there and return at once (../cached-build.sh). No release
# download: nothing but the proxy is used. v5.8.2 is the newest release whose go.mod (api v0.21.2, go 1.26) builds
# with the Go here; v5.8.3 (api v0.21.3) asks for go 1.27.
#   FLOTILLA_KUSTOMIZE_CACHE  cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/flotilla/kustomize)
# Prints the path of the kustomize binary on stdout; build progress goes to stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../cached-build.sh
. "$here/../cached-build.sh"
version=v5.8.2
root=${FLOTILLA_KUSTOMIZE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flotilla/kustomize}
out="$root/$version"

cached_go_install kustomize "$version" "$out" sigs.k8s.io/kustomize/kustomize/v5 kustomize \
  "the hub renders Kustomize apps with it (a cold build takes a minute or two)" \
  "-X sigs.k8s.io/kustomize/api/provenance.version=kustomize/$version"
echo "$out/kustomize"
