"""`kiosk backup`, `kiosk restore` and `kiosk purge`: the station's data over time.

    kiosk backup [--to DIR] [--with-keys]   consistent copy of the database (default: backup.dir)
    kiosk restore FILE [--with-keys]        the database replaced by a backup (refused while a kiosk
                                            or worker runs: they hold `kiosk.station_lock`)
    kiosk purge                             remove what is older than retention.days

Keys are copied into a backup, or out of one, only with --with-keys. A restored database is
checked against the keys at the next start like any other (`kiosk.keys`). Exit codes: 0 done,
1 the backup, restore or purge could not be done (one line says why), 2 a key problem.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk.config import load_config
from kiosk.station_lock import StationInUse, StationLock

EXIT_FAILED = 1


def add_backup_commands(subparsers: Any) -> None:
    backup = subparsers.add_parser("backup", help="copy the database (consistently, while in use)")
    backup.add_argument("--to", type=Path, help="folder or USB disk (default: backup.dir)")
    backup.add_argument(
        "--with-keys", action="store_true", help="copy the key files too (keep the copy safe)"
    )
    backup.set_defaults(func=cmd_backup)
    restore = subparsers.add_parser("restore", help="replace the database by a backup")
    restore.add_argument("file", type=Path, help="a kiosk-*.sqlite3 file made by `kiosk backup`")
    restore.add_argument(
        "--with-keys", action="store_true", help="also put back the keys saved with it (never replaces a key)"
    )
    restore.set_defaults(func=cmd_restore)
    purge = subparsers.add_parser(
        "purge", help="remove dossiers, receipts and print jobs past retention.days"
    )
    purge.set_defaults(func=cmd_purge)


def cmd_backup(args: argparse.Namespace) -> int:
    from kiosk.app.root import backup_now
    from kiosk.backup import BackupError

    config = load_config(args.config)
    folder = args.to or config.backup.dir
    if folder is None:
        print("kiosk: backup: no folder: give --to DIR or set backup.dir", file=sys.stderr)
        return EXIT_FAILED
    try:
        print(backup_now(config, folder.expanduser().absolute(), with_keys=args.with_keys))
    except (BackupError, OSError) as exc:
        print(f"kiosk: backup: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from db.backup import check_backup, restore_database
    from db.engine import redacted_url
    from kiosk.backup import BackupError, restore_keys
    from kiosk.keys import KEY_SIZE

    config = load_config(args.config)
    source = args.file.expanduser().absolute()
    lock = StationLock(config.lock_file, exclusive=True)
    try:
        lock.acquire()  # held until done: a kiosk starting meanwhile waits for the restored file
        check_backup(source)
        restored = []
        if args.with_keys:  # keys first: a database without its key would refuse to start
            wanted = {
                "data.key": config.data_key_file,
                "slip.key": config.slip_key_file,
                "audit.key": config.audit_key_file,
                "index.key": config.index_key_file,
            }
            restored = restore_keys(source, wanted, KEY_SIZE)
        restore_database(config.database_url, source)
    except (BackupError, StationInUse, OSError) as exc:
        print(f"kiosk: restore: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        lock.release()
    keys = f", {len(restored)} key file(s) put back" if restored else ""
    print(f"{redacted_url(config.database_url)}: restored from {source}{keys}")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from kiosk.app.root import make_retention, purge_old

    config = load_config(args.config)
    try:
        print(purge_old(config, make_retention(config)))
    except OSError as exc:
        print(f"kiosk: purge: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return 0
