"""`kiosk card read` and `kiosk card emulate`: the chip ID card from the command line.

`read` runs a full read (PACE or BAC, data groups, passive authentication) on the emulated reader
or a PC/SC reader and prints what was read; `emulate` puts an emulated CCCD on pcscd's virtual
reader (vsmartcard vpcd) until stopped, so any PC/SC program — this kiosk included — can read it.
A read from a real reader never imports the emulator (`devices.card.emulated`): its imports are
inside the functions that need it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devices.card.icao.lds.dg13 import parse_dg13
from devices.card.pcsc import PcscCardReader
from devices.card.reading import ReadOutcome
from kiosk.ports.card import AccessKey, CardError, CardReader

if TYPE_CHECKING:
    from devices.card.emulated.personalise import CardImage, PassportProfile

EXIT_CARD_ERROR = 2


def add_card_commands(subparsers: Any) -> None:
    """Register `card read` and `card emulate` on an argparse subparsers object."""
    card = subparsers.add_parser("card", help="read or emulate the chip ID card (CCCD)")
    commands = card.add_subparsers(dest="card_command", required=True)

    read = commands.add_parser("read", help="read a card: access control, data groups, passive auth")
    source = read.add_mutually_exclusive_group(required=True)
    source.add_argument("--emulated", action="store_true", help="in-process emulated chip")
    source.add_argument(
        "--reader", metavar="NAME", help="PC/SC reader name (substring); '' = the first reader with a card"
    )
    key = read.add_mutually_exclusive_group(required=True)
    key.add_argument("--id", metavar="ID12", help="12-digit ID number (CAN = its last 6 digits)")
    key.add_argument("--can", metavar="CAN", help="card access number")
    key.add_argument("--mrz", metavar="DOCNO,YYMMDD,YYMMDD", help="document number, birth, expiry")
    read.add_argument("--profile", type=Path, help="citizens JSON for --emulated (default: bundled demo)")
    read.add_argument("--index", type=int, help="--emulated: which citizen to place (default: the --id one)")
    read.add_argument("--guest", type=int, help="--emulated: place foreign guest N's passport instead")
    read.add_argument("--large-photo", action="store_true", help="--emulated: a ~20 KB face image")
    _add_chip_behaviour(read, "--emulated: ")
    read.add_argument("--no-photo", action="store_true", help="skip DG2 (the face image)")
    read.add_argument("--photo-out", type=Path, metavar="FILE", help="write the face image here")
    read.add_argument("--trust", type=Path, metavar="DIR", help="CSCA certificate folder")
    read.add_argument("--json", action="store_true", help="machine-readable output")
    read.set_defaults(func=run_read)

    emulate = commands.add_parser("emulate", help="serve an emulated card on pcscd's vpcd reader")
    emulate.add_argument("--profile", type=Path, help="citizens JSON (default: bundled demo)")
    emulate.add_argument("--index", type=int, default=0, help="which citizen (default 0)")
    emulate.add_argument("--guest", type=int, help="serve foreign guest N's passport instead")
    emulate.add_argument("--large-photo", action="store_true", help="a ~20 KB face image")
    emulate.add_argument("--bac-only", action="store_true", help="no EF.CardAccess / PACE")
    emulate.add_argument("--no-sfi", action="store_true", help="refuse READ BINARY by short file id")
    _add_chip_behaviour(emulate, "")
    emulate.add_argument("--host", help="vpcd address (default: loopback, 127.0.0.1)")
    emulate.add_argument("--port", type=int, help="vpcd port (default: 35963)")
    emulate.set_defaults(func=run_emulate)


def _add_chip_behaviour(parser: argparse.ArgumentParser, prefix: str) -> None:
    """Behaviour of real chips the emulated one can show (see ChipOptions)."""
    parser.add_argument("--bare-errors", action="store_true", help=prefix + "errors as bare SWs under SM")
    parser.add_argument("--max-read", type=int, metavar="N", help=prefix + "refuse reads over N bytes (6700)")
    parser.add_argument(
        "--absent", action="append", default=[], choices=("COM", "SOD", "DG2", "DG13"),
        help=prefix + "leave this file off the chip (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--wrong-check-digit", action="store_true", help=prefix + "DG1 with a wrong MRZ check digit"
    )
    parser.add_argument(
        "--clone", action="store_true", help=prefix + "a clone: the card's files without DG14's private key"
    )
    parser.add_argument(
        "--extended", nargs="?", const="historical", choices=("historical", "atr_info"),
        help=prefix + "take extended-length APDUs, declared in the ATR (atr_info: limits in EF.ATR/INFO)",
    )  # fmt: skip
    parser.add_argument(
        "--extended-limit", type=int, default=65535, metavar="BYTES",
        help=prefix + "with --extended: longest APDU taken (default 65535, vpcd's limit)",
    )  # fmt: skip


def _access_key(args: argparse.Namespace) -> AccessKey:
    if args.id:
        return AccessKey.from_id_number(args.id)
    if args.can:
        return AccessKey.from_can(args.can)
    parts = [p.strip() for p in args.mrz.split(",")]
    if len(parts) != 3:
        raise ValueError("--mrz takes DOCNO,YYMMDD,YYMMDD")
    return AccessKey.from_mrz(*parts)


def _guests(path: Path | None) -> list[PassportProfile]:
    from devices.card.emulated.personalise import PassportProfile

    if path is None:
        from importlib import resources

        text = resources.files("resources.demo").joinpath("citizens.json").read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    return [PassportProfile.from_dict(raw) for raw in json.loads(text).get("foreign_guests", [])]


def _card_image(args: argparse.Namespace, wanted_id: str | None) -> tuple[CardImage, str]:
    from devices.card.emulated.face import LARGE, SMALL
    from devices.card.emulated.personalise import ChipOptions, personalise_cccd, personalise_passport
    from devices.card.profiles import load_profiles

    options = ChipOptions(
        photo=LARGE if args.large_photo else SMALL,
        pace=not getattr(args, "bac_only", False),
        sfi=not getattr(args, "no_sfi", False),
        bare_errors=args.bare_errors,
        max_read=args.max_read,
        absent_files=frozenset(args.absent),
        wrong_check_digit=args.wrong_check_digit,
        clone=args.clone,
        extended_length=args.extended_limit if args.extended else 0,
        extended_declared=args.extended or "",
    )
    if args.guest is not None:
        guest = _guests(args.profile)[args.guest]
        return personalise_passport(guest, options), guest.name
    citizens = load_profiles(args.profile)
    if args.index is not None:
        profile = citizens[args.index]
    else:
        digits = "".join(ch for ch in wanted_id or "" if ch.isdigit())
        profile = next((c for c in citizens if c.holder.id_number == digits), citizens[0])
    return personalise_cccd(profile, options), profile.label


def _report(outcome: ReadOutcome, elapsed_ms: float) -> dict[str, Any]:
    card, stats, mrz = outcome.card, outcome.stats, outcome.mrz
    dg13 = card.data_groups.get("DG13")
    return {
        "document_kind": card.document_kind,
        "access": stats.access_protocol,
        "passive_auth": card.passive_auth.value,
        "passive_auth_detail": outcome.passive_auth.detail,
        "chip_auth": card.chip_auth.value,
        "chip_auth_detail": outcome.chip_auth_detail,
        "holder": dataclasses.asdict(card.holder),
        "dg13": parse_dg13(dg13).as_fields() if dg13 else None,
        "dg1": {
            "layout": mrz.layout,
            "document_code": mrz.document_code,
            "issuing_state": mrz.issuing_state,
            "document_number": mrz.document_number,
            "date_of_birth": mrz.date_of_birth,
            "sex": mrz.sex,
            "date_of_expiry": mrz.date_of_expiry,
            "nationality": mrz.nationality,
            "name": mrz.full_name,
            "optional_data": mrz.optional_data,
            "check_digits_valid": mrz.check_digits_valid,
            "mrz": mrz.text,
        },
        "photo": {"format": card.photo_format, "bytes": len(card.photo)} if card.photo else None,
        "files": stats.file_sizes,
        "apdu_count": card.apdu_count,
        "ms": round(elapsed_ms, 1),
        "host_ms": round(stats.host_ms, 1),
        "transmit_ms": round(stats.transmit_ms, 1),
        "access_ms": round(stats.access_ms, 1),
        "sfi": stats.sfi_used,
    }


def _print_human(report: dict[str, Any]) -> None:
    kind, access, outcome = report["document_kind"], report["access"], report["passive_auth"]
    print(f"{kind} read with {access}: passive authentication {outcome}, chip {report['chip_auth']}")
    for name, value in (report["dg13"] or report["holder"]).items():
        if value:
            print(f"  {name:18} {value}")
    print(f"  {'MRZ':18} {report['dg1']['mrz']}")
    print(f"{report['apdu_count']} APDUs in {report['ms']} ms (host {report['host_ms']} ms)")


def _station_reader(args: argparse.Namespace) -> tuple[str | None, Path | None]:
    """The reader and trust folder `kiosk run` would use (card.reader, card.trust_dir), unless the
    flags name them: a station with a trust folder then gets the same passive-authentication
    outcome here as at the kiosk. The config is read only when a flag leaves something open, so a
    read that names both starts as fast as a bare reader (bench/chip_read.py)."""
    if args.trust is not None and args.reader:
        return args.reader, args.trust
    from kiosk.config import ConfigError, load_config

    try:
        card = load_config(getattr(args, "config", None)).card
    except ConfigError as exc:
        raise ValueError(str(exc)) from exc
    return args.reader or card.reader or None, args.trust or card.trust_dir


def run_read(args: argparse.Namespace) -> int:
    reader: CardReader
    try:
        key = _access_key(args)
    except ValueError as exc:
        print(f"card read: {exc}", file=sys.stderr)
        return 1
    if args.emulated:
        from devices.card.emulated.pki import TEST_TRUST_DIR
        from devices.card.emulated.reader import EmulatedCardReader

        emulated = EmulatedCardReader(trust_dir=args.trust or TEST_TRUST_DIR)
        image, _label = _card_image(args, args.id)
        emulated.insert_image(image)
        reader = emulated
    else:
        try:
            name, trust = _station_reader(args)
        except ValueError as exc:
            print(f"card read: {exc}", file=sys.stderr)
            return 1
        reader = PcscCardReader(name, trust_dir=trust)
    started = time.perf_counter()
    try:
        reader.read(key, with_photo=not args.no_photo)
    except CardError as exc:
        failure = {"error": exc.reason.value, "detail": exc.detail}
        if args.json:
            print(json.dumps(failure, ensure_ascii=False))
        else:
            from kiosk.phrases import CARD_ERRORS  # the kiosk's wording, only when it is needed

            print(f"card read failed: {exc.reason.value} {exc.detail}", file=sys.stderr)
            print(CARD_ERRORS[exc.reason].get("en"), file=sys.stderr)
        return EXIT_CARD_ERROR
    elapsed = (time.perf_counter() - started) * 1000
    outcome: ReadOutcome | None = getattr(reader, "last_outcome", None)
    assert outcome is not None
    report = _report(outcome, elapsed)
    if args.photo_out and outcome.card.photo:
        args.photo_out.write_bytes(outcome.card.photo)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_human(report)
    return 0


def run_emulate(args: argparse.Namespace) -> int:
    from devices.card.emulated.chip import EmulatedChip
    from devices.card.emulated.vpcd import VPCD_HOST, VPCD_PORT, VirtualCardSlot

    image, label = _card_image(args, None)
    host, port = args.host or VPCD_HOST, args.port or VPCD_PORT
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    slot = VirtualCardSlot(host, port)
    slot.insert(EmulatedChip(image))
    slot.start()
    print(f"emulating {label} on vpcd {host}:{port}; Ctrl-C to stop", flush=True)
    try:
        stop.wait()
    finally:
        slot.stop()
    return 0
