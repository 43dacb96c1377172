import pytest

from kiosk.telex import apply_tone, telex_key


def typed(keys: str) -> str:
    text = ""
    for key in keys:
        text = telex_key(text, key)
    return text


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("Nguyeenx", "Nguyễn"),
        ("Ddaf Nawngx", "Đà Nẵng"),
        ("Thoon 3", "Thôn 3"),
        ("xax", "xã"),
        ("Thuys", "Thúy"),
        ("tinhr Lafo Cai", "tỉnh Lào Cai"),
        ("Hoaf", "Hòa"),
        ("quyeets", "quyết"),
        ("giaf", "già"),
        ("muaf", "mùa"),
        ("nguwowif", "người"),
        ("Thuaanj Chaau", "Thuận Châu"),
        ("Sown La", "Sơn La"),
    ],
)
def test_telex_words(keys: str, expected: str) -> None:
    assert typed(keys) == expected


def test_tone_button_moves_tone() -> None:
    assert apply_tone("Hà", "s") == "Há"
    assert apply_tone("Hà", "z") == "Ha"
    assert apply_tone("3", "s") is None
