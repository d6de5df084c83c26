"""Results read lazily and by column: ``load_results`` reads no rows, ``StoredTable`` gives what
``pandas.read_parquet`` gives, a column or a batch at a time; consolidated parts read back whole."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import sim
import sim.results.table as table_module
from sim.results.folder import load_results
from sim.results.parts import consolidate, part_path, write_parts
from sim.results.table import StoredTable

TEMPLATE = "scenarios/student_template.yaml"
TABLES = ("summary", "events", "series")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return sim.run(TEMPLATE, runs=30, seed=7, workers=1, out=tmp_path_factory.mktemp("stored")).path


def test_load_results_reads_no_rows_until_asked(folder):
    res = load_results(folder)
    assert res.loaded == [] and "30 runs" in repr(res)
    pd.testing.assert_frame_equal(res.summary, pd.read_parquet(folder / "summary.parquet"))
    assert res.loaded == ["summary"]
    for name in ("events", "series"):
        pd.testing.assert_frame_equal(getattr(res, name), pd.read_parquet(folder / f"{name}.parquet"))
    assert res.loaded == list(TABLES)
    assert res.summary is res.summary  # read once, then kept


def test_lazy_results_equal_the_eager_ones_of_a_run_without_a_folder(folder):
    eager = sim.run(TEMPLATE, runs=30, seed=7, workers=1, out=None)
    assert eager.path is None and eager.loaded == list(TABLES)
    lazy = load_results(folder)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(lazy, name), getattr(eager, name))
    pd.testing.assert_frame_equal(lazy.ok, eager.ok)
    assert lazy.failed.empty and lazy.start == eager.start


@pytest.mark.parametrize("name", TABLES)
def test_each_column_is_what_read_parquet_gives(folder, name):
    whole = pd.read_parquet(folder / f"{name}.parquet")
    t = load_results(folder).table(name)
    assert t.columns == list(whole.columns) and len(t) == len(whole) and not t.empty
    for c in whole.columns:
        pd.testing.assert_series_equal(t[c], whole[c])
    some = list(whole.columns[::3])
    pd.testing.assert_frame_equal(t.frame(some), whole[some])
    with pytest.raises(KeyError):
        t["no such column"]
    assert t.get("no such column", 5) == 5 and "run" in t and 3 not in t


def test_filters_and_renames_read_the_rows_pandas_would_select(folder):
    summary = pd.read_parquet(folder / "summary.parquet")
    t = StoredTable(folder / "summary.parquet")
    deals = t.where(t.field("outcome") == "deal")
    expected = summary[summary["outcome"] == "deal"].reset_index(drop=True)
    assert len(deals) == len(expected) > 0
    pd.testing.assert_frame_equal(deals.frame(["run", "deal_day"]), expected[["run", "deal_day"]])
    late = deals.where(deals.field("deal_day") > expected["deal_day"].median())
    assert list(late["run"]) == list(expected.loc[expected["deal_day"] > expected["deal_day"].median(), "run"])
    renamed = t.rename(columns={"deal_day": "day"})
    assert "day" in renamed and "deal_day" not in renamed
    pd.testing.assert_series_equal(renamed["day"], summary["deal_day"].rename("day"))
    back = renamed.rename(columns={"day": "deal_day"})
    pd.testing.assert_series_equal(back["deal_day"], summary["deal_day"])
    pd.testing.assert_frame_equal(t.frame(["run", "payoff_US"], head=4), summary[["run", "payoff_US"]].head(4))


def test_batches_stream_every_row_in_file_order_piece_by_piece(folder, monkeypatch):
    monkeypatch.setattr(table_module, "PIECE_VALUES", 1)  # every row group a scan of its own
    f = folder / "series.parquet"
    whole = pq.read_table(f)
    t = StoredTable(f)
    batches = list(t.batches(["run", "t", "hostility"], batch_size=100))
    assert max(b.num_rows for b in batches) <= 100
    back = pa.Table.from_batches(batches)
    assert back.equals(whole.select(["run", "t", "hostility"]))
    runs = pa.array([2, 3, 17])
    one = pa.Table.from_batches(list(t.batches(["run", "t"], filter=pc.field("run").isin(runs))))
    mask = pc.is_in(whole["run"], value_set=runs)
    assert one.equals(whole.filter(mask).select(["run", "t"]))


def test_a_table_in_memory_reads_as_the_same_table_on_disk(folder):
    whole = pd.read_parquet(folder / "events.parquet")
    mem, disk = StoredTable.of(whole), StoredTable(folder / "events.parquet")
    assert mem.columns == disk.columns and len(mem) == len(disk)
    for c in ("run", "t", "kind", "new"):
        pd.testing.assert_series_equal(mem[c], disk[c])
    empty = StoredTable.of(pd.DataFrame())
    assert empty.empty and len(empty) == 0 and empty.columns == [] and list(empty.batches(["run"])) == []


def test_consolidation_gathers_parts_into_row_groups_and_reads_back_whole(tmp_path, monkeypatch):
    import sim.results.parts as parts

    monkeypatch.setattr(parts, "ROW_GROUP_BYTES", 4000)
    (tmp_path / parts.PARTS).mkdir()
    rng = np.random.default_rng(1)
    chunks = []
    for k in range(12):
        n = int(rng.integers(0, 60))
        table = pa.table({"run": np.arange(n, dtype=np.int64) + 100 * k, "x": rng.normal(size=n)})
        if k % 5 == 0:  # a part without a column the others have: filled with nulls
            table = table.drop(["x"])
        chunks.append(table)
        write_parts(tmp_path, k, {"series": table}, ["series"])
    consolidate(tmp_path, len(chunks), ["series"])
    back = pq.read_table(tmp_path / "series.parquet")
    expected = pa.concat_tables(
        [pq.read_table(part_path(tmp_path, "series", k)) for k in range(12)], promote_options="default"
    )
    assert back.column("run").to_pylist() == expected.column("run").to_pylist()
    assert back.column("x").to_pylist() == expected.column("x").to_pylist()
    meta = pq.ParquetFile(tmp_path / "series.parquet").metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert sum(sizes) == sum(len(c) for c in chunks) and 1 < len(sizes) < 12


def test_renames_compose_and_undo(folder):
    t = StoredTable(folder / "summary.parquet")
    once = t.rename(columns={"deal_day": "day", "payoff_US": "us"})
    twice = once.rename(columns={"day": "when"})
    assert {"when", "us"} <= set(twice.columns) and not {"day", "deal_day", "payoff_US"} & set(twice.columns)
    pd.testing.assert_series_equal(twice["when"], t["deal_day"].rename("when"))
    back = twice.rename(columns={"when": "deal_day", "us": "payoff_US"})
    assert back.columns == t.columns
    pd.testing.assert_series_equal(back["payoff_US"], t["payoff_US"])
