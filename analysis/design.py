"""Sweep designs from the engine: `innosim design` prints them, this scales them to bounds.

The designs live once, in C++ (sim/sweep/sweep_design.hpp): the rows returned
here are exactly the rows `innosim sweep` runs for the same method, points,
levels and seed, scaled the same way (low + x (high - low); a sweep then rounds
integer parameters). Row layouts (`innosim design --help`):
  lhs:    `points` rows, one per stratum of every parameter.
  sobol:  N = `points` blocks of d+2 rows, block j = [A_j, AB_1j, ..., AB_dj, B_j]
          (what analysis.sensitivity.sobol_indices reads); N a power of two.
  morris: `points` trajectories of d+1 rows, each row moving one parameter by
          delta = levels / (2 (levels - 1)) of its range.
"""
from __future__ import annotations

import io
import subprocess

import numpy as np

from .calibrate import find_binary
from .errors import AnalysisInputError
from .sensitivity import _bounds_array, _scale

METHODS = ("lhs", "sobol", "morris")


def engine_design(method: str, bounds, points: int, seed: int = 0, levels: int = 4,
                  innosim=None) -> np.ndarray:
    """The engine's `method` design for parameters with these [low, high] `bounds`, shape [rows, d].

    `points`: lhs design points, sobol base samples N (rows N*(d+2)), morris
    trajectories r (rows r*(d+1)); `levels` is used by morris only. `innosim`
    is the executable (default: $INNOSIM_BIN, build/innosim, or innosim on
    PATH). The engine's refusals (odd levels, more than 20 Sobol parameters,
    zero points, ...) come back as AnalysisInputError with its message.
    """
    bounds = _bounds_array(bounds)
    if method not in METHODS:
        raise AnalysisInputError(f"unknown design method '{method}'; expected one of {', '.join(METHODS)}")
    binary = find_binary(None if innosim is None else str(innosim))
    command = [str(binary), "design", method, "--parameters", str(bounds.shape[0]),
               "--points", str(int(points)), "--seed", str(int(seed))]
    if method == "morris":
        command += ["--levels", str(int(levels))]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise AnalysisInputError(f"innosim design refused: {result.stderr.strip()}")
    unit = np.loadtxt(io.StringIO(result.stdout), delimiter=",", skiprows=1, ndmin=2, dtype=np.float64)
    if unit.shape[1] != bounds.shape[0]:
        raise AnalysisInputError(f"innosim design printed {unit.shape[1]} columns for {bounds.shape[0]} parameters")
    return _scale(unit, bounds)
