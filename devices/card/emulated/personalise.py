"""Personalisation of the emulated chip: the files a CCCD (or a foreign passport) carries.

From a `CitizenProfile` it builds EF.CardAccess (the value real CCCDs carry), EF.COM, DG1 (TD1
MRZ as laid out on the CCCD), DG2 (a generated face), DG3 (present but EAC-protected), DG13 (the
real-card layout, with diacritics), DG14 (a Chip Authentication key on brainpoolP256r1, derived
from the ID number so that every process personalises the same card) and an EF.SOD signed by the
test Document Signer. A `clone` has the same files but not DG14's private key.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from devices.card.emulated import face
from devices.card.emulated.pki import SignerChain, generate_chain, load_test_chain
from devices.card.icao.active_auth import ECDSA_PLAIN_SHA256, build_dg15
from devices.card.icao.lds import tlv
from devices.card.icao.lds.com import build_com
from devices.card.icao.lds.dg1 import build_dg1
from devices.card.icao.lds.dg2 import build_dg2
from devices.card.icao.lds.dg13 import UTF8_MARKER_OID
from devices.card.icao.lds.dg14 import CA_ECDH_3DES, CA_ECDH_AES_128, build_dg14
from devices.card.icao.lds.files import COM, DG1, DG2, DG13, SOD, data_group
from devices.card.icao.lds.mrz import build_td1, build_td3, check_digit, mrz_information
from devices.card.icao.lds.sod import LDS_SECURITY_OBJECT_OID, build_lds_security_object
from devices.card.profiles import CitizenProfile
from kiosk.ports.card import Holder

# The EF.CardAccess real CCCDs carry (reference: hard-coded by several open-source readers):
# PACE-ECDH-GM-AES-128 v2 on brainpoolP256r1, CA-ECDH-AES-128, TA v1.
CCCD_CARD_ACCESS = bytes.fromhex(
    "3134300d060804007f0007020202020101300f060a04007f000702020302020201013012060a04007f00070202"
    "04020202010202010d"
)
DG3 = data_group(3)

PARENTS_PER_NAME = "per_name"  # real-card layout: each parent's name in its own SEQUENCE
PARENTS_ONE_SEQUENCE = "one_sequence"  # fixture layout: one SEQUENCE of two strings


@dataclass(frozen=True)
class ChipOptions:
    photo: str = face.SMALL  # face.SMALL or face.LARGE (~20 KB)
    photo_format: str = face.JPEG  # face.JPEG or face.JP2
    parents_layout: str = PARENTS_PER_NAME
    pace: bool = True  # serve EF.CardAccess and answer PACE; False: BAC only
    card_access: bytes = CCCD_CARD_ACCESS
    card_access_readable: bool = True  # False: EF.CardAccess answers 6A82 but PACE still works
    pace_refused: bool = False  # advertise PACE in EF.CardAccess but answer MSE:Set AT with 6984
    sfi: bool = True  # accept READ BINARY with a short file identifier
    wrong_le_6c: bool = False  # answer 6Cxx instead of short data + 6282 when Le overshoots
    wrong_le_6700: bool = False  # answer 6700 (wrong length) when Le overshoots the end of file
    alter_dg13: bool = False  # change one DG13 byte after signing (passive auth → FORGED)
    unknown_csca: bool = False  # sign with a chain whose CSCA is not in the test trust folder
    emrtd_application: bool = True  # False: a contactless card that is not an ID document
    face_image: bytes | None = None  # served (and signed) in DG2 instead of the drawn face
    bare_errors: bool = False  # under SM, answer errors with a bare status word (session goes on)
    max_read: int | None = None  # refuse a READ BINARY with a larger Le by a bare 6700
    absent_files: frozenset[str] = frozenset()  # e.g. {"SOD", "COM", "DG13"}: not on the chip
    wrong_check_digit: bool = False  # DG1's date-of-birth check digit is wrong (signed as it is)
    chip_auth: bool = True  # CCCD: DG14 with a Chip Authentication key, and the chip answers CA
    chip_auth_3des: bool = False  # CA offered as id-CA-ECDH-3DES-CBC-CBC (MSE:Set KAT), not AES-128
    active_auth: bool = False  # CCCD: DG15 with an ECDSA key (P-256) and INTERNAL AUTHENTICATE
    active_auth_rsa: str = ""  # with active_auth: an RSA-1024 key instead, ISO 9796-2 with "sha1"/"sha256"
    clone: bool = False  # the right files and SOD on a chip without DG14's / DG15's private keys
    # Longest command or response APDU (bytes) the chip takes; 0: short only, and an extended
    # APDU gets a bare 6700 below secure messaging (the SSC does not count it, as on a chip
    # whose I/O layer cannot parse it). 65535 is what vpcd can carry.
    extended_length: int = 0
    # Where the chip says it takes extended length: "" nowhere, "historical" (card capabilities
    # in the ATR's historical bytes), "atr_info" (there, plus the limits in EF.ATR/INFO).
    extended_declared: str = ""


@dataclass(frozen=True)
class CardImage:
    """Everything the emulated chip serves: files by FID, passwords, behaviour options."""

    files: dict[int, bytes]
    mrz_information: str
    can: str | None
    options: ChipOptions = field(default_factory=ChipOptions)
    protected_files: frozenset[int] = frozenset({DG3.fid})  # answer 6982 (EAC needed)
    chip_auth_key: ec.EllipticCurvePrivateKey | None = None  # what the chip holds for DG14's key
    active_auth_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | None = None  # … and for DG15's

    @property
    def card_access(self) -> bytes | None:
        return self.options.card_access if self.options.pace else None


def transliterate(text: str) -> str:
    """MRZ form of a Vietnamese name: no diacritics, Đ → D, upper case (9303-3 §6)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return "".join(c if c.isalnum() else " " for c in stripped.upper()).strip()


