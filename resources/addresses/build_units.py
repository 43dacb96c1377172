"""Regenerate units.json from the `vietnam-provinces` package (run by hand when the package updates).

units.json is the record of what was taken from the package; the kiosk reads the index that
build_index.py makes of it (run it after this). The package's Python tables cost ~1.5 s and ~190 MB
to import and its versions with the pre-2025 tables need Python >= 3.12. To refresh:

    pip download vietnam-provinces==2026.9.0 --no-deps --python-version 3.12 --only-binary=:all: -d /tmp/vp
    unzip -q /tmp/vp/vietnam_provinces-*.whl -d /tmp/vp/x
    PYTHONPATH=/tmp/vp/x python -m resources.addresses.build_units
    python -m resources.addresses.build_index

Layout (lists, to stay small): provinces [code, name]; communes [code, name, province]; old_provinces
[code, name, [new provinces]]; old_districts [code, name, old province]; old_wards [code, name, old district,
partly_merged 0/1, [new commune codes]].
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("units.json")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def build() -> dict[str, Any]:
    import vietnam_provinces as vp
    from vietnam_provinces import _province_conversion_2025 as province_conv
    from vietnam_provinces import _ward_conversion_2025 as ward_conv
    from vietnam_provinces import legacy

    old_provinces = []
    for p in legacy.Province.iter_all():
        entry = province_conv.OLD_TO_NEW[int(p.code)]
        old_provinces.append([int(p.code), _nfc(p.name), [n.code for n in entry.new_provinces]])
    old_wards = []
    for w in legacy.Ward.iter_all():
        conv = ward_conv.OLD_TO_NEW.get(int(w.code))
        new = [n.code for n in conv.new_wards] if conv else []
        partly = int(conv.old_ward.is_partly_merged) if conv else 0
        old_wards.append([int(w.code), _nfc(w.name), int(w.district_code), partly, new])
    return {
        "source": f"vietnam-provinces {vp.__version__} (data {vp.__data_version__}), GPL-3.0-or-later",
        "effective": ward_conv.EFFECTIVE_DATE,
        "provinces": [[int(p.code), _nfc(p.name)] for p in vp.Province.iter_all()],
        "communes": [[int(w.code), _nfc(w.name), int(w.province_code)] for w in vp.Ward.iter_all()],
        "old_provinces": old_provinces,
        "old_districts": [
            [int(d.code), _nfc(d.name), int(d.province_code)] for d in legacy.District.iter_all()
        ],
        "old_wards": old_wards,
    }


def main() -> None:
    data = build()
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(OUT, {k: len(v) for k, v in data.items() if isinstance(v, list)})


if __name__ == "__main__":
    main()
