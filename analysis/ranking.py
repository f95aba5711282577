"""Rank K policy variants against a base on one objective metric, with corrected intervals.

Each variant's effect is its objective at the end minus the base's, paired by replicate (common
random numbers: replicate r of every run drew the same random numbers when all ran from one
seed), or Welch's unpaired difference where the replicate counts differ (analysis/pairing.py).
K variants mean K tests against the base, and the chance that one of K null effects looks real
grows with K; so the family is corrected:

- intervals are simultaneous: each at 1 - 0.05/K (Bonferroni), so all K cover together with 95%;
- the test "distinguishable from the base" uses Holm's step-down adjusted p-values (default) or
  Bonferroni's (`correction`); Holm rejects whatever Bonferroni does, and sometimes more.

The variants are ordered by their estimated effect in the objective's direction; `lead_over_next`
is the paired difference between neighbours in that order, so a reader sees whether rank 1 is
really ahead of rank 2 or only by noise. Effect per 100 M yuan is as in comparison.py.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .comparison import SPENDING_METRIC, check_metric_names, effect_per_budget, spending_change
from .errors import AnalysisInputError
from .load import Run
from .pairing import difference, difference_p_value, pairing
from .stats import CONFIDENCE, bonferroni_adjust, holm_adjust

CORRECTIONS = {"holm": holm_adjust, "bonferroni": bonferroni_adjust}
FEW_REPLICATES = 2


@dataclass(frozen=True)
class Ranking:
    """Variants in rank order (best first) on `objective`, one table row each, and warnings for the reader."""

    base: str
    objective: str
    unit: str
    is_maximized: bool
    correction: str
    family_confidence: float
    interval_confidence: float
    replicates: int
    table: pd.DataFrame
    warnings: list[str]

    @property
    def has_spending(self) -> bool:
        return bool(self.table["spending_change_yuan"].notna().any())


def rank_variants(base: Run, variants: list[Run], objective: str, *, maximize: bool = True,
                  correction: str = "holm", spending_metric: str = SPENDING_METRIC,
                  confidence: float = CONFIDENCE) -> Ranking:
    """Ranks `variants` on the change of `objective` at the end against `base`."""
    if not variants:
        raise AnalysisInputError("ranking needs at least one variant besides the base")
    if correction not in CORRECTIONS:
        raise AnalysisInputError(f"unknown correction '{correction}' (corrections: {', '.join(CORRECTIONS)})")
    check_metric_names([objective], [base, *variants])
    interval_confidence = 1.0 - (1.0 - confidence) / len(variants)
    pairings = [pairing(base, variant) for variant in variants]
    warnings = list(dict.fromkeys(p.warning for p in pairings if p.warning))
    base_end = base.metric(objective)[:, -1]
    rows = []
    for variant, how in zip(variants, pairings):
        variant_end = variant.metric(objective)[:, -1]
        change = difference(base_end, variant_end, how.is_paired, interval_confidence)
        row = {"variant": variant.label, "input_index": len(rows), "path": str(variant.path), "is_paired": how.is_paired,
               "base_end": float(np.nanmean(base_end)), "variant_end": float(np.nanmean(variant_end)),
               "change": float(change.estimate), "change_low": float(change.low), "change_high": float(change.high),
               "p": difference_p_value(base_end, variant_end, how.is_paired), "replicates": variant.replicates}
        row.update(_spending_columns(base, variant, spending_metric, how, base_end, variant_end, interval_confidence))
        rows.append(row)
    table = pd.DataFrame(rows)
    table["p_adjusted"] = CORRECTIONS[correction](table["p"].to_numpy())
    table["is_distinguishable"] = table["p_adjusted"] < 1.0 - confidence
    direction = 1.0 if maximize else -1.0
    table = table.assign(_key=-direction * table["change"]).sort_values("_key", kind="stable").drop(columns="_key")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table = table.reset_index(drop=True)
    _add_leads(table, base, variants, objective, direction, interval_confidence)
    replicates = min(run.replicates for run in [base, *variants])
    if replicates <= FEW_REPLICATES:
        warnings.append(f"only {replicates} replicates: intervals are very wide (a t-interval on "
                        f"{replicates - 1} degree of freedom); run more with --replicates before trusting the order")
    return Ranking(base.label, objective, base.metric_info(objective).unit, maximize, correction, confidence,
                   interval_confidence, replicates, table, warnings)


def _spending_columns(base: Run, variant: Run, metric: str, how, base_end, variant_end, confidence) -> dict:
    columns = dict.fromkeys(("spending_change_yuan", "spending_change_low", "spending_change_high",
                             "per_100m_yuan", "per_100m_yuan_low", "per_100m_yuan_high"), np.nan)
    spending = spending_change(base, variant, metric, how)
    if spending is None:
        return columns
    change = spending.interval(confidence)
    per_budget = effect_per_budget(base_end, variant_end, spending, confidence)
    columns.update(spending_change_yuan=float(change.estimate), spending_change_low=float(change.low),
                   spending_change_high=float(change.high), per_100m_yuan=float(per_budget.estimate),
                   per_100m_yuan_low=float(per_budget.low), per_100m_yuan_high=float(per_budget.high))
    return columns


def _add_leads(table: pd.DataFrame, base: Run, variants: list[Run], objective: str, direction: float,
               confidence: float) -> None:
    """lead_over_next: how far each variant is ahead of the next one in rank, paired where they pair."""
    leads = [(np.nan, np.nan, np.nan)] * len(table)
    for index in range(len(table) - 1):
        ahead = variants[table.at[index, "input_index"]]
        behind = variants[table.at[index + 1, "input_index"]]
        how = pairing(behind, ahead)
        lead = difference(behind.metric(objective)[:, -1] * direction, ahead.metric(objective)[:, -1] * direction,
                          how.is_paired, confidence)
        leads[index] = (float(lead.estimate), float(lead.low), float(lead.high))
    table["lead_over_next"], table["lead_over_next_low"], table["lead_over_next_high"] = map(list, zip(*leads))

