#!/usr/bin/env bash
# Builds etcd, kube-apiserver and kubectl from Go modules into a per-version user cache,
# once; later calls find the binaries there and return at once (../cached-build.sh).
#   FLOTILLA_K8S_CACHE  cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/flotilla/k8s)
# Prints the directory holding the binaries on stdout; build progress goes to stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../cached-build.sh
. "$here/../cached-build.sh"
version=$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2 } $1 == "require" && $2 == "k8s.io/kubernetes" { print $3 }' "$here/go.mod" | head -1)
[ -n "$version" ] || { echo "build.sh: no k8s.io/kubernetes version in $here/go.mod" >&2; exit 1; }
minor=$(echo "$version" | cut -d. -f2)
# The wrapper module's go.mod and go.sum decide what is built, so they are part of the key.
key=$(cat "$here/go.mod" "$here/go.sum" | sha256sum | cut -c1-12)
root=${FLOTILLA_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flotilla/k8s}
out="$root/$version-$key"

# Fills directory $1 with the three binaries and a VERSION file.
build_kubernetes() {
  local dir=$1 ldflags="" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags="$ldflags -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags="$ldflags -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  cd "$here"
  export CGO_ENABLED=0 GOFLAGS=-mod=mod
  # Two packages at a time suits the 2-core machines; set FLOTILLA_K8S_BUILD_PARALLEL=1 if memory is short.
  local parallel=${FLOTILLA_K8S_BUILD_PARALLEL:-2}
  echo "building Kubernetes $version test binaries into $out (a cold build takes several minutes)" >&2
  go build -p "$parallel" -trimpath -ldflags "-s -w" -o "$dir/etcd" go.etcd.io/etcd/server/v3 >&2
  go build -p "$parallel" -trimpath -ldflags "-s -w $ldflags" -o "$dir/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver >&2
  go build -p "$parallel" -trimpath -ldflags "-s -w $ldflags" -o "$dir/kubectl" k8s.io/kubernetes/cmd/kubectl >&2
  echo "$version" > "$dir/VERSION"
}

cached_build "kube-apiserver, etcd and kubectl" "$out" build_kubernetes kube-apiserver etcd kubectl
echo "$out"
