"""The best funding mix for a budget: an emulator proposes, the simulator confirms (issue 18).

1. Design: a space-filling set of feasible mixes (mix_space.maximin_design), each simulated with
   the same seed and replicates (common random numbers).
2. Search: a Gaussian process (emulator.py) fitted to the replicate means; batches of mixes chosen
   by expected improvement are simulated until the run budget is spent.
3. Confirmation: the top candidates (the emulator's optimum and the best simulated mixes), the
   shipped mix and the best single instrument, re-run with more replicates under common random
   numbers. The recommended mix is the top candidate with the best confirmed objective; every
   other mix gets a paired 95% interval of its difference from it.

Each batch (the design, each expected-improvement round, the confirmation runs) is evaluated at once:
mix_evaluator.SimulatorEvaluator runs it as one `design: list` sweep of innosim (resumable, shards,
MPI); tests plug in a function.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import emulator as gp
from .mix_space import CANDIDATES, MixSpace, cox_trace, maximin_design
from .stats import mean_interval, paired_difference

DUPLICATE = 1e-3   # mixes closer than this (Euclidean, in shares) count as the same mix
TRACE_POINTS = 41


@dataclass(frozen=True)
class Settings:
    runs: int = 20                 # simulator evaluations for design + search
    initial: int = 10              # of which the space-filling design
    batch: int = 3                 # mixes per expected-improvement round
    replicates: int = 4
    confirm_replicates: int = 8
    top: int = 3                   # top candidates confirmed
    maximize: bool = True
    seed: int = 2026               # seeds the design and the candidates (not the model)


@dataclass
class Confirmed:
    label: str
    role: str                      # "candidate", "shipped" or "single instrument"
    shares: np.ndarray
    values: np.ndarray             # per replicate
    predicted: float
    predicted_sd: float
    difference: dict | None = None   # vs the recommended mix: estimate, low, high


@dataclass
class Result:
    space: MixSpace
    settings: Settings
    shares: np.ndarray             # [points, instruments] simulated in the search
    values: np.ndarray             # [points] replicate means
    replicate_values: np.ndarray   # [points, replicates]
    rounds: list[int]              # round of each point (0: the design)
    emulator: gp.Emulator
    loo_rmse: float
    noise_sd: float
    confirmed: list[Confirmed]
    recommended: Confirmed
    traces: dict = field(default_factory=dict)
    search_runs: int = 0
    confirmation_runs: int = 0
    wall_seconds: float = 0.0


def _is_new(shares, existing, tolerance=DUPLICATE) -> bool:
    return len(existing) == 0 or np.min(np.linalg.norm(np.asarray(existing) - shares, axis=1)) > tolerance


def _noise_variance(replicate_values: np.ndarray) -> float:
    """The variance of a point's replicate mean that differs between points, averaged over points.

    Under common random numbers much of a replicate's noise is shared by every mix (replicate r is
    lucky or unlucky for all of them) and cancels in comparisons; what the emulator must not chase
    is the rest: the interaction of point and replicate in a two-way layout, divided by the replicates.
    0 with one replicate or one point.
    """
    points, replicates = replicate_values.shape
    if replicates < 2 or points < 2:
        return 0.0
    residual = (replicate_values - replicate_values.mean(axis=0) - replicate_values.mean(axis=1)[:, None]
                + replicate_values.mean())
    return float(np.sum(residual ** 2) / ((points - 1) * (replicates - 1)) / replicates)


def evaluate_batch(evaluator, mixes, replicates: int) -> list[np.ndarray]:
    """Per-replicate values of each mix (None: the shipped mix), in one batch when the evaluator can."""
    if hasattr(evaluator, "evaluate_batch"):
        return list(evaluator.evaluate_batch(list(mixes), replicates))
    return [evaluator.evaluate_shipped(replicates) if mix is None else evaluator.evaluate(mix, replicates)
            for mix in mixes]


def search(space: MixSpace, evaluator, settings: Settings, log=print):
    """Design then expected-improvement rounds until settings.runs mixes are simulated."""
    shares = list(maximin_design(space, min(settings.initial, settings.runs), settings.seed))
    replicate_values = evaluate_batch(evaluator, shares, settings.replicates)
    rounds = [0] * len(shares)
    log(f"design: {len(shares)} mixes simulated")
    round_number = 0
    while len(shares) < settings.runs:
        round_number += 1
        values = np.array([np.mean(v) for v in replicate_values])
        noise = _noise_variance(np.array(replicate_values))
        model = gp.fit(np.array(shares), values, noise)
        candidates = np.array([c for c in space.sample(CANDIDATES // 4, settings.seed + round_number)
                               if _is_new(c, shares)])
        count = min(settings.batch, settings.runs - len(shares))
        picks = gp.propose_batch(model, candidates, np.array(shares), values, count, settings.maximize, noise)
        picks = list(picks)
        shares += picks
        replicate_values += evaluate_batch(evaluator, picks, settings.replicates)
        rounds += [round_number] * len(picks)
        log(f"round {round_number}: {count} mixes by expected improvement ({len(shares)} of {settings.runs})")
    return np.array(shares), np.array(replicate_values), rounds


def _top_candidates(space, model, shares, values, settings) -> list[np.ndarray]:
    """The emulator's optimum over many feasible mixes, then the best simulated mixes, all distinct."""
    candidates = space.sample(CANDIDATES, settings.seed + 1000)
    mean, _ = model.predict(candidates)
    best = candidates[np.argmax(mean) if settings.maximize else np.argmin(mean)]
    chosen = [best]
    order = np.argsort(-values if settings.maximize else values)
    for index in order:
        if len(chosen) >= settings.top:
            break
        if _is_new(shares[index], chosen, 0.02):
            chosen.append(shares[index])
    return chosen


