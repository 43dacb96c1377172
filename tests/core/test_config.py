from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kiosk.config import KEYS, ConfigError, example_toml, load_config

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, "utf-8")
    return path


def test_defaults_and_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[station]\nname = "Công an xã Lao Chải"\n'), environ={})
    assert config.station.name == "Công an xã Lao Chải"
    assert config.ui.idle_warning_seconds == 60


def test_unknown_key_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown key 'station\.nmae'"):
        load_config(write(tmp_path, '[station]\nnmae = "x"\n'), environ={})


def test_bad_value_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"'card\.backend' must be one of"):
        load_config(write(tmp_path, '[card]\nbackend = "usb"\n'), environ={})
    with pytest.raises(ConfigError, match=r"'ui\.idle_warning_seconds' must be a whole number"):
        load_config(write(tmp_path, '[ui]\nidle_warning_seconds = "soon"\n'), environ={})
    with pytest.raises(
        ConfigError, match=r"'ui\.idle_reset_seconds' must be a whole number from 5 to 600, got 0"
    ):
        load_config(write(tmp_path, "[ui]\nidle_reset_seconds = 0\n"), environ={})


def test_broken_toml_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"not valid TOML"):
        load_config(write(tmp_path, "[station\n"), environ={})


def test_environment_overrides(tmp_path: Path) -> None:
    config = load_config(environ={"KIOSK_UI_IDLE_WARNING_SECONDS": "90", "KIOSK_CARD_BACKEND": "emulated"})
    assert config.ui.idle_warning_seconds == 90
    assert config.card.backend == "emulated"
    with pytest.raises(ConfigError, match=r"KIOSK_UI_IDLE_WARNING_SECONDS"):
        load_config(environ={"KIOSK_UI_IDLE_WARNING_SECONDS": "ninety"})


def test_demo_forces_emulated_devices() -> None:
    config = load_config(environ={}, demo=True)
    assert config.card.backend == "emulated"
    assert config.printer.backend == "pdf"


def test_example_documents_every_key_and_loads() -> None:
    example = ROOT / "kiosk.example.toml"
    assert example.read_text("utf-8") == example_toml(), "regenerate with `kiosk config example`"
    table = tomllib.loads(example.read_text("utf-8"))
    flat = {f"{s}.{k}" for s, body in table.items() for k in body}
    assert flat == {key.name for key in KEYS}
    load_config(example, environ={})


def test_list_keys(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[payment]\nmethods = ["vietqr", "cash"]\n'), environ={})
    assert config.payment.methods == ("vietqr", "cash")
    from_env = load_config(environ={"KIOSK_PAYMENT_METHODS": "cash, platform, cash"})
    assert from_env.payment.methods == ("cash", "platform")  # listed twice, offered once
    with pytest.raises(ConfigError, match=r"'payment\.methods' items must be among"):
        load_config(write(tmp_path, '[payment]\nmethods = ["bitcoin"]\n'), environ={})


def test_accessors_are_typed() -> None:
    config = load_config(environ={})
    assert isinstance(config.ui.idle_warning_seconds, int)
    assert isinstance(config.printer.native_qr, bool)
    assert config.appointment.slots[0] == "07:30" and isinstance(config.appointment.slots, tuple)
    assert config.paths.data_dir is None and config.catalog.dir is None
    tmp = load_config(environ={"KIOSK_PATHS_DATA_DIR": "/srv/kiosk"})
    assert tmp.paths.data_dir == Path("/srv/kiosk") and tmp.data_key_file == Path("/srv/kiosk/data.key")


def test_every_default_is_a_valid_value() -> None:
    for key in KEYS:
        assert key.kind.from_toml(tomllib.loads(f"x = {key.kind.to_toml(key.default)}")["x"]) == key.default


@pytest.mark.parametrize(("text", "value"), [("true", True), ("0", False), ("Yes", True), (" off ", False)])
def test_environment_booleans(text: str, value: bool) -> None:
    assert load_config(environ={"KIOSK_PRINTER_NATIVE_QR": text}).printer.native_qr is value


@pytest.mark.parametrize("text", ["flase", "", "2", "y", "truee"])
def test_environment_booleans_are_strict(text: str) -> None:
    with pytest.raises(ConfigError, match=r"^KIOSK_PRINTER_NATIVE_QR: 'printer\.native_qr' must be one of"):
        load_config(environ={"KIOSK_PRINTER_NATIVE_QR": text})


def test_toml_boolean_must_be_a_boolean(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"'printer\.native_qr' must be true or false, got 'yes'"):
        load_config(write(tmp_path, '[printer]\nnative_qr = "yes"\n'), environ={})


@pytest.mark.parametrize("slot", ["25:99", "24:00", "7:30", "07:60", "0730", "noon", "07:30:00"])
def test_appointment_slots_must_be_times_of_day(tmp_path: Path, slot: str) -> None:
    with pytest.raises(ConfigError, match=r"'appointment\.slots' item .* is not a time of day HH:MM"):
        load_config(write(tmp_path, f'[appointment]\nslots = ["08:00", "{slot}"]\n'), environ={})


def test_appointment_slots_edges_and_environment() -> None:
    assert load_config(environ={"KIOSK_APPOINTMENT_SLOTS": "00:00,23:59"}).appointment.slots == (
        "00:00",
        "23:59",
    )
    with pytest.raises(ConfigError, match=r"KIOSK_APPOINTMENT_SLOTS: .* '25:99' is not a time of day"):
        load_config(environ={"KIOSK_APPOINTMENT_SLOTS": "08:00,25:99"})
    with pytest.raises(ConfigError, match=r"'appointment\.slots' must list 1 to"):
        load_config(environ={"KIOSK_APPOINTMENT_SLOTS": ""})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ui.idle_warning_seconds", 99999999999999999),
        ("ui.idle_warning_seconds", 4),
        ("ui.idle_warning_seconds", -60),
        ("ui.idle_reset_seconds", 601),
        ("appointment.days_ahead", 0),
        ("appointment.days_ahead", 10**30),
        ("printer.dot_width", 100_000),
    ],
)
def test_numbers_are_range_checked(tmp_path: Path, key: str, value: int) -> None:
    section, name = key.split(".")
    with pytest.raises(ConfigError, match=rf"'{key}' must be a whole number from \d+ to \d+, got {value}"):
        load_config(write(tmp_path, f"[{section}]\n{name} = {value}\n"), environ={})


