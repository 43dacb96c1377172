"""The kiosk's one application-wide event filter.

Qt calls a filter installed on the application for every event sent to every object: paints,
layout requests, polish and child events, thousands of them while a screen is built. Each Python
filter costs every one of those events a wrapper and a call into Python, so five filters made the
province tile stall the UI thread for over 50 ms (bench/stalls.py, issue 8). This one filter looks
at the event's type once and hands the event only to the filters that asked for that type.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject


class AppEvents(QObject):
    """Installed once on the application; the kiosk's filters are added to it, not to Qt.

    A filter is any QObject with `eventFilter`; it sees the types it was added for, in Qt's own
    order for filters on one object (the one added last first), until one of them takes the event."""

    def __init__(self) -> None:
        super().__init__()
        self._by_type: dict[QEvent.Type, list[QObject]] = {}

    def add(self, event_filter: QObject, types: Iterable[QEvent.Type]) -> None:
        """Added again, it moves to the front, as Qt's `installEventFilter` does."""
        for kind in types:
            filters = self._by_type.setdefault(kind, [])
            if event_filter in filters:
                filters.remove(event_filter)
            filters.insert(0, event_filter)

    def remove(self, event_filter: QObject) -> None:
        for filters in self._by_type.values():
            while event_filter in filters:
                filters.remove(event_filter)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        filters = self._by_type.get(event.type())
        if not filters:
            return False
        return any(event_filter.eventFilter(watched, event) for event_filter in tuple(filters))
