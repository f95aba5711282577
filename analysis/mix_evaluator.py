"""Evaluating funding mixes with the simulator: one `innosim run` per mix, common random numbers.

Every mix runs the scenario's own seed with the same replicate count, its shares set by name
(`--set 'ecosystem.policies[NAME].mix_share=...'`, the path the sweep files use), so replicate r
of every mix shares its random draws. A mix's run file is named by a hash of everything that
decides it (scenario, shares, replicates, overrides) and written under a temporary name, then
renamed: an interrupted optimisation, run again, reuses every finished mix and re-runs only the
rest, as `innosim sweep` does. The hash covers the resolved scenario's text (`innosim check
--resolved`, which names each policy's file and line), so a changed scenario or base re-runs.

The optimisation only needs `evaluate(shares, replicates)` and `evaluate_shipped(replicates)`,
each returning one objective value per replicate: tests plug in a synthetic function instead.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import numpy as np
import yaml

from .errors import AnalysisInputError, quoted
from .load import open_run
from .objective import Objective

POINTS = "points"


def resolved_scenario(innosim: Path, scenario: Path) -> str:
    """The scenario as innosim resolves it (`innosim check --resolved`, after its first line)."""
    result = subprocess.run([str(innosim), "check", str(scenario), "--resolved"], capture_output=True, text=True)
    if result.returncode != 0:
        raise AnalysisInputError(f"{quoted(scenario)} does not check:\n{result.stderr.strip() or result.stdout.strip()}")
    return result.stdout.split("\n", 1)[1]


def scenario_mix(innosim: Path, scenario: Path) -> dict[str, float]:
    """The scenario's funding mix, {instrument name: share}."""
    resolved = yaml.safe_load(resolved_scenario(innosim, scenario))
    policies = (resolved.get("ecosystem") or {}).get("policies") or []
    mix = {policy["name"]: float(policy["mix_share"]) for policy in policies
           if float(policy.get("mix_share", -1.0)) >= 0.0}
    if not mix:
        raise AnalysisInputError(
            f"{quoted(scenario)} declares no funding mix (no policy has a mix_share; docs/experiments.md, "
            "\"Funding mixes\")")
    return mix


class SimulatorEvaluator:
    """Runs mixes of `scenario` with `innosim run` into `folder`/points/."""

    def __init__(self, innosim, scenario, folder, objective: Objective, instruments: list[str],
                 overrides: list[str] = (), threads: int | None = None):
        self.innosim = Path(innosim)
        self.scenario = Path(scenario)
        self.folder = Path(folder)
        self.objective = objective
        self.mix = scenario_mix(self.innosim, self.scenario)
        # A run is reused only for the same resolved scenario: editing the file (or a base) re-runs.
        self.scenario_sha256 = hashlib.sha256(resolved_scenario(self.innosim, self.scenario).encode()).hexdigest()
        unknown = [name for name in instruments if name not in self.mix]
        if unknown:
            raise AnalysisInputError(
                f"{', '.join(repr(n) for n in unknown)} not in the funding mix of {quoted(scenario)}; "
                f"its instruments: {', '.join(self.mix)}")
        self.instruments = list(instruments)
        self.overrides = list(overrides)
        self.threads = threads
        self.runs = 0        # simulator runs this process made
        self.reused = 0      # finished runs found and reused
        self.run_paths: dict[str, Path] = {}

    @property
    def shipped_shares(self) -> np.ndarray:
        return np.array([self.mix[name] for name in self.instruments])

    def _settings(self, shares) -> list[str]:
        """--set for every instrument of the scenario's mix: the allowed ones' shares, 0 for the others."""
        given = dict(zip(self.instruments, np.asarray(shares, dtype=np.float64)))
        return [f"ecosystem.policies[{name}].mix_share={given.get(name, 0.0)!r}" for name in self.mix]

    def _run(self, settings: list[str], replicates: int) -> Path:
        key = json.dumps({"scenario": self.scenario_sha256, "set": settings + self.overrides,
                          "replicates": replicates}, sort_keys=True)
        name = f"mix-{hashlib.sha256(key.encode()).hexdigest()[:16]}-r{replicates}.h5"
        path = self.folder / POINTS / name
        if path.exists():
            self.reused += 1
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{name}.partial.h5")
        command = [str(self.innosim), "run", str(self.scenario), "--replicates", str(replicates), "-q",
                   "--force", "-o", str(partial)]
        for setting in settings + self.overrides:
            command += ["--set", setting]
        if self.threads:
            command += ["--threads", str(self.threads)]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise AnalysisInputError(f"innosim run failed ({' '.join(command)}):\n{result.stderr.strip()}")
        partial.replace(path)
        self.runs += 1
        return path

    def _values(self, path: Path) -> np.ndarray:
        with open_run(path) as run:
            return self.objective.per_replicate(run)

    def evaluate(self, shares, replicates: int) -> np.ndarray:
        path = self._run(self._settings(shares), replicates)
        self.run_paths[_key(shares, replicates)] = path
        return self._values(path)

    def evaluate_shipped(self, replicates: int) -> np.ndarray:
        """The scenario as shipped (its own shares, nothing set)."""
        path = self._run([], replicates)
        self.run_paths[f"shipped/{replicates}"] = path
        return self._values(path)


def _key(shares, replicates: int) -> str:
    return ",".join(f"{share:.9f}" for share in np.asarray(shares)) + f"/{replicates}"
