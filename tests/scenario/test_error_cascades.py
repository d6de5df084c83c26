"""One mistake, one error: structural mistakes are not reported as every key they displace, syntax
errors hint at their cause, each through ``tradesim validate`` (file:line, exit 2, no traceback)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli.main import main

from ..conftest import ROOT

TEMPLATE = ROOT / "scenarios" / "student_template.yaml"
TEXT = TEMPLATE.read_text(encoding="utf-8")


def edited(tmp_path: Path, old: str, new: str) -> tuple[Path, list[str]]:
    assert old in TEXT, old
    text = TEXT.replace(old, new, 1)
    p = tmp_path / "s.yaml"
    p.write_text(text, encoding="utf-8")
    return p, text.splitlines()


def line_of(lines: list[str], needle: str) -> int:
    return next(i for i, ln in enumerate(lines, 1) if needle in ln)


def validate(path: Path, capsys) -> list[str]:
    """The problems ``tradesim validate`` prints (it must fail with exit 2, without a traceback)."""
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines[-1] == f"{len(lines) - 1} problem(s) found"
    return lines[:-1]


POLICY = (
    "    policy:                       # policies: scripted, tit_for_tat, resolve, attrition, best_response, bayesian\n"
    "      name: resolve               # holds until its accumulated loss reaches resolve_bn\n"
)


def test_a_tab_in_the_indentation_is_named_with_its_line(tmp_path, capsys):
    p, lines = edited(tmp_path, "      name: resolve   ", "\tname: resolve   ")
    (msg,) = validate(p, capsys)
    n = line_of(lines, "\tname: resolve")
    assert msg.startswith(f"{p}:{n}:") and "not valid YAML" in msg
    assert msg.endswith(f"hint: YAML does not allow tabs for indentation; line {n} has a tab")


def test_a_mis_indented_line_gets_the_indentation_hint(tmp_path, capsys):
    p, _ = edited(tmp_path, "  US:\n    instruments:", "  US:\n  instruments:")
    (msg,) = validate(p, capsys)
    assert "not valid YAML: expected <block end>" in msg
    n = int(msg.split(":")[1])
    assert msg.endswith(f"hint: check the indentation of line {n} and the lines above it")


def test_unclosed_quotes_and_values_holding_colons_get_their_own_hints(tmp_path, capsys):
    p, lines = edited(tmp_path, "  name: student_template ", '  name: "student_template ')
    (msg,) = validate(p, capsys)
    opened = line_of(lines, 'name: "student')  # YAML reads on to the next quote and fails further down
    assert msg.startswith(f"{p}:") and f"; hint: the quote opened on line {opened} is not closed" in msg
    p, lines = edited(tmp_path, "  description: Two actors,", "  description: Note: two actors,")
    (msg,) = validate(p, capsys)
    assert msg.startswith(f"{p}:{line_of(lines, 'Note: two')}:")
    assert msg.endswith("hint: a value that holds ': ' must be quoted, e.g. 'a: b'")


def test_a_block_indented_under_the_wrong_key_is_one_error(tmp_path, capsys):
    indented = "".join("  " + ln + "\n" for ln in POLICY.splitlines())
    p, lines = edited(tmp_path, POLICY, indented)  # policy now sits inside instruments
    (msg,) = validate(p, capsys)
    n = line_of(lines, "      policy:")
    assert msg.startswith(f"{p}:{n}:7: actors.US.instruments.policy: 'policy' is read as an entry of ")
    assert "policy is a key of actors.US: indent it as a key of actors.US" in msg
    assert f"check the indentation of line {n}" in msg


def test_keys_dedented_out_of_their_block_are_one_error(tmp_path, capsys):
    start, end = TEXT.index("meta:\n") + len("meta:\n"), TEXT.index("\nactors:")
    block = TEXT[start:end]
    p, lines = edited(tmp_path, block, "\n".join(ln[2:] for ln in block.split("\n")))
    (msg,) = validate(p, capsys)
    assert msg.startswith(f"{p}:{line_of(lines, 'meta:')}:1: meta: is empty, and the keys after it ")
    assert "(name, description, start, horizon_days) are keys of meta: indent them under 'meta:'" in msg
    assert f"check the indentation of line {line_of(lines, 'meta:') + 1} and the lines above it" in msg


def test_a_misspelt_key_is_not_also_missing_and_missing_keys_are_one_error(tmp_path, capsys):
    p, lines = edited(tmp_path, "    exporter: CN\n    importer: US\n", "    exportr: CN\n    importer: US\n")
    (msg,) = validate(p, capsys)
    assert "trade_links.cn_to_us.exportr: unknown key 'exportr' (did you mean 'exporter'?)" in msg
    p, lines = edited(tmp_path, "    exporter: CN\n    importer: US\n", "")
    (msg,) = validate(p, capsys)
    where = f"{p}:{line_of(lines, 'cn_to_us:')}:3"
    assert msg == f"{where}: trade_links.cn_to_us: required keys 'exporter', 'importer' are missing"


def test_a_key_one_level_too_deep_says_where_it_belongs(tmp_path, capsys):
    motives = "    motives:                      # why it holds its tariff (docs/model.md §3)\n"
    p, _ = edited(tmp_path, POLICY + motives, POLICY + "  " + motives)
    msgs = validate(p, capsys)
    assert any(
        "actors.US.policy.motives: unknown key 'motives'; allowed here: name, params; "
        "'motives' is a key of actors.US: check its indentation" in m
        for m in msgs
    ), msgs


def test_every_use_of_an_unknown_name_is_one_error(tmp_path, capsys):
    p, lines = edited(tmp_path, "  US:\n    instruments:", "  USA:\n    instruments:")
    uses = [i for i, ln in enumerate(lines, 1) if "US" in ln.replace("USA", "") and "#" not in ln.split("US")[0]]
    msgs = validate(p, capsys)
    unknown = [m for m in msgs if "unknown actor 'US'" in m]
    assert len(unknown) == 1, msgs
    (msg,) = unknown
    assert "(did you mean 'USA'?)" in msg and "; also used on lines " in msg
    listed = [int(n) for n in msg.split("; also used on lines ")[1].split(", ")]
    assert listed == sorted(listed) and len(listed) >= 5 and set(listed) <= set(uses)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-1", "actors.US.motives.revenue: must lie in [0, 1000], found -1"),
        ("{dist: uniform, low: 1}", "actors.US.motives.revenue.high: required key 'high' is missing"),
        ("{a: 1}", "actors.US.motives.revenue: missing 'dist'; expected one of: beta, choice, exponential, fixed, "),
    ],
)
def test_a_value_is_reported_once_not_also_as_not_calibrate(tmp_path, capsys, value, expected):
    p, _ = edited(tmp_path, "      revenue: calibrate          # weight", f"      revenue: {value}          # weight")
    (msg,) = validate(p, capsys)
    assert expected in msg and "'calibrate'" not in msg and msg.count("found") <= 1


def test_keys_yaml_reads_as_numbers_or_booleans_are_named(tmp_path, capsys):
    p, lines = edited(tmp_path, "  cn_to_us:\n", "  yes:\n")
    (msg,) = validate(p, capsys)
    assert msg == (
        f"{p}:{line_of(lines, '  yes:')}:3: trade_links.True: this key is read as a boolean (True), "
        "but keys here are names: quote it in the file"
    )


def test_a_policy_parameter_of_the_wrong_type_is_one_error(tmp_path, capsys):
    params = "      params: {generosity: 0.1}"
    for value, expected in (("true", "Input should be a valid list, found True"), ("abc", "found 'abc'")):
        p, _ = edited(tmp_path, params, f"      params: {{generosity: 0.1, instruments: {value}}}")
        (msg,) = validate(p, capsys)  # no crash, no "no instrument 'a'", 'b', 'c'
        assert "actors.CN.policy.params.instruments" in msg and expected in msg
