"""The space of funding mixes an optimisation searches: shares of named instruments that sum to 1.

Each allowed instrument may have a minimum and a maximum share; the feasible mixes are the part of
the simplex within those bounds. Points are drawn from it deterministically (numpy's generator from
a stated seed: this is the analysis' design, not the model's randomness) and spread out by greedy
maximin, so that an initial design covers the whole feasible region rather than clumping.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import AnalysisInputError

TOLERANCE = 1e-9
CANDIDATES = 4000   # random feasible mixes the design and the search choose among


@dataclass(frozen=True)
class MixSpace:
    """Instruments by name, each share within [lower, upper], the shares summing to 1."""

    names: tuple[str, ...]
    lower: np.ndarray
    upper: np.ndarray

    @property
    def dimension(self) -> int:
        return len(self.names)

    def is_feasible(self, shares) -> np.ndarray:
        """Per row: within the bounds and summing to 1."""
        shares = np.atleast_2d(shares)
        return ((shares >= self.lower - TOLERANCE).all(axis=1) & (shares <= self.upper + TOLERANCE).all(axis=1)
                & (np.abs(shares.sum(axis=1) - 1.0) <= 1e-6))

    def sample(self, count: int, seed: int) -> np.ndarray:
        """`count` feasible mixes, uniform over the feasible region (Dirichlet(1) draws, rejection)."""
        generator = np.random.default_rng(seed)
        kept: list[np.ndarray] = []
        total = 0
        for _ in range(200):
            draws = self.lower + (1.0 - self.lower.sum()) * generator.dirichlet(np.ones(self.dimension), 4 * count)
            draws = draws[self.is_feasible(draws)]
            kept.append(draws)
            total += len(draws)
            if total >= count:
                break
        points = np.concatenate(kept)[:count]
        if len(points) == 0:
            raise AnalysisInputError("no mix satisfies the share bounds (too tight to find one)")
        return points

    def vertices(self) -> np.ndarray:
        """Each instrument alone (share 1): the single-instrument mixes, feasible or not."""
        return np.eye(self.dimension)


def make_space(names, lower=None, upper=None) -> MixSpace:
    """Checks the bounds: each within 0..1, lower <= upper, and some mix fits (sum of lowers <= 1 <= uppers)."""
    names = tuple(names)
    if len(names) < 2:
        raise AnalysisInputError(f"an optimisation needs at least two instruments, got {len(names)}")
    if len(set(names)) != len(names):
        raise AnalysisInputError(f"an instrument is listed twice: {', '.join(names)}")
    lower = np.zeros(len(names)) if lower is None else np.asarray(lower, dtype=np.float64)
    upper = np.ones(len(names)) if upper is None else np.asarray(upper, dtype=np.float64)
    for name, low, high in zip(names, lower, upper):
        if not 0.0 <= low <= high <= 1.0:
            raise AnalysisInputError(f"the share bounds of '{name}' must satisfy 0 <= min <= max <= 1, got {low}:{high}")
    if lower.sum() > 1.0 + TOLERANCE or upper.sum() < 1.0 - TOLERANCE:
        raise AnalysisInputError(
            f"no mix fits the share bounds: the minimums sum to {lower.sum():g} and the maximums to {upper.sum():g} "
            "(shares sum to 1)")
    return MixSpace(names, lower, upper)


def maximin_design(space: MixSpace, count: int, seed: int) -> np.ndarray:
    """`count` feasible mixes spread over the region: greedy maximin over random candidates.

    Starts at the candidate nearest the region's centre (the candidates' mean), then repeatedly adds the
    candidate farthest from every point chosen so far.
    """
    candidates = space.sample(CANDIDATES, seed)
    first = int(np.argmin(np.linalg.norm(candidates - candidates.mean(axis=0), axis=1)))
    chosen = [first]
    distance = np.linalg.norm(candidates - candidates[first], axis=1)
    while len(chosen) < min(count, len(candidates)):
        farthest = int(np.argmax(distance))
        chosen.append(farthest)
        distance = np.minimum(distance, np.linalg.norm(candidates - candidates[farthest], axis=1))
    return candidates[chosen]


def cox_trace(space: MixSpace, reference, instrument: int, shares) -> np.ndarray:
    """Mixes along Cox's direction: instrument's share set to each of `shares`, the others kept in the
    proportions they have in `reference` (how mixture experiments show one component's effect)."""
    reference = np.asarray(reference, dtype=np.float64)
    others = np.delete(np.arange(space.dimension), instrument)
    rest = reference[others].sum()
    weights = reference[others] / rest if rest > TOLERANCE else np.full(len(others), 1.0 / len(others))
    trace = np.zeros((len(shares), space.dimension))
    trace[:, instrument] = shares
    trace[:, others] = (1.0 - np.asarray(shares))[:, None] * weights[None, :]
    return trace
