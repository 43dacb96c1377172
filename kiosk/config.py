"""Configuration: every key declared once (type, default, range, meaning), read through typed accessors.

Each TOML section is a class of `Setting`s (qutebrowser's configdata + configtypes, Electrum's
ConfigVar): `config.ui.idle_warning_seconds` is an `int` to mypy and at run time. A `Kind` turns a
raw value (TOML, an environment variable, a command-line override) into a checked one, or names the
problem. Order of precedence: defaults < TOML file < KIOSK_* environment variables < overrides.
An unknown key or a bad value stops start-up with a `ConfigError` that names the key.
"""

from __future__ import annotations

import logging
import os
import re
import textwrap
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar, Generic, TypeVar, overload

T = TypeVar("T")


class ConfigError(Exception):
    pass


class BadValue(ValueError):
    """A raw value a `Kind` refuses; the text reads after the key's name ("must be ...")."""


# -- kinds: what a value may be -----------------------------------------------------------------


class Kind(Generic[T]):
    """Checks and converts a raw value. TOML gives typed values; the environment gives text."""

    def from_toml(self, value: object) -> T:
        raise NotImplementedError

    def from_text(self, text: str) -> T:
        return self.from_toml(text)

    def to_toml(self, value: T) -> str:
        return _toml_str(str(value))

    def describe(self) -> str:
        """What the example file says about the allowed values ("" = nothing to add)."""
        return ""


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Int(Kind[int]):
    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def from_toml(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadValue(f"must be a whole number, got {value!r}")
        if not self.low <= value <= self.high:
            raise BadValue(f"must be a whole number from {self.low} to {self.high}, got {value}")
        return value

    def from_text(self, text: str) -> int:
        stripped = text.strip()
        if not re.fullmatch(r"[+-]?[0-9]{1,30}", stripped):  # also keeps int() off 5,000-digit strings
            raise BadValue(f"must be a whole number, got {text!r}")
        return self.from_toml(int(stripped))

    def to_toml(self, value: int) -> str:
        return str(value)

    def describe(self) -> str:
        return f"From {self.low} to {self.high}."


class Float(Kind[float]):
    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high

    def from_toml(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise BadValue(f"must be a number, got {value!r}")
        if not self.low <= value <= self.high:
            raise BadValue(f"must be a number from {self.low} to {self.high}, got {value}")
        return float(value)

    def from_text(self, text: str) -> float:
        stripped = text.strip()
        if not re.fullmatch(r"[+-]?[0-9]{1,6}(\.[0-9]{1,6})?", stripped):
            raise BadValue(f"must be a number such as 21.5, got {text!r}")
        return self.from_toml(float(stripped))

    def to_toml(self, value: float) -> str:
        return repr(float(value))

    def describe(self) -> str:
        return f"From {self.low} to {self.high}."


class Bool(Kind[bool]):
    TRUE = ("true", "1", "yes", "on")
    FALSE = ("false", "0", "no", "off")

    def from_toml(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise BadValue(f"must be true or false, got {value!r}")
        return value

    def from_text(self, text: str) -> bool:
        word = text.strip().lower()
        if word in self.TRUE:
            return True
        if word in self.FALSE:
            return False
        raise BadValue(f"must be one of {'/'.join(self.TRUE)} or {'/'.join(self.FALSE)}, got {text!r}")

    def to_toml(self, value: bool) -> str:
        return "true" if value else "false"


log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Str(Kind[str]):
    """Text, NFC-normalised (Vietnamese typed on different systems compares equal)."""

    def __init__(
        self, *, min_length: int = 0, max_length: int = 200, pattern: str = "", shape: str = ""
    ) -> None:
        self.min_length, self.max_length = min_length, max_length
        self.pattern = re.compile(pattern) if pattern else None
        self.shape = shape  # the pattern in words, for the message

    def from_toml(self, value: object) -> str:
        if not isinstance(value, str):
            raise BadValue(f"must be text, got {value!r}")
        text = unicodedata.normalize("NFC", value)
        if _CONTROL.search(text):
            raise BadValue(f"must not hold control characters (line breaks, tabs), got {text!r}")
        if not self.min_length <= len(text) <= self.max_length:
            low = "" if not self.min_length else f"{self.min_length} to "
            raise BadValue(f"must be {low}{self.max_length} characters long, got {len(text)}")
        if self.pattern is not None and not self.pattern.fullmatch(text):
            raise BadValue(f"must be {self.shape}, got {text!r}")
        return text

    def describe(self) -> str:
        return f"{self.shape[0].upper()}{self.shape[1:]}." if self.shape else ""


class Choice(Kind[str]):
    def __init__(self, *choices: str) -> None:
        self.choices = choices

    def from_toml(self, value: object) -> str:
        if value not in self.choices:
            raise BadValue(f"must be one of {', '.join(self.choices)}; got {value!r}")
        return str(value)

    def describe(self) -> str:
        return f"One of: {', '.join(self.choices)}."


_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def time_of_day(text: str) -> str | None:
    """The problem with an HH:MM time of day (00:00–23:59), or None."""
    return None if _TIME.fullmatch(text) else f"{text!r} is not a time of day HH:MM (00:00–23:59)"


class StrList(Kind[tuple[str, ...]]):
    """A list of words; in the environment comma-separated. An item listed twice counts once."""

    def __init__(
        self, *, choices: Sequence[str] = (), item_kind: str = "", min_items: int = 0, max_items: int = 50
    ) -> None:
        self.choices = tuple(choices)
        self.item_kind = item_kind  # "time": every item is HH:MM
        self.min_items, self.max_items = min_items, max_items

    def from_toml(self, value: object) -> tuple[str, ...]:
        if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
            raise BadValue(f"must be a list of strings, got {value!r}")
        items = tuple(dict.fromkeys(item.strip() for item in value))
        bad = [item for item in items if self.choices and item not in self.choices]
        if bad:
            raise BadValue(f"items must be among {', '.join(self.choices)}; got {bad!r}")
        if self.item_kind == "time":
            for item in items:
                if problem := time_of_day(item):
                    raise BadValue(f"item {problem}")
        if not self.min_items <= len(items) <= self.max_items:
            raise BadValue(f"must list {self.min_items} to {self.max_items} items, got {len(items)}")
        return items

    def from_text(self, text: str) -> tuple[str, ...]:
        return self.from_toml([item for item in text.split(",") if item.strip()])

    def to_toml(self, value: tuple[str, ...]) -> str:
        return "[" + ", ".join(_toml_str(item) for item in value) + "]"

    def describe(self) -> str:
        if self.item_kind == "time":
            return "Each HH:MM, 00:00 to 23:59."
        return f"Among: {', '.join(self.choices)}." if self.choices else ""


class OptionalPath(Kind[Path | None]):
    """An absolute path, or empty for the default. Relative paths would depend on the service's
    working folder, so they are refused."""

    def __init__(self, *, folder: bool, must_exist: bool = False) -> None:
        self.folder, self.must_exist = folder, must_exist

    def from_toml(self, value: object) -> Path | None:
        if isinstance(value, os.PathLike):
            value = os.fspath(value)
        if not isinstance(value, str):
            raise BadValue(f"must be a path (text), got {value!r}")
        if not value.strip():
            return None
        if "\x00" in value or _CONTROL.search(value):
            raise BadValue(f"must not hold control characters, got {value!r}")
        path = Path(value).expanduser()
        if not path.is_absolute():
            raise BadValue(f"must be an absolute path (starting with /), got {value!r}")
        what = "folder" if self.folder else "file"
        if path.exists() and path.is_dir() != self.folder:
            raise BadValue(f"must be a {what}: {path} is {'a folder' if path.is_dir() else 'a file'}")
        if self.must_exist and not path.exists():
            raise BadValue(f"names the {what} {path}, which does not exist")
        return path

    def to_toml(self, value: Path | None) -> str:
        return _toml_str("" if value is None else str(value))

    def describe(self) -> str:
        return "An absolute path." + (" The folder must exist." if self.must_exist else "")


# -- settings and sections ----------------------------------------------------------------------


class Setting(Generic[T]):
    """One key: read on a section instance it gives the checked value, typed `T`."""

    def __init__(self, kind: Kind[T], default: T, doc: str) -> None:
        self.kind = kind
        self.default = default
        self.doc = doc
        self.name = ""  # "section.key", set when the section class is made

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.name = f"{owner.section}.{attribute}"  # type: ignore[attr-defined]

    @property
    def env_name(self) -> str:
        return "KIOSK_" + self.name.replace(".", "_").upper()

    @overload
    def __get__(self, section: None, owner: type) -> Setting[T]: ...
    @overload
    def __get__(self, section: Section, owner: type) -> T: ...
    def __get__(self, section: Section | None, owner: type) -> Setting[T] | T:
        if section is None:
            return self
        value: T = section.values[self.name]
        return value


class Section:
    section: ClassVar[str]

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = values

    @classmethod
    def settings(cls) -> list[Setting[Any]]:
        return [value for value in vars(cls).values() if isinstance(value, Setting)]

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Section)
        return all(self.values[s.name] == other.values[s.name] for s in self.settings())

    def __hash__(self) -> int:
        return hash(tuple(self.values[s.name] for s in self.settings()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{s.name.split('.', 1)[1]}={self.values[s.name]!r}" for s in self.settings())
        return f"{type(self).__name__}({fields})"


class StationKeys(Section):
    section = "station"
    id = Setting(
        Str(pattern=r"[A-Za-z0-9][A-Za-z0-9-]{0,19}", shape="1 to 20 letters, digits or '-'"),
        "demo-station",
        "Short identifier of this station, stored with each dossier and in each slip's QR.",
    )
    name = Setting(
        Str(min_length=1, max_length=100),
        "Công an xã (chế độ trình diễn)",
        "Station name printed on receipts.",
    )
    help_text = Setting(
        Str(max_length=200), "Hỏi cán bộ tại quầy tiếp dân", "Where the citizen can ask, printed on receipts."
    )
    # Not `id`: a station with two kiosks on one database has one station id (on every slip) and
    # two kiosks, each printing its own citizens' receipts.
    kiosk_id = Setting(
        Str(
            pattern=r"([A-Za-z0-9][A-Za-z0-9.-]{0,39})?",
            shape="empty, or 1 to 40 letters, digits, '.' or '-'",
        ),
        "",
        "This kiosk, among those sharing the station's database: its receipts print on its own "
        "printer only. Empty: the machine's host name.",
    )


class PathKeys(Section):
    section = "paths"
    data_dir = Setting(
        OptionalPath(folder=True),
        None,
        "Folder for the database, keys and receipts. Empty: the platform's data folder.",
    )
    min_free_mb = Setting(
        Int(10, 100_000),
        200,
        "Free megabytes the data folder's disk must keep: below it the kiosk stops taking applications.",
    )


class DatabaseKeys(Section):
    section = "database"
    url = Setting(
        Str(max_length=500, pattern=r"([A-Za-z][A-Za-z0-9+.-]*://\S*)?", shape="empty or a URL (scheme://…)"),
        "",
        "SQLAlchemy URL. Empty: SQLite file kiosk.sqlite3 in data_dir.",
    )


class CardKeys(Section):
    section = "card"
    backend = Setting(Choice("pcsc", "emulated"), "pcsc", "Card reader backend.")
    reader = Setting(
        Str(max_length=200), "", "PC/SC reader name (substring). Empty: the first reader that has a card."
    )
    trust_dir = Setting(
        OptionalPath(folder=True, must_exist=True),
        None,
        "Folder of CSCA certificates for passive authentication (`kiosk trust import`). Empty: none, "
        "so every real chip is chain_unknown and `kiosk doctor` says so (the emulated backend "
        "trusts its test CSCA).",
    )


class TrustKeys(Section):
    """Station policy for the chip's passive authentication (kiosk/admission.py TrustPolicy)."""

    section = "trust"
    applicant = Setting(
        StrList(choices=("valid", "chain_unknown"), min_items=1),
        ("valid", "chain_unknown"),
        "Chip checks accepted for the applicant: valid (signed, issuer in card.trust_dir), "
        "chain_unknown (signed, issuer not in the trust folder: the officer is told to check the "
        "card by eye). A forged chip or a CCCD without a valid EF.SOD is never accepted. "
        'Set ["valid"] once the CSCA certificates are imported (kiosk trust import).',
    )
    guests = Setting(
        StrList(choices=("valid", "chain_unknown"), min_items=1),
        ("valid", "chain_unknown"),
        "Chip checks accepted for the people added to a declaration (as trust.applicant).",
    )


class PrinterKeys(Section):
    section = "printer"
    backend = Setting(Choice("pdf", "cups", "escpos"), "pdf", "Receipt printer backend.")
    pdf_dir = Setting(
        OptionalPath(folder=True), None, "Folder the pdf backend writes to. Empty: data_dir/receipts."
    )
    cups_queue = Setting(
        Str(max_length=127, pattern=r"[^\s/#]*", shape="a CUPS queue name (no spaces, '/' or '#')"),
        "",
        "CUPS queue name for the cups backend. Empty: the default queue.",
    )
    escpos_connection = Setting(
        Str(max_length=200),
        "",
        "ESC/POS printer: usb:VID:PID, network:HOST[:PORT], serial:DEVICE[:BAUD] or file:PATH.",
    )
    dot_width = Setting(
        Int(128, 2048), 576, "Printable dots per line: 576 (80 mm), 512 (TM-T88), 384 (58 mm)."
    )
    native_qr = Setting(Bool(), True, "Print the QR with the printer's own QR command (else as an image).")


class SubmissionKeys(Section):
    section = "submission"
    target = Setting(
        Choice("local", "hub"),
        "local",
        "Where dossiers go after the outbox: 'local' (this station's database) or 'hub' (hub.url).",
    )


class HubKeys(Section):
    section = "hub"
    url = Setting(
        Str(max_length=255, pattern=r"(https?://\S+)?", shape="empty or an http(s) URL"),
        "",
        "The province hub (https://… behind its TLS proxy). Empty: no hub; the station works alone.",
    )
    key_file = Setting(
        OptionalPath(folder=False),
        None,
        "Ed25519 key signing this station's requests to the hub, made by `kiosk hub enrol`. "
        "Empty: the systemd credential hub.key if the service has one, else data_dir/hub.key.",
    )
    status_every_seconds = Setting(
        Int(10, 86_400), 120, "Seconds between two pulls of the hub's status changes."
    )
    timeout_seconds = Setting(Int(1, 300), 20, "Seconds a request to the hub may take before it is retried.")
    heartbeat_every_seconds = Setting(
        Int(30, 86_400),
        300,
        "Seconds between two heartbeats to the hub (devices, backlog, version); the province "
        "console lists a station silent for an hour as offline.",
    )


class WorkerKeys(Section):
    section = "worker"
    in_kiosk = Setting(
        Bool(),
        True,
        "`kiosk run` starts its own station worker (`kiosk worker` as its child: the database, "
        "receipts, delivery, purge, backup) when none serves the station. Set false where "
        "kiosk-worker.service runs (systemd/kiosk.service sets it false): the kiosk then waits "
        "for that worker's channel, out of service until it answers.",
    )


def language_codes() -> tuple[str, ...]:
    """vi, en and the bundled language packs (resources/languages/<code>.toml: kiosk/languages.py)."""
    import resources  # its files read directly: importlib.resources is ~2.5 ms of `kiosk run`'s start

    folder = Path(next(iter(resources.__path__))) / "languages"
    return (
        "vi",
        "en",
        *sorted(e.name.removesuffix(".toml") for e in folder.iterdir() if e.name.endswith(".toml")),
    )


class UiKeys(Section):
    section = "ui"
    language = Setting(
        Choice(*language_codes()),
        "vi",
        "Language of the citizen screens at start (a pack: partly Vietnamese).",
    )
    theme = Setting(Choice("normal", "high_contrast"), "normal", "Look of the screens.")
    screen_diagonal_inch = Setting(
        Float(0.0, 100.0),
        0.0,
        "Diagonal of the touch screen in inches, for touch targets in millimetres. 0: as the "
        "display reports it (a display reporting no plausible size counts as a small panel).",
    )
    idle_warning_seconds = Setting(Int(5, 3600), 60, "Seconds without a touch before 'are you still there?'.")
    idle_reset_seconds = Setting(Int(5, 600), 20, "Seconds the warning stays before the session is wiped.")
    accessibility_key = Setting(
        Str(min_length=1, max_length=20, pattern=r"[A-Za-z0-9+]+", shape="a key name such as F1"),
        "F1",
        "Key held to turn on accessibility mode (high contrast, large text, arrows + Enter, speech), "
        "as Qt names it ('F1', 'Help'). Plugging in a headset turns it on too.",
    )
    accessibility_hold_seconds = Setting(
        Float(0.5, 10.0), 2.0, "Seconds the accessibility key is held before the mode turns on."
    )


class SecurityKeys(Section):
    section = "security"
    data_key_file = Setting(
        OptionalPath(folder=False),
        None,
        "32-byte key sealing personal data at rest; best kept outside data_dir (then a copy of the "
        "data folder carries no key). Empty: the systemd credential data.key if the service has "
        "one, else data_dir/data.key. Never replaced silently: see `kiosk keys`.",
    )
    slip_key_file = Setting(
        OptionalPath(folder=False),
        None,
        "Key signing the QR on status slips. Empty: the systemd credential slip.key if the service "
        "has one, else data_dir/slip.key.",
    )
    audit_key_file = Setting(
        OptionalPath(folder=False),
        None,
        "Key chaining the officers' audit log, so that rewriting it needs the key. Empty: the "
        "systemd credential audit.key if the service has one, else data_dir/audit.key.",
    )
    index_key_file = Setting(
        OptionalPath(folder=False),
        None,
        "Key of the blind index the console searches names and ID numbers by (kiosk.blind_index). "
        "Empty: the systemd credential index.key if the service has one, else data_dir/index.key.",
    )


class OfficerKeys(Section):
    section = "officer"
    timeout_seconds = Setting(
        Int(30, 3600),
        120,
        "Seconds without a touch before officer mode (Ctrl+Shift+F12, or five taps in the top-left "
        "corner) signs the officer out and returns to the citizen's screen.",
    )
    chime = Setting(
        Bool(),
        False,
        "Sound a chime at the kiosk (ALSA `aplay`) once a citizen's 'Gọi cán bộ' has reached the station "
        "console.",
    )


class RetentionKeys(Section):
    section = "retention"
    days = Setting(
        Int(7, 3650),
        365,
        "Days a dossier, its receipt (PDF files too) and print jobs are kept; `kiosk purge` and the "
        "daily purge remove older ones, keeping anonymous counts per day, service and status. A "
        "dossier not yet delivered is never purged.",
    )


class BackupKeys(Section):
    section = "backup"
    dir = Setting(
        OptionalPath(folder=True),
        None,
        "Folder (or mounted USB disk) for the nightly database backup. Empty: no nightly backup "
        "(`kiosk backup --to` still works). Keys are never copied there unless asked.",
    )
    keep = Setting(Int(1, 366), 14, "How many backups to keep in backup.dir; older ones are removed.")


class PaymentKeys(Section):
    section = "payment"
    methods = Setting(
        StrList(choices=("cash", "platform", "vietqr")),
        ("cash",),
        "How this station accepts fees, in the order shown.",
    )
    vietqr_bin = Setting(
        Str(max_length=20), "", "VietQR: the 6-digit bank BIN (NAPAS acquirer id) of the collection account."
    )
    vietqr_account = Setting(Str(max_length=40), "", "VietQR: the station's fee collection account number.")
    vietqr_account_name = Setting(
        Str(max_length=100), "", "VietQR: account holder name shown to the citizen."
    )


class AppointmentKeys(Section):
    section = "appointment"
    days_ahead = Setting(Int(1, 90), 10, "How many days ahead appointments can be booked.")
    slots = Setting(
        StrList(item_kind="time", min_items=1),
        ("07:30", "08:30", "09:30", "10:30", "13:30", "14:30", "15:30"),
        "Appointment start times on open days.",
    )
    weekdays = Setting(
        StrList(choices=("mon", "tue", "wed", "thu", "fri", "sat", "sun"), min_items=1),
        ("mon", "tue", "wed", "thu", "fri", "sat"),
        "Days the station receives appointments.",
    )


class ScannerKeys(Section):
    section = "scanner"
    serial_port = Setting(
        OptionalPath(folder=False),
        None,
        "Serial QR scanner device (e.g. /dev/ttyACM0). Empty: keyboard-wedge scanner (types + Enter).",
    )


class CatalogKeys(Section):
    section = "catalog"
    dir = Setting(
        OptionalPath(folder=True, must_exist=True),
        None,
        "Folder of this station's own service files: a file with the code of a bundled service "
        "replaces it, any other is added. Empty: the bundled services only.",
    )


class ConsoleKeys(Section):
    section = "console"
    listen = Setting(
        Str(
            max_length=100,
            pattern=r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}",
            shape="HOST:PORT (an IPv6 address in brackets)",
        ),
        "127.0.0.1:8080",
        "Address the officers' web console (`kiosk serve`) listens on: the station's network only.",
    )
    tls_cert = Setting(
        OptionalPath(folder=False),
        None,
        "PEM certificate for HTTPS (with tls_key). Empty: plain HTTP, for a loopback address only.",
    )
    tls_key = Setting(OptionalPath(folder=False), None, "PEM private key of tls_cert.")
    idle_logout_minutes = Setting(
        Int(1, 480), 15, "Minutes without a request after which an officer's console session ends."
    )


class VoiceKeys(Section):
    section = "voice"
    engine = Setting(
        Choice("espeak", "piper", "off"),
        "espeak",
        "What renders the spoken clips: espeak-ng (installed with the kiosk), Piper where the station "
        "has installed it and a voice file (GPL-3.0-or-later; see README), or off (no voice).",
    )
    volume = Setting(
        Int(0, 100), 80, "Loudness of the voice at start, in percent (the screen may change it)."
    )
    clip_dir = Setting(
        OptionalPath(folder=True),
        None,
        "Folder of the pre-rendered clips (`kiosk voice build`). Empty: the cache folder's voice/.",
    )
    piper_binary = Setting(
        OptionalPath(folder=False), None, "The piper command, for engine = piper. Empty: `piper` on PATH."
    )
    piper_model = Setting(
        OptionalPath(folder=False),
        None,
        "The Piper voice file (.onnx, with its .onnx.json beside it), for engine = piper. Never downloaded.",
    )


SECTIONS: tuple[type[Section], ...] = (
    StationKeys, PathKeys, DatabaseKeys, CardKeys, TrustKeys, PrinterKeys, SubmissionKeys, HubKeys,
    WorkerKeys, UiKeys, SecurityKeys, OfficerKeys, RetentionKeys, BackupKeys, PaymentKeys,
    AppointmentKeys, ScannerKeys, CatalogKeys, ConsoleKeys, VoiceKeys,
)  # fmt: skip
# Keys of earlier releases, ignored with a warning for one release, then unknown like any other.
RETIRED: dict[str, str] = {
    "security.exit_pin_hash": "kiosk mode is left by an officer with the leave_kiosk permission "
    "(Ctrl+Shift+F12, officer ID and PIN; `kiosk officer add`); delete the key",
}
KEYS: tuple[Setting[Any], ...] = tuple(s for section in SECTIONS for s in section.settings())
KEYS_BY_NAME: dict[str, Setting[Any]] = {key.name: key for key in KEYS}
if len(KEYS_BY_NAME) != len(KEYS):
    raise TypeError("two sections declare the same key")


class Config:
    """The checked configuration: one typed section per TOML table, and the paths derived from it."""

    station: StationKeys
    paths: PathKeys
    database: DatabaseKeys
    card: CardKeys
    trust: TrustKeys
    printer: PrinterKeys
    submission: SubmissionKeys
    worker: WorkerKeys
    hub: HubKeys
    ui: UiKeys
    security: SecurityKeys
    officer: OfficerKeys
    retention: RetentionKeys
    backup: BackupKeys
    payment: PaymentKeys
    appointment: AppointmentKeys
    scanner: ScannerKeys
    catalog: CatalogKeys
    console: ConsoleKeys
    voice: VoiceKeys

    def __init__(
        self, values: Mapping[str, Any], demo: bool = False, credentials_dir: Path | None = None
    ) -> None:
        self.values: Mapping[str, Any] = MappingProxyType(dict(values))
        self.demo = demo
        # systemd's $CREDENTIALS_DIRECTORY (LoadCredential=/LoadCredentialEncrypted=): keys there
        # are used in place of the data folder's (systemd/README.md).
        self.credentials_dir = credentials_dir
        for section in SECTIONS:
            setattr(self, section.section, section(self.values))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Config):
            return NotImplemented
        return (dict(self.values), self.demo) == (dict(other.values), other.demo)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Config(demo={self.demo}, {dict(self.values)!r})"

    @property
    def data_dir(self) -> Path:
        configured = self.paths.data_dir
        if configured is not None:
            return configured
        import platformdirs  # only when no folder is configured

        return Path(platformdirs.user_data_dir("kiosk"))

    @property
    def kiosk_id(self) -> str:
        if self.station.kiosk_id:
            return self.station.kiosk_id
        import socket

        return socket.gethostname()[:64] or "kiosk"

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.data_dir / 'kiosk.sqlite3'}"

    @property
    def receipts_dir(self) -> Path:
        return self.printer.pdf_dir or self.data_dir / "receipts"

    def _key_file(self, configured: Path | None, name: str) -> Path:
        """The configured path; else a systemd credential of that name; else data_dir/name."""
        if configured is not None:
            return configured
        if self.credentials_dir is not None and (self.credentials_dir / name).is_file():
            return self.credentials_dir / name
        return self.data_dir / name

    @property
    def slip_key_file(self) -> Path:
        return self._key_file(self.security.slip_key_file, "slip.key")

    @property
    def data_key_file(self) -> Path:
        return self._key_file(self.security.data_key_file, "data.key")

    @property
    def audit_key_file(self) -> Path:
        return self._key_file(self.security.audit_key_file, "audit.key")

    @property
    def lock_file(self) -> Path:
        """Held by `kiosk run` and `kiosk worker` while they run; `kiosk restore` checks it
        (`kiosk.station_lock`)."""
        return self.data_dir / "kiosk.lock"

    @property
    def index_key_file(self) -> Path:
        return self._key_file(self.security.index_key_file, "index.key")

    @property
    def hub_key_file(self) -> Path:
        return self._key_file(self.hub.key_file, "hub.key")

    @property
    def cache_dir(self) -> Path:
        """The kiosk's own cache (parsed catalog): safe to delete."""
        return self.data_dir / "cache"

    @property
    def clip_dir(self) -> Path:
        return self.voice.clip_dir or self.cache_dir / "voice"


if set(Config.__annotations__) != {s.section for s in SECTIONS}:
    raise TypeError("Config's sections and SECTIONS differ")


# -- loading ------------------------------------------------------------------------------------


def _check(key: Setting[Any], value: object, where: str) -> Any:
    try:
        return key.kind.from_text(value) if isinstance(value, str) else key.kind.from_toml(value)
    except BadValue as exc:
        raise ConfigError(f"{where}: '{key.name}' {exc}") from None


def _check_toml(key: Setting[Any], value: object, where: str) -> Any:
    try:
        return key.kind.from_toml(value)
    except BadValue as exc:
        raise ConfigError(f"{where}: '{key.name}' {exc}") from None


def _flatten(table: Mapping[str, Any], where: str) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for section, body in table.items():
        if not isinstance(body, dict):
            raise ConfigError(f"{where}: '{section}' must be a [section] table")
        for name, value in body.items():
            flat[f"{section}.{name}"] = value
    return flat


def load_config(
    path: Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    demo: bool = False,
) -> Config:
    """The checked configuration. Overrides are typed values, or text read as the environment's."""
    values: dict[str, Any] = {key.name: key.default for key in KEYS}
    if path is not None:
        import tomllib

        where = str(path)
        try:
            table = tomllib.loads(Path(path).read_text("utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{where}: file not found") from None
        except OSError as exc:
            raise ConfigError(f"{where}: cannot be read ({exc.strerror or exc})") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{where}: not valid TOML ({exc})") from None
        for name, value in _flatten(table, where).items():
            key = KEYS_BY_NAME.get(name)
            if key is None and name in RETIRED:  # a station's old file still starts its kiosk
                log.warning("%s: '%s' is no longer read: %s", where, name, RETIRED[name])
                continue
            if key is None:
                raise ConfigError(f"{where}: unknown key '{name}'")
            values[name] = _check_toml(key, value, where)
    env = os.environ if environ is None else environ
    for key in KEYS:
        if key.env_name in env:
            values[key.name] = _check(key, env[key.env_name], key.env_name)
    for name, value in (overrides or {}).items():
        key = KEYS_BY_NAME.get(name)
        if key is None:
            raise ConfigError(f"command line: unknown key '{name}'")
        values[name] = _check(key, value, "command line")
    if demo:
        values["card.backend"] = "emulated"
        values["printer.backend"] = "pdf"
        values["submission.target"] = "local"
    credentials = env.get("CREDENTIALS_DIRECTORY", "")
    return Config(values, demo=demo, credentials_dir=Path(credentials) if credentials else None)


def example_toml() -> str:
    """The text of kiosk.example.toml: every key, its meaning, allowed values and default."""
    lines = ["# kiosk configuration: every key with its default. Generated by `kiosk config example`.", ""]
    section = ""
    for key in KEYS:
        head, name = key.name.split(".", 1)
        if head != section:
            if section:
                lines.append("")
            lines.append(f"[{head}]")
            section = head
        doc = " ".join(part for part in (key.doc, key.kind.describe()) if part)
        lines += textwrap.wrap(
            f"{doc} (env {key.env_name})", 100, initial_indent="# ", subsequent_indent="# "
        )
        lines.append(f"{name} = {key.kind.to_toml(key.default)}")
    return "\n".join(lines) + "\n"
