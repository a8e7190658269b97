"""Bytes -> text in whatever common encoding they came in.

Order: binary signatures are refused; a byte-order mark decides; then a
declared charset (HTTP header, HTML meta); then strict UTF-8; then the
encoding charset-normalizer detects on a sample. A UTF-8 text with a few bad
bytes (a truncated download) is decoded with those bytes replaced, and the
caller is told how many.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from kg.ingest.base import Unreadable

SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"PK\x03\x04": "a zip archive (also .docx, .xlsx, .epub)",
    b"PK\x05\x06": "an empty zip archive",
    b"%PDF-": "a PDF",
    b"\x1f\x8b": "a gzip archive",
    b"BZh": "a bzip2 archive",
    b"\xfd7zXZ\x00": "an xz archive",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive",
    b"\x7fELF": "a program (ELF)",
    b"RIFF": "a RIFF media file",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office document",
    b"SQLite format 3\x00": "an SQLite database",
}
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
COMMON_ENCODINGS = ("cp1252", "iso8859_15", "iso8859_1", "cp1251", "koi8_r", "cp1250")
"""Tie-breaks, most used first, when charset-normalizer rates several single-byte encodings
the same (short Western texts decode alike in most of them)."""
SAMPLE_BYTES = 64 * 1024
MAX_BAD_SHARE = 0.01


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    bad_bytes: int = 0
    first_bad: int | None = None
    note: str | None = None

    @property
    def problem(self) -> str | None:
        """What could not be decoded, for a Note; None when every byte was."""
        if self.note:
            return self.note
        if not self.bad_bytes:
            return None
        return (
            f"{self.bad_bytes} undecodable byte sequence(s) in {self.encoding} text (first at "
            f"byte {self.first_bad}; a truncated or damaged file?), replaced by U+FFFD"
        )


def binary_kind(data: bytes) -> str | None:
    """What the bytes are when they are clearly not text, else None."""
    for magic, what in SIGNATURES.items():
        if data.startswith(magic):
            return what
    if not any(data.startswith(bom) for bom, _ in BOMS) and b"\x00" in data[:SAMPLE_BYTES]:
        return "binary data (NUL bytes)"
    return None


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """The text in ``data``; Unreadable when it is binary or in no encoding we can tell."""
    kind = binary_kind(data)
    if kind is not None:
        raise Unreadable(f"is {kind}, not text; pass text, HTML, JSON or feed files")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return strict_or_replaced(data, encoding)
    if declared and known_encoding(declared):
        try:
            return Decoded(data.decode(declared), codecs.lookup(declared).name)
        except UnicodeDecodeError:
            pass
        if codecs.lookup(declared).name == "utf-8":
            redetected = utf8_and_cp1252(data, declared)
            if redetected is not None:
                return redetected
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as err:
        utf8_error = err
    replaced = strict_or_replaced(data, "utf-8")
    if mostly_utf8(data, replaced):
        return replaced
    detected = detect(data)
    if detected is not None:
        try:
            return Decoded(data.decode(detected), detected)
        except UnicodeDecodeError:
            pass
    if replaced.bad_bytes > max(4, MAX_BAD_SHARE * len(data)):
        raise Unreadable(
            f"is not text in any encoding kg can tell (not UTF-8 from byte {utf8_error.start}"
            f"{', nor ' + detected if detected else ''}); re-save it as UTF-8"
        )
    return replaced


ESCAPED_BYTES = re.compile("[\udc80-\udcff]+")
"""Bytes that are not UTF-8, as Python's ``surrogateescape`` decoding keeps them."""


def utf8_and_cp1252(data: bytes, declared: str) -> Decoded | None:
    """A page that declares UTF-8 but holds Windows-1252 bytes (a wrong declaration, or
    Windows text pasted into a UTF-8 template): the UTF-8 kept, the rest read as
    Windows-1252, with a note. None when some byte is not Windows-1252 either.

    >>> found = utf8_and_cp1252("Zürich ✓ ".encode() + "Acme’s café".encode("cp1252"), "utf-8")
    >>> found.text
    'Zürich ✓ Acme’s café'
    >>> print(found.problem)
    declares utf-8, but 2 byte(s) are not UTF-8 (first at byte 16); read them as Windows-1252
    """
    escaped = data.decode("utf-8", errors="surrogateescape")
    runs = list(ESCAPED_BYTES.finditer(escaped))
    try:
        text = ESCAPED_BYTES.sub(
            lambda run: run.group().encode("utf-8", "surrogateescape").decode("cp1252"), escaped
        )
    except UnicodeDecodeError:
        return None
    first = len(escaped[: runs[0].start()].encode("utf-8", "surrogateescape")) if runs else 0
    bad = sum(len(run.group()) for run in runs)
    return Decoded(
        text,
        "utf-8",
        note=f"declares {declared}, but {bad} byte(s) are not UTF-8 (first at byte {first}); "
        "read them as Windows-1252",
    )


def mostly_utf8(data: bytes, replaced: Decoded) -> bool:
    """UTF-8 with a few damaged bytes: the damage is at the very end (a cut download),
    or rare among valid multi-byte characters."""
    if replaced.first_bad is not None and replaced.first_bad >= len(data) - 3:
        return True
    valid_multibyte = sum(1 for ch in replaced.text if ord(ch) > 0x7F and ch != "\ufffd")
    return valid_multibyte > 0 and replaced.bad_bytes <= max(4, MAX_BAD_SHARE * len(data))


def strict_or_replaced(data: bytes, encoding: str) -> Decoded:
    """Decode strictly; failing that, with bad bytes replaced and counted."""
    try:
        return Decoded(data.decode(encoding), codecs.lookup(encoding).name)
    except UnicodeDecodeError as err:
        first = err.start
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd") - data.decode(encoding, errors="ignore").count("\ufffd")
    return Decoded(text, codecs.lookup(encoding).name, max(bad, 1), first)


def detect(data: bytes) -> str | None:
    """The encoding charset-normalizer finds most likely for a sample of ``data``."""
    from charset_normalizer import from_bytes

    matches = from_bytes(data[:SAMPLE_BYTES])
    best = matches.best()
    if best is None or best.encoding in ("utf_8", "ascii"):
        return None
    tied = {m.encoding for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)}
    return next((e for e in COMMON_ENCODINGS if e in tied), best.encoding)


def known_encoding(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True
