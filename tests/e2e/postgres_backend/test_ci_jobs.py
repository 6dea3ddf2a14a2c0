"""The CI examples' jobs against a ``postgres://`` backend, set up as ``examples/ci/*postgres*`` say.

``PULUMI_BACKEND_URL`` holds no user or password; the deploy job connects as the role that writes the
state, the preview and drift jobs as a role with SELECT on the state table only (a preview, with or
without ``--refresh``, writes nothing to the backend, not even a lock). The stack is named
``organization/PROJECT/STACK``, the form a self-managed backend takes.
"""

from __future__ import annotations

import secrets

from tests.e2e.conftest import BINDINGS_PROGRAM, TOKEN, ProjectFactory, TwilioApi
from tests.e2e.postgres_backend.conftest import STATE_INDEX, STATE_TABLE, StateDatabase
from tests.e2e.test_ci_scripts import PROJECT, Jobs, run_ci_jobs, run_script

READER = "pulumi_reader"


def test_preview_deploy_and_drift_jobs_share_the_stack_through_postgres(
    make_pg_project: ProjectFactory, state_database: StateDatabase, twilio_api: TwilioApi
) -> None:
    project = make_pg_project(BINDINGS_PROGRAM, name=PROJECT)
    reader_password = secrets.token_urlsafe(12)
    state_database.add_reader(READER, reader_password)
    reader = state_database.backend_env(READER, reader_password)
    stack = f"organization/{PROJECT}/prod"

    logs = run_ci_jobs(project, twilio_api, Jobs(stack=stack, preview_env=reader, drift_env=reader))

    # What the CLI made of the database: its one table and index, the stack, no lock left behind.
    tables = state_database.server.psql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'", database=state_database.name
    )
    assert tables == [[STATE_TABLE]]
    indexes = state_database.server.psql(
        f"SELECT indexname FROM pg_indexes WHERE tablename = '{STATE_TABLE}' ORDER BY indexname",
        database=state_database.name,
    )
    assert [STATE_INDEX] in indexes
    assert f".pulumi/stacks/{PROJECT}/prod.json" in state_database.state_keys()
    all_keys = state_database.server.psql(f"SELECT key FROM {STATE_TABLE}", database=state_database.name)
    assert all(key.startswith(f"{state_database.name}/.pulumi/") for (key,) in all_keys)
    assert state_database.locks() == []
    # Neither password, nor the Twilio token, is in any job's log.
    for secret in (state_database.server.password, reader_password, TOKEN):
        assert secret not in logs

    # The reader role cannot deploy: writing the state needs the writer's role.
    refused = run_script(project, "deploy.sh", stack, {**reader, "TWILIO_AUTH_TOKEN": TOKEN})
    assert refused.returncode != 0
    assert "permission denied" in refused.stdout + refused.stderr, refused.stdout + refused.stderr
    assert reader_password not in refused.stdout + refused.stderr
