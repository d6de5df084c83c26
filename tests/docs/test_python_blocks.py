"""Python in the docs runs: ``>>>`` blocks as doctests, blocks without prompts as plain scripts.

- A ``python`` block with ``>>>`` prompts is a doctest: pytest collects README.md and docs/*.md
  (pyproject: ``testpaths`` and ``--doctest-glob=*.md``). CONTRIBUTING.md's blocks are modules
  that register things; ``tests/test_contributing.py`` runs each and uses what it registered.
- A ``python`` block without prompts in README.md or docs/*.md is a script: written to a file
  (named as the text above it names it, ``python study.py``) in a fresh workspace standing in for
  the repository root, and run with ``python study.py`` exactly as written, no guard added,
  with all cores. A ``text`` block right after it shows output the run must print (numbers may
  differ when the text above says "e.g.").
"""

from __future__ import annotations

import re
import tomllib

import pytest

from .convention import missing_output
from .markdown import ROOT, Command, blocks, pages, python_scripts
from .workspace import Workspace

SCRIPTS = python_scripts(where=[p for p in pages() if p.name != "CONTRIBUTING.md"])


def script_name(command: Command) -> str:
    """``study.py`` when the text above the block says ``python study.py``."""
    (block,) = [b for b in blocks(ROOT / command.path) if b.fence_line + 1 == command.line]
    m = re.search(r"python3? ([\w-]+\.py)", block.lead)
    return m.group(1) if m else f"{command.path.replace('/', '_').removesuffix('.md').lower()}_{command.line}.py"


@pytest.mark.parametrize("command", SCRIPTS, ids=[c.id for c in SCRIPTS])
def test_script_block_runs_as_written(command: Command, tmp_path):
    ws = Workspace(tmp_path)
    name = script_name(command)
    (tmp_path / name).write_text(command.text, encoding="utf-8")
    result = ws.shell(f"python {name}")
    assert result.code == 0, f"{command.id}: `python {name}` exited {result.code}:\n{result.output[-4000:]}"
    missing = missing_output(result.output, command.expected, command.loose_numbers)
    assert not missing, f"{command.id}: output lacks {missing}:\n{result.output[-4000:]}"
    if "out=None" in command.text:
        assert not list((tmp_path / "results").iterdir()), "the script wrote results although it says out=None"


def test_readme_shows_the_python_api_as_a_plain_script():
    """The README's Python API example is a script (no ``__main__`` guard) with its output shown."""
    (api,) = [c for c in SCRIPTS if c.path == "README.md" and "sim.run(" in c.text]
    assert "__main__" not in api.text and api.expected
    assert script_name(api) == "study.py"


def test_every_prompted_block_is_a_collected_doctest():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "--doctest-glob=*.md" in config["addopts"]
    collected = {ROOT / p for p in config["testpaths"]}
    prompted = [
        page
        for page in pages()
        if any(b.lang in ("python", "pycon", "") and any(">>>" in line for line in b.lines) for b in blocks(page))
    ]
    assert prompted, "no doctest blocks found: the collector or the pages changed"
    outside = [p for p in prompted if p not in collected and p.parent not in collected]
    assert not outside, f">>> blocks in pages pytest does not collect: {outside} (add them to testpaths)"
