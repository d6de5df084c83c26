"""How a documented command is run as a test: the rules of "Documented commands are tests".

Everything here is a pure function of the command's text (and the repository's sweep files),
so the rules are tested on their own (``tests/docs/test_convention.py``); the module
docstring of ``tests/docs/test_shell_blocks.py`` states them for readers.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import yaml

from .markdown import ROOT, Command, unquoted

#: Runs for ``tradesim run`` / ``rationality`` (``--runs N`` lowered to this, or appended).
RUNS = 20
#: Runs per policy pair or match for ``tradesim game`` / ``tournament``.
GAME_RUNS = 4
#: Tiny sweeps (written over the workspace's copy of every sweeps/*.yaml): at most this many
#: points for sampling designs, and at most this many replications per point; a design with
#: indices gets the fewest points it accepts (morris trajectories, saltelli base samples) and
#: one replication; a design without parameters (a Monte Carlo) keeps up to ``RUNS`` runs.
TINY_POINTS = 8
INDEX_POINTS = 2
TINY_REPLICATIONS = 2
#: A command that executes more runs than this, even shrunk, is ``slow``.
SLOW_RUNS = 100
#: Commands that are ``slow`` whatever their runs: every policy pair or pair of runs is simulated.
SLOW_SUBCOMMANDS = {"game", "tournament", "rationality"}

#: Set-up lines that are recognised and not run: they are what the test environment already
#: did. Keep this list tiny: anything else a page shows runs.
SETUP = {
    r"(python3? -m )?pip install\b": "installing: the tests run in the installed environment",
    r"git clone\b": "cloning: the tests run inside the clone",
    r"cd tradesim/?$": "entering the clone: commands run from a copy of its root",
}

#: Commands a page shows that fail today for a reason being fixed elsewhere, keyed by a piece of
#: their text. Marked ``xfail(strict=True)``: the test fails as soon as the command works, so the
#: entry is removed then; a command whose text changes no longer matches and runs normally.
KNOWN_FAILURES: dict[str, str] = {}
#: Options a page may show before the CLI on this branch has them, with the reason, e.g.
#: ``{"--watch": "watch mode is being built"}``: ``xfail(strict=True)`` while the parser lacks
#: them; the test runs for real once they land. Empty: every option the pages show exists.
PENDING_OPTIONS: dict[str, str] = {}

SEPARATORS = ("&&", "||", ";", "|")


def setup_reason(text: str) -> str | None:
    """Why a set-up line is not run, or None for a command that runs."""
    for pattern, why in SETUP.items():
        if re.match(pattern, text.strip()):
            return why
    return None


def segments(text: str) -> list[tuple[str, str]]:
    """``(simple command, separator after it)`` for a shell line: split at ``&&``, ``||``, ``;``
    and ``|`` outside quotes and ``$(...)``."""
    out, start, depth = [], 0, 0
    for k in unquoted(text):
        if k < start:
            continue  # the rest of a separator just taken
        if text.startswith("$(", k):
            depth += 1
        elif text[k] == ")" and depth:
            depth -= 1
        elif not depth:
            sep = next((s for s in SEPARATORS if text.startswith(s, k)), None)
            if sep:
                out.append((text[start:k], sep))
                start = k + len(sep)
    out.append((text[start:], ""))
    return out


def words(segment: str) -> list[str]:
    return segment.split()


def subcommand(segment: str) -> str | None:
    """``run`` for ``tradesim run ...``; None when the segment is not a tradesim command."""
    w = words(segment)
    return w[1] if len(w) > 1 and w[0] == "tradesim" else None


def _cap_runs(segment: str, runs: int) -> str:
    m = re.search(r"--runs(?:\s+|=)(\d+)", segment)
    if m is None:
        return segment.rstrip() + f" --runs {runs}" + segment[len(segment.rstrip()) :]
    return segment[: m.start(1)] + str(min(int(m.group(1)), runs)) + segment[m.end(1) :]


def rewrite_segment(segment: str) -> str:
    """One simple command as the test runs it: fewer runs, ``--watch`` once, ``make`` dry."""
    w = words(segment)
    if w[:1] == ["make"] and "-n" not in w:
        return segment.replace("make", "make -n", 1)
    sub = subcommand(segment)
    if sub in ("run", "rationality"):
        segment = _cap_runs(segment, RUNS)
        if "--watch" in w and "--once" not in w:
            segment = segment.rstrip() + " --once" + segment[len(segment.rstrip()) :]
    elif sub in ("game", "tournament"):
        segment = _cap_runs(segment, GAME_RUNS)
    return segment


def rewrite(text: str) -> str:
    """The command line as the test runs it (placeholders are filled in later, in the workspace)."""
    return "".join(rewrite_segment(seg) + sep for seg, sep in segments(text))


def is_make(text: str) -> bool:
    return text.split()[:1] == ["make"]


def tiny_sweep(doc: dict) -> dict:
    """A sweep file's tiny twin: same name, scenario, design, parameters and seed; fewer points,
    replications and runs per chunk (at least two chunks, so two workers both get one)."""
    from sim.experiments.designs.base import REGISTRY as DESIGNS
    from sim.experiments.sweepfile import SweepSpec

    doc = dict(doc)
    design = DESIGNS[doc.get("design", "grid")]
    if not design.takes_parameters:
        doc["replications"] = min(doc.get("replications", 1), RUNS)
    else:
        doc["replications"] = min(doc.get("replications", 1), TINY_REPLICATIONS)
        if design.indices is not None:  # points x (parameters + 1 or more): the fewest, once each
            doc["points"], doc["replications"] = INDEX_POINTS, 1
        elif "points" in doc or doc.get("design", "grid") != "grid":
            doc["points"] = min(doc.get("points", 64), TINY_POINTS)
    runs = tiny_runs(doc)
    doc["chunk_runs"] = max(1, min(doc.get("chunk_runs", 100), math.ceil(runs / 2)))
    SweepSpec.model_validate(doc)  # still a valid sweep
    return doc


def tiny_runs(doc: dict) -> int:
    from sim.experiments.sweepfile import SweepSpec

    spec = SweepSpec.model_validate(doc)
    return spec.design_points() * spec.replications


def sweep_runs(name: str, root: Path = ROOT) -> int | None:
    """Runs of the tiny twin of ``sweeps/<name>.yaml`` (None if there is no such sweep file)."""
    path = root / "sweeps" / f"{name}.yaml"
    if not path.exists():
        return None
    return tiny_runs(tiny_sweep(yaml.safe_load(path.read_text(encoding="utf-8"))))


def is_slow(text: str, root: Path = ROOT) -> bool:
    """A game, tournament or rationality check, or a command that runs (or needs the results of)
    a sweep whose tiny twin still has more than ``SLOW_RUNS`` runs."""
    for seg, _ in segments(text):
        if subcommand(seg) in SLOW_SUBCOMMANDS:
            return True
    dry = "--dry-run" in text.split()
    names = set(re.findall(r"results/([\w.-]+)/", text))
    if not dry:
        names |= set(re.findall(r"sweeps/([\w.-]+)\.yaml", text))
    return any((sweep_runs(n, root) or 0) > SLOW_RUNS for n in names)


def known_failure(command: Command) -> str | None:
    return next((why for piece, why in KNOWN_FAILURES.items() if piece in command.text), None)


def pending_option(command: Command, options_of, pending: dict[str, str] | None = None) -> str | None:
    """Why the command cannot work yet: it shows a pending option the CLI does not have.
    ``options_of(subcommand)`` gives the option strings of a tradesim subcommand."""
    for seg, _ in segments(command.text):
        sub = subcommand(seg)
        if sub is None:
            continue
        for option, why in (PENDING_OPTIONS if pending is None else pending).items():
            if option in words(seg) and option not in options_of(sub):
                return why
    return None


NUMBER = r"[-+−]?(?:\d[\d,]*)?\.?\d+(?:[eE][-+]?\d+)?"


def _piece(text: str, loose_numbers: bool) -> str:
    if not loose_numbers:
        return re.escape(text)
    return NUMBER.join(re.escape(p) for p in re.split(NUMBER, text))


def line_pattern(expected: str, loose_numbers: bool) -> str:
    """A shown output line as a pattern: runs of blanks match any blanks, ``...`` matches anything,
    and (when the page says "e.g.") every number matches any number."""
    words_ = [".*?".join(_piece(p, loose_numbers) for p in word.split("...")) for word in expected.split()]
    return r"[ \t]+".join(words_)


def missing_output(output: str, expected: tuple[str, ...], loose_numbers: bool = False) -> list[str]:
    """The shown lines the output lacks (in order: each is looked for after the previous one)."""
    missing, pos = [], 0
    for line in expected:
        m = re.compile(line_pattern(line, loose_numbers)).search(output, pos)
        if m is None:
            missing.append(line)
        else:
            pos = m.end()
    return missing
