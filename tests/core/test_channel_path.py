"""The station channel's socket address: a data folder of any depth gets one that fits
sockaddr_un (107 bytes), the server's temporary name included, and both ends find it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.app.channel import SOCKET_NAME, StationLink, StationServer, socket_path


@pytest.mark.parametrize("extra", [0, 5, 10, 11, 60])
def test_a_deep_data_folder_still_gets_a_socket_both_ends_reach(tmp_path: Path, extra: int) -> None:
    # A folder whose station.sock is 107 bytes long less `extra`: near the limit from both sides.
    base = len(os.fsencode(tmp_path / SOCKET_NAME)) + 1
    depth = max(1, 107 - extra - base)
    data_dir = tmp_path / ("d" * depth)
    path = socket_path(data_dir)
    assert len(os.fsencode(path)) <= 107
    server = StationServer(path, {"echo": lambda text: text}).start()
    try:
        assert StationLink(path).call("echo", "Thôn 3") == "Thôn 3"
    finally:
        server.close()
