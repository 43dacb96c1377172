"""The words of the kiosk itself (buttons, prompts, messages), apart from the service catalog.

Polite address ("Ông/Bà"), short sentences, no codes: see ux.md. Every phrase has every language.
"""

from __future__ import annotations

from kiosk.ports.card_errors import CardErrorReason  # not kiosk.ports.card: see that module
from kiosk.text import Text

T = Text.of

CALL_OFFICER = T("Gọi cán bộ", "Call officer")
LISTEN_AGAIN = T("Nghe lại", "Listen again")
OTHER_LANGUAGE = T("English", "Tiếng Việt")
TEXT_SIZE = T("Chữ to", "Large text")
# The volume and contrast panel, opened from the top bar (ui/widgets/comfort.py).
COMFORT = T("Âm lượng", "Volume")
COMFORT_TITLE = T("Âm lượng và màu chữ", "Volume and colours")
COMFORT_HOW = T(
    "Chạm To hơn hoặc Nhỏ hơn để đổi âm lượng. Chạm Tương phản cao để có chữ trắng trên nền đen",
    "Touch Louder or Quieter to change the volume. Touch High contrast for white text on black",
)
LOUDER = T("To hơn", "Louder")
QUIETER = T("Nhỏ hơn", "Quieter")
VOLUME_LEVEL = T("Âm lượng {level} trên {steps}", "Volume {level} of {steps}")
HIGH_CONTRAST = T("Tương phản cao", "High contrast")
HIGH_CONTRAST_ON = T("Đã bật tương phản cao", "High contrast is on")
HIGH_CONTRAST_OFF = T("Đã tắt tương phản cao", "High contrast is off")
# Accessibility mode: after each screen's prompt, the name of the button that goes on (ui/window.py).
THEN_PRESS = T("Rồi bấm {action}", "Then press {action}")
# Keypad navigation on the officer's sign-in: a digit key is never named aloud (ui/accessibility.py).
KEY_SECRET = T("Phím số", "A digit key")
BACK = T("Quay lại", "Back")
NEXT = T("Tiếp tục", "Continue")
SEND = T("Gửi hồ sơ", "Send")
SEND_AGAIN = T("Gửi lại", "Send again")
FINISH = T("Xong", "Finish")
# Outside accessibility mode, after a screen's prompt: which button goes on and where it is, for a
# citizen who cannot read its label (ui/window.py). Keyed by the button's Vietnamese text.
PRESS_TO_GO_ON = {
    "Tiếp tục": T(
        "Xong thì bấm nút Tiếp tục ở góc dưới bên phải", "When done, press Continue at the bottom right"
    ),
    "Gửi hồ sơ": T(
        "Nếu đúng, bấm nút Gửi hồ sơ ở góc dưới bên phải", "If all is right, press Send at the bottom right"
    ),
    "Đúng, tiếp tục": T(
        "Nếu đúng, bấm nút ở góc dưới bên phải", "If so, press the button at the bottom right"
    ),
}
STEP_OF = T("Bước {n}/{total}", "Step {n} of {total}")

IDLE_TITLE = T("Dịch vụ công tự phục vụ", "Self-service public services")
IDLE_SUBTITLE = T("Công an xã, phường", "Commune police")
IDLE_TOUCH = T("Chạm vào màn hình để bắt đầu", "Touch the screen to start")
MENU_TITLE = T("Ông/Bà cần làm thủ tục gì?", "Which service do you need?")
# A menu tile's first touch says its name (kiosk/voice_cues.py); the second opens it.
TILE_AGAIN = T("Chạm lần nữa để chọn", "Touch again to choose")

INTRO_WHO = T("Ai cần làm", "Who needs it")
INTRO_PAPERS = T("Cần mang theo", "What to bring")
INTRO_FEE = T("Lệ phí", "Fee")
INTRO_TIME = T("Thời gian giải quyết", "Processing time")
INTRO_LAW = T("Căn cứ", "Legal basis")
FREE = T("Không thu lệ phí", "No fee")

