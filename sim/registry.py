"""Registries by decorator: policies, bargaining protocols, designs, executors, report sections.

A registry belongs to one package. Entries register themselves with
``@REGISTRY.register`` in any module of that package; the registry imports the
package's modules only on the first lookup, so start-up stays cheap and adding an
entry is one new file and no edit elsewhere.

Like :mod:`sim.errors`, this module may be imported by every package.

>>> from sim.registry import Registry
>>> shapes = Registry("shape", package=None)
>>> @shapes.register("square")
... def square(x):
...     return x * x
>>> shapes["square"](3), "square" in shapes, shapes.names()
(9, True, ['square'])
>>> shapes["circle"]
Traceback (most recent call last):
...
KeyError: "unknown shape 'circle'; known: square"
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from sim.errors import did_you_mean, known

T = TypeVar("T")


class Registry(Generic[T]):
    """Named entries of one kind, filled by a decorator, loaded on first lookup.

    Parameters
    ----------
    kind : what an entry is, for messages ("policy", "design", ...).
    package : dotted name of the package whose modules register entries
        (every module not starting with ``_`` is imported once, on first lookup);
        ``None`` for a registry filled by hand.
    """

    def __init__(self, kind: str, package: str | None) -> None:
        self.kind = kind
        self.package = package
        self._entries: dict[str, T] = {}
        self._loaded = package is None

    # ------------------------------------------------------------ filling
    def register(self, name: str | T | None = None) -> Callable[[T], T] | T:
        """Decorator: ``@reg.register`` (name from the entry's ``name`` attribute) or ``@reg.register("x")``."""
        if name is not None and not isinstance(name, str):
            return self._add(getattr(name, "name", None), name)

        def deco(obj: T) -> T:
            return self._add(name if isinstance(name, str) else getattr(obj, "name", None), obj)

        return deco

    def _add(self, name: str | None, obj: T) -> T:
        if not name:
            raise TypeError(f"a {self.kind} needs a name: pass one to register() or set a 'name' attribute")
        if name in self._entries and self._entries[name] is not obj:
            old = self._entries[name]
            key = (getattr(old, "__module__", None), getattr(old, "__qualname__", None))
            # the same class or function imported again (a reloaded module) replaces itself
            same = key[1] is not None and key == (getattr(obj, "__module__", None), getattr(obj, "__qualname__", None))
            if not same:
                raise ValueError(f"{self.kind} name '{name}' is already registered")
        self._entries[name] = obj
        return obj

    def _load(self) -> None:
        if self._loaded:
            return
        assert self.package is not None
        pkg = importlib.import_module(self.package)
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            if not info.name.startswith("_"):
                importlib.import_module(f"{self.package}.{info.name}")  # a broken module raises here, every time
        self._loaded = True

    # ------------------------------------------------------------ lookups
    def __getitem__(self, name: str) -> T:
        if name not in self._entries:
            self._load()
        try:
            return self._entries[name]
        except KeyError:
            raise KeyError(
                f"unknown {self.kind} '{name}'{did_you_mean(name, self._entries)}; known: {known(self._entries)}"
            ) from None

    def get(self, name: str, default: T | None = None) -> T | None:
        return self[name] if name in self else default

    def __contains__(self, name: object) -> bool:
        if name not in self._entries:
            self._load()
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        self._load()
        return iter(sorted(self._entries))

    def __len__(self) -> int:
        self._load()
        return len(self._entries)

    def names(self) -> list[str]:
        """Every registered name, sorted."""
        return list(self)

    def items(self) -> list[tuple[str, T]]:
        self._load()
        return sorted(self._entries.items())

    def values(self) -> list[T]:
        return [v for _, v in self.items()]

    def keys(self) -> list[str]:
        return self.names()

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, package={self.package!r})"
