"""Numbers and tables for people: the text the command line prints and the report shows."""
from __future__ import annotations

import math


def number(value, digits: int = 4) -> str:
    """A value in `digits` significant figures; 'n/a' for NaN or None (undefined, not zero)."""
    if value is None:
        return "n/a"
    value = float(value)
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.{digits}g}"


def interval(low, high, digits: int = 4) -> str:
    """'[low, high]', or 'n/a' when the interval is undefined (fewer than two replicates)."""
    if low is None or high is None or math.isnan(float(low)) or math.isnan(float(high)):
        return "n/a"
    return f"[{number(low, digits)}, {number(high, digits)}]"


def estimate_with_interval(estimate, low, high, digits: int = 4, *, is_signed: bool = False) -> str:
    """'x [low, high]', just 'x' without an interval, 'n/a' without an estimate; '+x' when is_signed."""
    if estimate is None or math.isnan(float(estimate)):
        return "n/a"
    bounds = interval(low, high, digits)
    shown = signed(estimate, digits) if is_signed else number(estimate, digits)
    return shown if bounds == "n/a" else f"{shown} {bounds}"


def percent(fraction, digits: int = 3) -> str:
    if fraction is None or math.isnan(float(fraction)):
        return "n/a"
    return f"{100 * float(fraction):+.{digits}g}%"


def text_table(headers: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell; the first column left-aligned, the others right-aligned."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]

    def line(cells) -> str:
        padded = [str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
                  for i, (cell, width) in enumerate(zip(cells, widths))]
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), line(["-" * width for width in widths]), *(line(row) for row in rows)])


def signed(value, digits: int = 3) -> str:
    """A change with its sign always shown ('+0.0302', '-12.5'); 'n/a' when undefined."""
    if value is None or math.isnan(float(value)):
        return "n/a"
    return f"{float(value):+.{digits}g}"


def signed_with_interval(estimate, low, high, digits: int = 3) -> str:
    """A change and its interval: '+x [low, high]' (see estimate_with_interval)."""
    return estimate_with_interval(estimate, low, high, digits, is_signed=True)


# Dimensionless metrics ("1") whose name says they are a part of a whole read as a share.
_SHARE_WORDS = ("share", "rate", "takeup", "utilization", "utilisation")


def human_unit(unit: str, metric: str = "") -> str:
    """The unit as a reader says it: '1' is 'share' for shares and rates, nothing for other ratios."""
    if unit in ("", "1"):
        return "share" if unit == "1" and any(word in metric for word in _SHARE_WORDS) else ""
    return unit


def yuan(value, digits: int = 3) -> str:
    """An amount of money in the unit a planner budgets in: '350 M yuan', '1.2 bn yuan', '8e+03 yuan'."""
    if value is None or math.isnan(float(value)):
        return "n/a"
    value = float(value)
    for scale, name in ((1e9, "bn yuan"), (1e6, "M yuan")):
        if abs(value) >= scale:
            return f"{value / scale:.{digits}g} {name}"
    return f"{value:.{digits}g} yuan"


def fit_column_groups(fixed_width: int, group_widths: list[int], width: int) -> list[list[int]]:
    """Splits column groups into blocks that fit `width` characters after the leading columns.

    A wide comparison is printed as several narrower tables, each repeating the leading columns,
    rather than as rows a terminal wraps into noise. Every block holds at least one group.
    """
    blocks, used = [], fixed_width
    for index, group_width in enumerate(group_widths):
        if blocks and blocks[-1] and used + group_width <= width:
            blocks[-1].append(index)
            used += group_width
        else:
            blocks.append([index])
            used = fixed_width + group_width
    return blocks
