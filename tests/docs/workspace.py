"""Where documented commands run: a fresh copy of what they need, one per page.

A workspace is a temporary folder that stands in for the repository root: ``scenarios/``
copied, ``sweeps/`` as tiny twins of the shipped sweep files, an empty ``results/`` (so
nothing lands in the repository's), and ``bin/`` with ``tradesim`` and ``python`` running
this checkout's code with the test's interpreter. ``make`` runs in the repository itself,
as ``make -n`` (which writes nothing).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .convention import RUNS, is_make, rewrite, segments, subcommand, tiny_sweep
from .markdown import ROOT, Command

#: Seconds one command may take before the test fails (a hung command must not hang CI).
TIMEOUT_S = 900
#: ``my_scenario.yaml``: "copy scenarios/student_template.yaml, change it" (docs/scenarios.md).
#: The copy names its own calibration record, the one change a copy must make.
MY_SCENARIO = "my_scenario.yaml"
PLACEHOLDER = re.compile(r"<[A-Za-z][\w-]*>")


@dataclass
class Result:
    command: str  # as run, after the rewrites and placeholders
    code: int
    output: str  # stdout and stderr, interleaved as on a terminal


class Workspace:
    def __init__(self, path: Path, scheduler=None) -> None:
        """``scheduler()``: the address of a running Dask scheduler (started on first use)."""
        self.path, self.scheduler = path, scheduler
        shutil.copytree(ROOT / "scenarios", path / "scenarios")
        shutil.copytree(ROOT / "benchmarks", path / "benchmarks", ignore=shutil.ignore_patterns("__pycache__"))
        (path / "sweeps").mkdir()
        for sweep in sorted((ROOT / "sweeps").glob("*.yaml")):
            doc = tiny_sweep(yaml.safe_load(sweep.read_text(encoding="utf-8")))
            (path / "sweeps" / sweep.name).write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        (path / "results").mkdir()
        bin_ = path / "bin"
        bin_.mkdir()
        for name, target in (("tradesim", f'"{sys.executable}" -m sim'), ("python", f'"{sys.executable}"')):
            (bin_ / name).write_text(f'#!/bin/sh\nexec {target} "$@"\n', encoding="utf-8")
            (bin_ / name).chmod(0o755)
        (bin_ / "python3").symlink_to(bin_ / "python")

    @property
    def env(self) -> dict[str, str]:
        path = f"{self.path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
        pythonpath = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        # BROWSER: `--open` "opens" the page with `true`; no browser starts in a test
        return {**os.environ, "PATH": path, "PYTHONPATH": pythonpath, "BROWSER": "true", "NO_COLOR": "1"}

    def shell(self, text: str, cwd: Path | None = None) -> Result:
        proc = subprocess.run(
            ["bash", "-c", text],
            cwd=cwd or self.path,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=TIMEOUT_S,
        )
        return Result(text, proc.returncode, proc.stdout)

    # ---------------------------------------------------------------- placeholders

    def results_folders(self, name: str | None = None) -> list[Path]:
        """Complete results folders under ``results/`` (of ``name``), oldest first."""
        found = []
        for manifest in (self.path / "results").glob(f"{name or '*'}/*/manifest.json"):
            if json.loads(manifest.read_text(encoding="utf-8")).get("status") == "complete":
                found.append(manifest.parent)
        return sorted(found, key=lambda p: p.joinpath("manifest.json").stat().st_mtime)

    def results(self, name: str | None = None, fresh: bool = False) -> Path:
        """The newest complete results folder (of sweep or scenario ``name``), made by a tiny run
        when there is none (or ``fresh``): ``sweeps/<name>.yaml`` or ``scenarios/<name>.yaml``,
        the student template when no name is given."""
        have = self.results_folders(name)
        if have and not fresh:
            return have[-1]
        name = name or "student_template"
        if (self.path / "sweeps" / f"{name}.yaml").exists():
            made = self.shell(f"tradesim sweep sweeps/{name}.yaml --quiet --no-report")
        else:
            seed = 1 + len(have)
            made = self.shell(f"tradesim run scenarios/{name}.yaml --runs {RUNS} --seed {seed} --quiet --no-report")
        assert made.code == 0, f"making results for a placeholder failed:\n{made.output}"
        return self.results_folders(name)[-1]

    def fill(self, text: str) -> str:
        """Placeholders by real things (see the convention in test_shell_blocks.py)."""
        text = re.sub(r"(?<![\w/.-])my_scenario\.yaml\b", lambda m: self.my_scenario(), text)
        if "tcp://" in text:
            text = re.sub(r"tcp://[^\s'\"]+", lambda m: self.scheduler(), text)

        def folder(m: re.Match) -> str:
            name = None if PLACEHOLDER.fullmatch(m.group(1)) else m.group(1)
            return self.results(name).relative_to(self.path).as_posix()

        text = re.sub(r"results/([\w.<>-]+)/<[\w-]+>/?", folder, text)
        words = {"RESULTS": lambda: self.results(), "FOLDER": lambda: self.results()}
        words["RESULTS_A"] = words["RESULTS"]
        words["RESULTS_B"] = lambda: self.results(fresh=True)
        for word, make in words.items():
            if re.search(rf"(?<![\w/.-]){word}(?![\w/.-])", text):
                text = re.sub(rf"(?<![\w/.-]){word}(?![\w/.-])", make().relative_to(self.path).as_posix(), text)
        return text

    def my_scenario(self) -> str:
        path = self.path / MY_SCENARIO
        if not path.exists():
            text = (self.path / "scenarios" / "student_template.yaml").read_text(encoding="utf-8")
            text, n = re.subn(r"(?m)^(  file:\s*)\S+", r"\g<1>my_scenario.calibration.yaml", text)
            assert n == 1, "scenarios/student_template.yaml: expected one `calibration.file` line to repoint"
            path.write_text(text, encoding="utf-8")
        return MY_SCENARIO

    # ---------------------------------------------------------------- running

    def run(self, command: Command) -> Result:
        """Run a documented command by the convention: rewritten, placeholders filled; a sweep
        starts from no results of its own (earlier ones of the page moved aside)."""
        text = rewrite(command.text)
        if is_make(text):
            return self.shell(text, cwd=ROOT)
        text = self.fill(text)
        left = PLACEHOLDER.findall(text)
        assert not left, f"{command.id}: unknown placeholder {left}: give it a meaning in tests/docs/workspace.py"
        for seg, _ in segments(text):
            if subcommand(seg) == "sweep" and "--dry-run" not in seg.split():
                self.move_aside(seg)
        return self.shell(text)

    def move_aside(self, segment: str) -> None:
        sweep = next((w for w in segment.split()[2:] if w.endswith((".yaml", ".yml"))), None)
        if sweep is None or not (self.path / sweep).exists():
            return
        name = yaml.safe_load((self.path / sweep).read_text(encoding="utf-8"))["name"]
        folder = self.path / "results" / name
        if folder.exists():
            k = len(list(self.path.glob(f"earlier-results/{name}-*")))
            (self.path / "earlier-results").mkdir(exist_ok=True)
            folder.rename(self.path / "earlier-results" / f"{name}-{k}")


@dataclass
class Page:
    """The commands of one page, run in order in one workspace, as a reader pasting them would:
    a command's test first runs the commands above it that have not run yet."""

    workspace: Workspace
    commands: list[Command]
    done: dict[int, Result] = field(default_factory=dict)
    tolerated: set[int] = field(default_factory=set)  # expected to fail (xfail): not a reason to stop the page

    def run_through(self, k: int) -> Result:
        for j in range(k):
            if j not in self.done:
                self.done[j] = self.workspace.run(self.commands[j])
            prior = self.done[j]
            if prior.code != self.commands[j].exit_code and j not in self.tolerated:
                raise AssertionError(
                    f"{self.commands[j].id}, above this command on its page, failed (exit {prior.code}); "
                    f"see its own test:\n{prior.output[-2000:]}"
                )
        if k not in self.done:
            self.done[k] = self.workspace.run(self.commands[k])
        return self.done[k]
