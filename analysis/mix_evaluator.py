"""Evaluating funding mixes with the simulator: each batch of mixes is one `innosim sweep`.

A batch (the initial design, a round of expected improvement, the confirmation runs) is written as
a `design: list` sweep file over the scenario (docs/experiments.md, "Designs"): one column per
instrument of the scenario's mix (`ecosystem.policies[NAME].mix_share`, the allowed instruments'
shares and 0 for the others), one row per mix, the optimisation's `--set` under `set:`. `innosim
sweep` runs it: every point runs the scenario's own seed with the same replicates, so replicate r of
every mix shares its random draws (common random numbers). The sweep's folder is named by a hash of
the sweep file and of the resolved scenario's text (`innosim check --resolved`, which names each
policy's file and line): an interrupted optimisation, run again, writes the same sweep files into
the same folders and `innosim sweep` re-runs only the missing points; a changed scenario or base
gets new folders. A batch can run as shards (`--shards N`: N processes `innosim sweep --shard i/N`)
or under MPI (`--mpi K`: `mpirun -n K innosim sweep`, when innosim was built with MPI; `--mpirun`
gives the launcher with its options, e.g. "mpirun --allow-run-as-root" where OpenMPI runs as root).

The optimisation only needs `evaluate(shares, replicates)` and `evaluate_shipped(replicates)`,
each returning one objective value per replicate, and uses `evaluate_batch(mixes, replicates)` when
the evaluator has it (a mix of None: the scenario as shipped): tests plug in a synthetic function.
"""
from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import numpy as np
import yaml

from .errors import AnalysisInputError, quoted
from .load import open_run
from .objective import Objective

POINTS = "points"
SWEEPS = "sweeps"


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
    """Runs batches of mixes of `scenario` with `innosim sweep` into `folder`/sweeps/."""

    def __init__(self, innosim, scenario, folder, objective: Objective, instruments: list[str],
                 overrides: list[str] = (), threads: int | None = None, shards: int = 1, mpi: int = 0,
                 mpirun: str = "mpirun"):
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
        self.shards = shards
        self.mpi = mpi
        self.mpirun = shlex.split(mpirun)   # with its own options, e.g. "mpirun --allow-run-as-root"
        if mpi and not built_with_mpi(self.innosim):
            raise AnalysisInputError(f"--mpi needs an innosim built with MPI (cmake -DINNOSIM_MPI=ON); "
                                     f"{quoted(self.innosim)} is not: use --shards instead")
        self.runs = 0        # simulator runs (sweep points) this process made
        self.reused = 0      # finished points found and reused
        self.finished: dict[tuple, Path] = {}   # (row, replicates) -> a point file of this optimisation

    @property
    def shipped_shares(self) -> np.ndarray:
        return np.array([self.mix[name] for name in self.instruments])

    def _row(self, shares) -> list[float]:
        """Every instrument of the scenario's mix: the allowed ones' shares and 0 for the others; None:
        the scenario's own shares (the mix as shipped)."""
        if shares is None:
            return [float(share) for share in self.mix.values()]
        given = dict(zip(self.instruments, np.asarray(shares, dtype=np.float64)))
        return [float(given.get(name, 0.0)) for name in self.mix]

    def sweep_text(self, mixes, replicates: int) -> str:
        """The `design: list` sweep file of a batch."""
        lines = [f"# analysis optimize: {len(mixes)} mixes of {self.scenario}",
                 f"scenario: {json.dumps(str(self.scenario.resolve()))}", "design: list",
                 f"replicates: {replicates}"]
        if self.overrides:
            lines.append("set:")
            for setting in self.overrides:
                path, _, value = setting.partition("=")
                lines.append(f"  {json.dumps(path.strip())}: {json.dumps(value.strip())}")
        lines.append("parameters:")
        lines += [f"  {json.dumps(f'ecosystem.policies[{name}].mix_share')}: {{}}" for name in self.mix]
        lines.append("points:")
        lines += [f"  - [{', '.join(repr(v) for v in self._row(mix))}]" for mix in mixes]
        return "\n".join(lines) + "\n"

    def _command(self, sweep_file: Path, directory: Path, shard: str | None = None) -> list[str]:
        command = [str(self.innosim), "sweep", str(sweep_file), "-o", str(directory), "-q"]
        if self.threads:
            command += ["--threads", str(self.threads)]
        if shard:
            command += ["--shard", shard]
        if self.mpi:
            command = self.mpirun + ["-n", str(self.mpi)] + command
        return command

    def _run_sweep(self, sweep_file: Path, directory: Path) -> None:
        shards = [None] if self.shards <= 1 or self.mpi else [f"{i}/{self.shards}" for i in range(self.shards)]
        processes = [(command, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
                     for command in (self._command(sweep_file, directory, shard) for shard in shards)]
        for command, process in processes:
            _, stderr = process.communicate()
            if process.returncode != 0:
                raise AnalysisInputError(f"innosim sweep failed ({' '.join(command)}):\n{stderr.strip()}")

    def evaluate_batch(self, mixes, replicates: int) -> list[np.ndarray]:
        """One objective value per replicate for each mix, run as one sweep (finished points reused)."""
        text = self.sweep_text(mixes, replicates)
        key = hashlib.sha256(json.dumps({"scenario": self.scenario_sha256, "sweep": text}).encode()).hexdigest()
        directory = self.folder / SWEEPS / f"batch-{key[:16]}"
        directory.mkdir(parents=True, exist_ok=True)
        sweep_file = directory / "batch.yaml"
        sweep_file.write_text(text, encoding="utf-8")
        points = [directory / POINTS / f"point-{i:06d}.h5" for i in range(len(mixes))]
        keys = [(tuple(self._row(mix)), replicates) for mix in mixes]
        self._link_finished(points, keys)
        finished = sum(path.exists() for path in points)
        if finished < len(points):
            self._run_sweep(sweep_file, directory)
        self.reused += finished
        self.runs += len(points) - finished
        for key, path in zip(keys, points):
            self.finished.setdefault(key, path)
        return [self._values(path) for path in points]

    def _link_finished(self, points: list[Path], keys: list) -> None:
        """A mix an earlier batch ran with the same replicates (a confirmed candidate that the search ran):
        its point file, linked into this batch, is the same run (innosim sweep checks its scenario)."""
        for path, key in zip(points, keys):
            if not path.exists() and key in self.finished:
                path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(self.finished[key], path)
                except OSError:
                    shutil.copyfile(self.finished[key], path)

    def _values(self, path: Path) -> np.ndarray:
        with open_run(path) as run:
            return self.objective.per_replicate(run)

    def evaluate(self, shares, replicates: int) -> np.ndarray:
        return self.evaluate_batch([shares], replicates)[0]

    def evaluate_shipped(self, replicates: int) -> np.ndarray:
        """The scenario as shipped (its own shares)."""
        return self.evaluate_batch([None], replicates)[0]


def built_with_mpi(innosim: Path) -> bool:
    """Whether `innosim sweep` can run under mpirun (its --help says so)."""
    result = subprocess.run([str(innosim), "sweep", "--help"], capture_output=True, text=True)
    return "mpirun -n K innosim sweep" in result.stdout
