"""`kiosk trust`: the CSCA certificates passive authentication trusts.

    kiosk trust import FILE…   CSCA certificates (PEM or DER) or ICAO master lists (CMS SignedData)
                               into the trust folder (config `card.trust_dir`, or --dir)
    kiosk trust list           what the trust folder holds, expired certificates marked

Every certificate is checked (CA flag, keyUsage keyCertSign, validity, self-signature); refused
ones are named with the reason and the others are still imported. Exit codes: 0 all imported,
1 something was refused or unreadable, 2 no usable trust folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.config import load_config

EXIT_REFUSED = 1
EXIT_NO_FOLDER = 2


def add_trust_commands(subparsers: Any) -> None:
    trust = subparsers.add_parser("trust", help="CSCA certificates for passive authentication")
    commands = trust.add_subparsers(dest="trust_command", required=True)
    importing = commands.add_parser("import", help="import CSCA certificates or an ICAO master list")
    importing.add_argument("files", nargs="+", type=Path, metavar="FILE")
    importing.add_argument("--dir", type=Path, help="trust folder (default: config card.trust_dir)")
    importing.set_defaults(func=cmd_trust_import)
    listing = commands.add_parser("list", help="the certificates in the trust folder")
    listing.add_argument("--dir", type=Path, help="trust folder (default: config card.trust_dir)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_trust_list)


def _folder(args: argparse.Namespace) -> Path | None:
    folder: Path | None = args.dir or load_config(getattr(args, "config", None)).card.trust_dir
    if folder is None:
        print(
            "kiosk trust: no trust folder: set card.trust_dir in the configuration "
            "(an existing folder) or pass --dir",
            file=sys.stderr,
        )
        return None
    if not folder.is_dir():
        print(f"kiosk trust: {folder} is not a folder", file=sys.stderr)
        return None
    return folder


def cmd_trust_import(args: argparse.Namespace) -> int:
    from devices.card.icao.trust_import import TrustImportError, judge, load_certificates, store

    folder = _folder(args)
    if folder is None:
        return EXIT_NO_FOLDER
    trouble = False
    added = present = 0
    for path in args.files:
        try:
            certificates = load_certificates(path.read_bytes(), str(path))
        except OSError as exc:
            print(f"{path}: cannot be read: {exc.strerror}", file=sys.stderr)
            trouble = True
            continue
        except TrustImportError as exc:
            print(str(exc), file=sys.stderr)
            trouble = True
            continue
        for verdict in judge(certificates):
            if verdict.problem is not None:
                print(f"{path}: refused {verdict.label}: {verdict.problem}", file=sys.stderr)
                trouble = True
            elif store(verdict, folder):
                print(f"imported {verdict.label}")
                added += 1
            else:
                present += 1
    print(f"{added} certificate(s) imported, {present} already present, into {folder}")
    return EXIT_REFUSED if trouble else 0


def cmd_trust_list(args: argparse.Namespace) -> int:
    from cryptography import x509

    from devices.card.icao.passive_auth import TrustStore
    from devices.card.icao.trust_import import describe, fingerprint

    folder = _folder(args)
    if folder is None:
        return EXIT_NO_FOLDER
    now = dt.datetime.now(dt.UTC)
    trusted = [x509.load_der_x509_certificate(c.der) for c in TrustStore.from_folder(folder).certificates]
    rows: list[dict[str, Any]] = [
        {
            "certificate": describe(cert),
            "subject": cert.subject.rfc4514_string(),
            "not_after": cert.not_valid_after_utc.isoformat(),
            "expired": cert.not_valid_after_utc < now,
            "sha256": fingerprint(cert),
        }
        for cert in trusted
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for row in rows:
        print(f"{row['certificate']}{'  EXPIRED' if row['expired'] else ''}  {row['sha256'][:16]}")
    print(f"{len(rows)} CSCA certificate(s) in {folder}")
    return 0
