"""Composition root: reads the config, builds the backends and wires the core. No Qt here.

Heavy libraries (SQLAlchemy, reportlab, the chip crypto) are imported inside the factories so
the idle screen can paint before they load.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from devices.card.profiles import CitizenProfile, load_profiles
from kiosk import languages
from kiosk.admission import TrustPolicy
from kiosk.app.demo import DemoDocuments, demo_documents
from kiosk.app.health import HEALTH_EVERY_S
from kiosk.appointments import AppointmentSettings
from kiosk.catalog import Catalog, load_catalog
from kiosk.config import Config, ConfigError
from kiosk.controller import KioskController, Reporting, Station
from kiosk.flow.journey import Journey
from kiosk.health import Health
from kiosk.officer_mode import OfficerMode
from kiosk.payment import Method, PaymentOptions
from kiosk.ports.card import CardReader, PassiveAuth
from kiosk.ports.clock import Clock, local_now
from kiosk.ports.voice import Silent, Voice
from kiosk.runner import Runner
from kiosk.text import LANGUAGES
from kiosk.worker import Outcome, StationWorker, Task

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from fastapi import FastAPI

    from db.hub import SqlHubLink
    from db.province import SqlStationChanges
    from db.stats import SqlStats
    from devices.audio.clips import Engine as ClipEngine
    from hub.client import HubClient, SyncReport
    from hub.station_tasks import ChangesReport
    from kiosk.app.card_service import CardService
    from kiosk.app.channel import StationLink
    from kiosk.app.remote import (
        RemoteOfficerCards,
        RemoteOfficerDesk,
        RemotePrinter,
        RemotePrintQueue,
        RemoteStation,
        RemoteStore,
    )
    from kiosk.app.remote_card import RemoteCardReader
    from kiosk.app.station import StationSide
    from kiosk.audit import AuditLog
    from kiosk.backup import BackupReport
    from kiosk.blind_index import BlindIndex
    from kiosk.catalog_overlay import CatalogOverlay
    from kiosk.desk import DossierDesk
    from kiosk.officer_cards import OfficerCards
    from kiosk.officers import Officers
    from kiosk.outbox import DossierStore
    from kiosk.ports.calls import CallDesk
    from kiosk.ports.printer import Printer
    from kiosk.ports.sessions import SessionLog
    from kiosk.ports.storage import (
        DossierRepository,
        KeyLedger,
        OutboxItem,
        PrintJobRepository,
        RetentionRepository,
    )
    from kiosk.ports.target import DossierSource, SubmissionTarget
    from kiosk.printing import PrintQueue
    from kiosk.province import DeviceState
    from kiosk.receipt import Receipt
    from kiosk.retention import PurgeReport
    from kiosk.sealing import Sealer
    from kiosk.slip import SlipSigner
    from kiosk.stats import Statistics
    from kiosk.status import StatusLookup

T = TypeVar("T")

DELIVERY_EVERY_S = 30.0  # outbox passes; each row also backs off on its own after a failure
PRINT_RETRY_EVERY_S = 10.0  # a citizen waits at the done screen while an officer loads paper


def make_catalog(config: Config) -> Catalog:
    """The bundled services with this station's own files (`catalog.dir`) laid over them."""
    return load_catalog(overlay=config.catalog.dir, cache_dir=config.cache_dir)


def station_of(config: Config) -> Station:
    return Station(config.station.id, config.station.name, config.station.help_text)


def appointment_settings(config: Config) -> AppointmentSettings:
    return AppointmentSettings(
        days_ahead=config.appointment.days_ahead,
        slots=config.appointment.slots,
        weekdays=config.appointment.weekdays,
    )


def trust_policy(config: Config) -> TrustPolicy:
    return TrustPolicy(
        applicant=tuple(PassiveAuth(v) for v in config.trust.applicant),
        guests=tuple(PassiveAuth(v) for v in config.trust.guests),
    )


def payment_options(config: Config) -> PaymentOptions:
    return PaymentOptions(
        methods=cast("tuple[Method, ...]", config.payment.methods),  # the key allows only these
        vietqr_bin=config.payment.vietqr_bin.strip(),
        vietqr_account=config.payment.vietqr_account.strip(),
        vietqr_account_name=config.payment.vietqr_account_name.strip(),
    )


def make_card_reader(config: Config) -> CardReader:
    trust_dir = config.card.trust_dir
    if config.card.backend == "emulated":
        from devices.card.emulated import EmulatedCardReader

        # The emulated chip's documents are signed by the test CSCA, trusted by default.
        return EmulatedCardReader(trust_dir=trust_dir) if trust_dir else EmulatedCardReader()
    from devices.card.pcsc import PcscCardReader

    return PcscCardReader(reader_name=config.card.reader or None, trust_dir=trust_dir)


@dataclass(frozen=True)
class Storage:
    """The station database's repositories (migrated to this build's schema) and the key sealing
    personal data, checked against the database (`kiosk.keys`: a missing or changed key raises
    `KeyProblem` before anything is written)."""

    sealer: Sealer
    dossiers: DossierRepository
    print_jobs: PrintJobRepository
    keys: KeyLedger


def make_ledger(config: Config) -> KeyLedger:
    """The database's record of its keys, without opening any key (`kiosk keys`, doctor)."""
    from db.engine import make_engine
    from db.keys import SqlKeyLedger
    from db.schema import ensure_schema

    url = config.database_url
    engine = make_engine(url)
    ensure_schema(engine, url)
    return SqlKeyLedger(engine)


