"""Citizens and their temporary-absence declarations as a commune station would send them, for
the hub's bench: Vietnamese names with their diacritics (NFC), real current-unit addresses
(`kiosk.addresses`: the 34 provinces and their communes), plausible dates and reasons.

The names are drawn from common family, middle and given names, so the hub's name index gets
the tokens and word pairs of real three- and four-word names (`holder["full_name"]`, as the
chip gives it: two multi-row inserts per dossier, part of what the hub pays per submission;
the benches before session 8 sent `holder["name"]`, which nothing indexes). Seeded: two runs
send the same people.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from typing import Any

from kiosk import addresses
from kiosk.dossier import Dossier
from kiosk.trackcode import new_code

SERVICE = "1.003677"  # Khai báo tạm vắng (resources/services/khai_bao_tam_vang.toml)
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
          "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Lương", "Mai", "Tạ", "Quách"]  # fmt: skip
MIDDLE_MEN = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Xuân", "Công", "Thành", "Trọng", "Bá"]
MIDDLE_WOMEN = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hồng", "Mỹ", "Bảo", "Diệu", "Phương"]
GIVEN_MEN = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Nam",
             "Phong", "Phúc", "Quân", "Sơn", "Thắng", "Toàn", "Trung", "Tuấn", "Việt", "Vinh"]  # fmt: skip
GIVEN_WOMEN = ["Anh", "Châu", "Giang", "Hà", "Hạnh", "Hằng", "Hương", "Lan", "Linh", "Mai", "Nga",
               "Ngân", "Nhung", "Oanh", "Quỳnh", "Thảo", "Thủy", "Trang", "Uyên", "Vân", "Yến"]  # fmt: skip
STREETS = ["Trần Hưng Đạo", "Lê Lợi", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Phan Đình Phùng",
           "Quang Trung", "Điện Biên Phủ", "Nguyễn Trãi", "Lê Duẩn", "Hùng Vương", "Võ Thị Sáu"]  # fmt: skip
VILLAGES = ["Thôn Đông", "Thôn Trung Hòa", "Xóm Bến", "Ấp Tân Phú", "Bản Nà Lừa", "Tổ dân phố 5"]
REASONS = ["work", "study", "health", "family", "other"]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class People:
    """A seeded source of citizens, addresses and declarations."""

    def __init__(self, seed: int = 13) -> None:
        self._random = random.Random(seed)
        self._provinces = addresses.provinces()

    def name(self) -> tuple[str, str]:
        """A full name and the sex on the card ("Nam" or "Nữ")."""
        r = self._random
        woman = r.random() < 0.5
        parts = [r.choice(FAMILY), r.choice(MIDDLE_WOMEN if woman else MIDDLE_MEN)]
        if woman and r.random() < 0.3:  # four words: "Nguyễn Thị Thu Hà"
            parts.append(r.choice(MIDDLE_WOMEN))
        parts.append(r.choice(GIVEN_WOMEN if woman else GIVEN_MEN))
        return _nfc(" ".join(dict.fromkeys(parts))), "Nữ" if woman else "Nam"  # no word twice

    def address(self) -> dict[str, Any]:
        r = self._random
        province = r.choice(self._provinces)
        commune = r.choice(addresses.communes(province.code))
        if r.random() < 0.5:
            street = f"Số {r.randint(1, 299)}, đường {r.choice(STREETS)}"
        else:
            street = r.choice(VILLAGES)
        return addresses.Address(
            province_code=province.code, province_name=province.name,
            commune_code=commune.code, commune_name=commune.name, street=_nfc(street),
        ).to_dict()  # fmt: skip

    def id_number(self, born: dt.date, sex: str) -> str:
        # CCCD: province of birth (3 digits), sex and century (0/1 before 2000, 2/3 after),
        # year of birth (2), then 6 digits.
        r = self._random
        sex_century = (0 if born.year < 2000 else 2) + (sex == "Nữ")
        province = r.choice(["001", "031", "048", "079", "092"])
        return f"{province}{sex_century}{born.year % 100:02d}{r.randint(0, 999_999):06d}"

    def declaration(self, station_id: str, now: dt.datetime) -> Dossier:
        """A temporary-absence declaration filed at `station_id` now."""
        r = self._random
        born = dt.date(r.randint(1950, 2006), r.randint(1, 12), r.randint(1, 28))
        leaving = now.date() + dt.timedelta(days=r.randint(0, 10))
        fields = {
            "destination": self.address(),
            "date_from": leaving.isoformat(),
            "date_to": (leaving + dt.timedelta(days=r.randint(3, 120))).isoformat(),
            "reason": r.choice(REASONS),
        }
        home, hometown = self.address(), self.address()
        full_name, sex = self.name()
        holder = {  # the chip's fields, as the kiosk keeps them (`devices.card.Holder`)
            "full_name": full_name,
            "id_number": self.id_number(born, sex),
            "date_of_birth": born.isoformat(),
            "sex": sex,
            "nationality": "Việt Nam",
            "ethnicity": "Kinh",
            "hometown": _nfc(f"{hometown['commune_name']}, {hometown['province_name']}"),
            "residence": _nfc(f"{home['street']}, {home['commune_name']}, {home['province_name']}"),
        }
        return Dossier(new_code(), SERVICE, 1, station_id, now, fields, holder, consented_at=now)
