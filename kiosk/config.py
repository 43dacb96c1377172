"""Configuration: every key declared once (type, default, meaning), loaded from one TOML file.

Order of precedence: defaults < TOML file < KIOSK_* environment variables < command-line overrides.
An unknown key or a bad value stops start-up with a `ConfigError` that names the key.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Key:
    name: str  # dotted: "section.key"
    kind: type
    default: Any
    doc: str
    choices: tuple[str, ...] = ()
    check: Callable[[Any], str | None] | None = None  # returns a problem, or None

    @property
    def env_name(self) -> str:
        return "KIOSK_" + self.name.replace(".", "_").upper()


def _positive(value: Any) -> str | None:
    return None if value > 0 else "must be greater than 0"


KEYS: tuple[Key, ...] = (
    Key("station.id", str, "demo-station", "Short identifier of this station, stored with each dossier."),
    Key("station.name", str, "Công an xã (chế độ trình diễn)", "Station name printed on receipts."),
    Key(
        "station.help_text",
        str,
        "Hỏi cán bộ tại quầy tiếp dân",
        "Where the citizen can ask, printed on receipts.",
    ),
    Key(
        "paths.data_dir",
        str,
        "",
        "Folder for the database, keys and receipts. Empty: the platform's data folder.",
    ),
    Key("database.url", str, "", "SQLAlchemy URL. Empty: SQLite file kiosk.sqlite3 in data_dir."),
    Key("card.backend", str, "pcsc", "Card reader backend.", choices=("pcsc", "emulated")),
    Key("card.reader", str, "", "PC/SC reader name (substring). Empty: the first contactless reader."),
    Key("card.trust_dir", str, "", "Folder of CSCA certificates for passive authentication."),
    Key("printer.backend", str, "pdf", "Receipt printer backend.", choices=("pdf", "cups", "escpos")),
    Key("printer.pdf_dir", str, "", "Folder the pdf backend writes to. Empty: data_dir/receipts."),
    Key("printer.cups_queue", str, "", "CUPS queue name for the cups backend. Empty: the default queue."),
    Key(
        "printer.escpos_connection",
        str,
        "",
        "ESC/POS printer: usb:VID:PID, network:HOST[:PORT], serial:DEVICE[:BAUD] or file:PATH.",
    ),
    Key(
        "printer.dot_width",
        int,
        576,
        "Printable dots per line: 576 (80 mm), 512 (TM-T88), 384 (58 mm).",
        check=_positive,
    ),
    Key(
        "printer.native_qr", bool, True, "Print the QR with the printer's own QR command (else as an image)."
    ),
    Key("submission.target", str, "local", "Where dossiers go after the outbox.", choices=("local",)),
    Key("ui.language", str, "vi", "Language of the citizen screens at start.", choices=("vi", "en")),
    Key("ui.theme", str, "normal", "Look of the screens.", choices=("normal", "high_contrast")),
    Key(
        "ui.idle_warning_seconds",
        int,
        60,
        "Seconds without a touch before 'are you still there?'.",
        check=_positive,
    ),
    Key(
        "ui.idle_reset_seconds",
        int,
        20,
        "Seconds the warning stays before the session is wiped.",
        check=_positive,
    ),
    Key(
        "security.data_key_file",
        str,
        "",
        "32-byte key sealing personal data at rest. Empty: data_dir/data.key.",
    ),
    Key("security.slip_key_file", str, "", "Key signing the QR on status slips. Empty: data_dir/slip.key."),
    Key(
        "payment.methods",
        list,
        ["cash"],
        "How this station accepts fees, in the order shown.",
        choices=("cash", "platform", "vietqr"),
    ),
    Key(
        "payment.vietqr_bin",
        str,
        "",
        "VietQR: the 6-digit bank BIN (NAPAS acquirer id) of the collection account.",
    ),
    Key("payment.vietqr_account", str, "", "VietQR: the station's fee collection account number."),
    Key("payment.vietqr_account_name", str, "", "VietQR: account holder name shown to the citizen."),
    Key(
        "appointment.days_ahead", int, 10, "How many days ahead appointments can be booked.", check=_positive
    ),
    Key(
        "appointment.slots",
        list,
        ["07:30", "08:30", "09:30", "10:30", "13:30", "14:30", "15:30"],
        "Appointment start times (HH:MM) on open days.",
    ),
    Key(
        "appointment.weekdays",
        list,
        ["mon", "tue", "wed", "thu", "fri", "sat"],
        "Days the station receives appointments.",
        choices=("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
    ),
    Key(
        "scanner.serial_port",
        str,
        "",
        "Serial QR scanner device. Empty: keyboard-wedge scanner (types + Enter).",
    ),
)
KEYS_BY_NAME: dict[str, Key] = {key.name: key for key in KEYS}


@dataclass(frozen=True)
class Config:
    values: Mapping[str, Any]
    demo: bool = False

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @property
    def data_dir(self) -> Path:
        configured = self.values["paths.data_dir"]
        if configured:
            return Path(configured)
        import platformdirs  # only when no folder is configured

        return Path(platformdirs.user_data_dir("kiosk"))

    @property
    def database_url(self) -> str:
        url = self.values["database.url"]
        return url or f"sqlite:///{self.data_dir / 'kiosk.sqlite3'}"

    @property
    def receipts_dir(self) -> Path:
        configured = self.values["printer.pdf_dir"]
        return Path(configured) if configured else self.data_dir / "receipts"

    @property
    def slip_key_file(self) -> Path:
        configured = self.values["security.slip_key_file"]
        return Path(configured) if configured else self.data_dir / "slip.key"

    @property
    def data_key_file(self) -> Path:
        configured = self.values["security.data_key_file"]
        return Path(configured) if configured else self.data_dir / "data.key"


def _coerce(key: Key, value: Any, where: str) -> Any:
    if key.kind is int and isinstance(value, str):
        try:
            value = int(value)
        except ValueError:
            raise ConfigError(f"{where}: '{key.name}' must be a whole number, got {value!r}") from None
    if key.kind is bool and isinstance(value, str):
        value = value.lower() in {"1", "true", "yes", "on"}
    if key.kind is list and isinstance(value, str):  # environment: comma-separated
        value = [item.strip() for item in value.split(",") if item.strip()]
    if not isinstance(value, key.kind) or (key.kind is int and isinstance(value, bool)):
        raise ConfigError(f"{where}: '{key.name}' must be {key.kind.__name__}, got {value!r}")
    if key.kind is list:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{where}: '{key.name}' must be a list of strings, got {value!r}")
        bad = [item for item in list(value) if key.choices and item not in key.choices]
        if bad:
            raise ConfigError(
                f"{where}: '{key.name}' items must be among {', '.join(key.choices)}; got {bad!r}"
            )
    elif key.choices and value not in key.choices:
        raise ConfigError(f"{where}: '{key.name}' must be one of {', '.join(key.choices)}; got {value!r}")
    if key.check is not None and (problem := key.check(value)):
        raise ConfigError(f"{where}: '{key.name}' {problem}")
    return value


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
    values = {key.name: key.default for key in KEYS}
    if path is not None:
        import tomllib

        where = str(path)
        try:
            table = tomllib.loads(Path(path).read_text("utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{where}: file not found") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{where}: not valid TOML ({exc})") from None
        for name, value in _flatten(table, where).items():
            key = KEYS_BY_NAME.get(name)
            if key is None:
                raise ConfigError(f"{where}: unknown key '{name}'")
            values[name] = _coerce(key, value, where)
    env = os.environ if environ is None else environ
    for key in KEYS:
        if key.env_name in env:
            values[key.name] = _coerce(key, env[key.env_name], key.env_name)
    for name, value in (overrides or {}).items():
        values[name] = _coerce(KEYS_BY_NAME[name], value, "command line")
    if demo:
        values["card.backend"] = "emulated"
        values["printer.backend"] = "pdf"
        values["submission.target"] = "local"
    return Config(values=values, demo=demo)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def example_toml() -> str:
    """The text of kiosk.example.toml: every key, its meaning and its default."""
    lines = ["# kiosk configuration: every key with its default. Generated by `kiosk config example`.", ""]
    section = ""
    for key in KEYS:
        head, name = key.name.split(".", 1)
        if head != section:
            if section:
                lines.append("")
            lines.append(f"[{head}]")
            section = head
        doc = key.doc + (f" One of: {', '.join(key.choices)}." if key.choices else "")
        lines.append(f"# {doc} (env {key.env_name})")
        default = _toml_value(key.default)
        lines.append(f"{name} = {default}")
    return "\n".join(lines) + "\n"
