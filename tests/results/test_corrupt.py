"""``load_results`` on a folder that is not what tradesim writes: one line, ``UsageError``."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

import sim
from sim.errors import UsageError
from sim.results.folder import load_results

TEMPLATE = "scenarios/student_template.yaml"


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return sim.run(TEMPLATE, runs=2, seed=1, workers=1, out=tmp_path_factory.mktemp("good")).path


def _manifest(p, text):
    (p / "manifest.json").write_text(text, encoding="utf-8")


def _parquet(p, name, data):
    (p / f"{name}.parquet").write_bytes(data)


def _drop(p, name, column):
    pd.read_parquet(p / f"{name}.parquet").drop(columns=[column]).to_parquet(p / f"{name}.parquet")


@pytest.mark.parametrize(
    "corrupt, says",
    [
        (lambda p: _manifest(p, "[1, 2]"), "manifest.json holds a JSON list, not an object"),
        (lambda p: _manifest(p, "{not json"), "manifest.json cannot be read"),
        (lambda p: _manifest(p, '{"status": "complete", "tables": "summary"}'), "'tables' is a str, not a list"),
        (lambda p: _parquet(p, "summary", b"PAR1 this is not parquet"), "summary.parquet cannot be read"),
        (lambda p: _parquet(p, "events", b""), "events.parquet cannot be read"),
        (lambda p: _drop(p, "summary", "run"), "summary.parquet has no column 'run'"),
        (lambda p: _drop(p, "summary", "outcome"), "summary.parquet has no column 'outcome'"),
    ],
)
def test_a_corrupt_folder_is_one_line(good, tmp_path, corrupt, says):
    p = tmp_path / "copy"
    shutil.copytree(good, p)
    load_results(p)
    corrupt(p)
    with pytest.raises(UsageError) as exc:
        load_results(p)
    msg = str(exc.value)
    assert msg.startswith(f"{p} is not a valid results folder: ") and says in msg and "\n" not in msg


def test_a_sweep_summary_needs_no_outcome(good, tmp_path):
    p = tmp_path / "sweep"
    shutil.copytree(good, p)
    m = json.loads((p / "manifest.json").read_text())
    _manifest(p, json.dumps({**m, "kind": "sweep"}))
    _drop(p, "summary", "outcome")
    assert "outcome" not in load_results(p).summary
