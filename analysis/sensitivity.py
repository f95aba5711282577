"""Global sensitivity analysis: Sobol indices (Saltelli design) and Morris elementary effects.

Sobol indices split the variance of an output among the parameters: the
first-order index S_i is the share explained by parameter i alone, the
total-order index ST_i the share that involves i at all (alone or in
interactions). Estimators (Saltelli et al. 2010, "Variance based sensitivity
analysis of model output", Table 2):
    S_i  = mean(f(B) * (f(AB_i) - f(A))) / V        (Saltelli 2010, eq. (b))
    ST_i = mean((f(A) - f(AB_i))^2) / (2 V)         (Jansen 1999, eq. (f))
with A, B two independent N x d samples, AB_i = A with column i taken from B,
and V the variance of f over A and B together.

Morris (1991) screening walks r random one-at-a-time trajectories on a
p-level grid and records each step's elementary effect
EE_i = (f(x + delta e_i) - f(x)) / delta (x in the unit cube); mu* (the mean of
|EE_i|, Campolongo et al. 2007) ranks influence, sigma (their standard
deviation) flags non-linearity or interactions.

Design layouts (what `innosim sweep` writes to /design/X, docs/analysis.md; the
designs themselves come from the engine: `innosim design`, analysis.design.engine_design):
  Saltelli: N blocks of d+2 rows, block j = [A_j, AB_1j, ..., AB_dj, B_j]
            (the SALib layout without second-order rows).
  Morris:   r trajectories of d+1 consecutive rows; consecutive rows differ in
            exactly one parameter.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import AnalysisInputError
from .stats import CONFIDENCE

BOOTSTRAP_RESAMPLES = 1000
# Base samples N below which Sobol estimates are mostly noise: with a few dozen rows the
# estimators' variance swamps indices of a few tenths (their error shrinks as 1/sqrt(N)).
SOBOL_MIN_BASE_SAMPLES = 64
# What to ask for instead: Saltelli et al. (2010) report estimates settling at N of about 500-1000.
SOBOL_RECOMMENDED_BASE_SAMPLES = 512


def _bounds_array(bounds) -> np.ndarray:
    """Bounds as a [d, 2] float array with low < high, or an error naming the bad row."""
    bounds = np.asarray(bounds, dtype=np.float64)
    if bounds.ndim != 2 or bounds.shape[1] != 2 or bounds.shape[0] < 1:
        raise AnalysisInputError(f"bounds must be a list of [low, high] pairs, got shape {list(bounds.shape)}")
    for index, (low, high) in enumerate(bounds):
        if not low < high:
            raise AnalysisInputError(f"bounds of parameter {index} must have low < high, got [{low}, {high}]")
    return bounds


def _scale(unit_points: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    return bounds[:, 0] + unit_points * (bounds[:, 1] - bounds[:, 0])


# -- Sobol / Saltelli ------------------------------------------------------------------------

def split_saltelli(outputs, parameters: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """f(A) [N], f(AB) [N, d], f(B) [N] from outputs in the Saltelli layout."""
    outputs = np.asarray(outputs, dtype=np.float64).ravel()
    block = parameters + 2
    if outputs.size == 0 or outputs.size % block:
        raise AnalysisInputError(
            f"{outputs.size} outputs are not a Saltelli design for {parameters} parameters "
            f"(expected a multiple of d+2 = {block})")
    if not np.all(np.isfinite(outputs)):
        bad = np.flatnonzero(~np.isfinite(outputs))
        raise AnalysisInputError(
            f"{bad.size} outputs are not finite (first at design row {bad[0]}); Sobol indices need every point")
    blocks = outputs.reshape(-1, block)
    return blocks[:, 0], blocks[:, 1:-1], blocks[:, -1]


def _sobol_estimates(f_a: np.ndarray, f_ab: np.ndarray, f_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First- and total-order estimates; the leading axes of the inputs are kept (bootstrap rows)."""
    variance = np.var(np.concatenate([f_a, f_b], axis=-1), axis=-1)
    first = np.mean(f_b[..., None] * (f_ab - f_a[..., None]), axis=-2) / variance[..., None]
    total = 0.5 * np.mean((f_a[..., None] - f_ab) ** 2, axis=-2) / variance[..., None]
    return first, total


