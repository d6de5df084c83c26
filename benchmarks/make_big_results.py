"""A large results folder without running it: a real Monte Carlo's runs replicated, for the report's benchmarks.

    python benchmarks/make_big_results.py SOURCE --runs 100000 --out DEST [--no-jitter] [--report]
    python benchmarks/make_big_results.py --quick

SOURCE is a complete results folder of ``tradesim run`` (e.g. 1,000 runs of the baseline).
Its runs are cut into chunks of 250 runs (the chunk size of ``tradesim run`` at that size)
and written, copy after copy with run ids renumbered (copy ``k`` of run ``r`` is run
``k * n + r``), as the parts of a new folder, which is then consolidated and marked
complete by the same code as a real run (:class:`sim.results.folder.ResultsFolder`): the
folder has the size, row groups and column types of a real one, at the cost of a copy.

Copies of a run are the same run, so every distinct value would repeat; unless
``--no-jitter``, each copy's floating-point summary columns (deal day, payoffs, losses,
parameters drawn) are scaled by ``1 + u * 1e-6`` with ``u`` uniform in [−1, 1], so that
per-run quantities have as many distinct values as a real Monte Carlo of that size (a
figure that grew with distinct values would show it). Series and events are copied as
they are.

``--report`` then times ``tradesim report DEST`` in a subprocess and prints its wall
time, the maximum resident set size and the size of ``report.html``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.results.folder import ResultsFolder  # noqa: E402
from sim.results.manifest import require_complete  # noqa: E402

CHUNK_RUNS = 250
KEEP = {"run", "seed", "t"}


def slices(table: pa.Table, runs: np.ndarray) -> list[pa.Table]:
    """``table`` cut at the run ids ``runs[0], runs[CHUNK_RUNS], ...`` (tables are in run order)."""
    run = table.column("run").to_numpy()
    cuts = np.searchsorted(run, runs[::CHUNK_RUNS])
    ends = [*cuts[1:], len(run)]
    return [table.slice(int(a), int(b - a)) for a, b in zip(cuts, ends)]


def renumbered(table: pa.Table, offset: int, jitter: np.random.Generator | None) -> pa.Table:
    i = table.schema.get_field_index("run")
    table = table.set_column(i, "run", pc.add(table.column("run"), pa.scalar(offset, pa.int64())))
    if jitter is None:
        return table
    for j, field in enumerate(table.schema):
        if pa.types.is_float64(field.type) and field.name not in KEEP:
            x = table.column(j).to_numpy(zero_copy_only=False)
            scaled = x * (1 + 1e-6 * jitter.uniform(-1, 1, len(x)))
            table = table.set_column(j, field, pa.array(scaled, from_pandas=True))
    return table


def make(source: Path, runs: int, dest: Path, jitter: bool = True) -> Path:
    """Write ``dest``: ``runs`` runs made of copies of the runs of ``source``."""
    manifest = require_complete(source)
    names = list(manifest.get("tables", ["summary", "events", "series"]))
    tables = {n: pq.read_table(source / f"{n}.parquet") for n in names}
    ids = tables["summary"].column("run").to_numpy()
    if not (np.diff(ids) > 0).all() or ids[0] != 0:
        raise SystemExit(f"{source}: runs are not numbered 0, 1, ... in order")
    n = len(ids)
    parts = {name: slices(t, ids) for name, t in tables.items()}
    per_copy = len(parts["summary"])
    copies = -(-runs // n)
    if runs % n:
        raise SystemExit(f"--runs must be a multiple of the source's {n} runs")
    if dest.exists():
        shutil.rmtree(dest)
    new = {**manifest, "runs": runs, "synthetic": {"source": str(source), "copies": copies, "jitter": jitter}}
    new.pop("progress", None)
    folder = ResultsFolder.create(dest, new, names, runs, copies * per_copy)
    rng = np.random.default_rng(0)
    try:
        folder.start(0, 0)
        for k in range(copies):
            for c in range(per_copy):
                chunk = {
                    name: renumbered(parts[name][c], k * n, rng if jitter and name == "summary" else None)
                    for name in names
                }
                folder.write_chunk(k * per_copy + c, chunk, chunk["summary"].num_rows)
        folder.finish(copies * per_copy, keep_parts=False, failed_runs=0)
    finally:
        folder.close()
    return dest


def time_report(dest: Path) -> dict:
    """Wall seconds, maximum RSS (MiB) and page size (MB) of ``tradesim report dest``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sim", "report", str(dest)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "seconds": wall,
        "peak_mib": peak / 1024 if peak > before else float("nan"),
        "report_mb": (dest / "report.html").stat().st_size / 1e6,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", nargs="?", type=Path, help="a complete results folder of `tradesim run`")
    ap.add_argument("--runs", type=int, default=100_000)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--no-jitter", action="store_true", help="exact copies of the summary rows")
    ap.add_argument("--report", action="store_true", help="time `tradesim report` on the result")
    ap.add_argument("--quick", action="store_true", help="a 20-run source replicated to 200 runs, then --report")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bigresults-") as tmp:
        source, runs, out = args.source, args.runs, args.out
        if args.quick:
            import sim

            source = sim.run(ROOT / "scenarios" / "student_template.yaml", runs=20, seed=1, workers=1, out=tmp).path
            runs, out, args.report = 200, Path(tmp) / "big", True
        if source is None or out is None:
            ap.error("give SOURCE and --out (or --quick)")
        t0 = time.perf_counter()
        dest = make(Path(source), runs, Path(out), jitter=not args.no_jitter)
        size = sum(f.stat().st_size for f in dest.glob("*.parquet")) / 1e6
        print(f"synthetic results: {runs} runs in {dest} ({size:.0f} MB of parquet, {time.perf_counter() - t0:.1f} s)")
        print(json.dumps({"tables": {f.stem: f.stat().st_size for f in sorted(dest.glob("*.parquet"))}}))
        if args.report:
            r = time_report(dest)
            print(
                f"tradesim report: {r['seconds']:.1f} s, peak memory {r['peak_mib']:.0f} MiB, "
                f"report.html {r['report_mb']:.2f} MB"
            )


if __name__ == "__main__":
    main()
