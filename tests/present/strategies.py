"""Hostile text for the Hypothesis properties of issue 14: any code point (controls, bidi,
surrogates), with the characters that make escape sequences and Markdown drawn often."""

from __future__ import annotations

import re

from hypothesis import strategies as st

from staffing_tui.domain.text import CONTROL_CLASS

#: What a terminal or a Markdown reader acts on: drawn often so every property meets them.
HOSTILE_PIECES = (
    "\x1b", "\x1b]0;TITLE\x07", "\x1b[2J", "\x1b[8m", "\x9b", "\x07", "\x00", "\x7f", "\x85", "\r", "\r\n", "\n",
    "\t", "\u202e", "\u2066", "\u2069", "[", "]", "(", ")", "!", "<", ">", "`", "*", "_", "#", "&", "|", "~",
    "\\", "-", "+", "=", "@", "1.", "1)", "    ", "![x](http://e.invalid/t.png)", "<script>", "&#x1b;",
    "<img src=x onerror=alert(1)>", "javascript:", "---", "===",
)

#: Any string: runs of arbitrary code points (codec=None: every one, controls included)
#: mixed with the hostile pieces.
hostile_text = st.lists(st.one_of(st.text(st.characters(codec=None), max_size=6), st.sampled_from(HOSTILE_PIECES)),
                        max_size=8).map("".join)

#: Any control character, newline and tab included.
ANY_CONTROL = re.compile(f"[{CONTROL_CLASS}]")
#: A control character other than newline (what no output may hold).
CONTROL_BUT_NEWLINE = re.compile(f"(?!\n)[{CONTROL_CLASS}]")


def controls_but_newline(text: str) -> list[str]:
    return CONTROL_BUT_NEWLINE.findall(text)
