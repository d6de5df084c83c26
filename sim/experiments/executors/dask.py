"""Dask: a ``LocalCluster`` of worker processes, or an existing cluster by scheduler address."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from sim.errors import UsageError
from sim.experiments.executors.base import Executor, register

#: Seconds to wait for a ``--scheduler`` to answer (a chosen limit: a scheduler on the
#: network answers in well under a second; a wrong address should fail fast).
CONNECT_TIMEOUT_S = 5.0


def probe(address: str, timeout: float) -> None:
    """Connect to ``address`` and complete Dask's handshake within ``timeout`` seconds, or raise.

    ``Client(address, timeout=...)`` bounds the TCP connection but not the handshake
    after it: a server that accepts and never answers would hang it forever, one that
    answers in another protocol makes it read a length of exabytes (MemoryError). The
    handshake runs here in a thread of its own (there may be an event loop running in
    this one, in a notebook), under ``asyncio.wait_for``.
    """
    import asyncio

    from distributed.comm import connect

    errors: list[BaseException] = []

    async def handshake() -> None:
        comm = await connect(address, timeout=timeout)
        await comm.close()

    def target() -> None:
        try:
            asyncio.run(asyncio.wait_for(handshake(), timeout))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=target, name="dask-probe", daemon=True)
    thread.start()
    thread.join(timeout + 1.0)
    if thread.is_alive():
        raise TimeoutError(f"no answer in {timeout:g} s")
    if errors:
        raise errors[0]


def import_runner() -> None:
    """Import the module that runs a chunk of runs (and what it imports), in a worker."""
    import sim.experiments.chunk  # noqa: F401


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
                probe(scheduler, CONNECT_TIMEOUT_S)
                self.client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError) as exc:
                why = " ".join(f"{type(exc).__name__}: {exc}".split()).rstrip(":")[:200]
                raise UsageError(
                    f"--scheduler {scheduler}: no Dask scheduler answered within {CONNECT_TIMEOUT_S:g} s ({why})"
                ) from None
            except Exception as exc:  # something answered, not in Dask's protocol (an HTTP server: MemoryError)
                why = " ".join(f"{type(exc).__name__}: {exc}".split()).rstrip(":")[:200]
                raise UsageError(f"--scheduler {scheduler} is not a Dask scheduler ({why})") from None
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            self.client = Client(self.cluster)
            # the workers import what a chunk needs now, as part of starting the cluster, rather than
            # inside the first chunk each runs (about a CPU-second each: numpy, scipy, pyarrow, the engine)
            self.client.run(import_runner)

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
