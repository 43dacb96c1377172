"""`kiosk report`: the statistics of a period as CSV (UTF-8 with BOM) or a one-page PDF.

    kiosk report --from 2026-12-01 --to 2026-12-31 --format pdf --out bao-cao-12-2026.pdf
    kiosk report --from 01/12/2026 --to 31/12/2026 --format csv --out bao-cao.csv [--by week]

The figures are those of the console's statistics page (`kiosk.stats`), the PDF carries the audit
chain head, and making a report is itself a row of the audit chain (written first, so the head on
the report is that row: cutting it or anything before it shows at `kiosk audit verify --head`).
Exit codes: 0 written, 1 the dates are wrong, 2 the station cannot (database, key, disk).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from kiosk.config import load_config

EXIT_BAD_DATES = 1
DAILY_UP_TO = 31  # days: a longer report is grouped by month unless --by says otherwise
AUDIT_ACTION = "export_report"  # kiosk.permissions.Action.EXPORT_REPORT


def add_report_command(subparsers: Any) -> None:
    report = subparsers.add_parser("report", help="statistics of a period as CSV or a one-page PDF")
    report.add_argument("--from", dest="first", required=True, help="first day, 2026-12-01 or 01/12/2026")
    report.add_argument("--to", dest="last", required=True, help="last day (included)")
    report.add_argument("--format", choices=("csv", "pdf"), required=True)
    report.add_argument("--out", type=Path, required=True, help="the file to write")
    report.add_argument(
        "--by",
        choices=("day", "week", "month"),
        help=f"grouping (default: day up to {DAILY_UP_TO} days, else month)",
    )
    report.set_defaults(func=cmd_report)


def parse_day(text: str) -> dt.date:
    """A day as ISO (2026-12-01) or as Vietnamese write it (01/12/2026)."""
    try:
        if "/" in text:
            return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date()
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a day: write 2026-12-01 or 01/12/2026") from None


def _write_private(path: Path, data: bytes) -> None:
    """All or nothing: a report half written is never left under its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_report(args: argparse.Namespace) -> int:
    from kiosk.app.cli_officer import command_line_actor
    from kiosk.app.root import make_officer_desk, make_statistics, station_zone
    from kiosk.report import ReportHeader, to_csv
    from kiosk.stats import Grain, StatsProblem

    try:
        first, last = parse_day(args.first), parse_day(args.last)
    except ValueError as exc:
        print(f"kiosk: report: {exc}", file=sys.stderr)
        return EXIT_BAD_DATES
    grain = Grain(args.by) if args.by else (Grain.DAY if (last - first).days < DAILY_UP_TO else Grain.MONTH)
    config = load_config(getattr(args, "config", None))
    statistics, station_name = make_statistics(config)
    try:
        figures = statistics.figures(first, last, grain, station_name)
    except StatsProblem as exc:
        print(f"kiosk: report: {exc}", file=sys.stderr)
        return EXIT_BAD_DATES
    audit = make_officer_desk(config).audit
    audit.record(
        command_line_actor().label,
        AUDIT_ACTION,
        f"{first.isoformat()}..{last.isoformat()} {args.format} {args.out}",
    )
    # The head of a chain checked whole (from the keyed checkpoint: `kiosk.audit`), or the report
    # says it is broken.
    chain = audit.verify_for_report()
    head = chain.head.short if chain.ok else f"{chain.head.short} (CHUỖI HỎNG: {len(chain.problems)} lỗi)"
    if not chain.ok:
        print(
            f"kiosk: report: the audit chain is broken ({chain.problems[0]}): see `kiosk audit verify`",
            file=sys.stderr,
        )
    header = ReportHeader(station_name, head, dt.datetime.now(station_zone()))
    if args.format == "csv":
        data = to_csv(figures, header)
    else:
        from kiosk.app.report_pdf import render_pdf

        data = render_pdf(figures, header)
    _write_private(args.out, data)
    total = figures.total
    print(
        f"{args.out}: {total.submitted} dossier(s) submitted, {total.finished} finished, "
        f"{first:%d/%m/%Y}–{last:%d/%m/%Y} by {grain.value}; audit head {header.chain_head}"
    )
    return 0
