"""docs/planning.md runs as written (issue 17, item 7): every `sh` and `python` block of the page,
with 2 replicates instead of 8 and a short run (few quarters, short spin-up) so that it takes a
minute, and the outputs say what the page tells the planner to read. The simplex sweep of the last
section is planned (`--plan`), not run: its mechanics are tested in test_funding_mix.py."""
import os
import re
import shlex
import subprocess
import sys

import pytest

from conftest import REPO

DOC = REPO / "docs" / "planning.md"
SHORT_RUN = ["--set", "steps=4", "--set", "ecosystem.initial_state.spin_up_quarters=2"]
VARIANTS = ["vouchers_led", "pool_led", "insurance_led"]
# The optimisation of section 7 at its smallest (its own test, test_optimize.py, checks what it finds).
OPTIMIZE_SMALL = ["--runs", "5", "--initial", "4", "--batch", "1", "--replicates", "2", "--confirm-replicates", "2",
                  "--top", "1", "--window", "2", "--quiet", *SHORT_RUN]


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def commands() -> list[list[str]]:
    """Each shell command of the page, continuation lines joined, as argv."""
    lines = "\n".join(blocks("sh")).replace("\\\n", " ").splitlines()
    return [shlex.split(line) for line in lines if line.strip() and not line.lstrip().startswith("#")]


def adapted(argv: list[str], innosim, results) -> list[str]:
    """The command as the test runs it: this build, a private results folder, fewer replicates and steps."""
    argv = [str(results / arg[len("results/planning/"):]) if arg.startswith("results/planning/") else arg
            for arg in argv]
    if argv[0] == "build/innosim":
        argv[0] = str(innosim)
        if argv[1] == "run":
            argv[argv.index("--replicates") + 1] = "2"
            argv += SHORT_RUN
        if argv[1] == "sweep":
            argv = argv[:argv.index("-o")] + ["--plan"]
    elif argv[:3] == ["/usr/bin/python3", "-m", "analysis"]:
        argv[0] = sys.executable
        if argv[3] == "optimize":
            argv += OPTIMIZE_SMALL
    return argv


@pytest.fixture(scope="module")
def walkthrough(innosim, tmp_path_factory):
    results = tmp_path_factory.mktemp("planning")
    outputs = []
    for argv in commands():
        command = adapted(argv, innosim, results)
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900,
                                env={**os.environ, "COLUMNS": "160"})
        assert result.returncode == 0, f"{shlex.join(argv)} failed:\n{result.stderr[-3000:]}"
        outputs.append((argv, result.stdout))
    checks = []
    for code in blocks("python"):
        result = subprocess.run([sys.executable, "-c", code.replace("results/planning/", f"{results}/")],
                                cwd=REPO, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        checks.append(result.stdout)
    return results, outputs, checks


def output_of(walkthrough, *words) -> str:
    _, outputs, _ = walkthrough
    return next(out for argv, out in outputs if all(word in argv for word in words))


def test_the_page_runs_every_step(walkthrough):
    _, outputs, checks = walkthrough
    assert [argv[1] for argv in (a for a, _ in outputs)][:6] == ["check", "run", "run", "run", "run", "-m"]
    assert len(checks) == 1


def test_the_resolved_variant_keeps_nanshas_instruments_and_its_shares(walkthrough):
    text = output_of(walkthrough, "check")
    for name in ["credit risk-compensation pool", "Nansha mother fund", "pilot vouchers", "first-unit insurance"]:
        assert name in text
    assert re.search(r"mix_share: 0\.6\b", text)


def test_the_spending_check_shows_the_same_total_split_as_the_shares(walkthrough):
    _, _, checks = walkthrough
    lines = checks[0].splitlines()
    assert [line.split(":")[0] for line in lines] == VARIANTS
    shares = {"vouchers_led": (60.0, 20.0, 20.0), "pool_led": (20.0, 60.0, 20.0), "insurance_led": (20.0, 20.0, 60.0)}
    for line in lines:
        variant = line.split(":")[0]
        given = [float(x) for x in re.findall(r"(?:pilot vouchers|loan risk pool|first-unit insurance) ([\d.]+)", line)]
        assert tuple(given) == shares[variant], line
        assert "total 100.0," in line


def test_compare_ranks_the_three_mixes_on_the_objective(walkthrough):
    text = output_of(walkthrough, "compare")
    assert "Ranking on results_applied_share" in text
    ranking = text[text.index("Ranking on"):]
    ranked = [variant for variant in VARIANTS if re.search(rf"^\d\s+{variant}\b", ranking, flags=re.M)]
    assert sorted(ranked) == sorted(VARIANTS)
    for metric in ["first_unit_insurance_takeup", "risk_pool_paid", "sme_count"]:
        assert metric in text


def test_the_report_is_written(walkthrough):
    results, _, _ = walkthrough
    html = (results / "report.html").read_text(encoding="utf-8")
    for variant in VARIANTS:
        assert variant in html
