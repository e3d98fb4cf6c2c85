"""One escaping function per format for text that leaves the program (issue 14).

Names, ids, placement names and free text are data: they may hold anything an import or
an older database let in. Whatever of them is written to a terminal, a Markdown or HTML
document or a CSV file goes through exactly one of these, chosen by where it goes:

* `for_terminal` — the app's screen, the CLI's text output and its error messages;
  `for_terminal_cell` for one cell of a line (a list column);
* `for_markdown` — a block of Markdown text; `for_markdown_cell` — a table cell or any
  other one-line place (a heading, a list item);
* `for_csv` — one CSV cell (spreadsheets open these);
* `for_html` — HTML text.

Control characters (`domain.text.CONTROL`: C0, DEL, C1, bidi overrides and isolates),
which can clear a screen, set a terminal's title, hide text or reorder what is read,
become visible escapes in Python's spelling: ESC reads `\\x1b`, U+009B `\\x9b`, a
right-to-left override `\\u202e`. A newline stays a newline (a note may have lines),
"\\r\\n" is a newline, and a tab becomes one space: it moves a terminal's cursor to a tab
stop, which breaks the columns of a list, and CSV and Markdown do not need it.
A backslash is not escaped for the terminal: `\\x1b` typed as four characters reads the
same as an escaped ESC, and either way nothing reaches the terminal but text.
"""

from __future__ import annotations

import html
import re

from staffing_tui.domain.text import CONTROL, CONTROL_CLASS

#: Spreadsheet programs run a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: What for_terminal escapes (newline stays; tab and "\r\n" are dealt with first).
_ESCAPED = re.compile(f"(?!\n)[{CONTROL_CLASS}]")
_LINE_BREAKS = re.compile(r"\s*\n\s*")
#: Characters that start a link, an image, emphasis, code, raw HTML, an entity, a heading
#: (or close one), a quote, a table column or strike-through: escaped wherever they are.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>&|~!#])")
#: What makes a line a list item or a setext underline when it starts it ("-", "+", "=", "1.").
_BULLET_OR_UNDERLINE = re.compile(r"^([ ]*)([-+=])", re.MULTILINE)
_ORDERED_MARK = re.compile(r"^([ ]*\d+)([.)])", re.MULTILINE)


def _visible(found: re.Match) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def for_terminal(text: str | None) -> str:
    """`text` safe to print: every control character but newline shown as an escape."""
    if not text:
        return ""
    if text.isprintable() or not CONTROL.search(text):
        return text  # the common case (every label the app draws): nothing to do
    return _ESCAPED.sub(_visible, text.replace("\r\n", "\n").replace("\t", " "))


def for_terminal_cell(text: str | None) -> str:
    """`text` on one line (a column of a list): `for_terminal`, line breaks become spaces."""
    shown = for_terminal(text)
    return _LINE_BREAKS.sub(" ", shown) if "\n" in shown else shown


def _markdown_inline(text: str) -> str:
    return _MARKDOWN_INLINE.sub(r"\\\1", text)


def _markdown_line_starts(text: str) -> str:
    """Escape what would make a line a list item or setext underline ("1." → "1\\.", "-" → "\\-")."""
    return _BULLET_OR_UNDERLINE.sub(r"\1\\\2", _ORDERED_MARK.sub(r"\1\\\2", text))


def for_markdown(text: str | None) -> str:
    """`text` as inert Markdown: it reads as written (line breaks kept) and makes no link,
    image, HTML, heading, list, quote, emphasis or code; controls shown as escapes."""
    return _markdown_line_starts(_markdown_inline(for_terminal(text)))


def for_markdown_cell(text: str | None) -> str:
    """`text` as one inert Markdown line for a table cell, heading or list item: `for_markdown`
    on one line (line breaks become spaces, `|` cannot end the cell) and a leading formula
    character escaped too ("\\=": Markdown shows "=", a spreadsheet paste sees text)."""
    line = for_terminal_cell(text).strip()
    escaped = _markdown_line_starts(_markdown_inline(line))
    return "\\" + escaped if escaped.startswith(FORMULA_PREFIXES) else escaped


def neutralise_formula(value: str) -> str:
    """Prefix a quote so a spreadsheet shows the text instead of running it (leading spaces
    do not hide a formula: some spreadsheets skip them)."""
    return "'" + value if value.lstrip(" ").startswith(FORMULA_PREFIXES) else value


def for_csv(text: str | None) -> str:
    """One CSV cell: controls shown as escapes (a newline stays, the csv module quotes it),
    and a cell a spreadsheet would run as a formula starts with a quote instead."""
    return neutralise_formula(for_terminal(text))


def for_html(text: str | None) -> str:
    """HTML text: `html.escape` (tags and attributes are text) with controls shown as escapes."""
    return html.escape(for_terminal(text))
