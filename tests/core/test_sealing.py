"""Sealed personal data: opens with the right key only, and says clearly when it cannot."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.keyfile import KeyFileSizeError, create_key, read_key
from kiosk.sealing import KEY_SIZE, Sealer, SealError, blob_key_id, key_id

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


def test_wrong_key_is_a_seal_error_naming_both_keys() -> None:
    sealing_key, other = os.urandom(KEY_SIZE), os.urandom(KEY_SIZE)
    blob = Sealer(sealing_key).seal({"a": 1})
    assert blob_key_id(blob) == key_id(sealing_key)
    message = f"sealed with key {key_id(sealing_key)}, this station has key {key_id(other)}"
    with pytest.raises(SealError, match=message):
        Sealer(other).open(blob)


def test_old_keys_open_what_they_sealed_and_new_blobs_use_the_current_key() -> None:
    old, new = os.urandom(KEY_SIZE), os.urandom(KEY_SIZE)
    before = Sealer(old).seal({"a": 1}, context=b"C")
    both = Sealer(new, old_keys=[old])
    assert both.open(before, context=b"C") == {"a": 1}
    assert blob_key_id(both.seal({"a": 2})) == key_id(new) == both.key_ids[0]
    assert set(both.key_ids) == {key_id(old), key_id(new)}


def _v1_blob(key: bytes, obj: bytes, context: bytes) -> bytes:
    """A blob as the first release wrote it: version 1, no key id."""
    nonce = os.urandom(12)
    return b"\x01" + nonce + AESGCM(key).encrypt(nonce, obj, b"\x01" + context)


def test_version_1_blobs_still_open_with_any_held_key() -> None:
    old, new = os.urandom(KEY_SIZE), os.urandom(KEY_SIZE)
    blob = _v1_blob(old, b'{"a":1}', b"7K3QXM9T2B")
    assert blob_key_id(blob) is None
    assert Sealer(new, old_keys=[old]).open(blob, context=b"7K3QXM9T2B") == {"a": 1}
    with pytest.raises(SealError, match="wrong key"):
        Sealer(new).open(blob, context=b"7K3QXM9T2B")


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


def test_key_file_created_private_never_on_read(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "seal.key"
    assert read_key(path, KEY_SIZE) is None and not path.exists()  # reading makes nothing
    key = create_key(path, KEY_SIZE)
    assert len(key) == KEY_SIZE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert read_key(path, KEY_SIZE) == key
    assert create_key(path, KEY_SIZE) == key  # a second creator gets the first one's key
    assert [p.name for p in path.parent.iterdir()] == ["seal.key"]  # no temp file left behind


def test_key_file_of_wrong_size_is_refused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "seal.key"
    path.write_bytes(b"\x00" * 31)
    with pytest.raises(KeyFileSizeError, match="31 bytes, expected 32"):
        read_key(path, KEY_SIZE)
    assert path.read_bytes() == b"\x00" * 31
