"""The chip-reading crypto run once while the kiosk is idle (issue 8: memory after a journey).

The first card read runs code that nothing before it ran: the key agreement of PACE and chip
authentication (ECDH), secure messaging (AES and 3DES in CBC, CMAC), the passive authentication's
signature check and hashes, all in cryptography's Rust library (`_rust.abi3.so`, with OpenSSL
linked in). Its pages are mapped when first run and stay: measured +2.5 MB RSS of the UI process
after the first journey (bench/journey_memory.py --smaps). Running each primitive once here, on
throwaway keys, maps them before the idle figure instead of during the first citizen's journey.
Nothing is kept and nothing is read from a card.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib

# ECDSA signature (r=1, s=1) that verifies against no key: the check runs to its end and fails.
_NO_SIGNATURE = bytes.fromhex("3006020101020101")


def warm_chip_crypto() -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
    from cryptography.hazmat.primitives import cmac, hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    import devices.card.icao.chip_auth  # noqa: F401  (first imported by a chip authentication)

    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    for curve in (ec.BrainpoolP256R1(), ec.SECP256R1()):  # the CCCD's PACE/CA and a DS key's curve
        ours, theirs = ec.generate_private_key(curve), ec.generate_private_key(curve)
        ours.exchange(ec.ECDH(), theirs.public_key())
        public = serialization.load_der_public_key(theirs.public_key().public_bytes(*spki))
        assert isinstance(public, ec.EllipticCurvePublicKey)
        with contextlib.suppress(InvalidSignature):
            public.verify(_NO_SIGNATURE, b"warm-up", ec.ECDSA(hashes.SHA256()))
    block = bytes(16)
    for algorithm, iv in ((algorithms.AES(block), block), (TripleDES(bytes(24)), bytes(8))):
        cipher = Cipher(algorithm, modes.CBC(iv))
        for side in (cipher.encryptor(), cipher.decryptor()):
            side.update(block)
            side.finalize()
    mac = cmac.CMAC(algorithms.AES(block))
    mac.update(block)
    mac.finalize()
    for name in ("sha1", "sha256", "sha384", "sha512"):
        hashlib.new(name, block).digest()
    dt.datetime.strptime("01/01/2000", "%d/%m/%Y")  # the card's dates (`_strptime` on first use)
