"""Upper bounds for waits in tests: how long to keep waiting for something that must happen (a card
read through pcscd or the emulator, a worker pass) on a loaded CI machine. Never a measured time:
speed is measured in `bench/`."""

WAIT_MS = 30_000
