"""The example policy pack through the real CLI: `pulumi preview/up --policy-pack examples/policy-pack`.

Every run leaves ``PYTHONUNBUFFERED`` out of the environment: the language host must get the pack's
port out of python without it (it runs policy packs with ``python -u``).

What the engine gives the rules (found with these tests, see docs/policy.md):

* resource rules (``Analyze``) see a binding's inputs before its step, in preview and in update;
* the stack rule (``AnalyzeStack``) runs once the program has finished: in a preview it sees the
  *inputs* of bindings about to be created (their outputs are not known yet) and the outputs of
  unchanged ones; in an update it runs after every step, so it sees outputs, but only once the
  bindings exist. `pulumi up` previews first, so what the preview catches never reaches Twilio.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from pulumi_twilio_trunking.policy.rules import (
    ALLOWED_TRUNKS,
    COUNTRY_ALLOWED,
    COUNTRY_ALLOWED_STACK,
    PROTECTED,
    SINGLE_BINDING,
    WELL_FORMED,
)
from tests.e2e.conftest import BINDING_TYPE, ROOT, Project, ProjectFactory

PACK = ROOT / "examples" / "policy-pack"
SHIPPED_CONFIG = PACK / "policy-config.json"

ALLOWED_TRUNK = "TK0123456789abcdef0123456789abcdef"  # in policy-config.json's allowedTrunkSids
OTHER_TRUNK = "TK99999999999999999999999999999999"  # in no allowed list
NUMBER = "+14155550101"
NUMBER_SID = "PN0123456789abcdef0123456789abcdef"
UK_NUMBER = "+442071838750"
UK_NUMBER_SID = "PN44444444444444444444444444444444"

PROJECT = "policy"

# The host must not depend on the caller's PYTHONUNBUFFERED (set in many dev shells and CI images).
RUN_ENV: dict[str, str | None] = {"PYTHONUNBUFFERED": None}

_VIOLATION = re.compile(
    r"^\s*- \[(?P<level>advisory|mandatory|remediate)\]\s+(?:\[severity: \w+\]\s+)?(?P<policy>[\w.-]+)"
    r"(?:\s+\((?P<type>\S+): (?P<name>[^)]+)\))?\s*$"
)

Violation = tuple[str, str, str | None]  # (level, policy, resource name)


def program(*bindings: str) -> str:
    """A program declaring the given ``TrunkPhoneNumberAssociation(...)`` calls."""
    lines = ["import pulumi", "from pulumi_twilio_trunking import TrunkPhoneNumberAssociation", ""]
    lines += [f"TrunkPhoneNumberAssociation({binding})" for binding in bindings]
    return "\n".join(lines) + "\n"


def binding(
    name: str,
    trunk: str,
    *,
    number: str | None = None,
    sid: str | None = None,
    protect: bool = False,
    number_code: str | None = None,
) -> str:
    """The arguments of one binding; ``number_code`` is a Python expression for ``phone_number``."""
    args = [repr(name), f"trunk_sid={trunk!r}"]
    if number is not None:
        args.append(f"phone_number={number!r}")
    if number_code is not None:
        args.append(f"phone_number={number_code}")
    if sid is not None:
        args.append(f"phone_number_sid={sid!r}")
    if protect:
        args.append("opts=pulumi.ResourceOptions(protect=True)")
    return ", ".join(args)


def setup(make_project: ProjectFactory, source: str, *, stack: str) -> Project:
    """A project on ``stack`` against an emulator holding both trunks and both numbers (all unbound)."""
    project = make_project(source, name=PROJECT)
    project.emulator.control.seed(
        {
            "trunks": [
                {"sid": ALLOWED_TRUNK, "friendly_name": "allowed"},
                {"sid": OTHER_TRUNK, "friendly_name": "other"},
            ],
            "phone_numbers": [
                {"sid": NUMBER_SID, "phone_number": NUMBER},
                {"sid": UK_NUMBER_SID, "phone_number": UK_NUMBER},
            ],
        }
    )
    project.configure(stack=stack)
    return project


def with_pack(
    project: Project, *args: str, config: Path | None = None
) -> tuple[subprocess.CompletedProcess[str], list[Violation]]:
    """``pulumi ARGS --policy-pack examples/policy-pack [--policy-pack-config CONFIG]``."""
    flags = ["--policy-pack", str(PACK)]
    if config is not None:
        flags += ["--policy-pack-config", str(config)]
    result = project.pulumi.run(*args, *flags, check=False, env=RUN_ENV, timeout=180)
    assert "twilio-trunking@v0.1.0 (local: " in result.stdout, result.stdout + result.stderr
    return result, violations(result.stdout)


def violations(stdout: str) -> list[Violation]:
    """The ``- [level] policy (type: name)`` lines of the ``Policies:`` section, sorted."""
    found: list[Violation] = []
    for line in stdout.splitlines():
        match = _VIOLATION.match(line)
        if match:
            found.append((match["level"], match["policy"], match["name"]))
    return sorted(found, key=lambda v: (v[0], v[1], v[2] or ""))


def write_config(tmp_path: Path, config: dict[str, object]) -> Path:
    path = tmp_path / f"policy-config-{len(list(tmp_path.glob('policy-config-*.json')))}.json"
    path.write_text(json.dumps(config))
    return path


def bound_to(project: Project) -> dict[str, str | None]:
    """PN SID -> trunk it is bound to, as the emulator holds it."""
    return {n["sid"]: n["trunk_sid"] for n in project.emulator.control.state()["phone_numbers"]}


def twilio_writes(project: Project) -> list[str]:
    """The state-changing Twilio API requests the emulator has served (control calls excluded)."""
    return [
        f"{r['method']} {r['path']}"
        for r in project.emulator.control.requests()["requests"]
        if r["method"] in ("POST", "DELETE") and not r["path"].startswith("/_emulator")
    ]


def bindings_in_state(project: Project) -> list[str]:
    return sorted(r["urn"].rsplit("::", 1)[1] for r in project.pulumi.resources(BINDING_TYPE))


def urn(stack: str, name: str) -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{BINDING_TYPE}::{name}"


# --- 1. a compliant program passes ----------------------------------------------------------------


def test_compliant_program_passes_preview_and_up(make_project: ProjectFactory) -> None:
    """Protected, allowed trunk, allowed country, bound once, on a prod stack with the shipped config."""
    project = setup(
        make_project,
        program(binding("main-line", ALLOWED_TRUNK, number=NUMBER, protect=True)),
        stack="prod-east",
    )

    preview, found = with_pack(project, "preview", config=SHIPPED_CONFIG)
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert found == []

    # The update runs every rule again, the stack rule now on the created binding's outputs.
    up, found = with_pack(project, "up", "--yes", config=SHIPPED_CONFIG)
    assert up.returncode == 0, up.stdout + up.stderr
    assert found == []
    assert bound_to(project)[NUMBER_SID] == ALLOWED_TRUNK
    assert twilio_writes(project) == [f"POST /v1/Trunks/{ALLOWED_TRUNK}/PhoneNumbers"]


# --- 2. one number bound twice ----------------------------------------------------------------------


def test_number_bound_twice_fails_preview_and_up_binds_nothing(make_project: ProjectFactory) -> None:
    project = setup(
        make_project,
        program(
            binding("main-line", ALLOWED_TRUNK, number=NUMBER),
            binding("backup-line", OTHER_TRUNK, number=NUMBER),
        ),
        stack="dev",
    )

    # In a preview the stack rule sees the inputs of the bindings about to be created: both name the
    # same E.164 number, so the mandatory rule fails the preview.
    preview, found = with_pack(project, "preview")
    assert preview.returncode != 0
    assert [(level, policy) for level, policy, _ in found] == [("mandatory", SINGLE_BINDING)]
    (reported,) = [name for _, _, name in found]
    other = {"main-line", "backup-line"} - {reported}
    (other_name,) = other
    message = next(
        line for line in preview.stdout.splitlines() if f"TrunkPhoneNumberAssociation '{reported}' (" in line
    )
    assert (
        f"binds phone number {NUMBER}, which is already bound by TrunkPhoneNumberAssociation '{other_name}'"
        in message
    )
    assert urn("dev", "main-line") in message and urn("dev", "backup-line") in message
    assert "Keep a single binding for this number" in message
    assert "error: preview failed" in preview.stdout

    # `pulumi up` previews first: it stops there, and Twilio never sees a request.
    up, found = with_pack(project, "up", "--yes")
    assert up.returncode != 0
    assert [(level, policy) for level, policy, _ in found] == [("mandatory", SINGLE_BINDING)]
    assert "Updating (dev)" not in up.stdout
    assert twilio_writes(project) == []
    assert bound_to(project)[NUMBER_SID] is None
    assert bindings_in_state(project) == []


def test_number_bound_twice_in_different_forms_fails_up_once_both_exist(make_project: ProjectFactory) -> None:
    """By E.164 and by SID: the preview cannot tell it is one number; the update's stack check can."""
    project = setup(
        make_project,
        program(
            binding("main-line", ALLOWED_TRUNK, number=NUMBER),
            binding("backup-line", ALLOWED_TRUNK, sid=NUMBER_SID),
        ),
        stack="dev",
    )

    # Inputs only: one binding has a number, the other a SID, and nothing links them yet.
    preview, found = with_pack(project, "preview")
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert found == []

    # One owner per binding: the provider binds the number for one declaration and refuses the other
    # (the claims of this update), so the number never has two owners and the update fails.
    up, found = with_pack(project, "up", "--yes")
    assert up.returncode != 0
    assert "is already taken by resource" in " ".join((up.stdout + up.stderr).split())
    assert len(bindings_in_state(project)) == 1
    assert set(bindings_in_state(project)) <= {"backup-line", "main-line"}
    assert bound_to(project)[NUMBER_SID] == ALLOWED_TRUNK
    print("policy findings during the refused up:", found)


