"""`python3 -m analysis report`: one self-contained HTML file, its sections, and safe writing."""
import base64
import re

import numpy as np
import pytest

from analysis.report import write_report

STAGES = ("research", "development", "commercialization", "industrialization")
IMAGE = re.compile(r'<img [^>]*?src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def images(html: str) -> list[bytes]:
    return [base64.b64decode(data) for data in IMAGE.findall(html)]


def assert_self_contained(html: str) -> None:
    """No resource the browser would fetch: no http(s) at all, no external src/href, no <link> or <script src>."""
    text = IMAGE.sub("<img", html)  # base64 data may spell 'http' by chance
    assert "http" not in text.lower()
    assert not re.search(r'(src|href)="(?!data:|#)', html)
    assert "<link" not in html and "<script" not in html


def ecosystem_like_run(write_run, name, rng, *, industrialized_boost=0.0, seed=42):
    """A run with the stage metrics and a firm panel, so the funnel and firm-size sections have data."""
    replicates, steps = 4, 12
    metrics = {f"results_by_stage_{stage}": rng.poisson(100 / (k + 1), size=(replicates, steps + 1)).astype(float)
               for k, stage in enumerate(STAGES)}
    metrics["results_by_stage_industrialization"] += industrialized_boost
    metrics["government_spending"] = np.full((replicates, steps + 1), 1e6 * (1 + industrialized_boost / 10))
    firms = 300
    panel = {"replicate": np.repeat(np.arange(replicates), firms), "step": np.full(replicates * firms, steps),
             "id": np.tile(np.arange(firms), replicates),
             "employees": (rng.pareto(1.1, replicates * firms) * 10 + 1).astype(np.int64),
             "revenue": rng.lognormal(12, 2, replicates * firms)}
    return write_run(name, metrics, panels={"firm": panel}, manifest={"seed": seed, "model": "ecosystem"},
                     units={"employees": "persons", "government_spending": "yuan"})


def test_report_with_variant_and_targets_is_complete_and_self_contained(paired_runs, tmp_path, analysis_cli):
    base, variant, details = paired_runs
    targets = tmp_path / "targets.yaml"
    base_output = details["base_output"][:, -3:].mean()
    targets.write_text(f"window: 3\ntargets:\n"
                       f"  output:\n    value: {base_output:.6f}\n"
                       f"    band: [{base_output - 1:.6f}, {base_output + 1:.6f}]\n"
                       f"  unchanged:\n    value: 100\n    band: [90, 110]\n")
    output = tmp_path / "report.html"
    result = analysis_cli("report", base, variant, "--targets", targets, "-o", output)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(output)
    html = output.read_text()
    assert_self_contained(html)
    pngs = images(html)
    # effect vs spending, forest plot, differences over time, time series; no funnel or firm data
    assert len(pngs) == 4
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000 for png in pngs)
    assert html.count("<table") >= 7  # ranking, runs, comparison, 2 summaries, calibration, 2 manifests
    assert "<th>variant − base (paired 95%)</th>" in html
    ranking = html[html.index('id="ranking"'):html.index("</table>", html.index('id="ranking"'))]
    assert "<td>variant</td>" in ranking and "<td>1</td>" in ranking
    calibration = html[html.index('id="calibration"'):html.index('id="firm-size"')]
    assert re.search(r"<td>output</td>.*?<td class=\"yes\">yes</td>", calibration)
    assert re.search(r"<td>unchanged</td>.*?<td class=\"no\">no</td>", calibration)
    assert "1 of 2 targets inside their band" in calibration
    assert "No result-pipeline funnel" in html and "No firm-size distribution" in html
    assert "model: test" in html  # the manifest's scenario text


def test_report_draws_the_funnel_and_firm_sizes_when_the_data_exist(write_run, tmp_path):
    rng = np.random.default_rng(31)
    base = ecosystem_like_run(write_run, "base.h5", rng)
    reform = ecosystem_like_run(write_run, "reform.h5", rng, industrialized_boost=20.0)
    output = write_report([base, reform], tmp_path / "report.html")
    html = output.read_text()
    assert_self_contained(html)
    assert "No result-pipeline funnel" not in html and "No firm-size distribution" not in html
    # effect vs spending, comparison, differences over time, funnel, time series, firm sizes
    assert len(images(html)) == 6
    assert "firm records over all replicates" in html and "employees" in html
    funnel = html[html.index('id="funnel"'):html.index('id="time-series"')]
    from analysis import open_run
    with open_run(reform) as run:
        expected = np.mean(run.metric("results_by_stage_industrialization")[:, -1])
    assert f"<td>{expected:.4g}</td>" in funnel


