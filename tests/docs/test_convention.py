"""The rules of "Documented commands are tests" do what test_shell_blocks.py says they do."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from .convention import (
    is_slow,
    missing_output,
    pending_option,
    rewrite,
    segments,
    setup_reason,
    tiny_runs,
    tiny_sweep,
)
from .markdown import ROOT, Block, Command, blocks, commands_in, split_comment
from .workspace import Workspace


def block(lang: str, text: str, lead: str = "", gap: int = 1) -> Block:
    return Block("docs/x.md", 10, lang, tuple(text.splitlines()), lead, gap)


def test_comments_end_commands_outside_quotes_only():
    line = "tradesim game s.yaml --policies 'US=a{k: #1}' \"x # y\"   # rows, then columns"
    assert split_comment(line) == ("tradesim game s.yaml --policies 'US=a{k: #1}' \"x # y\"", "rows, then columns")
    assert split_comment("echo a#b") == ("echo a#b", "")


def test_shell_block_lines_continuations_and_comments():
    cmds = commands_in(block("sh", "# set up\ntradesim game s.yaml \\\n  --runs 200\nmake quick   # fast tests\n"))
    assert [(c.line, c.text, c.comment) for c in cmds] == [
        (12, "tradesim game s.yaml --runs 200", ""),
        (14, "make quick", "fast tests"),
    ]


def test_console_output_and_exit_code():
    text = "$ tradesim validate bad.yaml   # exit code 2\nbad.yaml:3:1: meta.name: missing\n$ echo done\ndone\n"
    first, second = commands_in(block("console", text, lead="Bad input, e.g.:"))
    assert (first.text, first.exit_code, first.expected) == (
        "tradesim validate bad.yaml",
        2,
        ("bad.yaml:3:1: meta.name: missing",),
    )
    assert first.loose_numbers and second.expected == ("done",) and second.exit_code == 0


def test_a_text_block_after_shows_the_last_commands_output():
    cmd = block("sh", "tradesim sweep s.yaml --dry-run")
    (c,) = commands_in(cmd, block("text", "sweep s: 64 points", lead="prints", gap=1))
    assert c.expected == ("sweep s: 64 points",)
    (far,) = commands_in(cmd, block("text", "sweep s: 64 points", gap=2))
    assert far.expected == ()


def test_prompts_in_untagged_blocks_are_commands_and_plain_lines_are_not():
    assert [c.text for c in commands_in(block("", "$ make lint\nruff ok\n"))] == ["make lint"]
    assert commands_in(block("", "my.yaml:12:5: actors.US: unknown key")) == []
    assert commands_in(block("yaml", "name: x")) == []


def test_runs_are_capped_or_appended():
    assert rewrite("tradesim run s.yaml --runs 200") == "tradesim run s.yaml --runs 20"
    assert rewrite("tradesim run s.yaml --runs 5") == "tradesim run s.yaml --runs 5"
    assert rewrite("tradesim run s.yaml --set a.b=1") == "tradesim run s.yaml --set a.b=1 --runs 20"
    assert rewrite("tradesim rationality s.yaml --runs=400") == "tradesim rationality s.yaml --runs=20"
    game = "tradesim game s.yaml --policies 'US=a'"
    assert rewrite(f"{game} --runs 200") == f"{game} --runs 4"
    assert rewrite("tradesim tournament s.yaml --policies a,b") == "tradesim tournament s.yaml --policies a,b --runs 4"
    assert rewrite("tradesim validate s.yaml") == "tradesim validate s.yaml"


def test_watch_runs_once_and_make_runs_dry():
    assert rewrite("tradesim run s.yaml --watch") == "tradesim run s.yaml --watch --runs 20 --once"
    assert rewrite("tradesim run s.yaml --watch --once") == "tradesim run s.yaml --watch --once --runs 20"
    assert rewrite('make golden WHY="..."') == 'make -n golden WHY="..."'


def test_segments_split_at_separators_outside_quotes_and_substitutions():
    text = 'tradesim run a.yaml && tradesim analyze sensitivity "$(ls -td results/x/*/ | head -1)" | cat'
    assert [sep for _, sep in segments(text)] == ["&&", "|", ""]
    assert rewrite(text).startswith("tradesim run a.yaml --runs 20 && tradesim analyze")


def test_set_up_lines_are_a_short_named_list():
    assert setup_reason("pip install -e '.[test]'") and setup_reason("git clone https://example.org/t.git")
    assert setup_reason("cd tradesim") and setup_reason("tradesim run x.yaml") is None
    assert setup_reason("cd results") is None


def test_tiny_sweeps_keep_the_design_and_shrink_the_runs():
    doc = yaml.safe_load((ROOT / "sweeps" / "threat_and_stocks.yaml").read_text(encoding="utf-8"))
    tiny = tiny_sweep(doc)
    assert {k: tiny[k] for k in ("name", "scenario", "design", "seed", "parameters")} == {
        k: doc[k] for k in ("name", "scenario", "design", "seed", "parameters")
    }
    assert (tiny["points"], tiny["replications"]) == (8, 2) and tiny_runs(tiny) == 16
    assert tiny["chunk_runs"] == 8  # two chunks: two workers each get one
    morris = tiny_sweep(yaml.safe_load((ROOT / "sweeps" / "assumptions_morris.yaml").read_text(encoding="utf-8")))
    assert morris["points"] == 2 and morris["replications"] == 1


def test_slow_commands():
    assert is_slow("tradesim game s.yaml --policies 'US=a,b' --policies 'CN=c'")
    assert is_slow("tradesim sweep sweeps/assumptions_morris.yaml --workers 2")
    assert is_slow('tradesim analyze sensitivity "$(ls -td results/assumptions_morris/*/ | head -1)"')
    assert not is_slow("tradesim sweep sweeps/assumptions_morris.yaml --dry-run")
    assert not is_slow("tradesim sweep sweeps/threat_and_stocks.yaml --executor dask")
    assert not is_slow("tradesim run scenarios/baseline_oct2025.yaml --runs 200")


def test_pending_options_only_while_the_cli_lacks_them():
    cmd, pending = Command("docs/x.md", 1, "tradesim run s.yaml --live"), {"--live": "being built"}
    assert pending_option(cmd, lambda sub: {"--runs"}, pending) == "being built"
    assert pending_option(cmd, lambda sub: {"--runs", "--live"}, pending) is None
    assert pending_option(Command("docs/x.md", 1, "tradesim run s.yaml"), lambda sub: set(), pending) is None


def test_shown_output_is_matched_in_order_with_examples_loose():
    out = "200 runs\n{'deal': 0.93, 'escalation': 0.07}\nresults: results/b/2026-x\n"
    assert missing_output(out, ("200 runs", "results: results/b/...")) == []
    assert missing_output(out, ("{'deal': 0.9, ...}",)) == ["{'deal': 0.9, ...}"]
    assert missing_output(out, ("{'deal': 0.9, ...}",), loose_numbers=True) == []
    assert missing_output(out, ("results:", "200 runs")) == ["200 runs"]  # order matters
    assert missing_output(out, ("300 runs",), loose_numbers=True) == []
    assert missing_output(out, ("300 games",), loose_numbers=True) == ["300 games"]


def test_placeholders_get_real_things(tmp_path):
    ws = Workspace(tmp_path, scheduler=lambda: "tcp://127.0.0.1:4242")
    folder = tmp_path / "results" / "threat_and_stocks" / "abc123"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"status": "complete"}), encoding="utf-8")
    filled = ws.fill("tradesim analyze discover results/<sweep>/<id> --outcome deal")
    assert filled == "tradesim analyze discover results/threat_and_stocks/abc123 --outcome deal"
    assert ws.fill("x --scheduler tcp://10.0.0.5:8786") == "x --scheduler tcp://127.0.0.1:4242"
    assert ws.fill("tradesim report RESULTS --open") == "tradesim report results/threat_and_stocks/abc123 --open"
    assert ws.fill("tradesim calibrate my_scenario.yaml") == "tradesim calibrate my_scenario.yaml"
    record = yaml.safe_load((tmp_path / "my_scenario.yaml").read_text(encoding="utf-8"))["calibration"]["file"]
    assert record == "my_scenario.calibration.yaml"


def test_workspace_stands_in_for_the_root(tmp_path):
    ws = Workspace(tmp_path)
    assert sorted(p.name for p in (tmp_path / "scenarios").glob("*.yaml")) == sorted(
        p.name for p in (ROOT / "scenarios").glob("*.yaml")
    )
    result = ws.shell(
        "tradesim validate scenarios/student_template.yaml && python -c 'import sim; print(sim.__file__)'"
    )
    assert result.code == 0 and str(ROOT / "sim") in result.output, result.output
    assert list((tmp_path / "results").iterdir()) == []


def test_pages_are_read_from_the_repository():
    (first,) = [b for b in blocks(ROOT / "docs" / "sweeps.md") if b.lang == "sh"][:1]
    assert Path(first.path) == Path("docs/sweeps.md") and first.lines[0].startswith("tradesim sweep")
