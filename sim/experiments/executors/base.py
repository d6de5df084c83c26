"""The executor registry: where chunks of runs execute.

An executor takes chunk tasks (``submit(fn, *args)`` returns a future), says which
futures have finished (``wait_any``) and shuts down. The driver
(:mod:`sim.experiments.execute`) writes each finished chunk to disk in chunk order,
so the tables do not depend on the executor. Add one with ``@register`` on a class
in a new module of this package; ``tradesim sweep --executor`` offers it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from sim.errors import UsageError
from sim.registry import Registry


class Executor:
    """Base class of executors.

    Parameters
    ----------
    workers : processes or workers to use (at least 1).
    scheduler : address of an existing cluster scheduler, for executors that take one.
    """

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""

    def __init__(self, workers: int, scheduler: str | None = None) -> None:
        self.workers = workers

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        raise NotImplementedError

    def wait_any(self, futures: Iterable[Any], timeout: float | None = None) -> set[Any]:
        """The futures among ``futures`` that have finished: at least one, or none if
        ``timeout`` seconds pass first."""
        raise NotImplementedError

    def shutdown(self, wait: bool = True) -> None:
        """Stop the workers, cancelling what has not started; ``wait=False``: stopping
        early, do not wait for the chunks in flight."""


#: Every executor, by name; the modules of this package are imported on first lookup.
REGISTRY: Registry[type[Executor]] = Registry("executor", "sim.experiments.executors")
#: ``--scheduler ADDRESS`` runs on an existing cluster through this executor.
SCHEDULER_EXECUTOR = "dask"


def register(cls: type[Executor]) -> type[Executor]:
    """Class decorator: make ``cls`` available as ``--executor <cls.name>``."""
    if not cls.name:
        raise TypeError(f"{cls.__name__} needs a class attribute 'name'")
    REGISTRY.register(cls)
    return cls


def make_executor(name: str, workers: int, scheduler: str | None = None) -> Executor:
    """Start the executor ``name`` (``scheduler`` given: the cluster executor)."""
    name = SCHEDULER_EXECUTOR if scheduler else name
    try:
        cls = REGISTRY[name]
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    return cls(max(1, workers), scheduler)
