"""The report as one self-contained HTML page.

One file with its CSS inline and its pictures as ``data:`` URIs: it opens
offline, from a mail attachment or an LMS file area, and shows the same
thing years later.  Nothing is loaded from the network -- no fonts, no
scripts, no stylesheets -- and everything a learner wrote is escaped.

The page reads top to bottom in the order an instructor's questions come:
how did the assignments go, which checks misbehave, what did many learners
get wrong, which answers deserve a second look, and what changed since the
last run.
"""

from __future__ import annotations

import html
import math
from datetime import datetime, timezone

from dlmath.report import figures

CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222;
       max-width: 1180px; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.1em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
.muted { color: #666; } .small { font-size: 0.88em; }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { padding: 0.25em 0.6em; border-bottom: 1px solid #e4e4e4; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.weak td { background: #fbefec; }
.grid { display: flex; flex-wrap: wrap; gap: 1em; } .grid figure { margin: 0; }
figcaption { font-size: 0.85em; color: #555; }
.cluster { margin: 0.7em 0; padding: 0.4em 0.8em; border-left: 4px solid #cc4433; background: #fafafa; }
.cluster .head { font-weight: 600; } code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 0.6em; }
.side pre { margin: 0; padding: 0.5em; background: #f7f7f7; overflow-x: auto; font-size: 0.85em; }
.side pre span { display: block; } .side pre span.same { background: #fff2b3; }
details { margin: 0.4em 0; } summary { cursor: pointer; }
.up { color: #2a7a2a; } .down { color: #b03020; }
"""


def esc(value) -> str:
    """HTML-escape anything."""
    return html.escape(str(value), quote=True)


def fmt(value, digits: int = 3) -> str:
    """A number for a table cell (``–`` for nan or ``None``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}g}" if isinstance(value, float) else str(value)


def pct(value) -> str:
    """A share as a percentage."""
    return "–" if value is None or math.isnan(value) else f"{100 * value:.0f}%"


def img(png_base64: str, alt: str) -> str:
    """An embedded PNG."""
    return f'<img src="{figures.data_uri(png_base64)}" alt="{esc(alt)}">'


def section_assignments(summaries) -> str:
    """Per-assignment counts, mean and median, and one histogram each."""
    rows = []
    for s in summaries:
        rows.append(
            f"<tr><td>{esc(s.assignment)}</td><td class=num>{s.submitted}</td><td class=num>{s.graded}</td>"
            f"<td class=num>{len(s.failed)}</td><td class=num>{len(s.flagged)}</td>"
            f"<td class=num>{fmt(s.mean)}</td><td class=num>{fmt(s.median)}</td>"
            f"<td class=num>{s.max_score:g}</td></tr>")
    pictures = "".join(
        f"<figure>{img(figures.histogram(s.scores, s.max_score, s.assignment), 'scores of ' + s.assignment)}"
        f"<figcaption>{esc(s.assignment)}: {s.graded} graded, mean {fmt(s.mean)}, "
        f"median {fmt(s.median)} of {s.max_score:g}</figcaption></figure>" for s in summaries)
    problems = []
    for s in summaries:
        if s.failed:
            problems.append(f"<li><b>{esc(s.assignment)}</b> — failed to grade (handed in, no grade): "
                            f"{esc(', '.join(s.failed))}</li>")
        for student, flags in s.flagged.items():
            problems.append(f"<li><b>{esc(s.assignment)}</b> — flagged: {esc(student)}: "
                            f"{esc('; '.join(flags))}</li>")
    return (
        "<h2 id=assignments>Assignments</h2>"
        "<table><tr><th>assignment</th><th class=num>handed in</th><th class=num>graded</th>"
        "<th class=num>failed to grade</th><th class=num>flagged</th><th class=num>mean</th>"
        "<th class=num>median</th><th class=num>points</th></tr>" + "".join(rows) + "</table>"
        + (f"<ul class=small>{''.join(problems)}</ul>" if problems else "")
        + f"<div class=grid>{pictures}</div>")


def _by_assignment(items) -> dict[str, list]:
    """Items grouped by assignment, keeping their (weakest-first) order."""
    out: dict[str, list] = {}
    for i in items:
        out.setdefault(i.cell.assignment, []).append(i)
    return dict(sorted(out.items()))


def section_items(items, limit: int = 200) -> str:
    """The grade cells, weakest first, and the difficulty/discrimination picture."""
    if not items:
        return "<h2 id=items>Items</h2><p class=muted>No graded cells.</p>"
    rows = []
    for i in items[:limit]:
        weak = i.full_share == 0 or (not math.isnan(i.discrimination) and i.discrimination < 0.2)
        rows.append(
            f"<tr{' class=weak' if weak else ''}><td>{esc(i.cell.assignment)}</td>"
            f"<td><code>{esc(i.cell.key)}</code></td><td class=num>{i.cell.max_score:g}</td>"
            f"<td class=num>{i.learners}</td><td class=num>{pct(i.full_share)}</td>"
            f"<td class=num>{fmt(i.mean_score)}</td><td class=num>{fmt(i.discrimination, 2)}</td>"
            f"<td class=small>{esc(i.note)}</td></tr>")
    more = f"<p class=muted>… and {len(items) - limit} more in items.csv.</p>" if len(items) > limit else ""
    return (
        "<h2 id=items>Items</h2>"
        "<p>One row per grade cell, weakest first. <b>Full marks</b> is the difficulty (low = hard); "
        "<b>discrimination</b> is the point-biserial correlation of the cell's score with the rest of "
        "the assignment's score: below 0.2 the check hardly separates stronger from weaker answers, "
        "below 0 it favours the weaker ones — both worth reading the test again. "
        "A cell that everyone passes or everyone fails has no discrimination (–).</p>"
        + "<div class=grid>" + "".join(
            f"<figure>{img(figures.item_scatter(group, title=a), 'difficulty against discrimination, ' + a)}"
            f"<figcaption>{esc(a)}: one dot per grade cell (larger: several cells at the same spot); "
            f"the weakest are named</figcaption></figure>"
            for a, group in _by_assignment(items).items()) + "</div>"
        + "<table><tr><th>assignment</th><th>cell</th><th class=num>points</th><th class=num>learners</th>"
        "<th class=num>full marks</th><th class=num>mean</th><th class=num>discrimination</th><th>note</th></tr>"
        + "".join(rows) + "</table>" + more)


def section_mistakes(mistakes, unattempted=(), limit: int = 40) -> str:
    """The clusters of failure messages, most learners first, then the stubs left as they were."""
    head = "<h2 id=mistakes>Common mistakes</h2>"
    stubs = ""
    if unattempted:
        stubs = ("<h3>Not attempted</h3><p class=small>Checks that failed because the function is still "
                 "the release's stub (it raises <code>NotImplementedError</code>): missing work, not a "
                 "mistake, so they are left out of the groups above.</p><ul class=small>"
                 + "".join(f"<li>{esc(u.headline)} <details><summary>who</summary>"
                           + esc(", ".join(f"{s} ({n})" for s, n in sorted(u.cells.items())))
                           + "</details></li>" for u in unattempted)
                 + "</ul>")
    if not mistakes:
        return head + "<p class=muted>No check failed with a message.</p>" + stubs
    blocks = []
    for m in mistakes[:limit]:
        blocks.append(
            f"<div class=cluster><div class=head>{esc(m.headline)}</div>"
            f"<div class='small muted'>{esc(m.assignment)} · <code>{esc(m.notebook)}/{esc(m.grade_id)}</code></div>"
            f"<div class=small>example: <code>{esc(m.example)}</code></div>"
            f"<details class=small><summary>who</summary>{esc(', '.join(m.students))}</details></div>")
    return (head
            + "<p>Failure messages of the checks, grouped by cell after numbers, printed arrays and long "
            "quoted values are blanked out (<code>&lt;n&gt;</code>, <code>&lt;array&gt;</code>).</p>"
            + "".join(blocks)
            + (f"<p class=muted>… and {len(mistakes) - limit} smaller groups.</p>" if len(mistakes) > limit else "")
            + stubs)


def _code(source: str, marked: set[int]) -> str:
    lines = source.splitlines() or [""]
    return "".join(f"<span{' class=same' if n in marked else ''}>{esc(l) or ' '}</span>"
                   for n, l in enumerate(lines, start=1))


def section_similar(pairs, threshold: float) -> str:
    """Pairs of alike answers, each with a side-by-side view."""
    intro = ("<h2 id=similar>Similar answers</h2>"
             "<p>Pairs of learners whose answers share an unusual amount of structure after variable "
             "names, comments, layout and the notebook's own template code are set aside "
             f"(winnowed token fingerprints, likeness ≥ {threshold:g}). This is a reading list, not a "
             "finding: short exercises often have one natural answer, learners may study together, and "
             "only reading the answers side by side can say whether anything needs a conversation. "
             "Lines that share fingerprints are highlighted.</p>")
    if not pairs:
        return intro + "<p class=muted>No pair above the threshold.</p>"
    rows, views = [], []
    for n, p in enumerate(pairs):
        rows.append(f"<tr><td>{esc(p.assignment)}</td><td>{esc(p.first)}</td><td>{esc(p.second)}</td>"
                    f"<td class=num>{p.likeness:.2f}</td><td class=num>{p.class_median:.2f}</td>"
                    f"<td><a href='#pair{n}'>view</a></td></tr>")
        cells = "".join(
            f"<p class=small><code>{esc(c.grade_id)}</code> — likeness {c.likeness:.2f}</p>"
            f"<div class=side><pre>{_code(c.left, c.left_lines)}</pre><pre>{_code(c.right, c.right_lines)}</pre></div>"
            for c in p.cells)
        views.append(f"<details id=pair{n}><summary>{esc(p.assignment)}: {esc(p.first)} and {esc(p.second)} "
                     f"({p.likeness:.2f})</summary><div class=side><b>{esc(p.first)}</b><b>{esc(p.second)}</b>"
                     f"</div>{cells}</details>")
    return (intro + "<table><tr><th>assignment</th><th>learner</th><th>learner</th><th class=num>likeness</th>"
            "<th class=num>class median</th><th></th></tr>" + "".join(rows) + "</table>" + "".join(views))


def section_regrade(moves, previous_found: bool) -> str:
    """Whose scores moved since the previous report."""
    head = "<h2 id=regrade>Since the last report</h2>"
    if not previous_found:
        return head + "<p class=muted>No earlier <code>scores.json</code>: this is the first report here.</p>"
    if not moves:
        return head + "<p>No score moved since the last report.</p>"
    rows = []
    for m in moves:
        cls = "up" if m.delta > 0 else "down"
        cells = "; ".join(f"{c}: {fmt(b)} → {fmt(a)}" for c, b, a in m.cells)
        rows.append(f"<tr><td>{esc(m.student)}</td><td>{esc(m.assignment)}</td><td class=num>{fmt(m.before)}</td>"
                    f"<td class=num>{fmt(m.after)}</td><td class='num {cls}'>{m.delta:+g}</td>"
                    f"<td class=small><code>{esc(cells)}</code></td></tr>")
    return (head + f"<p>{len(moves)} submission{'s' if len(moves) != 1 else ''} changed.</p>"
            "<table><tr><th>learner</th><th>assignment</th><th class=num>before</th><th class=num>after</th>"
            "<th class=num>change</th><th>cells</th></tr>" + "".join(rows) + "</table>")


def render(*, title: str, root: str, learners: int, summaries, items, mistakes, pairs, threshold: float,
           moves, previous_found: bool, unattempted=(), generated: datetime | None = None) -> str:
    """The whole page.

    Parameters
    ----------
    title : str
        Page heading.
    root : str
        Course root, shown under the title.
    learners : int
        Learners in the gradebook.
    summaries, items, mistakes, pairs, moves
        Results of :mod:`~dlmath.report.items`, :mod:`~dlmath.report.mistakes`,
        :mod:`~dlmath.report.similarity` and :mod:`~dlmath.report.regrade`.
    threshold : float
        Likeness threshold used for ``pairs``.
    unattempted : list of Unattempted, optional
        Stubs left as the release had them, per assignment (:func:`~dlmath.report.mistakes.unattempted`).
    previous_found : bool
        Whether an earlier ``scores.json`` was compared against.
    generated : datetime, optional
        Time stamp shown (default now, UTC).

    Returns
    -------
    str
        HTML.
    """
    when = (generated or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M %Z").strip()
    nav = " · ".join(f"<a href='#{a}'>{t}</a>" for a, t in (
        ("assignments", "assignments"), ("items", "items"), ("mistakes", "common mistakes"),
        ("similar", "similar answers"), ("regrade", "since the last report"), ("files", "files")))
    files = ("<h2 id=files>Files</h2><ul><li><a href='items.csv'>items.csv</a> — every learner's score on "
             "every grade cell</li><li><a href='canvas.csv'>canvas.csv</a> — totals in Canvas's gradebook "
             "import format</li><li><a href='scores.json'>scores.json</a> — this run's scores, compared "
             "against by the next report</li></ul>")
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{esc(title)}</h1><p class='muted small'>{esc(root)} · {learners} learners · {esc(when)}</p>"
        f"<p class=small>{nav}</p>"
        + section_assignments(summaries) + section_items(items) + section_mistakes(mistakes, unattempted)
        + section_similar(pairs, threshold) + section_regrade(moves, previous_found) + files
        + "</body></html>\n")