# --- 3. advisory violations -----------------------------------------------------------------------


def test_advisory_violations_warn_without_failing(make_project: ProjectFactory, tmp_path: Path) -> None:
    """Protection on a prod* stack (needs the stack name from the host) and country codes."""
    project = setup(
        make_project, program(binding("main-line", ALLOWED_TRUNK, number=NUMBER)), stack="prod-east"
    )
    uk_only = write_config(
        tmp_path,
        {
            COUNTRY_ALLOWED: {"allowedCountryCodes": ["44"]},
            COUNTRY_ALLOWED_STACK: {"allowedCountryCodes": ["44"]},
        },
    )

    preview, found = with_pack(project, "preview", config=uk_only)
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert found == [
        ("advisory", COUNTRY_ALLOWED, "main-line"),
        ("advisory", COUNTRY_ALLOWED_STACK, "main-line"),
        ("advisory", PROTECTED, "main-line"),
    ]
    assert (
        "TrunkPhoneNumberAssociation 'main-line' is not protected, but bindings in stack 'prod-east' "
        "(matching 'prod*') must be" in preview.stdout
    )
    assert (
        f"TrunkPhoneNumberAssociation 'main-line' binds {NUMBER}, whose country calling code"
        in preview.stdout
    )
    assert "(allowed: +44)" in preview.stdout

    # Same program, a stack outside the pattern, default config: nothing to report.
    project.configure(stack="dev")
    dev, found = with_pack(project, "preview")
    assert dev.returncode == 0, dev.stdout + dev.stderr
    assert found == []


