#!/usr/bin/env bash
# Builds helm from its Go module (helm.sh/helm/v3, through the Go module proxy) into a per-version user cache,
# once; later calls find the binary there and return at once. No release download: nothing but the proxy is used.
#   FLOTILLA_HELM_CACHE  cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/flotilla/helm)
# Prints the path of the helm binary on stdout; build progress goes to stderr.
set -euo pipefail
version=v3.22.0
root=${FLOTILLA_HELM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flotilla/helm}
out="$root/$version"

if [ -x "$out/helm" ]; then
  echo "$out/helm"
  exit 0
fi

command -v go >/dev/null || { echo "build.sh: Go is needed to build helm (https://go.dev/dl)" >&2; exit 1; }
mkdir -p "$root"
# One build at a time per cache: parallel test workers wait for the first one's result.
exec 9>"$root/.lock"
flock 9
if [ -x "$out/helm" ]; then
  echo "$out/helm"
  exit 0
fi
tmp=$(mktemp -d "$root/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

start=$(date +%s)
echo "building helm $version into $out (a cold build takes a few minutes)" >&2
# Outside any module, so `go install pkg@version` builds exactly helm's own go.mod and go.sum.
cd "$tmp"
CGO_ENABLED=0 GOBIN="$tmp/bin" go install -trimpath \
  -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$version -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
  "helm.sh/helm/v3/cmd/helm@$version" >&2
mkdir -p "$tmp/out"
mv "$tmp/bin/helm" "$tmp/out/helm"
# Publish atomically so an interrupted build never leaves a half-filled cache entry.
rm -rf "$out"
mv "$tmp/out" "$out"
echo "built in $(( $(date +%s) - start ))s" >&2
echo "$out/helm"
