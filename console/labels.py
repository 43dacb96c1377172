"""Officer-facing words of the console (Vietnamese; officers are Vietnamese)."""

from __future__ import annotations

STATUS_LABELS = {
    "received": "Đã tiếp nhận",
    "processing": "Đang xử lý",
    "needs_info": "Cần bổ sung",
    "done": "Đã giải quyết",
    "rejected": "Từ chối",
}
PAYMENT_LABELS = {"not_required": "Không thu phí", "unpaid": "Chưa nộp", "paid": "Đã nộp"}
METHOD_LABELS = {"cash": "Tiền mặt", "vietqr": "Chuyển khoản VietQR"}
PASSIVE_AUTH_LABELS = {
    "valid": "Hợp lệ (chữ ký chip được xác thực)",
    "invalid": "KHÔNG hợp lệ — dữ liệu chip bị sửa hoặc giả",
    "unknown_signer": "Không rõ cơ quan ký (thiếu chứng thư CSCA)",
    "not_checked": "Chưa kiểm tra",
}
HOLDER_LABELS = {
    "full_name": "Họ và tên",
    "id_number": "Số định danh cá nhân",
    "date_of_birth": "Ngày sinh",
    "sex": "Giới tính",
    "nationality": "Quốc tịch",
    "ethnicity": "Dân tộc",
    "religion": "Tôn giáo",
    "hometown": "Quê quán",
    "residence": "Nơi thường trú",
    "identifying_marks": "Đặc điểm nhận dạng",
    "issue_date": "Ngày cấp",
    "expiry_date": "Có giá trị đến",
    "father": "Họ tên cha",
    "mother": "Họ tên mẹ",
    "spouse": "Họ tên vợ/chồng",
    "old_id_number": "Số CMND cũ",
    "document_number": "Số giấy tờ",
    "card_serial": "Số sê-ri chip",
    "chip_auth": "Chip thật (chống sao chép)",
}
# Chip Authentication (`kiosk.ports.card.ChipAuth`): whether the chip is the original.
CHIP_AUTH_LABELS = {
    "genuine": "Chip thật (đã xác thực chip)",
    "not_checked": "Chưa kiểm tra (thẻ không hỗ trợ)",
    "failed": "KHÔNG qua — có thể là chip sao chép",
}
ROLE_LABELS = {"officer": "Cán bộ", "station_head": "Trưởng Công an xã", "technician": "Kỹ thuật viên"}
# The devices a station's heartbeat reports (`kiosk.app.root.station_devices`).
DEVICE_LABELS = {
    "printer": "Máy in phiếu",
    "database_pages": "Cơ sở dữ liệu",
    "free_disk": "Ổ đĩa",
    "sealed_data": "Khóa dữ liệu",
    "slip_signing": "Ký phiếu hẹn",
    "outbox": "Hồ sơ chờ gửi",
    "storage": "Lưu trữ",
}
EVENT_LABELS = {"status": "Đổi trạng thái", "filed": "Đã nộp lên hệ thống quốc gia", "payment": "Thanh toán"}
