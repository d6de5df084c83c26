"""``game`` and ``tournament`` refuse bad input before any run: exit 2, one short message."""

from __future__ import annotations

import pytest

from sim.cli.main import main

SCENARIO = "scenarios/student_template.yaml"


def run_cli(capsys, *argv):
    code = main(list(argv))
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ("tit_for_tat{generosity: .nan}", "finite"),
        ("best_response{rationality: true}", "valid number"),
        ("best_response{horizon_days: .inf}", "finite"),
        ("resolve{softness_bn: 1e308}", "less than or equal to 110000"),
        ("bayesian{types_bn: [.inf, 20]}", "finite"),
    ],
)
def test_policy_parameters_are_finite_bounded_numbers(capsys, params, says):
    code, err = run_cli(capsys, "game", SCENARIO, "--policies", f"US={params}", "--policies", "CN=resolve")
    assert code == 2 and says in err, err


def test_the_two_actors_of_a_game_or_tournament_differ(capsys):
    code, err = run_cli(capsys, "game", SCENARIO, "--policies", "US=resolve", "--policies", "US=resolve")
    assert code == 2 and "twice" in err
    code, err = run_cli(capsys, "tournament", SCENARIO, "--policies", "resolve", "--actors", "US,US")
    assert code == 2 and "twice" in err


def test_the_work_of_a_game_and_a_tournament_is_bounded(capsys):
    many = ",".join(["resolve"] * 40)
    argv = ["game", SCENARIO, "--policies", f"US={many}", "--policies", f"CN={many}", "--runs", "1000"]
    code, err = run_cli(capsys, *argv)
    assert code == 2 and "at most 1,000,000" in err  # 40 x 40 x 1,000 runs
    code, err = run_cli(capsys, "tournament", SCENARIO, "--policies", "resolve,scripted", "--runs", "300000")
    assert code == 2 and "at most 1,000,000" in err  # 4 matches x 300,000
    with pytest.raises(SystemExit) as stop:
        main(["game", SCENARIO, "--policies", "US=resolve", "--policies", "CN=resolve", "--bootstrap", "1000000000000"])
    assert stop.value.code == 2


def test_an_alias_bomb_in_policy_braces_is_refused_fast_and_not_echoed(capsys):
    import time

    layers = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 7):
        layers.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    bomb = "{" + ", ".join(layers) + "}"
    t0 = time.perf_counter()
    code, err = run_cli(capsys, "game", SCENARIO, "--policies", f"US=resolve{bomb}", "--policies", "CN=resolve")
    assert code == 2 and "alias" in err
    assert time.perf_counter() - t0 < 5
    assert all(len(line) < 300 for line in err.splitlines())


def test_a_long_value_is_never_echoed_whole(capsys):
    name = "x" * 100_000
    code, err = run_cli(capsys, "game", SCENARIO, "--policies", f"US={name}", "--policies", "CN=resolve")
    assert code == 2 and "unknown policy" in err and len(err) < 1000
    code, err = run_cli(
        capsys, "game", SCENARIO, "--policies", f"US=tit_for_tat{{generosity: {name}}}", "--policies", "CN=resolve"
    )
    assert code == 2 and "generosity" in err and len(err) < 1000


@pytest.mark.parametrize("stop", ["interrupt", "fail"])
def test_a_stopped_game_says_nothing_was_written(tmp_path, capsys, monkeypatch, stop):
    """A game's runs go to a temporary folder that is deleted: the message must not point at it."""
    from pathlib import Path

    import sim.experiments.api as api
    from sim.experiments.chunk import RunFailed
    from sim.experiments.execute import SweepInterrupted

    def stopped(*args, **kwargs):
        tmp = Path("/tmp/tradesim-deleted")
        if stop == "interrupt":
            raise SweepInterrupted(3, 10, tmp, resumable=False)
        exc = RunFailed(3, 42, "ValueError: boom")
        exc.results_path = tmp
        raise exc

    monkeypatch.setattr(api, "run", stopped)
    argv = ["game", SCENARIO, "--policies", "US=resolve", "--policies", "CN=resolve", "--out", str(tmp_path)]
    code, err = run_cli(capsys, *argv)
    assert code == (130 if stop == "interrupt" else 1)
    assert "nothing was written" in err and "tradesim-deleted" not in err and "kept there" not in err
    assert not any(tmp_path.iterdir())
    code, err = run_cli(capsys, "tournament", SCENARIO, "--policies", "resolve", "--out", str(tmp_path))
    assert "nothing was written" in err and "tradesim-deleted" not in err
