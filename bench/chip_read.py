"""Chip read cost through the real PC/SC stack: APDU count and time, beside the protocol minimum.

    .venv/bin/python bench/chip_read.py [--runs N]
    .venv/bin/python bench/chip_read.py --fresh --peer PATH [--peer-python PY] [--runs N]

Starts pcscd (unless one is running) and, in a separate process, the emulated CCCD or passport
on the vpcd socket (`kiosk card emulate`), then reads it with `PcscCardReader` — exactly the
kiosk's path — without the photo and with a ~20 KB photo: PACE-CAN (SFI reads), PACE-CAN on a
chip that refuses SFI (SELECT + offset fallback), PACE-CAN with extended length (declared in the
ATR's historical bytes), BAC on the CCCD and the ICAO-style passport (BAC, DG1, DG2, no DG14).
"Host" time is the wall time of the read minus the time spent inside SCardTransmit (pcscd, vpcd
and the emulated chip), i.e. what this code costs per APDU; the key agreement is PACE/BAC alone.
The protocol minimum counts, for the same files: SELECT of the application, one READ BINARY per
block (223 bytes under AES, 231 under 3DES, one per file with extended length; the first block
also gives the file length, so no header read), MSE:Set AT + 4 × GENERAL AUTHENTICATE for PACE
(GET CHALLENGE + EXTERNAL AUTHENTICATE for BAC, after 1 failed EF.CardAccess probe), and
MSE:Set AT + GENERAL AUTHENTICATE of Chip Authentication where DG14 is among the files read (its
keys are AES: after BAC the files read after it, DG13 and DG2, go in 223-byte blocks).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devices.card.emulated.personalise import PassportProfile, yymmdd  # noqa: E402
from devices.card.emulated.pki import TEST_TRUST_DIR  # noqa: E402
from devices.card.emulated.vpcd import VPCD_READER  # noqa: E402
from devices.card.icao.document_reader import MAX_BLOCK, MAX_BLOCK_DES3, ReadStats  # noqa: E402
from devices.card.icao.extended_length import MAX_RESPONSE_APDU, secure_read_block  # noqa: E402
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


AFTER_CHIP_AUTH = ("DG13", "DG2")  # read under the CA keys (AES)


@dataclass
class Scenario:
    label: str
    access: str  # "PACE-CAN" or "BAC"
    photo: bool
    sfi: bool = True
    extended: bool = False
    passport: bool = False


def _block(name: str, access: str, chip_auth: bool, extended: bool) -> int:
    if name == "CardAccess":
        return MAX_BLOCK  # before secure messaging, a short read
    aes = access != "BAC" or (chip_auth and name in AFTER_CHIP_AUTH)
    if extended:
        return secure_read_block(MAX_RESPONSE_APDU, 16 if aes else 8)
    return MAX_BLOCK if aes else MAX_BLOCK_DES3


def minimum_apdus(stats: ReadStats, access: str, sfi: bool, extended: bool = False) -> int:
    chip_auth = "DG14" in stats.file_sizes
    blocks = sum(
        math.ceil(size / _block(name, access, chip_auth, extended)) for name, size in stats.file_sizes.items()
    )
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
    if scenario.passport:
        argv += ["--guest", "0"]
    elif scenario.access == "BAC":
        argv.append("--bac-only")
    if not scenario.sfi:
        argv.append("--no-sfi")
    if scenario.extended:
        argv.append("--extended")
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


def guest_passport() -> PassportProfile:
    raw = json.loads((ROOT / "resources" / "demo" / "citizens.json").read_text("utf-8"))
    return PassportProfile.from_dict(raw["foreign_guests"][0])


def measure(scenario: Scenario, runs: int) -> dict[str, float]:
    holder = load_profiles()[PROFILE_INDEX].holder
    if scenario.passport:
        guest = guest_passport()
        key = AccessKey.from_mrz(guest.document_number, guest.date_of_birth, guest.date_of_expiry)
    elif scenario.access == "BAC":
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
        "minimum": minimum_apdus(stats, scenario.access, scenario.sfi, scenario.extended),
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
    Scenario("PACE-CAN, no photo, extended length", "PACE-CAN", photo=False, extended=True),
    Scenario("PACE-CAN, ~20 KB photo, extended length", "PACE-CAN", photo=True, extended=True),
    Scenario("BAC (CCCD), no photo", "BAC", photo=False),
    Scenario("BAC (CCCD), ~20 KB photo", "BAC", photo=True),
    Scenario("passport BAC + DG1", "BAC", photo=False, passport=True),
    Scenario("passport BAC + DG1, ~20 KB photo", "BAC", photo=True, passport=True),
]


# The peer's own functions for BAC + DG1 (Fethbita/eMRTD_face_access, MIT; its small_demo.py
# order: SELECT the application, BAC, read EF.DG1). argv: peer checkout, MRZ fields, reader.
PEER_READ = """
import sys
sys.path.insert(0, sys.argv[1])
from smartcard.CardConnection import CardConnection
from smartcard.System import readers
from emrtd_face_access.apdu import APDU
from emrtd_face_access.bac import establish_bac_session_keys
from emrtd_face_access.card_comms import send
from emrtd_face_access.file_operations import read_data_from_ef
from emrtd_face_access.mrz import other_mrz
from emrtd_face_access.secure_messaging_object import SMObject

