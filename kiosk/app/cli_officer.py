"""`kiosk officer` and `kiosk audit`: officers' accounts and the audit log, from the station's shell.

    kiosk officer add ID --name NAME [--role officer|station_head|technician] [--card-id NUMBER]
    kiosk officer set-card ID --card-id NUMBER | --remove
                                        the officer's own chip ID card (sign-in: card, then PIN)
    kiosk officer disable ID | enable ID
    kiosk officer reset-pin ID          a new PIN; clears a lock
    kiosk officer list
    kiosk audit verify [--head HEAD]    exit 1 on a broken chain (HEAD: from an earlier report)
    kiosk audit show [--limit N]

A PIN is never an argument (it would stay in the shell's history and in `ps`): it is asked
twice without echo at a terminal, or read as one line from standard input. Every action is
written to the audit log as "cli:<user>". Exit codes: 0 done, 1 refused or a broken chain,
2 a key or configuration problem.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from kiosk.config import load_config

EXIT_REFUSED = 1
SHOWN_PROBLEMS = 20


def add_officer_commands(subparsers: Any) -> None:
    from kiosk.permissions import Role

    officer = subparsers.add_parser("officer", help="officers' accounts: add, disable, reset-pin, list")
    commands = officer.add_subparsers(dest="officer_command", required=True)
    add = commands.add_parser("add", help="a new officer; the PIN is asked for")
    add.add_argument("officer_id")
    add.add_argument("--name", required=True, help="full name, with diacritics")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.OFFICER.value)
    add.add_argument(
        "--card-id", metavar="NUMBER", help="the 12-digit number of the officer's own chip ID card"
    )
    add.set_defaults(func=cmd_officer_add)
    card = commands.add_parser("set-card", help="register (or remove) the officer's own chip ID card")
    card.add_argument("officer_id")
    which = card.add_mutually_exclusive_group(required=True)
    which.add_argument("--card-id", metavar="NUMBER", help="the card's 12-digit ID number")
    which.add_argument("--remove", action="store_true", help="the officer signs in without a card")
    card.set_defaults(func=cmd_officer_set_card)
    for name, active, text in (
        ("disable", False, "refuse the officer's PIN"),
        ("enable", True, "undo disable"),
    ):
        cmd = commands.add_parser(name, help=text)
        cmd.add_argument("officer_id")
        cmd.set_defaults(func=cmd_officer_active, active=active)
    reset = commands.add_parser("reset-pin", help="a new PIN for an officer (asked for); clears a lock")
    reset.add_argument("officer_id")
    reset.set_defaults(func=cmd_officer_reset_pin)
    commands.add_parser("list", help="every account").set_defaults(func=cmd_officer_list)

    audit = subparsers.add_parser("audit", help="the officers' audit log: verify, show")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_commands.add_parser("verify", help="check the chain; exit 1 if broken")
    verify.add_argument("--head", help="a chain head from an earlier report (#N-hex): must still be there")
    verify.set_defaults(func=cmd_audit_verify)
    show = audit_commands.add_parser("show", help="the newest rows")
    show.add_argument("--limit", type=int, default=50)
    show.set_defaults(func=cmd_audit_show)


def _desk(args: argparse.Namespace) -> Any:
    from kiosk.app.root import make_officer_desk

    return make_officer_desk(load_config(getattr(args, "config", None)))


def command_line_actor() -> Any:
    from kiosk.officers import Actor

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        user = f"uid{os.getuid()}"
    return Actor.command_line(user)


def read_pin() -> str:
    """Twice without echo at a terminal; else one line of standard input (scripts, tests)."""
    from kiosk.officers import OfficerProblem

    if sys.stdin.isatty():
        pin = getpass.getpass("PIN: ")
        if getpass.getpass("PIN again: ") != pin:
            raise OfficerProblem("the two PINs differ: nothing was changed")
        return pin
    return sys.stdin.readline().strip()


def _refused(exc: Exception | str) -> int:
    print(f"kiosk: officer: {exc}", file=sys.stderr)
    return EXIT_REFUSED


def _cards(args: argparse.Namespace, desk: Any) -> Any:
    from kiosk.app.root import make_officer_cards

    return make_officer_cards(load_config(getattr(args, "config", None)), desk)


def cmd_officer_add(args: argparse.Namespace) -> int:
    from kiosk.officer_cards import check_card_id
    from kiosk.officers import OfficerProblem, check_name, check_officer_id
    from kiosk.permissions import Role

    try:
        check_officer_id(args.officer_id)  # before the PIN is asked for
        check_name(args.name)
        if args.card_id is not None:
            check_card_id(args.card_id)
        desk = _desk(args)
        cards = _cards(args, desk) if args.card_id is not None else None  # keys checked before any change
        officer = desk.officers.add(
            command_line_actor(), args.officer_id, args.name, Role(args.role), read_pin()
        )
    except OfficerProblem as exc:
        return _refused(exc)
    print(f"officer {officer.officer_id} ({officer.name}, {officer.role.value}) added")
    if not officer.officer_id.isdigit() and cards is None:
        # The kiosk's sign-in keypad has digits only: such an ID signs in at the console alone.
        print(
            f"note: {officer.officer_id!r} is not all digits; at the kiosk this officer can sign in only"
            " with their own chip card (`kiosk officer set-card`)",
            file=sys.stderr,
        )
    if cards is not None:
        try:
            cards.set_card(command_line_actor(), officer.officer_id, args.card_id)
        except OfficerProblem as exc:
            return _refused(f"{exc} (the account was added without a card: `kiosk officer set-card`)")
        print(f"officer {officer.officer_id}: own chip card registered (sign-in: the card, then the PIN)")
    return 0


def cmd_officer_set_card(args: argparse.Namespace) -> int:
    from kiosk.officers import OfficerProblem

    try:
        desk = _desk(args)
        _cards(args, desk).set_card(
            command_line_actor(), args.officer_id, None if args.remove else args.card_id
        )
    except OfficerProblem as exc:
        return _refused(exc)
    print(f"officer {args.officer_id}: own chip card {'removed' if args.remove else 'registered'}")
    return 0


def cmd_officer_active(args: argparse.Namespace) -> int:
    from kiosk.officers import OfficerProblem

    try:
        officer = _desk(args).officers.set_active(command_line_actor(), args.officer_id, args.active)
    except OfficerProblem as exc:
        return _refused(exc)
    print(f"officer {officer.officer_id} {'enabled' if officer.active else 'disabled'}")
    return 0


def cmd_officer_reset_pin(args: argparse.Namespace) -> int:
    from kiosk.officers import OfficerProblem

    try:
        desk = _desk(args)
        if desk.officers.get(args.officer_id) is None:  # before the PIN is asked for
            raise OfficerProblem(f"no officer {args.officer_id!r}: see `kiosk officer list`")
        desk.officers.reset_pin(command_line_actor(), args.officer_id, read_pin())
    except OfficerProblem as exc:
        return _refused(exc)
    print(f"officer {args.officer_id}: new PIN set, lock cleared")
    return 0


def cmd_officer_list(args: argparse.Namespace) -> int:
    from kiosk.ports.clock import local_now

    now = local_now()
    officers = _desk(args).officers.list()
    for o in officers:
        state = "active" if o.active else "disabled"
        if o.has_card:
            state += ", own card"
        if o.locked_until is not None and o.locked_until > now:
            state += f", locked until {o.locked_until.astimezone():%H:%M}"
        print(f"{o.officer_id:<16} {o.role.value:<13} {state:<30} {o.name}")
    print(f"{len(officers)} officer(s)")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from kiosk.audit import AuditProblem

    desk = _desk(args)
    try:
        result = desk.audit.verify(args.head)
    except AuditProblem as exc:
        print(f"kiosk: audit: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    for problem in result.problems[:SHOWN_PROBLEMS]:
        print(f"BROKEN {problem}")
    if len(result.problems) > SHOWN_PROBLEMS:
        print(f"... and {len(result.problems) - SHOWN_PROBLEMS} more")
    verdict = "intact" if result.ok else f"BROKEN ({len(result.problems)} problem(s))"
    print(f"audit log: {result.rows} row(s), {verdict}; head {result.head.short}")
    return 0 if result.ok else EXIT_REFUSED


def cmd_audit_show(args: argparse.Namespace) -> int:
    rows = _desk(args).audit.newest(max(args.limit, 1))
    for row in reversed(rows):
        at = row.at.astimezone()
        print(f"{row.seq:>6} {at:%Y-%m-%d %H:%M:%S} {row.actor:<20} {row.action:<20} {row.detail}")
    return 0
