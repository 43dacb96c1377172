"""Chip ID card readers implementing `kiosk.ports.card.CardReader`: PC/SC (`pcsc`) and an emulated
chip (`emulated`), over the ICAO 9303 stack in `icao/`."""
