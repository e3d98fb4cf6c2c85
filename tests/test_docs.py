"""The repository stands on its own, and its docs follow the code.

* No file points at the `shared` folder beside the repository — no user of the repository has
  it — and code, tests and docs cite the docs inside the repository, never the product contract
  by section number. The convention: `docs/<page>.md "Heading"` (the README likewise), the
  heading spelt as in the page, on one line; every such citation must name a page and a heading
  that exist.
* Every status, reason, requirement and flag of `domain/enums.py` is explained in a table of
  docs/policy.md, and the tables explain no value the code does not have.
* docs/data.md describes every table of a new database (and no other), lists every column of
  every CSV file, and every exit status of the command line.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from staffing_tui import cli
from staffing_tui.domain.enums import Flag, Reason, Requirement, Status
from staffing_tui.store.connection import open_database
from staffing_tui.store.schema import IMPORT_TABLES, OPTIONAL_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# Both spelt in two pieces, so that this file does not match itself.
SHARED = b"../" + b"shared"
SPEC_BY_SECTION = re.compile(r"\bSP" r"EC\b")

#: A citation of a page of the repository, with the heading it points at when one is quoted.
CITATION = re.compile(r'(?<![\w/.-])(docs/[\w-]+\.md|README\.md)(?: "([^"\n]+)")?')
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
#: A code in the first cell of a Markdown table row: | `unmet` | …
TABLE_CODE = re.compile(r"^\| `([a-z_]+)` \|", re.MULTILINE)

#: Folders that are never the project's own files, for a copy that is not a git checkout.
NOT_OURS = {".git", ".venv", "venv", "__pycache__", ".pytest_cache", ".hypothesis", "data", "build", "dist"}


def project_files() -> list[Path]:
    """Every file of the project: tracked, or new and not ignored (a file about to be added counts)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, capture_output=True, check=True,
        ).stdout.decode("utf-8")
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (an unpacked archive)
        return sorted(p for p in ROOT.rglob("*") if p.is_file() and not NOT_OURS & set(p.relative_to(ROOT).parts)
                      and not p.name.endswith(".egg-info"))
    return sorted(ROOT / name for name in listed.split("\0") if name and (ROOT / name).is_file())


def text_files() -> list[tuple[Path, str]]:
    """(path, text) of every project file that is UTF-8 text (sample.db and the like are not)."""
    found = []
    for path in project_files():
        try:
            found.append((path, path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            continue
    return found


def headings(page: Path) -> list[str]:
    """The page's headings as written, without `#` and without code backticks, outside code blocks."""
    found, fenced = [], False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := HEADING.match(line)):
            found.append(match.group(1).replace("`", ""))
    return found


def where(path: Path, text: str, offset: int) -> str:
    return f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, offset) + 1}"


def test_no_file_points_at_the_shared_folder_outside_the_repository():
    pointing = [str(path.relative_to(ROOT)) for path in project_files() if SHARED in path.read_bytes()]

    assert pointing == [], "cite docs/ instead of a file no user of the repository has"


def test_code_tests_and_docs_cite_the_docs_not_the_spec_by_section():
    citing = [where(path, text, match.start()) for path, text in text_files()
              for match in SPEC_BY_SECTION.finditer(text)]

    assert citing == [], 'cite docs/<page>.md "Heading" instead'


def test_every_citation_of_the_docs_names_a_page_and_a_heading_that_exist():
    pages: dict[str, list[str]] = {}
    broken = []
    for path, text in text_files():
        for match in CITATION.finditer(text):
            page, heading = match.groups()
            if not (ROOT / page).is_file():
                broken.append(f"{where(path, text, match.start())}: no page {page}")
                continue
            known = pages.setdefault(page, headings(ROOT / page))
            if heading is not None and heading.replace("`", "") not in known:
                broken.append(f'{where(path, text, match.start())}: {page} has no heading "{heading}"')

    assert broken == []


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")) + [ROOT / "README.md"], ids=lambda p: p.name)
def test_every_heading_is_unique_within_its_page(page):
    seen = headings(page)

    assert sorted({h for h in seen if seen.count(h) > 1}) == [], "a citation by heading would be ambiguous"


def test_every_status_reason_requirement_and_flag_is_explained_in_policy_md():
    explained = set(TABLE_CODE.findall((DOCS / "policy.md").read_text(encoding="utf-8")))
    codes = {str(value) for enum in (Status, Reason, Requirement, Flag) for value in enum}

    assert sorted(codes - explained) == [], "add a row to the tables of docs/policy.md"
    assert sorted(explained - codes) == [], "docs/policy.md explains a value the code no longer has"


def test_every_table_of_a_new_database_and_no_other_is_described_in_data_md(tmp_path):
    db = open_database(tmp_path / "new.db", create=True)
    try:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        db.close()
    described = set(re.findall(r"^#### `(\w+)`$", (DOCS / "data.md").read_text(encoding="utf-8"), re.MULTILINE))

    assert sorted(tables - described) == [], "describe the table in docs/data.md"
    assert sorted(described - tables) == [], "docs/data.md describes a table a new database does not have"


@pytest.mark.parametrize("table", IMPORT_TABLES)
def test_every_column_of_every_csv_file_is_listed_in_data_md(table):
    text = (DOCS / "data.md").read_text(encoding="utf-8")
    start = text.index(f"**{table}.csv**")
    end = re.compile(r"^(\*\*|#)", re.MULTILINE).search(text, start + 1)
    section = text[start:end.start() if end else len(text)]
    rows = [line for line in section.splitlines() if line.startswith("| `")]

    for column in IMPORT_TABLES[table]:
        lines = [line for line in rows if f"`{column}`" in line.split(" | ")[0]]
        assert lines, f"{column} of {table}.csv is not listed in docs/data.md"
        if column in OPTIONAL_COLUMNS.get(table, ()):
            assert "optional column" in lines[0], f"{column} of {table}.csv is optional; say so"


def test_every_exit_status_of_the_command_line_is_in_data_md():
    text = (DOCS / "data.md").read_text(encoding="utf-8")
    statuses = {value for name, value in vars(cli).items() if name.startswith("EXIT_")}

    assert sorted(status for status in statuses if f"| `{status}` |" not in text) == []
