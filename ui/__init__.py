"""The PySide6 Widgets user interface: renders the core's state, sends the citizen's intents."""
