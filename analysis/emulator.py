"""A Gaussian-process emulator of the objective over the mix simplex, and expected improvement.

The emulator is fitted to the replicate means at the mixes simulated so far, on the shares
themselves (a point of the simplex; the kernel's distance is the shares' Euclidean distance). Its
kernel: a constant times a Matern 5/2 (smooth but not analytic responses) plus white noise with a
floor at the replicate means' own variance, so that the emulator does not chase noise. Outputs are
standardised inside (normalize_y). The fit is deterministic (fixed optimiser restarts seed).

Leave-one-out cross-validation refits without each point and predicts it: its root-mean-square
error, in the objective's units, says how far to trust the emulator between points.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

RESTARTS = 3


@dataclass
class Emulator:
    model: object          # the fitted sklearn GaussianProcessRegressor

    def predict(self, shares) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard deviation of the objective at each row of `shares`."""
        mean, sd = self.model.predict(np.atleast_2d(shares), return_std=True)
        return mean, np.maximum(sd, 1e-12)

    @property
    def kernel(self) -> str:
        return str(self.model.kernel_)


def fit(shares, values, noise_variance: float = 0.0) -> Emulator:
    """Fits the GP to `values` (one per row of `shares`); `noise_variance`: the variance of a value's mean."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    values = np.asarray(values, dtype=np.float64)
    scale = float(np.var(values)) or 1.0
    # WhiteKernel acts on the standardised outputs (normalize_y): the noise floor is relative.
    floor = float(np.clip(noise_variance / scale, 1e-8, 0.5))
    kernel = (ConstantKernel(1.0, (1e-3, 1e3)) * Matern(length_scale=0.3, length_scale_bounds=(0.03, 10.0), nu=2.5)
              + WhiteKernel(max(floor, 1e-4), (floor, 1.0)))
    model = GaussianProcessRegressor(kernel=kernel, normalize_y=True, n_restarts_optimizer=RESTARTS, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(np.asarray(shares, dtype=np.float64), values)
    return Emulator(model)


def leave_one_out_error(shares, values, noise_variance: float = 0.0) -> float:
    """Root-mean-square error of predicting each point from a GP fitted to the others."""
    shares = np.asarray(shares, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    errors = []
    for left_out in range(len(values)):
        keep = np.arange(len(values)) != left_out
        mean, _ = fit(shares[keep], values[keep], noise_variance).predict(shares[left_out])
        errors.append(mean[0] - values[left_out])
    return float(np.sqrt(np.mean(np.square(errors))))


def expected_improvement(mean, sd, best: float, maximize: bool) -> np.ndarray:
    """E[max(0, f - best)] for maximisation (E[max(0, best - f)] when minimising) under N(mean, sd^2)."""
    gain = (mean - best) if maximize else (best - mean)
    z = gain / sd
    return gain * stats.norm.cdf(z) + sd * stats.norm.pdf(z)


def propose_batch(emulator: Emulator, candidates, shares, values, count: int, maximize: bool,
                  noise_variance: float = 0.0) -> np.ndarray:
    """`count` candidates to simulate next, by expected improvement with the 'kriging believer':
    after each pick, the emulator is refitted as if the pick had returned its predicted mean, so the
    next pick goes where the first one did not already reduce the uncertainty."""
    shares = np.asarray(shares, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    candidates = np.asarray(candidates, dtype=np.float64)
    picks = []
    for _ in range(count):
        mean, sd = emulator.predict(candidates)
        best = values.max() if maximize else values.min()
        improvement = expected_improvement(mean, sd, best, maximize)
        pick = int(np.argmax(improvement))
        picks.append(candidates[pick])
        shares = np.vstack([shares, candidates[pick]])
        values = np.append(values, mean[pick])
        candidates = np.delete(candidates, pick, axis=0)
        emulator = fit(shares, values, noise_variance)
    return np.array(picks)
