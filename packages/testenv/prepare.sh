#!/usr/bin/env bash
# `pnpm testenv:prepare`: builds every binary the tests and the demo run, from Go modules, into the user cache
# (each once; later runs return at once). Kubernetes (etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
# kubectl: one `go build`) and KWOK build side by side, since their links overlap; then helm, kustomize and grpcurl.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/k8s/build.sh" >/dev/null &
k8s=$!
bash "$here/kwok/build.sh" >/dev/null &
kwok=$!
status=0
wait "$k8s" || status=$?
wait "$kwok" || status=$?
[ "$status" = 0 ] || exit "$status"
bash "$here/helm/build.sh" >/dev/null
bash "$here/kustomize/build.sh" >/dev/null
bash "$here/grpcurl/build.sh" >/dev/null
