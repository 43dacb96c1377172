"""The `kiosk` command: run the kiosk, render the screen tour, check the station, manage the database.

Exit codes: 0 done; 1 the command's own "no" (not found, not printed, problems listed); 2 the
station cannot do it: bad configuration, a broken, locked or unreachable database, an unusable
key, a full disk. Those print one line naming the fault, never a traceback (`main`).
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.config import Config

# Everything the kiosk writes (database and its -wal/-shm, keys, receipts, backups, caches) is
# personal data or protects it: files 0600, folders 0700.
PRIVATE_UMASK = 0o077

EXIT_BROKEN = 2


def _config(args: argparse.Namespace) -> Config:
    from kiosk.config import load_config

    return load_config(args.config, demo=getattr(args, "demo", False))


def cmd_run(args: argparse.Namespace) -> int:
    # No cyclic garbage collection until the kiosk is built behind its first frame (ui/launch.py
    # turns it on again): the start-up allocates objects by the hundred thousand (PySide6's
    # modules, the widgets) and makes next to no garbage, so each full collection in it only walks
    # them, ~10 ms of the first frame in all.
    gc.disable()
    config = _config(args)
    from kiosk.station_lock import StationLock
    from ui.launch import run  # Qt only for the commands that show a window

    with StationLock(config.lock_file, exclusive=False):  # `kiosk restore` refuses while held
        return run(config, windowed=args.windowed)


def cmd_card_service(args: argparse.Namespace) -> int:
    from kiosk.app.card_service import run_card_service

    return run_card_service(args)


def cmd_tour(args: argparse.Namespace) -> int:
    from ui.tour import run_tour

    width, height = (int(x) for x in args.size.lower().split("x"))
    if args.mark_fallbacks:  # for a language pack's reviewer: what still shows in Vietnamese
        from kiosk.text import mark_fallbacks

        mark_fallbacks("⟨vi⟩ ")
    manifest = run_tour(Path(args.out), (width, height), args.language, args.theme, args.large_text)
    import json

    count = len(json.loads(manifest.read_text("utf-8"))["screens"])
    print(f"{count} screens written; manifest: {manifest}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from kiosk.app.doctor import format_checks, run_checks

    checks = run_checks(_config(args))
    print(format_checks(checks))
    return 0 if all(c.ok for c in checks) else 1


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from db.engine import make_engine, quick_check, redacted_url, sqlite_file
    from db.migrate import current_revision, upgrade

    config = _config(args)
    url = config.database_url
    path = sqlite_file(url)
    if path is not None and path.exists():  # never migrate (or call current) a damaged file
        engine = make_engine(url)
        try:
            finding = quick_check(engine)
        finally:
            engine.dispose()
        if finding is not None:
            print(
                f"kiosk: database: {path} is damaged ({finding}): restore it from the backup",
                file=sys.stderr,
            )
            return EXIT_BROKEN
    upgrade(url)
    print(f"{redacted_url(url)}: at revision {current_revision(url)}")
    return 0


def cmd_config_example(args: argparse.Namespace) -> int:
    from kiosk.config import example_toml

    sys.stdout.write(example_toml())
    return 0


def cmd_config_check(args: argparse.Namespace) -> int:
    _config(args)
    print("configuration is valid")
    return 0


def cmd_catalog_check(args: argparse.Namespace) -> int:
    from kiosk.catalog import check_catalog

    catalog, problems = check_catalog(args.folder, overlay=_config(args).catalog.dir)
    for problem in problems:
        print(problem)
    for code, bundled in sorted(catalog.replaced.items()):
        print(f"{catalog.origins[code]}: replaces the bundled service {code} ({bundled})")
    print(f"{len(catalog.services)} service(s), {len(problems)} problem(s)")
    return 1 if problems else 0


def cmd_catalog_list(args: argparse.Namespace) -> int:
    from kiosk.catalog import load_catalog

    catalog = load_catalog(args.folder, overlay=_config(args).catalog.dir)
    rows: list[dict[str, Any]] = [
        {
            "code": s.code,
            "slug": s.slug,
            "file": catalog.origins.get(s.code, ""),
            "title": dict(s.title.by_language),
            "steps": [{"kind": st.kind, "id": st.id} for st in s.steps],
            "fields": [{"id": f.id, "type": f.type, "required": f.required} for f in s.fields.values()],
        }
        for s in catalog.services
    ]
    if args.json:
        import json

        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for row in rows:
            station = "" if row["file"].startswith("resources/") else f"  ({row['file']})"
            print(f"{row['code']:<10} {row['title']['vi']}{station}")
    return 0


def cmd_card(args: argparse.Namespace) -> int:
    from kiosk.app.cli_card import add_card_commands

    parser = argparse.ArgumentParser(prog="kiosk")
    parser.add_argument("--config", type=Path)
    add_card_commands(parser.add_subparsers(dest="command", required=True))
    card_args = parser.parse_args(["card", *args.card_args])
    card_args.config = args.config
    return int(card_args.func(card_args))


def build_parser(*, only_run: bool = False, only_card: bool = False) -> argparse.ArgumentParser:
    """Every command; `only_run`: `kiosk run` alone (and its child `kiosk card-service`), which a
    station starts at every boot, so that the idle screen does not wait for the other commands'
    modules to load; `only_card`: `kiosk
    card` alone, whose fresh-process read (`kiosk card read`) must start as fast as a bare reader."""
    parser = argparse.ArgumentParser(prog="kiosk", description=__doc__)
    parser.add_argument("--config", type=Path, help="TOML configuration file (see kiosk.example.toml)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="start the kiosk")
    run.add_argument("--demo", action="store_true", help="emulated card, PDF printer, local database")
    run.add_argument("--windowed", action="store_true", help="a normal window instead of full screen")
    run.set_defaults(func=cmd_run)
    # The chip commands load the ICAO crypto stack: parsed by their own parser, only when used,
    # so `kiosk run` does not pay for them before the idle screen paints.
    card = sub.add_parser("card", help="read or emulate the chip ID card (CCCD)", add_help=False)
    card.add_argument("card_args", nargs=argparse.REMAINDER)
    card.set_defaults(func=cmd_card)
    # `kiosk run`'s child holding the card reader (`kiosk.app.card_service`); its configuration
    # comes pickled on standard input, and the end of that pipe means the kiosk has gone.
    card_service = sub.add_parser("card-service", help=argparse.SUPPRESS)
    card_service.add_argument("--config-stdin", action="store_true", help=argparse.SUPPRESS)
    card_service.set_defaults(func=cmd_card_service)
    if only_run or only_card:
        return parser

    tour = sub.add_parser("tour", help="render every screen of every service to PNG")
    tour.add_argument("--out", required=True)
    tour.add_argument("--size", default="1366x768")
    from kiosk.config import language_codes

    tour.add_argument("--language", default="vi", choices=language_codes())
    tour.add_argument(
        "--mark-fallbacks",
        action="store_true",
        help="mark text shown in Vietnamese for want of a translation",
    )
    tour.add_argument("--theme", default="normal", choices=("normal", "high_contrast"))
    tour.add_argument("--large-text", action="store_true", help="every screen in large text")
    tour.set_defaults(func=cmd_tour)

    doctor = sub.add_parser("doctor", help="check devices and database; non-zero exit on a fault")
    doctor.add_argument("--demo", action="store_true")
    doctor.set_defaults(func=cmd_doctor)

    db = sub.add_parser("db", help="database").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="migrate the database to the current schema").set_defaults(
        func=cmd_db_upgrade
    )

    config = sub.add_parser("config", help="configuration").add_subparsers(
        dest="config_command", required=True
    )
    config.add_parser("example", help="print kiosk.example.toml").set_defaults(func=cmd_config_example)
    config.add_parser("check", help="validate the configuration").set_defaults(func=cmd_config_check)

    catalog = sub.add_parser("catalog", help="service catalog").add_subparsers(
        dest="catalog_command", required=True
    )
    check = catalog.add_parser(
        "check", help="validate every catalog file, the station's own (catalog.dir) included"
    )
    check.add_argument("--folder", type=Path, help="instead of the bundled services")
    check.set_defaults(func=cmd_catalog_check)
    listing = catalog.add_parser("list", help="list services")
    listing.add_argument("--folder", type=Path, help="instead of the bundled services")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_catalog_list)

    from kiosk.app.cli_backup import add_backup_commands
    from kiosk.app.cli_hub import add_hub_commands
    from kiosk.app.cli_keys import add_keys_commands
    from kiosk.app.cli_officer import add_officer_commands
    from kiosk.app.cli_print import add_print_commands
    from kiosk.app.cli_report import add_report_command
    from kiosk.app.cli_serve import add_serve_commands
    from kiosk.app.cli_status import add_status_commands
    from kiosk.app.cli_trust import add_trust_commands
    from kiosk.app.cli_voice import add_voice_commands
    from kiosk.app.cli_worker import add_worker_command

    add_print_commands(sub)
    add_status_commands(sub)
    add_worker_command(sub)
    add_keys_commands(sub)
    add_backup_commands(sub)
    add_officer_commands(sub)
    add_report_command(sub)
    add_trust_commands(sub)
    add_serve_commands(sub)
    add_hub_commands(sub)
    add_voice_commands(sub)
    return parser


def _command(argv: list[str]) -> str | None:
    """The command word of `argv` (the first word that is neither an option nor its value)."""
    words = iter(argv)
    for word in words:
        if word == "--config":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = _command(argv)
    parser = build_parser(only_run=command in ("run", "card-service"), only_card=command == "card")
    args, extra = parser.parse_known_args(argv)
    if extra and args.command == "card":
        args.card_args = [*extra, *args.card_args]  # e.g. `kiosk card --help`
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    os.umask(PRIVATE_UMASK)
    try:
        return int(args.func(args))
    except Exception as exc:
        # Looked up among the imported modules: an error class never imported was not raised.
        config = sys.modules.get("kiosk.config")
        if config is not None and isinstance(exc, config.ConfigError):
            print(f"kiosk: configuration error: {exc}", file=sys.stderr)
            return EXIT_BROKEN
        keyfile = sys.modules.get("kiosk.keyfile")
        if keyfile is not None and isinstance(exc, keyfile.KeyProblem):
            print(f"kiosk: keys: {exc}", file=sys.stderr)
            return EXIT_BROKEN
        catalog = sys.modules.get("kiosk.catalog")  # not imported before `kiosk run` paints
        if catalog is not None and isinstance(exc, catalog.CatalogError):
            for problem in exc.problems:  # one line per problem, each naming its file
                print(f"kiosk: catalog: {problem}", file=sys.stderr)
            return 1
        fault = station_fault(exc)
        if fault is None:
            raise  # a bug: its traceback is wanted
        logging.getLogger(__name__).debug("%s", fault, exc_info=True)  # the traceback with -v
        print(f"kiosk: {fault}", file=sys.stderr)
        return EXIT_BROKEN


def station_fault(exc: BaseException) -> str | None:
    """One line for the declared kinds of station fault (database, keys, disk), None otherwise.

    The error classes are looked up among the modules already imported: a module never imported
    raised nothing, and `kiosk run` must not load the database and crypto stacks before its first
    paint just to be able to name their errors.
    """
    sealing = sys.modules.get("kiosk.sealing")
    if sealing is not None and isinstance(exc, sealing.SealError):
        return f"data key: {exc}"
    slip = sys.modules.get("kiosk.slip")
    if slip is not None and isinstance(exc, slip.SlipError):
        return f"slip key: {exc}"
    if "sqlalchemy" in sys.modules:
        from db.errors import storage_problem

        problem = storage_problem(exc)
        if problem is not None:
            return f"database: {problem}"
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    return None


if __name__ == "__main__":
    sys.exit(main())
