"""Calibration by the method of simulated moments.

Chosen scenario parameters are tuned so that the model's moments (each target
metric's replicate mean over the last `window` steps, analysis/targets.py)
come close to the targets. The objective is the sum of squared errors in band
half-widths; scipy minimises it within the given bounds.

Every evaluation runs `innosim run` with the same seed (common random
numbers): two parameter values are then compared on the same random draws, so
the objective is a deterministic, far less noisy function of the parameters and
the optimiser does not chase noise.
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

from .errors import AnalysisInputError, quoted
from .load import open_run
from .targets import Targets, fit_table, loss, require_metrics, run_moments

METHODS = ("differential-evolution", "nelder-mead")
DEFAULT_BUDGET = 60
# Where scripts/build.sh puts the executable, relative to the repository root.
DEFAULT_BINARY = Path(__file__).resolve().parent.parent / "build" / "innosim"


@dataclass(frozen=True)
class FitParameter:
    """A scenario parameter to fit, by its YAML path, within [low, high]; integers are rounded."""

    path: str
    low: float
    high: float
    is_integer: bool = False

    def value(self, x: float):
        """The parameter value the optimiser's x stands for: clipped to the bounds, rounded if integer."""
        x = min(max(float(x), self.low), self.high)
        return int(round(x)) if self.is_integer else x

    def override(self, value) -> str:
        """The `--set` argument for this value; floats keep full precision."""
        return f"{self.path}={value}" if self.is_integer else f"{self.path}={value:.17g}"


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
                    workdir: Path) -> Callable[[dict], dict[str, float]]:
    """A simulator for `calibrate`: runs innosim at the given values and returns the target moments.

    Each run's file is deleted once its moments are read, so a long
    calibration does not fill the disk.
    """
    counter = iter(range(1 << 62))

    def simulate(values: dict) -> dict[str, float]:
        output = workdir / f"evaluation-{next(counter)}.h5"
        command.run([p.override(values[p.path]) for p in parameters], output)
        try:
            with open_run(output) as run:
                model = run.manifest.get("model", "?")
                require_metrics(run, targets, f"scenario {quoted(command.scenario)} (model {model})")
                return run_moments(run, targets)
        finally:
            output.unlink(missing_ok=True)

    return simulate


@dataclass(frozen=True)
class Evaluation:
    values: dict        # parameter path -> value
    moments: dict       # metric -> model moment
    loss: float


@dataclass(frozen=True)
class CalibrationResult:
    method: str
    parameters: list[FitParameter]
    best: Evaluation
    evaluations: list[Evaluation]   # distinct parameter values, in the order they were run
    table: pd.DataFrame             # target vs model at the best values (targets.fit_table)

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
    """Local search from the middle of the box; good for a few continuous parameters."""
    start = np.array([(p.low + p.high) / 2 for p in parameters])
    optimize.minimize(objective, start, method="Nelder-Mead",
                      bounds=[(p.low, p.high) for p in parameters],
                      options={"maxfev": budget, "xatol": 1e-6, "fatol": 1e-9})


def calibrate(targets: Targets, parameters: list[FitParameter], simulate: Callable[[dict], dict[str, float]],
              budget: int = DEFAULT_BUDGET, method: str = "differential-evolution", seed: int = 0,
              progress: Callable[[Evaluation, int], None] | None = None) -> CalibrationResult:
    """Minimises the targets' loss over `parameters`, calling `simulate(values) -> moments`.

    Values that round to the same parameters (integers) are simulated once.
    `budget` bounds the number of distinct simulations; `progress` is told of
    each one. `seed` drives the optimiser, not the model.
    """
    if not parameters:
        raise AnalysisInputError("nothing to calibrate: give at least one --param path=low:high")
    if budget < 2:
        raise AnalysisInputError(f"the budget must allow at least 2 model runs, got {budget}")
    paths = [p.path for p in parameters]
    if len(set(paths)) != len(paths):
        raise AnalysisInputError(f"a parameter is given twice: {', '.join(paths)}")
    evaluations: dict[tuple, Evaluation] = {}

    def objective(x) -> float:
        values = {p.path: p.value(xi) for p, xi in zip(parameters, np.atleast_1d(x))}
        key = tuple(values[path] for path in paths)
        if key not in evaluations:
            if len(evaluations) >= budget:
                return _best(evaluations).loss + 1.0  # over budget: steer away without running
            moments = simulate(values)
            evaluations[key] = Evaluation(values, moments, loss(targets, moments))
            if progress is not None:
                progress(evaluations[key], len(evaluations))
        return evaluations[key].loss

    search = {"differential-evolution": _differential_evolution, "nelder-mead": _nelder_mead}.get(method)
    if search is None:
        raise AnalysisInputError(f"unknown method '{method}'; expected one of {', '.join(METHODS)}")
    search(objective, parameters, budget, seed)
    best = _best(evaluations)
    return CalibrationResult(method, parameters, best, list(evaluations.values()), fit_table(targets, best.moments))


def _best(evaluations: dict[tuple, Evaluation]) -> Evaluation:
    return min(evaluations.values(), key=lambda evaluation: evaluation.loss)


def calibrate_with_innosim(targets: Targets, command: InnosimCommand, parameters: list[FitParameter],
                           budget: int = DEFAULT_BUDGET, method: str = "differential-evolution",
                           progress: Callable[[Evaluation, int], None] | None = None) -> CalibrationResult:
    """`calibrate` with innosim as the simulator, in a temporary folder removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="innosim-calibrate-") as workdir:
        simulate = innosim_moments(command, targets, parameters, Path(workdir))
        return calibrate(targets, parameters, simulate, budget=budget, method=method, progress=progress)