def yymmdd(ddmmyyyy: str) -> str:
    """dd/mm/yyyy → YYMMDD; anything else (e.g. "Không thời hạn") → "" (no date)."""
    parts = ddmmyyyy.split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return ""
    day, month, year = parts
    return year[-2:] + month.zfill(2) + day.zfill(2)


def cccd_mrz(holder: Holder) -> str:
    id12 = holder.id_number
    words = transliterate(holder.full_name).split()
    sex = {"Nam": "M", "Nữ": "F"}.get(holder.sex, "<")
    return build_td1(
        document_code="ID",
        issuing_state="VNM",
        document_number=id12[-9:],
        optional_data=id12 + "<<" + check_digit(id12),
        date_of_birth=yymmdd(holder.date_of_birth),
        sex=sex,
        date_of_expiry=yymmdd(holder.expiry_date),
        nationality="VNM",
        primary_identifier=words[0] if words else "",
        secondary_identifier=" ".join(words[1:]),
    )


def _entry(key: int, *values: bytes) -> bytes:
    return tlv.encode(0x30, tlv.encode(0x02, bytes([key])) + b"".join(values))


def _utf8(text: str) -> bytes:
    return tlv.encode(0x0C, text.encode("utf-8"))


def _printable(text: str) -> bytes:
    return tlv.encode(0x13, text.encode("ascii"))


def card_serial(holder: Holder) -> str:
    return hashlib.sha256(("serial:" + holder.id_number).encode()).hexdigest()[:16].upper()


def build_dg13(holder: Holder, parents_layout: str = PARENTS_PER_NAME) -> bytes:
    """DG13 in the real-card layout: keys 1–16 ascending, PrintableString for 1, 3, 11, 15, 16."""
    entries = [
        _entry(1, _printable(holder.id_number)),
        _entry(2, _utf8(holder.full_name)),
        _entry(3, _printable(holder.date_of_birth)),
        _entry(4, _utf8(holder.sex)),
        _entry(5, _utf8(holder.nationality)),
        _entry(6, _utf8(holder.ethnicity)),
        _entry(7, _utf8(holder.religion)),
        _entry(8, _utf8(holder.hometown)),
        _entry(9, _utf8(holder.residence)),
        _entry(10, _utf8(holder.identifying_marks)),
        _entry(11, _printable(holder.issue_date)),
        _entry(12, _utf8(holder.expiry_date)),
    ]
    if parents_layout == PARENTS_ONE_SEQUENCE:
        entries.append(_entry(13, tlv.encode(0x30, _utf8(holder.father) + _utf8(holder.mother))))
    else:
        entries.append(
            _entry(13, tlv.encode(0x30, _utf8(holder.father)), tlv.encode(0x30, _utf8(holder.mother)))
        )
    # Key 14 is present with no value when there is no spouse (real-card layout).
    entries.append(_entry(14, tlv.encode(0x30, _utf8(holder.spouse))) if holder.spouse else _entry(14))
    if holder.old_id_number:
        entries.append(_entry(15, _printable(holder.old_id_number)))
    entries.append(_entry(16, _printable(holder.card_serial or card_serial(holder))))
    body = tlv.encode(0x02, b"\x01") + tlv.encode(0x06, UTF8_MARKER_OID)
    body += tlv.encode(0x31, b"".join(entries))
    return tlv.encode(0x6D, tlv.encode(0x30, body))