# --- 4. config in the pack changes the outcome ----------------------------------------------------


def test_pack_config_changes_the_outcome(make_project: ProjectFactory, tmp_path: Path) -> None:
    project = setup(make_project, program(binding("main-line", OTHER_TRUNK, number=NUMBER)), stack="dev")

    # Default config: allowedTrunkSids is empty, so any trunk is fine.
    default, found = with_pack(project, "preview")
    assert default.returncode == 0, default.stdout + default.stderr
    assert found == []

    # The shipped config lists two trunks; OTHER_TRUNK is not one of them.
    shipped, found = with_pack(project, "preview", config=SHIPPED_CONFIG)
    assert shipped.returncode != 0
    assert found == [("mandatory", ALLOWED_TRUNKS, "main-line")]
    assert (
        f"TrunkPhoneNumberAssociation 'main-line' binds to trunk {OTHER_TRUNK}, which is not one of the "
        "trunks allowed for this stack" in shipped.stdout
    )
    assert "add it to 'allowedTrunkSids' in the config of policy 'twilio-trunk-allowed'" in shipped.stdout

    # Lowered to advisory it warns; disabled it is not run at all.
    advisory = write_config(
        tmp_path, {ALLOWED_TRUNKS: {"enforcementLevel": "advisory", "allowedTrunkSids": [ALLOWED_TRUNK]}}
    )
    warned, found = with_pack(project, "preview", config=advisory)
    assert warned.returncode == 0, warned.stdout + warned.stderr
    assert found == [("advisory", ALLOWED_TRUNKS, "main-line")]
    disabled = write_config(
        tmp_path, {ALLOWED_TRUNKS: {"enforcementLevel": "disabled", "allowedTrunkSids": [ALLOWED_TRUNK]}}
    )
    off, found = with_pack(project, "preview", config=disabled)
    assert off.returncode == 0, off.stdout + off.stderr
    assert found == []

    # A resource rule also runs in the update itself, before the step: even without the preview,
    # the binding is refused before the provider calls Twilio.
    up, found = with_pack(project, "up", "--yes", "--skip-preview", config=SHIPPED_CONFIG)
    assert up.returncode != 0
    assert found == [("mandatory", ALLOWED_TRUNKS, "main-line")]
    assert twilio_writes(project) == []
    assert bound_to(project)[NUMBER_SID] is None
    assert bindings_in_state(project) == []


