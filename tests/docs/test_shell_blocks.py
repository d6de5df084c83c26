"""Documented commands are tests: every shell command in README.md, CONTRIBUTING.md and docs/*.md runs.

What is collected (``tests/docs/markdown.py``), one test per command, id ``page:line``:

- every line of a fenced ``sh``/``bash``/``shell``/``console`` block (``\\``-continued lines
  joined, comment lines left out), and every ``$ `` line of any fenced block;
- inline code that is a ``make`` target (```make quick```).

How it runs (``tests/docs/convention.py``, ``tests/docs/workspace.py``):

- **Workspace.** Each page gets a fresh temporary folder standing in for the repository root:
  ``scenarios/`` copied, ``sweeps/`` as tiny twins of the shipped files, an empty ``results/``
  (nothing lands in the repository's ``results/``), ``tradesim`` and ``python`` on the PATH
  running this checkout. A page's commands run in page order, as a reader pasting them would;
  a command's test first runs the commands above it that have not run yet.
- **Fewer runs.** ``tradesim run`` and ``rationality``: ``--runs N`` lowered to 20 (appended when
  absent); ``game`` and ``tournament``: 4 runs per pair. ``tradesim sweep`` runs the workspace's
  tiny twin of the sweep file: same name, scenario, design, parameters and seed, with at most
  8 points and 2 replications (morris and saltelli: 2 points, the fewest their indices take, and
  1 replication), in at least two chunks. A sweep command starts from no results of its own sweep (those of
  earlier commands of the page are moved aside): a page that shows one sweep on several
  executors runs each for real rather than resuming.
- **Watch mode.** ``tradesim run ... --watch`` gets ``--once`` (one run and its report, then exit).
- **make.** ``make X`` runs as ``make -n X`` in the repository: the target exists, its recipe
  expands, and every file its recipe names exists.
- **Placeholders** get real things: ``tcp://HOST:PORT`` (any ``tcp://`` address) a Dask scheduler
  started by the test; ``results/<sweep>/<id>`` the newest complete results folder of the
  workspace, ``results/NAME/<id>`` the newest of ``NAME`` (made by a tiny run of
  ``sweeps/NAME.yaml`` or ``scenarios/NAME.yaml`` when there is none); ``RESULTS``, ``FOLDER``,
  ``RESULTS_A`` likewise, ``RESULTS_B`` a second tiny run; ``my_scenario.yaml`` a copy of
  ``scenarios/student_template.yaml`` that names its own calibration record. An unknown ``<...>``
  placeholder fails the test: give it a meaning in ``workspace.py``.
- **Set-up lines** (``pip install``, ``git clone``, ``cd tradesim``: ``convention.SETUP``, a short
  named list) are recognised and not run: they are what the test environment already did.
- **Passing.** Exit code 0, or ``N`` when the command's comment says ``exit code N`` (an example
  of an error). Output the page shows (the lines after a ``$ `` line, or a ``text`` block right
  after the command's block) must appear in order; ``...`` matches anything, and when the text
  above says "e.g." numbers may differ.
- **slow**: ``game``, ``tournament``, ``rationality``, and commands that run (or need results of) a
  sweep whose tiny twin still has more than 100 runs; a command below a slow one on its page is
  slow too (it may use what that made).
- **Known failures** (``convention.KNOWN_FAILURES``) and options the CLI does not have yet
  (``convention.PENDING_OPTIONS``) are ``xfail(strict=True)``: the test fails once they work.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from .convention import is_slow, known_failure, pending_option, setup_reason
from .markdown import PROMPT, ROOT, SHELL, Command, blocks, inline_code, shell_commands
from .markdown import pages as pages_of
from .workspace import Page, Workspace


def documented() -> list[Command]:
    """Every command to run, by page and line."""
    found = [c for c in shell_commands() if setup_reason(c.text) is None]
    targets = [(p, n, t) for p, n, t in inline_code() if t.split()[:1] == ["make"] and len(t.split()) > 1]
    found += [Command(p, n, t, inline=True) for p, n, t in targets]
    return sorted(found, key=lambda c: (c.path, c.line))


COMMANDS = documented()


@cache
def options_of(sub: str) -> frozenset[str]:
    from sim.cli.main import build_parser

    parser = build_parser()
    (subparsers,) = [a for a in parser._actions if a.choices and sub in a.choices]
    return frozenset(s for a in subparsers.choices[sub]._actions for s in a.option_strings)


def params() -> list:
    out, slow_pages = [], set()
    for c in COMMANDS:
        if c.path not in slow_pages and is_slow(c.text):
            slow_pages.add(c.path)
        marks = [pytest.mark.slow] if c.path in slow_pages else []
        why = known_failure(c) or pending_option(c, options_of)
        if why:
            marks.append(pytest.mark.xfail(strict=True, reason=why))
        out.append(pytest.param(c, id=c.id, marks=marks))
    return out


class Scheduler:
    """A Dask scheduler on a free local port with one in-process worker, started on first use."""

    def __init__(self) -> None:
        self.cluster = None

    def __call__(self) -> str:
        if self.cluster is None:
            from distributed import LocalCluster

            self.cluster = LocalCluster(
                n_workers=1,
                threads_per_worker=1,
                processes=False,
                protocol="tcp",
                host="127.0.0.1",
                scheduler_port=0,
                dashboard_address=None,
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},  # its HTTP server on a free port
            )
        return self.cluster.scheduler_address

    def close(self) -> None:
        if self.cluster is not None:
            self.cluster.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    scheduler = Scheduler()
    made: dict[str, Page] = {}

    def page(path: str) -> Page:
        if path not in made:
            ws = Workspace(tmp_path_factory.mktemp(re.sub(r"\W", "_", path)), scheduler)
            cmds = [c for c in COMMANDS if c.path == path]
            xfail = {k for k, c in enumerate(cmds) if known_failure(c) or pending_option(c, options_of)}
            made[path] = Page(ws, cmds, tolerated=xfail)
        return made[path]

    before = sorted(p.name for p in (ROOT / "results").iterdir())
    yield page
    scheduler.close()
    assert sorted(p.name for p in (ROOT / "results").iterdir()) == before, "a documented command wrote into results/"


def recipe_files(output: str) -> list[str]:
    """Repository files a ``make -n`` recipe names (``benchmarks/bench_run.py``)."""
    names = re.findall(r"(?<![\w$/.-])((?:[\w-]+/)*[\w-]+\.(?:py|yaml|toml|md|json))\b", output)
    return [n for n in names if not n.startswith(".venv")]


@pytest.mark.parametrize("command", params())
def test_documented_command(command: Command, pages):
    page = pages(command.path)
    result = page.run_through(page.commands.index(command))
    assert result.code == command.exit_code, (
        f"{command.id}: `{result.command}` exited {result.code}, the page expects {command.exit_code}:\n"
        f"{result.output[-4000:]}"
    )
    from .convention import missing_output

    missing = missing_output(result.output, command.expected, command.loose_numbers)
    assert not missing, f"{command.id}: output lacks {missing}:\n{result.output[-4000:]}"
    if command.text.split()[:1] == ["make"]:
        assert result.output.strip(), f"{command.id}: `{result.command}` expands to nothing"
        absent = [f for f in recipe_files(result.output) if not (ROOT / f).exists()]
        assert not absent, f"{command.id}: the recipe of `{command.text}` names missing files {absent}"


def test_no_command_hides_in_an_untagged_block():
    """A command in a fence the collector does not read as shell (no language, ``text``, a typo)
    would never run: every line that starts like a command is in a shell block or after ``$ ``."""
    hidden = []
    for page in pages_of():
        for block in blocks(page):
            if block.lang in SHELL or any(line.lstrip().startswith(PROMPT) for line in block.lines):
                continue
            for k, line in enumerate(block.lines):
                if re.match(r"(tradesim|make|python3?) [\w-]", line.strip()):
                    hidden.append(f"{block.path}:{block.fence_line + 1 + k}: {line.strip()}")
    assert not hidden, "tag these blocks ```sh (or prefix the commands with `$ `):\n" + "\n".join(hidden)
