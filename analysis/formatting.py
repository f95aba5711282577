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


def estimate_with_interval(estimate, low, high, digits: int = 4) -> str:
    """'x [low, high]', just 'x' without an interval, 'n/a' without an estimate."""
    if estimate is None or math.isnan(float(estimate)):
        return "n/a"
    bounds = interval(low, high, digits)
    return number(estimate, digits) if bounds == "n/a" else f"{number(estimate, digits)} {bounds}"


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
