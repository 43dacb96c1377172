"""Chip ID card reading: one `CardReader` interface, several backends (see base.py)."""

from devices.card.base import (
    AccessKey,
    CardError,
    CardErrorReason,
    CardEvent,
    CardEventKind,
    CardListener,
    CardRead,
    CardReader,
    Holder,
    PassiveAuth,
    ProgressCallback,
    ReadProgress,
)

__all__ = [
    "AccessKey",
    "CardError",
    "CardErrorReason",
    "CardEvent",
    "CardEventKind",
    "CardListener",
    "CardRead",
    "CardReader",
    "Holder",
    "PassiveAuth",
    "ProgressCallback",
    "ReadProgress",
]
