"""A private PostgreSQL server for tests: Debian's ``postgresql`` binaries, a Unix socket, a temp dir.

``run_postgres()`` runs ``initdb`` (password auth, scram-sha-256, no TCP listener) and starts the server
on a Unix socket in a fresh directory under ``/tmp`` (a socket path must stay under ~100 bytes), and
stops it and removes the directory on exit. PostgreSQL refuses to run as root, so under root the
server runs as the ``postgres`` user the Debian package creates.

The server's password is only ever handed to clients through ``PGPASSWORD`` (``env()``): the URL
(``url()``) carries none, as the README advises for the Pulumi state backend.

The binaries come from ``PATH`` or ``/usr/lib/postgresql/<version>/bin``; without them
``find_postgres()`` raises :class:`PostgresNotFound`, whose message says how to install them
(``.ci/run`` does).
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

SUPERUSER = "pulumi_state"
INSTALL_HINT = "install Debian's postgresql package (`apt-get install postgresql`, as .ci/run does)"


class PostgresNotFound(RuntimeError):
    """No PostgreSQL server binaries (initdb, pg_ctl, psql) on this machine."""


@dataclass(frozen=True)
class PostgresBinaries:
    initdb: str
    pg_ctl: str
    psql: str


def find_postgres(
    path: str | None = None, debian_root: Path = Path("/usr/lib/postgresql")
) -> PostgresBinaries:
    """The server binaries: on ``path`` (default: ``PATH``), else in the newest Debian
    ``<debian_root>/<version>/bin``."""
    candidates = [path] + [
        str(bin_dir)
        for bin_dir in sorted(
            debian_root.glob("*/bin"), key=lambda p: _version_key(p.parent.name), reverse=True
        )
    ]
    for bin_dir in candidates:
        found = {name: shutil.which(name, path=bin_dir) for name in ("initdb", "pg_ctl", "psql")}
        if all(found.values()):
            return PostgresBinaries(**{name: str(path) for name, path in found.items()})
    raise PostgresNotFound(
        f"no PostgreSQL server (initdb, pg_ctl, psql) on PATH or in /usr/lib/postgresql: {INSTALL_HINT}"
    )


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


@dataclass(frozen=True)
class PostgresServer:
    """A running server; connect as ``SUPERUSER`` through the socket in ``socket_dir``."""

    binaries: PostgresBinaries
    socket_dir: Path
    password: str

    def url(self, database: str, *, table: str | None = None) -> str:
        """A ``postgres://`` backend URL for ``database``, with no user or password (``env()`` has them).

        lib/pq (the Pulumi CLI's driver) takes a Unix-socket directory as the ``host`` query parameter.
        """
        query = f"host={quote(str(self.socket_dir), safe='/')}"
        if table is not None:
            query += f"&table={table}"
        return f"postgres:///{database}?{query}"

    def env(self, user: str = SUPERUSER, password: str | None = None) -> dict[str, str]:
        """The role to connect as, as libpq and lib/pq read it (default: the superuser)."""
        return {"PGUSER": user, "PGPASSWORD": self.password if password is None else password}

    def psql(self, sql: str, *, database: str = "postgres") -> list[list[str]]:
        """Run one statement with psql; its rows (fields split on ``|``)."""
        result = subprocess.run(
            [self.binaries.psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
             "-h", str(self.socket_dir), "-d", database, "-c", sql],
            env={**os.environ, **self.env()},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"psql failed ({sql}): {result.stderr.strip()}")
        return [line.split("|") for line in result.stdout.splitlines() if line]

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"')
        return name


@contextmanager
def run_postgres(
    binaries: PostgresBinaries | None = None, *, startup_timeout: float = 60
) -> Iterator[PostgresServer]:
    """Start a private server (see the module docstring); stop it and remove its files on exit."""
    binaries = binaries or find_postgres()
    owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="pg-", dir="/tmp"))
    data, log = base / "data", base / "server.log"
    password = secrets.token_urlsafe(18)
    pwfile = base / "pwfile"
    pwfile.write_text(password + "\n")
    if owner is not None:
        for path in (base, pwfile):
            os.chown(path, owner.pw_uid, owner.pw_gid)

    def run(*args: str) -> None:
        result = subprocess.run(
            list(args),
            cwd=base,
            capture_output=True,
            text=True,
            timeout=startup_timeout,
            check=False,
            # As the postgres user when we are root (the server refuses root), else as ourselves.
            user=owner.pw_uid if owner else None,
            group=owner.pw_gid if owner else None,
            extra_groups=[] if owner else None,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed: {result.stdout[-2000:]}{result.stderr[-2000:]}")

    started = False
    try:
        run(binaries.initdb, "-D", str(data), "-U", SUPERUSER, f"--pwfile={pwfile}", "-E", "UTF8",
            "--auth-local=scram-sha-256", "--auth-host=reject", "--no-instructions")  # fmt: skip
        pwfile.unlink()
        # No TCP listener; fsync off: a test server's data need not survive a crash of the machine.
        options = f"-k {base} -c listen_addresses='' -c fsync=off -c max_connections=50"
        run(binaries.pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
        started = True
        yield PostgresServer(binaries, base, password)
    finally:
        if started:
            run(binaries.pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)
