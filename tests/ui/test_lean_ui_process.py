"""`kiosk run --demo`'s UI process keeps SQLAlchemy, reportlab, the sealing crypto and the chip's
stack out of it, through a whole journey to the printed receipt and the reset (issue 8: idle
memory): the station's services are in its child `kiosk worker`, the card reader in its child
`kiosk card-service`, both reached over the channel (`kiosk.app.channel`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# What the UI process must never import (the sealing uses AES-GCM: `kiosk.sealing`; the chip's
# secure messaging, passive authentication and face conversion: the ICAO stack, its crypto, Pillow).
KEPT_OUT = (
    *("sqlalchemy", "reportlab", "cryptography", "db", "alembic"),
    *("PIL", "smartcard", "asn1crypto", "ecdsa", "devices.card.icao", "devices.card.emulated"),
)

JOURNEY = f"""
import json, sys, time
from PySide6.QtWidgets import QApplication
from kiosk.app.scripted import journey_steps
from kiosk.app.card_service import cards_for_run
from kiosk.app.worker_child import station_for_run
from kiosk.config import load_config
from kiosk.ports.voice import Silent
from ui.app import KioskUi

app = QApplication([])
config = load_config(overrides={{"paths.data_dir": sys.argv[1]}}, demo=True, environ={{}})
link, child = station_for_run(config)  # as `kiosk run` does: no worker answers, so its own child
card_link, card_child = cards_for_run(config)  # and its own card service
ui = KioskUi(config, windowed=True, voice=Silent(), link=link, card_link=card_link)
ui.show()

def settle(until=lambda: True, timeout=120.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if until() and ui.runner._pool.activeThreadCount() == 0:
            return
        time.sleep(0.01)
    raise SystemExit(f"timed out: {{ui.app.journey.state()}}")

settle(lambda: ui.app.worker.running)
journey = ui.app.journey
for name, step in journey_steps(ui.app):
    step()
    if name == "read card":
        settle(lambda: journey.state().screen != "card")
    settle()
settle(lambda: journey.state().review.print_state == "printed")
code = journey.state().review.tracking_code
journey.reset()
settle()
loaded = sorted(m for m in sys.modules if m.startswith({KEPT_OUT!r}))
worker = child.pid if child is not None else None
ui.close()
stopped = [c.stop() for c in (child, card_child) if c is not None]
print(json.dumps({{"code": code, "loaded": loaded, "worker": worker, "stopped": stopped}}))
"""


def test_the_ui_process_of_kiosk_run_holds_no_database_no_pdf_no_sealing(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", JOURNEY, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(result["code"]) == 10  # the citizen was shown a code, and the receipt printed
    assert result["loaded"] == []
    # Its own children, both stopped with the kiosk.
    assert result["worker"] is not None and result["stopped"] == [True, True]
    # What the citizen was told is stored, by the worker: read here, in the test's own process.
    from kiosk.app.root import make_store
    from kiosk.config import load_config

    config = load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={})
    stored = make_store(config).get(result["code"])
    assert stored is not None and stored.dossier is not None
    assert list(config.receipts_dir.glob("*.pdf"))


# An officer's card placed on the idle screen, then the PIN: the card is read in the UI process
# (PACE with the officers' card keys, asked of the worker), but the PIN is checked (argon2) and the
# officer's sealed card number compared (AES-GCM) by the worker only.
OFFICER_KEPT_OUT = (*KEPT_OUT, "argon2", "_argon2_cffi_bindings", "kiosk.sealing", "kiosk.app.station")

OFFICER_SIGN_IN = f"""
import json, sys, time
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from devices.card.profiles import load_profiles
from kiosk.app.card_service import cards_for_run
from kiosk.app.worker_child import station_for_run
from kiosk.config import load_config
from kiosk.ports.voice import Silent
from ui.app import KioskUi

app = QApplication([])
config = load_config(overrides={{"paths.data_dir": sys.argv[1]}}, demo=True, environ={{}})
link, child = station_for_run(config)
card_link, card_child = cards_for_run(config)
ui = KioskUi(config, windowed=True, voice=Silent(), link=link, card_link=card_link)
ui.show()

def settle(until=lambda: True, timeout=120.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if until() and ui.runner._pool.activeThreadCount() == 0:
            return
        time.sleep(0.01)
    raise SystemExit(f"timed out: {{ui.app.journey.state()}}")

def tap(widget):
    settle(widget.isVisible)
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)

settle(lambda: ui.app.worker.running and ui.app.card_reader._value is not None)
officer = ui.window.officer
profile = next(p for p in load_profiles() if p.holder.full_name == sys.argv[2])
ui.app.card_reader().insert(profile)  # the officer's own card, on the idle screen
settle(lambda: officer.isVisible() and officer.login.asking_pin)
for digit in sys.argv[3]:
    tap(officer.login.keypad.key_for(digit))
tap(officer.login.keypad.ok_key)
settle(lambda: officer.pages.currentWidget() is officer.menu)
session = ui.app.officer_mode.session
loaded = sorted(m for m in sys.modules if m.startswith({OFFICER_KEPT_OUT!r}))
ui.close()
stopped = [c.stop() for c in (child, card_child) if c is not None]
print(json.dumps({{"officer": session.officer.officer_id, "loaded": loaded, "stopped": stopped}}))
"""


def test_an_officers_card_and_pin_leave_no_pin_hashing_or_sealing_in_the_ui_process(tmp_path: Path) -> None:
    from devices.card.profiles import load_profiles
    from kiosk.app.root import make_officer_cards, make_officer_desk
    from kiosk.config import load_config
    from kiosk.officers import Actor
    from kiosk.permissions import Role

    name, pin = "Nguyễn Thị Hằng", "135790"  # one of the fictional citizens, as an officer
    config = load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={})
    desk = make_officer_desk(config)
    cli = Actor.command_line("test")
    desk.officers.add(cli, "1001", name, Role.OFFICER, pin)
    holder = next(p for p in load_profiles() if p.holder.full_name == name).holder
    make_officer_cards(config, desk).set_card(cli, "1001", holder.id_number)

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", OFFICER_SIGN_IN, str(tmp_path), name, pin],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["officer"] == "1001"  # signed in by card and PIN, over the channel
    assert result["loaded"] == []
    assert result["stopped"] == [True, True]
    actions = [(r.actor, r.action) for r in desk.audit.newest(20)]
    assert ("1001", "login") in actions  # written by the worker
