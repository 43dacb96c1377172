"""Sealed personal data: opens with the right key only, and says clearly when it cannot."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kiosk.sealing import KEY_SIZE, Sealer, SealError, load_or_create_key

HOLDER = {"full_name": "Nguyễn Thị Hồng Nhung", "id_number": "001190012345", "dob": "1990-05-17"}


def test_round_trip_keeps_vietnamese_text() -> None:
    sealer = Sealer(os.urandom(KEY_SIZE))
    obj = {"holder": HOLDER, "fields": {"n": 3, "ok": True, "tags": ["a", "b"]}}
    assert sealer.open(sealer.seal(obj)) == obj


def test_blob_does_not_contain_the_plaintext() -> None:
    blob = Sealer(os.urandom(KEY_SIZE)).seal({"holder": HOLDER})
    assert b"001190012345" not in blob
    assert "Nguyễn".encode() not in blob


def test_random_nonce_gives_different_blobs() -> None:
    sealer = Sealer(os.urandom(KEY_SIZE))
    assert sealer.seal({"a": 1}) != sealer.seal({"a": 1})


def test_wrong_key_is_a_seal_error() -> None:
    blob = Sealer(os.urandom(KEY_SIZE)).seal({"a": 1})
    with pytest.raises(SealError, match="wrong key"):
        Sealer(os.urandom(KEY_SIZE)).open(blob)


def test_every_flipped_byte_is_detected() -> None:
    sealer = Sealer(os.urandom(KEY_SIZE))
    blob = sealer.seal({"holder": HOLDER})
    for i in range(len(blob)):
        tampered = bytearray(blob)
        tampered[i] ^= 0x01
        with pytest.raises(SealError):
            sealer.open(bytes(tampered))


@pytest.mark.parametrize("cut", [0, 1, 12, 28, -1])
def test_truncated_blob_is_a_seal_error(cut: int) -> None:
    sealer = Sealer(os.urandom(KEY_SIZE))
    blob = sealer.seal({"a": 1})
    with pytest.raises(SealError):
        sealer.open(blob[:cut])


def test_context_binds_blob_to_its_row() -> None:
    sealer = Sealer(os.urandom(KEY_SIZE))
    blob = sealer.seal({"a": 1}, context=b"7K3QXM9T2B")
    assert sealer.open(blob, context=b"7K3QXM9T2B") == {"a": 1}
    with pytest.raises(SealError):
        sealer.open(blob, context=b"AAAAAAAAAA")


def test_bad_key_length_rejected() -> None:
    with pytest.raises(SealError, match="32 bytes"):
        Sealer(b"short")


def test_key_file_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "seal.key"
    key = load_or_create_key(path)
    assert len(key) == KEY_SIZE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key
    assert [p.name for p in path.parent.iterdir()] == ["seal.key"]  # no temp file left behind


def test_key_file_of_wrong_size_is_refused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "seal.key"
    path.write_bytes(b"\x00" * 31)
    with pytest.raises(SealError, match="31 bytes, expected 32"):
        load_or_create_key(path)
    assert path.read_bytes() == b"\x00" * 31
