"""An emulated chip-card reader for tests and demo mode."""

from devices.card.emulated.reader import EmulatedCardReader

__all__ = ["EmulatedCardReader"]
