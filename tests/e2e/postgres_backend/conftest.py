"""The stack's state in a ``postgres://`` backend, as a team shares it: a private PostgreSQL server.

One server for the session (``tests/postgres.py``: Debian's binaries, a Unix socket in a temp dir,
password auth), one database per test. Projects made by ``make_pg_project`` reach it the way the CI
examples do: ``PULUMI_BACKEND_URL`` with no user or password in it, the role in ``PGUSER`` and
``PGPASSWORD``. Without the server binaries the tests skip locally and fail under ``CI=true``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.e2e.conftest import Project, ProjectFactory
from tests.missing_tool import missing_tool
from tests.postgres import SUPERUSER, PostgresNotFound, PostgresServer, find_postgres, run_postgres

# The table and index the Pulumi CLI (pkg/backend/diy/postgres, v3.274.1) creates on first use.
STATE_TABLE = "pulumi_state"
STATE_INDEX = "pulumi_state_key_prefix_idx"
LOCKED = "the stack is currently locked by 1 lock(s)"
_databases = itertools.count()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    try:
        binaries = find_postgres()
    except PostgresNotFound as exc:
        missing_tool(str(exc))
    with run_postgres(binaries) as server:
        yield server


@dataclass(frozen=True)
class StateDatabase:
    server: PostgresServer
    name: str

    def backend_env(self, user: str = SUPERUSER, password: str | None = None) -> dict[str, str]:
        """The variables a CI job sets for this backend, connecting as ``user``."""
        return {"PULUMI_BACKEND_URL": self.server.url(self.name), **self.server.env(user, password)}

    def state_keys(self, prefix: str = "") -> list[str]:
        """The keys of the state table (the backend's "files") under ``prefix``, sorted, without the
        URL path: the CLI prefixes every key with the URL's path, which here is the database name."""
        rows = self.server.psql(
            f"SELECT key FROM {STATE_TABLE} WHERE key LIKE '{self.name}/{prefix}%' ORDER BY key",
            database=self.name,
        )
        return [row[0].removeprefix(f"{self.name}/") for row in rows]

    def locks(self) -> list[str]:
        return self.state_keys(".pulumi/locks/")

    def add_reader(self, role: str, password: str) -> None:
        """A role that may read the state table (also once the CLI creates it) and nothing else."""
        for statement in (
            f"CREATE ROLE {role} LOGIN PASSWORD '{password}'",
            f'GRANT CONNECT ON DATABASE "{self.name}" TO {role}',
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {SUPERUSER} IN SCHEMA public"
            f" GRANT SELECT ON TABLES TO {role}",
        ):
            self.server.psql(statement, database=self.name)


@pytest.fixture
def state_database(postgres: PostgresServer, request: pytest.FixtureRequest) -> StateDatabase:
    name = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:40] + f"_{next(_databases)}"
    return StateDatabase(postgres, postgres.create_database(name))


@pytest.fixture
def make_pg_project(make_project: ProjectFactory, state_database: StateDatabase) -> ProjectFactory:
    """``make_project`` whose stacks live in this test's database (connecting as the superuser)."""

    def make(source: str, name: str = "e2e") -> Project:
        project = make_project(source, name)
        project.pulumi.extra_env.update(state_database.backend_env())
        return project

    return make
