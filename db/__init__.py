"""Database tooling that is not part of the installed package: the sample builder."""
