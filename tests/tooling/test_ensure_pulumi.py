"""tools/pulumi-cli/ensure-pulumi.sh, driven the way the Makefile drives it.

`make pulumi` runs `bash tools/pulumi-cli/ensure-pulumi.sh .venv/bin` from the repo root, so
every test here runs the real script text from a copy of tools/pulumi-cli/ inside a temp
repo, with that cwd and a *relative* bin dir. The Go toolchain is a stand-in (PULUMI_CLI_GO):
a shell script that logs each call, answers the `go env` / `go mod download` / `go list -m`
calls the script makes, and for `go build -o DIR/` writes shell-script `pulumi` and
`pulumi-language-python` into DIR (in tools/pulumi-cli/yaml: `pulumi-language-yaml` and
`pulumi-converter-yaml`). So a cold "build" takes milliseconds, and a build can be made slow,
failing or hanging at will.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TOOL_DIR = REPO / "tools" / "pulumi-cli"
VERSION = (TOOL_DIR / "VERSION").read_text().strip()
FILES = (
    "pulumi",
    "pulumi-language-python",
    "pulumi-language-python-exec",
    "pulumi-resource-pulumi-python",
    "pulumi-language-yaml",
    "pulumi-converter-yaml",
)
YAML_VERSION = next(
    line.split()[2]
    for line in (TOOL_DIR / "yaml" / "go.mod").read_text().splitlines()
    if line.startswith("require github.com/pulumi/pulumi-yaml ")
)

# The stand-in `go`. FAKE_GO_BUILD: "ok" (default), "fail" (exit 1 after writing only `pulumi`),
# "hang" (write `pulumi`, touch $FAKE_GO_STARTED, sleep) or "gate" (write `pulumi`, touch
# $FAKE_GO_STARTED, wait for $FAKE_GO_RELEASE to exist, then finish). FAKE_GO_YAML_BUILD=fail
# fails the build of the YAML host.
FAKE_GO = r"""#!/usr/bin/env bash
set -euo pipefail
printf '%s\n' "$* [cwd=$PWD]" >>"$FAKE_GO_LOG"
case "$1" in
env)
    case "$2" in
    GOVERSION) echo go1.99.0 ;;
    GOPROXY) echo https://proxy.invalid ;;
    *) echo "fake go: unexpected env $2" >&2; exit 2 ;;
    esac ;;