def make_storage(config: Config) -> Storage:
    from db.dossiers import SqlDossierRepository
    from db.engine import make_engine
    from db.keys import SqlKeyLedger
    from db.print_jobs import SqlPrintJobRepository
    from db.schema import ensure_schema
    from kiosk.identity_note import seal_pending
    from kiosk.keys import open_sealer

    url = config.database_url
    engine = make_engine(url)
    ensure_schema(engine, url)
    ledger = SqlKeyLedger(engine)
    sealer = open_sealer(config.data_key_file, ledger)
    kiosk = config.kiosk_id
    dossiers = SqlDossierRepository(engine, kiosk)
    seal_pending(dossiers, sealer)  # what migration 0013 could not seal without the key
    return Storage(sealer, dossiers, SqlPrintJobRepository(engine, kiosk), ledger)


@dataclass(frozen=True)
class OfficerDesk:
    """Officers' accounts and the audit log every officer action is written to."""

    officers: Officers
    audit: AuditLog


def make_officer_desk(config: Config, clock: Clock = local_now) -> OfficerDesk:
    """Over the station database, with the audit key checked like the data key (`kiosk.keys`)."""
    from db.audit import SqlAuditLog
    from db.engine import make_engine
    from db.keys import SqlKeyLedger
    from db.officers import SqlOfficers
    from db.schema import ensure_schema
    from kiosk.audit import AuditLog
    from kiosk.keys import open_audit_key
    from kiosk.officers import Officers

    url = config.database_url
    engine = make_engine(url)
    ensure_schema(engine, url)
    audit = AuditLog(SqlAuditLog(engine), open_audit_key(config.audit_key_file, SqlKeyLedger(engine)), clock)
    return OfficerDesk(Officers(SqlOfficers(engine), audit, clock), audit)


def make_officer_cards(config: Config, desk: OfficerDesk, storage: Storage | None = None) -> OfficerCards:
    """Officers' own chip cards: numbers sealed with the data key, found by the index key."""
    from db.engine import make_engine
    from db.officers import SqlOfficers
    from kiosk.officer_cards import OfficerCards

    storage = storage or make_storage(config)
    officers = SqlOfficers(make_engine(config.database_url))
    return OfficerCards(officers, storage.sealer, make_blind_index(config, storage), desk.audit)


def make_catalog_overlay(config: Config, desk: OfficerDesk) -> CatalogOverlay | None:
    """The station's own service files for the console's editor; None without `catalog.dir`."""
    from kiosk.catalog_overlay import CatalogOverlay

    folder = config.catalog.dir
    return CatalogOverlay(folder, desk.audit) if folder is not None else None


def make_call_desk(config: Config) -> CallDesk:
    """ "Gọi cán bộ" into the station database's `officer_calls`, which the console shows live."""
    from db.calls import SqlCallDesk
    from db.engine import make_engine
    from db.schema import ensure_schema

    url = config.database_url
    engine = make_engine(url)
    ensure_schema(engine, url)
    return SqlCallDesk(engine)


def make_session_log(config: Config) -> SessionLog:
    from db.engine import make_engine
    from db.schema import ensure_schema
    from db.sessions import SqlSessionLog

    url = config.database_url
    engine = make_engine(url)
    ensure_schema(engine, url)
    return SqlSessionLog(engine)


def make_retention(config: Config) -> RetentionRepository:
    from db.engine import make_engine
    from db.retention import SqlRetention
    from db.schema import ensure_schema

    url = config.database_url
    engine = make_engine(url)
    ensure_schema(engine, url)
    return SqlRetention(engine)


def station_zone() -> dt.tzinfo:
    """The station's time zone: the system's, as `kiosk.retention.local_day` dates daily counts.
    (Asia/Ho_Chi_Minh has had one offset, +07:00, since 1975: a fixed offset is exact there.)"""
    return dt.datetime.now().astimezone().tzinfo or dt.UTC


def make_stats_source(config: Config) -> SqlStats:
    """The station database's counts for reports and the menu's order."""
    from db.engine import make_engine
    from db.schema import ensure_schema
    from db.stats import SqlStats

    url = config.database_url
    engine = make_engine(url)
    ensure_schema(engine, url)
    return SqlStats(engine)


def make_statistics(
    config: Config, catalog: Catalog | None = None, keep_ended_days: Clock | None = None
) -> tuple[Statistics, str]:
    """The report figures over the station database, with the catalog's deadlines and e-ID
    service, and the station's name (the console's setting, else `station.name`).
    `keep_ended_days`: the clock of a long-lived process (the console) that keeps the counts of
    days that have ended between views (`kiosk.stats_cache`); None: every figure counted afresh."""
    from kiosk.stats import ServiceInfo, Statistics
    from kiosk.stats_cache import ClosedDaysCache

    source = make_stats_source(config)
    services = [
        ServiceInfo(s.code, s.title.get("vi"), s.processing_days, s.eid_activation)
        for s in (catalog or make_catalog(config)).services
    ]
    zone = station_zone()
    if keep_ended_days is None:
        return Statistics(source, services, zone), source.station_name() or config.station.name
    counts = ClosedDaysCache(source, source, keep_ended_days, zone)
    statistics = Statistics(counts, services, zone, ended=counts.ended_generation)
    return statistics, source.station_name() or config.station.name


