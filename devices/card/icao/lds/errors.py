"""The single error type of the LDS parsers."""


class LdsError(ValueError):
    """Malformed logical-data-structure content (truncated, over-long, wrong tag or encoding)."""
