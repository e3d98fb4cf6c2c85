"""What text may be stored (issue 14): control characters never enter the database as data.

A control character in a name can clear a supervisor's screen, set the terminal's title,
hide an unmet row (`ESC [8m`) or reorder what is read (a bidi override). So:

* ids, names, enumeration values and placement names are refused when they hold any
  (`first_control`), by the importer, with the code point in the message;
* free text (note text, reasons, arrangements, next steps) is cleaned once where it
  enters (`clean_free_text`): line breaks and tabs stay, the rest is dropped.

Pure: no I/O. `present.escape` shows whatever still holds one (an older database).
"""

from __future__ import annotations

import re

#: Every control character: C0 (tab and newline too), DEL, C1, and the bidi embeddings,
#: overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
CONTROL_CLASS = "\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
CONTROL = re.compile(f"[{CONTROL_CLASS}]")
#: The controls free text loses: all of them but tab and newline.
_DROPPED_FROM_FREE_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile("\r\n?")


def first_control(text: str) -> str | None:
    """The first control character in `text`, None when there is none."""
    if text.isprintable():  # C speed, and true of almost every value: no control in it
        return None
    found = CONTROL.search(text)
    return found.group() if found else None


def code_point(character: str) -> str:
    """`U+001B`: how a message names a character without printing it."""
    return f"U+{ord(character):04X}"


def clean_free_text(text: str) -> str:
    """`text` as it is stored: Windows and old Mac line breaks become newlines, tabs and
    newlines stay, every other control character is dropped (a pasted note keeps its lines;
    an escape sequence loses the ESC that made it one)."""
    if text.isprintable():
        return text  # the common case (a control is never printable)
    if "\r" in text:
        text = _LINE_BREAK.sub("\n", text)
    return _DROPPED_FROM_FREE_TEXT.sub("", text)
