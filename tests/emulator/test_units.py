"""Unit tests of the store and the paging logic (no HTTP)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twilio_trunking_emulator.backend.exceptions import (
    AlreadyBoundError,
    DuplicateError,
    UnknownPhoneNumberError,
    UnknownTrunkError,
)
from twilio_trunking_emulator.backend.paging import PageRequest, PageToken, paginate
from twilio_trunking_emulator.backend.rows import default_friendly_name
from twilio_trunking_emulator.backend.seed import SeedError, load_seed_file, parse_seed
from twilio_trunking_emulator.backend.store import Store

APP = "AP" + "1" * 32


@pytest.fixture
def store() -> Store:
    return Store()


def test_binding_invariants(store: Store) -> None:
    a = store.create_trunk({}).sid
    b = store.create_trunk({}).sid
    pn = store.create_number({"phone_number": "+14155550100", "voice_application_sid": APP}).sid

    bound = store.bind_number(a, pn, "reject")
    assert (bound.trunk_sid, bound.voice_application_sid) == (a, None)
    with pytest.raises(AlreadyBoundError) as excinfo:
        store.bind_number(b, pn, "reject")
    assert excinfo.value.trunk_sid == a
    assert store.bind_number(b, pn, "move").trunk_sid == b

    with pytest.raises(UnknownPhoneNumberError):
        store.unbind_number(a, pn)
    store.unbind_number(b, pn)
    unbound = store.get_number(pn)
    assert unbound is not None
    assert unbound.trunk_sid is None

    with pytest.raises(UnknownTrunkError):
        store.bind_number("TK" + "0" * 32, pn, "move")
    with pytest.raises(UnknownPhoneNumberError):
        store.bind_number(a, "PN" + "0" * 32, "move")

    updated = store.update_number(pn, {"trunk_sid": a})
    assert updated.trunk_sid == a
    updated = store.update_number(pn, {"voice_application_sid": APP})
    assert (updated.trunk_sid, updated.voice_application_sid) == (None, APP)


def test_uniqueness(store: Store) -> None:
    store.create_trunk({"domain_name": "a.pstn.twilio.com"})
    with pytest.raises(DuplicateError):
        store.create_trunk({"domain_name": "a.pstn.twilio.com"})
    store.create_number({"phone_number": "+14155550100"})
    with pytest.raises(DuplicateError):
        store.create_number({"phone_number": "+14155550100"})


def test_update_without_change_keeps_date_updated() -> None:
    ticks = iter(f"2020-01-01T00:00:{i:02d}Z" for i in range(60))
    store = Store(clock=lambda: next(ticks))
    trunk = store.create_trunk({"friendly_name": "x"})
    assert store.update_trunk(trunk.sid, {"friendly_name": "x"}).date_updated == trunk.date_updated
    assert store.update_trunk(trunk.sid, {"friendly_name": "y"}).date_updated != trunk.date_updated


def test_file_store_persists(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite"
    first = Store(str(db))
    tk = first.create_trunk({"friendly_name": "kept"}).sid
    first.close()
    second = Store(str(db))
    kept = second.get_trunk(tk)
    assert kept is not None
    assert kept.friendly_name == "kept"
    second.close()


def test_seed_file_round_trip(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "seed.json"
    path.write_text('{"phone_numbers": [{"phone_number": "+14155550100"}]}')
    result = store.apply_seed(load_seed_file(path))
    assert result["phone_numbers"][0]["friendly_name"] == "(415) 555-0100"
    path.write_text("{not json")
    with pytest.raises(SeedError, match="not valid JSON"):
        load_seed_file(path)
    with pytest.raises(SeedError, match="cannot read"):
        load_seed_file(tmp_path / "missing.json")
    with pytest.raises(SeedError):
        parse_seed([])


def test_default_friendly_name() -> None:
    assert default_friendly_name("+14155550100") == "(415) 555-0100"
    assert default_friendly_name("+442071838750") == "+442071838750"


def _walk(keys: list[str], size: int) -> list[list[str]]:
    pages = []
    request = PageRequest(page_size=size, page=None, token=None)
    while True:
        result = paginate(keys, lambda k: k, request)
        pages.append(result.items)
        if result.next_token is None:
            return pages
        request = PageRequest(page_size=size, page=result.page + 1, token=result.next_token)


@settings(max_examples=60, deadline=None)
@given(
    keys=st.lists(st.text("0123456789abcdef", min_size=4, max_size=4), unique=True, max_size=40),
    size=st.integers(min_value=1, max_value=12),
)
def test_paging_yields_every_item_once(keys: list[str], size: int) -> None:
    keys.sort()
    pages = _walk(keys, size)
    assert [k for page in pages for k in page] == keys
    assert all(0 < len(p) <= size for p in pages) or keys == []


def test_paging_survives_deletion_between_pages() -> None:
    keys = [f"{i:02d}" for i in range(10)]
    first = paginate(keys, lambda k: k, PageRequest(page_size=4, page=None, token=None))
    assert first.next_token == PageToken("after", "03")
    remaining = [k for k in keys if k not in ("03", "04")]
    second = paginate(remaining, lambda k: k, PageRequest(4, 1, first.next_token))
    assert second.items == ["05", "06", "07", "08"]


def test_page_before_token() -> None:
    keys = [f"{i:02d}" for i in range(10)]
    result = paginate(keys, lambda k: k, PageRequest(3, 1, PageToken("before", "06")))
    assert result.items == ["03", "04", "05"]


def test_offset_page_without_token() -> None:
    keys = [f"{i:02d}" for i in range(10)]
    result = paginate(keys, lambda k: k, PageRequest(3, 1, None))
    assert result.items == ["03", "04", "05"]
    assert (result.page, result.start, result.has_previous) == (1, 3, True)
    assert result.next_token == PageToken("after", "05")
