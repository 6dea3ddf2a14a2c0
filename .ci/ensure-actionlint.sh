#!/usr/bin/env bash
# ensure-actionlint.sh
#
# Makes actionlint (https://github.com/rhysd/actionlint) available and prints its path as the last
# line of stdout. It is built from Go modules (only the Go module proxy is needed; no release
# download) at a pinned version, with GOBIN pointed at a cache dir, and reused from there.
#
# Environment:
#   ACTIONLINT_VERSION  version to build (default below; must be served by the Go module proxy)
#   ACTIONLINT_CACHE    cache dir (default ~/.cache/pulumi-twilio-trunking/actionlint-v<VERSION>)
#   ACTIONLINT_GO       go command to use (default: go)
#
# Progress goes to stderr ("ensure-actionlint: ..."). Exit status 1 when no usable build exists
# and none can be made (e.g. no Go toolchain).
set -euo pipefail

ACTIONLINT_VERSION="${ACTIONLINT_VERSION:-1.7.12}"
ACTIONLINT_VERSION="${ACTIONLINT_VERSION#v}"
cache="${ACTIONLINT_CACHE:-$HOME/.cache/pulumi-twilio-trunking/actionlint-v$ACTIONLINT_VERSION}"
GO="${ACTIONLINT_GO:-go}"
# The build cds into a temp dir: make relative paths absolute first (GOBIN must be absolute).
case "$cache" in /*) ;; *) cache="$PWD/$cache" ;; esac
case "$GO" in */*) case "$GO" in /*) ;; *) GO="$PWD/$GO" ;; esac ;; esac
module="github.com/rhysd/actionlint/cmd/actionlint"

log() { printf 'ensure-actionlint: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# complete DIR: DIR holds an actionlint binary that reports the pinned version.
complete() {
    [ -x "$1/actionlint" ] || return 1
    [ "$("$1/actionlint" -version 2>/dev/null | head -n1)" = "v$ACTIONLINT_VERSION" ]
}

done_with() {
    printf '%s\n' "$cache/actionlint"
    exit 0
}

complete "$cache" && done_with

command -v "$GO" >/dev/null 2>&1 ||
    die "no Go toolchain ('$GO') on PATH; it is needed to build actionlint v$ACTIONLINT_VERSION"

cache_parent="$(dirname "$cache")"
mkdir -p "$cache_parent"
exec 9>"$cache_parent/.$(basename "$cache").lock"
if command -v flock >/dev/null 2>&1; then
    flock -n 9 || { log "another build of actionlint is running; waiting for it"; flock 9; }
    complete "$cache" && done_with
fi

tmp="$(mktemp -d "$cache_parent/.build-actionlint-v$ACTIONLINT_VERSION.XXXXXX")"
# shellcheck disable=SC2317,SC2329 # invoked by the EXIT trap
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building $module@v$ACTIONLINT_VERSION with $("$GO" env GOVERSION) (about a minute when the Go build cache is cold)"
start=$(date +%s)
# Outside any module, so a go.mod or GOFLAGS=-mod=... of the caller cannot interfere.
(
    cd "$tmp"
    export GOBIN="$tmp" GOFLAGS="" CGO_ENABLED=0 GO111MODULE=on
    "$GO" install -p 2 -trimpath -ldflags "-s -w" "$module@v$ACTIONLINT_VERSION"
)
complete "$tmp" || die "the build in $tmp does not report v$ACTIONLINT_VERSION: $("$tmp/actionlint" -version 2>&1 | head -n1)"

if [ -e "$cache" ]; then
    old="$(mktemp -d "$cache_parent/.old-actionlint.XXXXXX")"
    mv "$cache" "$old/"
    mv "$tmp" "$cache"
    rm -rf "$old"
else
    mv "$tmp" "$cache"
fi
chmod 0755 "$cache"
trap - EXIT
log "built in $(($(date +%s) - start)) s into $cache"
done_with
