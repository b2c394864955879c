"""nbgrader's ``SaveAutoGrades``, with one read and one commit per notebook.

nbgrader's preprocessor finds each grade and each comment with its own
seven-table join and commits after each one: about 6 ms a cell here, a
third of a second of the grader's time for a notebook of 33 grade cells,
and 50 short write transactions where one would do.  :class:`SaveAutoGrades`
reads every grade and comment of the submitted notebook in two queries,
sets exactly the fields nbgrader sets (``auto_score``,
``needs_manual_grade``, ``auto_comment``) by exactly its rules, and commits
once, so a notebook's grades land together or not at all.  Scores are
identical to nbgrader's (``tests/test_save_grades.py``).
"""

from __future__ import annotations

from nbgrader import utils
from nbgrader.api import Comment, Gradebook, Grade
from nbgrader.preprocessors import SaveAutoGrades as NbgraderSaveAutoGrades
from sqlalchemy.orm import selectinload


class SaveAutoGrades(NbgraderSaveAutoGrades):
    """Save the autograder's scores and comments into the gradebook in one transaction."""

    def preprocess(self, nb, resources):
        """Record every grade cell's score and every solution cell's comment of ``nb``."""
        info = resources["nbgrader"]
        self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
        self.student_id, self.db_url = info["student"], info["db_url"]
        self.gradebook = Gradebook(self.db_url)
        with self.gradebook:
            submitted = self.gradebook.find_submission_notebook(
                self.notebook_id, self.assignment_id, self.student_id)
            db = self.gradebook.db
            self._grades = {row.cell.name: row for row in db.query(Grade).options(
                selectinload(Grade.cell)).filter(Grade.notebook_id == submitted.id)}
            self._comments = {row.cell.name: row for row in db.query(Comment).options(
                selectinload(Comment.cell)).filter(Comment.notebook_id == submitted.id)}
            try:
                nb, resources = super(NbgraderSaveAutoGrades, self).preprocess(nb, resources)
                db.commit()
            except BaseException:
                db.rollback()
                raise
        return nb, resources

    def _add_score(self, cell, resources) -> None:
        """nbgrader's rule: set ``auto_score``; review needed with a manual score or no score."""
        name = cell.metadata["nbgrader"]["grade_id"]
        grade = self._grades.get(name) or self.gradebook.find_grade(  # MissingEntry as nbgrader
            name, self.notebook_id, self.assignment_id, self.student_id)
        grade.auto_score, _ = utils.determine_grade(cell, self.log)
        grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None

    def _add_comment(self, cell, resources) -> None:
        """nbgrader's rule: "No response." for an unchanged solution cell, else nothing."""
        name = cell.metadata["nbgrader"]["grade_id"]
        comment = self._comments.get(name) or self.gradebook.find_comment(
            name, self.notebook_id, self.assignment_id, self.student_id)
        unchanged = cell.metadata.nbgrader.get("checksum", None) == utils.compute_checksum(cell)
        comment.auto_comment = "No response." if unchanged and not utils.is_task(cell) else None
