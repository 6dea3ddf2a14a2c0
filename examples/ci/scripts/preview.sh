#!/usr/bin/env bash
# Pull/merge request job: `pulumi preview` with the policy pack, and no Twilio credentials.
#
# A preview (check and diff) makes no Twilio API call, so the job needs none; a mandatory policy
# violation fails it. The CI file is what keeps the secrets from the job; unsetting them here only
# makes sure that nothing in the preview starts depending on them. It still needs the Pulumi backend
# (PULUMI_ACCESS_TOKEN, or PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE) to read the stack.
# Extra arguments go to `pulumi preview`.
set -euo pipefail
# shellcheck source=SCRIPTDIR/_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

unset TWILIO_ACCOUNT_SID TWILIO_AUTH_TOKEN TWILIO_API_KEY TWILIO_API_SECRET
set_policy_args
pulumi preview "${pulumi_args[@]}" "${policy_args[@]}" "$@"
