"""Reading text that arrives as bytes (files, stdin): charset detection and refusal of non-text formats."""

from __future__ import annotations

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


def decode_bytes(data: bytes) -> str:
    """Decode text of unknown encoding; raise :class:`InputError` for binary formats."""
    for magic, name in _SIGNATURES:
        if data.startswith(magic):
            raise InputError(f"That is {name}, not text. nutgraf reads web pages and plain text.")
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
