"""Uncertain parameters: YAML specs of probability distributions.

Any numeric scenario value marked as a :data:`Number` may be written either as a
plain number or as a mapping with a ``dist`` key, e.g.::

    resolve_bn: {dist: lognormal, median: 150, sigma: 0.6}

Each run draws every such parameter once from its own random stream. The specs
are pydantic models (validated with the scenario); sampling maps them onto
``numpy.random.Generator`` methods, and :meth:`Dist.frozen` gives the equivalent
``scipy.stats`` distribution for analysis and tests.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, Strict, model_validator
from scipy import stats

from sim.scenario.numbers import Finite, Positive, Weight

#: A distribution standing for a bounded field may put at most this much of its
#: mass outside the field's physical range (chosen: with a million runs the chance
#: that any run draws there is 1e-3); the rare draws that do are clipped into it.
TAIL = 1e-9
#: Most values a ``choice`` distribution may list (chosen limit).
MAX_CHOICES = 10_000


class _DistBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    _path: str = PrivateAttr(default="")
    _limits: tuple[float, float] = PrivateAttr(default=(-math.inf, math.inf))

    @property
    def path(self) -> str:
        """Dotted path of this parameter in the scenario (set when compiled)."""
        return self._path

    def sample(self, rng: np.random.Generator) -> float:
        """One draw, clipped into the physical range of the field it stands for."""
        lo, hi = self._limits
        return min(max(self.draw(rng), lo), hi)

    def draw(self, rng: np.random.Generator) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def frozen(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def bounds(self) -> tuple[float, float]:
        """Smallest and largest values the distribution can produce."""
        f = self.frozen()
        return float(f.ppf(0.0)), float(f.ppf(1.0))

    def likely_range(self) -> tuple[float, float]:
        """The range holding all but :data:`TAIL` of the mass at each end (the bounds where finite)."""
        lo, hi = self.bounds()
        if not math.isfinite(lo):
            lo = float(self.frozen().ppf(TAIL))
        if not math.isfinite(hi):
            hi = float(self.frozen().isf(TAIL))
        return lo, hi


class Fixed(_DistBase):
    """A constant written in distribution form (useful in sweeps)."""

    dist: Literal["fixed"]
    value: Finite

    def draw(self, rng: np.random.Generator) -> float:
        return self.value

    def frozen(self) -> Any:
        return stats.uniform(loc=self.value, scale=0.0)

    def bounds(self) -> tuple[float, float]:
        return self.value, self.value


class Normal(_DistBase):
    """Normal with ``mean`` and ``sd``, optionally truncated to ``[low, high]``."""

    dist: Literal["normal"]
    mean: Finite
    sd: Positive
    low: Finite | None = None
    high: Finite | None = None

    @model_validator(mode="after")
    def _check(self) -> Normal:
        if self.low is not None and self.high is not None and self.low >= self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self

    def frozen(self) -> Any:
        if self.low is None and self.high is None:
            return stats.norm(self.mean, self.sd)
        a = -math.inf if self.low is None else (self.low - self.mean) / self.sd
        b = math.inf if self.high is None else (self.high - self.mean) / self.sd
        return stats.truncnorm(a, b, loc=self.mean, scale=self.sd)

    def draw(self, rng: np.random.Generator) -> float:
        if self.low is None and self.high is None:
            return float(rng.normal(self.mean, self.sd))
        return float(self.frozen().ppf(rng.random()))


class LogNormal(_DistBase):
    """Log-normal given by its ``median`` and the ``sigma`` of the log."""

    dist: Literal["lognormal"]
    median: Positive
    # not ``Positive``: its own upper limit (10^12) would replace this one
    sigma: Annotated[float, Strict(), Field(gt=0, le=100, allow_inf_nan=False)]

    def frozen(self) -> Any:
        return stats.lognorm(s=self.sigma, scale=self.median)

    def draw(self, rng: np.random.Generator) -> float:
        return float(self.median * math.exp(self.sigma * rng.standard_normal()))


class Exponential(_DistBase):
    """Exponential with the given ``mean`` (memoryless waiting times and resolves)."""

    dist: Literal["exponential"]
    mean: Positive

    def frozen(self) -> Any:
        return stats.expon(scale=self.mean)

    def draw(self, rng: np.random.Generator) -> float:
        return float(rng.exponential(self.mean))


class Uniform(_DistBase):
    dist: Literal["uniform"]
    low: Finite
    high: Finite

    @model_validator(mode="after")
    def _check(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self

    def frozen(self) -> Any:
        return stats.uniform(self.low, self.high - self.low)

    def draw(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))


class Triangular(_DistBase):
    dist: Literal["triangular"]
    low: Finite
    mode: Finite
    high: Finite

    @model_validator(mode="after")
    def _check(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(f"need low <= mode <= high and low < high, found {self.low}, {self.mode}, {self.high}")
        return self

    def frozen(self) -> Any:
        c = (self.mode - self.low) / (self.high - self.low)
        return stats.triang(c, loc=self.low, scale=self.high - self.low)

    def draw(self, rng: np.random.Generator) -> float:
        return float(rng.triangular(self.low, self.mode, self.high))


class Beta(_DistBase):
    """Beta(``a``, ``b``) rescaled to ``[low, high]`` (default ``[0, 1]``)."""

    dist: Literal["beta"]
    a: Positive
    b: Positive
    low: Finite = 0.0
    high: Finite = 1.0

    @model_validator(mode="after")
    def _check(self) -> Beta:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self

    def frozen(self) -> Any:
        return stats.beta(self.a, self.b, loc=self.low, scale=self.high - self.low)

    def draw(self, rng: np.random.Generator) -> float:
        return float(self.low + (self.high - self.low) * rng.beta(self.a, self.b))


class Choice(_DistBase):
    """One of ``values``, with optional ``weights`` (normalised)."""

    dist: Literal["choice"]
    values: list[Finite] = Field(min_length=1, max_length=MAX_CHOICES)
    weights: list[Weight] | None = Field(default=None, max_length=MAX_CHOICES)

    @model_validator(mode="after")
    def _check(self) -> Choice:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(f"weights has {len(self.weights)} entries, values has {len(self.values)}")
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be non-negative and not all zero")
        return self

    def _p(self) -> np.ndarray:
        if self.weights is None:
            return np.full(len(self.values), 1.0 / len(self.values))
        w = np.asarray(self.weights, dtype=float)
        p: np.ndarray = w / w.sum()
        return p

    def frozen(self) -> Any:
        xs = np.asarray(self.values, dtype=float)
        order = np.argsort(xs)
        return stats.rv_discrete(values=(np.arange(len(xs)), self._p()[order]))

    def bounds(self) -> tuple[float, float]:
        return min(self.values), max(self.values)

    def draw(self, rng: np.random.Generator) -> float:
        return float(self.values[int(rng.choice(len(self.values), p=self._p()))])


Dist = Annotated[
    Fixed | Normal | LogNormal | Exponential | Uniform | Triangular | Beta | Choice,
    Field(discriminator="dist"),
]
DIST_TYPES = (Fixed, Normal, LogNormal, Exponential, Uniform, Triangular, Beta, Choice)
DIST_NAMES = ("fixed", "normal", "lognormal", "exponential", "uniform", "triangular", "beta", "choice")

#: A number in a scenario: a constant or a distribution sampled once per run.
Number = Annotated[float, Strict(), Field(allow_inf_nan=False)] | Dist


def show(x: float) -> str:
    """``x`` for a message: short (``%g``) when that is exact, else every digit needed.

    ``%g`` alone rounds 1.0000001 to 1, and "must lie in [0, 1], found 1" hides the mistake.
    """
    if x == math.inf or x == -math.inf:
        return "inf" if x > 0 else "-inf"
    short = f"{x:g}"
    return short if float(short) == x else repr(float(x))


_show = show


def in_range(lo: float, hi: float) -> Any:
    """Validator of a :data:`Number` whose values lie in ``[lo, hi]``.

    A distribution passes if all but :data:`TAIL` of its mass at each end lies in
    the range; it is then told the range, so that its rare draws outside are
    clipped into it.
    """
    shown = f"[{_show(lo)}, {_show(hi)}]"

    def check(x: Any) -> Any:
        if is_dist(x):
            a, b = x.likely_range()
            if a < lo or b > hi:
                found = f"{_show(a)}" if a == b else f"values from {_show(a)} to {_show(b)}"
                raise ValueError(f"must lie in {shown}, found {found}{_tail_hint(x, a, b)}")
            object.__setattr__(x, "_limits", (lo, hi))
            if x.__pydantic_private__ is not None:
                x.__pydantic_private__["_limits"] = (lo, hi)
        elif x < lo or x > hi:
            raise ValueError(f"must lie in {shown}, found {_show(x)}")
        return x

    return AfterValidator(check)


def schema_range(lo: float, hi: float) -> Any:
    """JSON Schema bounds of the plain-number side of a ranged :data:`Number`."""
    return Field(allow_inf_nan=False, json_schema_extra={"minimum": lo, "maximum": hi})


def _tail_hint(x: Any, a: float, b: float) -> str:
    if (a, b) == x.bounds():
        return ""
    return f" (all but {TAIL:g} of its mass at each end); truncate it with low/high or narrow it"


def is_dist(x: Any) -> bool:
    return isinstance(x, DIST_TYPES)
