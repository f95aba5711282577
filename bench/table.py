"""Prints bench/run_boltzmann.sh's JSON lines as item 1's Markdown table of BENCHMARKS.md.

    /usr/bin/python3 bench/table.py bench/results/<machine>/boltzmann.jsonl <machine>
"""
import json
import subprocess
import sys
from datetime import datetime, timezone

from suite_markdown import reference_model_table


def main(path: str, machine: str) -> None:
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print(f"\nMachine `{machine}`, commit `{commit}`, {datetime.now(timezone.utc):%Y-%m-%d}:\n")
    print("\n".join(reference_model_table(rows, [])))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
