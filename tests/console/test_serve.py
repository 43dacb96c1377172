"""`kiosk serve`: where it may listen, and Secure cookies when it serves TLS."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kiosk.app.cli import main
from kiosk.app.cli_serve import is_loopback, split_listen
from kiosk.config import ConfigError, load_config
from tests.console.conftest import PINS, FakeClock, Station, csrf_of, seed


def test_listen_addresses() -> None:
    assert split_listen("127.0.0.1:8080") == ("127.0.0.1", 8080)
    assert split_listen("[::1]:9000") == ("::1", 9000)
    for bad in ("8080", "host:", "host:99999"):
        with pytest.raises(ConfigError):
            split_listen(bad)
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


def test_plain_http_on_the_network_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[console]\nlisten = "0.0.0.0:8443"\n', "utf-8"
    )
    assert main(["--config", str(config), "serve"]) == 2
    assert "plain HTTP" in capsys.readouterr().err
    half = tmp_path / "half.toml"
    half.write_text(
        f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[console]\ntls_cert = "{tmp_path}/c.pem"\n', "utf-8"
    )
    assert main(["--config", str(half), "serve"]) == 2
    assert "go together" in capsys.readouterr().err


def test_cookies_are_secure_when_the_console_serves_tls(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[paths]\ndata_dir = "{tmp_path / "data"}"\n'
        f'[console]\ntls_cert = "{tmp_path}/c.pem"\ntls_key = "{tmp_path}/k.pem"\n',
        "utf-8",
    )
    config = load_config(path, environ={})
    station = Station(config, FakeClock(), seed(config))
    with TestClient(station.app(), base_url="https://127.0.0.1") as client:
        form = client.get("/login")
        response = client.post(
            "/login",
            data={"officer_id": "officer", "secret": PINS["officer"], "csrf": csrf_of(form.text)},
            follow_redirects=False,
        )
        cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("kiosk_console="))
        assert "Secure" in cookie and "HttpOnly" in cookie
