#!/usr/bin/env bash
# ensure-pulumi.sh [VENV_BIN_DIR]
#
# Makes the Pulumi CLI and the Python and YAML language hosts available in VENV_BIN_DIR
# (default: <repo>/.venv/bin) as six symlinks. A relative VENV_BIN_DIR (and a relative
# PULUMI_CLI_CACHE or PULUMI_CLI_GO path) is taken relative to the caller's cwd, whatever
# the script does afterwards:
#
#   pulumi                          the CLI/engine (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
#   pulumi-language-python          the Python language host (./cmd/pulumi-language-python)
#   pulumi-language-python-exec     the program runner script (from the sdk/v3 module)
#   pulumi-resource-pulumi-python   the dynamic-provider launcher (from the sdk/v3 module)
#   pulumi-language-yaml            the YAML language host (github.com/pulumi/pulumi-yaml, pinned
#                                   in ./yaml/go.mod, built with its own dependency versions)
#   pulumi-converter-yaml           the YAML converter of `pulumi convert` (same module)
#
# Order of preference:
#   1. a `pulumi` already on PATH (outside VENV_BIN_DIR) with version >= PULUMI_MIN_VERSION
#      whose Python language host, exec script, dynamic-provider launcher and YAML language
#      host are findable (the YAML converter is linked too when found: a normal Pulumi install
#      downloads it on first use);
#   2. a complete earlier build in the cache dir;
#   3. a fresh build from Go modules (only the Go module proxy is needed), done in a
#      temporary dir and renamed into the cache dir when complete, under a lock
#      (<cache parent>/.<cache name>.lock) so that concurrent callers build only once.
#
# Environment:
#   PULUMI_CLI_CACHE       cache dir (default ~/.cache/pulumi-twilio-trunking/pulumi-v<VERSION>)
#   PULUMI_MIN_VERSION     minimum version accepted from PATH (default 3.216.0)
#   PULUMI_CLI_IGNORE_PATH set to 1 to never use a pulumi found on PATH
#   PULUMI_CLI_GO          go command to use (default: go)
#   PULUMI_CLI_BUILD_JOBS  go build -p value (default 2)
#
# Progress goes to stderr ("ensure-pulumi: ..."); the last stdout line is the path of
# the `pulumi` to run (VENV_BIN_DIR/pulumi).
set -euo pipefail
# A relative `cd` would consult CDPATH (and print the dir it picked to stdout).
unset CDPATH

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

