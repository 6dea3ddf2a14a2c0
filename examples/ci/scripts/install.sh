#!/usr/bin/env bash
# Every job's install step: a virtualenv `venv` (in the current directory) holding the package, so
# that the program's Pulumi.yaml can name it: runtime.options.virtualenv: venv (../venv from a PROJECT_DIR).
#
# Environment (set by the CI file):
#   TWILIO_TRUNKING_PACKAGE     the requirement to install, e.g.
#                               pulumi-twilio-trunking[policy] @ git+https://github.com/YOUR-ORG/pulumi-twilio-trunking@v0.1.0
#   TWILIO_TRUNKING_REPO_TOKEN  optional: a read-only token for a private repository on https, from the
#                               CI secret store. git gets it through its environment (GIT_CONFIG_*): it
#                               is written to no file and is not part of the requirement pip prints.
#   TWILIO_TRUNKING_REPO_USER   the user name that goes with that token (default x-access-token, as
#                               GitHub wants; on GitLab: gitlab-ci-token with $CI_JOB_TOKEN, or oauth2
#                               with a project or group access token)
# From a private package index instead: set TWILIO_TRUNKING_PACKAGE to the name and version, and
# PIP_INDEX_URL to that index (one that also serves PyPI's packages; pip reads the variable, its
# credentials from the CI secret store), never PIP_EXTRA_INDEX_URL: the name is not on PyPI, and with
# an extra index pip would take it from PyPI should anyone ever publish it there.
set -euo pipefail
: "${TWILIO_TRUNKING_PACKAGE:?set TWILIO_TRUNKING_PACKAGE to the requirement to install (see this script)}"

if [ -n "${TWILIO_TRUNKING_REPO_TOKEN:-}" ]; then
    # https://HOST/ of the git+https URL: git then sends the token to that host only.
    url="${TWILIO_TRUNKING_PACKAGE#*git+}"
    case "$url" in
        https://*/*) host="${url#https://}"; host="${host%%/*}" ;;
        *) echo "TWILIO_TRUNKING_REPO_TOKEN is set but TWILIO_TRUNKING_PACKAGE has no git+https:// URL" >&2; exit 1 ;;
    esac
    export GIT_CONFIG_COUNT=1
    export GIT_CONFIG_KEY_0="url.https://${TWILIO_TRUNKING_REPO_USER:-x-access-token}:${TWILIO_TRUNKING_REPO_TOKEN}@${host}/.insteadOf"
    export GIT_CONFIG_VALUE_0="https://${host}/"
fi

python3 -m venv venv
venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
venv/bin/python -m pip install --disable-pip-version-check "$TWILIO_TRUNKING_PACKAGE"
