"""Issue 14: one escaping function per format; nothing a terminal or a Markdown reader acts on
gets through any of them, whatever the input."""

from __future__ import annotations

import html
import re

from hypothesis import given
from markdown_it import MarkdownIt

from staffing_tui.domain.text import clean_free_text, first_control
from staffing_tui.present.escape import (
    for_csv,
    for_html,
    for_markdown,
    for_markdown_cell,
    for_terminal,
    for_terminal_cell,
)
from tests.present.strategies import ANY_CONTROL, controls_but_newline, hostile_text

MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable("table")  # raw HTML on: the escaping must hold anyway


@given(hostile_text)
def test_no_escaping_function_lets_a_control_character_through(text):
    for escape in (for_terminal, for_markdown, for_csv, for_html):
        assert controls_but_newline(escape(text)) == [], escape.__name__
    for escape in (for_terminal_cell, for_markdown_cell):
        assert not ANY_CONTROL.search(escape(text)), escape.__name__


@given(hostile_text)
def test_terminal_escaping_is_idempotent_and_leaves_plain_text_alone(text):
    once = for_terminal(text)
    assert for_terminal(once) == once
    if not ANY_CONTROL.search(text):
        assert once == text


def test_control_characters_read_as_python_escapes():
    assert for_terminal("\x1b]0;TITLE\x07Kit") == "\\x1b]0;TITLE\\x07Kit"
    assert for_terminal("\x9b2J\u202eevil\x7f") == "\\x9b2J\\u202eevil\\x7f"
    assert for_terminal("line one\r\nline\ttwo\rover") == "line one\nline two\\x0dover"
    assert for_terminal_cell("a\n  b\r\nc") == "a b c"


@given(hostile_text)
def test_a_markdown_cell_renders_as_exactly_its_text(text):
    """Rendered, an escaped cell is one paragraph holding the text as the terminal shows it:
    no link, image, HTML, emphasis, code, heading or list can come out of a name."""
    rendered = MARKDOWN.render(for_markdown_cell(text))
    expected = for_terminal_cell(text).strip()
    assert rendered == (f"<p>{html.escape(expected, quote=False).replace(chr(34), '&quot;')}</p>\n"
                        if expected else "")


@given(hostile_text)
def test_a_markdown_cell_never_shifts_a_table_column(text):
    table = f"| a | b | c |\n|---|---|---|\n| x | {for_markdown_cell(text)} | z |\n"
    rendered = MARKDOWN.render(table)
    assert rendered.count("<td>") == 3 and rendered.count("<th>") == 3
    assert "<td>z</td>" in rendered


@given(hostile_text)
def test_markdown_text_makes_no_element_but_paragraphs_and_line_breaks(text):
    rendered = MARKDOWN.render(for_markdown(text))
    assert set(re.findall(r"<(/?\w+)", rendered)) <= {"p", "/p", "br", "pre", "/pre", "code", "/code"}


def test_hostile_names_become_inert_markdown():
    assert for_markdown_cell("![x](http://e.invalid/t.png)") == "\\!\\[x\\](http://e.invalid/t.png)"
    assert for_markdown_cell("Kit | 9") == "Kit \\| 9"
    assert for_markdown_cell("<img src=x onerror=alert(1)>") == "\\<img src=x onerror=alert(1)\\>"
    assert for_markdown("1. one\n- two\n# three") == "1\\. one\n\\- two\n\\# three"


def test_csv_cells_keep_the_formula_guard_and_lose_controls():
    assert for_csv("=SUM(A1)") == "'=SUM(A1)"
    assert for_csv("-1") == "'-1"
    assert for_csv("\x1b[2JPlace") == "\\x1b[2JPlace"
    assert for_csv("two\nlines") == "two\nlines"


def test_html_text_is_escaped_and_shows_controls():
    assert for_html("<script>\x1b</script>") == "&lt;script&gt;\\x1b&lt;/script&gt;"


def test_free_text_keeps_lines_and_tabs_and_loses_other_controls():
    assert clean_free_text("Visit\r\nplanned\tat 10\x1b[2J\u202e\x9b.\rDone") == "Visit\nplanned\tat 10[2J.\nDone"
    assert clean_free_text("plain") == "plain"


def test_first_control_finds_tab_and_newline_too():
    assert first_control("Kit\x1b") == "\x1b"
    assert first_control("Kit\tLane") == "\t"
    assert first_control("Kit Lane") is None
