"""The series on the weekly grid, streamed: which rows are a run's state at a grid point
(:class:`GridRows`, one scan of ``run`` and ``t``) and their values, column by column.

:func:`sim.analysis.aggregate.fan` takes quantiles over runs at every grid point. A
results folder of 100,000 runs holds millions of series rows in run order, so the values
of one grid point are spread over the whole file: memory would hold every value of every
column to take the quantiles in one read. Instead, one scan of ``run`` and ``t`` marks the
rows on the grid (a bit per row), and each later scan reads only some columns and
drops their values into one array grouped by grid point; as many columns (or, when one
column is too large, grid points of one column) per scan as a byte budget holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

from sim.results.manifest import invalid
from sim.results.table import StoredTable

#: Rows converted at a time where a whole-table array would otherwise be made.
SLICE = 1 << 20


def on_grid(t: np.ndarray, step: float) -> np.ndarray:
    """Whether each time is (numerically) a multiple of ``step``."""
    return np.isclose(t / step, np.round(t / step))


def linear_quantiles(x: np.ndarray, quantiles: Sequence[float]) -> list[float]:
    """Quantiles of the non-NaN values of ``x``, interpolated linearly between order statistics
    with pandas' arithmetic (``v[i] + (v[i + 1] − v[i]) · frac`` at ``q · (n − 1) = i + frac``)."""
    x = np.sort(x[~np.isnan(x)])
    n = len(x)
    if n == 0:
        return [float("nan")] * len(quantiles)
    out = []
    for q in quantiles:
        at = q * float(n - 1)
        i = int(at)
        frac = at % 1
        out.append(float(x[i]) if frac == 0.0 else float(x[i] + (x[i + 1] - x[i]) * frac))
    return out


