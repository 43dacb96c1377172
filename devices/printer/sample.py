"""A fixed, fictional receipt: for the test-print button, tests and the render benchmark.

It is deliberately hard to lay out: a long name full of stacked tone marks, a service title that
wraps, an address longer than two lines, an optional queue number.
"""

from __future__ import annotations

import datetime as dt

from kiosk.receipt import Receipt


def sample_receipt() -> Receipt:
    return Receipt(
        station_name="Công an phường Hoàn Kiếm, thành phố Hà Nội",
        service_title="Khai báo tạm vắng (đối với người đi khỏi nơi thường trú từ 12 tháng trở lên)",
        service_code="1.003677",
        submitted_at=dt.datetime(2026, 11, 26, 14, 5),
        tracking_code="7K3QX-M9T2B",
        qr_payload="https://dichvucong.bocongan.gov.vn/tra-cuu?ma=7K3QX-M9T2B",
        citizen_name="Hoàng Đình Nguyễn Thượng Khải Hoàn",
        lines=[
            ("Số định danh", "001090012345"),
            (
                "Nơi thường trú",
                "Số 18, ngõ 124 phố Nguyễn Khắc Nhu, tổ dân phố số 7, phường Trúc Bạch,"
                " quận Ba Đình, thành phố Hà Nội, Việt Nam",
            ),
            ("Nơi đến", "Thôn Lao Chải 1, xã Lao Chải, huyện Sa Pa, tỉnh Lào Cai"),
            ("Thời gian tạm vắng", "từ 01/12/2026 đến 30/11/2027"),
        ],
        next_steps="Cán bộ sẽ xử lý trong 1 ngày làm việc. Quét mã trên phiếu để xem kết quả.",
        where_to_ask="Bộ phận một cửa, tầng 1, Công an phường Hoàn Kiếm; điện thoại 024 3825 1234.",
        fee_text="Không thu lệ phí",
        queue_number="015",
    )
