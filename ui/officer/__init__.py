"""Officer mode at the kiosk: sign-in on a shuffled keypad, the officer's menu, device health,
reprints, assist mode. Over the citizen's window, which it leaves as it was (`ui/officer/mode.py`)."""
