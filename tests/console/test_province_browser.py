"""The province console in a real browser (Debian chromium through chromedriver) against a real
`kiosk hub serve` over PostgreSQL: a province officer logs in and sees two stations' queues and
the red list. Screenshots go to $PROVINCE_SCREENSHOTS (default /tmp/province_console)."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.station_tasks import heartbeat_body, send_heartbeat
from kiosk.app.root import heartbeat_pass, make_hub_client, make_store
from kiosk.province import DeviceState
from tests.console.test_browser import CHROMEDRIVER, CHROMIUM, WAIT_S
from tests.hub.conftest import HubServer, enrol, make_station, new_hub_db, start_hub
from tests.hub.test_hub import _deliver
from tests.hub.test_province_hub import PIN, _submit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)),
        reason="needs Debian chromium and chromium-driver (scripts/setup.sh installs them)",
    ),
]
SHOTS = Path(os.environ.get("PROVINCE_SCREENSHOTS", "/tmp/province_console"))


@pytest.fixture
def hub(pg_server: str, tmp_path: Path) -> Iterator[HubServer]:
    server = start_hub(new_hub_db(pg_server), tmp_path / "keys", tmp_path / "hub.log")
    try:
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,1000", "--lang=vi"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium'}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_a_province_officer_sees_two_stations_and_the_red_list(
    hub: HubServer,
    browser: object,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    a = make_station(tmp_path / "a", "XA01", hub.url)
    b = make_station(tmp_path / "b", "XB02", hub.url)
    codes = {}
    for station in (a, b):
        enrol(hub, station, capsys)
        codes[station.station_id] = [_submit(station), _submit(station, "dang_ky_tam_tru"), _submit(station)]
        assert _deliver(station).sent == 3
    heartbeat_pass(a.config, lambda: make_store(a.config))()
    out_of_paper = {"printer": DeviceState(False, "paper_out", "hết giấy cuộn")}
    body = heartbeat_body(b.station_id, dt.datetime.now(dt.UTC), "0.1.0", 0, out_of_paper)
    send_heartbeat(make_hub_client(b.config), body)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PIN}\nmật khẩu của tỉnh 2026\n"))
    assert hub.cli("officer-add", "tinh", "--name", "Phạm Thu Trang", "--whole-province") == 0

    assert isinstance(browser, WebDriver)
    driver = browser
    wait = WebDriverWait(driver, WAIT_S)
    SHOTS.mkdir(parents=True, exist_ok=True)

    driver.get(f"{hub.url}/province")
    wait.until(seen.presence_of_element_located((By.ID, "officer_id")))  # sent to the login page
    driver.find_element(By.ID, "officer_id").send_keys("tinh")
    driver.find_element(By.ID, "secret").send_keys(PIN)
    driver.find_element(By.ID, "login").click()
    wait.until(seen.presence_of_element_located((By.ID, "q")))  # the queue: both stations' dossiers
    queue = driver.find_element(By.CSS_SELECTOR, "table.queue").text
    assert all(code[:5] in queue for c in codes.values() for code in c)

    driver.find_element(By.LINK_TEXT, "Toàn tỉnh").click()
    red = wait.until(seen.presence_of_element_located((By.ID, "red-list")))
    red_rows = red.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert [r.get_attribute("data-station") for r in red_rows] == [b.station_id]
    assert "Máy in hết giấy" in red_rows[0].text and f"Công an xã {b.station_id}" in red_rows[0].text
    stations = driver.find_element(By.ID, "stations-table")
    rows = {
        r.get_attribute("data-station"): r.text for r in stations.find_elements(By.CSS_SELECTOR, "tbody tr")
    }
    assert set(rows) == {a.station_id, b.station_id}
    for text in rows.values():  # each station's three dossiers wait as received, none processing
        assert " 3 0 0 " in f" {text} ", text
    driver.save_screenshot(str(SHOTS / "1-province.png"))

    driver.find_element(By.LINK_TEXT, f"Công an xã {a.station_id}").click()
    station_queue = wait.until(seen.presence_of_element_located((By.ID, "station-queue"))).text
    assert all(code[:5] in station_queue for code in codes[a.station_id])
    assert not any(code[:5] in station_queue for code in codes[b.station_id])
    assert "Máy in phiếu" in driver.find_element(By.CSS_SELECTOR, "table.facts").text
    assert driver.find_element(By.CSS_SELECTOR, "header .station").text == "Công an tỉnh"
    driver.save_screenshot(str(SHOTS / "2-station.png"))
