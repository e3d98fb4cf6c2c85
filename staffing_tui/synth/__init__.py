"""The one synthetic agency: `sample.db` and the generated demo, unit and statewide data come from it.

    staffing-tui generate --db PATH --scale demo|unit|statewide|sample --seed N [--months K]

Everything is fictional and follows from the seed.

* `model.py` — people, members, cases, placements, notes and the app's records,
  with the StrEnums of `domain/enums.py`; ids are given at the end.
* `names.py` / `texts.py` — the name pools and note texts (`names.toml`, `texts.toml`).
* `families.py` — the generated agency: staff and families arriving over the
  history, their cases, placements, goals, contact plans and exceptions.
* `simulate.py` — its notes, month by month, with the staffing notes and next
  steps that missed visits lead to.
* `sample_builder.py` / `scenarios.py` — the hand-made sample: one scenario
  family per rule of docs/policy.md "Evaluating a month", ordinary families, and its routine visits.
* `scales.py` — demo, unit, statewide and sample: what each builds, anchored where.
* `write.py` — one writer: ids, the twelve files' rows through the importer
  (`import_rows`), the records through the record services, each with its
  audit row.
"""
