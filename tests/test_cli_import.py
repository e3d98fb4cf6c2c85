"""`import` then `report` end to end through the command line (docs/data.md)."""

from __future__ import annotations

import hashlib
import json

from staffing_tui.cli import main

FILES = {
    "units.csv": "unit_id,name,region\nU1,North,R1\n",
    "staff.csv": "staff_id,name,role,unit_id\nS1,Sam Spec,specialist,U1\nSV1,Val Sup,supervisor,U1\n",
    "cases.csv": "case_id,case_type,specialist_id,opened_on,closed_on\nC1,dependency,S1,2026-01-05,\n",
    "people.csv": "person_id,first_name,last_name,birth_date,deceased_on\n"
                  "K1,Kit,Example,2014-02-02,\nA1,Ann,Example,1988-03-03,\n",
    "case_members.csv": "case_id,person_id,role,alleged_victim,alleged_perpetrator,resides_in_home,"
                        "rights_terminated_on,whereabouts_unknown,incarcerated,joined_on,left_on\n"
                        "C1,K1,child,yes,no,no,,no,no,,\nC1,A1,parent,no,yes,no,,false,true,,\n",
    "parent_child.csv": "case_id,parent_id,child_id\nC1,A1,K1\n",
    "permanency_goals.csv": "case_id,child_id,goal,effective_on\nC1,K1,reunification,2026-01-05\n",
    "placements.csv": "placement_id,case_id,child_id,location_type,location_name,start_on,end_on\n"
                      "PL1,C1,K1,foster_home,Maple Home,2026-01-05,\n",
    "notes.csv": "note_id,case_id,author_id,occurred_at,note_type,method,location,locate_for,text\n"
                 "N1,C1,S1,2026-10-03T10:00,placement_visit,in_person,placement,,Visit.\n"
                 "N2,C1,S1,2026-10-09 15:30,letter,written,,,Letter to the facility.\n",
    "note_contacts.csv": "note_id,person_id\nN1,K1\nN2,A1\n",
}


def write(directory, files):
    directory.mkdir(exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_import_then_report_gives_the_rules_statuses(tmp_path, capsys):
    db = tmp_path / "agency.db"
    assert main(["import", str(write(tmp_path / "csv", FILES)), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["report", "--db", str(db), "--month", "2026-10", "--as-of", "2026-11-02", "--format", "json"]) == 0
    rows = {r["person_id"]: r for r in json.loads(capsys.readouterr().out)["rows"]}
    assert (rows["K1"]["status"], rows["K1"]["reason"]) == ("met", "seen_in_person")
    # The incarcerated father had a letter in October: explained.
    assert (rows["A1"]["status"], rows["A1"]["reason"]) == ("explained", "incarcerated_remote_contact")
    assert rows["A1"]["last_contact"] == "2026-10-09" and rows["A1"]["last_seen"] is None


def test_reimport_is_idempotent(tmp_path, capsys):
    db = tmp_path / "agency.db"
    source = write(tmp_path / "csv", FILES)
    reports = []
    for _ in range(2):
        assert main(["import", str(source), "--db", str(db)]) == 0
        capsys.readouterr()
        assert main(["report", "--db", str(db), "--month", "2026-10", "--as-of", "2026-11-02", "--format", "json"]) == 0
        reports.append(json.loads(capsys.readouterr().out))
    assert reports[0] == reports[1]
    assert reports[0]["summary"]["rows"] == 2


def test_broken_input_exits_2_names_every_problem_and_changes_nothing(tmp_path, capsys):
    db = tmp_path / "agency.db"
    assert main(["import", str(write(tmp_path / "good", FILES)), "--db", str(db)]) == 0
    before = digest(db)
    broken = dict(FILES)
    broken["cases.csv"] = FILES["cases.csv"] + "C2,dependency,NOBODY,2026-03-01,2026-02-01\n"
    broken["notes.csv"] = FILES["notes.csv"] + "N3,C1,S1,2031-01-01T09:00,visit,in_person,,,Future.\n"
    broken["placements.csv"] = FILES["placements.csv"] + "PL2,C1,K1,spaceship,,2026-02-01,\n"
    del broken["units.csv"]
    capsys.readouterr()
    code = main(["import", str(write(tmp_path / "bad", broken)), "--db", str(db)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "Traceback" not in err
    for expected in ("cases.csv:3: specialist_id:", "cases.csv:3: closed_on:", "placements.csv:3: location_type:",
                     "notes.csv:4: occurred_at:", "notes.csv:4: location:"):
        assert expected in err, expected
    assert digest(db) == before