def test_protection_can_be_made_mandatory(make_project: ProjectFactory, tmp_path: Path) -> None:
    project = setup(
        make_project, program(binding("main-line", ALLOWED_TRUNK, number=NUMBER)), stack="prod-east"
    )
    enforce = write_config(tmp_path, {PROTECTED: "mandatory"})

    preview, found = with_pack(project, "preview", config=enforce)
    assert preview.returncode != 0
    assert found == [("mandatory", PROTECTED, "main-line")]

    # A stack pattern that does not match prod-east turns the rule off for this stack.
    staging_only = write_config(
        tmp_path, {PROTECTED: {"enforcementLevel": "mandatory", "stackPattern": "staging*"}}
    )
    other, found = with_pack(project, "preview", config=staging_only)
    assert other.returncode == 0, other.stdout + other.stderr
    assert found == []


# --- 5. malformed bindings ------------------------------------------------------------------------


def test_malformed_number_from_an_output_is_stopped_before_anything_is_bound(
    make_project: ProjectFactory,
) -> None:
    """A plain bad value fails in the program; one that comes through an Output reaches the engine."""
    from_output = "pulumi.Output.from_input('415-555-0101')"
    project = setup(
        make_project, program(binding("main-line", ALLOWED_TRUNK, number_code=from_output)), stack="dev"
    )

    # The provider's check() and the policy both reject it; the user sees both, the policy's message
    # with its fix. Neither preview nor update gets as far as Twilio.
    for args in (("preview",), ("up", "--yes", "--skip-preview")):
        result, found = with_pack(project, *args)
        assert result.returncode != 0
        assert found == [("mandatory", WELL_FORMED, "main-line")]
        assert (
            "TrunkPhoneNumberAssociation 'main-line' has an invalid input: phone_number: must be an E.164 "
            "number" in result.stdout
        )
        assert "Give phone_number in E.164 form" in result.stdout
        assert "property phone_number value {415-555-0101} has a problem" in result.stdout  # check()
    assert twilio_writes(project) == []

    # A plain value never reaches the engine: the resource's constructor raises, and the policy
    # pack has nothing to analyze (it reports no violation).
    project.write_program(program(binding("main-line", ALLOWED_TRUNK, number="415-555-0101")))
    plain, found = with_pack(project, "preview")
    assert plain.returncode != 0
    assert found == []
    assert "InvalidBindingInputs: TrunkPhoneNumberAssociation 'main-line' has invalid inputs" in plain.stdout
