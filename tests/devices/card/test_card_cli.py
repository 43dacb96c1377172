"""`kiosk card read` / `kiosk card emulate`, driven through a small argparse like kiosk/cli.py's."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from devices.card.emulated.pki import TEST_TRUST_DIR
from devices.card.emulated.vpcd import VPCD_READER
from devices.card.pcsc import PcscCardReader
from kiosk.app.cli_card import add_card_commands

EMULATE = """
import argparse, sys
from kiosk.app.cli_card import add_card_commands
parser = argparse.ArgumentParser(prog="kiosk")
add_card_commands(parser.add_subparsers(dest="command", required=True))
args = parser.parse_args(sys.argv[1:])
sys.exit(args.func(args))
"""


def run(*argv: str) -> tuple[int, str]:
    """`argv` may end with `--config FILE`, which `kiosk` takes before the command."""
    parser = argparse.ArgumentParser(prog="kiosk")
    add_card_commands(parser.add_subparsers(dest="command", required=True))
    config = None
    if "--config" in argv:
        at = argv.index("--config")
        config, argv = Path(argv[at + 1]), argv[:at] + argv[at + 2 :]
    args = parser.parse_args(list(argv))
    args.config = config
    out = io.StringIO()
    with redirect_stdout(out):
        code = args.func(args)
    return code, out.getvalue()


def run_json(*argv: str) -> tuple[int, dict[str, Any]]:
    code, out = run(*argv, "--json")
    return code, json.loads(out)


def test_read_emulated_by_id(tmp_path: Path) -> None:
    photo = tmp_path / "face.jpg"
    code, report = run_json("card", "read", "--emulated", "--id", "014055001122", "--photo-out", str(photo))
    assert code == 0
    assert report["document_kind"] == "cccd" and report["access"] == "PACE-CAN"
    assert report["passive_auth"] == "valid"
    assert report["dg13"]["full_name"] == "Lò Văn Ún"
    assert report["dg13"]["expiry_date"] == "Không thời hạn"
    assert report["dg1"]["layout"] == "TD1" and report["dg1"]["optional_data"].startswith("014055001122")
    assert report["apdu_count"] > 10
    assert report["ms"] > 0
    assert Image.open(photo).format == "JPEG"


def test_read_emulated_passport_with_the_mrz() -> None:
    code, report = run_json("card", "read", "--emulated", "--guest", "0", "--mrz", "L898902C3,740812,120415")
    assert code == 0
    assert report["document_kind"] == "passport" and report["access"] == "BAC"
    assert report["dg13"] is None and report["dg1"]["layout"] == "TD3"
    assert report["holder"]["full_name"] == "ERIKSSON ANNA MARIA"


def test_wrong_can_is_reported_in_plain_words() -> None:
    code, report = run_json("card", "read", "--emulated", "--index", "0", "--can", "999999", "--no-photo")
    assert code == 2
    assert report == {"error": "wrong_key", "detail": "CAN"}


@pytest.mark.pcscd
def test_emulate_then_read_through_pcscd(pcscd: None, tmp_path: Path) -> None:
    emulator = subprocess.Popen(
        [sys.executable, "-c", EMULATE, "card", "emulate", "--index", "3", "--large-photo"],
        stdout=subprocess.PIPE,
        text=True,
    )
    probe = PcscCardReader(VPCD_READER)
    try:
        assert emulator.stdout is not None
        assert "emulating" in emulator.stdout.readline()
        deadline = time.monotonic() + 10
        while not probe.card_present():
            assert time.monotonic() < deadline, "the emulated card never reached pcscd"
            time.sleep(0.02)
        code, report = run_json(
            "card", "read", "--reader", VPCD_READER, "--id", "049098007788", "--trust", str(TEST_TRUST_DIR)
        )
        assert code == 0
        assert report["dg13"]["full_name"] == "Trần Văn Đức"
        assert report["passive_auth"] == "valid"
        assert report["photo"]["bytes"] > 18_000
        # No --trust: the station's card.trust_dir, as `kiosk run` has it (it said chain_unknown).
        config = tmp_path / "kiosk.toml"
        config.write_text(f'[card]\ntrust_dir = "{TEST_TRUST_DIR}"\n', "utf-8")
        read = ("card", "read", "--reader", VPCD_READER, "--id", "049098007788", "--no-photo")
        code, report = run_json(*read, "--config", str(config))
        assert code == 0 and report["passive_auth"] == "valid"
    finally:
        emulator.terminate()
        assert emulator.wait(timeout=10) == 0
        deadline = time.monotonic() + 10  # leave the reader empty for the next test
        while probe.card_present() and time.monotonic() < deadline:
            time.sleep(0.02)


def test_card_read_from_a_reader_does_not_import_the_emulator() -> None:
    probe = (
        "import sys\n"
        "from kiosk.app.cli import main\n"
        "main(['card', 'read', '--reader', 'No Such Reader', '--id', '049098007788', '--json'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('devices.card.emulated')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    *_, last = done.stdout.strip().splitlines()
    assert last == "[]"
