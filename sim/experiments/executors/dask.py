"""Dask: a ``LocalCluster`` of worker processes, or an existing cluster by scheduler address."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sim.experiments.executors.base import Executor, register


@register
class DaskExecutor(Executor):
    name = "dask"
    summary = "a Dask LocalCluster, or an existing cluster (--scheduler)"

    def __init__(self, workers: int, scheduler: str | None = None) -> None:
        super().__init__(workers, scheduler)
        from distributed import Client, LocalCluster

        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            self.client = Client(self.cluster)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def wait_any(self, futures: Iterable[Any]) -> set[Any]:
        from distributed import wait as dwait

        return set(dwait(list(futures), return_when="FIRST_COMPLETED").done)

    def shutdown(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
