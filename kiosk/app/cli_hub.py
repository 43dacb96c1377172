"""`kiosk hub`: run the province hub, and enrol a station with it.

At the hub (its database URL by --url or KIOSK_HUB_URL, its key folder by --keys or KIOSK_HUB_KEYS):

    kiosk hub migrate                     Alembic upgrade of the hub database (never done at start)
    kiosk hub serve --listen HOST:PORT    the station API and the province console under uvicorn
                  [--cookies secure|plain] [--idle-logout-minutes N]
                  [--key-cache-seconds S] [--http-stack fast|plain]
                                          (TLS from the proxy: cookies Secure unless plain; a
                                          revocation reaches each process within S, default 1)
    kiosk hub enrol-code --station ID --province P --commune C --name N
                                          a one-time code for that station, valid 24 h
    kiosk hub revoke STATION              refuse that station's requests from now on
    kiosk hub officer-add ID --name N [--role R] (--station S | --whole-province)
                                          a console account (PIN, then password, on stdin)
    kiosk hub set-status CODE STATUS [--note TEXT] [--national-number N] --by OFFICER
                                          an officer's status change (until the console's pages)
    kiosk hub index-rebuild               the name and ID search index made again from the sealed
                                          dossiers (a replaced index key, rows of an older build)

At a station (its configuration):

    kiosk hub enrol --hub URL CODE        make the station's request key (kept if there) and bind
                                          it and the slip public keys to the code's record
    kiosk hub sync                        pull the hub's status changes now

Exit codes: 0 done, 1 refused by the hub, 2 broken (database, keys, hub unreachable).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.config import load_config

EXIT_REFUSED = 1
EXIT_BROKEN = 2
MIN_IDLE, MAX_IDLE = 1, 480  # as the station's `console.idle_logout_minutes`


def _minutes(text: str) -> int:
    if not text.strip().isdigit() or not MIN_IDLE <= int(text) <= MAX_IDLE:
        raise argparse.ArgumentTypeError(f"a whole number of minutes, {MIN_IDLE} to {MAX_IDLE}, not {text!r}")
    return int(text)


MAX_KEY_CACHE = 5.0  # a revocation must reach every hub process within seconds, not minutes


def _cache_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= MAX_KEY_CACHE:
        raise argparse.ArgumentTypeError(f"seconds, 0 to {MAX_KEY_CACHE:g}, not {text!r}")
    return value


def _one_of(env: str, *choices: str) -> Callable[[str], str]:
    """An option whose default comes from `env`: argparse checks `choices` against the command line
    only, so `KIOSK_HUB_COOKIES=sekure` passed silently (and turned Secure cookies off)."""

    def check(text: str) -> str:
        if text not in choices:
            allowed = ", ".join(choices)
            raise argparse.ArgumentTypeError(f"{env} (or the option): one of {allowed}, not {text!r}")
        return text

    return check


def add_hub_commands(subparsers: Any) -> None:
    hub = subparsers.add_parser("hub", help="the province hub: run it; enrol this station with it")
    commands = hub.add_subparsers(dest="hub_command", required=True)

    def at_hub(name: str, help: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = commands.add_parser(name, help=help)
        parser.add_argument("--url", default=os.environ.get("KIOSK_HUB_URL", ""), help="hub database URL")
        parser.add_argument("--keys", default=os.environ.get("KIOSK_HUB_KEYS", ""), help="hub key folder")
        return parser

    migrate = commands.add_parser("migrate", help="migrate the hub database to this build's schema")
    migrate.add_argument("--url", default=os.environ.get("KIOSK_HUB_URL", ""), help="hub database URL")
    migrate.set_defaults(func=cmd_migrate)

    serve = at_hub("serve", help="run the station API and the province console")
    serve.add_argument("--listen", default="127.0.0.1:8080", help="HOST:PORT (default 127.0.0.1:8080)")
    serve.add_argument(
        "--province",
        default=os.environ.get("KIOSK_HUB_PROVINCE", ""),
        help="the province's name, shown at the top of the console (e.g. Hà Nội)",
    )
    serve.add_argument(
        "--cookies",
        choices=["secure", "plain"],
        type=_one_of("KIOSK_HUB_COOKIES", "secure", "plain"),
        default=os.environ.get("KIOSK_HUB_COOKIES", "secure"),
        help="console cookies Secure, sent over HTTPS only (default: the hub is behind the TLS proxy); "
        "plain only for a hub reached without TLS on loopback (tests)",
    )
    serve.add_argument(
        "--idle-logout-minutes",
        type=_minutes,
        default=os.environ.get("KIOSK_HUB_IDLE_LOGOUT_MINUTES", "15"),
        help=f"minutes without a request before a console session ends ({MIN_IDLE}-{MAX_IDLE}, default 15)",
    )
    serve.add_argument(
        "--key-cache-seconds",
        type=_cache_seconds,
        default=os.environ.get("KIOSK_HUB_KEY_CACHE_SECONDS", "1"),
        help=f"how long a process keeps a station's key: a revocation takes effect within it "
        f"(0 to {MAX_KEY_CACHE:g}, default 1)",
    )
    serve.add_argument(
        "--http-stack",
        choices=["fast", "plain"],
        type=_one_of("KIOSK_HUB_HTTP_STACK", "fast", "plain"),
        default=os.environ.get("KIOSK_HUB_HTTP_STACK", "fast"),
        help="uvicorn's loop and parser: fast = uvloop + httptools (default), plain = asyncio + h11",
    )
    serve.set_defaults(func=cmd_serve)

    code = at_hub("enrol-code", help="a one-time enrolment code for a station (24 h)")
    code.add_argument("--station", required=True, help="the station's id (its station.id)")
    code.add_argument("--province", required=True)
    code.add_argument("--commune", required=True)
    code.add_argument("--name", required=True)
    code.set_defaults(func=cmd_enrol_code)

    revoke = at_hub("revoke", help="refuse a station's requests from now on")
    revoke.add_argument("station")
    revoke.set_defaults(func=cmd_revoke)

    status = at_hub("set-status", help="an officer's status change of a dossier at the hub")
    status.add_argument("code")
    status.add_argument("status")
    status.add_argument("--note", default=None, help="note for the citizen")
    status.add_argument("--national-number", default=None)
    status.add_argument("--by", required=True, help="the officer's id (audited)")
    status.set_defaults(func=cmd_set_status)

    officer = at_hub("officer-add", help="an officer's account at the hub; PIN then password on stdin")
    officer.add_argument("officer_id")
    officer.add_argument("--name", required=True, help="full name, with diacritics")
    officer.add_argument("--role", choices=["officer", "station_head", "technician"], default="officer")
    scope = officer.add_mutually_exclusive_group(required=True)
    scope.add_argument("--station", help="the one station whose dossiers the account sees")
    scope.add_argument("--whole-province", action="store_true", help="every station of the province")
    officer.set_defaults(func=cmd_officer_add)

    rebuild = at_hub("index-rebuild", help="make the hub's search index of names and ID numbers again")
    rebuild.set_defaults(func=cmd_index_rebuild)

    enrol = commands.add_parser("enrol", help="enrol this station with a hub (a code from the hub)")
    enrol.add_argument("--hub", required=True, help="the hub's URL (https://…)")
    enrol.add_argument("code")
    enrol.set_defaults(func=cmd_enrol)

    commands.add_parser("sync", help="pull the hub's status changes now").set_defaults(func=cmd_sync)


def _need(args: argparse.Namespace, *names: str) -> None:
    for name in names:
        if not getattr(args, name):
            raise SystemExit(f"kiosk hub: --{name} (or KIOSK_HUB_{name.upper()}) is needed")


def _hub(args: argparse.Namespace) -> Any:
    from hub.serve import build_hub

    _need(args, "url", "keys")
    return build_hub(args.url, Path(args.keys))


def _fail(message: str, code: int) -> int:
    print(f"kiosk hub: {message}", file=sys.stderr)
    return code


def cmd_migrate(args: argparse.Namespace) -> int:
    from db.engine import redacted_url
    from db.migrate import current_revision, upgrade

    _need(args, "url")
    upgrade(args.url)
    print(f"{redacted_url(args.url)}: at revision {current_revision(args.url)}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from hub.serve import HubError, parse_listen, serve
    from kiosk.app.root import build_hub_app

    _need(args, "url", "keys")
    try:
        parse_listen(args.listen)
        app = build_hub_app(
            args.url,
            Path(args.keys),
            province=args.province,
            secure_cookies=args.cookies == "secure",
            idle_logout=dt.timedelta(minutes=args.idle_logout_minutes),
            key_cache_seconds=args.key_cache_seconds,
        )
    except HubError as exc:
        return _fail(str(exc), EXIT_BROKEN)
    serve(app, args.listen, args.http_stack)
    return 0


def cmd_index_rebuild(args: argparse.Namespace) -> int:
    from hub.serve import HubError
    from kiosk.app.root import rebuild_hub_index

    _need(args, "url", "keys")
    try:
        count = rebuild_hub_index(args.url, Path(args.keys))
    except HubError as exc:
        return _fail(str(exc), EXIT_BROKEN)
    print(f"{count} dossier(s) indexed")
    return 0


def cmd_enrol_code(args: argparse.Namespace) -> int:
    from hub.serve import HubError

    try:
        hub = _hub(args)
    except HubError as exc:
        return _fail(str(exc), EXIT_BROKEN)
    code = hub.new_code(args.station, args.province, args.commune, args.name)
    print(code)
    print(
        f"one-time code for station {args.station}, valid 24 h: `kiosk hub enrol --hub URL {code}`",
        file=sys.stderr,
    )
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from hub.serve import HubError

    try:
        hub = _hub(args)
    except HubError as exc:
        return _fail(str(exc), EXIT_BROKEN)
    if not hub.revoke(args.station):
        return _fail(f"no station {args.station} is enrolled", EXIT_REFUSED)
    print(f"station {args.station} revoked")
    return 0


def cmd_set_status(args: argparse.Namespace) -> int:
    from db.hub import StatusRefused
    from hub.serve import HubError

    try:
        hub = _hub(args)
        change = hub.set_status(
            args.code,
            args.status,
            actor=args.by,
            note_for_citizen=args.note,
            national_number=args.national_number,
        )
    except HubError as exc:
        return _fail(str(exc), EXIT_BROKEN)
    except StatusRefused as exc:
        return _fail(str(exc), EXIT_REFUSED)
    print(f"{change.tracking_code}: {change.status} (change #{change.cursor})")
    return 0


def cmd_officer_add(args: argparse.Namespace) -> int:
    """A PIN (the kiosk's sign-in, unused at the hub but required of every account) and then a
    console password, each one line of standard input or asked twice at a terminal."""
    from kiosk.app.cli_officer import command_line_actor, read_pin
    from kiosk.app.root import make_hub_officers
    from kiosk.officers import OfficerProblem
    from kiosk.permissions import Role

    _need(args, "url", "keys")
    try:
        officers = make_hub_officers(args.url, Path(args.keys))
        actor = command_line_actor()
        pin, password = read_pin(), read_pin()
        officer = officers.add(
            actor, args.officer_id, args.name, Role(args.role), pin, station_id=args.station
        )
        officers.set_password(actor, officer.officer_id, password)
    except OfficerProblem as exc:
        return _fail(str(exc), EXIT_REFUSED)
    scope = f"station {args.station}" if args.station else "the whole province"
    print(f"officer {officer.officer_id} ({officer.name}, {officer.role.value}) added for {scope}")
    return 0


def cmd_enrol(args: argparse.Namespace) -> int:
    from hub.client import HubAnswer, HubClient
    from hub.station_key import make_request_key
    from kiosk.app.root import make_signer, make_storage
    from kiosk.ports.target import DeliveryDeferred

    config = load_config(getattr(args, "config", None))
    signer = make_signer(config, make_storage(config))
    key = make_request_key(config.hub_key_file)
    client = HubClient(args.hub, config.station.id, key, timeout_s=config.hub.timeout_seconds)
    try:
        record = client.enrol(args.code, signer.public_keys)
    except HubAnswer as exc:
        return _fail(f"enrolment refused: {exc.reason}: {exc.detail}", EXIT_REFUSED)
    except DeliveryDeferred as exc:
        return _fail(str(exc), EXIT_BROKEN)
    finally:
        client.close()
    print(
        f"station {record['station_id']} enrolled ({record['province']}, {record['commune']}, "
        f"{record['name']}); request key {client.key_id} at {config.hub_key_file}"
    )
    if config.hub.url.rstrip("/") != args.hub.rstrip("/") or config.submission.target != "hub":
        print(f'next: set [hub] url = "{args.hub}" and [submission] target = "hub"', file=sys.stderr)
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from hub.client import HubAnswer
    from kiosk.app.root import hub_status_pass
    from kiosk.ports.target import DeliveryDeferred

    config = load_config(getattr(args, "config", None))
    try:
        report = hub_status_pass(config)()
    except HubAnswer as exc:
        return _fail(f"refused: {exc.reason}: {exc.detail}", EXIT_REFUSED)
    except DeliveryDeferred as exc:
        return _fail(str(exc), EXIT_BROKEN)
    print(f"{report.changes} status change(s) applied; cursor {report.cursor}")
    return 0