def test_huge_and_odd_numbers_from_the_environment() -> None:
    with pytest.raises(ConfigError, match=r"from 5 to 3600, got 99999999999999999$"):
        load_config(environ={"KIOSK_UI_IDLE_WARNING_SECONDS": "99999999999999999"})
    with pytest.raises(ConfigError, match=r"must be a whole number, got '9{5000}'"):
        load_config(environ={"KIOSK_UI_IDLE_WARNING_SECONDS": "9" * 5000})
    with pytest.raises(ConfigError, match=r"must be a whole number, got '1.5'"):
        load_config(environ={"KIOSK_UI_IDLE_WARNING_SECONDS": "1.5"})


def test_numbers_in_toml_must_be_whole(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"'ui\.idle_warning_seconds' must be a whole number, got 60\.5"):
        load_config(write(tmp_path, "[ui]\nidle_warning_seconds = 60.5\n"), environ={})
    with pytest.raises(ConfigError, match=r"'printer\.dot_width' must be a whole number, got True"):
        load_config(write(tmp_path, "[printer]\ndot_width = true\n"), environ={})


def test_paths_are_validated(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"'paths\.data_dir' must be an absolute path .*got 'data'"):
        load_config(environ={"KIOSK_PATHS_DATA_DIR": "data"})
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(ConfigError, match=r"'paths\.data_dir' must be a folder: .* is a file"):
        load_config(environ={"KIOSK_PATHS_DATA_DIR": str(a_file)})
    with pytest.raises(ConfigError, match=r"'security\.slip_key_file' must be a file: .* is a folder"):
        load_config(environ={"KIOSK_SECURITY_SLIP_KEY_FILE": str(tmp_path)})
    with pytest.raises(
        ConfigError, match=r"'card\.trust_dir' names the folder .*missing, which does not exist"
    ):
        load_config(environ={"KIOSK_CARD_TRUST_DIR": str(tmp_path / "missing")})
    with pytest.raises(ConfigError, match=r"'catalog\.dir' names the folder"):
        load_config(write(tmp_path, f'[catalog]\ndir = "{tmp_path / "nope"}"\n'), environ={})
    with pytest.raises(ConfigError, match=r"'paths\.data_dir' must be a path \(text\), got 5"):
        load_config(write(tmp_path, "[paths]\ndata_dir = 5\n"), environ={})
    assert load_config(environ={"KIOSK_PATHS_DATA_DIR": str(tmp_path / "new")}).data_dir == tmp_path / "new"
    assert load_config(overrides={"paths.data_dir": tmp_path}, environ={}).data_dir == tmp_path


def test_texts_are_checked_and_normalised(tmp_path: Path) -> None:
    decomposed = "Công an xã Lao Chải".encode().decode()  # typed on a system that writes NFD
    import unicodedata

    nfd = unicodedata.normalize("NFD", decomposed)
    assert load_config(environ={"KIOSK_STATION_NAME": nfd}).station.name == unicodedata.normalize("NFC", nfd)
    with pytest.raises(
        ConfigError, match=r"'station\.id' must be 1 to 20 letters, digits or '-', got '\*\*\*'"
    ):
        load_config(environ={"KIOSK_STATION_ID": "***"})
    with pytest.raises(ConfigError, match=r"'station\.id' must be 1 to 20"):
        load_config(environ={"KIOSK_STATION_ID": "x" * 21})
    with pytest.raises(ConfigError, match=r"'station\.name' must be 1 to 100 characters long, got 0"):
        load_config(write(tmp_path, '[station]\nname = ""\n'), environ={})
    with pytest.raises(ConfigError, match=r"'station\.help_text' must not hold control characters"):
        load_config(environ={"KIOSK_STATION_HELP_TEXT": "Hỏi\ncán bộ"})
    with pytest.raises(ConfigError, match=r"'database\.url' must be empty or a URL"):
        load_config(environ={"KIOSK_DATABASE_URL": "kiosk.sqlite3"})
    url = "postgresql+psycopg://kiosk@hub/kiosk"
    assert load_config(environ={"KIOSK_DATABASE_URL": url}).database_url == url


def test_overrides_name_unknown_keys() -> None:
    with pytest.raises(ConfigError, match=r"command line: unknown key 'ui\.idle'"):
        load_config(overrides={"ui.idle": 5}, environ={})
    with pytest.raises(ConfigError, match=r"command line: 'printer\.dot_width' must be a whole number from"):
        load_config(overrides={"printer.dot_width": 5}, environ={})


def test_cli_config_check_names_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.app.cli import main

    path = write(tmp_path, "[ui]\nidle_warning_seconds = 99999999999999999\n")
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'ui.idle_warning_seconds' must be a whole number from 5 to 3600" in err
    assert (
        main(["--config", str(write(tmp_path, "[ui]\nidle_warning_seconds = 90\n")), "config", "check"]) == 0
    )
