"""Chunk parts: each finished chunk of runs is written to ``parts/`` at once.

``parts/<table>-<chunk>.parquet`` holds one chunk of one table. A chunk is done
when every table has its part (so a rerun skips it). Consolidation concatenates
the parts in chunk order, so the tables do not depend on the order in which chunks
finished; consecutive parts are gathered into row groups of about
:data:`ROW_GROUP_BYTES` (a reader of one column then reads a few large column chunks,
not one small chunk per part), and memory holds one row group at a time.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sim.results.atomic import atomic_write_table, temporary_beside
from sim.results.table import pool, release_memory

PARTS = "parts"
#: Bytes (in memory) of a row group of a consolidated table.
ROW_GROUP_BYTES = 8 * 2**20


def part_path(folder: Path, table: str, chunk: int) -> Path:
    """Where chunk ``chunk`` of ``table`` is stored."""
    return Path(folder) / PARTS / f"{table}-{chunk:06d}.parquet"


def write_parts(folder: Path, chunk: int, tables: dict[str, pa.Table], names: Iterable[str]) -> None:
    """Write one chunk's tables; a table the chunk did not produce gets an empty part.

    ``summary`` goes last: a chunk counts as done only once all its parts exist.
    """
    names = list(names)
    for name in sorted(names, key=lambda n: n == "summary"):
        table = tables.get(name)
        if table is None:  # keeps "every part present" true for chunks that produced no rows
            table = pa.table({"run": pa.array([], pa.int64())})
        atomic_write_table(part_path(folder, name, chunk), table)


def done_chunks(folder: Path, n_chunks: int, names: Iterable[str]) -> set[int]:
    """Chunks whose parts are all on disk."""
    names = list(names)
    return {k for k in range(n_chunks) if all(part_path(folder, n, k).exists() for n in names)}


def consolidate(folder: Path, n_chunks: int, names: Iterable[str]) -> None:
    """Concatenate the parts in chunk order into one parquet file per table (streaming)."""
    import pyarrow.dataset as ds

    folder = Path(folder)
    release_memory()  # what the chunks took while they came in is free: consolidation starts from what is in use
    for name in names:
        files = [part_path(folder, name, k) for k in range(n_chunks)]
        files = [f for f in files if f.exists()]
        if not files:
            continue
        schema = pa.unify_schemas([pq.read_schema(f) for f in files], promote_options="permissive")
        tmp = temporary_beside(folder / f"{name}.parquet")  # unique: two writers never share it
        try:
            with pq.ParquetWriter(tmp, schema, compression="zstd", memory_pool=pool()) as writer:
                group: list[pa.Table] = []
                size = 0  # bytes of the group (a running sum: summing again at each part grew as parts squared)
                for f in files:
                    t = ds.dataset(f, format="parquet").to_table(use_threads=False, memory_pool=pool())
                    have = set(t.column_names)
                    for field in schema:
                        if field.name not in have:
                            t = t.append_column(field, pa.nulls(len(t), field.type))
                    t = t.select(schema.names)
                    if not t.schema.equals(schema):
                        t = t.cast(schema)
                    group.append(t)
                    size += t.nbytes
                    if size >= ROW_GROUP_BYTES:
                        writer.write_table(pa.concat_tables(group), row_group_size=1 << 30)
                        group, size = [], 0
                if group:
                    writer.write_table(pa.concat_tables(group), row_group_size=1 << 30)
            os.replace(tmp, folder / f"{name}.parquet")
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    release_memory()  # what the writer's compression took is free again: give it back before the reading starts
