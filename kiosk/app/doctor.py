"""`kiosk doctor`: one line per device and the database, and whether each is usable."""

from __future__ import annotations

from kiosk.app import health
from kiosk.config import Config
from kiosk.health import Check


def _catalog(config: Config) -> Check:
    from kiosk.catalog import check_catalog

    catalog, problems = check_catalog(overlay=config.catalog.dir)
    if problems:
        return Check("catalog", False, f"{len(problems)} problem(s): {problems[0]}")
    return Check("catalog", True, f"{len(catalog.services)} service(s)")


def _database(config: Config) -> Check:
    """Named by its URL with the password masked: doctor output is pasted into tickets."""
    from db.engine import redact, redacted_url
    from db.migrate import current_revision, head_revisions, is_up_to_date

    url = config.database_url
    shown = redacted_url(url)
    try:
        if is_up_to_date(url):
            return Check("database", True, f"{shown} at revision {current_revision(url)}")
        heads = ", ".join(sorted(head_revisions()))
        return Check(
            "database", False, f"{shown} is at {current_revision(url)}, needs {heads}: run `kiosk db upgrade`"
        )
    except Exception as exc:
        return Check("database", False, f"{shown}: {redact(str(exc), url)}")


def _card_reader(config: Config) -> Check:
    from kiosk.app.root import make_card_reader

    try:
        reader = make_card_reader(config)
        names = reader.readers()
    except Exception as exc:
        return Check("card reader", False, f"{config.card.backend}: {exc}")
    if not names:
        return Check("card reader", False, f"{config.card.backend}: no reader attached")
    wanted = config.card.reader
    if config.card.backend == "pcsc" and wanted:
        from devices.card.pcsc import choose_reader

        if choose_reader(names, wanted) is None:
            return Check("card reader", False, f"pcsc: no reader named '{wanted}' (have: {', '.join(names)})")
    present = "card present" if reader.card_present() else "no card"
    return Check("card reader", True, f"{config.card.backend}: {', '.join(names)} ({present})")


def _printer(config: Config) -> Check:
    from kiosk.app.root import make_printer

    try:
        printer = make_printer(config)
        status = printer.status()
    except Exception as exc:
        return Check("printer", False, f"{config.printer.backend}: {exc}")
    return Check(
        "printer", status.ready, f"{printer.describe()}: {status.state.value} {status.message}".strip()
    )


def _fonts() -> Check:
    from importlib import resources

    folder = resources.files("resources.fonts")
    missing = [
        n for n in ("BeVietnamPro-Regular.ttf", "BeVietnamPro-Bold.ttf") if not folder.joinpath(n).is_file()
    ]
    return Check("fonts", not missing, "missing " + ", ".join(missing) if missing else "Be Vietnam Pro")


def _payment(config: Config) -> Check:
    from kiosk.app.root import payment_options

    problems = payment_options(config).problems()
    methods = ", ".join(config.payment.methods)
    return Check("payment", not problems, "; ".join(problems) if problems else methods)


def _queues(config: Config) -> Check:
    """What waits: unsent submissions (retried by themselves) and receipts (the printer needs help)."""
    from db.engine import redact
    from kiosk.app.root import Lazy, make_print_queue, make_printer, make_storage, make_store

    try:
        storage = make_storage(config)
        backlog = make_store(config, storage).backlog()
        waiting = len(make_print_queue(config, storage, Lazy(lambda: make_printer(config))).pending())
    except Exception as exc:
        return Check("queues", False, redact(str(exc), config.database_url))
    detail = f"{backlog} submission(s) unsent, {waiting} receipt(s) waiting for the printer"
    return Check("queues", waiting == 0, detail + (": see `kiosk print queue`" if waiting else ""))


def _keys(config: Config) -> list[Check]:
    """The station's keys against the ids the database recorded; nothing is made or written."""
    from db.engine import redact
    from kiosk.app.root import make_ledger
    from kiosk.keys import AUDIT, DATA, SLIP, describe_key

    try:
        ledger = make_ledger(config)
    except Exception as exc:
        return [Check("keys", False, redact(str(exc), config.database_url))]
    checks = []
    for name, purpose, path in (
        ("data key", DATA, config.data_key_file),
        ("slip key", SLIP, config.slip_key_file),
        ("audit key", AUDIT, config.audit_key_file),
    ):
        ok, line = describe_key(purpose, path, ledger)
        checks.append(Check(name, ok, line))
    return checks


def _backup(config: Config) -> Check:
    """With `backup.dir` set: is the newest backup there recent (the USB disk plugged in)?"""
    import time

    from kiosk.backup import BACKUP_AGE_S, backups

    folder = config.backup.dir
    if folder is None:
        return Check("backup", True, "no backup.dir: nightly backups off (`kiosk backup --to DIR` by hand)")
    if not folder.is_dir():
        return Check("backup", False, f"{folder} is not there (USB disk unplugged?)")
    found = backups(folder)
    if not found:
        return Check("backup", False, f"no backup in {folder} yet")
    age_h = (time.time() - found[-1].stat().st_mtime) / 3600
    detail = f"newest {found[-1].name}, {age_h:.0f} h old, {len(found)} kept in {folder}"
    return Check("backup", age_h < 2 * BACKUP_AGE_S / 3600, detail)


def run_checks(config: Config) -> list[Check]:
    checks = [_catalog(config), _database(config), _card_reader(config), _printer(config)]
    checks += [_payment(config), _fonts(), _backup(config)]
    if checks[1].ok:  # the keys are checked against the database, and the queues live in it
        checks.append(health.database_pages(config))
        keys = _keys(config)
        checks += keys
        if all(c.ok for c in keys):  # a key problem is its line already: nothing more to open
            checks += [health.sealed_data(config), health.slip_signing(config)]
            if config.data_key_file.exists():  # else nothing is sealed yet
                checks.append(_queues(config))
    checks += [health.free_disk(config), health.trust_store(config)]
    return checks


def format_checks(checks: list[Check]) -> str:
    width = max(len(c.name) for c in checks)
    lines = (f"{('OK' if c.ok else 'FAIL').ljust(4)} {c.name.ljust(width)}  {c.detail}" for c in checks)
    return "\n".join(lines)
