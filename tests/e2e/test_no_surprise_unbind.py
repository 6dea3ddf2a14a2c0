"""No live number is cut by surprise, through the real engine.

Within one update a delete never unbinds a binding another resource of the same update holds or takes
(created, adopted, imported, or still declared), whatever order and parallelism the engine uses: the
engine runs the deletes of removed resources last, after it has checked every declared resource and
diffed every live one, and the provider process remembers what those declared and took.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from tests.e2e.conftest import Project, ProjectFactory, bindings_with

RENAMABLE = """
import pulumi
from pulumi_twilio_trunking import TrunkPhoneNumberAssociation

config = pulumi.Config()
number = (
    {"phone_number_sid": config.require("sid")}
    if config.get("by") == "sid"
    else {"phone_number": config.require("number")}
)
line = TrunkPhoneNumberAssociation(
    config.require("name"),
    trunk_sid=config.require("trunk"),
    adopt=config.get_bool("adopt"),
    opts=pulumi.ResourceOptions(
        import_=config.get("import"),
        aliases=[pulumi.Alias(name=old) for old in config.get_object("aliases") or []],
        retain_on_delete=config.get_bool("retain") or False,
    ),
    **number,
)
pulumi.export("ownership", line.ownership)
"""

REFERENCE = """
import pulumi
from pulumi_twilio_trunking import TrunkPhoneNumberAssociation

config = pulumi.Config()
shared = TrunkPhoneNumberAssociation.get("shared", config.require("binding"))
pulumi.export("ownership", shared.ownership)
pulumi.export("phone_number", shared.phone_number)
pulumi.export("trunk_sid", shared.trunk_sid)
"""

TWO_TRUNKS = """
import pulumi
from pulumi_twilio_trunking import TrunkPhoneNumberAssociation

config = pulumi.Config()
TrunkPhoneNumberAssociation("main", trunk_sid=config.require("trunk"), phone_number=config.require("number"))
if config.get_bool("second"):
    TrunkPhoneNumberAssociation(
        "backup", trunk_sid=config.require("other"), phone_number_sid=config.require("sid")
    )
