"""What recognising an officer's own card costs a citizen's card at the idle screen.

Each active officer's card adds one PACE attempt with that officer's CAN (`kiosk.officer_cards`);
a citizen's chip refuses it at mutual authentication. Measured on the in-process emulated chip
(both sides of PACE in Python: the chip's half is far slower here than on a real chip), beside
the reference read the kiosk does anyway: PACE with the right CAN, no photo.

    .venv/bin/python bench/officer_card.py [--runs 15]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time

from devices.card.emulated.reader import EmulatedCardReader
from devices.card.profiles import load_profiles
from kiosk.ports.card import AccessKey, CardError


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    profile = load_profiles()[0]
    reader = EmulatedCardReader()
    reader.insert(profile)
    chip = reader.chip
    assert chip is not None
    wrong: list[float] = []
    right: list[float] = []
    wrong_apdus = right_apdus = 0
    for _ in range(runs):
        before, start = chip.apdus, time.perf_counter()
        with contextlib.suppress(CardError):  # WRONG_KEY: the chip refused the CAN
            reader.read(AccessKey.from_can("000001"), with_photo=False)
        wrong.append(time.perf_counter() - start)
        wrong_apdus = chip.apdus - before
        before, start = chip.apdus, time.perf_counter()
        reader.read(AccessKey.from_id_number(profile.holder.id_number), with_photo=False)
        right.append(time.perf_counter() - start)
        right_apdus = chip.apdus - before
    ms = {"wrong": statistics.median(wrong) * 1000, "right": statistics.median(right) * 1000}
    print(f"| officer's CAN refused (one per officer with a card) | {wrong_apdus} | {ms['wrong']:.1f} ms |")
    print(f"| reference: PACE with the right CAN, no photo | {right_apdus} | {ms['right']:.1f} ms |")


if __name__ == "__main__":
    main()