def purge_old(config: Config, repository: RetentionRepository, clock: Clock = local_now) -> PurgeReport:
    """One purge (`kiosk purge`, the worker's daily task): rows and the pdf backend's receipts."""
    from kiosk.retention import purge

    receipts = config.receipts_dir if config.printer.backend == "pdf" else None
    return purge(repository, receipts, clock(), config.retention.days)


def backup_now(
    config: Config,
    folder: Path,
    clock: Clock = local_now,
    *,
    with_keys: bool = False,
    only_if_due: bool = False,
) -> BackupReport:
    """A backup of the station database into `folder` (`kiosk backup`, the worker's nightly task).
    Keys only `with_keys`; `only_if_due`: nothing unless the newest backup there is a day old."""
    from db.backup import backup_database
    from kiosk.backup import BackupReport, backup_due, take_backup
    from kiosk.keyfile import retired_key_files

    now = clock()
    if only_if_due and folder.is_dir() and not backup_due(folder, now):
        return BackupReport(None)
    keys: list[Path] = []
    if with_keys:
        for path in (
            config.data_key_file,
            config.slip_key_file,
            config.audit_key_file,
            config.index_key_file,
        ):
            keys += [p for p in (path, *retired_key_files(path)) if p.is_file()]
    return take_backup(
        lambda dest: backup_database(config.database_url, dest),
        folder,
        now,
        keep=config.backup.keep,
        key_files=keys,
        make_folder=not only_if_due,  # the nightly task writes only to a folder that is there
    )


def make_store(config: Config, storage: Storage | None = None) -> DossierStore:
    """Dossiers are queued for the configured `submission.target`, indexed for the console's search."""
    from kiosk.outbox import DossierStore

    storage = storage or make_storage(config)
    return DossierStore(
        storage.dossiers,
        storage.sealer,
        targets=[config.submission.target],
        index=make_blind_index(config, storage),
    )


def make_blind_index(config: Config, storage: Storage) -> BlindIndex:
    """The console's search index key, checked against the database like the others (`kiosk.keys`)."""
    from kiosk.blind_index import BlindIndex
    from kiosk.keys import open_index_key

    return BlindIndex(open_index_key(config.index_key_file, storage.keys))


def _local_target(config: Config) -> SubmissionTarget:
    from kiosk.outbox import LocalTarget

    return LocalTarget()


def make_hub_client(config: Config) -> HubClient:
    """A signed client of `hub.url` with this station's request key (`kiosk hub enrol` made it)."""
    from hub.client import HubClient
    from hub.station_key import load_request_key

    if not config.hub.url:
        raise ConfigError("the province hub is used but 'hub.url' is empty")
    key = load_request_key(config.hub_key_file)
    return HubClient(config.hub.url, config.station.id, key, timeout_s=config.hub.timeout_seconds)


def make_hub_link(config: Config) -> SqlHubLink:
    from db.engine import make_engine
    from db.hub import SqlHubLink
    from db.schema import ensure_schema

    url = config.database_url
    engine = make_engine(url)
    ensure_schema(engine, url)
    return SqlHubLink(engine, config.hub.url)


class _HubTarget:
    """The hub target, built at its first delivery: a station not yet enrolled (no request key)
    keeps every row, each failing with the reason, instead of refusing to start."""

    def __init__(self, config: Config) -> None:
        self._client: Lazy[SubmissionTarget] = Lazy(lambda: _hub_target_now(config))

    def deliver(self, item: OutboxItem, source: DossierSource) -> None:
        self._client().deliver(item, source)


def _hub_target_now(config: Config) -> SubmissionTarget:
    from hub.client import HubTarget

    return HubTarget(make_hub_client(config))


# `submission.target` -> how to build it.
TARGETS: dict[str, Callable[[Config], SubmissionTarget]] = {"local": _local_target, "hub": _HubTarget}


def make_targets(config: Config) -> dict[str, SubmissionTarget]:
    """The configured submission target by name; an unknown name is a configuration error."""
    name = config.submission.target
    factory = TARGETS.get(name)
    if factory is None:
        known = ", ".join(sorted(TARGETS))
        raise ConfigError(f"'submission.target' must be one of {known}; got {name!r}")
    return {name: factory(config)}


def make_printer(config: Config) -> Printer:
    from kiosk.app.printer_factory import make_printer as make_configured_printer

    return make_configured_printer(config)


def make_print_queue(config: Config, storage: Storage, printer: Callable[[], Printer]) -> PrintQueue:
    """Receipts go through a durable queue: paper out or offline keeps the job for later."""
    from kiosk.printing import PrintQueue

    return PrintQueue(storage.print_jobs, storage.sealer, printer)


def make_signer(config: Config, storage: Storage) -> SlipSigner:
    """The station's slip signer: its slip key (checked like the data key) and retired ones; with
    a hub, other stations' slips verify with the public keys of the last sync."""
    from kiosk.keys import SLIP, open_keys, open_signer
    from kiosk.slip import SlipSigner

    if not config.hub.url:
        return open_signer(config.slip_key_file, config.station.id, storage.keys)
    ring = open_keys(SLIP, config.slip_key_file, storage.keys)
    assert ring is not None
    link: Lazy[SqlHubLink] = Lazy(lambda: make_hub_link(config))
    return SlipSigner(
        ring.key,
        config.station.id,
        retired_keys=ring.old,
        keyring=lambda station: province_slip_keys(link(), station),
    )


