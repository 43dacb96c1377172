"""Receipt printers implementing `kiosk.ports.printer.Printer`: pdf, cups, escpos, and a fake that
records what it was given (tests)."""
