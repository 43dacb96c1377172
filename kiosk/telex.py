"""Vietnamese typing for the on-screen keyboard: Telex keys and tone/mark buttons on the last word.

Both routes share one engine: a word is decomposed into letters + one tone, letters are changed
(a→â, d→đ, …) and the tone is put back on the vowel that carries it in modern spelling.
"""

from __future__ import annotations

import unicodedata

TONES = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}  # sắc huyền hỏi ngã nặng
_TONE_MARKS = set(TONES.values())
_MARKS = {  # Telex key -> (base letter -> marked letter)
    "a": {"a": "â"},
    "e": {"e": "ê"},
    "o": {"o": "ô"},
    "w": {"a": "ă", "o": "ơ", "u": "ư"},
    "d": {"d": "đ"},
}
_VOWELS = set("aăâeêioôơuưy")
_WITH_MARK = set("ăâêôơư")


def _split_tone(word: str) -> tuple[str, str]:
    """Letters without tone (NFC) and the tone mark ('' if none)."""
    tone = ""
    letters = []
    for ch in unicodedata.normalize("NFD", word):
        if ch in _TONE_MARKS:
            tone = ch
        else:
            letters.append(ch)
    return unicodedata.normalize("NFC", "".join(letters)), tone


def _tone_position(word: str) -> int | None:
    lower = word.lower()
    positions = [i for i, ch in enumerate(lower) if ch in _VOWELS]
    # "qu" and "gi" + vowel: the u / i belongs to the consonant.
    if len(positions) > 1 and positions[0] == 1 and lower[:2] in ("qu", "gi"):
        positions = positions[1:]
    if not positions:
        return None
    for i in reversed(positions):
        if lower[i] in _WITH_MARK:
            return i
    last = positions[-1]
    has_final = last < len(lower) - 1
    if len(positions) == 1 or has_final:
        return last
    if len(positions) >= 3:
        return positions[1]
    # Two vowels, open syllable: the first carries it ("Hòa", "Thúy"), the spelling on ID cards.
    return positions[0]


def _with_tone(letters: str, tone: str) -> str:
    if not tone:
        return letters
    pos = _tone_position(letters)
    if pos is None:
        return letters
    return unicodedata.normalize("NFC", letters[: pos + 1] + tone + letters[pos + 1 :])


def apply_tone(word: str, tone_key: str) -> str | None:
    """Put a tone (Telex key s/f/r/x/j, or z to remove) on the word; None if it takes none."""
    letters, _old = _split_tone(word)
    if _tone_position(letters) is None:
        return None
    return _with_tone(letters, "" if tone_key == "z" else TONES[tone_key])


def apply_mark(word: str, key: str) -> str | None:
    """Telex mark key (a e o w d) on the last matching letter of the word; None if none matches."""
    letters, tone = _split_tone(word)
    table = _MARKS[key]
    for i in range(len(letters) - 1, -1, -1):
        ch = letters[i]
        target = table.get(ch.lower())
        if target is not None and (key == "w" or key == "d" or ch.lower() == key):
            marked = target.upper() if ch.isupper() else target
            return _with_tone(letters[:i] + marked + letters[i + 1 :], tone)
    return None


def telex_key(text: str, key: str) -> str:
    """The text after typing `key` at its end with Telex rules on the last word."""
    head, sep, word = text.rpartition(" ")
    prefix = head + sep
    lower = key.lower()
    if word:
        changed: str | None = None
        if lower in TONES or lower == "z":
            changed = apply_tone(word, lower)
        elif lower in ("a", "e", "o", "d") and word[-1].lower() == lower:
            changed = apply_mark(word, lower)
        elif lower == "w":
            changed = apply_mark(word, "w")
        if changed is not None and changed != word:
            return prefix + changed
    return text + key


# VNI: digits after the letters. 1-5 the tones, 6 the circumflex (â ê ô), 7 the horn (ơ ư),
# 8 the breve (ă), 9 đ, 0 removes the tone.
VNI_TONES = {"1": "s", "2": "f", "3": "r", "4": "x", "5": "j", "0": "z"}
_VNI_MARKS = {
    "6": {"a": "â", "e": "ê", "o": "ô"},
    "7": {"o": "ơ", "u": "ư"},
    "8": {"a": "ă"},
    "9": {"d": "đ"},
}


def _vni_mark(word: str, key: str) -> str | None:
    letters, tone = _split_tone(word)
    table = _VNI_MARKS[key]
    changed = letters
    found = False
    for i in range(len(letters) - 1, -1, -1):
        target = table.get(letters[i].lower())
        if target is not None:
            marked = target.upper() if letters[i].isupper() else target
            changed = changed[:i] + marked + changed[i + 1 :]
            found = True
            if key != "7" or i == 0 or letters[i - 1].lower() != "u":  # "uo" + 7 = "ươ"
                break
    return _with_tone(changed, tone) if found else None


def vni_key(text: str, key: str) -> str:
    """The text after typing `key` at its end with VNI rules on the last word (a digit after a
    word without a vowel, or after a space, stays a digit: "Thôn 3", "Số 12")."""
    head, sep, word = text.rpartition(" ")
    if word and not word[-1].isdigit():
        changed: str | None = None
        if key in VNI_TONES:
            changed = apply_tone(word, VNI_TONES[key])
        elif key in _VNI_MARKS:
            changed = _vni_mark(word, key)
        if changed is not None and changed != word:
            return head + sep + changed
    return text + key