def province_slip_keys(link: SqlHubLink, station: str) -> list[Ed25519PublicKey]:
    """The slip public keys the hub handed out at the last sync for `station` (as on a slip)."""
    from kiosk.request_signing import load_public_key
    from kiosk.slip import slip_station_id

    for station_id, keys in link.slip_keys().items():
        if slip_station_id(station_id) == station:
            return [load_public_key(k) for k in keys]
    return []


LOOKUP_TIMEOUT_S = 3.0  # a citizen waits at the screen: past this, the station's copy answers


def make_status_lookup(store: DossierStore, signer: SlipSigner, config: Config | None = None) -> StatusLookup:
    """The status screen's lookup: with a province hub, the hub first (slips of any station of
    the province), the station's own copy when it cannot be asked, saying how old it is."""
    from kiosk.status import StatusLookup

    if config is None or not config.hub.url:
        return StatusLookup(store, signer)
    import httpx

    from hub.client import HubClient
    from hub.station_key import load_request_key
    from hub.station_tasks import HubStatusSource

    timeout = min(LOOKUP_TIMEOUT_S, float(config.hub.timeout_seconds))
    # A new connection per lookup: they come minutes apart, and a kept-alive connection that a
    # NAT box dropped silently in between would cost the citizen the whole timeout.
    client: Lazy[HubClient] = Lazy(
        lambda: HubClient(
            config.hub.url,
            config.station.id,
            load_request_key(config.hub_key_file),
            timeout_s=timeout,
            transport=httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0)),
        )
    )
    return StatusLookup(store, signer, HubStatusSource(client, make_hub_link(config)))


def build_worker(
    config: Config,
    store: Callable[[], DossierStore],
    print_queue: Callable[[], PrintQueue] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    clock: Clock = local_now,
    first: Sequence[Task] = (),
    station_tasks: bool = True,
    printer: Callable[[], Printer] | None = None,
) -> StationWorker:
    """The station worker: outbox delivery to the configured target, and, inside the kiosk
    (`print_queue` given), retries of the receipt of a citizen still at the done screen. A
    worker of its own process gets no print task: it knows no citizen, and a waiting receipt
    whose citizen has gone is printed when an officer asks (`kiosk.printing`). `first` are
    tasks of the caller's own, run before these (the process's systemd watchdog ping). Every
    worker also purges daily (`retention.days`) and, with `backup.dir` set, backs up nightly:
    those and the delivery are the `station_tasks`, which a kiosk leaves to the worker unit
    when `worker.in_kiosk` is false."""
    from kiosk.backup import BACKUP_EVERY_S
    from kiosk.outbox import deliver_pending, jittered
    from kiosk.retention import PURGE_EVERY_S

    targets = make_targets(config)  # a bad target stops here, before the first pass
    tasks = [*first]
    if station_tasks:
        deliver = lambda: deliver_pending(store(), targets, clock(), jitter=jittered)  # noqa: E731
        tasks.append(Task("deliver", DELIVERY_EVERY_S, deliver))
        if config.hub.url:
            tasks.append(Task("hub-status", config.hub.status_every_seconds, hub_status_pass(config, clock)))
            tasks.append(
                Task("hub-changes", config.hub.status_every_seconds, hub_changes_pass(config, clock))
            )
            beat = heartbeat_pass(config, store, clock, printer)
            tasks.append(Task("heartbeat", config.hub.heartbeat_every_seconds, beat))
    if print_queue is not None:
        queue = print_queue
        tasks.append(Task("print-retry", PRINT_RETRY_EVERY_S, lambda: queue().retry_for_citizen()))
    if not station_tasks:
        return StationWorker(tasks, on_outcome)
    # Purge and backup run wherever a worker runs (kiosk thread, worker unit, or both): a second
    # purge finds nothing, and a backup is only taken when the newest one is a day old.
    retention: Lazy[RetentionRepository] = Lazy(lambda: make_retention(config))
    tasks.append(Task("purge", PURGE_EVERY_S, lambda: purge_old(config, retention(), clock)))
    folder = config.backup.dir
    if folder is not None:
        tasks.append(
            Task("backup", BACKUP_EVERY_S, lambda: backup_now(config, folder, clock, only_if_due=True))
        )
    return StationWorker(tasks, on_outcome)


def make_chime() -> Callable[[], None] | None:
    """The call-delivered chime through ALSA; None where `aplay` is not installed."""
    from devices.audio.chime import AplayChime

    chime = AplayChime()
    return chime if chime.available else None


def hub_status_pass(config: Config, clock: Clock = local_now) -> Callable[[], SyncReport]:
    """One pull of the hub's status changes for this station (the worker's `hub-status` task)."""
    from hub.client import pull_statuses

    client: Lazy[HubClient] = Lazy(lambda: make_hub_client(config))
    link: Lazy[SqlHubLink] = Lazy(lambda: make_hub_link(config))
    return lambda: pull_statuses(client(), link(), clock())


def hub_changes_pass(config: Config, clock: Clock = local_now) -> Callable[[], ChangesReport]:
    """One pass sending this station's officers' status changes to the hub (`hub-changes`)."""
    from hub.station_tasks import forward_changes

    client: Lazy[HubClient] = Lazy(lambda: make_hub_client(config))
    changes: Lazy[SqlStationChanges] = Lazy(lambda: make_station_changes(config))
    return lambda: forward_changes(client(), changes(), clock())


