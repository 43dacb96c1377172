"""The address index the kiosk reads is what build_index.py makes of units.json, file for file."""

from __future__ import annotations

import json
from pathlib import Path

from resources.addresses import build_index


def test_index_is_current_with_units_json() -> None:
    units = json.loads((build_index.HERE / "units.json").read_text("utf-8"))
    expected = build_index.build(units)
    on_disk = {p.name: p.read_text("utf-8") for p in Path(build_index.OUT).glob("*.json")}
    assert sorted(on_disk) == sorted(expected), "run: python -m resources.addresses.build_index"
    stale = [name for name, content in expected.items() if build_index.render(content) != on_disk[name]]
    assert not stale, f"stale index files {stale}: run python -m resources.addresses.build_index"


def test_every_converted_commune_is_in_the_index() -> None:
    units = json.loads((build_index.HERE / "units.json").read_text("utf-8"))
    known = {code for code, _, _ in units["communes"]}
    targets = {code for ward in units["old_wards"] for code in ward[4]}
    assert targets <= known  # parse_old_address can name every commune a ward was merged into
