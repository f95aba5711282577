"""The `python3 -m analysis` command line: summary, compare, sensitivity, calibrate, report.

Each subcommand is a thin layer over the library: parse, call, print. Input
errors (AnalysisInputError, unreadable files) become one line per problem on
stderr and exit status 2, without a traceback; anything else is a bug and
keeps its traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .comparison import DEFAULT_WINDOW, SPENDING_METRIC, compare_runs
from .errors import AnalysisInputError
from .formatting import interval, number, percent, text_table
from .load import open_run
from .summary import summarise_run

# Defaults shown in --help; kept here so that `summary` does not pay for importing scipy.optimize,
# matplotlib and jinja2 (the heavy commands import their modules when they run).
BOOTSTRAP_RESAMPLES = 1000
CALIBRATION_BUDGET = 60
CALIBRATION_METHODS = ("differential-evolution", "nelder-mead")
SENSITIVITY_METHODS = ("sobol", "morris")

EXIT_INPUT_ERROR = 2

DESCRIPTION = """\
Analyse innosim output files: summaries with confidence intervals, policy
comparisons with common random numbers, sensitivity indices of sweeps,
calibration to targets, and a self-contained HTML report."""

EPILOG = """\
examples:
  python3 -m analysis summary results/boltzmann.h5
  python3 -m analysis compare results/base.h5 results/reform.h5 --window 8
  python3 -m analysis sensitivity results/sweep --output gini
  python3 -m analysis calibrate targets.yaml scenarios/boltzmann.yaml \\
      --param boltzmann.width=2:40:int --seed 1 --replicates 4 --budget 40
  python3 -m analysis report results/base.h5 results/reform.h5 -o report.html

Run `python3 -m analysis COMMAND --help` for a command's options; docs/analysis.md has more."""


class OneLineErrorParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (and exit status 2), pointing to --help."""

    def error(self, message: str):
        self.exit(EXIT_INPUT_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _formatter(prog):
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def _add_command(subparsers, name: str, help_text: str, description: str, epilog: str):
    return subparsers.add_parser(name, help=help_text, description=description, epilog=epilog,
                                 formatter_class=_formatter)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got '{text}'")
    return value


def _print_csv(frame) -> None:
    frame.to_csv(sys.stdout, index=False, float_format="%.10g")


# -- summary ----------------------------------------------------------------------------------

def run_summary(args) -> int:
    with open_run(args.run) as run:
        table = summarise_run(run, args.step)
        if args.csv:
            _print_csv(table)
            return 0
        manifest = run.manifest
        print(f"{run.path}: model {manifest.get('model', '?')}, seed {manifest.get('seed', '?')}, "
              f"{run.replicates} replicates, {run.steps} steps")
        step = run.steps if args.step is None else args.step
        print(f"metrics at step {step}: replicate mean and 95% t-interval\n")
        rows = [[row.metric, row.unit, number(row.mean), interval(row.low, row.high), str(row.n)]
                for row in table.itertuples()]
        print(text_table(["metric", "unit", "mean", "95% interval", "n"], rows))
    return 0


# -- compare ----------------------------------------------------------------------------------

def _comparison_rows(comparison) -> tuple[list[str], list[list[str]]]:
    headers = ["metric", "unit", "base", "variant", "diff (end)", "paired 95%", "relative",
               f"diff (last {comparison.window})", "paired 95%", "Welch 95% (end)"]
    if comparison.has_spending:
        headers += ["per yuan", "95%"]
    rows = []
    for row in comparison.table.itertuples():
        cells = [row.metric, row.unit, number(row.base_end), number(row.variant_end),
                 number(row.diff_end) + (" *" if row.is_significant else ""),
                 interval(row.diff_end_low, row.diff_end_high), percent(row.relative_change),
                 number(row.diff_window), interval(row.diff_window_low, row.diff_window_high),
                 interval(row.welch_low, row.welch_high)]
        if comparison.has_spending:
            cells += [number(row.per_yuan), interval(row.per_yuan_low, row.per_yuan_high)]
        rows.append(cells)
    return headers, rows


def run_compare(args) -> int:
    with open_run(args.base) as base:
        frames = []
        for variant_path in args.variants:
            with open_run(variant_path) as variant:
                comparison = compare_runs(base, variant, args.window, args.spending_metric)
            if args.csv:
                frames.append(comparison.table.assign(base=comparison.base, variant=comparison.variant))
                continue
            print(f"{comparison.variant} - {comparison.base}: paired by replicate "
                  f"({int(comparison.table['pairs'].max())} pairs), 95% intervals; * = paired interval excludes 0")
            for note in comparison.notes:
                print(f"note: {note}")
            print()
            print(text_table(*_comparison_rows(comparison)))
            if comparison.has_spending:
                print(f"\nper yuan: difference at the end / difference in {args.spending_metric} summed over "
                      "the run (n/a when the spending change is not distinguishable from 0)")
            print()
        if args.csv:
            import pandas as pd
            _print_csv(pd.concat(frames, ignore_index=True))
    return 0


# -- sensitivity --------------------------------------------------------------------------------

def run_sensitivity(args) -> int:
    from .sensitivity import analyse
    from .sweep import open_sweep

    sweep = open_sweep(args.sweep)
    if sweep.method not in SENSITIVITY_METHODS:
        raise AnalysisInputError(
            f"'{sweep.directory}' is a '{sweep.method}' sweep; sensitivity indices need a 'sobol' or 'morris' "
            "design (set `design:` in the sweep file)")
    outputs = sweep.outputs(args.output, args.window)
    result = analyse(sweep.method, sweep.design, outputs, sweep.names, args.output, sweep.bounds,
                     bootstrap=args.bootstrap, seed=args.seed)
    if result.warning:
        print(result.warning, file=sys.stderr)   # stderr, so --csv output stays a clean table
    if args.csv:
        _print_csv(result.table)
        return 0
    what = "the last step" if args.window == 1 else f"the last {args.window} steps"
    print(f"{sweep.directory}: {sweep.method} design, {len(sweep.point_paths)} points, "
          f"{len(sweep.names)} parameters; output {args.output} (replicate mean over {what})\n")
    table = result.table
    if result.method == "sobol":
        rows = [[r.parameter, number(r.S1, 3), interval(r.S1_low, r.S1_high, 3), number(r.ST, 3),
                 interval(r.ST_low, r.ST_high, 3)] for r in table.itertuples()]
        print(text_table(["parameter", "S1", "95% (bootstrap)", "ST", "95% (bootstrap)"], rows))
        print("\nS1: share of the output's variance due to the parameter alone (Saltelli 2010); "
              "ST: including its interactions (Jansen).")
    else:
        table = table.sort_values("mu_star", ascending=False)
        rows = [[r.parameter, number(r.mu_star), number(r.mu), number(r.sigma), str(r.effects)]
                for r in table.itertuples()]
        print(text_table(["parameter", "mu*", "mu", "sigma", "effects"], rows))
        print("\nmu*: mean |elementary effect| per full range of the parameter (influence); "
              "sigma: their spread (non-linearity or interactions).")
    return 0


# -- calibrate ----------------------------------------------------------------------------------

def run_calibrate(args) -> int:
    from . import calibrate as calibration
    from .targets import read_targets

    targets = read_targets(args.targets)
    parameters = [calibration.parse_parameter(text) for text in args.param]
    if not Path(args.scenario).is_file():
        raise AnalysisInputError(f"cannot open '{args.scenario}': no such file")
    command = calibration.InnosimCommand(
        binary=calibration.find_binary(args.innosim), scenario=Path(args.scenario), overrides=tuple(args.set),
        seed=args.seed, replicates=args.replicates, threads=args.threads)

    def progress(evaluation, count):
        if not args.quiet:
            values = " ".join(f"{path}={number(value, 6)}" for path, value in evaluation.values.items())
            print(f"run {count}/{args.budget}: {values}  loss {number(evaluation.loss)}", file=sys.stderr)

    result = calibration.calibrate_with_innosim(targets, command, parameters, args.budget, args.method, progress)
    seed = "the scenario's seed" if args.seed is None else f"seed {args.seed}"
    print(f"calibrated {', '.join(p.path for p in parameters)} to {targets.path} "
          f"({result.method}, {len(result.evaluations)} runs, {seed} for every run)")
    print(f"best: {' '.join('--set ' + o for o in result.overrides)}  (loss {number(result.best.loss)})\n")
    rows = [[r.metric, number(r.target), interval(r.band_low, r.band_high), number(r.model),
             number(r.scaled_error, 3), "yes" if r.inside else "no"] for r in result.table.itertuples()]
    print(text_table(["metric", "target", "band", "model", "error/half-band", "inside"], rows))
    inside = int(sum(bool(r.inside) for r in result.table.itertuples()))
    print(f"\n{inside} of {len(rows)} targets inside their band "
          f"(model: replicate mean over the last {targets.window} steps)")
    return 0


# -- report -------------------------------------------------------------------------------------

def _make_parent_folders(output: str) -> list[Path]:
    """Creates the missing folders above `output` (innosim's rule for -o); returns them, deepest first."""
    created = []
    folder = Path(output).absolute().parent
    while not folder.exists():
        created.append(folder)
        folder = folder.parent
    for missing in reversed(created):
        missing.mkdir()
    return created


def run_report(args) -> int:
    from .report import write_report

    # Missing folders are created as `innosim run -o` creates them, and removed again when the
    # report fails, so bad input still leaves nothing behind.
    created = _make_parent_folders(args.output)
    try:
        path = write_report([args.run, *args.variants], args.output, args.targets, args.force, args.window,
                            args.title)
    except BaseException:
        for folder in created:
            if folder.exists() and not any(folder.iterdir()):
                folder.rmdir()
        raise
    print(path)
    return 0


# -- parser -------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(prog="python3 -m analysis", description=DESCRIPTION, epilog=EPILOG,
                                formatter_class=_formatter)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                       parser_class=OneLineErrorParser)

    summary = _add_command(
        subparsers, "summary", "metrics at the last step: replicate mean and 95%% interval",
        "Print every metric of a run at its last step (or --step): the mean over replicates and the 95% "
        "Student t-interval, with units.",
        "examples:\n  python3 -m analysis summary results/boltzmann.h5\n"
        "  python3 -m analysis summary results/boltzmann.h5 --step 0 --csv > initial.csv")
    summary.add_argument("run", metavar="RUN.h5", help="run file written by `innosim run`")
    summary.add_argument("--step", type=int, help="step to summarise (default: the last)")
    summary.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    summary.set_defaults(handler=run_summary)

    compare = _add_command(
        subparsers, "compare", "paired differences of variants against a base run",
        "For each variant and metric: the paired difference variant - base (replicate r against replicate r, "
        "common random numbers when both ran with the same seed) at the end and averaged over the last N "
        "steps, with 95% intervals; the unpaired Welch interval for comparison; and, when the runs have a "
        f"'{SPENDING_METRIC}' metric, the change per yuan of extra government spending.",
        "examples:\n  innosim run scenarios/boltzmann.yaml -o base.h5 --seed 7\n"
        "  innosim run scenarios/boltzmann.yaml -o dense.h5 --seed 7 --set boltzmann.width=20\n"
        "  python3 -m analysis compare base.h5 dense.h5 --window 10")
    compare.add_argument("base", metavar="BASE.h5", help="the reference run")
    compare.add_argument("variants", metavar="VARIANT.h5", nargs="+", help="runs to compare with the base")
    compare.add_argument("--window", type=_positive_int, default=DEFAULT_WINDOW, metavar="N",
                         help=f"also compare the average over the last N steps (default {DEFAULT_WINDOW})")
    compare.add_argument("--spending-metric", default=SPENDING_METRIC, metavar="NAME",
                         help=f"metric of spending per step for cost-effectiveness (default {SPENDING_METRIC})")
    compare.add_argument("--csv", action="store_true", help="print CSV instead of tables")
    compare.set_defaults(handler=run_compare)

    sensitivity = _add_command(
        subparsers, "sensitivity", "Sobol or Morris indices of a sweep's output",
        "Global sensitivity of one output metric over a sweep folder (DIR/sweep.h5 and one run file per "
        "design point). A 'sobol' design (Saltelli layout) gives first-order (S1) and total-order (ST) "
        "indices with bootstrap intervals; a 'morris' design gives mu*, mu and sigma of the elementary effects.",
        "examples:\n  python3 -m analysis sensitivity results/sweep --output gini\n"
        "  python3 -m analysis sensitivity results/sweep --output gini --window 10 --csv")
    sensitivity.add_argument("sweep", metavar="SWEEP_DIR", help="output folder of `innosim sweep`")
    sensitivity.add_argument("--output", required=True, metavar="METRIC", help="metric to analyse")
    sensitivity.add_argument("--window", type=_positive_int, default=1, metavar="N",
                             help="average the metric over the last N steps (default 1: the last step)")
    sensitivity.add_argument("--bootstrap", type=int, default=BOOTSTRAP_RESAMPLES, metavar="B",
                             help=f"bootstrap resamples for Sobol intervals (default {BOOTSTRAP_RESAMPLES})")
    sensitivity.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")
    sensitivity.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    sensitivity.set_defaults(handler=run_sensitivity)

    calibrate = _add_command(
        subparsers, "calibrate", "fit parameters to targets (method of simulated moments)",
        "Fit scenario parameters so that each target metric's model value (replicate mean over the last "
        "`window` steps) comes close to its target; minimises the sum of squared errors in band half-widths. "
        "Every innosim run uses the same seed (common random numbers), so the objective is smooth in the "
        "parameters rather than noisy.",
        "examples:\n  python3 -m analysis calibrate targets.yaml scenarios/boltzmann.yaml \\\n"
        "      --param boltzmann.width=2:40:int --set boltzmann.agents=300 --seed 3 --replicates 4\n\n"
        "targets.yaml:\n  window: 5\n  targets:\n    share_without_wealth: {value: 0.3, band: [0.28, 0.32]}")
    calibrate.add_argument("targets", metavar="TARGETS.yaml", help="targets: window and {metric: {value, band}}")
    calibrate.add_argument("scenario", metavar="SCENARIO.yaml", help="scenario to run")
    calibrate.add_argument("--param", action="append", required=True, metavar="PATH=LO:HI[:int]",
                           help="parameter to fit and its bounds; ':int' rounds it (repeatable)")
    calibrate.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                           help="fixed override passed to every run (repeatable)")
    calibrate.add_argument("--seed", type=int, help="seed of every run (default: the scenario's)")
    calibrate.add_argument("--replicates", type=_positive_int, help="replicates per run (default: the scenario's)")
    calibrate.add_argument("--threads", type=_positive_int, help="threads per run (default: innosim's)")
    calibrate.add_argument("--budget", type=_positive_int, default=CALIBRATION_BUDGET, metavar="RUNS",
                           help=f"most innosim runs to spend (default {CALIBRATION_BUDGET})")
    calibrate.add_argument("--method", choices=CALIBRATION_METHODS, default="differential-evolution",
                           help="optimiser: global (default) or local from the middle of the bounds")
    calibrate.add_argument("--innosim", metavar="PATH", help="innosim executable (default: $INNOSIM_BIN, "
                                                             "build/innosim, or innosim on PATH)")
    calibrate.add_argument("--quiet", action="store_true", help="no line per run on stderr")
    calibrate.set_defaults(handler=run_calibrate)

    report = _add_command(
        subparsers, "report", "write a self-contained HTML report",
        "Write one HTML file (charts inline, no network needed) with the result-pipeline funnel, time series "
        "with 95% bands, a comparison of each variant with the first run, a calibration table when --targets "
        "is given, the firm-size distribution, and every run's manifest. Prints the report's path.",
        "examples:\n  python3 -m analysis report results/boltzmann.h5 -o report.html\n"
        "  python3 -m analysis report base.h5 reform.h5 --targets scenarios/targets/national.yaml "
        "-o report.html --force")
    report.add_argument("run", metavar="RUN.h5", help="the base run")
    report.add_argument("variants", metavar="VARIANT.h5", nargs="*", help="runs to compare with the base")
    report.add_argument("-o", "--output", required=True, metavar="REPORT.html", help="file to write (missing folders are created)")
    report.add_argument("--targets", metavar="TARGETS.yaml", help="add a calibration table for the base run")
    report.add_argument("--window", type=_positive_int, default=DEFAULT_WINDOW, metavar="N",
                        help=f"comparison window: the last N steps (default {DEFAULT_WINDOW})")
    report.add_argument("--title", help="the report's title (default: from the base run's name)")
    report.add_argument("--force", action="store_true", help="replace an existing report")
    report.set_defaults(handler=run_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except AnalysisInputError as error:
        for line in str(error).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except BrokenPipeError:
        return 0
    except OSError as error:
        # The file system refused (permission, disk full): the user's to fix, not a bug.
        where = f" '{error.filename}'" if error.filename else ""
        print(f"error: cannot access{where}: {error.strerror or error}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