log() { printf 'ensure-pulumi: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# abs_path P: P made absolute against the caller's cwd, lexically (no symlink resolved,
# nothing created). Every path the caller hands in goes through it before anything
# else, because the build below runs in "$here".
abs_path() {
    case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "${PWD%/}" "$1" ;;
    esac
}
bin_dir="$(abs_path "${1:-$repo/.venv/bin}")"

version_file_value="$(tr -d '[:space:]' <"$here/VERSION")"
PULUMI_VERSION="${PULUMI_VERSION:-$version_file_value}"
PULUMI_VERSION="${PULUMI_VERSION#v}"
if [ "$PULUMI_VERSION" != "$version_file_value" ]; then
    die "PULUMI_VERSION=$PULUMI_VERSION differs from $here/VERSION ($version_file_value); to change the version edit VERSION and the requirements in go.mod (go get github.com/pulumi/pulumi/pkg/v3@vX github.com/pulumi/pulumi/sdk/v3@vX && go mod tidy)"
fi
grep -q "github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION\$" "$here/go.mod" ||
    die "go.mod does not require github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION (VERSION and go.mod disagree)"

PULUMI_MIN_VERSION="${PULUMI_MIN_VERSION:-3.216.0}"
cache="$(abs_path "${PULUMI_CLI_CACHE:-$HOME/.cache/pulumi-twilio-trunking/pulumi-v$PULUMI_VERSION}")"
GO="${PULUMI_CLI_GO:-go}"
case "$GO" in */*) GO="$(abs_path "$GO")" ;; esac # a path, not a command name
jobs="${PULUMI_CLI_BUILD_JOBS:-2}"

files=(pulumi pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python
    pulumi-language-yaml pulumi-converter-yaml)
yaml_module=github.com/pulumi/pulumi-yaml
yaml_version="$(awk -v m="$yaml_module" '$1 == "require" && $2 == m { print $3 }' "$here/yaml/go.mod")"
[ -n "$yaml_version" ] || die "$here/yaml/go.mod has no 'require $yaml_module vX' line"

# version_ge A B: true if version A >= version B (leading "v" and pre-release ignored).
version_ge() {
    local a="${1#v}" b="${2#v}"
    a="${a%%[-+]*}"
    b="${b%%[-+]*}"
    [ "$(printf '%s\n%s\n' "$b" "$a" | sort -V | head -n1)" = "$b" ]
}

abs_dir() { (mkdir -p "$1" && cd "$1" && pwd -P); }

# link_into_bin SRC...: symlink SRC number i as ${files[i]} into $bin_dir. A file given no
# (or an empty) SRC loses its link, so that none is left pointing at an older build.
link_into_bin() {
    mkdir -p "$bin_dir"
    local f src
    for f in "${files[@]}"; do
        src="${1:-}"
        [ $# -gt 0 ] && shift
        if [ -e "$bin_dir/$f" ] && [ ! -L "$bin_dir/$f" ]; then
            log "replacing non-symlink $bin_dir/$f"
        fi
        if [ -n "$src" ]; then
            ln -sfn "$src" "$bin_dir/$f"
        else
            rm -f "$bin_dir/$f"
        fi
    done
}

finish() {
    log "pulumi $("$bin_dir/pulumi" version 2>/dev/null) ready: $bin_dir/pulumi -> $(readlink -f "$bin_dir/pulumi")"
    printf '%s\n' "$bin_dir/pulumi"
    exit 0
}

# Already absolute; this only tidies "a/../b" (logically, as the caller's shell would).
bin_dir="$(mkdir -p "$bin_dir" && cd "$bin_dir" && pwd)"
bin_dir_abs="$(abs_dir "$bin_dir")"

# ---------------------------------------------------------------------------
# 1. A suitable pulumi on PATH (not the one we link into the target bin dir).
# ---------------------------------------------------------------------------
find_on_path() { # find_on_path NAME -> prints path, searching PATH minus $bin_dir
    local name="$1" d
    local IFS=:
    for d in $PATH; do
        [ -n "$d" ] || continue
        [ "$(cd "$d" 2>/dev/null && pwd -P)" = "$bin_dir_abs" ] && continue
        if [ -x "$d/$name" ] && [ ! -d "$d/$name" ]; then
            printf '%s\n' "$d/$name"
            return 0
        fi
    done
    return 1
}

if [ "${PULUMI_CLI_IGNORE_PATH:-0}" != 1 ] && existing="$(find_on_path pulumi)"; then
    existing_real="$(readlink -f "$existing")"
    # Our own cache build is handled below (it also checks the build stamp).
    if [ "$(dirname "$existing_real")" != "$(readlink -f "$cache" 2>/dev/null || true)" ]; then
        existing_version="$("$existing" version 2>/dev/null | tail -n1 || true)"
        if [ -n "$existing_version" ] && version_ge "$existing_version" "$PULUMI_MIN_VERSION"; then
            beside="$(dirname "$existing_real")"
            # find_beside NAME: NAME next to the resolved pulumi, else on PATH.
            find_beside() {
                if [ -x "$beside/$1" ]; then
                    printf '%s\n' "$beside/$1"
                else
                    find_on_path "$1" || true
                fi
            }
            lang="$(find_beside pulumi-language-python)" exec_script=""
            dyn="$(find_beside pulumi-resource-pulumi-python)"
            yaml="$(find_beside pulumi-language-yaml)"
            yaml_converter="$(find_beside pulumi-converter-yaml)"
            # The exec script must sit next to the (resolved) language host binary.
            if [ -n "$lang" ] && [ -f "$(dirname "$(readlink -f "$lang")")/pulumi-language-python-exec" ]; then
                exec_script="$(dirname "$(readlink -f "$lang")")/pulumi-language-python-exec"
            fi
            if [ -n "$lang" ] && [ -n "$exec_script" ] && [ -n "$dyn" ] && [ -n "$yaml" ]; then
                log "using pulumi $existing_version from PATH: $existing_real"
                link_into_bin "$existing_real" "$(readlink -f "$lang")" "$exec_script" "$(readlink -f "$dyn")" \
                    "$(readlink -f "$yaml")" "${yaml_converter:+$(readlink -f "$yaml_converter")}"
                finish
            fi
            log "pulumi $existing_version on PATH ($existing) lacks pulumi-language-python," \
                "pulumi-language-python-exec, pulumi-resource-pulumi-python or pulumi-language-yaml; not using it"
        elif [ -n "$existing_version" ]; then
            log "pulumi on PATH ($existing) is $existing_version < $PULUMI_MIN_VERSION; not using it"
        fi
    fi
fi

# ---------------------------------------------------------------------------
# 2. A complete build in the cache.
# ---------------------------------------------------------------------------
# The stamp ties a cache entry to the exact inputs of the build.
inputs_stamp() {
    (
        cd "$here"
        printf 'version=%s\n' "$PULUMI_VERSION"
        find go.mod go.sum cmd yaml -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) -print0 |
            LC_ALL=C sort -z | xargs -0 sha256sum
    ) | sha256sum | cut -d' ' -f1
}
stamp="$(inputs_stamp)"

cache_complete() { # cache_complete DIR
    local d="$1" f
    for f in "${files[@]}"; do
        [ -x "$d/$f" ] || return 1
    done
    [ "$(cat "$d/.stamp" 2>/dev/null)" = "$stamp" ] || return 1
    [ "$("$d/pulumi" version 2>/dev/null | tail -n1)" = "v$PULUMI_VERSION" ] || return 1
}

use_cache() {
    log "using cached build in $cache"
    link_into_bin "${files[@]/#/$cache/}"
    finish
}

if cache_complete "$cache"; then
    use_cache
fi

# ---------------------------------------------------------------------------
# 3. Build from Go modules into a temp dir, then rename into the cache.
# ---------------------------------------------------------------------------
command -v "$GO" >/dev/null 2>&1 || die "no Go toolchain ('$GO') on PATH; it is needed to build pulumi v$PULUMI_VERSION"
go_line="$(awk '$1 == "go" { print $2; exit }' "$here/go.mod")"
go_have="$("$GO" env GOVERSION)"
version_ge "${go_have#go}" "$go_line" ||
    die "$go_have is older than the 'go $go_line' line of $here/go.mod; install Go >= $go_line"

cache_parent="$(dirname "$cache")"
cache_name="$(basename "$cache")"
mkdir -p "$cache_parent"

# Builders of one cache dir are serialised by a lock next to it. With flock(1) it is
# fd 9 on the lock file: the kernel drops it when the holder dies however it dies (a
# `go build` child keeps it until it exits too, so no one cleans up under its feet).
# Without flock (macOS), a symlink whose target is the holder's pid, taken over once
# that pid is gone.
lock="$cache_parent/.$cache_name.lock"
lock_link=""
tmp=""
# shellcheck disable=SC2317,SC2329 # invoked by the EXIT trap
on_exit() {
    if [ -n "$tmp" ]; then rm -rf "$tmp"; fi
    if [ -n "$lock_link" ] && [ "$(readlink "$lock_link" 2>/dev/null)" = "$$" ]; then
        rm -f "$lock_link"
    fi
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

take_lock() {
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$lock"
        if ! flock -n 9; then
            log "another ensure-pulumi.sh is building into $cache; waiting for it"
            flock 9
        fi
        return 0
    fi
    local owner said=""
    until ln -s "$$" "$lock.owner" 2>/dev/null; do
        owner="$(readlink "$lock.owner" 2>/dev/null || true)"
        if [ -n "$owner" ] && ! ps -p "$owner" >/dev/null 2>&1; then
            log "taking over the lock $lock.owner of pid $owner, which is gone"
            rm -f "$lock.owner"
            continue
        fi
        [ -n "$said" ] || log "another ensure-pulumi.sh (pid ${owner:-?}) is building into $cache; waiting for it"
        said=1
        sleep 1
    done
    lock_link="$lock.owner"
}

take_lock
# Someone else may have finished the build while we waited.
if cache_complete "$cache"; then
    use_cache
fi
# We hold the lock, so no other build of this cache dir is running: a temp dir left
# here was left by a build killed before its EXIT trap ran. The cache dir itself only
# ever appears by rename, so it is never half-written.
# (.build-v<VERSION>.* and .old-v<VERSION>.* are the names older versions of this
# script used for the default cache dir, under the same lock file.)
stale_dirs=("$cache_parent/.$cache_name.build-"* "$cache_parent/.$cache_name.old-"*)
if [ "$cache_name" = "pulumi-v$PULUMI_VERSION" ]; then
    stale_dirs+=("$cache_parent/.build-v$PULUMI_VERSION".* "$cache_parent/.old-v$PULUMI_VERSION".*)
fi
for stale in "${stale_dirs[@]}"; do
    if [ -e "$stale" ]; then
        log "removing $stale, left by an interrupted build"
        rm -rf "$stale"
    fi
done

tmp="$(mktemp -d "$cache_parent/.$cache_name.build-XXXXXX")"

log "building pulumi v$PULUMI_VERSION with $go_have (about 6 min on 2 cores when the Go build cache is cold, seconds when warm)"
start=$(date +%s)
cd "$here"

# go.mod/go.sum are complete, so the default -mod=readonly is enough and never
# rewrites them; an inherited GOFLAGS=-mod=vendor would not work here.
export GOFLAGS="${GOFLAGS:-}"
GOFLAGS="$(printf '%s' "$GOFLAGS" | sed -E 's/(^| )-mod=[a-z]+//g')"
export CGO_ENABLED=0

log "downloading modules via $("$GO" env GOPROXY)"
# A blanket download runs in parallel: about 25 s and 1.5 GB into GOMODCACHE on
# an empty module cache (letting `go build` fetch lazily took twice as long).
"$GO" mod download >&2
sdk_dir="$("$GO" list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"
[ -d "$sdk_dir" ] || die "could not locate the github.com/pulumi/pulumi/sdk/v3 module"

build_flags=(-p "$jobs" -trimpath -buildvcs=false -tags "osusergo,grpcnotrace"
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION")
[ "${PULUMI_CLI_BUILD_VERBOSE:-0}" = 1 ] && build_flags+=(-v)
log "go build ${build_flags[*]} -o $tmp/ github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ./cmd/pulumi-language-python"
"$GO" build "${build_flags[@]}" -o "$tmp/" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    ./cmd/pulumi-language-python >&2

# The two Python scripts ship as plain (read-only, non-executable) files in the sdk/v3 module.
for pair in "python/cmd/pulumi-language-python-exec:pulumi-language-python-exec" \
    "python/dist/pulumi-resource-pulumi-python:pulumi-resource-pulumi-python"; do
    src="$sdk_dir/${pair%%:*}"
    [ -f "$src" ] || die "$src is missing from the sdk/v3 module"
    install -m 0755 "$src" "$tmp/${pair##*:}"
done

# The YAML host does not build against the engine version above, so it is built in
# ./yaml, a module of its own with pulumi-yaml's dependency versions, as its releases are.
log "building $yaml_module $yaml_version in ./yaml (about 2 min more with a cold Go build cache)"
(
    cd "$here/yaml"
    "$GO" mod download >&2
    "$GO" build -p "$jobs" -trimpath -buildvcs=false \
        -ldflags "-s -w -X $yaml_module/pkg/version.Version=$yaml_version" -o "$tmp/" \
        "$yaml_module/cmd/pulumi-language-yaml" "$yaml_module/cmd/pulumi-converter-yaml" >&2
)
printf '%s\n' "$stamp" >"$tmp/.stamp"
chmod 0755 "$tmp"

built_version="$("$tmp/pulumi" version | tail -n1)"
[ "$built_version" = "v$PULUMI_VERSION" ] || die "built pulumi reports '$built_version', expected v$PULUMI_VERSION"
cache_complete "$tmp" || die "build in $tmp is incomplete"

# Atomic switch: an interrupted build never leaves a half-filled cache dir (an
# incomplete one found there is moved aside first; at worst it is left under .old-).
if [ -e "$cache" ] || [ -L "$cache" ]; then
    old="$(mktemp -d "$cache_parent/.$cache_name.old-XXXXXX")"
    mv "$cache" "$old/"
    mv "$tmp" "$cache"
    rm -rf "$old"
else
    mv "$tmp" "$cache"
fi
tmp=""
log "built in $(($(date +%s) - start)) s into $cache"
use_cache