class GridRows:
    """The rows of a series table that are a run's state at a grid point, found in one scan.

    ``mask``: per row of the table (in file order), whether it is the last row of its run
    at a grid time (the state after every event at that time). ``times``: the grid times
    found, ascending. The values of these rows are placed in one array grouped by grid
    point — those of ``times[k]`` at ``offsets[k]:offsets[k + 1]``, in file order. When
    every run has every grid point (a Monte Carlo), a row's place follows from its rank
    among the rows kept; otherwise ``dest`` holds it. A run's rows must come together
    and in time order, as tradesim writes them (anything else is refused).
    """

    def __init__(self, mask: Bits, times: np.ndarray, offsets: np.ndarray, dest: np.ndarray | None) -> None:
        self.mask, self.times, self.offsets, self.dest = mask, times, offsets, dest

    # ------------------------------------------------------------ the scan of run and t
    @classmethod
    def scan(cls, table: StoredTable, step: float) -> GridRows:
        """Mark the rows on the grid in one scan of ``run`` and ``t``; when the runs' grid times
        are not all the same (a swept horizon), a second scan of ``t`` numbers them."""
        mask = Bits(len(table))
        pattern = _Pattern()
        for run, t, keep in _last_on_grid(table, step):
            mask.append(keep)
            pattern.add(run[keep], t[keep])
        mask.close()
        if pattern.regular():
            assert pattern.times is not None
            k = len(pattern.times)
            return cls(mask, pattern.times, np.arange(k + 1) * (pattern.count // k), None)
        numbering = _Numbering()
        ids, row = [], 0
        for batch in table.batches(["t"]):
            m = mask.read(row, batch.num_rows)
            row += batch.num_rows
            ids.append(numbering.ids(np.asarray(batch.column(0).to_numpy(zero_copy_only=False), dtype=float)[m]))
        times, rank = numbering.ranked()
        keys = np.concatenate(ids) if ids else np.zeros(0, np.uint16)
        del ids
        for i in range(0, len(keys), SLICE):  # grid points in ascending time, in place
            keys[i : i + SLICE] = rank[keys[i : i + SLICE]]
        counts = np.zeros(len(times), np.int64)
        for i in range(0, len(keys), SLICE):  # bincount makes a 64-bit copy of what it counts
            counts += np.bincount(keys[i : i + SLICE], minlength=len(times))
        offsets = np.r_[0, np.cumsum(counts)]
        return cls(mask, times, offsets, _places(keys, offsets))

    # ------------------------------------------------------------ the scans of values
    def _places(self, first: int, end: int, keys: tuple[int, int]) -> tuple[np.ndarray | None, np.ndarray | slice]:
        """Where the values of the kept rows ``first..end-1`` (in file order) go in the array of
        the grid points ``range(*keys)``: ``(which of them, where)``, ``None`` for all of them.

        Every run has every grid point (``dest`` is ``None``): the array is runs × grid points,
        row by row, as the rows come. Otherwise the values are grouped by grid point (``dest``).
        """
        lo, hi = keys
        if self.dest is None:
            k = len(self.times)
            if (lo, hi) == (0, k):
                return None, slice(first, end)
            i = np.arange(first, end)
            key = i % k
            inside = (key >= lo) & (key < hi)
            return inside, (i[inside] // k) * (hi - lo) + key[inside] - lo
        d = self.dest[first:end]
        start, stop = self.offsets[lo], self.offsets[hi]
        if (start, stop) == (0, self.offsets[-1]):
            return None, d
        inside = (d >= start) & (d < stop)
        return inside, d[inside] - start

    def _values(self, values: np.ndarray, key: int, keys: tuple[int, int]) -> np.ndarray:
        """The values of grid point ``key`` in the array of :meth:`_places`."""
        lo, hi = keys
        if self.dest is None:
            return values.reshape(-1, hi - lo)[:, key - lo]
        start = self.offsets[lo]
        return values[self.offsets[key] - start : self.offsets[key + 1] - start]

    def passes(self, n_columns: int, budget: int) -> list[tuple[slice, tuple[int, int]]]:
        """Scans of :meth:`quantiles`: ``(columns, (first grid point, last + 1))`` each, every scan
        holding at most ``budget`` bytes of values (one grid point of one column at least)."""
        counts = np.diff(self.offsets)
        per_column = 8 * int(counts.sum())
        everything = (0, len(self.times))
        if per_column <= budget:
            m = max(1, budget // max(per_column, 1))
            return [(slice(i, i + m), everything) for i in range(0, n_columns, m)]
        blocks, lo, held = [], 0, 0
        for key, n in enumerate(counts):
            if held and held + 8 * n > budget:
                blocks.append((lo, key))
                lo, held = key, 0
            held += 8 * int(n)
        blocks.append((lo, len(self.times)))
        return [(slice(i, i + 1), block) for i in range(n_columns) for block in blocks]

    def quantiles(
        self, table: StoredTable, columns: list[str], keys: tuple[int, int], quantiles: Sequence[float]
    ) -> Iterator[tuple[str, float, list[float]]]:
        """``(column, grid time, quantiles of its values)`` for the grid points in ``range(*keys)``,
        after one scan of ``columns`` (:func:`linear_quantiles`); each column's values are let go
        once done."""
        return self.reduce(table, columns, keys, lambda x: linear_quantiles(x, quantiles))

    def reduce(
        self, table: StoredTable, columns: list[str], keys: tuple[int, int], stat: Callable[[np.ndarray], list[float]]
    ) -> Iterator[tuple[str, float, list[float]]]:
        """``(column, grid time, stat(its values over runs))`` for the grid points in ``range(*keys)``,
        after one scan of ``columns``; each column's values are let go once done."""
        values = [np.empty(int(self.offsets[keys[1]] - self.offsets[keys[0]])) for _ in columns]
        row = kept = 0
        for batch in table.batches(columns):
            m = self.mask.read(row, batch.num_rows)
            n = int(m.sum())
            inside, where = self._places(kept, kept + n, keys)
            row, kept = row + batch.num_rows, kept + n
            for j in range(len(columns)):
                v = batch.column(j).to_numpy(zero_copy_only=False)[m]
                values[j][where] = v if inside is None else v[inside]
        if row != self.mask.size:
            raise RuntimeError(f"the series changed while read ({row} rows, then {self.mask.size})")
        for j, c in enumerate(columns):
            for k in range(*keys):
                yield c, float(self.times[k]), stat(self._values(values[j], k, keys))
            values[j] = np.empty(0)


def _last_on_grid(table: StoredTable, step: float) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``(run, t, keep)`` for the rows of ``table`` in order, a batch at a time: ``keep`` marks the
    last row of a run at a grid time (a row is decided once the row after it is read)."""
    carry: tuple[np.ndarray, np.ndarray] | None = None  # the row whose successor is not read yet
    for batch in table.batches(["run", "t"]):
        run = batch.column(0).to_numpy(zero_copy_only=False)
        t = np.asarray(batch.column(1).to_numpy(zero_copy_only=False), dtype=float)
        if carry is not None:
            run, t = np.concatenate([carry[0], run]), np.concatenate([carry[1], t])
        if len(run) == 0:
            continue
        new_run = run[1:] != run[:-1]
        if (run[1:] < run[:-1]).any() or (~new_run & (t[1:] < t[:-1])).any():
            raise invalid(table.source, "series.parquet is not in run and time order")
        yield run[:-1], t[:-1], on_grid(t[:-1], step) & (new_run | (t[1:] != t[:-1]))
        carry = run[-1:], t[-1:]
    if carry is not None:
        yield carry[0], carry[1], on_grid(carry[1], step)


class Bits:
    """A boolean per row, a bit each (100,000 runs of series: 1 MB), appended a batch at a time."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.bytes = np.zeros((size + 7) // 8, np.uint8)
        self._written = 0  # bytes filled
        self._pending = np.zeros(0, bool)  # fewer than 8 bits not yet packed
        self._count = 0

    def append(self, bits: np.ndarray) -> None:
        self._count += len(bits)
        if self._count > self.size:
            raise RuntimeError(f"the series changed while read (more than {self.size} rows)")
        b = np.concatenate([self._pending, bits])
        whole = len(b) // 8
        self.bytes[self._written : self._written + whole] = np.packbits(b[: 8 * whole])
        self._written += whole
        self._pending = b[8 * whole :]

    def close(self) -> None:
        if self._count != self.size:
            raise RuntimeError(f"the series changed while read ({self._count} rows, then {self.size})")
        if len(self._pending):
            self.bytes[self._written] = np.packbits(self._pending)[0]

    def read(self, first: int, n: int) -> np.ndarray:
        """The booleans of rows ``first..first+n-1``."""
        a = first // 8
        return np.unpackbits(self.bytes[a : (first + n + 7) // 8]).view(bool)[first - 8 * a : first - 8 * a + n]


class _Pattern:
    """Whether the grid times of the kept rows, in file order, are the first run's over and over
    (every run has every grid point, as in a Monte Carlo), checked as the rows come."""

    def __init__(self) -> None:
        self.first: list[float] = []
        self.first_run: int | None = None
        self.times: np.ndarray | None = None  # the first run's grid times, once it is complete
        self.count = 0  # kept rows so far
        self.ok = True

    def add(self, runs: np.ndarray, times: np.ndarray) -> None:
        if not len(times):
            return
        if self.times is None:
            if self.first_run is None:
                self.first_run = int(runs[0])
            others = np.flatnonzero(runs != self.first_run)
            j = int(others[0]) if len(others) else len(runs)
            self.first += times[:j].tolist()
            self.count += j
            if j == len(runs):
                return
            self.times = np.array(self.first)
            times = times[j:]
        expected = self.times[np.arange(self.count, self.count + len(times)) % len(self.times)]
        self.ok = self.ok and bool((times == expected).all())
        self.count += len(times)

    def regular(self) -> bool:
        if self.times is None:
            self.times = np.array(self.first)
        return self.ok and len(self.times) > 0 and self.count % len(self.times) == 0


class _Numbering:
    """Grid times numbered as first seen (compact ids; a known time is looked up by bisection)."""

    def __init__(self) -> None:
        self.of: dict[float, int] = {}
        self.known = np.zeros(0)
        self.known_ids = np.zeros(0, np.int64)

    def ids(self, t: np.ndarray) -> np.ndarray:
        at = np.searchsorted(self.known, t).clip(0, max(len(self.known) - 1, 0))
        if not (len(self.known) and (self.known[at] == t).all()):  # a time not seen before
            for x in np.unique(t).tolist():
                self.of.setdefault(x, len(self.of))
            self.known = np.array(sorted(self.of), dtype=float)
            self.known_ids = np.array([self.of[x] for x in self.known.tolist()], dtype=np.int64)
            at = np.searchsorted(self.known, t)
        return self.known_ids[at].astype(np.uint16 if len(self.of) <= 2**16 else np.int32)

    def ranked(self) -> tuple[np.ndarray, np.ndarray]:
        """(the times ascending, each id's rank among them)."""
        times = np.array(list(self.of), dtype=float)
        order = np.argsort(times, kind="stable")
        rank = np.empty(len(times), np.uint16 if len(times) <= 2**16 else np.int32)
        rank[order] = np.arange(len(times))
        return times[order], rank


def _places(keys: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Each kept row's place in the grouped array: its grid point's offset plus the rows of that
    grid point before it (computed a slice at a time)."""
    dtype = np.int32 if offsets[-1] < 2**31 else np.int64
    dest = np.empty(len(keys), dtype)
    seen = np.zeros(len(offsets) - 1, np.int64)
    for i in range(0, len(keys), SLICE):
        k = keys[i : i + SLICE].astype(np.int64)
        order = np.argsort(k, kind="stable")
        sorted_keys = k[order]
        firsts = np.r_[0, np.flatnonzero(np.diff(sorted_keys)) + 1] if len(k) else np.zeros(0, np.int64)
        within = np.arange(len(k)) - np.repeat(firsts, np.diff(np.r_[firsts, len(k)]))
        place = np.empty(len(k), np.int64)
        place[order] = offsets[sorted_keys] + seen[sorted_keys] + within
        dest[i : i + SLICE] = place
        seen += np.bincount(k, minlength=len(seen))
    return dest
