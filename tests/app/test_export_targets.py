"""Issue 14 §2 in the app: the plan form's export (like `plan export --out`) never writes to the
database's own files nor through a link; an earlier export at the path on screen is replaced
(Export pressed on a path in view is the form's --force)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Input, Static, TextArea

from staffing_tui.errors import UserError
from staffing_tui.modals.plan_form import ContactPlanForm
from tests.conftest import Host, context, open_screen, settle

#: Slow: the test drives the plan form through Pilot and exports four times.
pytestmark = pytest.mark.slow


async def _export_to(pilot, form, path: Path) -> str:
    form.query_one("#export-path", Input).value = str(path)
    await pilot.press("ctrl+e")
    await settle(pilot)
    return str(form.query_one("#export-state", Static).render())


async def test_the_plan_form_never_exports_over_the_database_files_or_a_link(adoption_forms_db, tmp_path):
    wal = Path(f"{adoption_forms_db}-wal")
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "elsewhere.md")
    async with Host().run_test(size=(120, 40)) as pilot:
        form = await open_screen(pilot, ContactPlanForm(context(adoption_forms_db, person="K1")))
        form.query_one("#arrangements", TextArea).load_text("Office visits, supervised by the specialist.")
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert form.plan_id is not None
        assert "Not exported: " in (said := await _export_to(pilot, form, adoption_forms_db)) and "database itself" in said
        assert "is the database's -wal file" in await _export_to(pilot, form, wal)
        assert "is a symbolic link" in await _export_to(pilot, form, link)
        again = tmp_path / "plan.md"
        again.write_text("last week's export")
        assert "Exported to" in await _export_to(pilot, form, again)
        # Each refusal is the export worker's UserError, shown on the form: nothing else failed.
        assert [type(failure) for failure in pilot.app.failures] == [UserError] * 3
    assert not wal.exists() or not wal.read_bytes().startswith((b"#", b"<"))  # no export in SQLite's log
    assert not (tmp_path / "elsewhere.md").exists()
    assert "Contact plan" in again.read_text()
    with sqlite3.connect(adoption_forms_db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
