"""Pure parsers (and builders) of the ICAO 9303-10 logical data structure.

Every parser takes bytes and returns a typed value, or raises `LdsError` — the one exception type
for malformed input (truncated, over-long, wrong tag, bad encoding).
"""

from devices.card.icao.lds.errors import LdsError

__all__ = ["LdsError"]
