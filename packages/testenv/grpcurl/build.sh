#!/usr/bin/env bash
# Builds grpcurl from its Go module (github.com/fullstorydev/grpcurl, through the Go module proxy) into a per-version
# user cache, once; later calls find the binary there and return at once (../cached-build.sh). No release download:
# nothing but the proxy is used. grpcurl is a strict, descriptor-based gRPC client: the hub's reflection tests use it,
# since a lenient client (protobufjs) hides descriptors served without their dependencies.
#   FLOTILLA_GRPCURL_CACHE  cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/flotilla/grpcurl)
# Prints the path of the grpcurl binary on stdout; build progress goes to stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../cached-build.sh
. "$here/../cached-build.sh"
version=v1.9.4
root=${FLOTILLA_GRPCURL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flotilla/grpcurl}
out="$root/$version"

cached_go_install grpcurl "$version" "$out" github.com/fullstorydev/grpcurl/cmd/grpcurl grpcurl \
  "the hub's reflection tests call it (a cold build takes about a minute)" "-X main.version=$version"
echo "$out/grpcurl"
