"""A province's worth of stations at once: twenty station processes deliver to one real hub
(uvicorn over PostgreSQL) through a link that drops, delays, cuts and resets while they work, then
pull the statuses the hub's officers set. Bounded: every child stops at one deadline (≤ 90 s)."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from db.models import DossierRow, HubSubmissionRow
from hub.serve import build_hub
from tests.hub.conftest import ROOT, FaultProxy, HubServer, make_station

STATIONS = 20
DOSSIERS_EACH = 5
BOUND_S = 90
CHILD = ROOT / "tests/hub/province_child.py"
# Every fault the link knows, with working connections in between, dealt to connections in turn:
# the twenty stations' first connections already meet every one of them (a station that meets a
# fault connects again and takes the next), so no fault depends on timing.
FAULTS = [
    "pass", "drop", "pass", "delay", "reset_after_request", "pass", "cut_mid_answer",
    "pass", "reset_mid_request", "delay", "refuse",
]  # fmt: skip


def _publish(path: Path, text: str) -> None:
    """Write a file the children poll for: whole or not at all (they may read it at any moment)."""
    part = path.with_name(path.name + ".part")
    part.write_text(text)
    os.replace(part, path)


def _lines(child: subprocess.Popen[bytes], count: int) -> list[dict[str, object]]:
    assert child.stdout is not None
    out = []
    for _ in range(count):
        line = child.stdout.readline()
        if not line:
            break
        out.append(json.loads(line))
    return out


def test_twenty_station_processes_through_a_faulty_link_end_with_one_copy_each_and_the_hubs_statuses(
    hub: HubServer, proxy: FaultProxy, tmp_path: Path
) -> None:
    at_hub = build_hub(hub.db_url, hub.keys)
    stations = [
        make_station(tmp_path / f"s{i:02d}", f"HN-Q{i:02d}", proxy.url, timeout_s=15) for i in range(STATIONS)
    ]
    codes = {
        s.station_id: at_hub.new_code(s.station_id, "Hà Nội", f"Phường {i}", f"Công an phường {i}")
        for i, s in enumerate(stations)
    }
    go = tmp_path / "go"
    proxy.plan = itertools.cycle(FAULTS)
    logs = [(s.folder / "child.log").open("wb") for s in stations]  # read them when one fails
    children = [
        subprocess.Popen(
            [
                sys.executable,
                str(CHILD),
                str(s.config_file),
                hub.url,
                codes[s.station_id],
                str(DOSSIERS_EACH),
                str(go),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=log,
        )
        for s, log in zip(stations, logs, strict=True)
    ]
    try:
        # Start-up (imports, each station's database migrations, enrolment) is not the link's
        # test: it may take minutes on a loaded machine. The clock starts when all are ready.
        ready = [_lines(child, 1) for child in children]
        assert all(r == [{"ready": True}] for r in ready), [c.poll() for c in children]
        started = time.monotonic()
        deadline = time.time() + BOUND_S - 10  # the children's; the rest is the test's checks
        _publish(go, str(deadline))
        delivered = [_lines(child, 1) for child in children]
        assert all(len(d) == 1 for d in delivered), [c.poll() for c in children]
        results = [d[0] for d in delivered]
        assert [r["backlog"] for r in results] == [0] * STATIONS, results
        sent: dict[str, list[str]] = {
            s.station_id: [str(c) for c in r["codes"]]
            for s, r in zip(stations, results, strict=True)  # type: ignore[attr-defined]
        }
        every = [c for cs in sent.values() for c in cs]

        # Exactly one copy of every dossier, and nothing the stations did not send.
        engine = hub.engine()
        with engine.connect() as conn:
            held = conn.execute(
                sa.select(DossierRow.tracking_code, sa.func.count())
                .where(DossierRow.station_id.like("HN-Q%"))
                .group_by(DossierRow.tracking_code)
            ).all()
            submissions = conn.scalar(
                sa.select(sa.func.count())
                .select_from(HubSubmissionRow)
                .where(HubSubmissionRow.station_id.like("HN-Q%"))
            )
        engine.dispose()
        assert sorted(held) == sorted((c, 1) for c in every)
        assert submissions == len(every)  # one idempotency key per dossier, however many tries

        # The hub's officers work on them while the link still misbehaves: every dossier moves,
        # one in two to done with a note and a national number.
        expected: dict[str, dict[str, str]] = {}
        for station_id, station_codes in sent.items():
            expected[station_id] = {}
            for n, code in enumerate(station_codes):
                at_hub.set_status(code, "processing", actor="cb01")
                if n % 2:
                    note = "Mời đến nhận kết quả"
                    at_hub.set_status(
                        code, "done", actor="cb01", note_for_citizen=note, national_number=f"H{n}"
                    )
                expected[station_id][code] = "done" if n % 2 else "processing"
        for station in stations:
            _publish(station.folder / "expected.json", json.dumps(expected[station.station_id]))

        pulled = [_lines(child, 1) for child in children]
        for child in children:
            assert child.wait(max(1.0, deadline + 5 - time.time())) == 0
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
            child.wait()
            assert child.stdout is not None
            child.stdout.close()
        for log in logs:
            log.close()
    for station, lines in zip(stations, pulled, strict=True):
        assert lines, f"{station.station_id} printed no statuses"
        assert lines[0]["statuses"] == expected[station.station_id], station.station_id
    # The link really failed, in every way, along the way.
    assert set(proxy.faults) >= set(FAULTS) - {"pass"}, proxy.faults
    assert time.monotonic() - started < BOUND_S