def make_station_changes(config: Config) -> SqlStationChanges:
    from db.engine import make_engine
    from db.province import SqlStationChanges
    from db.schema import ensure_schema

    url = config.database_url
    engine = make_engine(url)
    ensure_schema(engine, url)
    return SqlStationChanges(engine, config.hub.url)


def station_devices(
    config: Config, backlog: int, printer: Callable[[], Printer] | None = None
) -> dict[str, DeviceState]:
    """What the heartbeat tells the province: the receipt printer as it answers now (the
    kiosk's own when the worker runs inside it), and the storage checks the kiosk's health
    task runs (`kiosk.app.health`). Never raises."""
    from kiosk.app.health import service_checks
    from kiosk.province import DeviceState

    devices: dict[str, DeviceState] = {}
    try:
        status = (printer() if printer is not None else make_printer(config)).status()
        devices["printer"] = DeviceState(status.ready, status.state.value, status.message)
    except Exception as exc:
        devices["printer"] = DeviceState(False, "error", f"{type(exc).__name__}: {exc}")
    try:
        for check in service_checks(config):
            devices[check.name.replace(" ", "_")] = DeviceState(
                check.ok, "ok" if check.ok else "fault", check.detail
            )
    except Exception as exc:
        devices["storage"] = DeviceState(False, "fault", f"{type(exc).__name__}: {exc}")
    devices["outbox"] = DeviceState(True, "ok", f"{backlog} not sent yet")
    return devices


def kiosk_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kiosk")
    except PackageNotFoundError:
        return "unknown"


def heartbeat_pass(
    config: Config,
    store: Callable[[], DossierStore],
    clock: Clock = local_now,
    printer: Callable[[], Printer] | None = None,
) -> Callable[[], dict[str, object]]:
    """One heartbeat to the hub (the worker's `heartbeat` task)."""
    from hub.station_tasks import heartbeat_body, send_heartbeat

    client: Lazy[HubClient] = Lazy(lambda: make_hub_client(config))

    def beat() -> dict[str, object]:
        backlog = store().backlog()
        body = heartbeat_body(
            config.station.id, clock(), kiosk_version(), backlog, station_devices(config, backlog, printer)
        )
        return send_heartbeat(client(), body)

    return beat


def make_voice_engine(config: Config) -> ClipEngine:
    """The clip renderer `[voice] engine` names; raises VoiceUnavailable with the reason if it
    cannot run here (Piper not installed, no voice file, no espeak-ng)."""
    from devices.audio.espeak import EspeakEngine
    from devices.audio.piper import PiperEngine

    engine: ClipEngine
    if config.voice.engine == "piper":
        binary = config.voice.piper_binary
        engine = PiperEngine(config.voice.piper_model, str(binary) if binary else None)
    else:
        engine = EspeakEngine()
    problem = engine.problem()
    if problem:
        raise VoiceUnavailable(problem)
    return engine


class VoiceUnavailable(Exception):
    pass


def make_voice(config: Config | None = None, catalog: Catalog | None = None) -> Voice:
    """Clips played on one PulseAudio stream (`kiosk voice build` renders them ahead; the rest at
    first use, off the UI thread). A Piper the station asked for but cannot run falls back to
    espeak-ng with a warning; no libpulse: espeak-ng speaking each phrase itself; no espeak-ng or
    `engine = "off"`: silent rather than failing. Without a config (a caller of the old
    signature), espeak-ng speaks each phrase: the clip folder and volume are the station's."""
    from devices.audio import pulse, sink
    from devices.audio.clips import ClipFolder, ClipVoice, known_keys
    from devices.audio.espeak import EspeakEngine, EspeakVoice
    from kiosk.voice import known_texts

    if config is None:
        legacy = EspeakVoice()
        return legacy if legacy.available else Silent()
    if config.voice.engine == "off":
        return Silent()
    try:
        engine = make_voice_engine(config)
    except VoiceUnavailable as exc:
        logging.getLogger(__name__).warning("voice: %s; using espeak-ng", exc)
        engine = EspeakEngine()
        if engine.problem():
            return Silent()
    if not pulse.usable() or not pulse.server_answers():
        logging.getLogger(__name__).warning(
            "voice: no PulseAudio server answers; espeak-ng speaks each phrase"
        )
        fallback = EspeakVoice()
        return fallback if fallback.available else Silent()
    chosen = engine

    def known() -> frozenset[str]:
        texts = known_texts(catalog or make_catalog(config), LANGUAGES)
        return known_keys(chosen, texts)

    if sink.usable():  # the sink's volume: the player then sends the samples as they are
        loudness = sink.SinkVolume()
        loudness.set_volume(config.voice.volume)
        player = pulse.PulsePlayer(volume=100)
        return ClipVoice(engine, ClipFolder(config.clip_dir), player, known, loudness)
    player = pulse.PulsePlayer(volume=config.voice.volume)
    return ClipVoice(engine, ClipFolder(config.clip_dir), player, known)


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