def sobol_indices(outputs, names: list[str], bootstrap: int = BOOTSTRAP_RESAMPLES,
                  confidence: float = CONFIDENCE, seed: int = 0) -> pd.DataFrame:
    """Sobol first- (S1) and total-order (ST) indices with percentile bootstrap intervals.

    The bootstrap resamples the N base rows (each with its AB rows, which
    share its randomness). Returns one row per parameter: S1, S1_low, S1_high,
    ST, ST_low, ST_high.
    """
    f_a, f_ab, f_b = split_saltelli(outputs, len(names))
    if np.var(np.concatenate([f_a, f_b])) == 0:
        raise AnalysisInputError("the output does not vary over the design; Sobol indices are undefined")
    first, total = _sobol_estimates(f_a, f_ab, f_b)
    rng = np.random.default_rng(seed)
    n = f_a.size
    first_draws, total_draws = [], []
    # Chunks keep the resampled [chunk, N, d] array small for large designs.
    chunk = max(1, min(bootstrap, 2_000_000 // max(1, n * len(names))))
    for start in range(0, bootstrap, chunk):
        rows = rng.integers(0, n, size=(min(chunk, bootstrap - start), n))
        s1, st = _sobol_estimates(f_a[rows], f_ab[rows], f_b[rows])
        first_draws.append(s1)
        total_draws.append(st)
    tail = (1 - confidence) / 2 * 100
    frame = pd.DataFrame({"parameter": names, "S1": first, "ST": total})
    if bootstrap > 0:
        first_draws = np.concatenate(first_draws)
        total_draws = np.concatenate(total_draws)
        frame["S1_low"], frame["S1_high"] = np.nanpercentile(first_draws, [tail, 100 - tail], axis=0)
        frame["ST_low"], frame["ST_high"] = np.nanpercentile(total_draws, [tail, 100 - tail], axis=0)
    else:
        for column in ("S1_low", "S1_high", "ST_low", "ST_high"):
            frame[column] = np.nan
    return frame[["parameter", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]]


# -- Morris --------------------------------------------------------------------------------------

def elementary_effects(design, outputs, bounds=None) -> list[list[float]]:
    """Each parameter's elementary effects from Morris trajectories, in unit-cube scale.

    `bounds` [d, 2] gives each parameter's range; without it the range
    covered by the design is used (exact for a Morris grid that reaches both
    ends, as any sizeable design does).
    """
    design = np.asarray(design, dtype=np.float64)
    outputs = np.asarray(outputs, dtype=np.float64).ravel()
    if design.ndim != 2 or design.shape[0] != outputs.size:
        raise AnalysisInputError(
            f"design has shape {list(design.shape)} but there are {outputs.size} outputs; need one output per row")
    d = design.shape[1]
    if design.shape[0] % (d + 1):
        raise AnalysisInputError(
            f"{design.shape[0]} design rows are not Morris trajectories for {d} parameters "
            f"(expected a multiple of d+1 = {d + 1})")
    if bounds is not None:
        bounds = _bounds_array(bounds)
        ranges = bounds[:, 1] - bounds[:, 0]
    else:
        ranges = design.max(axis=0) - design.min(axis=0)
    effects: list[list[float]] = [[] for _ in range(d)]
    for t in range(design.shape[0] // (d + 1)):
        rows = slice(t * (d + 1), (t + 1) * (d + 1))
        x, y = design[rows], outputs[rows]
        for k in range(d):
            step = x[k + 1] - x[k]
            moved = np.flatnonzero(np.abs(step) > 1e-12 * np.maximum(1.0, np.abs(x[k])))
            if moved.size != 1:
                raise AnalysisInputError(
                    f"design rows {t * (d + 1) + k} and {t * (d + 1) + k + 1} differ in {moved.size} parameters; "
                    "a Morris trajectory changes exactly one per row")
            i = moved[0]
            effects[i].append((y[k + 1] - y[k]) / (step[i] / ranges[i]))
    return effects


def morris_indices(design, outputs, names: list[str], bounds=None) -> pd.DataFrame:
    """Morris mu (signed mean), mu* (mean absolute) and sigma of the elementary effects, per parameter."""
    effects = elementary_effects(design, outputs, bounds)
    if len(names) != len(effects):
        raise AnalysisInputError(f"{len(names)} parameter names for a design with {len(effects)} columns")
    rows = []
    for name, values in zip(names, effects):
        values = np.asarray(values)
        rows.append({"parameter": name, "mu": values.mean(), "mu_star": np.abs(values).mean(),
                     "sigma": values.std(ddof=1) if values.size > 1 else np.nan, "effects": values.size})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class SensitivityResult:
    """Indices of one output: `method` is 'sobol' or 'morris', `table` one row per parameter."""

    method: str
    output: str
    table: pd.DataFrame
    warning: str = ""   # e.g. a base sample too small for the indices to mean anything


def sobol_sample_warning(base_samples: int, parameters: int, table: pd.DataFrame) -> str:
    """A warning when N is too small for Sobol indices to mean anything, saying what N is needed."""
    if base_samples >= SOBOL_MIN_BASE_SAMPLES:
        return ""
    widths = pd.concat([table.S1_high - table.S1_low, table.ST_high - table.ST_low])
    spread = (f"; the widest 95% interval spans {widths.max():.2f}" if widths.notna().any() else "")
    needed = SOBOL_RECOMMENDED_BASE_SAMPLES
    return (f"warning: N = {base_samples} base samples is too few for Sobol indices to mean anything"
            f"{spread}. Use N >= {SOBOL_MIN_BASE_SAMPLES}, better {needed} (`points: {needed}` in the sweep "
            f"file: {needed} x (d+2) = {needed * (parameters + 2)} runs); the error shrinks as 1/sqrt(N).")


def analyse(method: str, design, outputs, names: list[str], output: str = "output", bounds=None,
            bootstrap: int = BOOTSTRAP_RESAMPLES, seed: int = 0) -> SensitivityResult:
    """Indices for a design of either method: the entry point for arrays and for sweep folders alike.

    For 'sobol' the design must be in the Saltelli layout (only the outputs'
    order matters); for 'morris' consecutive rows must form trajectories.
    """
    if method == "sobol":
        design = np.asarray(design)
        if design.ndim == 2 and design.shape[1] != len(names):
            raise AnalysisInputError(f"{len(names)} parameter names for a design with {design.shape[1]} columns")
        table = sobol_indices(outputs, names, bootstrap=bootstrap, seed=seed)
        base_samples = np.asarray(outputs).size // (len(names) + 2)
        return SensitivityResult("sobol", output, table, sobol_sample_warning(base_samples, len(names), table))
    if method == "morris":
        return SensitivityResult("morris", output, morris_indices(design, outputs, names, bounds))
    raise AnalysisInputError(f"unknown sensitivity method '{method}'; expected 'sobol' or 'morris'")
