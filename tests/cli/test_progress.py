"""Progress of ``game`` and ``tournament`` (:mod:`sim.cli.progress`): plain lines off a terminal, a bar on
one, nothing with ``--quiet``; the rate is the work this process did over the time it took."""

from __future__ import annotations

import io
import re

import pytest

from sim.cli import progress
from sim.cli.main import main
from sim.cli.progress import Work, duration

SCENARIO = "scenarios/student_template.yaml"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # anything but tab and newline


def game(tmp_path, *extra):
    return main(
        ["game", SCENARIO, "--policies", "US=resolve", "--policies", "CN=resolve,scripted"]
        + ["--runs", "2", "--bootstrap", "3", "--workers", "1", "--out", str(tmp_path), *extra]
    )


def test_game_progress_on_a_plain_stderr_is_a_few_plain_lines(tmp_path, capsys):
    assert game(tmp_path) == 0
    out, err = capsys.readouterr()
    assert "game: 2 policy pairs: 4/4 runs in " in err
    assert "game: bootstrap: 3/3 resamples in " in err
    assert not CONTROL.search(err), repr(err)
    assert len(err.splitlines()) <= 4
    assert "results: " in out and "game:" not in out  # progress never on stdout


def test_game_progress_is_off_with_quiet(tmp_path, capsys):
    assert game(tmp_path, "--quiet") == 0
    out, err = capsys.readouterr()
    assert err == "" and "results: " in out


def test_tournament_progress_counts_every_match(tmp_path, capsys):
    argv = ["tournament", SCENARIO, "--policies", "resolve,scripted", "--runs", "2", "--workers", "1"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "tournament: 4 matches: 8/8 runs in " in err and not CONTROL.search(err)
    one = ["tournament", SCENARIO, "--policies", "resolve", "--runs", "2", "--workers", "1", "--quiet"]
    assert main([*one, "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().err == ""


# ---------------------------------------------------------------- the Work counter
class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(progress.time, "perf_counter", c)
    return c


def test_rate_and_time_left_count_the_work_done_here(clock):
    stream = io.StringIO()
    w = Work(40, "job", stream=stream)
    assert w.eta() != w.eta()  # nan: no estimate before the first unit
    clock.now += 5
    w.advance(10)
    assert w.rate() == pytest.approx(2.0) and w.eta() == pytest.approx(15.0)


def test_plain_lines_come_every_few_seconds_and_one_at_the_end(clock):
    stream = io.StringIO()
    with Work(4, "job", "runs", stream=stream, every=5.0) as w:
        clock.now += 1
        w.advance()  # too soon for a line
        clock.now += 5
        w.advance()
        clock.now += 1
        w.advance(2)
    lines = stream.getvalue().splitlines()
    assert lines == ["job: 2/4 runs, 0.3 runs/s, ETA 6 s", "job: 4/4 runs in 7 s, 0.6 runs/s"]


def test_a_stopped_job_has_no_closing_line_and_quiet_says_nothing(clock):
    stream = io.StringIO()
    with pytest.raises(KeyboardInterrupt), Work(4, "job", stream=stream) as w:
        w.advance()
        raise KeyboardInterrupt
    assert stream.getvalue() == ""
    with Work(2, "job", stream=stream, quiet=True, every=0) as w:
        w.advance(2)
    assert stream.getvalue() == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_it_is_a_bar_with_rate_and_time_left():
    stream = Terminal()
    with Work(3, "job", "runs", stream=stream) as w:
        w.advance(1)
        w._bar.refresh()
        w.advance(2)
    text = stream.getvalue()
    assert "\x1b[" in text  # drawn with control sequences, then taken down
    assert "job" in text and "runs/s" in text and "ETA" in text and "1/3" in text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.4, "0 s"), (42, "42 s"), (185, "3 min 05 s"), (7620, "2 h 07 min"), (float("nan"), "-"), (float("inf"), "-")],
)
def test_durations_read_as_people_say_them(seconds, text):
    assert duration(seconds) == text


def test_rationality_on_one_worker_reports_progress_as_it_goes():
    """One worker runs its chunks inline: they are submitted one by one, so progress moves."""
    from sim.analysis.rationality import individual_rationality
    from sim.engine.compile import load_scenario

    calls: list[int] = []
    sc = load_scenario("scenarios/baseline_oct2025.yaml")
    result = individual_rationality(sc, 20, 7, workers=1, progress=calls.append)
    assert calls == [1] * 20 and result.runs == 20  # the same for any worker count: tests/analysis