class WorkerLog:
    """The newest pass of each station-worker task and when it ran (the officer's health screen
    shows the last delivery: "last sync")."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._last: dict[str, tuple[dt.datetime, Outcome]] = {}

    def __call__(self, outcome: Outcome) -> None:  # on the worker's thread
        with self._lock:
            self._last[outcome.task] = (self._clock(), outcome)

    def last(self, task: str) -> tuple[dt.datetime, Outcome] | None:
        with self._lock:
            return self._last.get(task)


@dataclass
class KioskApp:
    config: Config
    catalog: Catalog
    journey: Journey
    # The reader is in the card service (`kiosk card-service`, `kiosk.app.card_service`): the UI
    # process holds none of the chip's stack.
    card_reader: Lazy[RemoteCardReader]
    controller: KioskController
    # The station's services live in the worker process, reached over the channel (`kiosk.app.
    # channel`): the UI process imports neither SQLAlchemy, nor reportlab, nor the sealing crypto.
    store: Callable[[], RemoteStore]
    printer: Callable[[], RemotePrinter]
    print_queue: Callable[[], RemotePrintQueue]
    worker: StationWorker  # the kiosk's own tasks over the channel (health, menu, print retries)
    demo_profiles: list[CitizenProfile]
    demo: DemoDocuments  # the card screen's demo buttons: empty unless demo mode on the emulated reader
    officer_mode: OfficerMode  # officers signing in at this kiosk (`ui/officer/`)
    officer_desk: Callable[[], RemoteOfficerDesk]
    officer_cards: Callable[[], RemoteOfficerCards]  # officers' own chip cards, recognised when placed
    station: RemoteStation
    # Served on a thread of this process when no worker process was given (tests, `kiosk tour`).
    side: StationSide | None = None
    card_side: CardService | None = None  # the same, for the card service
    _closing: Sequence[Callable[[], None]] = ()

    def close(self) -> None:
        """Close the channel (and stop serving it, where this process served it)."""
        for close in self._closing:
            close()


MENU_EVERY_S = 3600.0  # the order follows a season, not the hour: once an hour is plenty
FIRST_HEALTH_WAIT_S = 120.0  # at start the worker may still be starting (a child of `kiosk run`)


def _report_health(station: RemoteStation, journey: Journey, runner: Runner, first: list[bool]) -> Health:
    """The worker's health pass, heard by the journey on the UI thread. A worker that does not
    answer stops citizens as a broken database would: nothing could be stored or looked up."""
    from kiosk.app.channel import StationError
    from kiosk.app.health import worker_unreachable

    try:
        result = station.health(wait_s=FIRST_HEALTH_WAIT_S if first else None)
    except StationError as exc:
        result = worker_unreachable(exc)
    first.clear()
    runner.post(lambda: journey.set_health(result))
    return result


def _report_menu(station: RemoteStation, journey: Journey, runner: Runner) -> dict[str, int]:
    counts = station.service_counts()
    runner.post(lambda: journey.set_service_counts(counts))
    return counts


def serve_in_thread(
    config: Config, clock: Clock = local_now
) -> tuple[StationSide, StationLink, Callable[[], None]]:
    """The station's services served on a thread of this process over a real socket of its own
    (`kiosk tour`, the tests): the same channel as a worker process's; and how to close it."""
    import secrets
    import tempfile

    from kiosk.app.channel import StationLink, StationServer
    from kiosk.app.station import StationSide

    side = StationSide(config, clock, station_tasks=config.worker.in_kiosk)
    path = Path(tempfile.gettempdir()) / f"kiosk-thread-{secrets.token_hex(6)}.sock"
    server = StationServer(path, side.methods()).start()
    link = StationLink(path)

    closed: list[bool] = []

    def close() -> None:  # once: by the app, or by its finalizer
        if not closed:
            closed.append(True)
            link.close()
            server.close()

    return side, link, close


def kiosk_tasks(
    station: RemoteStation, print_queue: RemotePrintQueue, journey: Journey, runner: Runner
) -> list[Task]:
    """What the kiosk itself runs on its worker thread, each through the channel: the health
    pass (the journey stops letting citizens in while storage or keys are unusable,
    `kiosk.health`), the busiest-first menu (`kiosk.flow.menu`), and the retries of its present
    citizen's receipt."""
    first = [True]
    return [
        Task("health", HEALTH_EVERY_S, lambda: _report_health(station, journey, runner, first)),
        Task("menu", MENU_EVERY_S, lambda: _report_menu(station, journey, runner)),
        Task("print-retry", PRINT_RETRY_EVERY_S, print_queue.retry_for_citizen),
    ]