def test_report_refuses_to_overwrite_without_force(paired_runs, tmp_path, analysis_cli):
    base, _, _ = paired_runs
    output = tmp_path / "report.html"
    output.write_text("keep me")
    result = analysis_cli("report", base, "-o", output)
    assert result.returncode == 2
    assert result.stderr == f"error: '{output}' exists; use --force to replace it\n"
    assert output.read_text() == "keep me"
    forced = analysis_cli("report", base, "-o", output, "--force")
    assert forced.returncode == 0, forced.stderr
    assert output.read_text().startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no partial files left


def test_report_into_a_missing_folder_creates_it_like_innosim_run(paired_runs, tmp_path, analysis_cli):
    # One rule for -o (issue 17): `innosim run -o` creates missing folders, and so does the report.
    base, _, _ = paired_runs
    output = tmp_path / "new" / "deeper" / "report.html"
    result = analysis_cli("report", base, "-o", output)
    assert result.returncode == 0, result.stderr
    assert output.read_text().startswith("<!DOCTYPE html>")


def test_report_with_bad_input_leaves_no_folder_behind(tmp_path, analysis_cli):
    output = tmp_path / "new" / "deeper" / "report.html"
    result = analysis_cli("report", tmp_path / "missing.h5", "-o", output)
    assert result.returncode == 2
    assert "missing.h5" in result.stderr
    assert not (tmp_path / "new").exists()


def test_report_names_bad_targets_with_line_and_column(paired_runs, tmp_path):
    base, _, _ = paired_runs
    targets = tmp_path / "targets.yaml"
    targets.write_text("window: 3\ntargets:\n  output:\n    value: 1\n    bnad: [0, 2]\n")
    from analysis import AnalysisInputError
    with pytest.raises(AnalysisInputError) as error:
        write_report([base], tmp_path / "report.html", targets)
    assert str(error.value).splitlines() == [
        f"{targets}:5:5: unknown key 'bnad' in target 'output'; did you mean 'band'? "
        "(allowed: value, band, definition, source, unit, note)",
        f"{targets}:3:3: target 'output' has no 'band' ([low, high], the range that counts as a fit)",
    ]
    assert not (tmp_path / "report.html").exists()


def test_report_never_overwrites_its_own_input(paired_runs, analysis_cli):
    base, _, _ = paired_runs
    before = base.read_bytes()
    result = analysis_cli("report", base, "-o", base, "--force")
    assert result.returncode == 2
    assert result.stderr == f"error: refusing to write the report over its input '{base}'; choose another -o\n"
    assert base.read_bytes() == before


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


NANSHA_LIKE_SCENARIO = """model: ecosystem
seed: 4
ecosystem:
  regions:
    nansha: {weight: 1.0}
  policies:
    - {type: risk_pool, name: pool, budget_yuan: 5e7}
    - {type: guidance_fund, name: fund, budget_yuan: 2.0e8}
"""


def planner_runs(write_run, rng, metrics_count=3, replicates=6, steps=8):
    """A base and two variants with a shared-noise objective, an instrument whose take-up starts at 0 in the
    base, spending that rises with the instruments, and `metrics_count` noisy metrics that do not change."""
    shared = rng.normal(0, 0.01, (replicates, steps + 1))
    runs = []
    for name, effect, takeup, extra in (("base", 0.0, 0.0, 0.0), ("vouchers", 0.01, 0.0, 1e6),
                                        ("insurance", 0.03, 0.72, 2e6)):
        metrics = {"results_applied_share": 0.16 + effect + shared,
                   "first_unit_insurance_takeup": np.full((replicates, steps + 1), takeup),
                   "government_spending": np.full((replicates, steps + 1), 6e6 + extra)}
        for k in range(metrics_count):
            metrics[f"noisy_{k:02d}"] = 100 + rng.normal(0, 1 + 30 * k, (replicates, steps + 1))
        runs.append(write_run(f"{name}.h5", metrics, manifest={"scenario_yaml": NANSHA_LIKE_SCENARIO, "seed": 4},
                              units={"results_applied_share": "1", "first_unit_insurance_takeup": "1",
                                     "government_spending": "yuan/quarter"}))
    return runs


