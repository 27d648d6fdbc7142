# The build runner shared by the k8s, kwok, helm and kustomize build scripts (sourced, not run): build some binaries from Go modules
# into a user cache once; later calls find them there and return at once.
#
#   cached_build NAME OUT BUILD FILE...
#
# NAME names the build in messages; OUT is the cache entry (a directory under the cache root); BUILD is a function
# that fills the directory given as its only argument, printing progress to stderr; FILE... are the executables OUT
# holds once built. Returns once every FILE is in OUT; prints nothing on stdout.
cached_build() {
  local name=$1 out=$2 build=$3
  shift 3
  local root tmp start
  root=$(dirname "$out")
  cached_build_has "$out" "$@" && return 0

  command -v go >/dev/null || { echo "build.sh: Go is needed to build $name (https://go.dev/dl)" >&2; return 1; }
  mkdir -p "$root"
  # One build at a time per cache: parallel test workers (or two clones) wait for the first one's result.
  exec 9>"$root/.lock"
  flock 9
  if cached_build_has "$out" "$@"; then
    exec 9>&-
    return 0
  fi
  tmp=$(mktemp -d "$root/.build-XXXXXX")
  # shellcheck disable=SC2064 # expand $tmp now: the trap outlives this function's locals.
  trap "rm -rf '$tmp'" EXIT

  start=$(date +%s)
  # In a subshell, so the build's cd and exports stay there.
  ( "$build" "$tmp" )
  cached_build_has "$tmp" "$@" || { echo "build.sh: building $name left no $* in $tmp" >&2; return 1; }
  # Publish atomically so an interrupted build never leaves a half-filled cache entry; readable as a plain mkdir.
  chmod 755 "$tmp"
  rm -rf "$out"
  mv "$tmp" "$out"
  trap - EXIT
  exec 9>&-
  echo "built $name in $(( $(date +%s) - start ))s" >&2
}

# Whether directory $1 holds every executable named after it.
cached_build_has() {
  local dir=$1 file
  shift
  for file in "$@"; do
    [ -x "$dir/$file" ] || return 1
  done
}

# A binary that `go install PACKAGE@VERSION` builds from its own module, cached in OUT:
#
#   cached_go_install NAME VERSION OUT PACKAGE BINARY WHY [LDFLAGS]
#
# Run outside any module, so `go install pkg@version` builds exactly the tool's own go.mod and go.sum. WHY is said
# before a cold build (what the binary is for and how long it takes); LDFLAGS are added to `-s -w`.
cached_go_install() {
  local name=$1 version=$2 out=$3 package=$4 binary=$5 why=$6 ldflags=${7:-}
  # Said by go_install_into, which runs inside cached_build, whose own locals (name, out) shadow these.
  local go_install_message="building $name $version into $out: $why"
  # shellcheck disable=SC2317 # called by cached_build
  go_install_into() {
    echo "$go_install_message" >&2
    cd "$1"
    CGO_ENABLED=0 GOBIN="$1" GOFLAGS=-buildvcs=false go install -p "${FLOTILLA_K8S_BUILD_PARALLEL:-2}" -trimpath \
      -ldflags "-s -w $ldflags" "$package@$version" >&2
  }
  cached_build "$name $version" "$out" go_install_into "$binary"
}
