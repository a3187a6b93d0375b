"""Reading text that arrives as bytes (files, stdin): charset detection and refusal of non-text formats."""

from __future__ import annotations

import codecs

from bot.errors import InputError

BINARY_MESSAGE = "That looks like binary data, not text, so there is nothing to analyse."

#: Magic numbers of formats people paste or pass by mistake, with a name a reporter recognises.
_SIGNATURES = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/Excel document)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
)


#: Byte-order marks, longest first (UTF-32's little-endian mark begins with UTF-16's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes) -> str:
    """Decode text of unknown encoding; raise :class:`InputError` for binary formats.

    A byte-order mark decides first: UTF-16 text is full of NUL bytes and would otherwise pass for binary.
    """
    for magic, name in _SIGNATURES:
        if data.startswith(magic):
            raise InputError(f"That is {name}, not text. nutgraf reads web pages and plain text.")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None or b"\x00" in data[:20_000]:
        raise InputError(BINARY_MESSAGE)
    return data.decode(best.encoding, errors="replace")


def looks_like_html(text: str) -> bool:
    """Whether a text is an HTML document rather than an article's plain text."""
    head = text[:1000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)