CARD_WAYS = T(
    "Đặt thẻ lên đầu đọc, hoặc đưa mã QR trên thẻ vào máy quét",
    "Place the card on the reader, or hold the QR code on the card to the scanner",
)
CARD_PLACE_SHORT = T("Đặt thẻ", "Place the card")
CARD_QR_SHORT = T("hoặc quét mã QR trên thẻ", "or scan the card's QR code")
CLEAR_ALL = T("Xóa hết", "Clear all")
# Accessibility mode (ui/accessibility.py): said as it starts, and for keys whose label is a sign.
ACCESSIBILITY_ON = T(
    "Chế độ hỗ trợ đã bật. Ông/Bà bấm phím mũi tên để chọn, bấm phím Enter để chọn nút đó",
    "Accessibility mode is on. Use the arrow keys to move, and Enter to press",
)
FOCUS_CHECKED = T("đã chọn", "selected")
FOCUS_FIELD = T("Ô nhập chữ", "Text box")
FOCUS_EMPTY = T("còn trống", "empty")
KEY_NAMES = {
    "+": T("tăng", "up"),
    "−": T("giảm", "down"),
    "◀": T("lùi con trỏ", "cursor left"),
    "▶": T("tiến con trỏ", "cursor right"),
    "⇧": T("chữ hoa", "capitals"),
    "⌫": T("xóa một số", "delete one"),
    "@": T("a còng", "at sign"),
    ".": T("dấu chấm", "dot"),
    ",": T("dấu phẩy", "comma"),
    "-": T("gạch ngang", "dash"),
    "_": T("gạch dưới", "underscore"),
    "/": T("gạch chéo", "slash"),
}
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
    CardErrorReason.BAD_DATA: T(
        "Không đọc được dữ liệu trong thẻ. Ông/Bà gặp cán bộ tại quầy",
        "The card's data cannot be read. Please see the officer at the counter",
    ),
    CardErrorReason.MRZ_INVALID: T(
        "Thông tin trong thẻ không hợp lệ. Ông/Bà gặp cán bộ tại quầy",
        "The card's details are not valid. Please see the officer at the counter",
    ),
}