def confirm(space, evaluator, settings, model, shares, values) -> tuple[list[Confirmed], Confirmed]:
    """Re-runs the top candidates, the shipped mix and the best single instrument (one batch); pairs each
    with the best."""
    vertices = space.vertices()
    predicted, _ = model.predict(vertices)
    single = int(np.argmax(predicted) if settings.maximize else np.argmin(predicted))
    rows = [(f"candidate {i + 1}", "candidate", mix)
            for i, mix in enumerate(_top_candidates(space, model, shares, values, settings))]
    rows.append(("shipped mix", "shipped", evaluator.shipped_shares))
    rows.append((f"{space.names[single]} alone", "single instrument", vertices[single]))
    runs = evaluate_batch(evaluator, [None if role == "shipped" else mix for _, role, mix in rows],
                          settings.confirm_replicates)
    confirmed = []
    for (label, role, mix), run in zip(rows, runs):
        mean, sd = model.predict(mix)
        confirmed.append(Confirmed(label, role, np.asarray(mix, dtype=np.float64), np.asarray(run),
                                   float(mean[0]), float(sd[0])))
    # The recommendation: the best confirmed candidate, or the single instrument when it is feasible
    # and does better (the search may have stopped short of a corner).
    eligible = [c for c in confirmed if c.role == "candidate"
                or (c.role == "single instrument" and space.is_feasible(c.shares)[0])]
    means = np.array([np.mean(c.values) for c in eligible])
    recommended = eligible[int(np.argmax(means) if settings.maximize else np.argmin(means))]
    recommended.label = f"recommended ({recommended.label})"
    for other in confirmed:
        interval = paired_difference(recommended.values, other.values)   # other - recommended
        other.difference = {"estimate": float(interval.estimate), "low": float(interval.low),
                            "high": float(interval.high)}
    return confirmed, recommended


def response_traces(space: MixSpace, model, reference) -> dict:
    """Each instrument's share from its minimum to its maximum along Cox's direction through `reference`:
    the emulator's mean and standard deviation (how the objective responds to that share)."""
    traces = {}
    for index, name in enumerate(space.names):
        grid = np.linspace(space.lower[index], space.upper[index], TRACE_POINTS)
        mixes = cox_trace(space, reference, index, grid)
        mean, sd = model.predict(mixes)
        traces[name] = {"share": grid.tolist(), "mean": mean.tolist(), "sd": sd.tolist(),
                        "feasible": space.is_feasible(mixes).tolist()}
    return traces


def optimize(space: MixSpace, evaluator, settings: Settings, log=print) -> Result:
    start = time.monotonic()
    runs_before = getattr(evaluator, "runs", 0)
    shares, replicate_values, rounds = search(space, evaluator, settings, log)
    values = replicate_values.mean(axis=1)
    noise = _noise_variance(replicate_values)
    model = gp.fit(shares, values, noise)
    loo = gp.leave_one_out_error(shares, values, noise)
    log(f"emulator: leave-one-out RMSE {loo:.4g} over {len(values)} mixes")
    search_runs = getattr(evaluator, "runs", len(values)) - runs_before
    confirmed, recommended = confirm(space, evaluator, settings, model, shares, values)
    confirmation_runs = getattr(evaluator, "runs", 0) - runs_before - search_runs
    return Result(space, settings, shares, values, replicate_values, rounds, model, loo, float(np.sqrt(noise)),
                  confirmed, recommended, response_traces(space, model, recommended.shares),
                  search_runs, confirmation_runs, time.monotonic() - start)


def confirmed_interval(confirmed: Confirmed) -> dict:
    interval = mean_interval(confirmed.values)
    return {"estimate": float(interval.estimate), "low": float(interval.low), "high": float(interval.high)}
