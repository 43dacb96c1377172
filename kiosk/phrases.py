"""The words of the kiosk itself (buttons, prompts, messages), apart from the service catalog.

Polite address ("Ông/Bà"), short sentences, no codes: see ux.md. Every phrase has every language.
"""

from __future__ import annotations

from kiosk.ports.card import CardErrorReason
from kiosk.text import Text

T = Text.of

CALL_OFFICER = T("Gọi cán bộ", "Call officer")
LISTEN_AGAIN = T("Nghe lại", "Listen again")
OTHER_LANGUAGE = T("English", "Tiếng Việt")
TEXT_SIZE = T("Chữ to", "Large text")
BACK = T("Quay lại", "Back")
NEXT = T("Tiếp tục", "Continue")
SEND = T("Gửi hồ sơ", "Send")
SEND_AGAIN = T("Gửi lại", "Send again")
FINISH = T("Xong", "Finish")
STEP_OF = T("Bước {n}/{total}", "Step {n} of {total}")

IDLE_TITLE = T("Dịch vụ công tự phục vụ", "Self-service public services")
IDLE_SUBTITLE = T("Công an xã, phường", "Commune police")
IDLE_TOUCH = T("Chạm vào màn hình để bắt đầu", "Touch the screen to start")
MENU_TITLE = T("Ông/Bà cần làm thủ tục gì?", "Which service do you need?")

INTRO_WHO = T("Ai cần làm", "Who needs it")
INTRO_PAPERS = T("Cần mang theo", "What to bring")
INTRO_FEE = T("Lệ phí", "Fee")
INTRO_TIME = T("Thời gian giải quyết", "Processing time")
INTRO_LAW = T("Căn cứ", "Legal basis")
FREE = T("Không thu lệ phí", "No fee")
MONEY = T("{amount} đồng", "{amount} VND")

CARD_ENTER_ID = T("Nhập 12 số in trên thẻ", "Type the 12 digits on the card")
CARD_WAITING = T("Đang chờ thẻ trên đầu đọc", "Waiting for the card on the reader")
CARD_PRESENT = T("Đã thấy thẻ. Ông/Bà nhập 12 số trên thẻ", "Card found. Type the 12 digits on the card")
CARD_READING = T("Đang đọc thẻ, Ông/Bà để yên thẻ", "Reading the card, please keep it still")
CARD_READ = T("Đã đọc xong thẻ", "The card has been read")
CARD_NO_READER = T(
    "Không thấy đầu đọc thẻ. Ông/Bà bấm Gọi cán bộ",
    "The card reader is not connected. Please call an officer",
)
CARD_ERRORS: dict[CardErrorReason, Text] = {
    CardErrorReason.NO_READER: CARD_NO_READER,
    CardErrorReason.NO_CARD: T(
        "Chưa thấy thẻ. Ông/Bà đặt thẻ lên đầu đọc", "No card yet. Place it on the reader"
    ),
    CardErrorReason.CARD_REMOVED: T(
        "Thẻ bị nhấc ra. Ông/Bà đặt lại thẻ và để yên", "The card was moved. Place it again and keep it still"
    ),
    CardErrorReason.WRONG_KEY: T(
        "Số đã nhập không khớp với thẻ. Ông/Bà kiểm tra lại 12 số in trên thẻ",
        "The number does not match the card. Check the 12 digits printed on it",
    ),
    CardErrorReason.NOT_ID_CARD: T(
        "Đây không phải thẻ căn cước. Ông/Bà đặt thẻ căn cước gắn chip",
        "This is not an ID card. Please place your chip ID card",
    ),
    CardErrorReason.BAD_RESPONSE: T(
        "Chưa đọc được thẻ. Ông/Bà nhấc thẻ ra rồi đặt lại",
        "The card could not be read. Lift it and place it again",
    ),
    CardErrorReason.TIMEOUT: T(
        "Thẻ không trả lời. Ông/Bà nhấc thẻ ra rồi đặt lại",
        "The card did not answer. Lift it and place it again",
    ),
    CardErrorReason.NEEDS_KEY: T("Ông/Bà nhập 12 số in trên thẻ", "Type the 12 digits printed on the card"),
}

ID_TITLE = T("Đây có phải là Ông/Bà không?", "Is this you?")
ID_YES = T("Đúng, tiếp tục", "Yes, continue")
ID_NO = T("Không phải tôi", "This is not me")
ID_NAME = T("Họ và tên", "Full name")
ID_DOB = T("Ngày sinh", "Date of birth")
ID_NUMBER = T("Số định danh", "ID number")
ID_ADDRESS = T("Nơi thường trú", "Permanent residence")
ID_SEX = T("Giới tính", "Sex")

REVIEW_EDIT = T("Sửa", "Change")
REVIEW_PERSON = T("Người khai", "Applicant")

SUBMITTING = T("Đang gửi hồ sơ, Ông/Bà chờ một chút", "Sending your application, please wait")
DONE_TITLE = T("Đã gửi hồ sơ", "Application sent")
DONE_CODE = T("Mã hồ sơ của Ông/Bà", "Your tracking code")
PRINTING = T("Đang in phiếu, Ông/Bà chờ lấy phiếu", "Printing your slip, please wait for it")
PRINTED = T("Ông/Bà lấy phiếu ở khe máy in", "Take your slip from the printer")
PRINT_FAILED = T(
    "Chưa in được phiếu. Cán bộ sẽ in lại cho Ông/Bà. Hồ sơ đã được gửi.",
    "The slip could not be printed. An officer will reprint it. Your application was sent.",
)

