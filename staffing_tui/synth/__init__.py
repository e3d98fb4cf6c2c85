"""The one synthetic agency: `sample.db` and the generated demo, unit and statewide data come from it."""
