#!/usr/bin/env bash
# Builds etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kubectl from Go modules into a
# per-version user cache, once; later calls find the binaries there and return at once (../cached-build.sh).
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

# Fills directory $1 with the five binaries and a VERSION file.
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
  echo "building Kubernetes $version test binaries into $out: etcd and kube-apiserver (every test cluster)," \
    "kube-controller-manager and kube-scheduler (clusters that run workloads), kubectl; a cold build takes several minutes" >&2
  # One invocation for all five: the packages they share are compiled once and the links overlap.
  # The -X flags name packages etcd does not link, which the linker ignores.
  go build -p "$parallel" -trimpath -ldflags "-s -w $ldflags" -o "$dir/" \
    go.etcd.io/etcd/server/v3 \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler \
    k8s.io/kubernetes/cmd/kubectl >&2
  # etcd's main package is its module root, go.etcd.io/etcd/server/v3, so go build names the binary "server".
  mv "$dir/server" "$dir/etcd"
  echo "$version" > "$dir/VERSION"
}

cached_build "etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kubectl" "$out" build_kubernetes \
  kube-apiserver etcd kube-controller-manager kube-scheduler kubectl
echo "$out"
