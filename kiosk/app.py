"""Composition root: reads the config, builds the backends and wires the core. No Qt here.

Heavy libraries (SQLAlchemy, reportlab, the chip crypto) are imported inside the factories so
the idle screen can paint before they load.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from devices.card.base import CardReader
from devices.card.profiles import CitizenProfile, load_profiles
from kiosk.appointments import AppointmentSettings
from kiosk.catalog import Catalog, load_catalog
from kiosk.config import Config
from kiosk.controller import KioskController, Station
from kiosk.flow import Journey
from kiosk.payment import PaymentOptions
from kiosk.runner import Runner
from kiosk.status import StatusLookup

if TYPE_CHECKING:
    from devices.printer.base import Printer
    from kiosk.outbox import DossierStore

T = TypeVar("T")
Clock = Callable[[], dt.datetime]


def local_now() -> dt.datetime:
    """Station time, timezone-aware (stored as UTC, shown as local)."""
    return dt.datetime.now().astimezone()


def make_card_reader(config: Config) -> CardReader:
    trust_dir = config["card.trust_dir"] or None
    if config["card.backend"] == "emulated":
        from devices.card.emulated import EmulatedCardReader

        # The emulated chip's documents are signed by the test CSCA, trusted by default.
        return EmulatedCardReader(trust_dir=trust_dir) if trust_dir else EmulatedCardReader()
    from devices.card.pcsc import PcscCardReader

    return PcscCardReader(reader_name=config["card.reader"] or None, trust_dir=trust_dir)


def make_store(config: Config) -> DossierStore:
    """Open the database (migrating it to the current schema) and the key sealing personal data."""
    from db.engine import make_engine
    from db.schema import ensure_schema
    from kiosk.outbox import DossierStore
    from kiosk.sealing import Sealer, load_or_create_key

    url = config.database_url
    engine = make_engine(url)
    ensure_schema(engine, url)
    return DossierStore(engine, Sealer(load_or_create_key(config.data_key_file)))


def make_printer(config: Config) -> Printer:
    from devices.printer.pdf import PdfPrinter

    return PdfPrinter(config.receipts_dir)


class Lazy(Generic[T]):
    """Built on first use (the UI warms it in the background after the first paint), then kept."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._value: T | None = None
        self._lock = threading.Lock()

    def __call__(self) -> T:
        with self._lock:  # the warm-up thread and a submission may ask at the same time
            if self._value is None:
                self._value = self._factory()
            return self._value


@dataclass
class KioskApp:
    config: Config
    catalog: Catalog
    journey: Journey
    card_reader: Lazy[CardReader]
    controller: KioskController
    store: Lazy[DossierStore]
    printer: Lazy[Printer]
    demo_profiles: list[CitizenProfile]
    appointments: AppointmentSettings
    payment: PaymentOptions


def build_app(config: Config, runner: Runner, clock: Clock = local_now) -> KioskApp:
    catalog = load_catalog()
    journey = Journey(
        catalog,
        clock,
        idle_warning_s=config["ui.idle_warning_seconds"],
        idle_reset_s=config["ui.idle_reset_seconds"],
        language=config["ui.language"],
    )
    card_reader: Lazy[CardReader] = Lazy(lambda: make_card_reader(config))  # crypto loads after paint
    store: Lazy[DossierStore] = Lazy(lambda: make_store(config))
    printer: Lazy[Printer] = Lazy(lambda: make_printer(config))  # reportlab loads at the first print
    station = Station(config["station.id"], config["station.name"], config["station.help_text"])
    lookup = Lazy(lambda: StatusLookup(store()))
    controller = KioskController(journey, card_reader, store, printer, runner, station, clock, lookup)
    return KioskApp(
        config=config,
        catalog=catalog,
        journey=journey,
        card_reader=card_reader,
        controller=controller,
        store=store,
        printer=printer,
        demo_profiles=load_profiles() if config.demo else [],
        appointments=AppointmentSettings(
            days_ahead=config["appointment.days_ahead"],
            slots=tuple(config["appointment.slots"]),
            weekdays=tuple(config["appointment.weekdays"]),
        ),
        payment=PaymentOptions.from_config(config),
    )
