#!/usr/bin/env bash
# ensure-node-modules.sh
#
# Installs what the generated TypeScript SDK (sdk/nodejs) is type-checked against: typescript,
# @pulumi/pulumi and @types/node at the exact versions of package-lock.json beside this script,
# with `npm ci` from the npm registry, into a cache dir keyed by package.json + package-lock.json.
# Prints the path of that node_modules as the last stdout line.
#
# Environment:
#   SDK_CHECK_CACHE  cache dir (default ~/.cache/pulumi-twilio-trunking/sdk-check-node-<hash>)
#   SDK_CHECK_NPM    npm command to use (default: npm)
#
# The cache dir only ever appears by rename of a complete install, so an interrupted install never
# leaves a complete-looking one; concurrent callers are serialised by flock(1) where it exists.
# Progress goes to stderr ("ensure-node-modules: ...").
set -euo pipefail
unset CDPATH

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { printf 'ensure-node-modules: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

hash="$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -c1-16)"
cache="${SDK_CHECK_CACHE:-$HOME/.cache/pulumi-twilio-trunking/sdk-check-node-$hash}"
case "$cache" in /*) ;; *) cache="$PWD/$cache" ;; esac
NPM="${SDK_CHECK_NPM:-npm}"
case "$NPM" in */*) case "$NPM" in /*) ;; *) NPM="$PWD/$NPM" ;; esac ;; esac

# complete DIR: DIR holds an install of this very lock file.
complete() {
    [ -x "$1/node_modules/.bin/tsc" ] && [ -f "$1/node_modules/@pulumi/pulumi/package.json" ] &&
        [ "$(cat "$1/.stamp" 2>/dev/null)" = "$hash" ]
}
done_with() {
    printf '%s\n' "$cache/node_modules"
    exit 0
}

complete "$cache" && done_with

command -v "$NPM" >/dev/null 2>&1 ||
    die "no npm ('$NPM') on PATH; it is needed to install typescript and @pulumi/pulumi from the npm registry"

parent="$(dirname "$cache")"
name="$(basename "$cache")"
mkdir -p "$parent"
exec 9>"$parent/.$name.lock"
if command -v flock >/dev/null 2>&1; then
    flock -n 9 || { log "another install into $cache is running; waiting for it"; flock 9; }
    complete "$cache" && done_with
    # Under the lock no other install runs: a temp dir left here was left by a killed one.
    rm -rf "$parent/.$name.build-"*
fi

tmp="$(mktemp -d "$parent/.$name.build-XXXXXX")"
# shellcheck disable=SC2317,SC2329 # invoked by the EXIT trap
cleanup() { if [ -n "$tmp" ]; then rm -rf "$tmp"; fi; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "installing $here/package-lock.json into $cache with npm ci (about a minute with a cold npm cache)"
start=$(date +%s)
cp "$here/package.json" "$here/package-lock.json" "$tmp/"
# No install scripts: type checking needs none of them.
(cd "$tmp" && "$NPM" ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
printf '%s\n' "$hash" >"$tmp/.stamp"
complete "$tmp" || die "npm ci in $tmp installed no typescript or no @pulumi/pulumi"

if [ -e "$cache" ]; then
    old="$(mktemp -d "$parent/.$name.old-XXXXXX")"
    mv "$cache" "$old/"
    mv "$tmp" "$cache"
    rm -rf "$old"
else
    mv "$tmp" "$cache"
fi
tmp=""
log "installed in $(($(date +%s) - start)) s"
done_with
