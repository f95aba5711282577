"""Calibration by the method of simulated moments (MSM).

Chosen scenario parameters θ are estimated so that the model's moments m(θ)
(each target metric's mean over the last `window` steps, averaged over
replicates: analysis/targets.py) come close to the targets t, by minimising

    (m(θ) − t)ᵀ W (m(θ) − t),   W = S⁺,   S = Σ_data + Σ_sim / R

(analysis/msm.py): Σ_data reads each target's band as ±2 standard deviations,
Σ_sim is the covariance of the per-replicate moments at a pilot point (the
starting values unless `weights_at` says otherwise) and R the replicates per
run. `weighting="diagonal"` keeps the earlier objective, Σ (error / half-width)²,
for comparison. At the optimum a central-difference Jacobian gives sandwich
standard errors, Hansen's J-test and an identification report.

Every evaluation runs `innosim run` with the same seed (common random
numbers): two parameter values are then compared on the same random draws, so
the objective is a deterministic, far less noisy function of the parameters and
the optimiser does not chase noise; the Jacobian uses the same seed for the
same reason.
"""
from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from scipy import optimize

from . import msm
from .errors import AnalysisInputError, quoted
from .load import open_run
from .targets import Targets, fit_table, replicate_moments, require_metrics

METHODS = ("differential-evolution", "nelder-mead")
WEIGHTINGS = ("optimal", "diagonal")
DEFAULT_BUDGET = 60
# Central-difference step for the Jacobian, relative to the parameter's value
# (to its range when the value is 0; at least 1 for an integer). Large enough
# that the change in the moments stands above the discreteness of a finite
# agent population under common random numbers, small enough to stay local.
JACOBIAN_STEP = 0.05
# Where scripts/build.sh puts the executable, relative to the repository root.
DEFAULT_BINARY = Path(__file__).resolve().parent.parent / "build" / "innosim"


@dataclass(frozen=True)
class FitParameter:
    """A scenario parameter to fit, by its YAML path, within [low, high]; integers are rounded."""

    path: str
    low: float
    high: float
    is_integer: bool = False
    start: float | None = None   # starting value (and default pilot point); None: the middle of the bounds

    @property
    def start_value(self):
        return self.value((self.low + self.high) / 2 if self.start is None else self.start)

    def value(self, x: float):
        """The parameter value the optimiser's x stands for: clipped to the bounds, rounded if integer."""
        x = min(max(float(x), self.low), self.high)
        return int(round(x)) if self.is_integer else x

    def override(self, value) -> str:
        """The `--set` argument for this value; floats in their shortest form that reads back exactly."""
        return f"{self.path}={value}" if self.is_integer else f"{self.path}={float(value)!r}"


def parse_parameter(text: str) -> FitParameter:
    """Parses `path=low:high` or `path=low:high:int` (the form of --param)."""
    usage = (f"--param '{text}' must look like path=low:high or path=low:high:int, "
             "e.g. boltzmann.width=2:40:int")
    path, sep, bounds = text.partition("=")
    parts = bounds.split(":")
    if not sep or not path.strip() or len(parts) not in (2, 3):
        raise AnalysisInputError(usage)
    is_integer = len(parts) == 3
    if is_integer and parts[2] != "int":
        raise AnalysisInputError(f"{usage} (the third part may only be 'int', got '{parts[2]}')")
    try:
        low, high = float(parts[0]), float(parts[1])
    except ValueError:
        raise AnalysisInputError(usage) from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise AnalysisInputError(f"--param '{text}': the bounds must be finite with low < high")
    if is_integer and (low != int(low) or high != int(high)):
        raise AnalysisInputError(f"--param '{text}': an integer parameter needs integer bounds")
    return FitParameter(path.strip(), low, high, is_integer)


def find_binary(explicit: str | None = None) -> Path:
    """The innosim executable: --innosim, else $INNOSIM_BIN, else build/innosim, else innosim on PATH."""
    candidate = explicit or os.environ.get("INNOSIM_BIN")
    if candidate:
        path = Path(candidate)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise AnalysisInputError(f"cannot run {quoted(path)}: no such executable (check --innosim or INNOSIM_BIN)")
        return path
    if DEFAULT_BINARY.is_file() and os.access(DEFAULT_BINARY, os.X_OK):
        return DEFAULT_BINARY
    on_path = shutil.which("innosim")
    if on_path:
        return Path(on_path)
    raise AnalysisInputError(
        f"innosim executable not found at {quoted(DEFAULT_BINARY)} or on PATH; "
        "build it with scripts/build.sh or pass --innosim PATH")


