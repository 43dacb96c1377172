"""kiosk: the Qt-free core of the self-service help point."""
