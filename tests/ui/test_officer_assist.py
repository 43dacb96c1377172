"""Assist mode through the real kiosk window: a citizen starts, an officer signs in and takes over
with every answer kept, fills in on the same screens (marked "Cán bộ đang hỗ trợ"), hands back,
and the citizen sends. The dossier carries the officer, the audit chain the take-over and the
hand-back, the session statistics the assisted session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from db.engine import make_engine
from db.models import DossierPhotoRow, DossierRow, KioskSessionRow
from kiosk import phrases
from kiosk.app.root import make_storage
from kiosk.dossier_photo import Photo, open_photo
from kiosk.identity_note import open_identity
from kiosk.officer_mode import IdentityCheck
from tests.e2e.conftest import find_button
from tests.ui.officer_helpers import start
from tests.ui.test_officer_mode import make_kiosk, officer_ui, sign_in, tap
from tests.waits import WAIT_MS
from ui.app import KioskUi
from ui.window import settle


def stored(ui: KioskUi, code: str) -> DossierRow:
    engine = make_engine(ui.app.config.database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(select(DossierRow).where(DossierRow.tracking_code == code)).one()
            return row  # type: ignore[no-any-return]
    finally:
        engine.dispose()


def stored_photo(ui: KioskUi, code: str) -> Photo:
    engine = make_engine(ui.app.config.database_url)
    try:
        with engine.connect() as conn:
            sealed = conn.execute(
                select(DossierPhotoRow.sealed)
                .join(DossierRow, DossierPhotoRow.dossier_id == DossierRow.id)
                .where(DossierRow.tracking_code == code)
            ).scalar_one()
    finally:
        engine.dispose()
    return open_photo(make_storage(ui.app.config).sealer, code, sealed)


def sessions(ui: KioskUi) -> list[Any]:
    engine = make_engine(ui.app.config.database_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(KioskSessionRow).order_by(KioskSessionRow.id)))
    finally:
        engine.dispose()


def take_over(qtbot: Any, ui: KioskUi, officer_id: str = "1001") -> None:
    officer = officer_ui(ui)
    sign_in(qtbot, ui, officer_id)
    tap(qtbot, officer.menu.buttons["assist"])
    assert not officer.isVisible()


def send(qtbot: Any, person: Any) -> str:
    person.next()
    qtbot.waitUntil(lambda: person.state().review.print_state in ("printed", "failed"), timeout=20000)
    return str(person.state().review.tracking_code)


def test_take_over_fill_in_hand_back_marks_the_dossier(qtbot: Any, tmp_path: Path) -> None:
    ui = make_kiosk(qtbot, tmp_path)
    try:
        person = start(qtbot, ui)  # the citizen: card read, on the first question
        first = person.answer_step()  # and answers it
        kept = dict(person.state().form.values)
        screen = person.screen()

        take_over(qtbot, ui)
        bar = officer_ui(ui).assist_bar
        state = person.state()
        assert state.assisting and state.assisted_by == "1001"
        assert dict(state.form.values) == kept and person.screen() == screen  # nothing lost
        settle()
        assert bar.isVisible() and bar.banner.text() == "Cán bộ đang hỗ trợ: 1001"
        primary = ui.window.primary_button
        assert bar.geometry().right() < primary.geometry().left()  # the primary action stays right
        assert primary.geometry().right() > ui.window.width() - 40
        assert ui.window.overflow() == 0

        person.next()  # the officer's fingers, on the citizen's screens: on from the citizen's answers
        person.wait_for(person.state().screen)
        answers = {**first, **person.walk_to_review([])}
        assert all(person.state().form.values.get(k) == v for k, v in first.items())
        tap(qtbot, bar.hand_back_button)
        assert not person.state().assisting and not bar.isVisible()
        assert ui.app.officer_mode.session is None
        code = send(qtbot, person)  # the citizen checks and sends

        row = stored(ui, code)
        assert row.assisted_by == "1001" and row.identity_check == ""
        assert row.session_seconds is not None and row.session_seconds >= 0
        dossier = ui.app.side.store().get(code)
        assert dossier is not None and dossier.dossier is not None
        assert all(dossier.dossier.fields[k] == v for k, v in answers.items())
        face = person.state().card.photo  # the face the kiosk showed, from the chip's DG2
        assert face is not None and stored_photo(ui, code) == Photo("image/jpeg", face)

        actions = [(r.actor, r.action) for r in reversed(ui.app.officer_desk().audit.newest(50))]
        take, back = actions.index(("1001", "assist_take_over")), actions.index(("1001", "assist_hand_back"))
        assert take < back < actions.index(("1001", "logout"))
        assert ui.app.officer_desk().audit.verify().ok

        tap(qtbot, ui.window.primary_button)  # "Xong": the session ends
        qtbot.waitUntil(lambda: len(sessions(ui)) == 1, timeout=WAIT_MS)
        (session,) = sessions(ui)
        assert session.outcome == "submitted" and session.assisted and session.service_code == "1.003677"
        assert session.ended_at >= session.started_at
    finally:
        ui.close()


def test_identity_not_proven_by_the_chip_is_recorded_before_hand_back(qtbot: Any, tmp_path: Path) -> None:
    trust = tmp_path / "no-csca"
    trust.mkdir()  # no CSCA trusted: the chip reads as "issuer unknown", the officer checks the card
    ui = make_kiosk(qtbot, tmp_path / "kiosk", **{"card.trust_dir": str(trust)})
    try:
        person = start(qtbot, ui)
        assert person.state().card.passive_auth == "chain_unknown"
        take_over(qtbot, ui)
        officer = officer_ui(ui)
        person.walk_to_review([])
        tap(qtbot, officer.assist_bar.hand_back_button)  # first: how was the identity checked?
        assert person.state().assisting and officer.isVisible()
        assert officer.pages.currentWidget() is officer.identity
        assert officer.identity.message.text() == phrases.ASSIST_NEED_IDENTITY.get("vi")
        settle()
        assert ui.window.overflow(officer.identity) == 0
        panel = officer.identity
        assert not panel.done_button.isEnabled()  # a way must be chosen; the note is optional
        tap(qtbot, panel.choices[IdentityCheck.PAPER_ID])
        tap(qtbot, panel.choices[IdentityCheck.CARD_SEEN])  # one way only: the other is let go
        assert panel.chosen() is IdentityCheck.CARD_SEEN
        assert not panel.choices[IdentityCheck.PAPER_ID].isChecked()
        note = "Thẻ cũ, chíp hỏng"
        person.type_text(panel.keyboard, panel.note, note)  # on the on-screen keyboard
        assert person.state().assisting  # nothing handed back until the officer says so
        tap(qtbot, panel.done_button)
        assert person.state().identity_check == f"card_seen: {note}"
        assert not person.state().assisting and not officer.isVisible()
        code = send(qtbot, person)
        row = stored(ui, code)
        # The way in clear, the note sealed (kiosk.identity_note): the row holds no note text.
        assert row.assisted_by == "1001" and row.identity_check == "card_seen"
        assert row.identity_sealed is not None and note.encode() not in row.identity_sealed
        sealer = make_storage(ui.app.config).sealer
        assert open_identity(sealer, code, row.identity_sealed) == f"card_seen: {note}"
        back = [r for r in ui.app.officer_desk().audit.newest(20) if r.action == "assist_hand_back"]
        # The log keeps the way and a reference only: the note may hold personal data.
        assert back and back[0].detail.endswith("identity card_seen, note in the dossier")
        assert note not in back[0].detail
    finally:
        ui.close()


def test_an_abandoned_session_is_counted_without_personal_data(qtbot: Any, tmp_path: Path) -> None:
    ui = make_kiosk(qtbot, tmp_path)
    try:
        person = start(qtbot, ui)
        step = person.state().step
        assert step is not None
        ui.app.card_reader().remove()  # type: ignore[attr-defined]  # the card taken away …
        qtbot.waitUntil(lambda: person.state().ask_done, timeout=WAIT_MS)
        tap(qtbot, find_button(ui.window.overlay, phrases.ASK_DONE_YES.get("vi")))  # … "I am done"
        qtbot.waitUntil(lambda: len(sessions(ui)) == 1, timeout=WAIT_MS)
        (session,) = sessions(ui)
        assert session.outcome == "abandoned" and not session.assisted
        assert session.last_step == step.id and session.service_code == "1.003677"
    finally:
        ui.close()
