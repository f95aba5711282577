"""The report's first chart: each variant's effect on the objective against what it spent.

A planner's question is "what do I get for the money": the variant up and to the left is the
better buy. Both axes are changes against the base (which sits at the origin), with the ranking's
simultaneous intervals as error bars, so "no more spending" and "no effect" can be read off.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .comparison import BUDGET_UNIT_LABEL, BUDGET_UNIT_YUAN
from .figures import color, data_uri
from .formatting import human_unit
from .ranking import Ranking


def effect_vs_spending_figure(ranking: Ranking) -> str:
    figure = Figure(figsize=(6.2, 4.2), layout="constrained")
    ax = figure.subplots()
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(0, color="black", lw=0.8)
    ax.plot(0, 0, "s", color="black", ms=6)
    ax.annotate(f"{ranking.base} (base)", (0, 0), textcoords="offset points", xytext=(5, -12), fontsize=8)
    for index, row in enumerate(ranking.table.itertuples()):
        x = row.spending_change_yuan / BUDGET_UNIT_YUAN if np.isfinite(row.spending_change_yuan) else 0.0
        xerr = None
        if np.isfinite(row.spending_change_low):
            xerr = [[x - row.spending_change_low / BUDGET_UNIT_YUAN], [row.spending_change_high / BUDGET_UNIT_YUAN - x]]
        yerr = None
        if np.isfinite(row.change_low):
            yerr = [[row.change - row.change_low], [row.change_high - row.change]]
        ax.errorbar(x, row.change, xerr=xerr, yerr=yerr, fmt="o", color=color(index + 1), capsize=3, ms=7)
        ax.annotate(f"{row.rank}. {row.variant}", (x, row.change), textcoords="offset points", xytext=(6, 6),
                    fontsize=9, color=color(index + 1))
    unit = human_unit(ranking.unit, ranking.objective)
    ax.set_xlabel(f"spending change over the run ({BUDGET_UNIT_LABEL})")
    ax.set_ylabel(f"change in {ranking.objective}" + (f" [{unit}]" if unit else ""))
    ax.set_title(f"effect vs spending, {ranking.family_confidence:.0%} simultaneous intervals", fontsize=10)
    ax.grid(alpha=0.3)
    ax.margins(0.15)
    return data_uri(figure)
