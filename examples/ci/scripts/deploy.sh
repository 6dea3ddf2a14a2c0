#!/usr/bin/env bash
# Main-branch job: `pulumi up --yes` with the policy pack, credentials from the environment.
#
# TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET) come from the
# CI secret store; the provider reads them, and they end up in no state file. The update previews
# first, so a mandatory policy violation stops it before any Twilio call.
# Extra arguments go to `pulumi up`.
set -euo pipefail
# shellcheck source=SCRIPTDIR/_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

note_credentials
set_policy_args
pulumi up "${pulumi_args[@]}" "${policy_args[@]}" --yes "$@"
