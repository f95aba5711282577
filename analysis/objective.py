"""What an optimisation maximises or minimises: one metric or a weighted sum, over the last steps.

Written `results_applied_share` or `results_applied_share=1,sme_count=0.0001`: each metric's
replicate value is its mean over the last `window` steps, and the objective of a replicate is the
weighted sum. Keeping one value per replicate keeps the pairing: two mixes run from the same seed
are compared replicate by replicate (common random numbers).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import AnalysisInputError, quoted
from .load import Run
from .stats import window_mean


@dataclass(frozen=True)
class Objective:
    terms: tuple[tuple[str, float], ...]   # (metric, weight)
    window: int
    maximize: bool

    @property
    def text(self) -> str:
        if len(self.terms) == 1 and self.terms[0][1] == 1.0:
            return self.terms[0][0]
        return " + ".join(f"{weight:g} x {metric}" for metric, weight in self.terms)

    @property
    def description(self) -> str:
        steps = "the last step" if self.window == 1 else f"the mean of the last {self.window} steps"
        return f"{'maximise' if self.maximize else 'minimise'} {self.text} ({steps}, replicate mean)"

    def per_replicate(self, run: Run) -> np.ndarray:
        """The objective of each replicate of `run`."""
        missing = [metric for metric, _ in self.terms if not run.has_metric(metric)]
        if missing:
            raise AnalysisInputError(f"{quoted(run.path)} has no metric {', '.join(missing)} (the objective)")
        return sum(weight * window_mean(run.metric(metric), self.window) for metric, weight in self.terms)


def parse_objective(text: str, window: int, maximize: bool) -> Objective:
    """`metric` or `metric=weight,metric=weight`."""
    terms = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        metric, _, weight = part.partition("=")
        try:
            terms.append((metric.strip(), float(weight) if weight else 1.0))
        except ValueError:
            raise AnalysisInputError(f"objective term '{part}': the weight after '=' must be a number") from None
    if not terms:
        raise AnalysisInputError(f"expected an objective such as results_applied_share, got '{text}'")
    return Objective(tuple(terms), window, maximize)
