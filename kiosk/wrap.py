"""Line breaks at phrase boundaries for Vietnamese (issue 11: "cư / trú" split over two lines).

Vietnamese writes a space between the syllables of one word, so a renderer breaking at spaces
breaks inside words. `keep_phrases` joins the syllables of the words and set phrases below with
no-break spaces; a line then breaks only between them. The list holds the words of the catalog's
titles and summaries and of the menu; a station's new service may add to it (`PHRASES`).
"""

from __future__ import annotations

import re
import unicodedata

NO_BREAK = "\u00a0"
WORD_JOINER = "\u2060"  # no line break on either side; drawn as nothing

PHRASES = (
    # residence and identity
    "cư trú", "tạm trú", "thường trú", "tạm vắng", "lưu trú", "nơi ở", "chủ hộ", "căn cước",
    "thẻ căn cước", "Chứng minh nhân dân", "9 số", "định danh", "điện tử", "mức độ 2", "mức 2",
    "tài khoản", "hộ chiếu", "phổ thông", "nước ngoài", "ở trong nước", "lý lịch", "tư pháp",
    "án tích", "giấy phép", "lái xe", "bằng lái xe", "biển số", "mô tô", "xe máy", "lần đầu",
    "giao thông", "vi phạm", "tiền phạt", "nộp phạt", "tra cứu",
    # verbs and the rest
    "đăng ký", "điều chỉnh", "gia hạn", "xác nhận", "thông tin", "cấp đổi", "cấp lại", "khai báo",
    "thông báo", "công an", "hư hỏng", "thay đổi", "đến tuổi", "lâu dài", "ổn định", "thời hạn",
    "hết hạn", "làm lại", "kéo dài", "đi khỏi", "một thời gian", "ngủ lại", "30 ngày", "dưới 30 ngày",
    "mới mua", "đã mất", "chuyển đi", "không còn", "điện thoại", "thủ tục", "giấy xác nhận",
    "Ông/Bà", "kết quả", "tin nhắn", "liên hệ", "họ và tên",
)  # fmt: skip

# A slash between two words ("Ông/Bà", "ngày/tháng"): a renderer may break after it (UAX #14).
_SLASH = re.compile(r"(?<=\w)/(?=\w)")


def _pattern() -> re.Pattern[str]:
    # Longest first, so "thẻ căn cước" wins over "căn cước"; whole words only.
    words = sorted({unicodedata.normalize("NFC", p) for p in PHRASES}, key=len, reverse=True)
    alternatives = "|".join(re.escape(w).replace(r"\ ", " ") for w in words)
    return re.compile(rf"(?<!\w)({alternatives})(?!\w)", re.IGNORECASE)


_PHRASE = _pattern()


def keep_phrases(text: str) -> str:
    """`text` for the screen: the spaces inside known words and phrases made no-break spaces, and
    a word joiner after a slash between words. Only for display: speech and records keep the text."""
    kept = _PHRASE.sub(lambda m: m.group(0).replace(" ", NO_BREAK), unicodedata.normalize("NFC", text))
    return _SLASH.sub("/" + WORD_JOINER, kept)


def plain(shown: str) -> str:
    """The text `keep_phrases` made, as it reads (for speech, search and comparisons)."""
    return shown.replace(NO_BREAK, " ").replace(WORD_JOINER, "")