@dataclass(frozen=True)
class InnosimCommand:
    """How to run the model for one evaluation: everything but the fitted parameters is fixed."""

    binary: Path
    scenario: Path
    overrides: tuple[str, ...] = ()   # fixed --set path=value arguments
    seed: int | None = None          # None: the scenario's own seed, the same for every evaluation
    replicates: int | None = None
    threads: int | None = None

    def arguments(self, fitted: list[str], output: Path) -> list[str]:
        args = [str(self.binary), "run", str(self.scenario), "-o", str(output), "--quiet", "--force"]
        for override in (*self.overrides, *fitted):
            args += ["--set", override]
        if self.seed is not None:
            args += ["--seed", str(self.seed)]
        if self.replicates is not None:
            args += ["--replicates", str(self.replicates)]
        if self.threads is not None:
            args += ["--threads", str(self.threads)]
        return args

    def run(self, fitted: list[str], output: Path) -> None:
        """Runs innosim; a failure becomes an AnalysisInputError with innosim's own message."""
        result = subprocess.run(self.arguments(fitted, output), capture_output=True, text=True)
        if result.returncode != 0:
            message = (result.stderr.strip() or result.stdout.strip() or f"exit status {result.returncode}")
            raise AnalysisInputError(f"innosim run failed for {' '.join(fitted) or 'the scenario'}: {message}")


def innosim_moments(command: InnosimCommand, targets: Targets, parameters: list[FitParameter],
                    workdir: Path) -> Callable[[dict], dict[str, np.ndarray]]:
    """A simulator for `calibrate`: runs innosim at the given values and returns the per-replicate moments.

    Each run's file is deleted once its moments are read, so a long
    calibration does not fill the disk.
    """
    counter = iter(range(1 << 62))

    def simulate(values: dict) -> dict[str, np.ndarray]:
        output = workdir / f"evaluation-{next(counter)}.h5"
        command.run([p.override(values[p.path]) for p in parameters], output)
        try:
            with open_run(output) as run:
                model = run.manifest.get("model", "?")
                require_metrics(run, targets, f"scenario {quoted(command.scenario)} (model {model})")
                return replicate_moments(run, targets)
        finally:
            output.unlink(missing_ok=True)

    return simulate


@dataclass(frozen=True)
class Evaluation:
    values: dict        # parameter path -> value
    moments: dict       # metric -> model moment (replicate mean)
    loss: float         # the objective (m - t)ᵀ W (m - t)


@dataclass(frozen=True)
class Inference:
    """What the estimate is worth: standard errors, J-test, identification (analysis/msm.py)."""

    jacobian: np.ndarray            # G = ∂m/∂θ at the estimate (M×K)
    covariance: np.ndarray          # sandwich covariance of θ̂ (K×K)
    standard_errors: np.ndarray     # sqrt of its diagonal; NaN for an unidentified parameter
    j_test: msm.JTest
    identification: msm.Identification


@dataclass(frozen=True)
class CalibrationResult:
    method: str
    weighting_kind: str             # "optimal" or "diagonal"
    parameters: list[FitParameter]
    best: Evaluation
    evaluations: list[Evaluation]   # distinct parameter values, in the order they were run
    table: pd.DataFrame             # target vs model at the best values (targets.fit_table)
    pilot: dict                     # parameter values where Σ_sim was estimated
    replicates: int                 # R, replicates per run (at the pilot point)
    weighting: msm.Weighting        # W used by the objective
    moment_covariance: msm.Weighting  # S = Σ_data + Σ_sim/R and S⁺, for the J-test and the sandwich
    inference: Inference

    @property
    def overrides(self) -> list[str]:
        return [p.override(self.best.values[p.path]) for p in self.parameters]


