"""What the console's pages work with, handed over by the composition root."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.audit import AuditLog
from kiosk.catalog import Catalog
from kiosk.catalog_overlay import CatalogOverlay
from kiosk.desk import DossierDesk
from kiosk.officer_cards import OfficerCards
from kiosk.officers import Officers
from kiosk.ports.clock import Clock
from kiosk.ports.desk import CallBoard, ConsoleSessionRepository, SettingsRepository, TargetRepository
from kiosk.ports.province import ProvinceRepository, StationChangeLog
from kiosk.receipt import Receipt
from kiosk.report import ReportHeader
from kiosk.stats import Figures, Statistics


@dataclass(frozen=True)
class ConsoleServices:
    officers: Officers
    audit: AuditLog
    desk: DossierDesk
    sessions: ConsoleSessionRepository
    calls: CallBoard
    settings: SettingsRepository
    targets: TargetRepository
    catalog: Catalog
    station_name: str
    idle_logout: dt.timedelta
    secure_cookies: bool  # served over TLS: cookies only over HTTPS
    clock: Clock
    # Prints a cash payment's receipt on the station printer (raises `PrinterError`); None: none.
    print_receipt: Callable[[Receipt], None] | None = None
    # The statistics page and its report downloads (`kiosk report`'s figures and files).
    statistics: Statistics | None = None
    report_pdf: Callable[[Figures, ReportHeader], bytes] | None = None
    # Officers' own chip cards (the station head registers them on the officers' page).
    officer_cards: OfficerCards | None = None
    # The station's own service files (`catalog.dir`) for the station head; None: not configured.
    catalog_overlay: CatalogOverlay | None = None
    # At a province hub (`kiosk hub serve`): the province pages (`console/routes/province.py`)
    # over the hub's tables; None at a station.
    province: ProvinceRepository | None = None
    # At a station delivering to a hub: the hub's answers to its officers' changes; else None.
    station_changes: StationChangeLog | None = None
