"""Region and edge (``TWILIO_REGION``, ``twilio:edge``, ...) are checked before any request.

They become part of the host name (``trunking.EDGE.REGION.twilio.com``): a value holding ``@``, ``/``,
``?`` or ``:`` would send the request, with its credentials, to another host.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_twilio_trunking.config import resolve_config
from pulumi_twilio_trunking.errors import ConfigurationError
from tests.security.discover_cli import ACCOUNT, TOKEN, run_discover
from tests.security.fake_api import ConnectionCounter


@pytest.fixture
def connection_counter() -> Iterator[ConnectionCounter]:
    with ConnectionCounter() as counter:
        yield counter


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TWILIO_REGION", "@127.0.0.1:{port}/"),
        ("TWILIO_EDGE", "@127.0.0.1:{port}/"),
        ("TWILIO_EDGE", "x@127.0.0.1:{port}?"),
        ("TWILIO_REGION", "us1@127.0.0.1:{port}#"),
    ],
)
def test_a_hostile_region_or_edge_never_reaches_another_host(
    tmp_path: Path, connection_counter: ConnectionCounter, variable: str, value: str
) -> None:
    hostile = value.format(port=connection_counter.port)
    result = run_discover("", tmp_path / "out", env={variable: hostile})
    assert result.returncode == 2, result.stderr
    assert connection_counter.connections == 0
    (line,) = result.stderr.strip().splitlines()
    assert f"environment variable {variable}" in line
    assert ("us1, ie1, au1" if variable == "TWILIO_REGION" else "ashburn, dublin") in line
    assert TOKEN not in line


def settings_error(**config: str) -> str:
    values = {"twilio:accountSid": ACCOUNT, "twilio:authToken": TOKEN, **config}
    with pytest.raises(ConfigurationError) as caught:
        resolve_config(values.get, {}).client_settings()
    return str(caught.value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("twilio:region", "IE1"),
        ("twilio:region", "ie1.evil.example"),
        ("twilio:region", "ie1/"),
        ("twilio:edge", "dublin?x="),
        ("twilio:edge", "-dublin"),
        ("twilio:edge", "dub lin"),
        ("twilio:edge", "a" * 40),
        ("twilio:region", "ie1\n"),
    ],
)
def test_stack_config_values_of_the_wrong_form_name_their_key(key: str, value: str) -> None:
    message = settings_error(**{key: value})
    assert message.startswith(f"stack config {key} must be ")
    assert repr(value)[:20] in message


@pytest.mark.parametrize(
    ("region", "edge"),
    [("us1", "ashburn"), ("ie1", "dublin"), ("au1", "sydney"), (None, "sao-paulo"), ("us1", "ashburn-ix")],
)
def test_documented_regions_and_edges_are_accepted(region: str | None, edge: str) -> None:
    values = {"twilio:accountSid": ACCOUNT, "twilio:authToken": TOKEN, "twilio:edge": edge}
    if region:
        values["twilio:region"] = region
    settings = resolve_config(values.get, {}).client_settings()
    assert (settings.region, settings.edge) == (region, edge)
