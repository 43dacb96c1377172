"""Chip read cost through the real PC/SC stack: APDU count and time, beside the protocol minimum.

    .venv/bin/python bench/chip_read.py [--runs N] [--markdown]

Starts pcscd (unless one is running) and, in a separate process, the emulated CCCD on the vpcd
socket (`kiosk card emulate`), then reads it with `PcscCardReader` — exactly the kiosk's path —
without the photo and with a ~20 KB photo, for PACE-CAN (SFI reads), PACE-CAN on a chip that
refuses SFI (SELECT + offset fallback) and BAC. "Host" time is the wall time of the read minus
the time spent inside SCardTransmit (pcscd, vpcd and the emulated chip), i.e. what this code
costs per APDU; the key agreement is PACE/BAC alone. The protocol minimum counts, for the same
files: SELECT of the application, one READ BINARY per 223-byte block (the first block also
gives the file length, so no header read), MSE:Set AT + 4 × GENERAL AUTHENTICATE for PACE
(GET CHALLENGE + EXTERNAL AUTHENTICATE for BAC, after 1 failed EF.CardAccess probe), and on a
CCCD MSE:Set AT + GENERAL AUTHENTICATE of Chip Authentication (DG14 is among the files read).
"""

from __future__ import annotations

import argparse
import math
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devices.card.emulated.personalise import yymmdd  # noqa: E402
from devices.card.emulated.pki import TEST_TRUST_DIR  # noqa: E402
from devices.card.emulated.vpcd import VPCD_READER  # noqa: E402
from devices.card.icao.document_reader import MAX_BLOCK, MAX_BLOCK_DES3, ReadStats  # noqa: E402
from devices.card.pcsc import PcscCardReader  # noqa: E402
from devices.card.profiles import load_profiles  # noqa: E402
from kiosk.ports.card import AccessKey  # noqa: E402

EMULATE = """
import argparse, sys
from kiosk.app.cli_card import add_card_commands
parser = argparse.ArgumentParser(prog="kiosk")
add_card_commands(parser.add_subparsers(dest="command", required=True))
args = parser.parse_args(sys.argv[1:])
sys.exit(args.func(args))
"""
PROFILE_INDEX = 0


@dataclass
class Scenario:
    label: str
    access: str  # "PACE-CAN" or "BAC"
    photo: bool
    sfi: bool = True


def minimum_apdus(stats: ReadStats, access: str, sfi: bool) -> int:
    block = MAX_BLOCK_DES3 if access == "BAC" else MAX_BLOCK  # the session cipher's longest read
    blocks = sum(math.ceil(size / block) for name, size in stats.file_sizes.items())
    files = len(stats.file_sizes)
    # BAC: failed EF.CardAccess probe, SELECT AID, GET CHALLENGE + EXTERNAL AUTHENTICATE.
    # PACE: SELECT AID, MSE:Set AT + 4 × GENERAL AUTHENTICATE.
    fixed = 1 + 1 + 2 if access == "BAC" else 1 + 5
    # Chip Authentication (DG14 read): MSE:Set AT + GENERAL AUTHENTICATE; Active: INTERNAL AUTH.
    fixed += 2 if "DG14" in stats.file_sizes else 1 if "DG15" in stats.file_sizes else 0
    return fixed + blocks + (0 if sfi else files)


