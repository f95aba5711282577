"""A run's metrics at one step (the last by default): replicate mean and 95% t-interval, with units."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import AnalysisInputError
from .load import Run
from .stats import mean_interval


def summarise_run(run: Run, step: int | None = None) -> pd.DataFrame:
    """One row per metric: metric, unit, step, mean, low, high, n (replicates with a defined value)."""
    step = run.steps if step is None else step
    if not 0 <= step <= run.steps:
        raise AnalysisInputError(f"step {step} is outside the run (steps 0..{run.steps})")
    rows = []
    for name in run.metric_names:
        interval = mean_interval(run.metric(name)[:, step])
        rows.append({"metric": name, "unit": run.metric_info(name).unit, "step": step,
                     "mean": float(interval.estimate), "low": float(interval.low),
                     "high": float(interval.high), "n": int(interval.n)})
    return pd.DataFrame(rows, columns=["metric", "unit", "step", "mean", "low", "high", "n"])


def time_series(run: Run, name: str) -> pd.DataFrame:
    """A metric's replicate mean and 95% band at every step: columns step, mean, low, high, n."""
    interval = mean_interval(run.metric(name))
    return pd.DataFrame({"step": np.arange(interval.estimate.size), "mean": interval.estimate,
                         "low": interval.low, "high": interval.high, "n": interval.n})
