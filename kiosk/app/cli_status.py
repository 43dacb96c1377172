"""`kiosk status` and `kiosk slip sign`: the status lookup and slip signing from the command line.

    kiosk status 7K3QX-M9T2B [--json]        look a typed code up
    kiosk status --qr 'KS1.…' [--json]        look a scanned slip up (its MAC is checked)
    kiosk slip sign 7K3QX-M9T2B               print the QR payload for a code (tests, officers)

`status` exits 0 when the dossier is found, 1 otherwise (unknown, forged, mistyped, an ID card's
QR), 2 when the station cannot look it up (a key, the database: one line says which, see
`kiosk.app.cli.main`). Both use this station's database and slip key, checked as the kiosk checks
them (`kiosk.keys`): a lookup never makes a key.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kiosk.config import Config, load_config

# The lookup, slip and key modules load only when these commands run: every `kiosk` command
# registers them, and `kiosk run` should not pay for them before its first paint.

EXIT_FOUND = 0
EXIT_NOT_FOUND = 1
EXIT_ERROR = 2


def add_status_commands(subparsers: Any) -> None:
    """Register `status` and `slip sign` on an argparse subparsers object."""
    status = subparsers.add_parser("status", help="look up an application by tracking code or slip QR")
    query = status.add_mutually_exclusive_group(required=True)
    query.add_argument("code", nargs="?", help="tracking code, e.g. 7K3QX-M9T2B")
    query.add_argument("--qr", metavar="PAYLOAD", help="the text of a status slip's QR code")
    status.add_argument("--json", action="store_true", help="print the result as JSON")
    status.set_defaults(func=cmd_status)

    slip = subparsers.add_parser("slip", help="status slips")
    commands = slip.add_subparsers(dest="slip_command", required=True)
    sign = commands.add_parser("sign", help="print the signed QR payload for a tracking code")
    sign.add_argument("code", help="tracking code, e.g. 7K3QX-M9T2B")
    sign.set_defaults(func=cmd_slip_sign)


def _config(args: argparse.Namespace) -> Config:
    return load_config(getattr(args, "config", None), demo=getattr(args, "demo", False))


def cmd_status(args: argparse.Namespace) -> int:
    from kiosk.app.root import make_signer, make_storage, make_store  # SQLAlchemy only when needed
    from kiosk.keyfile import KeyProblem
    from kiosk.slip import SlipError
    from kiosk.status import LookupOutcome, StatusLookup
    from kiosk.trackcode import display

    config = _config(args)
    try:
        storage = make_storage(config)
        signer = make_signer(config, storage)
    except (KeyProblem, SlipError, OSError) as exc:
        print(f"kiosk: keys: {exc}", file=sys.stderr)
        return EXIT_ERROR
    result = StatusLookup(make_store(config, storage), signer)(args.qr if args.qr is not None else args.code)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    elif result.outcome is LookupOutcome.FOUND:
        submitted = result.submitted_at.isoformat(" ", "minutes") if result.submitted_at else "?"
        updated = result.updated_at.isoformat(" ", "minutes") if result.updated_at else "?"
        print(
            f"{display(result.tracking_code)}: {result.status} "
            f"(service {result.service_code or '?'}, submitted {submitted}, updated {updated})"
        )
        if result.note:
            print(f"note: {result.note}")
    else:
        code = f"{display(result.tracking_code)}: " if result.tracking_code else ""
        print(f"{code}{result.outcome.value}")
    return EXIT_FOUND if result.outcome is LookupOutcome.FOUND else EXIT_NOT_FOUND


def cmd_slip_sign(args: argparse.Namespace) -> int:
    from kiosk.keyfile import KeyProblem
    from kiosk.slip import SlipError
    from kiosk.trackcode import normalize

    code = normalize(args.code)
    if code is None:
        print(f"kiosk: {args.code!r} is not a tracking code (check character or length)", file=sys.stderr)
        return EXIT_ERROR
    from kiosk.app.root import make_signer, make_storage

    config = _config(args)
    try:
        signer = make_signer(config, make_storage(config))
    except (KeyProblem, SlipError, OSError) as exc:
        print(f"kiosk: keys: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(signer.sign(code))
    return 0
