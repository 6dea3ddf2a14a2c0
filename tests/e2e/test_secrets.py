"""Where the auth token ends up in the stack's state, measured with the real engine.

The requirement is that neither ``pulumi stack export`` nor ``pulumi stack export --show-secrets``
contains the token, plain or base64. What the engine (v3.274.1) actually does:

* **Token in the environment** (``TWILIO_AUTH_TOKEN``): it appears nowhere, in either export or in
  any file of the backend. The requirement holds fully.
* **Token in secret stack config** (``pulumi config set --secret twilio:authToken``): the
  bindings and their ``__provider`` never hold it (``__provider`` is a bare class reference), and
  ``pulumi stack export`` shows it nowhere, plain or base64, nor does any file of the backend. But
  the engine itself stores it in the *default provider* resource,
  ``pulumi:providers:pulumi-python::default``, as ``inputs["twilio:authToken"]`` and
  ``outputs["twilio:authToken"]``: for the dynamic-provider packages (``pulumi-python``,
  ``pulumi-nodejs``) ``deploy.Target.GetPackageConfig`` hands the *whole* stack config to the default
  provider, secrets included (marked secret), and the engine records a provider's config as its
  inputs/outputs so that ``refresh`` and ``destroy`` can configure it without the program. The value
  is a secret: encrypted with the stack's secrets provider (``{"4dabf1…": "1b4706…", "ciphertext":
  "v1:…"}``) in the state and in ``stack export``; ``stack export --show-secrets`` decrypts it, so
  there, and only there, the token appears in plaintext (as ``"plaintext": "\\"<token>\\""``).
  Nothing in the package can change this (the default provider's config is the engine's; an explicit
  provider would store its config the same way, and ``refresh``/``destroy`` need the token from
  somewhere). Keep the token out of stack config (environment variable, or a secret store that sets
  it for the run) to keep it out of ``--show-secrets`` exports as well.

The tests assert exactly this: the token's locations in each export, not just its absence.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator
from typing import Any

from tests.e2e.conftest import BINDING_TYPE, BINDINGS_PROGRAM, TOKEN, Project, ProjectFactory, numbers

DEFAULT_PROVIDER = "pulumi:providers:pulumi-python"
SECRET_SIG = "4dabf18193072939515e22adb298388d"
_BASE64 = re.compile(r"^[A-Za-z0-9+/_-]{16,}={0,2}$")


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, f"{path}.<key>")
            yield from _strings(item, f"{path}[{key!r}]")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


def _holds_token(text: str) -> bool:
    """The token in ``text``, plainly or inside base64 (standard or URL-safe, any padding)."""
    if TOKEN in text:
        return True
    if _BASE64.match(text):
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                if TOKEN.encode() in decode(text + "=" * (-len(text) % 4)):
                    return True
            except (binascii.Error, ValueError):
                continue
    # The token's base64 at each of the three alignments it can have inside a longer base64 text.
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + TOKEN.encode()).decode()[4 if shift else 0 :][:-4]
        if encoded and encoded in text:
            return True
    return False


def _token_locations(value: Any) -> set[str]:
    return {path for path, text in _strings(value) if _holds_token(text)}


def _resource_index(deployment: dict[str, Any], type_token: str) -> int:
    (index,) = [i for i, r in enumerate(deployment["resources"]) if r["type"] == type_token]
    return index


def _backend_files_hold_token(project: Project) -> list[str]:
    """Files of the local backend (state, backups, history) where the token appears."""
    found = []
    for file in (project.pulumi.work_dir / "state").rglob("*"):
        if not file.is_file():
            continue
        raw = file.read_bytes()
        try:
            holds = bool(_token_locations(json.loads(raw)))
        except ValueError:
            holds = _holds_token(raw.decode("latin-1"))
        if holds:
            found.append(str(file.relative_to(project.pulumi.work_dir)))
    return found


def _up(project: Project) -> str:
    project.pulumi.run("up", "--yes", "--skip-preview")
    result = project.pulumi.run("stack", "output", "--json", "--show-secrets")
    return result.stdout


def _assert_provider_blob_is_a_bare_class_reference(deployment: dict[str, Any]) -> None:
    bindings = [r for r in deployment["resources"] if r["type"] == BINDING_TYPE]
    assert bindings
    for binding in bindings:
        for blob in (binding["inputs"]["__provider"], binding["outputs"]["__provider"]):
            assert isinstance(blob, str), blob  # not even a secret envelope: nothing to hide
            pickled = base64.b64decode(blob)
            assert b"pulumi_twilio_trunking.provider" in pickled
            assert b"TrunkPhoneNumberAssociationProvider" in pickled
            assert len(pickled) < 160, pickled  # a class reference and an empty instance, no state
            assert TOKEN.encode() not in pickled


def test_token_in_secret_stack_config(make_project: ProjectFactory) -> None:
    project = make_project(BINDINGS_PROGRAM)
    declared = numbers(2)
    seeded = project.seed(declared)
    project.configure()  # twilio:authToken set with --secret
    project.declare(seeded.trunks[0], declared)
    outputs = _up(project)
    assert not _holds_token(outputs)

    plain = project.pulumi.export_state()
    assert _token_locations(plain) == set()
    deployment = plain["deployment"]
    _assert_provider_blob_is_a_bare_class_reference(deployment)
    provider = deployment["resources"][_resource_index(deployment, DEFAULT_PROVIDER)]
    for side in ("inputs", "outputs"):
        envelope = provider[side]["twilio:authToken"]
        assert envelope[SECRET_SIG] == "1b47061264138c4ac30d75fd1eb44270"
        assert envelope["ciphertext"].startswith("v1:")
    assert _backend_files_hold_token(project) == []

    shown = project.pulumi.export_state(show_secrets=True)
    index = _resource_index(shown["deployment"], DEFAULT_PROVIDER)
    # The engine's default provider is the only place: its recorded config, decrypted by --show-secrets.
    assert _token_locations(shown) == {
        f"['deployment']['resources'][{index}]['{side}']['twilio:authToken']['plaintext']"
        for side in ("inputs", "outputs")
    }
    decrypted = shown["deployment"]["resources"][index]["inputs"]["twilio:authToken"]
    assert json.loads(decrypted["plaintext"]) == TOKEN
    _assert_provider_blob_is_a_bare_class_reference(shown["deployment"])


def test_token_in_the_environment_appears_in_no_export(make_project: ProjectFactory) -> None:
    project = make_project(BINDINGS_PROGRAM)
    declared = numbers(2)
    seeded = project.seed(declared)
    project.configure(credentials=False)
    project.pulumi.extra_env.update(
        {"TWILIO_ACCOUNT_SID": project.emulator.auth[0], "TWILIO_AUTH_TOKEN": TOKEN}
    )
    project.declare(seeded.trunks[0], declared)
    _up(project)
    project.assert_converged(seeded, seeded.trunks[0], declared)

    for show_secrets in (False, True):
        exported = project.pulumi.export_state(show_secrets=show_secrets)
        assert _token_locations(exported) == set()
        _assert_provider_blob_is_a_bare_class_reference(exported["deployment"])
    assert _backend_files_hold_token(project) == []


def test_the_token_detector_finds_every_form() -> None:
    """The checks above could not pass by accident: the detector sees the token in each form."""
    wrapped = base64.b64encode(b"prefix-" + json.dumps({"t": TOKEN}).encode()).decode()
    for text in (
        TOKEN,
        f"x{TOKEN}y",
        json.dumps(TOKEN),
        base64.b64encode(TOKEN.encode()).decode(),
        base64.urlsafe_b64encode(TOKEN.encode()).decode().rstrip("="),
        wrapped,
        f"ciphertext:{wrapped}",
    ):
        assert _holds_token(text), text
    for prefix in (b"", b"p", b"pq", b"pqr"):  # every alignment inside a longer base64 text
        assert _holds_token(f"ciphertext:{base64.b64encode(prefix + TOKEN.encode()).decode()}"), prefix
    assert not _holds_token(TOKEN[:-1] + "X")
    assert _token_locations({"a": [{"b": TOKEN}]}) == {"['a'][0]['b']"}


def test_a_token_in_plain_stack_config_is_warned_about_at_up(make_project: ProjectFactory) -> None:
    project = make_project(BINDINGS_PROGRAM)
    declared = numbers(2)
    seeded = project.seed(declared)
    project.configure(credentials=False)
    project.pulumi.set_config_values(
        {"twilio:accountSid": project.emulator.auth[0], "twilio:authToken": TOKEN}
    )
    project.declare(seeded.trunks[0], declared)
    up = project.pulumi.run("up", "--yes", "--skip-preview")
    text = " ".join((up.stdout + up.stderr).split())
    warning = "twilio-trunking: stack config twilio:authToken is not a secret"
    assert warning in text and "pulumi config set --secret twilio:authToken" in text, up.stdout
    assert TOKEN not in up.stdout + up.stderr
    # Once per run, not once per binding: the diagnostics (after the live display) hold it once.
    assert text.split("Diagnostics:", 1)[1].count(warning) == 1
    # Set as a secret, the warning goes away.
    project.pulumi.set_config_values({"twilio:authToken": TOKEN}, secret={"twilio:authToken"})
    again = project.pulumi.run("up", "--yes", "--skip-preview")
    assert warning not in " ".join((again.stdout + again.stderr).split())