def sign_sod(data_groups: dict[int, bytes], chain: SignerChain) -> bytes:
    """EF.SOD: SignedData over the LDS security object, SHA-256, ECDSA by the DS (9303-10 §4.6.2)."""
    lso = build_lds_security_object(
        "sha256", {n: hashlib.sha256(content).digest() for n, content in data_groups.items()}
    )
    attributes = cms.CMSAttributes(
        [
            {"type": "content_type", "values": [LDS_SECURITY_OBJECT_OID]},
            {"type": "message_digest", "values": [hashlib.sha256(lso).digest()]},
        ]
    )
    signature = chain.ds_key.sign(attributes.dump(), ec.ECDSA(hashes.SHA256()))
    ds = asn1_x509.Certificate.load(chain.ds.public_bytes(serialization.Encoding.DER))
    signer = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {"issuer_and_serial_number": {"issuer": ds.issuer, "serial_number": ds.serial_number}}
            ),
            "digest_algorithm": {"algorithm": "sha256"},
            "signed_attrs": attributes,
            "signature_algorithm": {"algorithm": "sha256_ecdsa"},
            "signature": signature,
        }
    )
    signed = cms.SignedData(
        {
            "version": "v3",
            "digest_algorithms": [{"algorithm": "sha256"}],
            "encap_content_info": {"content_type": LDS_SECURITY_OBJECT_OID, "content": lso},
            "certificates": [ds],
            "signer_infos": [signer],
        }
    )
    info = cms.ContentInfo({"content_type": "signed_data", "content": signed})
    return tlv.encode(SOD.tag, info.dump())


@lru_cache(maxsize=1)
def _untrusted_chain() -> SignerChain:
    return generate_chain("UNKNOWN TEST CSCA (never trusted)")[0]


@lru_cache(maxsize=1)
def _test_chain() -> SignerChain:
    return load_test_chain()


def _alter(dg13: bytes, holder: Holder) -> bytes:
    """Change the last digit of the ID number inside DG13 (still well-formed, no longer signed)."""
    needle = holder.id_number.encode()
    at = dg13.index(needle) + len(needle) - 1
    digit = (dg13[at] - 0x30 + 1) % 10 + 0x30
    return dg13[:at] + bytes([digit]) + dg13[at + 1 :]


def _finish(groups: dict[int, bytes], options: ChipOptions) -> dict[int, bytes]:
    chain = _untrusted_chain() if options.unknown_csca else _test_chain()
    files = {data_group(n).fid: content for n, content in groups.items()}
    files[SOD.fid] = sign_sod(groups, chain)
    files[COM.fid] = build_com(sorted(groups))
    for name in options.absent_files:  # removed after signing: EF.COM and the SOD still list them
        files.pop(COM.fid if name == "COM" else SOD.fid if name == "SOD" else data_group(int(name[2:])).fid)
    return files


@functools.lru_cache(maxsize=8)
def _rsa_key(id_number: str) -> rsa.RSAPrivateKey:
    """An Active Authentication RSA key (1024 bits, as on many passports), one per card number in
    this process: RSA keys cannot be derived from a seed as the EC ones are."""
    return rsa.generate_private_key(65537, 1024)


def chip_auth_key(id_number: str, curve: ec.EllipticCurve | None = None) -> ec.EllipticCurvePrivateKey:
    """A test key of the card with this ID: Chip Authentication on brainpoolP256r1 (as the
    CCCD), or another curve (Active Authentication); the same in every process. The seed is
    below both curves' orders (~2^255.4), so any 255-bit value is a valid private key."""
    seed = hashlib.sha256(f"kiosk test chip key {curve.name if curve else ''} {id_number}".encode()).digest()
    return ec.derive_private_key(int.from_bytes(seed, "big") >> 1 | 1, curve or ec.BrainpoolP256R1())


def _checked(mrz: str, options: ChipOptions) -> str:
    """The MRZ, or with `wrong_check_digit` its date-of-birth check digit changed (TD1 or TD3)."""
    if not options.wrong_check_digit:
        return mrz
    at = 36 if len(mrz) == 90 else 63
    return mrz[:at] + str((int(mrz[at]) + 1) % 10) + mrz[at + 1 :]