def _differential_evolution(objective, parameters: list[FitParameter], budget: int, seed: int) -> None:
    """Global search; population and generations are sized so the evaluations fit the budget."""
    n = len(parameters)
    popsize = max(4, min(15, budget // (3 * n)))
    maxiter = max(0, budget // (popsize * n) - 1)
    optimize.differential_evolution(
        objective, [(p.low, p.high) for p in parameters], popsize=popsize, maxiter=maxiter, seed=seed,
        polish=False, integrality=[p.is_integer for p in parameters], init="latinhypercube")


def _nelder_mead(objective, parameters: list[FitParameter], budget: int, seed: int) -> None:
    """Local search from the starting values; good for a few continuous parameters."""
    start = np.array([p.start_value for p in parameters], dtype=np.float64)
    optimize.minimize(objective, start, method="Nelder-Mead",
                      bounds=[(p.low, p.high) for p in parameters],
                      options={"maxfev": budget, "xatol": 1e-8, "fatol": 1e-10})


def _as_replicates(moments: dict, metrics: list[str]) -> np.ndarray:
    """{metric: [R] or float} -> [R, M]; a missing metric is a NaN column."""
    columns = [np.atleast_1d(np.asarray(moments.get(metric, np.nan), dtype=np.float64)) for metric in metrics]
    replicates = max(len(column) for column in columns)
    return np.column_stack([np.broadcast_to(column, (replicates,)) for column in columns])


def _means(replicates: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(replicates)
        counts = finite.sum(axis=0)
        sums = np.where(finite, replicates, 0.0).sum(axis=0)
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _check_parameters(parameters: list[FitParameter], budget: int) -> None:
    if not parameters:
        raise AnalysisInputError("nothing to calibrate: give at least one --param path=low:high")
    if budget < 2:
        raise AnalysisInputError(f"the budget must allow at least 2 model runs, got {budget}")
    paths = [p.path for p in parameters]
    if len(set(paths)) != len(paths):
        raise AnalysisInputError(f"a parameter is given twice: {', '.join(paths)}")
    for p in parameters:
        if p.start is not None and not p.low <= p.start <= p.high:
            raise AnalysisInputError(f"the starting value {p.start:g} of '{p.path}' lies outside its bounds "
                                     f"[{p.low:g}, {p.high:g}]")


def build_weighting(targets: Targets, pilot_replicates: np.ndarray, kind: str,
                    floor: float = msm.EIGENVALUE_FLOOR) -> tuple[msm.Weighting, msm.Weighting, int]:
    """(W for the objective, S with its pseudo-inverse, R) from the per-replicate moments at the pilot point."""
    if kind not in WEIGHTINGS:
        raise AnalysisInputError(f"unknown weighting '{kind}'; expected one of {', '.join(WEIGHTINGS)}")
    if not np.all(np.isfinite(pilot_replicates)):
        missing = [m for m, ok in zip(targets.metrics, np.isfinite(pilot_replicates).all(axis=0)) if not ok]
        raise AnalysisInputError(f"the moments at the pilot point are undefined (NaN) for {', '.join(missing)}; "
                                 "choose other starting values or --weights-at")
    replicates = pilot_replicates.shape[0]
    half_widths = np.array([target.half_width for target in targets.targets])
    total = msm.data_covariance(half_widths) + msm.moment_covariance(pilot_replicates) / replicates
    full = msm.regularised_weighting(total, floor)
    return (full if kind == "optimal" else msm.diagonal_weighting(half_widths)), full, replicates


def calibrate(targets: Targets, parameters: list[FitParameter], simulate: Callable[[dict], dict],
              budget: int = DEFAULT_BUDGET, method: str = "differential-evolution", seed: int = 0,
              progress: Callable[[Evaluation, int], None] | None = None, weighting: str = "optimal",
              weights_at: dict | None = None, jacobian_step: float = JACOBIAN_STEP,
              floor: float = msm.EIGENVALUE_FLOOR) -> CalibrationResult:
    """Estimates `parameters` by MSM, calling `simulate(values) -> {metric: per-replicate moments}`.

    A float instead of an array counts as one replicate (no simulation noise
    estimate: S is then Σ_data). Values that round to the same parameters
    (integers) are simulated once. `budget` bounds the distinct simulations of
    the search, the pilot run included; the Jacobian adds up to 2 runs per
    parameter. `progress` is told of each one. `seed` drives the optimiser,
    not the model. `weights_at` ({path: value}) moves the pilot point off the
    starting values.
    """
    _check_parameters(parameters, budget)
    search = {"differential-evolution": _differential_evolution, "nelder-mead": _nelder_mead}.get(method)
    if search is None:
        raise AnalysisInputError(f"unknown method '{method}'; expected one of {', '.join(METHODS)}")
    paths = [p.path for p in parameters]
    metrics, values_t = targets.metrics, np.array([target.value for target in targets.targets])
    cache: dict[tuple, np.ndarray] = {}

    def replicates_at(values: dict) -> np.ndarray:
        key = tuple(values[path] for path in paths)
        if key not in cache:
            cache[key] = _as_replicates(simulate(values), metrics)
        return cache[key]

    unknown = sorted(set(weights_at or {}) - set(paths))
    if unknown:
        raise AnalysisInputError(f"--weights-at names {', '.join(unknown)}, which is not fitted "
                                 f"(fitted: {', '.join(paths)})")
    pilot = {p.path: p.value((weights_at or {}).get(p.path, p.start_value)) for p in parameters}
    objective_weighting, full, replicates = build_weighting(targets, replicates_at(pilot), weighting, floor)
    evaluations: dict[tuple, Evaluation] = {}

    def evaluate(values: dict) -> Evaluation:
        key = tuple(values[path] for path in paths)
        if key not in evaluations:
            moments = _means(replicates_at(values))
            evaluations[key] = Evaluation(values, dict(zip(metrics, moments)),
                                          msm.quadratic_form(moments - values_t, objective_weighting.matrix))
            if progress is not None:
                progress(evaluations[key], len(evaluations))
        return evaluations[key]

    evaluate(pilot)

    def objective(x) -> float:
        values = {p.path: p.value(xi) for p, xi in zip(parameters, np.atleast_1d(x))}
        key = tuple(values[path] for path in paths)
        if key not in evaluations and len(evaluations) >= budget:
            return _best(evaluations).loss + 1.0  # over budget: steer away without running
        return evaluate(values).loss

    search(objective, parameters, budget, seed)
    best = _best(evaluations)
    inference = _inference(parameters, best, replicates_at, values_t, objective_weighting, full, jacobian_step)
    return CalibrationResult(method, weighting, parameters, best, list(evaluations.values()),
                             fit_table(targets, best.moments), pilot, replicates, objective_weighting, full,
                             inference)


def _best(evaluations: dict[tuple, Evaluation]) -> Evaluation:
    return min(evaluations.values(), key=lambda evaluation: evaluation.loss)


def _step(parameter: FitParameter, value: float, relative: float) -> float:
    step = relative * (abs(value) if value != 0 else parameter.high - parameter.low)
    return max(1.0, round(step)) if parameter.is_integer else step


def jacobian(parameters: list[FitParameter], best: dict, moments_at: Callable[[dict], np.ndarray],
             relative_step: float = JACOBIAN_STEP) -> np.ndarray:
    """G = ∂m/∂θ by central differences at `best` (one-sided at a bound), same seed for every run."""
    columns = []
    for parameter in parameters:
        value = best[parameter.path]
        step = _step(parameter, value, relative_step)
        up = parameter.value(value + step)
        down = parameter.value(value - step)
        if up == down:
            columns.append(np.zeros(len(moments_at(best))))
            continue
        plus = moments_at({**best, parameter.path: up})
        minus = moments_at({**best, parameter.path: down})
        columns.append((plus - minus) / (up - down))
    return np.column_stack(columns)


def _inference(parameters, best: Evaluation, replicates_at, values_t, objective_weighting: msm.Weighting,
               full: msm.Weighting, relative_step: float) -> Inference:
    G = jacobian(parameters, best.values, lambda values: _means(replicates_at(values)), relative_step)
    covariance = msm.sandwich_covariance(G, objective_weighting.matrix, full.covariance)
    names = [p.path for p in parameters]
    found = msm.identification(G, full, names, [p.high - p.low for p in parameters])
    errors = np.sqrt(np.clip(np.diag(covariance), 0, None))
    errors = np.array([np.nan if name in found.flags and found.flags[name].startswith("not") else se
                       for name, se in zip(names, errors)])
    errors_t = np.array(list(best.moments.values())) - values_t
    return Inference(G, covariance, errors, msm.j_test(errors_t, full, len(parameters)), found)


def calibrate_with_innosim(targets: Targets, command: InnosimCommand, parameters: list[FitParameter],
                           budget: int = DEFAULT_BUDGET, method: str = "differential-evolution",
                           progress: Callable[[Evaluation, int], None] | None = None,
                           **options) -> CalibrationResult:
    """`calibrate` with innosim as the simulator, in a temporary folder removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="innosim-calibrate-") as workdir:
        simulate = innosim_moments(command, targets, parameters, Path(workdir))
        return calibrate(targets, parameters, simulate, budget=budget, method=method, progress=progress,
                         **options)