mod) [ "$2" = download ] || { echo "fake go: unexpected mod $2" >&2; exit 2; } ;;
list) [ "$*" = "list -m -f {{.Dir}} github.com/pulumi/pulumi/sdk/v3" ] || exit 2; echo "$FAKE_SDK_DIR" ;;
build)
    out="" version=""
    while [ $# -gt 0 ]; do
        case "$1" in
        -o) out="$2"; shift ;;
        *version.Version=*) version="${1##*version.Version=}" ;;
        esac
        shift
    done
    case "$out" in /*/) ;; *) echo "fake go: -o $out is not an absolute dir/" >&2; exit 2 ;; esac
    mkdir -p "$out"
    if [ "$(basename "$PWD")" = yaml ] && grep -q '^require github.com/pulumi/pulumi-yaml ' go.mod; then
        [ "${FAKE_GO_YAML_BUILD:-ok}" = ok ] || { echo "fake go: yaml build failed" >&2; exit 1; }
        for f in pulumi-language-yaml pulumi-converter-yaml; do
            printf '#!/bin/sh\necho fake %s %s\n' "$f" "$version" >"$out/$f"
            chmod +x "$out/$f"
        done
        exit 0
    fi
    [ -f go.mod ] && [ -d cmd/pulumi-language-python ] ||
        { echo "fake go: not in tools/pulumi-cli" >&2; exit 2; }
    printf '#!/bin/sh\n[ "$1" = version ] && { echo %s; exit 0; }\necho "fake pulumi $*"\n' \
        "$version" >"$out/pulumi"
    chmod +x "$out/pulumi"
    case "${FAKE_GO_BUILD:-ok}" in
    fail) echo "fake go: build failed" >&2; exit 1 ;;
    hang) : >"$FAKE_GO_STARTED"; sleep 60 ;;
    gate)
        : >"$FAKE_GO_STARTED"
        for _ in $(seq 600); do [ -e "$FAKE_GO_RELEASE" ] && break; sleep 0.1; done ;;
    esac
    printf '#!/bin/sh\necho fake language host\n' >"$out/pulumi-language-python"
    chmod +x "$out/pulumi-language-python" ;;
*) echo "fake go: unexpected command $1" >&2; exit 2 ;;
esac
"""


def write_exe(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


@dataclass
class Layout:
    root: Path  # the temp dir
    repo: Path  # temp repo root: the cwd of every run, as with `make`
    cache: Path  # PULUMI_CLI_CACHE
    go_log: Path
    env: dict[str, str] = field(default_factory=dict)
    procs: list[subprocess.Popen[str]] = field(default_factory=list)

    @property
    def bin_dir(self) -> Path:
        return self.repo / ".venv" / "bin"

    def go_calls(self, verb: str = "") -> list[str]:
        if not self.go_log.exists():
            return []
        return [c for c in self.go_log.read_text().splitlines() if c.startswith(verb)]

    def builds(self) -> int:
        """How many builds of the CLI ran (each also builds the YAML host, in its own module)."""
        tools = self.repo / "tools" / "pulumi-cli"
        return sum(c.endswith(f"[cwd={tools}]") for c in self.go_calls("build"))

    def leftovers(self) -> list[str]:
        return sorted(p.name for p in self.cache.parent.iterdir() if ".build-" in p.name or ".old-" in p.name)

    def popen(
        self,
        *args: str,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        stderr: Path | None = None,
    ) -> subprocess.Popen[str]:
        """`bash <relative path of the script> ARGS` in cwd (default: the repo root)."""
        cwd = cwd or self.repo
        script = os.path.relpath(self.repo / "tools" / "pulumi-cli" / "ensure-pulumi.sh", cwd)
        proc = subprocess.Popen(
            ["bash", script, *args],
            cwd=cwd,
            env={**self.env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=stderr.open("w") if stderr else subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, to kill it with its fake `go`
        )
        self.procs.append(proc)
        return proc

    def run(
        self,
        *args: str,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        stderr: Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        proc = self.popen(*args, cwd=cwd, env=env, stderr=stderr)
        out, err = proc.communicate(timeout=60)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.fixture
def layout(tmp_path: Path) -> Iterator[Layout]:
    repo = tmp_path / "repo"
    tools = repo / "tools" / "pulumi-cli"
    tools.mkdir(parents=True)
    for name in ("ensure-pulumi.sh", "VERSION", "go.mod", "go.sum"):
        shutil.copy2(TOOL_DIR / name, tools / name)
    shutil.copytree(TOOL_DIR / "cmd", tools / "cmd")
    shutil.copytree(TOOL_DIR / "yaml", tools / "yaml")

    sdk = tmp_path / "gomodcache" / f"github.com/pulumi/pulumi/sdk/v3@v{VERSION}"
    for rel in ("python/cmd/pulumi-language-python-exec", "python/dist/pulumi-resource-pulumi-python"):
        write_exe(sdk / rel, f"#!/bin/sh\necho {rel}\n").chmod(0o444)  # read-only, as in the module cache

    go_log = tmp_path / "go.log"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PULUMI_", "GO", "FAKE_")) and k not in ("CDPATH", "BASH_ENV", "ENV")
    }
    # No Pulumi of the developer's (make test puts .venv/bin first): each test puts its own on PATH.
    env["PATH"] = os.pathsep.join(
        d for d in env.get("PATH", "").split(os.pathsep) if d and not list(Path(d).glob("pulumi*"))
    )
    env.update(
        HOME=str(tmp_path / "home"),
        PULUMI_CLI_CACHE=str(tmp_path / "cache" / f"pulumi-v{VERSION}"),
        PULUMI_CLI_GO=str(write_exe(tmp_path / "fakego" / "go", FAKE_GO)),
        PULUMI_CLI_IGNORE_PATH="1",
        FAKE_GO_LOG=str(go_log),
        FAKE_SDK_DIR=str(sdk),
    )
    lay = Layout(tmp_path, repo, Path(env["PULUMI_CLI_CACHE"]), go_log, env)
    yield lay
    for proc in lay.procs:  # never leave a hung fake build behind
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()


def assert_ok(res: subprocess.CompletedProcess[str]) -> None:
    assert res.returncode == 0, f"rc={res.returncode}\nstdout:\n{res.stdout}\nstderr:\n{res.stderr}"


def assert_cache_complete(cache: Path) -> None:
    for f in FILES:
        assert os.access(cache / f, os.X_OK), f"{cache / f} missing or not executable"
    assert (cache / ".stamp").read_text().strip(), "empty stamp"
    out = subprocess.run([cache / "pulumi", "version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"v{VERSION}"


def assert_linked(bin_dir: Path, target_dir: Path) -> None:
    for f in FILES:
        link = bin_dir / f
        assert link.is_symlink(), f"{link} is not a symlink"
        assert link.resolve() == (target_dir / f).resolve(), f"{link} -> {link.resolve()}"


def test_cold_build_links_into_the_relative_bin_dir_of_the_caller(layout: Layout) -> None:
    res = layout.run(".venv/bin")
    assert_ok(res)

    # The reported bug: the build path cd's into tools/pulumi-cli, and the links landed there.
    assert not (layout.repo / "tools" / "pulumi-cli" / ".venv").exists()
    assert res.stdout.splitlines()[-1] == str(layout.bin_dir / "pulumi")
    assert_linked(layout.bin_dir, layout.cache)
    assert_cache_complete(layout.cache)

    cli_build, yaml_build = layout.go_calls("build")
    assert cli_build.endswith(f"[cwd={layout.repo / 'tools' / 'pulumi-cli'}]")
    assert f"-o {layout.cache.parent}/.{layout.cache.name}.build-" in cli_build
    # The YAML host: in its own module, stamped with its own version, not the engine's.
    assert yaml_build.endswith(f"[cwd={layout.repo / 'tools' / 'pulumi-cli' / 'yaml'}]")
    assert f"pulumi-yaml/pkg/version.Version={YAML_VERSION} " in yaml_build
    assert "sdk/v3/go/common/version.Version" not in yaml_build
    assert "github.com/pulumi/pulumi-yaml/cmd/pulumi-converter-yaml" in yaml_build
    assert layout.leftovers() == []

    ran = subprocess.run(
        [res.stdout.splitlines()[-1], "version"], cwd=layout.root, capture_output=True, text=True, check=True
    )
    assert ran.stdout.strip() == f"v{VERSION}"
    assert os.access(layout.bin_dir / "pulumi-language-python-exec", os.X_OK)


def test_cache_hit_does_not_build(layout: Layout) -> None:
    assert_ok(layout.run(".venv/bin"))
    assert layout.builds() == 1
    stamp_mtime = (layout.cache / ".stamp").stat().st_mtime_ns
    layout.go_log.unlink()

    # Second run from another cwd with another relative bin dir.
    (layout.repo / "examples").mkdir()
    res = layout.run("../other/bin", cwd=layout.repo / "examples")
    assert_ok(res)
    assert "using cached build" in res.stderr
    assert layout.go_calls() == []  # not even `go env`
    assert res.stdout.splitlines()[-1] == str(layout.repo / "other" / "bin" / "pulumi")
    assert_linked(layout.repo / "other" / "bin", layout.cache)
    assert (layout.cache / ".stamp").stat().st_mtime_ns == stamp_mtime


def test_relative_cache_go_and_cdpath_do_not_depend_on_the_scripts_own_cd(layout: Layout) -> None:
    # A CDPATH holding decoys of both relative dirs the script cd's into or is given.
    decoy = layout.root / "decoy"
    (decoy / ".venv" / "bin").mkdir(parents=True)
    (decoy / "tools" / "pulumi-cli").mkdir(parents=True)
    go_rel = os.path.relpath(layout.env["PULUMI_CLI_GO"], layout.repo)
    env = {"CDPATH": str(decoy), "PULUMI_CLI_CACHE": "cache-rel/pulumi", "PULUMI_CLI_GO": go_rel}
    res = layout.run(".venv/bin", env=env)
    assert_ok(res)
    cache = layout.repo / "cache-rel" / "pulumi"
    assert_cache_complete(cache)
    assert_linked(layout.bin_dir, cache)
    assert res.stdout.splitlines() == [str(layout.bin_dir / "pulumi")]
    assert list((decoy / ".venv" / "bin").iterdir()) == []
    assert not (layout.repo / "tools" / "pulumi-cli" / "cache-rel").exists()


@pytest.mark.parametrize(("version", "reused"), [("v3.300.0", True), ("v3.100.0", False)])
def test_pulumi_on_path(layout: Layout, version: str, reused: bool) -> None:
    onpath = layout.root / "onpath"
    write_exe(onpath / "pulumi", f'#!/bin/sh\n[ "$1" = version ] && echo {version}\n')
    for f in FILES[1:]:
        write_exe(onpath / f, "#!/bin/sh\n")
    env = {k: v for k, v in layout.env.items() if k != "PULUMI_CLI_IGNORE_PATH"}
    env["PATH"] = f"{onpath}:{env['PATH']}"
    layout.env = env

    res = layout.run(".venv/bin")
    assert_ok(res)
    assert res.stdout.splitlines()[-1] == str(layout.bin_dir / "pulumi")
    if reused:
        assert f"using pulumi {version} from PATH" in res.stderr
        assert_linked(layout.bin_dir, onpath)
        assert layout.go_calls() == []
        assert not layout.cache.exists()
    else:
        assert f"is {version} < 3.216.0; not using it" in res.stderr
        assert_linked(layout.bin_dir, layout.cache)
        assert layout.builds() == 1


def test_failed_build_leaves_no_cache_and_the_next_run_builds(layout: Layout) -> None:
    res = layout.run(".venv/bin", env={"FAKE_GO_BUILD": "fail"})
    assert res.returncode != 0
    assert "fake go: build failed" in res.stderr
    assert not layout.cache.exists()
    assert layout.leftovers() == []  # the EXIT trap removed the temp dir
    assert not (layout.bin_dir / "pulumi").exists()

    assert_ok(layout.run(".venv/bin"))
    assert layout.builds() == 2
    assert_cache_complete(layout.cache)
    assert_linked(layout.bin_dir, layout.cache)


def test_killed_build_leaves_nothing_complete_looking_and_the_next_run_cleans_up(layout: Layout) -> None:
    started = layout.root / "build-started"
    proc = layout.popen(".venv/bin", env={"FAKE_GO_BUILD": "hang", "FAKE_GO_STARTED": str(started)})
    deadline = time.monotonic() + 20
    while not started.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "fake build never started"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # no trap runs: the temp dir stays
    proc.communicate(timeout=10)

    [leftover] = layout.leftovers()
    assert (layout.cache.parent / leftover / "pulumi").exists()  # half-written
    assert not layout.cache.exists()

    res = layout.run(".venv/bin")
    assert_ok(res)
    assert f"removing {layout.cache.parent / leftover}, left by an interrupted build" in res.stderr
    assert layout.leftovers() == []
    assert_cache_complete(layout.cache)
    assert_linked(layout.bin_dir, layout.cache)


def test_incomplete_cache_dir_is_rebuilt_and_replaced(layout: Layout) -> None:
    # E.g. files copied in by hand, or a build of other inputs: no matching stamp.
    write_exe(layout.cache / "pulumi", f"#!/bin/sh\necho v{VERSION}\n")
    (layout.cache / ".stamp").write_text("something else\n")
    for f in FILES[1:]:
        write_exe(layout.cache / f, "#!/bin/sh\n")

    res = layout.run(".venv/bin")
    assert_ok(res)
    assert layout.builds() == 1
    assert_cache_complete(layout.cache)
    assert (layout.cache / ".stamp").read_text() != "something else\n"
    assert layout.leftovers() == []


def wait_for(cond: Callable[[], bool], proc: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 30
    while not cond():
        assert proc.poll() is None, f"{what}: exited {proc.returncode}"
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def no_flock_path(layout: Layout) -> str:
    """A PATH with every command of the current PATH except flock."""
    shadow = layout.root / "no-flock-bin"
    shadow.mkdir()
    for d in layout.env["PATH"].split(os.pathsep):
        if not os.path.isdir(d):
            continue
        for entry in os.scandir(d):
            target = shadow / entry.name
            if entry.name != "flock" and not target.exists() and os.access(entry.path, os.X_OK):
                target.symlink_to(entry.path)
    return str(shadow)


@pytest.mark.parametrize("lock", ["flock", "fallback"])
def test_concurrent_cold_callers_build_once(layout: Layout, lock: str) -> None:
    if lock == "fallback":
        layout.env["PATH"] = no_flock_path(layout)
    elif shutil.which("flock") is None:
        pytest.skip("no flock(1) on this machine")
    started, release = layout.root / "build-started", layout.root / "build-release"
    # Two checkouts sharing the cache, each with its own relative .venv/bin.
    other = layout.root / "repo2"
    shutil.copytree(layout.repo, other)
    errs = [layout.root / "first.err", layout.root / "second.err"]

    # The first caller builds (and holds the lock) until the test releases it ...
    env = {"FAKE_GO_BUILD": "gate", "FAKE_GO_STARTED": str(started), "FAKE_GO_RELEASE": str(release)}
    first = layout.popen(".venv/bin", env=env, stderr=errs[0])
    wait_for(lambda: started.exists(), first, "the first build never started")
    # ... so the second one, with the same cold cache, has to wait for it.
    second = layout.popen(".venv/bin", cwd=other, env=env, stderr=errs[1])
    wait_for(lambda: "waiting for it" in errs[1].read_text(), second, "the second caller did not wait")
    assert not layout.cache.exists()
    release.touch()

    for cwd, proc, err in zip((layout.repo, other), (first, second), errs, strict=True):
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.read_text()
        assert out.splitlines()[-1] == str(cwd / ".venv" / "bin" / "pulumi")
        assert_linked(cwd / ".venv" / "bin", layout.cache)
    assert layout.builds() == 1
    assert "using cached build" in errs[1].read_text()
    assert_cache_complete(layout.cache)
    assert layout.leftovers() == []
    if lock == "fallback":
        assert not (layout.cache.parent / f".{layout.cache.name}.lock.owner").exists()
    else:
        assert (layout.cache.parent / f".{layout.cache.name}.lock").is_file()


def test_fallback_lock_left_by_a_dead_process_is_taken_over(layout: Layout) -> None:
    layout.env["PATH"] = no_flock_path(layout)
    dead = subprocess.Popen(["true"])
    dead.wait()
    layout.cache.parent.mkdir(parents=True)
    (layout.cache.parent / f".{layout.cache.name}.lock.owner").symlink_to(str(dead.pid))

    res = layout.run(".venv/bin")
    assert_ok(res)
    assert f"of pid {dead.pid}, which is gone" in res.stderr
    assert_cache_complete(layout.cache)


def test_a_failed_yaml_host_build_fails_the_whole_build(layout: Layout) -> None:
    res = layout.run(".venv/bin", env={"FAKE_GO_YAML_BUILD": "fail"})
    assert res.returncode != 0
    assert "fake go: yaml build failed" in res.stderr
    assert not layout.cache.exists()
    assert layout.leftovers() == []
    assert not (layout.bin_dir / "pulumi").exists()


def test_a_yaml_host_change_rebuilds(layout: Layout) -> None:
    assert_ok(layout.run(".venv/bin"))
    stamp = (layout.cache / ".stamp").read_text()
    gomod = layout.repo / "tools" / "pulumi-cli" / "yaml" / "go.mod"
    gomod.write_text(gomod.read_text().replace(YAML_VERSION, "v1.99.0"))

    assert_ok(layout.run(".venv/bin"))
    assert layout.builds() == 2
    assert (layout.cache / ".stamp").read_text() != stamp
    assert "pulumi-yaml/pkg/version.Version=v1.99.0 " in layout.go_calls("build")[-1]


def test_pulumi_on_path_without_the_yaml_converter_is_used_and_links_none(layout: Layout) -> None:
    # A normal Pulumi install has the YAML host but downloads the converter on first use.
    assert_ok(layout.run(".venv/bin"))  # an earlier build left a converter link behind
    assert (layout.bin_dir / "pulumi-converter-yaml").is_symlink()
    onpath = layout.root / "onpath"
    write_exe(onpath / "pulumi", '#!/bin/sh\n[ "$1" = version ] && echo v3.300.0\n')
    for f in FILES[1:-1]:
        write_exe(onpath / f, "#!/bin/sh\n")
    layout.env = {k: v for k, v in layout.env.items() if k != "PULUMI_CLI_IGNORE_PATH"}
    layout.env["PATH"] = f"{onpath}:{layout.env['PATH']}"

    res = layout.run(".venv/bin")
    assert_ok(res)
    assert "using pulumi v3.300.0 from PATH" in res.stderr
    for f in FILES[:-1]:
        assert (layout.bin_dir / f).resolve() == onpath / f
    assert not (layout.bin_dir / "pulumi-converter-yaml").exists()
    assert not (layout.bin_dir / "pulumi-converter-yaml").is_symlink()


def test_pulumi_on_path_without_the_yaml_host_is_not_used(layout: Layout) -> None:
    onpath = layout.root / "onpath"
    write_exe(onpath / "pulumi", '#!/bin/sh\n[ "$1" = version ] && echo v3.300.0\n')
    for f in FILES[1:4]:
        write_exe(onpath / f, "#!/bin/sh\n")
    layout.env = {k: v for k, v in layout.env.items() if k != "PULUMI_CLI_IGNORE_PATH"}
    layout.env["PATH"] = f"{onpath}:{layout.env['PATH']}"

    res = layout.run(".venv/bin")
    assert_ok(res)
    assert "or pulumi-language-yaml; not using it" in res.stderr
    assert_linked(layout.bin_dir, layout.cache)
    assert layout.builds() == 1
