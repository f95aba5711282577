"""Whether two runs' replicates can be paired, and the difference of a metric either way.

Replicate r of two runs share their random numbers (common random numbers) when both ran from
the same seed with the same replicate count; then the paired difference removes the noise they
share. Runs with different replicate counts cannot be paired: rather than stop, the comparison
falls back to Welch's unpaired interval (wider, still valid) and says which files and counts.
Runs of different lengths are not comparable at all: "the end" would be different steps.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import AnalysisInputError, quoted
from .load import Run
from .stats import CONFIDENCE, Interval, paired_difference, paired_p_value, welch_difference, welch_p_value


@dataclass(frozen=True)
class Pairing:
    """How replicate r of the base relates to replicate r of the variant.

    `is_paired`: the replicate counts agree, so paired differences exist. `is_common_random_numbers`:
    besides, both ran from the same seed, so the pairs share their draws. `warning`: for the reader
    when the pairing is not what a policy comparison needs ('' when it is).
    """

    is_paired: bool
    is_common_random_numbers: bool
    warning: str


def pairing(base: Run, variant: Run) -> Pairing:
    """The pairing of two runs; AnalysisInputError when their lengths differ (no common end step)."""
    if base.steps != variant.steps:
        raise AnalysisInputError(
            f"{quoted(base.path)} has {base.steps} steps and {quoted(variant.path)} has {variant.steps}: "
            "runs compared at the end must have the same number of steps (run both with the same scenario length)")
    if base.replicates != variant.replicates:
        return Pairing(False, False,
                       f"{quoted(base.path)} has {base.replicates} replicates and {quoted(variant.path)} has "
                       f"{variant.replicates}: replicates cannot be paired, so these intervals are Welch "
                       "(unpaired) and wider; run both with the same --replicates and seed for paired ones")
    base_seed, variant_seed = base.manifest.get("seed"), variant.manifest.get("seed")
    if base_seed is None or base_seed != variant_seed:
        return Pairing(True, False,
                       f"the seeds differ ({base_seed} vs {variant_seed}): replicates are not common random "
                       "numbers, so read the Welch interval")
    return Pairing(True, True, "")


def difference(base_values, variant_values, is_paired: bool, confidence: float = CONFIDENCE) -> Interval:
    """variant - base, one value per replicate in each: paired when the pairing allows, else Welch."""
    if is_paired:
        return paired_difference(base_values, variant_values, confidence)
    return welch_difference(base_values, variant_values, confidence)


def difference_p_value(base_values, variant_values, is_paired: bool) -> float:
    """Two-sided p that variant and base have the same mean: paired t-test or Welch's."""
    if is_paired:
        return paired_p_value(np.asarray(variant_values, dtype=np.float64) - np.asarray(base_values, dtype=np.float64))
    return welch_p_value(base_values, variant_values)
