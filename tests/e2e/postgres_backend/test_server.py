"""The private PostgreSQL server the backend tests use (tests/postgres.py): found, started, stopped."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.postgres import INSTALL_HINT, PostgresNotFound, PostgresServer, find_postgres, run_postgres

ROOT = Path(__file__).resolve().parents[3]


def test_no_server_binaries_is_one_line_saying_how_to_install_them(tmp_path: Path) -> None:
    with pytest.raises(PostgresNotFound) as raised:
        find_postgres(path=str(tmp_path), debian_root=tmp_path)
    assert INSTALL_HINT in str(raised.value)
    assert "apt-get install postgresql" in str(raised.value)


def test_ci_installs_the_package_when_the_server_is_missing() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "apt-get install -y -qq --no-install-recommends postgresql" in ci
    assert ci.index("postgresql") < ci.index("make test")


def test_the_newest_debian_version_is_found_off_path(tmp_path: Path) -> None:
    for version in ("13", "15", "9.6"):
        bin_dir = tmp_path / version / "bin"
        bin_dir.mkdir(parents=True)
        for name in ("initdb", "pg_ctl", "psql"):
            (bin_dir / name).write_text("#!/bin/sh\n")
            (bin_dir / name).chmod(0o755)
    found = find_postgres(path=str(tmp_path / "nowhere"), debian_root=tmp_path)
    assert found.initdb == str(tmp_path / "15" / "bin" / "initdb")


def _running(pid: int) -> bool:
    """Alive and not a zombie (the server is daemonized: whoever adopts it reaps it, maybe later)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states in /proc")
def test_the_server_takes_only_its_password_and_is_gone_after_use(postgres: PostgresServer) -> None:
    """(Uses the session's server to check auth; starts a second one to see it stop.)"""
    assert postgres.psql("SELECT 1") == [["1"]]
    wrong = PostgresServer(postgres.binaries, postgres.socket_dir, "not-the-password")
    with pytest.raises(RuntimeError, match="password authentication failed"):
        wrong.psql("SELECT 1")
    assert "host=" in postgres.url("db") and postgres.password not in postgres.url("db")

    with run_postgres(postgres.binaries) as server:
        pid = int((server.socket_dir / "data" / "postmaster.pid").read_text().split()[0])
        assert _running(pid)
        assert server.socket_dir != postgres.socket_dir
    assert not _running(pid)
    assert not server.socket_dir.exists()
