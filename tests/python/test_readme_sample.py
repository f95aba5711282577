"""The README's sample output of `bash scripts/baseline.sh` is what the baseline prints now.

The run's own lines are compared with a fresh `innosim run scenarios/national.yaml`: the text
exactly once numbers, the output path and the timing are masked, and every finding within a
tolerance (a point of a percentage or 5%, whichever is larger), so a model change that moves a
finding by more than that fails here until the README is regenerated:

    bash scripts/baseline.sh    # then paste its four lines into README.md's sample
"""
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]\d+)?")


def readme_sample() -> list[str]:
    text = README.read_text()
    start = text.index("The first prints where the result is and what it found")
    block = re.search(r"```\n(.*?)```", text[start:], flags=re.S)
    return block.group(1).strip().splitlines()


def line_starting(lines: list[str], prefix: str) -> str:
    found = [line for line in lines if line.startswith(prefix)]
    assert found, f"no line starting {prefix!r} in:\n" + "\n".join(lines)
    return found[0]


def masked_run_line(line: str) -> str:
    """The summary line without what changes from run to run: threads, time, speed, output path."""
    line = re.sub(r"on \d+ threads? in [\d.]+ s \([\d.e+]+ agent-steps/s\)", "on T threads in S s (R)", line)
    return re.sub(r"results/national-\d{8}-\d{6}\.h5", "OUT.h5", line)


@pytest.fixture(scope="module")
def baseline_lines(innosim, tmp_path_factory) -> list[str]:
    output = tmp_path_factory.mktemp("baseline") / "results" / "national-20260101-000000.h5"
    result = subprocess.run([str(innosim), "run", "scenarios/national.yaml", "-o", str(output)], cwd=REPO,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout.replace(str(output.parent.parent) + "/", "").strip().splitlines()


def test_the_sample_has_the_baseline_scripts_four_lines():
    sample = readme_sample()
    script = (REPO / "scripts" / "baseline.sh").read_text()
    assert sample[0] == "innosim: running scenarios/national.yaml"
    assert 'echo "innosim: running $scenario"' in script
    assert re.fullmatch(r"innosim: report written to results/national-\d{8}-\d{6}\.html \(open it in a browser\)",
                        sample[-1])
    assert 'echo "innosim: report written to $report (open it in a browser)"' in script
    assert len(sample) == 4


def test_the_samples_run_line_matches_a_fresh_run(baseline_lines):
    sample = line_starting(readme_sample(), "Ran model")
    fresh = line_starting(baseline_lines, "Ran model")
    assert masked_run_line(sample) == masked_run_line(fresh)


def test_the_samples_findings_match_a_fresh_run(baseline_lines):
    sample = line_starting(readme_sample(), "Found")
    fresh = line_starting(baseline_lines, "Found")
    assert NUMBER.sub("#", sample) == NUMBER.sub("#", fresh), f"the findings' wording changed:\n{fresh}"
    for shown, now in zip(map(float, NUMBER.findall(sample)), map(float, NUMBER.findall(fresh))):
        assert abs(shown - now) <= max(1.0, 0.05 * abs(now)), (
            f"README shows {shown}, a fresh run gives {now}; regenerate the sample:\n{fresh}")
