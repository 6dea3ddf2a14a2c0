#!/usr/bin/env bash
# Scheduled job: fail when the stack has drifted from what Twilio holds.
#
# `pulumi preview --refresh` reads every binding from Twilio (credentials needed) and then previews
# the program against what it read; --expect-no-changes makes the command exit non-zero when that
# refresh or the preview would change anything: a number unbound or moved out of band, a binding
# that is no longer in the state, a program change not deployed yet. Nothing is written, neither
# to Twilio nor to the state. Extra arguments go to `pulumi preview`.
set -euo pipefail
# shellcheck source=SCRIPTDIR/_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

note_credentials
pulumi preview "${pulumi_args[@]}" --refresh --expect-no-changes "$@"
