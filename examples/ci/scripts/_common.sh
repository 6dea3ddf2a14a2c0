# shellcheck shell=bash
# Sourced by preview.sh, drift.sh and deploy.sh (not run on its own).
#
# Environment (set by the CI file):
#   STACK               the Pulumi stack (required): on Pulumi Cloud ORG/PROJECT/STACK, e.g.
#                       my-org/telephony/prod; on a self-managed backend (postgres://, file://, s3://, ...)
#                       the organization is always `organization`: organization/PROJECT/STACK or just STACK
#   PROJECT_DIR         directory of Pulumi.yaml (default: the current directory); the scripts run
#                       there, so relative paths below are relative to it
#   POLICY_PACK_DIR     policy pack to run (default: the dir `twilio-trunking policy-pack` prints)
#   POLICY_PACK_CONFIG  optional --policy-pack-config file (enforcement levels, allowed trunks, ...)
# plus what the Pulumi CLI itself reads: PULUMI_ACCESS_TOKEN (Pulumi Cloud), or PULUMI_BACKEND_URL
# and PULUMI_CONFIG_PASSPHRASE (self-managed backend; for postgres:// the database password in
# PGPASSWORD), and the TWILIO_* credentials where needed.

: "${STACK:?set STACK to the Pulumi stack to use, e.g. my-org/telephony/prod}"
command -v pulumi >/dev/null 2>&1 || { echo "the Pulumi CLI is not on PATH" >&2; exit 1; }
# `pulumi whoami -v` and other output print the backend URL as it is: a password in it ends up in logs.
case "${PULUMI_BACKEND_URL:-}" in
    *://*:*@*)
        echo "PULUMI_BACKEND_URL holds a password: remove it from the URL and give it through the" \
            "backend's own setting (PGPASSWORD for postgres://) from the CI secret store" >&2
        exit 1
        ;;
esac

cd "${PROJECT_DIR:-.}" || exit 1
# shellcheck disable=SC2034 # used by the scripts that source this file
pulumi_args=(--stack "$STACK" --non-interactive)

# set_policy_args: the --policy-pack flags, into the array policy_args.
set_policy_args() {
    local pack="${POLICY_PACK_DIR:-}"
    if [ -z "$pack" ]; then
        pack="$(twilio-trunking policy-pack)"
    fi
    [ -d "$pack" ] || { echo "policy pack dir '$pack' does not exist" >&2; return 1; }
    # shellcheck disable=SC2034 # used by the scripts that source this file
    policy_args=(--policy-pack "$pack")
    if [ -n "${POLICY_PACK_CONFIG:-}" ]; then
        policy_args+=(--policy-pack-config "$POLICY_PACK_CONFIG")
    fi
}

# note_credentials: say where the Twilio credentials come from (never their values).
note_credentials() {
    if [ -n "${TWILIO_AUTH_TOKEN:-}" ] || [ -n "${TWILIO_API_SECRET:-}" ]; then
        echo "Twilio credentials: from the environment (unless the stack config sets twilio:* keys)" >&2
    else
        echo "Twilio credentials: none in the environment; the stack config must hold them" >&2
    fi
}
