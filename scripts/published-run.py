#!/usr/bin/python3
"""Verifies or re-records a published run under scenarios/published/<name>/ (docs/reproducing.md).

A published run is a folder holding the scenario (scenario.yaml), the exact command and its
seed, replicates and steps (run.yaml), the SHA-256 of each output dataset's bytes
(checksums.sha256) and a citation entry (CITATION.cff). HDF5 files differ in metadata from run to
run (creation time, host), so the checksums are of the datasets' values, not of the file.

  scripts/published-run.py verify scenarios/published/boltzmann-gini --innosim build/innosim
  scripts/published-run.py verify --all --ci-only --innosim build/innosim
  scripts/published-run.py record scenarios/published/boltzmann-gini --innosim build/innosim

verify re-runs the command and prints, per dataset, identical / DIFFERENT / MISSING / NEW; its
exit status is 0 when all are identical, 1 when any differs, 2 for bad usage. record re-runs and
rewrites checksums.sha256 and the commit and model version in CITATION.cff (after an intended model change).
"""
import argparse
import hashlib
import os
import pathlib
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import yaml

PUBLISHED = pathlib.Path(__file__).resolve().parent.parent / "scenarios" / "published"
RUN_KEYS = ("command", "seed", "replicates", "steps", "ci")
CHECKSUM_HEADER = (
    "# SHA-256 of each dataset's values (little-endian, C order), one per line: digest, two spaces, path.\n"
    "# Re-record after an intended change: scripts/published-run.py record {folder} --innosim build/innosim\n"
)


class PublishedRunError(Exception):
    """A published run's folder is incomplete or malformed; the message names the file."""


def dataset_checksums(path):
    """{dataset path: sha256 hex of its values} for every dataset of an HDF5 file."""
    checksums = {}

    def visit(name, item):
        if isinstance(item, h5py.Dataset):
            values = np.ascontiguousarray(item[()])
            values = values.astype(values.dtype.newbyteorder("<"), copy=False)
            checksums["/" + name] = hashlib.sha256(values.tobytes()).hexdigest()

    with h5py.File(path, "r") as file:
        file.visititems(visit)
    return checksums


def read_run(folder):
    """run.yaml as a dict, checked for its keys and their agreement with scenario.yaml."""
    run_file = folder / "run.yaml"
    scenario_file = folder / "scenario.yaml"
    for needed in (run_file, scenario_file):
        if not needed.is_file():
            raise PublishedRunError(f"{needed}: missing; a published run needs scenario.yaml, run.yaml, "
                                    "checksums.sha256 and CITATION.cff")
    run = yaml.safe_load(run_file.read_text(encoding="utf-8")) or {}
    for key in run:
        if key not in RUN_KEYS:
            raise PublishedRunError(f"{run_file}: unknown key '{key}'; expected one of {', '.join(RUN_KEYS)}")
    for key in RUN_KEYS:
        if key not in run:
            raise PublishedRunError(f"{run_file}: missing key '{key}'")
    scenario = yaml.safe_load(scenario_file.read_text(encoding="utf-8"))
    for key in ("seed", "replicates", "steps"):
        if scenario.get(key) != run[key]:
            raise PublishedRunError(f"{run_file}: {key} is {run[key]} but {scenario_file} says {scenario.get(key)}")
    return run


def rerun(folder, run, innosim, threads, output):
    """Runs the published command (its 'innosim' replaced by the given binary) from the folder."""
    words = run["command"].split()
    if words[:2] != ["innosim", "run"]:
        raise PublishedRunError(f"{folder / 'run.yaml'}: command must start with 'innosim run', got '{run['command']}'")
    arguments = [str(innosim)] + words[1:] + ["-o", str(output), "--quiet", "--threads", str(threads)]
    subprocess.run(arguments, cwd=folder, check=True)


def read_checksums(folder):
    path = folder / "checksums.sha256"
    if not path.is_file():
        raise PublishedRunError(f"{path}: missing (record it: scripts/published-run.py record {folder})")
    checksums = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        digest, _, dataset = line.partition("  ")
        if len(digest) != 64 or not dataset.startswith("/"):
            raise PublishedRunError(f"{path}:{number}:1: expected '<64 hex digits>  /dataset/path', got '{line}'")
        checksums[dataset] = digest
    return checksums


