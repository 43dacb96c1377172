"""One simulated station in a process of its own: submits N dossiers, then delivers its outbox
through whatever the link does until nothing is left, and prints the tracking codes as JSON.

    python tests/hub/station_child.py CONFIG N SECONDS
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from kiosk.app.root import make_store, make_targets
from kiosk.config import load_config
from kiosk.dossier import Dossier
from kiosk.outbox import deliver_pending
from kiosk.trackcode import new_code


def main() -> int:
    config = load_config(Path(sys.argv[1]), environ={})
    count, seconds = int(sys.argv[2]), float(sys.argv[3])
    store = make_store(config)
    codes = []
    for i in range(count):
        code = new_code()
        store.submit(
            Dossier(
                tracking_code=code,
                service_code="khai_bao_tam_vang",
                service_version=1,
                station_id=config.station.id,
                submitted_at=dt.datetime.now(dt.UTC),
                fields={"n": i},
                holder={"name": "Trần Thị Bình"},
            )
        )
        codes.append(code)
    deadline = time.monotonic() + seconds
    passes = 0
    while store.backlog() and time.monotonic() < deadline:
        # A new client each pass: its connection meets the link as it is now. The clock runs a
        # day ahead each pass, so backoff never makes the test wait (rejections would: none here).
        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=passes + 1)
        deliver_pending(store, make_targets(config), later, limit=5)
        passes += 1
        time.sleep(0.05)
    print(json.dumps({"codes": codes, "backlog": store.backlog(), "passes": passes}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
