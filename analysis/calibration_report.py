"""A calibration's result for people and programs: text tables, Markdown (for docs/MODEL.md) and JSON.

All three show the same things: each parameter's estimate with its standard
error and bounds, each target against the model moment and its band, the
J-test, how many effective moments the weighting kept, and which parameters
the targets do not identify.
"""
from __future__ import annotations

import json

import numpy as np

from . import msm
from .calibrate import CalibrationResult
from .formatting import interval, number, text_table


def parameter_rows(result: CalibrationResult) -> list[dict]:
    inference = result.inference
    return [{"parameter": p.path, "estimate": result.best.values[p.path],
             "standard_error": float(se), "low": p.low, "high": p.high, "start": p.start_value,
             "flag": inference.identification.flags.get(p.path, "")}
            for p, se in zip(result.parameters, inference.standard_errors)]


def moment_rows(result: CalibrationResult) -> list[dict]:
    return [{"metric": r.metric, "target": r.target, "band_low": r.band_low, "band_high": r.band_high,
             "model": r.model, "scaled_error": r.scaled_error, "inside": r.inside}
            for r in result.table.itertuples()]


def weighting_note(result: CalibrationResult) -> str:
    full = result.moment_covariance
    moments = full.covariance.shape[0]
    kind = ("W = S⁺ (efficient)" if result.weighting_kind == "optimal"
            else "W = diag(1/half-width²) (diagonal, for comparison; SEs by the sandwich formula)")
    simulation = (f"Σ_sim at {_values(result.pilot)}" if result.replicates >= 2
                  else "no Σ_sim (one replicate per run: S = Σ_data; use --replicates 2 or more)")
    return (f"weighting: {kind}; S = Σ_data + Σ_sim/R with R = {result.replicates} replicates, {simulation}; "
            f"{full.effective_moments} effective moments of {moments} "
            f"(eigenvalues of S below {msm.EIGENVALUE_FLOOR:g} × the largest dropped; "
            f"condition number of the kept part {full.condition:.3g})")


def identification_notes(result: CalibrationResult) -> list[str]:
    found = result.inference.identification
    notes = [f"singular values of S^-1/2 G D (D = parameter ranges): "
             f"{', '.join(number(v, 3) for v in found.singular_values)}"]
    for direction in found.weak_directions:
        combination = " ".join(f"{weight:+g}·{name}" for name, weight in direction["combination"].items())
        notes.append(f"not identified: the direction {combination} (singular value "
                     f"{number(direction['singular_value'], 3)}) leaves the moments unchanged")
    notes += [f"{name}: {flag}" for name, flag in found.flags.items()]
    if len(notes) == 1:
        notes.append("every parameter is identified by the targets")
    return notes


def _values(values: dict) -> str:
    return " ".join(f"{path}={number(value, 6)}" for path, value in values.items())


def _parameter_table(result: CalibrationResult) -> tuple[list[str], list[list[str]]]:
    headers = ["parameter", "estimate", "SE", "bounds", "start"]
    rows = [[r["parameter"], number(r["estimate"], 6), number(r["standard_error"], 3),
             interval(r["low"], r["high"]), number(r["start"], 6)] for r in parameter_rows(result)]
    return headers, rows


def _moment_table(result: CalibrationResult) -> tuple[list[str], list[list[str]]]:
    headers = ["metric", "target", "band", "model", "error/half-band", "inside"]
    rows = [[r["metric"], number(r["target"]), interval(r["band_low"], r["band_high"]), number(r["model"]),
             number(r["scaled_error"], 3), "yes" if r["inside"] else "no"] for r in moment_rows(result)]
    return headers, rows


def text(result: CalibrationResult) -> str:
    """What the command line prints."""
    inside = sum(bool(r["inside"]) for r in moment_rows(result))
    return "\n".join([
        text_table(*_parameter_table(result)), "",
        text_table(*_moment_table(result)), "",
        f"{inside} of {len(result.table)} targets inside their band; objective {number(result.best.loss)}",
        result.inference.j_test.note,
        weighting_note(result),
        *identification_notes(result)])


def _markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(f"`{cell}`" if i == 0 else cell for i, cell in enumerate(row)) + " |"
              for row in rows]
    return "\n".join(lines)


def markdown(result: CalibrationResult) -> str:
    """Markdown tables and notes, to include verbatim in docs/MODEL.md."""
    notes = [result.inference.j_test.note, weighting_note(result), *identification_notes(result)]
    return "\n".join([
        _markdown_table(*_parameter_table(result)), "",
        _markdown_table(*_moment_table(result)), "",
        *(f"- {note}" for note in notes)]) + "\n"


def to_json(result: CalibrationResult, **context) -> str:
    """Every number of the result; `context` (targets, scenario, seed, ...) is stored alongside."""
    inference = result.inference
    document = {
        **{key: str(value) if value is not None else None for key, value in context.items()},
        "method": result.method, "weighting": result.weighting_kind, "runs": len(result.evaluations),
        "objective": result.best.loss, "pilot": result.pilot, "replicates": result.replicates,
        "parameters": parameter_rows(result), "moments": moment_rows(result),
        "effective_moments": result.moment_covariance.effective_moments,
        "eigenvalue_floor": msm.EIGENVALUE_FLOOR,
        "j_test": {"statistic": inference.j_test.statistic, "dof": inference.j_test.dof,
                   "p_value": inference.j_test.p_value, "note": inference.j_test.note},
        "identification": {"singular_values": inference.identification.singular_values.tolist(),
                           "weak_directions": inference.identification.weak_directions,
                           "flags": inference.identification.flags},
        "jacobian": inference.jacobian.tolist(), "covariance": inference.covariance.tolist(),
        "overrides": result.overrides,
    }
    return json.dumps(_finite(document), indent=2, ensure_ascii=False) + "\n"


def _finite(value):
    """NaN and infinities become null: JSON has no such numbers."""
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
