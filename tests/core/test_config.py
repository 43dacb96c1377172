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
    assert config["station.name"] == "Công an xã Lao Chải"
    assert config["ui.idle_warning_seconds"] == 60


def test_unknown_key_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown key 'station\.nmae'"):
        load_config(write(tmp_path, '[station]\nnmae = "x"\n'), environ={})


def test_bad_value_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"'card\.backend' must be one of"):
        load_config(write(tmp_path, '[card]\nbackend = "usb"\n'), environ={})
    with pytest.raises(ConfigError, match=r"'ui\.idle_warning_seconds' must be a whole number"):
        load_config(write(tmp_path, '[ui]\nidle_warning_seconds = "soon"\n'), environ={})
    with pytest.raises(ConfigError, match=r"'ui\.idle_reset_seconds' must be greater than 0"):
        load_config(write(tmp_path, "[ui]\nidle_reset_seconds = 0\n"), environ={})


def test_broken_toml_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"not valid TOML"):
        load_config(write(tmp_path, "[station\n"), environ={})


def test_environment_overrides(tmp_path: Path) -> None:
    config = load_config(environ={"KIOSK_UI_IDLE_WARNING_SECONDS": "90", "KIOSK_CARD_BACKEND": "emulated"})
    assert config["ui.idle_warning_seconds"] == 90
    assert config["card.backend"] == "emulated"
    with pytest.raises(ConfigError, match=r"KIOSK_UI_IDLE_WARNING_SECONDS"):
        load_config(environ={"KIOSK_UI_IDLE_WARNING_SECONDS": "ninety"})


def test_demo_forces_emulated_devices() -> None:
    config = load_config(environ={}, demo=True)
    assert config["card.backend"] == "emulated"
    assert config["printer.backend"] == "pdf"


def test_example_documents_every_key_and_loads() -> None:
    example = ROOT / "kiosk.example.toml"
    assert example.read_text("utf-8") == example_toml(), "regenerate with `kiosk config example`"
    table = tomllib.loads(example.read_text("utf-8"))
    flat = {f"{s}.{k}" for s, body in table.items() for k in body}
    assert flat == {key.name for key in KEYS}
    load_config(example, environ={})


def test_list_keys(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[payment]\nmethods = ["vietqr", "cash"]\n'), environ={})
    assert config["payment.methods"] == ["vietqr", "cash"]
    from_env = load_config(environ={"KIOSK_PAYMENT_METHODS": "cash, platform"})
    assert from_env["payment.methods"] == ["cash", "platform"]
    with pytest.raises(ConfigError, match=r"'payment\.methods' items must be among"):
        load_config(write(tmp_path, '[payment]\nmethods = ["bitcoin"]\n'), environ={})
