"""Dask: a ``LocalCluster`` of worker processes, or an existing cluster by scheduler address."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sim.errors import UsageError
from sim.experiments.executors.base import Executor, register

#: Seconds to wait for a ``--scheduler`` to answer (a chosen limit: a scheduler on the
#: network answers in well under a second; a wrong address should fail fast).
CONNECT_TIMEOUT_S = 5.0


@register
class DaskExecutor(Executor):
    name = "dask"
    summary = "a Dask LocalCluster, or an existing cluster (--scheduler)"

    def __init__(self, workers: int, scheduler: str | None = None) -> None:
        super().__init__(workers, scheduler)
        from distributed import Client, LocalCluster

        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError, ValueError) as exc:
                raise UsageError(
                    f"--scheduler {scheduler}: no Dask scheduler answered within {CONNECT_TIMEOUT_S:g} s ({exc})"
                ) from None
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            self.client = Client(self.cluster)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def wait_any(self, futures: Iterable[Any], timeout: float | None = None) -> set[Any]:
        from distributed import wait as dwait

        try:
            return set(dwait(list(futures), timeout=timeout, return_when="FIRST_COMPLETED").done)
        except TimeoutError:
            return set()

    def shutdown(self, wait: bool = True) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
