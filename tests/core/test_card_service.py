"""The card reader in a process of its own (`kiosk card-service`): the kiosk reads through
`RemoteCardReader` as through a local reader — the same events in the same order, a read's
progress, a failed read's reason — and a service that dies or restarts costs the citizen a
"place the card again", never a hang."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from devices.card.emulated import EmulatedCardReader
from devices.card.profiles import load_profiles
from kiosk.app.card_service import CardService, cards_for_run
from kiosk.app.channel import CARD_SOCKET_NAME, StationLink, StationServer, answers, socket_path
from kiosk.app.demo import DEMO_PASSPORTS
from kiosk.app.remote_card import RemoteCardReader
from kiosk.config import load_config
from kiosk.ports.card import AccessKey, CardError, CardErrorReason, CardEvent, CardEventKind, ReadProgress

PERSON = load_profiles()[0]
KEY = AccessKey.from_id_number(PERSON.holder.id_number)


class Served:
    """A card service on a thread, over a real socket, and the kiosk's reader of it."""

    def __init__(self, tmp_path: Path, reader: Any = None) -> None:
        self.local = reader if reader is not None else EmulatedCardReader()
        self.path = tmp_path / "card.sock"
        self.service = CardService(lambda: self.local)
        self.server = StationServer(self.path, self.service.methods()).start()
        self.link = StationLink(self.path, restart_wait_s=5.0, peer="the card service")
        self.remote = RemoteCardReader(self.link)
        self.heard: list[CardEvent] = []
        self.remote.start(self.heard.append)

    def close(self) -> None:
        self.remote.stop()
        self.link.close()
        self.server.close()
        self.service.close()


@pytest.fixture
def served(tmp_path: Path) -> Any:
    s = Served(tmp_path)
    yield s
    s.close()


def kinds(events: list[CardEvent]) -> list[CardEventKind]:
    return [event.kind for event in events]


def test_events_reach_the_kiosk_in_order_and_placing_returns_once_they_did(served: Served) -> None:
    served.remote.insert(PERSON)
    assert kinds(served.heard) == [CardEventKind.READER_ATTACHED, CardEventKind.CARD_INSERTED]
    served.remote.remove()
    served.remote.insert_passport(DEMO_PASSPORTS[0])  # made into a chip by the service
    assert kinds(served.heard)[2:] == [CardEventKind.CARD_REMOVED, CardEventKind.CARD_INSERTED]
    assert served.remote.card_present() and served.remote.readers() == served.local.readers()


def test_a_card_placed_on_the_services_own_reader_is_heard_after_catch_up(served: Served) -> None:
    served.remote.catch_up()
    served.local.insert(PERSON)
    served.remote.catch_up()
    assert kinds(served.heard)[-1] is CardEventKind.CARD_INSERTED


def test_a_read_comes_back_whole_with_its_progress(served: Served) -> None:
    served.remote.insert(PERSON)
    steps: list[ReadProgress] = []
    read = served.remote.read(KEY, steps.append)
    local_steps: list[ReadProgress] = []
    local = served.local.read(KEY, local_steps.append)
    assert read.holder == local.holder and read.passive_auth is local.passive_auth
    assert read.face == local.face and read.face  # the face as the UI shows it
    # Progress travels on the polling thread while the read waits, all of it before the read's end
    # (the voice says each stage), in the order the chip was read.
    assert steps == local_steps


def test_a_failed_read_keeps_its_reason(served: Served) -> None:
    with pytest.raises(CardError) as no_card:
        served.remote.read(KEY)
    assert no_card.value.reason is CardErrorReason.NO_CARD
    served.remote.insert(PERSON)
    with pytest.raises(CardError) as wrong:
        served.remote.read(AccessKey.from_can("000000"))
    assert wrong.value.reason is CardErrorReason.WRONG_KEY


def test_a_read_the_service_dies_in_is_a_card_to_place_again_and_a_new_service_is_heard(
    tmp_path: Path,
) -> None:
    entered, release = threading.Event(), threading.Event()

    class Stuck(EmulatedCardReader):
        def read(self, *args: Any, **kwargs: Any) -> Any:
            entered.set()
            release.wait(30)
            raise CardError(CardErrorReason.BAD_DATA, "never sent: the service has gone")

    served = Served(tmp_path, Stuck())
    try:
        served.remote.insert(PERSON)
        failed: list[BaseException] = []

        def read() -> None:
            try:
                served.remote.read(KEY)
            except BaseException as exc:
                failed.append(exc)

        reading = threading.Thread(target=read)
        reading.start()
        assert entered.wait(30)
        served.server.close()  # the service's process is gone: its connections with it
        reading.join(60)
        release.set()
        assert not reading.is_alive()
        assert isinstance(failed[0], CardError) and failed[0].reason is CardErrorReason.TIMEOUT
        assert "the card service" in failed[0].detail  # not the reader's answer: the channel's end
        # A restarted service on the same socket: a new reader, heard from its first event on.
        served.local = EmulatedCardReader()
        served.service = CardService(lambda: served.local)
        served.server = StationServer(served.path, served.service.methods()).start()
        served.remote.insert(PERSON)
        assert kinds(served.heard)[-2:] == [CardEventKind.READER_ATTACHED, CardEventKind.CARD_INSERTED]
        assert served.remote.read(KEY).holder.id_number == PERSON.holder.id_number
    finally:
        release.set()
        served.close()


def test_kiosk_card_service_is_a_child_that_stops_with_its_kiosk(tmp_path: Path) -> None:
    config = load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={})
    link, child = cards_for_run(config)
    assert child is not None
    try:
        remote = RemoteCardReader(link)
        heard: list[CardEvent] = []
        remote.start(heard.append)
        remote.insert(PERSON)  # waits for the child to answer, then for the event
        assert kinds(heard)[-1] is CardEventKind.CARD_INSERTED
        read = remote.read(KEY)
        assert read.holder.full_name == PERSON.holder.full_name
        # The child holds the chip's stack; asked again, `kiosk run` finds it serving.
        assert answers(socket_path(config.data_dir, CARD_SOCKET_NAME))
        remote.stop()
    finally:
        link.close()
        assert child.stop(timeout_s=60)  # its pipe closed: it stopped by itself
    assert not answers(socket_path(config.data_dir, CARD_SOCKET_NAME), timeout_s=0.5)


def test_the_card_service_command_refuses_a_second_one(tmp_path: Path) -> None:
    config = load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={})
    link, child = cards_for_run(config)
    assert child is not None
    try:
        link.call("ping", retry=True)
        config_file = tmp_path / "kiosk.toml"
        config_file.write_text(f'[paths]\ndata_dir = "{tmp_path}"\n', "utf-8")
        second = subprocess.run(
            [sys.executable, "-m", "kiosk.app.cli", "--config", str(config_file), "card-service"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode == 1 and "already serves" in second.stderr
    finally:
        link.close()
        child.stop(timeout_s=60)