def compare(recorded, fresh):
    """Lines naming each dataset's state, and the number that are not identical."""
    lines, differing = [], 0
    for dataset in sorted(set(recorded) | set(fresh)):
        if dataset not in fresh:
            state = "MISSING  "
        elif dataset not in recorded:
            state = "NEW      "
        elif recorded[dataset] != fresh[dataset]:
            state = "DIFFERENT"
        else:
            state = "identical"
        differing += state != "identical"
        lines.append(f"  {state} {dataset}")
    return lines, differing


def manifest_text(path, name):
    with h5py.File(path, "r") as file:
        value = file["/manifest"].attrs[name]
    return value.decode() if isinstance(value, bytes) else str(value)


def verify(folder, innosim, threads):
    run = read_run(folder)
    recorded = read_checksums(folder)
    with tempfile.TemporaryDirectory(prefix="innosim-published-") as scratch:
        output = pathlib.Path(scratch) / "rerun.h5"
        rerun(folder, run, innosim, threads, output)
        fresh = dataset_checksums(output)
    lines, differing = compare(recorded, fresh)
    print(f"Verifying {folder.name} ({run['command']}):")
    print("\n".join(lines))
    if differing:
        print(f"NOT verified: {differing} of {len(lines)} datasets differ from {folder / 'checksums.sha256'}. "
              f"If the model changed on purpose, re-record: scripts/published-run.py record {folder}")
        return False
    print(f"Verified: all {len(lines)} datasets identical.")
    return True


def write_atomically(path, text):
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def record(folder, innosim, threads):
    run = read_run(folder)
    with tempfile.TemporaryDirectory(prefix="innosim-published-") as scratch:
        output = pathlib.Path(scratch) / "rerun.h5"
        rerun(folder, run, innosim, threads, output)
        fresh = dataset_checksums(output)
        commit = manifest_text(output, "git_commit")
        model_version = manifest_text(output, "model_version")
    relative = os.path.relpath(folder, PUBLISHED.parent.parent)
    text = CHECKSUM_HEADER.format(folder=relative)
    text += "".join(f"{digest}  {dataset}\n" for dataset, digest in sorted(fresh.items()))
    write_atomically(folder / "checksums.sha256", text)
    citation = folder / "CITATION.cff"
    if citation.is_file():
        entry = yaml.safe_load(citation.read_text(encoding="utf-8"))
        entry["commit"] = commit
        entry["version"] = model_version
        write_atomically(citation, yaml.safe_dump(entry, sort_keys=False, allow_unicode=True))
    print(f"Recorded {len(fresh)} dataset checksums of {folder.name} (commit {commit}).")
    if commit.endswith("-dirty") or commit.startswith("unknown"):
        print(f"warning: {innosim} was built with uncommitted changes, so CITATION.cff names no exact code; "
              "record again with a build of a clean commit before citing it", file=sys.stderr)
    return True


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("verify", "record"))
    parser.add_argument("folders", nargs="*", type=pathlib.Path, help="published run folders")
    parser.add_argument("--all", action="store_true", help="every folder under scenarios/published/")
    parser.add_argument("--ci-only", action="store_true", help="with --all: only runs marked 'ci: true'")
    parser.add_argument("--innosim", type=pathlib.Path, default=pathlib.Path("build/innosim"))
    parser.add_argument("--threads", type=int, default=2, help="results do not depend on it")
    options = parser.parse_args(argv)
    folders = [folder.resolve() for folder in options.folders]
    if options.all:
        folders += sorted(path.parent for path in PUBLISHED.glob("*/run.yaml"))
    if not folders:
        parser.error("name a published run folder, or --all")
    if not options.innosim.is_file():
        parser.error(f"--innosim {options.innosim}: no such file (build it: cmake --build build --target innosim)")
    innosim = options.innosim.resolve()
    action = verify if options.action == "verify" else record
    all_passed = True
    try:
        for folder in folders:
            if not folder.is_dir():
                raise PublishedRunError(f"{folder}: no such folder")
            if options.ci_only and not read_run(folder)["ci"]:
                continue
            all_passed &= action(folder, innosim, options.threads)
    except PublishedRunError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0 if all_passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
