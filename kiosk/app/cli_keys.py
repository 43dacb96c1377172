"""`kiosk keys`: the data, slip and audit keys, made or rotated only when an officer asks.

    kiosk keys show                      where each key is, its id, the id the database expects
    kiosk keys init [--replace-lost]     make missing keys (over data only with --replace-lost)
    kiosk keys rotate [--data|--slip] [--drop-old]
                                         new keys; dossiers and receipts re-sealed with the new
                                         data key; old keys kept by id unless --drop-old
                                         (the audit key is never rotated: see kiosk.audit)

Stop the kiosk and the worker before a rotation: a process still running keeps the old key.
Exit codes: 0 done, 2 a key problem (the message says which key and what to do).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk.config import Config, load_config
from kiosk.keyfile import KeyProblem

EXIT_PROBLEM = 2


def add_keys_commands(subparsers: Any) -> None:
    keys = subparsers.add_parser("keys", help="the data and slip keys: show, init, rotate")
    commands = keys.add_subparsers(dest="keys_command", required=True)
    commands.add_parser("show", help="key files, their ids and the ids the database expects").set_defaults(
        func=cmd_keys_show
    )
    init = commands.add_parser("init", help="make the keys that are missing")
    init.add_argument(
        "--replace-lost",
        action="store_true",
        help="make a new key even though the database holds data of the missing one, which stays "
        "unreadable (only when that key is lost for good)",
    )
    init.set_defaults(func=cmd_keys_init)
    rotate = commands.add_parser("rotate", help="replace the keys by new ones")
    which = rotate.add_mutually_exclusive_group()
    which.add_argument("--data", action="store_true", help="only the data key")
    which.add_argument("--slip", action="store_true", help="only the slip key")
    rotate.add_argument(
        "--drop-old",
        action="store_true",
        help="delete the old key files: older backups can then not be opened, older slips not verified",
    )
    rotate.set_defaults(func=cmd_keys_rotate)


def _config(args: argparse.Namespace) -> Config:
    return load_config(getattr(args, "config", None))


def _paths(config: Config, args: argparse.Namespace) -> list[tuple[str, Any]]:
    from kiosk.keys import AUDIT, DATA, INDEX, SLIP  # the crypto only for these commands

    both = [(DATA, config.data_key_file), (SLIP, config.slip_key_file)]
    if getattr(args, "data", False):
        return both[:1]
    if getattr(args, "slip", False):
        return both[1:]
    if args.keys_command == "rotate":  # the audit and index keys are never rotated (kiosk.keys)
        return both
    return [*both, (AUDIT, config.audit_key_file), (INDEX, config.index_key_file)]


def cmd_keys_show(args: argparse.Namespace) -> int:
    from kiosk.app.root import make_ledger
    from kiosk.keys import describe_key

    config = _config(args)
    ledger = make_ledger(config)
    problems = 0
    for purpose, path in _paths(config, args):
        ok, detail = describe_key(purpose, path, ledger)
        problems += not ok
        print(f"{'OK  ' if ok else 'FAIL'} {purpose} key: {detail}")
    return EXIT_PROBLEM if problems else 0


def cmd_keys_init(args: argparse.Namespace) -> int:
    from kiosk.app.root import make_ledger
    from kiosk.keys import init_key

    config = _config(args)
    ledger = make_ledger(config)
    return _each(
        lambda purpose, path: init_key(purpose, path, ledger, replace_lost=args.replace_lost), config, args
    )


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    from kiosk.app.root import make_ledger
    from kiosk.keys import rotate_key

    config = _config(args)
    ledger = make_ledger(config)
    return _each(
        lambda purpose, path: rotate_key(purpose, path, ledger, keep_old=not args.drop_old), config, args
    )


def _each(action: Any, config: Config, args: argparse.Namespace) -> int:
    status = 0
    for purpose, path in _paths(config, args):
        try:
            print(action(purpose, path))
        except (KeyProblem, OSError) as exc:
            print(f"kiosk: keys: {exc}", file=sys.stderr)
            status = EXIT_PROBLEM
    return status
