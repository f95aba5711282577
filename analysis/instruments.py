"""Per-instrument accounts of an ecosystem run: what each policy instrument was given and spent.

The model writes five metrics per instrument (docs/output-format.md, "Instrument accounts"):
instrument.<slug>.committed, .spent, .returned (yuan/quarter), .unspent (yuan, the account's
balance at the end of the quarter) and .beneficiaries (distinct accounts paid in the quarter).
Their descriptions start with "Instrument '<policy name>' (<type>): ".

    from analysis import instruments
    with open_run("results/nansha.h5") as run:
        frame = instruments.spending(run)     # one row per instrument and replicate

A "same budget, different mix" comparison reads `committed` here: what each instrument was
actually given, not what the scenario says.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .load import Run

PREFIX = "instrument."
PARTS = ("committed", "spent", "returned", "unspent", "beneficiaries")
# An instrument ran out at the first step after money came in where less than this share of the
# money it had so far was left (as the end-of-run summary of `innosim run` says).
RAN_OUT_SHARE = 0.01
_LABEL = re.compile(r"^Instrument '(?P<name>.*)' \((?P<type>[a-z_0-9]+)\): ")
COLUMNS = ["instrument", "name", "type", "replicate", "committed", "spent", "returned", "unspent",
           "beneficiaries", "ran_out_step"]


def is_instrument_metric(name: str) -> bool:
    return name.startswith(PREFIX)


def model_metric_names(names: list[str]) -> list[str]:
    """The names that are not per-instrument accounts: the model's own metrics."""
    return [name for name in names if not is_instrument_metric(name)]


def instrument_slugs(run: Run) -> list[str]:
    """The slugs of the run's instruments (those with all five metrics), sorted."""
    names = set(run.metric_names)
    slugs = {name[len(PREFIX):name.rfind(".")] for name in names if is_instrument_metric(name)}
    return sorted(slug for slug in slugs if all(f"{PREFIX}{slug}.{part}" in names for part in PARTS))


def describe(run: Run, slug: str) -> tuple[str, str]:
    """The instrument's policy name and type, from its metrics' description ('' if unreadable)."""
    match = _LABEL.match(run.metric_info(f"{PREFIX}{slug}.committed").description)
    return (match["name"], match["type"]) if match else ("", "")


def ran_out_step(committed: np.ndarray, returned: np.ndarray, unspent: np.ndarray) -> float:
    """First step (>= 1) where less than RAN_OUT_SHARE of the money that came in so far is left; NaN if none."""
    had = np.cumsum(committed[1:] + returned[1:])
    out = np.flatnonzero((had > 0) & (unspent[1:] <= RAN_OUT_SHARE * had))
    return float(out[0] + 1) if out.size else np.nan


def spending(run: Run, per_step: bool = False) -> pd.DataFrame:
    """Each instrument's accounts, as a tidy frame.

    Default: one row per instrument and replicate over steps 1..T: committed, spent and returned
    summed (yuan), unspent at the last step (yuan), beneficiaries summed (payee-quarters) and
    ran_out_step (NaN where it did not run out). With per_step=True: one row per instrument,
    replicate and step, with the five metrics as they are. Columns instrument (the slug), name
    and type first. Empty (with the columns) for a run without instruments.
    """
    frames = []
    for slug in instrument_slugs(run):
        name, kind = describe(run, slug)
        values = {part: run.metric(f"{PREFIX}{slug}.{part}") for part in PARTS}
        replicates, steps = values["committed"].shape
        if per_step:
            frame = pd.DataFrame({"replicate": np.repeat(np.arange(replicates), steps),
                                  "step": np.tile(np.arange(steps), replicates),
                                  **{part: values[part].ravel() for part in PARTS}})
        else:
            frame = pd.DataFrame({
                "replicate": np.arange(replicates),
                **{part: values[part][:, 1:].sum(axis=1) for part in ("committed", "spent", "returned")},
                "unspent": values["unspent"][:, -1],
                "beneficiaries": values["beneficiaries"][:, 1:].sum(axis=1),
                "ran_out_step": [ran_out_step(values["committed"][r], values["returned"][r],
                                              values["unspent"][r]) for r in range(replicates)]})
        frame.insert(0, "type", kind)
        frame.insert(0, "name", name)
        frame.insert(0, "instrument", slug)
        frames.append(frame)
    if not frames:
        columns = COLUMNS if not per_step else ["instrument", "name", "type", "replicate", "step", *PARTS]
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)


def summary(run: Run) -> pd.DataFrame:
    """One row per instrument: replicate means of spending(run), the share of the money it had left
    unspent, and ran_out_step from the replicate-mean series (the step by which every replicate ran out)."""
    frame = spending(run)
    if frame.empty:
        return pd.DataFrame(columns=["instrument", "name", "type", "committed", "spent", "returned", "unspent",
                                     "unspent_share", "beneficiaries", "ran_out_step"])
    means = frame.groupby(["instrument", "name", "type"], sort=False)[
        ["committed", "spent", "returned", "unspent", "beneficiaries"]].mean().reset_index()
    had = means["committed"] + means["returned"]
    means["unspent_share"] = np.where(had > 0, means["unspent"] / had.where(had > 0, 1), np.nan)
    means["ran_out_step"] = [
        ran_out_step(*(run.metric(f"{PREFIX}{slug}.{part}").mean(axis=0)
                       for part in ("committed", "returned", "unspent")))
        for slug in means["instrument"]]
    return means


def status(row) -> str:
    """'ran out at step S', 'X% unspent' or 'no money came in', for a row of summary(run)."""
    if np.isfinite(row.ran_out_step):
        return f"ran out at step {int(row.ran_out_step)}"
    if np.isfinite(row.unspent_share):
        return f"{100 * row.unspent_share:.1f}% unspent"
    return "no money came in"