def test_report_with_variants_opens_on_the_question_and_the_ranking(write_run, tmp_path):
    runs = planner_runs(write_run, np.random.default_rng(5))
    html = write_report(runs, tmp_path / "report.html", objective="results_applied_share").read_text()
    assert_self_contained(html)
    answer = html[html.index('<section class="answer"'):html.index("</section>")]
    question = answer[answer.index('id="question"'):answer.index("</p>")]
    assert "<strong>results_applied_share</strong>" in question and "(region: nansha)" in question
    assert "250 M yuan of declared budgets" in question and "higher is better" in question
    ranking = answer[answer.index('id="ranking"'):answer.index("</table>")]
    assert ranking.index("<td>insurance</td>") < ranking.index("<td>vouchers</td>")
    assert "p (Holm)" in ranking and 'id="effect-vs-spending"' in answer
    # Everything else comes after the answer, folded.
    rest = html[html.index("</section>"):]
    assert rest.count('<details class="section"') == 6 and '<details class="section" id="runs">' in rest


def test_report_shows_metrics_whose_base_is_zero_as_absolute_changes(write_run, tmp_path):
    runs = planner_runs(write_run, np.random.default_rng(6))
    html = write_report(runs, tmp_path / "report.html").read_text()
    table = html[html.index('id="comparison-table"'):]
    row = table[table.index("<td>first_unit_insurance_takeup</td>"):table.index("</tr>", table.index(
        "<td>first_unit_insurance_takeup</td>"))]
    assert '<td class="sig">+0.72 [0.72, 0.72]<span class="rel">base 0</span></td>' in row
    assert "(Default objective; choose another with --objective.)" in html  # results_applied_share by default


def test_report_forest_plot_stays_bounded_with_many_noisy_metrics(write_run, tmp_path):
    runs = planner_runs(write_run, np.random.default_rng(7), metrics_count=60)
    html = write_report(runs, tmp_path / "report.html").read_text()
    comparison = html[html.index('id="comparison"'):html.index('id="funnel"')]
    forest = images(comparison)[0]
    width, height = png_size(forest)
    assert height < 1100, f"forest plot {width}x{height} px"
    caption = comparison[comparison.index("metric"):]
    assert re.search(r"The \d+ metrics? shown are the objective", caption)
    assert "first_unit_insurance_takeup" in comparison


def test_report_funnel_counts_flows_that_never_widen_beside_the_stock(write_run, tmp_path):
    steps = 4
    metrics = {f"results_by_stage_{stage}": np.full((3, steps + 1), count)
               for stage, count in zip(STAGES, (1200.0, 1100.0, 1024.0, 1591.0))}
    metrics["results_applied_share"] = np.full((3, steps + 1), 0.17)
    metrics["applied_industrialized_share"] = np.full((3, steps + 1), 0.4)
    run = write_run("run.h5", metrics)
    html = write_report([run], tmp_path / "report.html").read_text()
    funnel = html[html.index('id="funnel"'):html.index('id="time-series"')]
    flows = funnel[funnel.index('id="funnel-flows"'):funnel.index("</table>", funnel.index('id="funnel-flows"'))]
    shares = [float(value) for value in re.findall(r"<td>([\d.]+)%</td>", flows)]
    assert shares == [100.0, 17.0, 6.8]  # created, reached commercialization, reached industrialization
    assert shares == sorted(shares, reverse=True)
    stocks = funnel[funnel.index('id="funnel-stocks"'):]
    assert "stock: live results in stage" in stocks and "<td>1591</td>" in stocks
    # A single run's report keeps every section open and has no ranking.
    assert 'id="answer"' not in html and '<details class="section" id="funnel" open>' in html
