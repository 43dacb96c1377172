"""Tracking codes: 10 Crockford base32 characters, the last one a check character.

A code is printed as ``XXXXX-XXXXX`` and is read aloud over the phone or typed by an officer, so
the alphabet is Crockford's (no I, L, O, U) and the check character catches the two commonest
slips: one wrong character and two neighbours swapped.

Check character: weighted sum over the finite field GF(32) = GF(2)[x] / (x^5 + x^2 + 1).
Each symbol is its Crockford value (0..31) read as a field element; position i (0..9) has weight
alpha^(i+1) with alpha = x, a generator of the multiplicative group (order 31). A code is valid when

    sum_i  w_i * a_i  = 0        (sum is XOR, product is field multiplication)

- one substitution a -> a' changes the sum by w_i * (a + a') != 0 (non-zero times non-zero);
- swapping neighbours a, b changes it by (w_i + w_{i+1}) * (a + b) != 0 because the weights are
  distinct. All ten weights are distinct, so swaps of any two positions are caught as well.

Why not ISO/IEC 7064 hybrid MOD 33,32 (the obvious candidate)? Enumerating its state machine
shows it misses 64 adjacent transpositions per state (pairs whose sum wraps around 32), just as
MOD 11,10 misses some digit swaps. Crockford's own check symbol is mod 37 and needs five extra
symbols (*~$=U) that are not in the printed alphabet.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# Crockford decoding: read confusable letters as the digit they resemble.
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})

_POLY = 0b100101  # x^5 + x^2 + 1, primitive over GF(2)


def _gf_mul(a: int, b: int) -> int:
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= _POLY
    return product


def _gf_pow(a: int, n: int) -> int:
    result = 1
    for _ in range(n):
        result = _gf_mul(result, a)
    return result


_WEIGHTS = tuple(_gf_pow(0b10, i + 1) for i in range(LENGTH))
# The check position's weight must be inverted to solve for the check symbol: a^-1 = a^30 in GF(32).
_CHECK_WEIGHT_INV = _gf_pow(_WEIGHTS[-1], 30)


def _weighted_sum(values: list[int]) -> int:
    total = 0
    for weight, value in zip(_WEIGHTS, values, strict=False):
        total ^= _gf_mul(weight, value)
    return total


def check_char(payload: str) -> str:
    """The check character for the first 9 characters of a code (canonical form)."""
    if len(payload) != LENGTH - 1 or any(ch not in _VALUE for ch in payload):
        raise ValueError(f"expected {LENGTH - 1} Crockford base32 characters, got {payload!r}")
    partial = _weighted_sum([_VALUE[ch] for ch in payload])
    return ALPHABET[_gf_mul(partial, _CHECK_WEIGHT_INV)]


def new_code() -> str:
    """A fresh random code (45 random bits) in canonical form, e.g. ``7K3QXM9T2B``."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 1))
    return payload + check_char(payload)


def is_valid(code: str) -> bool:
    """True for a canonical code: 10 upper-case alphabet characters with a correct check."""
    if len(code) != LENGTH or any(ch not in _VALUE for ch in code):
        return False
    return _weighted_sum([_VALUE[ch] for ch in code]) == 0


def normalize(text: str) -> str | None:
    """Canonical code from what a person typed or a scanner sent, or None if it is not a code.

    Accepts lower case, spaces and hyphens anywhere, and Crockford's aliases I/L -> 1, O -> 0.
    """
    cleaned = "".join(text.split()).replace("-", "").upper().translate(_ALIASES)
    return cleaned if is_valid(cleaned) else None


def display(code: str) -> str:
    """A canonical code grouped for reading aloud: ``7K3QX-M9T2B``."""
    if len(code) != LENGTH:
        raise ValueError(f"not a {LENGTH}-character tracking code: {code!r}")
    return f"{code[:5]}-{code[5:]}"
