"""Why a card read failed: the one part of the card port that the phrases need (kiosk/phrases.py
words each reason for the citizen). Apart from `kiosk.ports.card` so that importing the phrases,
which `kiosk run` does before its first frame, does not build that module's dataclasses (~5 ms).
"""

from __future__ import annotations

import enum


class CardErrorReason(enum.Enum):
    """Why a read failed, in terms the citizen can act on."""

    NO_READER = "no_reader"  # no reader attached / reader unplugged
    NO_CARD = "no_card"  # read asked with no card present
    CARD_REMOVED = "card_removed"  # card taken away mid-read: place it again
    WRONG_KEY = "wrong_key"  # CAN / MRZ rejected (6300, 6982): check the number entered
    NOT_ID_CARD = "not_id_card"  # no eMRTD application on this card
    BAD_RESPONSE = "bad_response"  # chip answered garbage or failed a MAC
    TIMEOUT = "timeout"  # chip or reader stopped answering
    NEEDS_KEY = "needs_key"  # the card needs a CAN/MRZ and none was given
    # The chip answered (secure messaging intact) but its files cannot be parsed: reading again
    # gives the same bytes, so this is not retried; the citizen sees the officer.
    BAD_DATA = "bad_data"
    # DG1's MRZ check digits do not add up: the document is refused, the citizen sees the officer.
    MRZ_INVALID = "mrz_invalid"
