"""Why the province hub refused something, in plain Vietnamese for the officer.

What is stored (a station's `station_changes.reason`, an outbox row's `last_error`, the hub's
answer to a change) keeps the hub's own words, in English, for the technician and the audit;
the officer reads this module's sentence, with what to do when there is something to do. The
shapes read here are the ones the code writes: `kiosk.desk.status_refusal` (a transition the
rules forbid), `hub.client.HubAnswer` ("hub answered 403 revoked: …", the refusal reasons of
`hub.api`), `hub.station_tasks.forward_changes` (a dossier never delivered, or itself refused)
and `kiosk.outbox` (a rejected delivery). Anything else is shown as "Tỉnh từ chối" with the
hub's words after it, never hidden.
"""

from __future__ import annotations

import re

from console.labels import STATUS_LABELS

# The reason codes of the hub's refusals (`hub.api` module docstring, `kiosk.request_signing`).
HUB_REASONS = {
    "revoked": "Tỉnh đã thu hồi quyền gửi của trạm này: báo cán bộ kỹ thuật để đăng ký lại trạm",
    "unknown_key": "Tỉnh không nhận ra khóa của trạm: báo cán bộ kỹ thuật để đăng ký lại trạm",
    "bad_signature": "Chữ ký của trạm không đúng: báo cán bộ kỹ thuật kiểm tra khóa của trạm",
    "bad_digest": "Dữ liệu bị hỏng trên đường truyền: trạm sẽ gửi lại, nếu còn lỗi hãy báo cán bộ kỹ thuật",
    "malformed": "Yêu cầu gửi lên không đúng mẫu: báo cán bộ kỹ thuật",
    "stale": "Đồng hồ của máy trạm lệch quá 5 phút so với tỉnh: chỉnh lại giờ máy trạm",
    "replay": "Yêu cầu này đã được gửi một lần rồi nên tỉnh không nhận lại",
    "posing_as_another": "Hồ sơ mang mã của trạm khác: báo cán bộ kỹ thuật kiểm tra mã trạm",
    "conflict": "Mã hồ sơ này ở tỉnh đã thuộc về một hồ sơ khác: báo cán bộ kỹ thuật",
    "bad_body": "Tỉnh không đọc được dữ liệu gửi lên: báo cán bộ kỹ thuật",
    "bad_request": "Tỉnh không đọc được dữ liệu gửi lên: báo cán bộ kỹ thuật",
    "bad_query": "Tỉnh không đọc được dữ liệu gửi lên: báo cán bộ kỹ thuật",
    "idempotency_key": "Tỉnh không đọc được dữ liệu gửi lên: báo cán bộ kỹ thuật",
    "bad_key": "Khóa của trạm không đúng dạng: báo cán bộ kỹ thuật đăng ký lại trạm",
    "enrolment_refused": "Tỉnh không chấp nhận mã đăng ký trạm: xin tỉnh một mã mới",
    "too_large": "Tệp đính kèm quá lớn nên tỉnh không nhận",
}

_FINAL = re.compile(r"^the dossier is (\w+): its status no longer changes$")
_TRANSITION = re.compile(r"^a dossier (\w+) cannot become (\w+)$")
_UNKNOWN_STATUS = re.compile(r"^unknown status ")
_HUB_ANSWERED = re.compile(r"^hub answered (\d{3}) (\w*): ?(.*)$", re.DOTALL)
_NEVER_SENT = re.compile(r": it was never delivered there$")
_DOSSIER_REFUSED = re.compile(r"^the hub refused the dossier itself \((.*)\)$", re.DOTALL)
_REJECTED = "DeliveryRejected: "
_NOT_AT_STATION = re.compile(r"^\w+: the dossier is not in the station database$")
_PHOTO = "photo: "


def _status(code: str) -> str:
    return STATUS_LABELS.get(code, code)


def plain_refusal(reason: str) -> str:
    """The officer's sentence for a refusal as it was stored; "" stays "" (nothing refused)."""
    text = reason.strip()
    if not text:
        return ""
    text = text.removeprefix(_REJECTED)
    if match := _DOSSIER_REFUSED.match(text):
        return f"Tỉnh đã từ chối nhận chính hồ sơ này ({_lower_first(plain_refusal(match.group(1)))})"
    if _NEVER_SENT.search(text):
        return (
            "Hồ sơ này chưa từng được gửi lên tỉnh (làm trước khi trạm kết nối với tỉnh), "
            "nên tỉnh không áp dụng thay đổi"
        )
    if text.startswith(_PHOTO):
        return f"Ảnh chân dung của hồ sơ không gửi được: {_lower_first(plain_refusal(text[len(_PHOTO) :]))}"
    if match := _HUB_ANSWERED.match(text):
        status, code, detail = match.groups()
        if code in HUB_REASONS:
            return HUB_REASONS[code]
        return plain_refusal(detail) if detail else f"Tỉnh từ chối (mã {status})"
    if match := _FINAL.match(text):
        return f"Hồ sơ đã ở trạng thái «{_status(match.group(1))}» nên không đổi trạng thái được nữa"
    if match := _TRANSITION.match(text):
        current, new = (_status(g) for g in match.groups())
        return f"Hồ sơ đang «{current}» thì không chuyển thẳng sang «{new}» được"
    if _UNKNOWN_STATUS.match(text):
        return "Trạng thái mới không có trong danh mục trạng thái"
    if _NOT_AT_STATION.match(text):
        return "Hồ sơ không còn trong cơ sở dữ liệu của trạm (hoặc không mở được): báo cán bộ kỹ thuật"
    return f"Tỉnh từ chối: {text}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