def build_app(
    config: Config,
    runner: Runner,
    clock: Clock = local_now,
    link: StationLink | None = None,
    card_link: StationLink | None = None,
) -> KioskApp:
    """The kiosk, its station services reached over `link` (a `kiosk worker`'s channel) and its
    card reader over `card_link` (a `kiosk card-service`'s); without them, each served on a
    thread of this process (`serve_in_thread`, `serve_cards_in_thread`)."""
    from kiosk.app.card_service import serve_cards_in_thread
    from kiosk.app.remote import (
        RemoteCallDesk,
        RemoteOfficerCards,
        RemoteOfficerDesk,
        RemotePrinter,
        RemotePrintQueue,
        RemoteSessionLog,
        RemoteStation,
        RemoteStore,
    )
    from kiosk.app.remote_card import RemoteCardReader

    side: StationSide | None = None
    closing: list[Callable[[], None]] = []
    if link is None:
        side, link, close = serve_in_thread(config, clock)
        closing.append(close)
    else:
        closing.append(link.close)
    card_side: CardService | None = None
    if card_link is None:
        card_side, card_link, close_cards = serve_cards_in_thread(config)
        closing.append(close_cards)
    else:
        closing.append(card_link.close)
    catalog = make_catalog(config)
    languages.install_bundled(catalog)  # the packs' texts, against this station's catalog
    journey = Journey(
        catalog,
        clock,
        idle_warning_s=config.ui.idle_warning_seconds,
        idle_reset_s=config.ui.idle_reset_seconds,
        language=config.ui.language,
        # The station's opening days and ways to pay reach the journey here, not through the UI.
        appointments=appointment_settings(config),
        payment=payment_options(config),
        trust=trust_policy(config),
    )
    cards = card_link
    # A synchronous runner (the tour, scripted journeys) hears the reader's events on its own thread.
    card_reader: Lazy[RemoteCardReader] = Lazy(lambda: RemoteCardReader(cards, not runner.synchronous))
    station = RemoteStation(link)
    store = RemoteStore(link)
    printer = RemotePrinter(link)
    print_queue = RemotePrintQueue(link)
    officer_desk = RemoteOfficerDesk(link)
    officer_cards = RemoteOfficerCards(link)
    reporting = Reporting(
        config.kiosk_id,
        lambda: RemoteCallDesk(link),
        lambda: RemoteSessionLog(link),
        lambda: cast("AuditLog", officer_desk.audit),  # the methods the controller calls
        make_chime() if config.officer.chime else None,
    )
    controller = KioskController(
        journey,
        card_reader,
        lambda: store,
        lambda: print_queue,
        runner,
        station_of(config),
        clock,
        lambda: station.look_up,
        station.sign_slip,
        reporting,
    )
    # Demo documents are placed on the emulated reader: with a real one there is nothing to place.
    demo = config.demo and config.card.backend == "emulated"
    demo_profiles = load_profiles() if demo else []
    officer_mode = OfficerMode(
        lambda: cast("Officers", officer_desk.officers),  # sign-in only: `authenticate`
        lambda: cast("AuditLog", officer_desk.audit),  # `record`
        clock,
        config.officer.timeout_seconds,
    )
    app = KioskApp(
        config=config,
        catalog=catalog,
        journey=journey,
        card_reader=card_reader,
        controller=controller,
        store=lambda: store,
        printer=lambda: printer,
        print_queue=lambda: print_queue,
        worker=StationWorker(kiosk_tasks(station, print_queue, journey, runner)),
        demo_profiles=demo_profiles,
        demo=demo_documents(card_reader, journey, demo_profiles, runner) if demo else DemoDocuments(),
        officer_mode=officer_mode,
        officer_desk=lambda: officer_desk,
        officer_cards=lambda: officer_cards,
        station=station,
        side=side,
        card_side=card_side,
        _closing=closing,
    )
    # An app dropped unclosed (a test) still stops serving, at the latest at exit.
    if side is not None or card_side is not None:
        import weakref

        _start_closer()  # here, on an ordinary path: never from inside a collection
        weakref.finalize(app, _close_later, closing)
    return app


# Dropped apps' closers, run by one long-lived thread. A finalizer only puts its app here:
# `SimpleQueue.put` is safe inside a garbage collection (it neither blocks nor runs Python code),
# where starting a thread was not: `Thread.start()` waited for the new thread while the collection
# it had interrupted held up the others, and a suite sat still (session 11, test_services).
_DROPPED: queue.SimpleQueue[list[Callable[[], None]]] = queue.SimpleQueue()
_closer: list[threading.Thread] = []
_closer_lock = threading.Lock()


def _start_closer() -> None:
    with _closer_lock:
        if not _closer:
            thread = threading.Thread(target=_close_dropped_apps, name="close-dropped-apps", daemon=True)
            thread.start()
            _closer.append(thread)


def _close_dropped_apps() -> None:
    while True:
        for close in _DROPPED.get():
            try:
                close()
            except Exception:  # one app's broken close must not keep the next from closing
                logging.getLogger(__name__).exception("closing a dropped kiosk app")


def _close_later(closing: list[Callable[[], None]]) -> None:
    """A dropped app's finalizer: the garbage collector runs it on whichever thread it interrupts,
    possibly the channel's own serving thread, whose `shutdown()` would then wait on itself for
    ever. It hands the closing to the closer thread and returns at once."""
    _DROPPED.put(closing)


def make_desk(config: Config, desk: OfficerDesk | None = None, clock: Clock = local_now) -> DossierDesk:
    """The officers' work on dossiers (`kiosk.desk`) over the station database."""
    from db.desk import SqlDesk
    from db.engine import make_engine
    from kiosk.desk import DossierDesk

    storage = make_storage(config)
    desk = desk or make_officer_desk(config, clock)
    return DossierDesk(
        SqlDesk(make_engine(config.database_url)),
        storage.sealer,
        make_blind_index(config, storage),
        desk.audit,
        clock,
    )


