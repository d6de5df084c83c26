"""One table of a results folder, read a column or a batch at a time: :class:`StoredTable`.

A results folder of 100,000 runs holds millions of event and series rows; nothing that
reads it needs them all at once. A :class:`StoredTable` is a ``pyarrow.dataset`` over one
parquet file (or over a table in memory, the same code): it knows its columns from the
file's footer, reads one column (``table["payoff_US"]``, a pandas Series) or a few
(:meth:`StoredTable.frame`) with a row filter pushed into the scan, and streams batches of
a few columns (:meth:`StoredTable.batches`) in file order. A view with a filter
(:meth:`StoredTable.where`) or renamed columns (:meth:`StoredTable.rename`) reads nothing.

It answers the questions pandas code asks of a DataFrame's columns — ``len(t)``,
``t.columns``, ``"x" in t``, ``t["x"]``, ``t.get("x")``, ``t.empty`` — so code that only
reads whole columns runs on either.

>>> import pandas as pd
>>> t = StoredTable.of(pd.DataFrame({"run": [0, 1, 2], "x": [1.0, None, 3.0]}))
>>> len(t), t.columns, "x" in t
(3, ['run', 'x'], True)
>>> t.where(t.field("x").is_valid())["run"].tolist()
[0, 2]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

#: Rows per scanned batch: a batch of a few float columns is a few MB.
BATCH_ROWS = 1 << 16
#: Values (rows × columns) of the row groups one streaming scan reads (:meth:`StoredTable.batches`):
#: 4 MB of float64.
PIECE_VALUES = 1 << 19


def pool() -> pa.MemoryPool:
    """The memory pool of scans: the C library's allocator, which gives memory back between
    batches (arrow's default pool keeps tens of MB per thread once a large file was read)."""
    import pyarrow as pa

    return pa.system_memory_pool()


def release_memory() -> None:
    """Give memory freed by a large read back to the operating system (glibc's ``malloc_trim``
    and arrow's pools), so that the next stage starts from what is in use, not from the peak
    of the last one. A no-op where the C library has no ``malloc_trim``."""
    import ctypes

    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL(None).malloc_trim(0)  # the process's own symbols: glibc's where it is the C library
    except (OSError, AttributeError, TypeError):
        pass


class StoredTable:
    """A parquet table of a results folder (or an arrow table), read by column and by batch.

    Parameters
    ----------
    source : the parquet file, or an arrow table; ``None``: a table with no rows and no columns.
    renames : ``{shown name: stored name}`` (older folders' columns under today's names).
    filter : a ``pyarrow.compute`` expression over stored names; only rows where it is
        true exist for this view.
    """

    def __init__(self, source: Path | pa.Table | None, renames: dict[str, str] | None = None, filter=None) -> None:
        self.source = source
        self._renames = dict(renames or {})
        self._filter = filter
        self._dataset: ds.Dataset | None = None
        self._rows: int | None = None

    # ------------------------------------------------------------ construction
    @classmethod
    def of(cls, data: Any) -> StoredTable:
        """``data`` (a DataFrame, an arrow table, a StoredTable, a parquet path or ``None``) as a StoredTable."""
        import pandas as pd
        import pyarrow as pa

        if isinstance(data, StoredTable):
            return data
        if data is None:
            return cls(None)
        if isinstance(data, pd.DataFrame):
            if data.columns.empty:
                return cls(None)
            return cls(pa.Table.from_pandas(data, preserve_index=False))
        if isinstance(data, pa.Table):
            return cls(data)
        return cls(Path(data))

    def _view(self, renames: dict[str, str], filter) -> StoredTable:
        view = StoredTable(self.source, renames, filter)
        view._dataset = self._dataset
        return view

    def where(self, condition) -> StoredTable:
        """This table with only the rows where ``condition`` (an expression over stored names) holds."""
        both = condition if self._filter is None else self._filter & condition
        return self._view(self._renames, both)

    def rename(self, columns: dict[str, str]) -> StoredTable:
        """This table with columns renamed (``{old: new}``, as :meth:`pandas.DataFrame.rename`)."""
        renames = {shown: stored for shown, stored in self._renames.items() if shown not in columns}
        renames.update({new: self.stored_name(old) for old, new in columns.items()})
        return self._view(renames, self._filter)

    # ------------------------------------------------------------ schema
    @property
    def dataset(self) -> ds.Dataset | None:
        if self._dataset is None and self.source is not None:
            import pyarrow.dataset as ds

            if isinstance(self.source, Path):
                self._dataset = ds.dataset(self.source, format="parquet")
            else:
                self._dataset = ds.dataset(self.source)
        return self._dataset

    @property
    def schema(self) -> pa.Schema:
        """The arrow schema, under the shown names."""
        import pyarrow as pa

        if self.dataset is None:
            return pa.schema([])
        shown = {v: k for k, v in self._renames.items()}
        return pa.schema([f.with_name(shown.get(f.name, f.name)) for f in self.dataset.schema])

    @property
    def columns(self) -> list[str]:
        return list(self.schema.names)

    def stored_name(self, name: str) -> str:
        return self._renames.get(name, name)

    def field(self, name: str) -> pc.Expression:
        """The expression of column ``name`` (for :meth:`where`)."""
        import pyarrow.compute as pc

        return pc.field(self.stored_name(name))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.columns

    def __len__(self) -> int:
        if self._rows is None:
            self._rows = 0 if self.dataset is None else self.dataset.count_rows(filter=self._filter)
        return self._rows

    @property
    def empty(self) -> bool:
        return len(self) == 0 or not self.columns

    def __repr__(self) -> str:
        where = "" if self._filter is None else f", where {self._filter}"
        return f"StoredTable({self.source if isinstance(self.source, Path) else 'in memory'}{where})"

    # ------------------------------------------------------------ reading
    def _filter_with(self, filter):
        if filter is None:
            return self._filter
        return filter if self._filter is None else self._filter & filter

    def scanner(self, columns: Iterable[str], filter=None, batch_size: int = BATCH_ROWS) -> ds.Scanner:
        """A scan of ``columns`` (shown names) over the rows of this view (and ``filter``), in file order.

        For whole results (:meth:`arrow`, :meth:`frame`): a scanner reads ahead as fast as
        it can decode, so to stream, use :meth:`batches`.
        """
        import pyarrow.dataset as ds

        assert self.dataset is not None
        options = {}
        if isinstance(self.source, Path):
            options["fragment_scan_options"] = ds.ParquetFragmentScanOptions(pre_buffer=False)
        return self.dataset.scanner(
            columns={c: self.field(c) for c in columns},
            filter=self._filter_with(filter),
            batch_size=batch_size,
            memory_pool=pool(),
            **options,
        )

    def batches(self, columns: Iterable[str], filter=None, batch_size: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        """Record batches of ``columns`` over the rows of this view (and ``filter``), in file order.

        A parquet file is scanned a few row groups (about :data:`PIECE_VALUES` values) at a time, each
        piece a scan of its own: a scan of a whole file would read ahead of a slow reader up
        to a gigabyte (Acero's back-pressure threshold), and memory must hold a few batches
        only. Row groups whose statistics rule out ``filter`` are skipped unread.
        """
        if self.dataset is None:
            return iter(())
        if not isinstance(self.source, Path):
            return self.scanner(columns, filter, batch_size).to_batches()
        return self._pieces(list(columns), self._filter_with(filter), batch_size)

    def _pieces(self, columns: list[str], filter, batch_size: int) -> Iterator[pa.RecordBatch]:
        import pyarrow.dataset as ds

        assert self.dataset is not None
        options = ds.ParquetFragmentScanOptions(pre_buffer=False)
        projection = {c: self.field(c) for c in columns}
        for fragment in self.dataset.get_fragments():
            kept = fragment if filter is None else fragment.subset(filter=filter)
            groups = [(g.id, g.num_rows) for g in kept.row_groups]
            piece: list[int] = []
            rows = 0
            for i, (group, n) in enumerate(groups):
                piece.append(group)
                rows += n
                if rows * max(1, len(columns)) >= PIECE_VALUES or i == len(groups) - 1:
                    yield from fragment.subset(row_group_ids=piece).to_batches(
                        schema=self.dataset.schema,
                        columns=projection,
                        filter=filter,
                        batch_size=batch_size,
                        fragment_scan_options=options,
                        memory_pool=pool(),
                    )
                    piece, rows = [], 0

    def arrow(self, columns: Iterable[str] | None = None, filter=None) -> pa.Table:
        """``columns`` (default: all) of the rows of this view as one arrow table."""
        import pyarrow as pa

        columns = self.columns if columns is None else list(columns)
        if self.dataset is None:
            return pa.table({})
        return self.scanner(columns, filter).to_table()

    def frame(self, columns: Iterable[str] | None = None, filter=None, head: int | None = None) -> pd.DataFrame:
        """``columns`` (default: all; those absent are left out) as a DataFrame, with the dtypes
        :func:`pandas.read_parquet` gives them; only the first ``head`` rows if given."""
        import pandas as pd

        if self.dataset is None:
            return pd.DataFrame()
        names = self.columns if columns is None else [c for c in columns if c in self]
        if head is not None:
            table = self.scanner(names, filter).head(head)
        else:
            table = self.arrow(names, filter)
        table = table.replace_schema_metadata(self.dataset.schema.metadata)  # pandas dtypes, as read_parquet
        df = table.to_pandas()
        return df[names] if list(df.columns) != names else df

    def __getitem__(self, name: str) -> pd.Series:
        """One column (rows of this view) as a pandas Series; ``KeyError`` if there is none."""
        if name not in self:
            raise KeyError(name)
        return self.frame([name])[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default
