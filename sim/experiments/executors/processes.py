"""Local processes: a ``ProcessPoolExecutor`` (spawned workers); one worker runs inline."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from sim.experiments.executors.base import Executor, register
from sim.experiments.executors.serial import SerialExecutor


def ignore_sigint() -> None:
    """Worker initialiser: Ctrl-C is the driver's to handle (it stops cleanly and says how far it got)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


@register
class ProcessesExecutor(Executor):
    name = "processes"
    summary = "local processes, all cores by default"

    def __init__(self, workers: int, scheduler: str | None = None) -> None:
        super().__init__(workers, scheduler)
        # one worker: no pool to start, the chunks run here (same tables either way)
        self.inline = SerialExecutor(1) if workers == 1 else None
        self.pool = (
            None
            if self.inline
            else ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"), initializer=ignore_sigint)
        )

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        if self.pool is None:
            return self.inline.submit(fn, *args)
        return self.pool.submit(fn, *args)

    def wait_any(self, futures: Iterable[Future]) -> set[Future]:
        return wait(list(futures), return_when=FIRST_COMPLETED)[0]

    def shutdown(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
