"""``report`` and ``compare`` refuse a results folder that is not complete: one line, exit 2."""

from __future__ import annotations

import json

import pytest

from sim.cli.main import main

from ..report.test_failed_runs import results_with_failures


def with_status(folder, status):
    manifest = json.loads((folder / "manifest.json").read_text())
    if status is None:
        manifest.pop("status", None)
    else:
        manifest["status"] = status
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


@pytest.mark.parametrize("status", ["running", "interrupted", "failed"])
def test_report_and_compare_refuse_unfinished_results(tmp_path, capsys, status):
    good = results_with_failures(tmp_path / "good")
    bad = with_status(results_with_failures(tmp_path / "bad"), status)
    for argv in (["report", str(bad)], ["compare", str(good), str(bad)], ["compare", str(bad), str(good)]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"tradesim: {bad} is not complete (status: {status})") and "\n" not in err
    assert not (bad / "report.html").exists()


def test_older_folders_without_a_status_count_as_complete(tmp_path, capsys):
    old = with_status(results_with_failures(tmp_path / "old"), None)
    assert main(["report", str(old)]) == 0
    assert (old / "report.html").is_file()
