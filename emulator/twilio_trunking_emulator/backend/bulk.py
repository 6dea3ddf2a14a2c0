"""Generated bulk data: many numbers bound to many trunks, inserted with ``executemany``.

``POST /_emulator/seed`` with ``{"generate": {...}}`` (or :meth:`.store.Store.generate`) takes::

    {"numbers": 50000,          # how many numbers to provision
     "trunks": 20,              # how many trunks to create
     "bound": [5000, 2000],     # numbers to put on trunk 0, 1, ... (an int: the same on each)
     "first_number": "+12000000000",   # optional: the numbers count up from here
     "friendly_name_prefix": "Bulk"}   # optional: trunks are named "<prefix> trunk <i>"

Numbers already in the store are skipped (the next free one is taken), so generating twice
adds more numbers rather than failing.
"""

from __future__ import annotations

from collections.abc import Iterator, Set
from dataclasses import dataclass
from typing import Any

from ..constants import E164_RE
from ..jsonobject import json_object
from .rows import Rows, new_sid, number_row
from .schema import INSERT_NUMBER
from .seed import SeedError

_KEYS = frozenset({"numbers", "trunks", "bound", "first_number", "friendly_name_prefix"})
MAX_GENERATED_NUMBERS = 1_000_000
MAX_GENERATED_TRUNKS = 10_000


@dataclass(frozen=True)
class GenerateSpec:
    numbers: int
    trunks: int
    bound: tuple[int, ...]
    """Numbers per trunk, by trunk index (shorter than ``trunks`` leaves the rest empty)."""
    first_number: str = "+12000000000"
    friendly_name_prefix: str = "Bulk"


def parse_generate_spec(data: object) -> GenerateSpec:
    data = json_object(
        data, _KEYS, SeedError, "generate must be a JSON object", "generate has unknown keys: {}"
    )
    numbers = _count(data.get("numbers", 0), "generate.numbers", MAX_GENERATED_NUMBERS)
    trunks = _count(data.get("trunks", 0), "generate.trunks", MAX_GENERATED_TRUNKS)
    raw_bound = data.get("bound", 0)
    if isinstance(raw_bound, list):
        bound = tuple(_count(b, f"generate.bound[{i}]", numbers) for i, b in enumerate(raw_bound))
        if len(bound) > trunks:
            raise SeedError("generate.bound has more entries than generate.trunks")
    else:
        bound = (_count(raw_bound, "generate.bound", numbers),) * trunks
    if sum(bound) > numbers:
        raise SeedError(f"generate.bound puts {sum(bound)} numbers on trunks but only {numbers} exist")
    first = data.get("first_number", "+12000000000")
    if not isinstance(first, str) or not E164_RE.match(first) or len(str(int(first[1:]) + numbers)) > 15:
        raise SeedError("generate.first_number must be an E.164 number with room to count up")
    prefix = data.get("friendly_name_prefix", "Bulk")
    if not isinstance(prefix, str):
        raise SeedError("generate.friendly_name_prefix must be a string")
    return GenerateSpec(numbers, trunks, bound, first, prefix)


def generate(rows: Rows, spec: GenerateSpec) -> dict[str, Any]:
    """Create ``spec.trunks`` trunks and ``spec.numbers`` numbers in the transaction of ``rows``.

    Returns the new trunks as JSON and the number counts.
    """
    trunk_sids = [rows.insert_trunk(_trunk_fields(spec, i), None).sid for i in range(spec.trunks)]
    taken = {row[0] for row in rows.conn.execute("SELECT phone_number FROM phone_numbers")}
    now = rows.clock()
    values = (
        number_row({"phone_number": phone, "trunk_sid": trunk}, new_sid("PN"), now)
        for phone, trunk in zip(
            _free_phone_numbers(spec.first_number, spec.numbers, taken),
            _trunk_assignments(spec, trunk_sids),
            strict=True,
        )
    )
    rows.conn.executemany(INSERT_NUMBER, values)
    trunks = [rows.trunk(sid) for sid in trunk_sids]
    return {
        "trunks": [t.to_json() for t in trunks if t is not None],
        "phone_numbers": spec.numbers,
        "bound": sum(spec.bound),
    }


def _count(value: object, where: str, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        raise SeedError(f"{where} must be an integer between 0 and {maximum}")
    return value


def _free_phone_numbers(first: str, count: int, taken: Set[str]) -> Iterator[str]:
    """``count`` E.164 numbers counting up from ``first``, skipping the ``taken`` ones."""
    value = int(first[1:])
    produced = 0
    while produced < count:
        candidate = f"+{value}"
        value += 1
        if len(candidate) > 16:
            raise SeedError("generate.first_number leaves no room for that many numbers")
        if candidate not in taken:
            produced += 1
            yield candidate


def _trunk_assignments(spec: GenerateSpec, trunk_sids: list[str]) -> Iterator[str | None]:
    """The trunk of each generated number, in order: the bound ones first, then ``None``."""
    for sid, count in zip(trunk_sids, spec.bound, strict=False):
        for _ in range(count):
            yield sid
    for _ in range(spec.numbers - sum(spec.bound)):
        yield None


def _trunk_fields(spec: GenerateSpec, index: int) -> dict[str, Any]:
    return {"friendly_name": f"{spec.friendly_name_prefix} trunk {index}"}