def ensure_pcscd() -> subprocess.Popen[bytes] | None:
    if VPCD_READER in PcscCardReader().readers():
        return None
    binary = shutil.which("pcscd") or "/usr/sbin/pcscd"
    process = subprocess.Popen([binary, "--foreground"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while VPCD_READER not in PcscCardReader().readers():
        if time.monotonic() > deadline or process.poll() is not None:
            raise SystemExit("pcscd with the vpcd reader did not start")
        time.sleep(0.05)
    return process


def start_emulator(scenario: Scenario) -> subprocess.Popen[str]:
    argv = [sys.executable, "-c", EMULATE, "card", "emulate", "--index", str(PROFILE_INDEX), "--large-photo"]
    if scenario.access == "BAC":
        argv.append("--bac-only")
    if not scenario.sfi:
        argv.append("--no-sfi")
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    process.stdout.readline()
    probe = PcscCardReader(VPCD_READER)
    deadline = time.monotonic() + 10
    while not probe.card_present():
        if time.monotonic() > deadline:
            raise SystemExit("the emulated card did not reach pcscd")
        time.sleep(0.02)
    return process


def stop_emulator(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=10)
    probe = PcscCardReader(VPCD_READER)
    while probe.card_present():
        time.sleep(0.02)


def measure(scenario: Scenario, runs: int) -> dict[str, float]:
    holder = load_profiles()[PROFILE_INDEX].holder
    if scenario.access == "BAC":
        key = AccessKey.from_mrz(
            holder.id_number[-9:], yymmdd(holder.date_of_birth), yymmdd(holder.expiry_date)
        )
    else:
        key = AccessKey.from_id_number(holder.id_number)
    reader = PcscCardReader(VPCD_READER, trust_dir=TEST_TRUST_DIR)
    emulator = start_emulator(scenario)
    try:
        reader.read(key, with_photo=scenario.photo)  # warm-up (curve tables, imports)
        walls, hosts, agreements, agreement_hosts = [], [], [], []
        stats: ReadStats | None = None
        for _ in range(runs):
            started = time.perf_counter()
            reader.read(key, with_photo=scenario.photo)
            walls.append((time.perf_counter() - started) * 1000)
            stats = reader.last_stats
            assert stats is not None
            # Host cost per APDU outside the key agreement (framing, SM, parsing, passive auth).
            hosts.append((stats.host_ms - stats.key_agreement_host_ms) / stats.apdu_count)
            agreements.append(stats.key_agreement_ms)
            agreement_hosts.append(stats.key_agreement_host_ms)
    finally:
        stop_emulator(emulator)
    assert stats is not None
    return {
        "apdus": stats.apdu_count,
        "minimum": minimum_apdus(stats, scenario.access, scenario.sfi),
        "bytes": sum(size for name, size in stats.file_sizes.items() if name != "CardAccess"),
        "wall_ms": statistics.median(walls),
        "host_per_apdu_ms": statistics.median(hosts),
        "agreement_ms": statistics.median(agreements),
        "agreement_host_ms": statistics.median(agreement_hosts),
    }


SCENARIOS = [
    Scenario("PACE-CAN, no photo", "PACE-CAN", photo=False),
    Scenario("PACE-CAN, ~20 KB photo", "PACE-CAN", photo=True),
    Scenario("PACE-CAN, no photo, chip refuses SFI", "PACE-CAN", photo=False, sfi=False),
    Scenario("PACE-CAN, ~20 KB photo, chip refuses SFI", "PACE-CAN", photo=True, sfi=False),
    Scenario("BAC, no photo", "BAC", photo=False),
    Scenario("BAC, ~20 KB photo", "BAC", photo=True),
]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    pcscd = ensure_pcscd()
    try:
        rows = [(scenario, measure(scenario, args.runs)) for scenario in SCENARIOS]
    finally:
        if pcscd is not None:
            pcscd.terminate()
            pcscd.wait(timeout=10)
    print(
        "| read (through pcscd + vpcd) | APDUs | protocol minimum | bytes read | wall time, median "
        "| host time per APDU¹ | key agreement (host part) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for scenario, r in rows:
        print(
            f"| {scenario.label} | {r['apdus']:.0f} | {r['minimum']:.0f} | {r['bytes']:.0f} "
            f"| {r['wall_ms']:.1f} ms | {r['host_per_apdu_ms']:.2f} ms "
            f"| {r['agreement_ms']:.1f} ms ({r['agreement_host_ms']:.1f} ms) |"
        )
    machine = f"{platform.machine()}, Python {platform.python_version()}"
    print(f"\n{args.runs} runs each after one warm-up; {machine}.")
    print("¹ read time minus SCardTransmit time minus the key agreement's host part, per APDU.")


if __name__ == "__main__":
    main()