class Headless:  # read_data_from_ef reports progress to its PySimpleGUI window
    def write_event_value(self, key, value):
        pass

# Its wait_for_card() connects CardRequest(...).waitforcard().connection, whose PC/SC context
# pyscard 2.3 has released by then (the peer pinned pyscard 2.0.0): the same connection is made
# from the reader instead.
channel = next(r for r in readers() if sys.argv[5] in str(r)).createConnection()
channel.connect(CardConnection.T1_protocol)
sm = SMObject(channel)
aid = bytes.fromhex("A0000002471001")
send(sm, APDU(b"\\x00", b"\\xA4", b"\\x04", b"\\x0C", Lc=bytes([len(aid)]), cdata=aid))
establish_bac_session_keys(sm, other_mrz(sys.argv[2], sys.argv[3], sys.argv[4]).encode("utf-8"))
dg1 = read_data_from_ef(Headless(), sm, b"\\x01\\x01", "EF.DG1")
sys.stderr.write(dg1[5:].decode("ascii") + "\\n")
"""


def fresh_process(runs: int, peer: Path, peer_python: str) -> None:
    """`kiosk card read` (BAC + DG1 of the passport, SOD and passive authentication included)
    and the peer's BAC + DG1, each in a fresh process, interleaved, through the same pcscd and
    emulated chip. Bytecode caching on, as on a station (this shell may turn it off)."""
    guest = guest_passport()
    mrz = [guest.document_number, guest.date_of_birth, guest.date_of_expiry]
    ours = [str(ROOT / ".venv" / "bin" / "kiosk"), "card", "read", "--reader", VPCD_READER, "--mrz",
            ",".join(mrz), "--no-photo", "--trust", str(TEST_TRUST_DIR), "--json"]  # fmt: skip
    theirs = [peer_python, "-c", PEER_READ, str(peer), *mrz, VPCD_READER]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    emulator = start_emulator(Scenario("passport", "BAC", photo=False, passport=True))
    times: dict[str, list[float]] = {"kiosk card read": [], "peer": []}
    cpu: dict[str, list[float]] = {"kiosk card read": [], "peer": []}  # user + system: less load-bound
    load_before = os.getloadavg()
    try:
        for run in range(runs + 1):  # the first round writes the bytecode caches: not counted
            for name, argv in (("kiosk card read", ours), ("peer", theirs)):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
                elapsed = (time.perf_counter() - started) * 1000
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                used = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
                if done.returncode != 0:
                    raise SystemExit(f"{name} failed:\n{done.stdout}{done.stderr}")
                if name == "kiosk card read":
                    report = json.loads(done.stdout)
                    assert report["passive_auth"] == "valid" and report["apdu_count"] <= 11, report
                else:
                    assert guest.document_number in done.stderr, done.stderr
                if run:
                    times[name].append(elapsed)
                    cpu[name].append(used)
    finally:
        stop_emulator(emulator)
    load_after = os.getloadavg()
    ours_ms, peer_ms = (statistics.median(times[n]) for n in ("kiosk card read", "peer"))
    print("| fresh process, BAC + DG1 | wall, median | min | max | CPU (user + sys), median |")
    print("| --- | --- | --- | --- | --- |")
    for name, values in times.items():
        median, low, high, used_ms = (
            statistics.median(values),
            min(values),
            max(values),
            statistics.median(cpu[name]),
        )
        print(f"| {name} | {median:.0f} ms | {low:.0f} ms | {high:.0f} ms | {used_ms:.0f} ms |")
    ratios = [a / b for a, b in zip(times["kiosk card read"], times["peer"], strict=True)]
    cpu_ratio = statistics.median(cpu["kiosk card read"]) / statistics.median(cpu["peer"])
    print(f"\nCPU time: ratio of medians {cpu_ratio:.2f}")
    print(f"\nratio of medians {ours_ms / peer_ms:.2f} (pairwise median {statistics.median(ratios):.2f}); "
          f"{runs} interleaved runs; load average {load_before[0]:.1f} before, "
          f"{load_after[0]:.1f} after")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="only the fresh-process comparison")
    parser.add_argument(
        "--peer", type=Path, help="checkout of Fethbita/eMRTD_face_access (with its submodule)"
    )
    parser.add_argument(
        "--peer-python", default=sys.executable, help="interpreter with the peer's dependencies"
    )
    args = parser.parse_args()
    pcscd = ensure_pcscd()
    try:
        if args.fresh:
            if args.peer is None:
                raise SystemExit("--fresh needs --peer PATH")
            fresh_process(args.runs, args.peer, args.peer_python)
            return
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