# Stages as the reader reports them (kiosk.ports.card.ReadProgress), as the citizen should hear them.
CARD_STAGES: dict[str, Text] = {
    "access": T("Đang mở thẻ", "Opening the card"),
    "DG1": T("Đang đọc thông tin", "Reading your details"),
    "DG13": T("Đang đọc thông tin", "Reading your details"),
    "SOD": T("Đang kiểm tra thẻ", "Checking the card"),
    "DG2": T("Đang đọc ảnh", "Reading your photo"),
    "verify": T("Đang kiểm tra thẻ", "Checking the card"),
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

# Fees (kiosk.payment, ui/widgets/payment_panel.py); {amount} is written as each language writes money.
FEE_PAID = T("{amount} — đã nộp", "{amount} — paid")  # the receipt labels it "Lệ phí"
FEE_UNPAID = T("{amount} — chưa nộp", "{amount} — not paid yet")
PAY_CASH = T("Nộp tiền mặt cho cán bộ", "Pay cash to the officer")
PAY_CASH_HOW = T(
    "Ông/Bà nộp {amount} tiền mặt cho cán bộ tiếp nhận và nhận biên lai.",
    "Please pay {amount} in cash to the receiving officer and keep the receipt.",
)
PAY_PLATFORM = T("Nộp qua Cổng Dịch vụ công", "Pay through the Public Service Portal")
PAY_PLATFORM_HOW = T(
    "Cán bộ sẽ đưa Ông/Bà thông báo nộp lệ phí cho hồ sơ {code}, có mã QR hoặc đường liên kết để thanh toán.",
    "The officer will give you the fee notice for application {code}, with a QR code or link to pay.",
)
PAY_VIETQR = T("Chuyển khoản VietQR", "VietQR bank transfer")
PAY_VIETQR_HOW = T(
    "Ông/Bà quét mã bằng ứng dụng ngân hàng để chuyển {amount}. Cán bộ sẽ xác nhận sau.",
    "Scan the code with your banking app to transfer {amount}. The officer will confirm it.",
)
PAY_ASK_OFFICER = T("Ông/Bà vui lòng hỏi cán bộ cách nộp lệ phí.", "Please ask the officer how to pay.")
PAY_ACCOUNT_NAME = T("Chủ tài khoản", "Account holder")
PAY_ACCOUNT_NUMBER = T("Số tài khoản", "Account number")
PAY_REFERENCE = T("Nội dung chuyển khoản", "Transfer content")

# Looking up an application (ui/screens/status.py): a headline and what to do, for each answer.
LOOKUP_INSTRUCTION = T(
    "Quét mã QR trên phiếu hoặc nhập mã hồ sơ", "Scan the QR code on your slip or type the code"
)
LOOKUP_GO = T("Tra cứu", "Look up")
LOOKUP_CLEAR = CLEAR_ALL
LOOKUP_BUSY = T("Đang tra cứu…", "Looking it up…")
LOOKUP_SUBMITTED_ON = T("Nộp ngày {date}", "Submitted on {date}")
# The station's own copy, when the province hub could not be asked: how old it is.
LOOKUP_AS_OF_MINUTES = T("Cập nhật {n} phút trước", "Updated {n} minutes ago")
LOOKUP_AS_OF_HOURS = T("Cập nhật {n} giờ trước", "Updated {n} hours ago")
LOOKUP_AS_OF_DAYS = T("Cập nhật {n} ngày trước", "Updated {n} days ago")
STATUS_RECEIVED = T("Đã tiếp nhận", "Received")
STATUS_RECEIVED_TODO = T("Hồ sơ đang chờ cán bộ xem xét.", "Your application is waiting for an officer.")
STATUS_PROCESSING = T("Đang xử lý", "Being processed")
STATUS_PROCESSING_TODO = T("Cán bộ đang giải quyết hồ sơ.", "An officer is working on your application.")
STATUS_DONE = T("Đã có kết quả — Ông/Bà đến nhận tại quầy", "Ready — please collect it at the counter")
STATUS_DONE_TODO = T("Ông/Bà mang theo phiếu và thẻ căn cước.", "Bring this slip and your ID card.")
STATUS_NEEDS_INFO = T("Cần bổ sung — Ông/Bà xem lời nhắn", "More is needed — please read the note")
STATUS_NEEDS_INFO_TODO = T(
    "Ông/Bà bổ sung theo lời nhắn của cán bộ, mang theo phiếu này.",
    "Bring what the officer's note asks for, with this slip.",
)
STATUS_NOTE = T("Lời nhắn của cán bộ: {note}", "Officer's note: {note}")
STATUS_REJECTED = T("Không được chấp nhận — Ông/Bà hỏi cán bộ", "Not accepted — please ask an officer")
STATUS_REJECTED_TODO = T("Cán bộ sẽ giải thích lý do.", "An officer will explain why.")
LOOKUP_FORGED = T("Phiếu không hợp lệ", "This slip is not valid")
LOOKUP_FORGED_TODO = T("Ông/Bà hỏi cán bộ để được giúp.", "Please ask an officer for help.")
LOOKUP_UNKNOWN = T("Không tìm thấy hồ sơ", "No application found")
LOOKUP_UNKNOWN_TODO = T("Ông/Bà kiểm tra lại mã hoặc hỏi cán bộ.", "Check the code, or ask an officer.")
LOOKUP_MISTYPED = T("Mã chưa đúng, Ông/Bà kiểm tra lại", "The code is not right, please check it")
LOOKUP_MISTYPED_TODO = T(
    "Mã có mười ký tự, in trên phiếu.", "The code has ten characters, printed on the slip."
)
LOOKUP_UNAVAILABLE = T("Chưa tra cứu được lúc này", "The lookup is not working right now")
LOOKUP_UNAVAILABLE_TODO = T(
    "Ông/Bà thử lại sau ít phút hoặc hỏi cán bộ.", "Please try again in a few minutes, or ask an officer."
)
LOOKUP_ID_CARD = T("Đây là mã trên thẻ căn cước", "This is the code on your ID card")
LOOKUP_ID_CARD_TODO = T("Ông/Bà quét mã QR trên phiếu hồ sơ.", "Please scan the QR code on your slip.")

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
DATE_PLUS_WEEK = T("+1 tuần", "+1 week")
DATE_PLUS_MONTH = T("+1 tháng", "+1 month")
DATE_MONTH = T("Tháng", "Month")
DATE_CALENDAR = T("Chọn trên lịch", "Choose on a calendar")
DATE_KEYS = T("Chọn bằng nút + −", "Choose with the + − keys")
DATE_MONTH_OF = T("Tháng {month} năm {year}", "{month}/{year}")
DATE_YEAR = T("Năm", "Year")
KEY_SPACE = T("Dấu cách", "Space")
KEY_DELETE = T("Xóa", "Delete")
TONES = T("Dấu thanh", "Tone marks")
DEMO_CARDS = T("Thẻ mẫu (chế độ trình diễn)", "Demo cards")

# What a field's rule says when the answer breaks it (kiosk/validation.py), unless the service file
# words it for that field (`messages.<rule>`). Each says how to fix, never an error code.
FIELD_PROBLEMS: dict[str, Text] = {
    "required": T("Ông/Bà điền mục này", "Please fill in this item"),
    "min_length": T("Nội dung quá ngắn, Ông/Bà ghi rõ hơn", "Too short, please give more detail"),
    "max_length": T("Nội dung quá dài, Ông/Bà viết ngắn lại", "Too long, please shorten it"),
    "date": T("Ngày không đúng, Ông/Bà chọn lại ngày, tháng, năm", "Not a valid date, please choose again"),
    "date_missing": T("Ông/Bà chọn ngày, tháng, năm", "Please choose the day, month and year"),
    "not_before": T("Ngày này đã qua, Ông/Bà chọn từ hôm nay trở đi", "This date has passed"),
    "after_field": T("Ngày này phải sau ngày trước đó", "This date must be after the earlier one"),
    "max_days_after": T("Khoảng thời gian quá dài", "The period is too long"),
    "choice": T("Ông/Bà chọn một trong các ô", "Please choose one of the boxes"),
    "phone": T("Số điện thoại có 10 số, bắt đầu bằng số 0", "A phone number has 10 digits and starts with 0"),
    "id_number": T(
        "Số định danh có 12 chữ số, Ông/Bà xem lại trên thẻ", "The ID number has 12 digits: check the card"
    ),
    "pattern": T("Nội dung chưa đúng mẫu, Ông/Bà xem lại", "Not in the expected form, please check"),
    "min_days_after": T("Khoảng thời gian quá ngắn", "The period is too short"),
    "checklist": T(
        "Ông/Bà cần có đủ các giấy tờ này; nếu thiếu, Ông/Bà hỏi cán bộ",
        "You need all of these papers; if one is missing, ask an officer",
    ),
    "address": T(  # what to press, not what is wrong (the picker has no "done" button to forget)
        "Ông/Bà chạm vào tên tỉnh, rồi tên xã, rồi ghi số nhà hoặc thôn",
        "Touch the province, then the commune, then give the house number or village",
    ),
    "appointment": T("Ông/Bà chọn ngày và giờ hẹn", "Please choose a day and a time"),
}

CONSENT_TITLE = T(
    "Ông/Bà đồng ý cho dùng thông tin cá nhân?", "Do you agree to the use of your personal data?"
)
# Consent as the Law on Personal Data Protection 91/2025/QH15 asks (Article 9: free and informed of
# the data and purpose, who controls it, the citizen's rights; Article 4: the rights), detailed by
# Decree 356/2025/NĐ-CP, which replaced Decree 13/2023/NĐ-CP on 1 January 2026. The data a service
# uses is its consent step's `say` (resources/services), shown above this text.
CONSENT_BODY = T(
    "Công an xã, phường nơi đặt máy dùng các thông tin này chỉ để giải quyết hồ sơ của Ông/Bà, "
    "giữ bí mật và lưu theo thời hạn pháp luật quy định.\n"
    "Ông/Bà có quyền được biết, xem và sửa thông tin của mình, rút lại sự đồng ý, khiếu nại: "
    "hỏi cán bộ tại quầy.\n"
    "Ông/Bà có quyền không đồng ý. Khi đó máy không lưu gì; Ông/Bà làm thủ tục tại quầy với cán bộ.",
    "The commune or ward police running this kiosk use this data only to handle your application, "
    "keep it confidential and store it for as long as the law requires.\n"
    "You have the right to know, to see and correct your data, to withdraw your consent and to complain: "
    "ask the officer at the counter.\n"
    "You may refuse. Then nothing is kept; an officer at the counter can help you instead.",
)
CONSENT_LAW = T(
    "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 (Điều 4, Điều 9); Nghị định 356/2025/NĐ-CP",
    "Law on Personal Data Protection No. 91/2025/QH15 (Articles 4 and 9); Decree 356/2025/ND-CP",
)
CONSENT_YES = T("Đồng ý", "I agree")
CONSENT_NO = T("Không đồng ý", "I do not agree")
CONSENT_REFUSED = T(
    "Ông/Bà không đồng ý nên máy không nhận hồ sơ. Mời Ông/Bà đến quầy, cán bộ sẽ giúp",
    "Without your agreement the kiosk cannot take the application. Please go to the counter",
)

PEOPLE_ADD = T("Thêm khách: đọc thẻ", "Add a guest: read the card")
PEOPLE_COUNT = T("Đã có {n} khách", "{n} guest(s) so far")
PEOPLE_NONE = T("Chưa có khách nào. Bấm Thêm khách", "No guests yet. Press Add a guest")
PEOPLE_REMOVE = T("Bỏ", "Remove")
PEOPLE_CARD = T("Đặt thẻ căn cước của khách lên đầu đọc", "Place the guest's ID card on the reader")
PEOPLE_VIETNAMESE_ONLY = T(  # said before any card is read: a foreign guest is not typed in for nothing
    "Chỉ khai khách là công dân Việt Nam. Khách nước ngoài: Ông/Bà báo cán bộ.",
    "Only guests who are Vietnamese citizens are declared here. For a foreign guest, tell the officer.",
)
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

# -- the journey (kiosk/flow) and its controller ---------------------------------------------------

NEED_CARD = T("Ông/Bà đặt thẻ lên đầu đọc và nhập số trên thẻ", "Place your card and type its number")
NEED_PEOPLE = T("Ông/Bà đọc thẻ của ít nhất một khách", "Read at least one guest's card")
SUBMIT_FAILED = T(
    "Chưa gửi được hồ sơ. Ông/Bà bấm Gửi lại hoặc gọi cán bộ.",
    "The application could not be sent. Press Send again or call an officer.",
)
APPOINTMENT_NOT_OFFERED = T(
    "Ông/Bà chọn một ngày và giờ hẹn trong các ô trên màn hình",
    "Please choose one of the days and times shown",
)
# Admission of a document read from the chip (kiosk/admission.py): why it cannot be used.
ADMIT_CARD_FORGED = T(
    "Không xác thực được dữ liệu trong thẻ. Ông/Bà gặp cán bộ tại quầy",
    "The card's data could not be verified. Please see the officer at the counter",
)
ADMIT_PASSPORT_FORGED = T(
    "Không xác thực được dữ liệu trong hộ chiếu. Ông/Bà gặp cán bộ tại quầy",
    "The passport's data could not be verified. Please see the officer at the counter",
)
ADMIT_UNVERIFIED = T(
    "Chưa xác minh được nơi cấp giấy tờ này. Ông/Bà gặp cán bộ tại quầy",
    "Who issued this document could not be checked. Please see the officer at the counter",
)
ADMIT_CARD_ONLY = T(
    "Ở đây cần thẻ căn cước gắn chip. Ông/Bà đặt thẻ căn cước lên đầu đọc",
    "A chip ID card is needed here. Please place your ID card on the reader",
)
ADMIT_DOCUMENT_REFUSED = T(
    "Giấy tờ này không dùng được ở đây. Ông/Bà hỏi cán bộ",
    "This document cannot be used here. Ask the officer",
)
ADMIT_FOREIGNER = T(
    "Khách nước ngoài không khai ở đây: Ông/Bà báo cán bộ",
    "Foreign guests are declared with the officer, not here",
)

# The station's health check found storage or keys unusable (`kiosk.health`): nobody new is let in.
OUT_OF_SERVICE = T("Tạm ngừng phục vụ", "Out of service")
OUT_OF_SERVICE_DETAIL = T("Ông/Bà vui lòng gặp cán bộ", "Please see the officer")

# "Gọi cán bộ": the citizen is told an officer is coming only once the call was stored.
OFFICER_CALLING = T("Đang gọi cán bộ…", "Calling an officer…")
OFFICER_CALL_FAILED = T(
    "Chưa gọi được cán bộ. Xin Ông/Bà đến quầy tiếp dân",
    "The call did not go through. Please go to the counter",
)

# Officer mode (Ctrl+Shift+F12, or five taps in the top-left corner): the officer's own screens.
OFFICER_SIGN_IN = T("Cán bộ đăng nhập", "Officer sign-in")
OFFICER_ENTER_ID = T("Nhập mã cán bộ", "Enter your officer ID")
OFFICER_ENTER_PIN = T("Nhập mã PIN", "Enter your PIN")
# The officer's own chip card placed (`kiosk.officer_cards`): the PIN of that officer is asked.
OFFICER_CARD_PIN = T("{name}: nhập mã PIN", "{name}: enter your PIN")
OFFICER_CARD_UNKNOWN = T(
    "Thẻ này chưa được đăng ký cho cán bộ nào.", "This card is not registered to an officer."
)
OFFICER_CARD_REFUSED = T(
    "Không đăng nhập được bằng thẻ này: hỏi trưởng công an.",
    "This card cannot be used to sign in: ask the station head.",
)
OFFICER_WRONG = T("Sai mã cán bộ hoặc mã PIN.", "Wrong officer ID or PIN.")
OFFICER_LOCKED = T(
    "Đã khóa do nhập sai nhiều lần. Thử lại sau {time}.",
    "Locked after too many wrong PINs. Try again after {time}.",
)
OFFICER_DISABLED = T(
    "Tài khoản này đã bị khóa: hỏi trưởng công an.", "This account is disabled: ask the station head."
)
OFFICER_UNAVAILABLE = T(
    "Không đăng nhập được: cơ sở dữ liệu không dùng được.", "Cannot sign in: the database is unavailable."
)
OFFICER_MENU_TITLE = T("Cán bộ: {name}", "Officer: {name}")
OFFICER_TIMEOUT = T(
    "Tự đăng xuất sau {seconds} giây không thao tác", "Signs out after {seconds} seconds without a touch"
)
OFFICER_ASSIST = T("Hỗ trợ người dân", "Assist the citizen")
OFFICER_HEALTH = T("Tình trạng thiết bị", "Device health")
OFFICER_REPRINT = T("In lại phiếu", "Reprint a receipt")
OFFICER_PRINT_WAITING = T("In phiếu đang chờ", "Print waiting receipts")
OFFICER_LEAVE_KIOSK = T("Thoát chế độ kiosk", "Leave kiosk mode")
OFFICER_SIGN_OUT = T("Đăng xuất", "Sign out")
OFFICER_REFUSED = T("Tài khoản này không có quyền làm việc này.", "This account may not do that.")
OFFICER_PRINTED = T("Đã in {count} phiếu.", "{count} receipt(s) printed.")
OFFICER_NOTHING_WAITING = T("Không có phiếu nào đang chờ.", "No receipt is waiting.")
OFFICER_PRINT_FAILED = T("Máy in chưa in được: {reason}", "The printer did not print: {reason}")
OFFICER_REPRINT_TITLE = T("Nhập mã hồ sơ cần in lại", "Type the tracking code to reprint")
OFFICER_REPRINT_DONE = T("Đã in lại phiếu {code}.", "Receipt {code} reprinted.")
OFFICER_REPRINT_UNKNOWN = T("Không có phiếu nào với mã {code}.", "No receipt has the code {code}.")
OFFICER_WORKING = T("Đang làm…", "Working…")
OFFICER_FAILED = T("Chưa làm được: {reason}", "Not done: {reason}")
HEALTH_REFRESH = T("Kiểm tra lại", "Check again")
HEALTH_LINES = {
    "reader": T("Đầu đọc thẻ", "Card reader"),
    "card": T("Thẻ trên đầu đọc", "Card on the reader"),
    "printer": T("Máy in", "Printer"),
    "receipts": T("Phiếu chờ in", "Receipts waiting"),
    "scanner": T("Máy quét mã", "Code scanner"),
    "database": T("Cơ sở dữ liệu", "Database"),
    "keys": T("Khóa mã hóa", "Keys"),
    "outbox": T("Hồ sơ chờ gửi", "Dossiers waiting to be sent"),
    "disk": T("Ổ đĩa", "Disk"),
    "sync": T("Lần gửi gần nhất", "Last sync"),
}

# Assist mode: the officer fills in on the citizen's own screens, marked so everyone sees it.
ASSIST_BANNER = T("Cán bộ đang hỗ trợ: {officer}", "An officer is assisting: {officer}")
ASSIST_HAND_BACK = T("Trả lại người dân", "Hand back")
ASSIST_IDENTITY = T("Đã kiểm tra danh tính bằng:", "Identity checked by:")
ASSIST_NEED_IDENTITY = T(
    "Chọn cách đã kiểm tra danh tính trước khi trả lại.",
    "Choose how identity was checked before handing back.",
)
ASSIST_IDENTITY_NOTE = T(
    "Ghi chú (không bắt buộc), ví dụ số giấy tờ đã xem", "Note (optional), e.g. the paper's number"
)
# Keyed by `kiosk.officer_mode.IdentityCheck` values.
IDENTITY_CHECKS = {
    "card_seen": T("Xem thẻ căn cước", "ID card seen"),
    "passport_seen": T("Xem hộ chiếu", "Passport seen"),
    "paper_id": T("Giấy xác nhận số định danh", "ID-number confirmation"),
    "known_person": T("Cán bộ biết người này", "Known to the officer"),
}
