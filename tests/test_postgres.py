"""The gradebook in a real PostgreSQL server: the simulated class, graded by several workers.

Debian's PostgreSQL is started in a temporary folder on 127.0.0.1 (as the
``postgres`` user); every command of the simulated class (generate, grade,
feedback, export, report) runs against it, and the scores must equal
SQLite's cell for cell.
"""

from __future__ import annotations

import csv

import pytest

from dlmath import batch, classroom

pytestmark = pytest.mark.notebook

AIDS = ["01_vectors", "07_bayes"]


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    from servers import Postgres

    server = Postgres()
    yield server
    server.close()


def _class(root, jobs):
    classroom.prepare(root, AIDS)
    classroom.grade(root, AIDS, jobs, progress=lambda line: None)
    return batch.cell_scores(root)


def test_postgres_gradebook_records_what_sqlite_records(postgres, tmp_path, monkeypatch):
    sqlite_scores = _class(tmp_path / "sqlite", jobs=2)
    url = postgres.new_database()
    monkeypatch.setenv(batch.DB_ENV, url)
    root = tmp_path / "pg"
    pg_scores = _class(root, jobs=3)
    assert pg_scores == sqlite_scores
    assert not (root / "gradebook.db").exists(), "SQLite was used instead of PostgreSQL"
    with open(root / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(classroom.LEARNERS) * len(AIDS)
    assert (root / "feedback").exists() and (root / "report" / "index.html").exists()