def personalise_cccd(profile: CitizenProfile, options: ChipOptions | None = None) -> CardImage:
    options = options or ChipOptions()
    holder = profile.holder
    if not holder.card_serial:
        holder = replace(holder, card_serial=card_serial(holder))
    image, width, height = face.make_face_jpeg(holder.id_number, options.photo, options.photo_format)
    image = options.face_image or image
    dg13 = build_dg13(holder, options.parents_layout)
    groups = {
        1: build_dg1(_checked(cccd_mrz(holder), options)),
        2: build_dg2(image, width, height),
        3: tlv.encode(DG3.tag, tlv.encode(0x7F61, tlv.encode(0x02, b"\x00"))),
        13: dg13,
    }
    key = chip_auth_key(holder.id_number) if options.chip_auth else None
    aa_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | None = None
    if options.active_auth:
        aa_key = (
            _rsa_key(holder.id_number)
            if options.active_auth_rsa
            else chip_auth_key(holder.id_number, ec.SECP256R1())
        )
    if key is not None or aa_key is not None:
        # DG14 names the ECDSA signature algorithm; an RSA key's ISO 9796-2 trailer names its hash.
        algorithm = ECDSA_PLAIN_SHA256 if isinstance(aa_key, ec.EllipticCurvePrivateKey) else ""
        protocol = CA_ECDH_3DES if options.chip_auth_3des else CA_ECDH_AES_128
        groups[14] = build_dg14(key.public_key() if key else None, protocol, aa_signature_algorithm=algorithm)
    if aa_key is not None:
        groups[15] = build_dg15(aa_key.public_key())
    if options.clone:  # the clone copied the files; private keys never leave a chip
        key = ec.generate_private_key(key.curve) if key else None
        if isinstance(aa_key, rsa.RSAPrivateKey):
            aa_key = rsa.generate_private_key(65537, aa_key.key_size)
        elif aa_key is not None:
            aa_key = ec.generate_private_key(aa_key.curve)
    files = _finish(groups, options)
    if options.alter_dg13:
        files[DG13.fid] = _alter(dg13, holder)
    mrz_info = mrz_information(
        holder.id_number[-9:], yymmdd(holder.date_of_birth), yymmdd(holder.expiry_date)
    )
    return CardImage(
        files, mrz_info, holder.id_number[-6:], options, chip_auth_key=key, active_auth_key=aa_key
    )


@dataclass(frozen=True)
class PassportProfile:
    """A foreign guest's passport (TD3), e.g. the ICAO specimen in citizens.json."""

    document_number: str
    date_of_birth: str  # YYMMDD
    date_of_expiry: str  # YYMMDD
    nationality: str
    name: str  # "SURNAME GIVEN NAMES" as in citizens.json: the last word is the surname
    sex: str = "F"

    @classmethod
    def from_dict(cls, raw: dict[str, str]) -> PassportProfile:
        return cls(
            document_number=raw["mrz_docno"],
            date_of_birth=raw["dob"],
            date_of_expiry=raw["expiry"],
            nationality=raw["nationality"],
            name=raw["name"],
            sex=raw.get("sex", "F"),
        )


def personalise_passport(passport: PassportProfile, options: ChipOptions | None = None) -> CardImage:
    """A BAC-only passport with DG1 and DG2, no DG13 (ICAO 9303 generic eMRTD)."""
    options = replace(options or ChipOptions(), pace=False)
    words = passport.name.split()
    mrz = build_td3(
        document_code="P",
        issuing_state=passport.nationality,
        document_number=passport.document_number,
        date_of_birth=passport.date_of_birth,
        sex=passport.sex,
        date_of_expiry=passport.date_of_expiry,
        nationality=passport.nationality,
        primary_identifier=words[-1],
        secondary_identifier=" ".join(words[:-1]),
    )
    image, width, height = face.make_face_jpeg(passport.document_number, options.photo, options.photo_format)
    groups = {1: build_dg1(_checked(mrz, options)), 2: build_dg2(image, width, height)}
    files = _finish(groups, options)
    mrz_info = mrz_information(passport.document_number, passport.date_of_birth, passport.date_of_expiry)
    return CardImage(files, mrz_info, None, options)


__all__ = [
    "DG1",
    "DG2",
    "DG13",
    "CardImage",
    "ChipOptions",
    "PassportProfile",
    "personalise_cccd",
    "personalise_passport",
]
