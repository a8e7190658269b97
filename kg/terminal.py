"""Text for a terminal: control characters made visible, so data cannot drive the terminal.

A file name, an article's text or a label can hold a newline (which forges an
extra ``kg: error:`` line), an escape sequence (``ESC [``, or its one-character
C1 form U+009B, which moves the cursor, recolours or clears the screen) or a
bidirectional override (which shows text in another order than it is read).
Every line kg prints from data goes through ``printable``; each such character
becomes its Python escape, so it is still there to see.

>>> printable("news/a\\nkg: error: forged.txt")
'news/a\\\\nkg: error: forged.txt'
>>> printable("\\x1b[2Jgone \\x9b31m red \\u202eevil")
'\\\\x1b[2Jgone \\\\x9b31m red \\\\u202eevil'
>>> printable("Zürich, 東京, tabs\\tstay")
'Zürich, 東京, tabs\\tstay'
"""

from __future__ import annotations

import re

UNSAFE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f"  # C0 (except tab), DEL, C1
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional marks and overrides
    "\u2028\u2029]"  # line and paragraph separators
)


def escaped(char: str) -> str:
    """One character as its Python escape: ``\\n``, ``\\x1b``, ``\\u202e``."""
    code = ord(char)
    named = {"\n": "\\n", "\r": "\\r"}.get(char)
    return named or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """``text`` with every control character escaped (tabs kept): safe on one terminal line."""
    return UNSAFE.sub(lambda found: escaped(found.group()), text)
