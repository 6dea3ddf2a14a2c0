"""Program side: one warning when a Twilio credential sits in the stack's config in plain text.

A value set with ``pulumi config set twilio:authToken …`` (no ``--secret``) is stored in clear in
``Pulumi.<stack>.yaml`` and, since the engine records the config as the dynamic provider's inputs,
in the stack's state. The provider cannot tell (the engine hands it every value the same way), but
the program can: the language host tells it which config keys are secrets. Called from each
resource's constructor; warns once per program run (``program_run``), naming the key and the fix,
never the value.
"""

from __future__ import annotations

import pulumi
from pulumi.runtime.config import get_config, get_config_secret_keys_env, is_config_secret

from .program_run import current_run


def warn_if_credentials_not_secret() -> None:
    """Warn (once per program run) for each credential set in stack config without ``--secret``."""
    if not current_run().first_time("credentials-not-secret"):
        return
    from .config import API_SECRET, AUTH_TOKEN  # settings and their names; deferred, as in the providers

    for setting in (AUTH_TOKEN, API_SECRET):
        key = setting.config_key
        if get_config(key) in (None, "") or _is_secret(key):
            continue
        pulumi.log.warn(
            f"twilio-trunking: stack config {key} is not a secret, so it is stored in plain text in the "
            f"stack's config file and state; make it one: pulumi config set --secret {key} <value> "
            f"(or give it through {setting.env_var} instead)"
        )


def _is_secret(key: str) -> bool:
    # The language host passes the secret keys with the config; older hosts only set the variable.
    return is_config_secret(key) or key in get_config_secret_keys_env()
