"""The officer reads and files a dossier's answers as words (the national portal asks for the
same words the citizen's receipt shows), not the codes the kiosk stores."""

from __future__ import annotations

import datetime as dt

from console.filing import filing_rows
from kiosk.catalog import load_catalog
from kiosk.dossier import Dossier

ADDRESS = {
    "province_code": "48",
    "province_name": "Thành phố Đà Nẵng",
    "commune_code": "20275",
    "commune_name": "Phường An Hải",
    "street": "Tổ 5",
}


def test_answers_read_as_on_the_receipt() -> None:
    service = load_catalog().get("dang-ky-tam-tru")
    dossier = Dossier(
        "7K3QXM9T2B",
        service.code,
        service.version,
        "st-1",
        dt.datetime(2026, 12, 3, 17, 54),
        fields={
            "address": ADDRESS,
            "basis": "rented",
            "date_from": "2026-12-03",
            "date_to": "2027-02-04",
            "papers_rented": ["lease"],
        },
        holder={"full_name": "Nguyễn Thị Hằng", "id_number": "048303004567"},
    )
    rows = {field_id: value for field_id, _label, value in filing_rows(service, dossier)}
    assert rows["address"] == "Tổ 5, Phường An Hải, Thành phố Đà Nẵng"
    assert rows["basis"] == "Nhà thuê, phòng trọ, mượn, ở nhờ"
    assert (rows["date_from"], rows["date_to"]) == ("03/12/2026", "04/02/2027")
    assert rows["papers_rented"] == "Hợp đồng thuê hoặc giấy cho mượn, cho ở nhờ"
    assert rows["full_name"] == "Nguyễn Thị Hằng"
