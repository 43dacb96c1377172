"""What the core needs from outside, defined by the core: card reader, printer, storage, submission
target, voice and clock. `devices/` and `db/` implement these; the composition root (`kiosk.app`)
wires them in.
"""
