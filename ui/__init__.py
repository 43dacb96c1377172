"""The PySide6 Widgets user interface: renders the core's state, sends the citizen's intents."""

from ui.shiboken_sources import spare_sources

spare_sources()  # before anything else of the kiosk is imported after Qt: see its module
