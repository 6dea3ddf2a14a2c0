#!/usr/bin/env bash
# gen-sdks.sh [--refresh-schema] [ROOT]
#
# Writes the SDKs of the twilio-trunking provider plugin from sdk/schema.json, under ROOT
# (default: the repository; a test passes a temp dir and compares):
#
#   provider/<language.python.packageName as a path>   Python, by `pulumi package gen-sdk` through
#                                                      the project's Python language host; a
#                                                      subpackage, so that it ships in the package
#   sdk/nodejs                                         TypeScript, by ./sdkgen (pkg/v3/codegen/nodejs)
#   sdk/go                                             Go, by ./sdkgen (pkg/v3/codegen/go)
#
# Each target dir is replaced whole. --refresh-schema first rewrites sdk/schema.json from the
# plugin (`pulumi package get-schema <its path>`) when the virtualenv has the plugin
# (pulumi-resource-twilio-trunking); `make sdk` passes it.
#
# Environment: PULUMI (default <repo>/.venv/bin/pulumi, with the project's language host beside
# it: `make pulumi`), GO (default: go).
set -euo pipefail
unset CDPATH

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
log() { printf 'gen-sdks: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

refresh=0
if [ "${1:-}" = --refresh-schema ]; then
    refresh=1
    shift
fi
root="${1:-$repo}"
case "$root" in /*) ;; *) root="$PWD/$root" ;; esac
schema="$repo/sdk/schema.json"
pulumi="${PULUMI:-$repo/.venv/bin/pulumi}"
GO="${GO:-go}"
[ -x "$pulumi" ] || die "no pulumi at $pulumi: run \`make pulumi\` (or set PULUMI)"
command -v "$GO" >/dev/null 2>&1 || die "no Go toolchain ('$GO') on PATH; sdkgen is built with it"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The CLI alone: a private home, no update check, no download; the language host next to it.
run_pulumi() {
    PATH="$(dirname "$pulumi"):$PATH" PULUMI_HOME="$work/home" PULUMI_SKIP_UPDATE_CHECK=true \
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true "$pulumi" --non-interactive "$@"
}

plugin="$(dirname "$pulumi")/pulumi-resource-twilio-trunking"
if [ "$refresh" = 1 ]; then
    if [ -x "$plugin" ]; then
        log "sdk/schema.json <- pulumi package get-schema $plugin"
        run_pulumi package get-schema "$plugin" >"$work/schema.json"
        mv "$work/schema.json" "$schema"
    else
        log "no plugin at $plugin yet: generating from sdk/schema.json as it is"
    fi
fi

python_package="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["language"]["python"]["packageName"])' "$schema")"
case "$python_package" in
pulumi_twilio_trunking.*) ;;
*) die "language.python.packageName in $schema is '$python_package'; it must name a subpackage of pulumi_twilio_trunking (e.g. pulumi_twilio_trunking.plugin), so that the SDK ships in the package's distribution" ;;
esac

# replace DIR FROM: DIR becomes FROM (moved), whatever DIR held before.
replace() {
    rm -rf "$1"
    mkdir -p "$(dirname "$1")"
    mv "$2" "$1"
}

log "Python SDK ($python_package) <- pulumi package gen-sdk --language python"
run_pulumi package gen-sdk "$schema" --language python --out "$work/python" >&2
# gen-sdk writes a distribution around the package (setup.py, .gitignore): the package alone ships.
replace "$root/provider/${python_package//.//}" "$work/python/python/$python_package"

# Same build flags as the CLI's (ensure-pulumi.sh), so the Go build cache it filled is reused;
# `go run` caches the linked sdkgen too.
sdkgen() {
    (cd "$here" && CGO_ENABLED=0 "$GO" run -trimpath -tags osusergo,grpcnotrace ./sdkgen "$@")
}
for language in nodejs go; do
    log "sdk/$language <- sdkgen -language $language"
    sdkgen -schema "$schema" -language "$language" -out "$work/$language"
    replace "$root/sdk/$language" "$work/$language"
done
log "done: $root"
