"""Analysis of innosim output: load runs, compare policies, sensitivity, calibration, HTML reports.

Library use:
    from analysis import open_run
    with open_run("results/boltzmann.h5") as run:
        gini = run.metric("gini")          # [replicates, steps+1]
        frame = run.metrics()              # tidy: replicate, step, metric, value, unit
Command line: python3 -m analysis --help (docs/analysis.md).
"""
from .errors import AnalysisInputError
from .load import Run, open_run
from .sweep import Sweep, open_sweep

__all__ = ["AnalysisInputError", "Run", "Sweep", "open_run", "open_sweep"]