"""


def _text(result: subprocess.CompletedProcess[str]) -> str:
    return " ".join((result.stdout + result.stderr).split())


def _deletes(project: Project) -> list[str]:
    return [e["path"] for e in project.emulator.control.requests()["requests"] if e["method"] == "DELETE"]


def _up(
    project: Project, parallel: str | None = None, *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    flags = ["--parallel", parallel] if parallel else []
    return project.pulumi.run("up", "--yes", "--skip-preview", *flags, check=check)


def _renamable(make_project: ProjectFactory) -> tuple[Project, str, str, str]:
    project = make_project(RENAMABLE)
    trunk, number, sid = project.seed_one()
    project.configure()
    project.pulumi.set_config_values({"trunk": trunk, "number": number, "sid": sid, "name": "old"})
    _up(project)
    assert project.bound() == {sid: trunk}
    return project, trunk, number, sid


@pytest.mark.parametrize(
    ("way_in", "declared_by", "parallel"),
    [
        ("adopt", "number", None),
        ("adopt", "number", "1"),
        ("import", "number", None),
        ("adopt", "sid", "1"),
        ("import", "sid", None),
    ],
)
def test_a_rename_followed_by_the_refusals_advice_never_unbinds(
    make_project: ProjectFactory, way_in: str, declared_by: str, parallel: str | None
) -> None:
    project, trunk, number, sid = _renamable(make_project)

    # Renamed (and, in some cases, switched from E.164 to the PN SID): the new name's create meets
    # the binding the old name holds. Refused, with the safe path (an alias) named first.
    project.pulumi.set_config_values({"name": "new", "by": declared_by})
    refused = _up(project, parallel, check=False)
    assert refused.returncode != 0
    text = _text(refused)
    assert f"is already bound to trunk {trunk}, not by this resource" in text, text
    alias, reference = (
        text.find('aliases=[pulumi.Alias(name="OLD-NAME")]'),
        text.find(f'TrunkPhoneNumberAssociation.get("new", "{trunk}/{sid}")'),
    )
    assert 0 <= alias < reference < text.find("adopt=True"), text
    assert project.bound() == {sid: trunk}
    assert set(project.bindings_in_state()) == {"old"}

    # Following the opt-in instead: the new resource takes the binding over, the engine deletes the
    # old one last, and that delete leaves the number bound and says so.
    project.emulator.control.clear_requests()
    opt_in = {"adopt": "true"} if way_in == "adopt" else {"import": f"{trunk}/{sid}"}
    project.pulumi.set_config_values(opt_in)
    up = _up(project, parallel)
    assert bindings_with(up.stdout, "deleted") == {"old"}, up.stdout
    assert _deletes(project) == []
    assert project.bound() == {sid: trunk}
    assert set(project.bindings_in_state()) == {"new"}
    assert f'left {number} ({sid}) bound to trunk {trunk}: resource "new" of this stack' in _text(up), (
        up.stdout
    )
    assert project.pulumi.outputs()["ownership"] == ("adopted" if way_in == "adopt" else "imported")
    assert project.pulumi.run("preview", "--expect-no-changes").returncode == 0


def test_a_rename_with_an_alias_is_a_plain_no_op(make_project: ProjectFactory) -> None:
    project, trunk, _, sid = _renamable(make_project)
    project.pulumi.set_config_values({"name": "new", "aliases": json.dumps(["old"])})
    assert project.pulumi.run("preview", "--expect-no-changes").returncode == 0
    project.emulator.control.clear_requests()
    up = _up(project)
    writes = [e for e in project.emulator.control.requests()["requests"] if e["method"] != "GET"]
    assert writes == [] and project.bound() == {sid: trunk}
    assert bindings_with(up.stdout, "created") == bindings_with(up.stdout, "deleted") == set()
    assert set(project.bindings_in_state()) == {"new"}


def test_a_second_stack_references_a_binding_read_only_and_its_destroy_leaves_it_bound(
    make_project: ProjectFactory,
) -> None:
    owner, trunk, number, sid = _renamable(make_project)

    # The other stack declares it as its own: refused, and told how to reference it instead.
    user = make_project(RENAMABLE, name="user")
    user.configure(stack="user")
    user.pulumi.set_config_values({"trunk": trunk, "number": number, "sid": sid, "name": "shared"})
    refused = _up(user, check=False)
    assert refused.returncode != 0
    assert f'TrunkPhoneNumberAssociation.get("shared", "{trunk}/{sid}")' in _text(refused)

    # Following that advice: a read-only reference.
    user.write_program(REFERENCE)
    user.pulumi.set_config_values({"binding": f"{trunk}/{sid}"})
    _up(user)
    outputs = user.pulumi.outputs()
    assert outputs == {"ownership": "referenced", "phone_number": number, "trunk_sid": trunk}
    owner.emulator.control.clear_requests()
    destroyed = user.pulumi.run("destroy", "--yes", "--skip-preview")
    assert _deletes(owner) == [] and owner.bound() == {sid: trunk}, destroyed.stdout

    # A stack that adopts anyway is an owner: with retain_on_delete its destroy still leaves it bound.
    user.write_program(RENAMABLE)
    user.pulumi.set_config_values({"adopt": "true", "retain": "true"})
    _up(user)
    user.pulumi.run("destroy", "--yes", "--skip-preview")
    assert _deletes(owner) == [] and owner.bound() == {sid: trunk}
    assert owner.pulumi.run("preview", "--refresh", "--expect-no-changes").returncode == 0


def test_one_number_on_two_trunks_in_one_stack_names_the_other_resource(make_project: ProjectFactory) -> None:
    project = make_project(TWO_TRUNKS)
    (number,) = ["+14155550100"]
    seeded = project.seed([number], trunks=2)
    trunk, other = seeded.trunks
    sid = seeded.numbers[number]
    project.configure()
    project.pulumi.set_config_values({"trunk": trunk, "other": other, "number": number, "sid": sid})
    _up(project)
    project.pulumi.set_config_values({"second": "true"})
    refused = _up(project, check=False)
    assert refused.returncode != 0
    text = _text(refused)
    assert re.search(
        rf'already taken by resource "main" of this stack \(on trunk {trunk}\), so resource "backup" cannot',
        text,
    ), text
    assert project.bound() == {sid: trunk}


def test_binding_says_what_twilio_detached(make_project: ProjectFactory) -> None:
    project = make_project(RENAMABLE)
    number = "+14155550100"
    app = "AP" + "1" * 32
    seeded = project.emulator.control.seed(
        {
            "trunks": [{"friendly_name": "main"}],
            "phone_numbers": [
                {
                    "phone_number": number,
                    "voice_application_sid": app,
                    "voice_url": "https://example.com/voice",
                }
            ],
        }
    )
    trunk, sid = seeded["trunks"][0]["sid"], seeded["phone_numbers"][0]["sid"]
    project.configure()
    project.pulumi.set_config_values({"trunk": trunk, "number": number, "sid": sid, "name": "line"})
    text = _text(_up(project))
    assert f"twilio-trunking: bound {number} ({sid}) to trunk {trunk}: its voice application {app}" in text
    assert "its voice URL https://example.com/voice is ignored while it is on a trunk" in text


@pytest.mark.parametrize("run_program", [False, True])
def test_destroy_still_unbinds_what_the_user_asked_to_destroy(
    make_project: ProjectFactory, run_program: bool
) -> None:
    # `destroy --run-program` runs the program (and so checks every declared resource) first: the
    # guard must not turn an explicit destroy into a no-op.
    project, trunk, number, sid = _renamable(make_project)
    flags = ["--run-program"] if run_program else []
    destroyed = project.pulumi.run("destroy", "--yes", "--skip-preview", *flags)
    assert project.bound() == {sid: None}, destroyed.stdout
    assert f"twilio-trunking: unbound {number} ({sid}) from trunk {trunk}" in _text(destroyed)
