"""Characters and keys YAML's reader and scanner refuse: a located message, never a traceback."""

from __future__ import annotations

import pytest

from sim.cli.main import main
from sim.engine.compile import load_scenario
from sim.errors import ScenarioError


def test_a_nul_byte_is_a_located_error(tmp_path, capsys):
    text = open("scenarios/student_template.yaml").read()
    lines = text.splitlines()
    k = next(i for i, ln in enumerate(lines) if ln.strip().startswith("name:"))
    col = lines[k].index(":") + 3
    lines[k] = lines[k][: col - 1] + "\x00" + lines[k][col - 1 :]
    path = tmp_path / "nul.yaml"
    path.write_text("\n".join(lines))
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert f"nul.yaml:{k + 1}:{col}:" in str(err.value) and "0x00" in str(err.value)
    assert main(["validate", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\ufffe"])
def test_other_refused_characters_are_located_errors(tmp_path, char):
    path = tmp_path / "c.yaml"
    path.write_text(f"meta:\n  name: a{char}b\n")
    with pytest.raises(ScenarioError, match=r"c\.yaml:2:10: .*not allow"):
        load_scenario(path)


def test_a_key_over_1024_characters_is_called_too_long(tmp_path):
    path = tmp_path / "k.yaml"
    path.write_text("meta:\n  " + "k" * 1100 + ": 1\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert "k.yaml:2:" in str(err.value) and "too long" in str(err.value) and "1024" in str(err.value)
    assert len(str(err.value)) < 300