IDLE_WARNING = T("Ông/Bà còn dùng máy không?", "Are you still there?")
IDLE_WARNING_DETAIL = T(
    "Nếu không, máy sẽ xóa thông tin và quay về màn hình đầu sau {seconds} giây",
    "If not, the kiosk will clear your data and restart in {seconds} seconds",
)
STILL_HERE = T("Tôi vẫn đang dùng", "I am still here")
OFFICER_CALLED = T("Đã gọi cán bộ. Xin Ông/Bà chờ trong giây lát", "An officer is coming. Please wait")
CLOSE = T("Đóng", "Close")
ASK_DONE = T("Ông/Bà đã nhấc thẻ ra. Ông/Bà đã xong chưa?", "You took your card. Are you finished?")
ASK_DONE_YES = T("Xong, kết thúc", "Yes, finish")
ASK_DONE_NO = T("Chưa, làm tiếp", "No, continue")

DATE_DAY = T("Ngày", "Day")
DATE_MONTH = T("Tháng", "Month")
DATE_YEAR = T("Năm", "Year")
KEY_SPACE = T("Dấu cách", "Space")
KEY_DELETE = T("Xóa", "Delete")
TONES = T("Dấu thanh", "Tone marks")
DEMO_CARDS = T("Thẻ mẫu (chế độ trình diễn)", "Demo cards")

CONSENT_TITLE = T(
    "Ông/Bà đồng ý cho dùng thông tin cá nhân?", "Do you agree to the use of your personal data?"
)
CONSENT_BODY = T(
    "Để làm thủ tục, công an cần dùng thông tin trên thẻ căn cước và thông tin Ông/Bà khai.\n"
    "Thông tin chỉ dùng cho hồ sơ này, được giữ bí mật và lưu theo quy định của pháp luật.\n"
    "Ông/Bà có quyền không đồng ý. Khi đó máy không lưu gì; Ông/Bà làm thủ tục tại quầy với cán bộ.",
    "To handle your application the police need the data on your ID card and what you enter.\n"
    "It is used only for this application, kept confidential and stored as the law requires.\n"
    "You may refuse. Then nothing is kept; an officer at the counter can help you instead.",
)
CONSENT_LAW = T(
    "Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân", "Decree 13/2023/ND-CP on personal data protection"
)
CONSENT_YES = T("Đồng ý", "I agree")
CONSENT_NO = T("Không đồng ý", "I do not agree")

PEOPLE_ADD = T("Thêm khách: đọc thẻ", "Add a guest: read the card")
PEOPLE_COUNT = T("Đã có {n} khách", "{n} guest(s) so far")
PEOPLE_NONE = T("Chưa có khách nào. Bấm Thêm khách", "No guests yet. Press Add a guest")
PEOPLE_REMOVE = T("Bỏ", "Remove")
PEOPLE_CARD = T("Đặt thẻ căn cước của khách lên đầu đọc", "Place the guest's ID card on the reader")
PEOPLE_FULL = T("Đã đủ số khách tối đa cho một lần khai", "This is the most guests for one notification")

FROM_CARD = T("Lấy từ thẻ căn cước", "From the ID card")
APPOINTMENT_DAY = T("Chọn ngày", "Choose a day")
APPOINTMENT_TIME = T("Chọn giờ", "Choose a time")
WEEKDAYS = T("T2 T3 T4 T5 T6 T7 CN", "Mon Tue Wed Thu Fri Sat Sun")
GROUPS = {
    "residence": T("Cư trú", "Residence"),
    "identity": T("Căn cước, định danh điện tử", "ID card and e-identity"),
    "other": T("Dịch vụ khác", "Other services"),
}

# Labels of the address picker (ui/widgets/address_picker.py), by key.
ADDRESS: dict[str, Text] = {
    "province_title": T("Tỉnh, thành phố nào?", "Which province or city?"),
    "commune_title": T("Xã, phường nào?", "Which commune or ward?"),
    "street_title": T("Số nhà, đường, thôn, tổ", "House number, street, village"),
    "filter_placeholder": T("Gõ vài chữ để tìm", "Type a few letters to search"),
    "street_placeholder": T("Ví dụ: Thôn 3", "For example: Thôn 3"),
    "no_match": T("Không thấy tên này. Ông/Bà gõ lại", "No such name. Please type again"),
    "back": T("Quay lại", "Back"),
    "done": T("Xong", "Done"),
    "space": T("Dấu cách", "Space"),
    "delete": T("Xóa", "Delete"),
}

PAY_FEE = T("Cách nộp lệ phí {amount}", "How to pay the fee of {amount}")
BACK_TO_SUMMARY = T("Xem lại mã hồ sơ", "Back to the tracking code")
ADDRESS_NOW = T("Nay là", "Now")

GUEST_ID_CARD = T("Thẻ căn cước", "ID card")
GUEST_PASSPORT = T("Hộ chiếu", "Passport")
PASSPORT: dict[str, Text] = {
    "number": T("Số hộ chiếu", "Passport number"),
    "birth": T("Ngày sinh", "Date of birth"),
    "expiry": T("Có giá trị đến", "Valid until"),
    "read": T("Đọc hộ chiếu", "Read the passport"),
    "problem": T(
        "Ông/Bà ghi số hộ chiếu và hai ngày theo dạng ngày/tháng/năm",
        "Give the number and both dates as dd/mm/yyyy",
    ),
    "space": T("Dấu cách", "Space"),
    "delete": T("Xóa", "Delete"),
}
PASSPORT_PLACE = T("Hộ chiếu của khách", "The guest's passport")
CHECK_STATUS = T("Xem kết quả hồ sơ đã nộp", "Check an application you sent")