def build_console(config: Config, clock: Clock = local_now) -> FastAPI:
    """The station web console (`kiosk serve`) over the station database and keys."""
    import datetime as dt

    from console.app import create_app
    from console.services import ConsoleServices
    from db.calls import SqlCallBoard
    from db.desk import SqlConsoleSessions, SqlSettings, SqlTargets
    from db.engine import make_engine

    officer_desk = make_officer_desk(config, clock)
    engine = make_engine(config.database_url)
    printer: Lazy[Printer] = Lazy(lambda: make_printer(config))

    def print_receipt(receipt: Receipt) -> None:
        printer().print_receipt(receipt)

    from kiosk.app.report_pdf import render_pdf as render_report_pdf

    catalog = make_catalog(config)
    services = ConsoleServices(
        officers=officer_desk.officers,
        audit=officer_desk.audit,
        desk=make_desk(config, officer_desk, clock),
        sessions=SqlConsoleSessions(engine),
        calls=SqlCallBoard(engine),
        settings=SqlSettings(engine),
        targets=SqlTargets(engine),
        catalog=catalog,
        station_name=config.station.name,
        idle_logout=dt.timedelta(minutes=config.console.idle_logout_minutes),
        secure_cookies=config.console.tls_cert is not None,
        clock=clock,
        print_receipt=print_receipt,
        statistics=make_statistics(config, catalog, keep_ended_days=clock)[0],
        report_pdf=render_report_pdf,
        officer_cards=make_officer_cards(config, officer_desk),
        catalog_overlay=make_catalog_overlay(config, officer_desk),
        station_changes=make_station_changes(config) if config.hub.url else None,
    )
    return create_app(services)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def make_hub_officers(url: str, keys_dir: Path, clock: Clock = _utcnow) -> Officers:
    """The hub's officers' accounts (`kiosk hub officer-add`), audited in the hub's chain."""
    from db.officers import SqlOfficers
    from hub.serve import open_hub
    from kiosk.officers import Officers

    parts = open_hub(url, keys_dir, clock)
    return Officers(SqlOfficers(parts.engine), parts.audit, clock)


def rebuild_hub_index(url: str, keys_dir: Path, clock: Clock = _utcnow) -> int:
    """`kiosk hub index-rebuild`: the hub's name and ID search index made again from the sealed
    dossiers (after a lost index key, or rows written by an older build), as `kiosk index
    rebuild` does at a station; how many dossiers were indexed."""
    from db.province import HubDesk
    from hub.serve import open_hub
    from kiosk.desk import DossierDesk

    parts = open_hub(url, keys_dir, clock)
    try:
        desk = DossierDesk(HubDesk(parts.engine), parts.sealer, parts.index, parts.audit, clock)
        return desk.rebuild_index()
    finally:
        parts.engine.dispose()


def build_hub_app(
    url: str,
    keys_dir: Path,
    province: str = "",
    clock: Clock = _utcnow,
    *,
    secure_cookies: bool = True,
    idle_logout: dt.timedelta = dt.timedelta(minutes=15),
    key_cache_seconds: float | None = None,
) -> FastAPI:
    """The province hub as one application: the station API (`hub.api`, `hub.province_api`) and
    the same officers' console as at a station, over the hub's PostgreSQL, with the province
    pages (`console/routes/province.py`); no "Gọi cán bộ" (no kiosk at the hub). Its cookies
    are Secure unless `secure_cookies` is off (the hub is reached through the TLS proxy,
    `hub/nginx.example.conf`); a session ends after `idle_logout` without a request. Raises
    `hub.serve.HubError` on a database at another revision."""

    from console.app import create_app
    from console.services import ConsoleServices
    from db.desk import SqlConsoleSessions, SqlSettings, SqlTargets
    from db.officers import SqlOfficers
    from db.province import HubDesk, SqlProvince
    from hub.api import add_liveness, add_station_errors, make_app, make_router
    from hub.key_cache import KEY_CACHE_SECONDS
    from hub.province_api import make_province_router
    from hub.serve import open_hub
    from kiosk.desk import DossierDesk
    from kiosk.officers import Officers

    ttl = KEY_CACHE_SECONDS if key_cache_seconds is None else key_cache_seconds
    parts = open_hub(url, keys_dir, clock, key_cache_seconds=ttl)
    engine = parts.engine
    repository = SqlProvince(engine)
    services = ConsoleServices(
        officers=Officers(SqlOfficers(engine), parts.audit, clock),
        audit=parts.audit,
        desk=DossierDesk(HubDesk(engine), parts.sealer, parts.index, parts.audit, clock),
        sessions=SqlConsoleSessions(engine),
        calls=None,
        settings=SqlSettings(engine),
        targets=SqlTargets(engine),
        catalog=load_catalog(),
        station_name=f"Công an tỉnh {province}".strip() if province else "Công an tỉnh",
        idle_logout=idle_logout,
        secure_cookies=secure_cookies,
        clock=clock,
        province=repository,
    )
    app = create_app(services)
    console_routes = list(app.router.routes)
    province_routes = make_province_router(parts.hub, repository, clock)
    app.include_router(make_router(parts.hub))
    app.include_router(province_routes)
    add_station_errors(app)
    add_liveness(app)  # nginx's health probe (hub/nginx.example.conf, docs/hub-sizing.md)
    # The station API first: Starlette tries routes in order, and every submission would
    # otherwise be matched against each console route before its own.
    station_routes = app.router.routes[len(console_routes) :]
    app.router.routes[:] = [*station_routes, *console_routes]
    # The station API's spec, published and versioned at /v1/openapi.json as before: the station
    # API's own app (`hub.api.make_app`) makes it, so the console's pages stay out of it.
    spec_app = make_app(parts.hub, [province_routes])

    @app.get("/v1/openapi.json", include_in_schema=False)
    async def openapi() -> dict[str, Any]:
        return spec_app.openapi()

    return app
