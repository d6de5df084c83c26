"""Building a report reports its progress: a step after reading the folder, each section and the page."""

from __future__ import annotations

import io

import sim
from sim.cli.progress import Work, steps
from sim.report.build import build_report
from sim.report.sections import ordered


def test_build_report_calls_progress_after_every_step(tmp_path):
    res = sim.run("scenarios/student_template.yaml", runs=6, seed=3, workers=1, out=tmp_path)
    calls = []
    out = build_report(res.path, lambda done, total: calls.append((done, total)))
    total = len(ordered()) + 2
    assert out.is_file()
    assert calls == [(k, total) for k in range(1, total + 1)]


def test_steps_advance_plain_progress_to_a_closing_line(tmp_path):
    res = sim.run("scenarios/student_template.yaml", runs=6, seed=3, workers=1, out=tmp_path)
    stream = io.StringIO()  # not a terminal: plain lines
    total = len(ordered()) + 2
    with Work(total, "report", unit="steps", stream=stream) as work:
        build_report(res.path, steps(work))
    assert work.done == total
    assert stream.getvalue().startswith(f"report: {total}/{total} steps in ")
    quiet = io.StringIO()
    with Work(total, "report", unit="steps", quiet=True, stream=quiet) as work:
        build_report(res.path, steps(work))
    assert quiet.getvalue() == ""
