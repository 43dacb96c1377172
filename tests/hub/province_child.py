"""One station of the province in a process of its own, in two phases.

    python tests/hub/province_child.py CONFIG HUB_URL CODE N GO_FILE

0. Enrols with the hub (straight, not through the faulty link: a code is used once), submits N
   dossiers, prints {"ready": true} and waits for GO_FILE, which holds the deadline.
1. Delivers its outbox through the link the config names until nothing is left, and prints
   {"codes": [...], "backlog": B, "passes": P} as one JSON line.
2. Waits for `expected.json` beside CONFIG ({code: status}, written by the test once the hub's
   officers changed them), pulls statuses through the same link until its own copy says the same,
   and prints {"statuses": {...}, "pulls": P, "faults": F} as a second line.

Everything stops at the deadline (a wall-clock time, so the test bounds every child at once);
start-up (imports, the station database's migrations) comes before GO_FILE and is not counted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
import time
from pathlib import Path

from hub.client import HubAnswer
from kiosk.app.cli import main as kiosk
from kiosk.app.root import hub_status_pass, make_store, make_targets
from kiosk.config import load_config
from kiosk.dossier import Dossier
from kiosk.outbox import deliver_pending
from kiosk.ports.target import DeliveryDeferred
from kiosk.trackcode import new_code


def main() -> int:
    config_file, hub_url, code = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    count, go_file = int(sys.argv[4]), Path(sys.argv[5])
    with contextlib.redirect_stdout(sys.stderr):  # stdout carries only the JSON lines
        if kiosk(["--config", str(config_file), "hub", "enrol", "--hub", hub_url, code]) != 0:
            return 3
    config = load_config(config_file, environ={})
    store = make_store(config)
    codes = []
    for i in range(count):
        tracking = new_code()
        store.submit(
            Dossier(
                tracking_code=tracking,
                service_code="khai_bao_tam_vang",
                service_version=1,
                station_id=config.station.id,
                submitted_at=dt.datetime.now(dt.UTC),
                fields={"n": i, "reason": "Thăm người thân"},
                holder={"name": "Lê Thị Hồng Nhung", "id_number": f"0010990{i:05d}"},
            )
        )
        codes.append(tracking)
    print(json.dumps({"ready": True}), flush=True)
    while not go_file.exists():
        time.sleep(0.05)
    deadline = float(go_file.read_text())
    passes = 0
    while store.backlog() and time.time() < deadline:
        # The clock runs an hour further each pass so backoff never makes the test wait; a
        # rejected row would wait six of them (none is expected: the test checks the hub's copies).
        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=passes + 1)
        deliver_pending(store, make_targets(config), later, limit=3)
        passes += 1
    print(json.dumps({"codes": codes, "backlog": store.backlog(), "passes": passes}), flush=True)

    expected_file = config_file.parent / "expected.json"
    while not expected_file.exists() and time.time() < deadline:
        time.sleep(0.05)
    expected: dict[str, str] = json.loads(expected_file.read_text()) if expected_file.exists() else {}
    pull = hub_status_pass(config)
    pulls = faults = 0
    while time.time() < deadline:
        if all(store.status(c) == s for c, s in expected.items()):
            break
        pulls += 1
        try:
            pull()
        except (DeliveryDeferred, HubAnswer):  # the link failed this time: pull again
            faults += 1
            time.sleep(0.05)
    statuses = {c: store.status(c) for c in codes}
    print(json.dumps({"statuses": statuses, "pulls": pulls, "faults": faults}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
