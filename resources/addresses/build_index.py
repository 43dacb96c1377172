"""Regenerate resources/addresses/index/ from units.json (run after build_units.py):

    .venv/bin/python -m resources.addresses.build_index

units.json stays the record of what was taken from the package; the kiosk reads only the index. The
index holds what kiosk.addresses used to compute when the tables loaded (tone-free folded names, unit
types split off, Vietnamese collation order), computed here by the same functions, and is split so
that each look-up parses only a small file: a card's address needs the old province's file (~160
wards), the address picker one province's communes. Loading all 13 MB of tables at once cost the UI
thread ~85 ms on the first card read, and the first address picker as much.

Files (lists, to stay small):
- provinces.json: source, effective date; provinces [code, name, folded base] in collation order;
  old_provinces [code, folded base, [new province codes]]; commune_province [[commune, province]].
- communes-PP.json: the communes of current province PP, [code, name, folded name, folded short name]
  in collation order of their short names.
- old-PP.json: old (pre-2025) province PP: districts [code, folded base, type]; wards [code, name,
  district, partly_merged 0/1, [new commune codes], folded base, type].
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kiosk import addresses as a

HERE = Path(__file__).parent
OUT = HERE / "index"


def build(units: dict[str, Any]) -> dict[str, Any]:
    """File name -> content."""
    provinces = sorted(
        units["provinces"], key=lambda p: a.collation_key(a.Province("", a.nfc(p[1])).short_name)
    )
    commune_province = sorted([c, p] for c, _, p in units["communes"])
    files: dict[str, Any] = {
        "provinces.json": {
            "source": units["source"],
            "effective": units["effective"],
            "provinces": [[c, a.nfc(n), a._base(n, a._OLD_PROVINCE_TYPES)] for c, n in provinces],
            "old_provinces": [
                [c, a._base(n, a._OLD_PROVINCE_TYPES), new] for c, n, new in units["old_provinces"]
            ],
            "commune_province": commune_province,
        }
    }
    for code, _ in units["provinces"]:
        communes = [a.Commune(f"{c:05d}", a.nfc(n), "") for c, n, p in units["communes"] if p == code]
        communes.sort(key=lambda c: a.collation_key(c.short_name))
        files[f"communes-{code:02d}.json"] = [
            [int(c.code), c.name, a._number_words(c.name), a._number_words(c.short_name)] for c in communes
        ]
    district_province = {code: province for code, _, province in units["old_districts"]}
    for code, _, _ in units["old_provinces"]:
        districts = [
            [d, *reversed(a._split_type(name, a._DISTRICT_TYPES))]
            for d, name, province in units["old_districts"]
            if province == code
        ]
        wards = [
            [w, a.nfc(name), district, partly, new, *reversed(a._split_type(name, a._COMMUNE_TYPES))]
            for w, name, district, partly, new in units["old_wards"]
            if district_province[district] == code
        ]
        files[f"old-{code:02d}.json"] = {"districts": districts, "wards": wards}
    return files


def render(content: Any) -> str:
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> None:
    units = json.loads((HERE / "units.json").read_text("utf-8"))
    files = build(units)
    for stale in OUT.glob("*.json"):
        if stale.name not in files:
            stale.unlink()
    for name, content in files.items():
        (OUT / name).write_text(render(content), encoding="utf-8")
    print(f"{len(files)} files in {OUT}")


if __name__ == "__main__":
    main()
