"""The text `analysis compare` prints: the ranked variants, then every metric side by side.

Both tables are laid out for the terminal they are printed on: one row per metric, one column
group per variant, and when the groups do not fit the width they continue in a second table that
repeats the metric column, rather than in rows a terminal wraps into noise.
"""
from __future__ import annotations

import math
import textwrap

from .comparison import BUDGET_UNIT_LABEL, Comparison
from .formatting import fit_column_groups, human_unit, number, signed_with_interval, text_table, yuan
from .ranking import Ranking

COLUMN_GAP = 2
NO_RATIO = "blank†"


def p_text(p: float) -> str:
    if p is None or math.isnan(p):
        return "n/a"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def ranking_lines(ranking: Ranking, steps: int, width: int) -> list[str]:
    """The ranked table with its legend: what was ranked, how the intervals were corrected, footnotes."""
    unit = human_unit(ranking.unit, ranking.objective)
    better = "higher" if ranking.is_maximized else "lower"
    family = len(ranking.table)
    correction = ranking.correction.capitalize()
    legend = [f"Ranking on {ranking.objective} ({better} is better): change at the end (step {steps}) vs the "
              f"base '{ranking.base}'.",
              f"{ranking.family_confidence:.0%} intervals simultaneous over {family} comparison"
              f"{'s' if family > 1 else ''} with the base (Bonferroni: each at {ranking.interval_confidence:.2%}); "
              f"p adjusted by {correction}; * = distinguishable from the base after the correction."]
    lines = [*(wrapped for text in legend for wrapped in textwrap.wrap(text, width)), ""]
    groups = [([f"change{f' [{unit}]' if unit else ''}", f"p ({correction})"], []), (["ahead of next"], [])]
    if ranking.has_spending:
        groups.append((["spending change", f"per {BUDGET_UNIT_LABEL}"], []))
    blanks = 0
    for row in ranking.table.itertuples():
        groups[0][1].append([signed_with_interval(row.change, row.change_low, row.change_high)
                             + (" *" if row.is_distinguishable else ""), p_text(row.p_adjusted)])
        groups[1][1].append([signed_with_interval(row.lead_over_next, row.lead_over_next_low, row.lead_over_next_high)
                             if row.rank < family else ""])
        if ranking.has_spending:
            per_budget = NO_RATIO
            if math.isnan(row.per_100m_yuan):
                blanks += 1
            else:
                per_budget = signed_with_interval(row.per_100m_yuan, row.per_100m_yuan_low,
                                                  row.per_100m_yuan_high) + (f" {unit}" if unit else "")
            groups[2][1].append([_signed_yuan(row.spending_change_yuan), per_budget])
    fixed = [[str(row.rank), row.variant] for row in ranking.table.itertuples()]
    lines += _blocks(["rank", "variant"], fixed, groups, width)
    if ranking.has_spending:
        notes = [f"per {BUDGET_UNIT_LABEL}: the change divided by the change in total spending over the run, "
                 "signed like the change (a variant that spends less gets its effect per 100 M yuan saved)."]
        if blanks:
            notes.append("† blank: the spending change is not distinguishable from 0, so the ratio is unbounded.")
        lines += ["", *(wrapped for text in notes for wrapped in textwrap.wrap(text, width))]
    return lines


def _blocks(fixed_headers: list[str], fixed: list[list[str]], groups, width: int) -> list[str]:
    """Tables of the fixed columns plus as many column groups as fit `width`, one after the other.

    groups: [(headers, [cells per row])]; each group's columns stay together.
    """
    def column_width(header: str, cells) -> int:
        return max(len(header), *(len(cell) for cell in cells)) + COLUMN_GAP

    fixed_width = sum(column_width(h, [r[i] for r in fixed]) for i, h in enumerate(fixed_headers))
    widths = [sum(column_width(h, [r[i] for r in rows]) for i, h in enumerate(headers)) for headers, rows in groups]
    lines = []
    for block in fit_column_groups(fixed_width, widths, width):
        headers = fixed_headers + [h for g in block for h in groups[g][0]]
        rows = [fixed_row + [cell for g in block for cell in groups[g][1][i]] for i, fixed_row in enumerate(fixed)]
        if lines:
            lines.append("")
        lines.append(text_table(headers, rows))
    return lines


def _signed_yuan(value: float) -> str:
    text = yuan(value)
    return text if text == "n/a" or value < 0 else "+" + text


def side_by_side_lines(base: str, comparisons: list[Comparison], width: int) -> list[str]:
    """Every metric: the base at the end, then per variant its change and 95% interval (* excludes 0)."""
    first = comparisons[0].table
    fixed = [[row.metric, human_unit(row.unit, row.metric), number(row.base_end)] for row in first.itertuples()]
    groups = []
    for comparison in comparisons:
        table = comparison.table.set_index("metric")
        cells = []
        for metric in first["metric"]:
            row = table.loc[metric] if metric in table.index else None
            cells.append([""] if row is None else [
                signed_with_interval(row["diff_end"], row["diff_end_low"], row["diff_end_high"])
                + (" *" if row["is_significant"] else "")])
        groups.append(([comparison.variant + ("" if comparison.is_paired else " (Welch)")], cells))
    return _blocks(["metric", "unit", f"{base} (end)"], fixed, groups, width)
