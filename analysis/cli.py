"""The `python3 -m analysis` command line: summary, compare, sensitivity, calibrate, optimize, report,
instrument-effects, preset-facts.

Each subcommand is a thin layer over the library: parse, call, print. Input
errors (AnalysisInputError, unreadable files) become one line per problem on
stderr and exit status 2, without a traceback; anything else is a bug and
keeps its traceback.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from .comparison import DEFAULT_WINDOW, SPENDING_METRIC, compare_runs
from .errors import AnalysisInputError
from . import instruments
from .formatting import interval, number, text_table, yuan
from .load import open_run
from .summary import summarise_run

# Defaults shown in --help; kept here so that `summary` does not pay for importing scipy.optimize,
# matplotlib and jinja2 (the heavy commands import their modules when they run).
BOOTSTRAP_RESAMPLES = 1000
CALIBRATION_BUDGET = 60
CALIBRATION_METHODS = ("differential-evolution", "nelder-mead")
CALIBRATION_WEIGHTINGS = ("optimal", "diagonal")
JACOBIAN_STEP = 0.05
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
  python3 -m analysis calibrate --preset national --markdown calibration.md
  python3 -m analysis optimize scenarios/planning/nansha_mix.yaml -o results/optimize --runs 20
  python3 -m analysis report results/base.h5 results/reform.h5 -o report.html
  python3 -m analysis instrument-effects --replicates 8 --update docs/MODEL.md
  python3 -m analysis preset-facts --replicates 8 --update docs/presets.md

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
        # The per-instrument accounts follow as one line per instrument, over the whole run.
        rows = [[row.metric, row.unit, number(row.mean), interval(row.low, row.high), str(row.n)]
                for row in table.itertuples() if not instruments.is_instrument_metric(row.metric)]
        print(text_table(["metric", "unit", "mean", "95% interval", "n"], rows))
        accounts = instruments.summary(run)
        if not accounts.empty:
            print(f"\ninstruments over steps 1..{run.steps} (replicate means; --csv gives their instrument.* metrics)\n")
            rows = [[row.name, row.type, yuan(row.committed), yuan(row.spent), yuan(row.returned), yuan(row.unspent),
                     instruments.status(row)] for row in accounts.itertuples()]
            print(text_table(["instrument", "type", "budget", "spent", "returned", "unspent", "status"], rows))
    return 0


# -- compare ----------------------------------------------------------------------------------

def _metric_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"expected metric names separated by commas, got '{text}'")
    return names


def _warn(lines) -> None:
    for line in lines:
        print(f"warning: {line}", file=sys.stderr)


def run_compare(args) -> int:
    import shutil
    import textwrap
    from contextlib import ExitStack

    import pandas as pd

    from .compare_text import ranking_lines, side_by_side_lines
    from .comparison import check_metric_names
    from .ranking import FEW_REPLICATES, rank_variants

    with ExitStack() as stack:
        base = stack.enter_context(open_run(args.base))
        variants = [stack.enter_context(open_run(path)) for path in args.variants]
        metrics = args.metrics
        if metrics is not None:
            metrics = list(dict.fromkeys(([args.objective] if args.objective else []) + metrics))
            check_metric_names(metrics, [base, *variants])
        comparisons = [compare_runs(base, variant, args.window, args.spending_metric, metrics) for variant in variants]
        ranking = None
        if args.objective:
            ranking = rank_variants(base, variants, args.objective, maximize=not args.minimize,
                                    correction=args.correction, spending_metric=args.spending_metric)
        _warn(dict.fromkeys(note for comparison in comparisons for note in comparison.notes))
        if ranking is not None:
            _warn(w for w in ranking.warnings if not any(w in c.notes for c in comparisons))
        elif (fewest := min(run.replicates for run in [base, *variants])) <= FEW_REPLICATES:
            _warn([f"only {fewest} replicates: intervals are very wide; run more with --replicates before "
                   "trusting them"])
        if args.csv:
            frames = [c.table.assign(base=c.base, variant=c.variant) for c in comparisons]
            table = pd.concat(frames, ignore_index=True)
            if ranking is not None:
                table["rank"] = table["variant"].map(dict(zip(ranking.table["variant"], ranking.table["rank"])))
            _print_csv(table)
            return 0
        width = shutil.get_terminal_size(fallback=(120, 24)).columns

        def say(text: str) -> None:
            print("\n".join(textwrap.wrap(text, width)))

        say(f"base {base.label} ({base.replicates} replicates, seed {base.manifest.get('seed', '?')}); "
            f"{len(variants)} variant{'s' if len(variants) > 1 else ''}: {', '.join(v.label for v in variants)}")
        print()
        if ranking is not None:
            print("\n".join(ranking_lines(ranking, base.steps, width)))
            print()
        say(f"Each variant's change at the end (step {base.steps}) vs the base {base.label}, paired 95% interval "
            "(Welch's unpaired one where the column says so); * = interval excludes 0")
        print()
        print("\n".join(side_by_side_lines(base.label, comparisons, width)))
        per_budget = ", per 100 M yuan for every metric" if comparisons[0].has_spending else ""
        print()
        say(f"--csv prints every number (last-{comparisons[0].window}-step averages, Welch intervals"
            f"{per_budget}) in tidy form")
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

def _assignments(texts: list[str], option: str) -> dict[str, float]:
    """`PATH=VALUE` arguments as {path: value}."""
    values = {}
    for text in texts:
        path, sep, value = text.partition("=")
        try:
            values[path.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not path.strip():
            raise AnalysisInputError(f"{option} '{text}' must look like PATH=NUMBER, e.g. boltzmann.width=10")
    return values


def _calibration_setup(args):
    """(targets path, scenario path, parameters, settings) from --preset and/or the arguments."""
    from . import calibrate as calibration
    from .calibration_preset import preset_path, read_preset

    preset = read_preset(preset_path(args.preset)) if args.preset else None
    targets = args.targets or (preset.targets if preset else None)
    scenario = args.scenario or (preset.scenario if preset else None)
    if targets is None or scenario is None:
        raise AnalysisInputError("give TARGETS.yaml and SCENARIO.yaml, or --preset NAME "
                                 "(e.g. --preset national)")
    if args.param:
        parameters = [calibration.parse_parameter(text) for text in args.param]
    elif preset:
        parameters = preset.parameters
    else:
        raise AnalysisInputError("nothing to calibrate: give at least one --param path=low:high")
    starts = _assignments(args.start, "--start")
    unknown = sorted(set(starts) - {p.path for p in parameters})
    if unknown:
        raise AnalysisInputError(f"--start names {', '.join(unknown)}, which is not fitted")
    parameters = [replace(p, start=starts.get(p.path, p.start)) for p in parameters]
    if not Path(scenario).is_file():
        raise AnalysisInputError(f"cannot open '{scenario}': no such file")

    def setting(name, default):
        value = getattr(args, name)
        if value is None and preset is not None:
            value = getattr(preset, name)
        return default if value is None else value

    settings = {name: setting(name, default) for name, default in (
        ("seed", None), ("replicates", None), ("budget", CALIBRATION_BUDGET),
        ("method", "differential-evolution"), ("weighting", "optimal"))}
    return Path(targets), Path(scenario), parameters, settings


def run_calibrate(args) -> int:
    from . import calibrate as calibration
    from . import calibration_report
    from .output_file import check_output, write_atomically
    from .targets import read_targets

    targets_path, scenario, parameters, settings = _calibration_setup(args)
    targets = read_targets(targets_path)
    outputs = [(Path(path), kind) for path, kind in ((args.json, "json"), (args.markdown, "markdown")) if path]
    for path, _ in outputs:
        check_output(path, args.force)   # before hours of runs, not after
    command = calibration.InnosimCommand(
        binary=calibration.find_binary(args.innosim), scenario=scenario, overrides=tuple(args.set),
        seed=settings["seed"], replicates=settings["replicates"], threads=args.threads)
    budget = settings["budget"]

    def progress(evaluation, count):
        if not args.quiet:
            values = " ".join(f"{path}={number(value, 6)}" for path, value in evaluation.values.items())
            print(f"run {count}/{budget}: {values}  objective {number(evaluation.loss)}", file=sys.stderr)

    result = calibration.calibrate_with_innosim(
        targets, command, parameters, budget, settings["method"], progress, weighting=settings["weighting"],
        weights_at=_assignments(args.weights_at, "--weights-at") or None, jacobian_step=args.jacobian_step)
    seed = "the scenario's seed" if settings["seed"] is None else f"seed {settings['seed']}"
    print(f"calibrated {len(parameters)} parameters of {scenario} to {targets.path} "
          f"({result.method}, {settings['weighting']} weighting, {len(result.evaluations)} search runs "
          f"+ up to {2 * len(parameters)} for the Jacobian, {seed} for every run)")
    print(f"best: {' '.join('--set ' + o for o in result.overrides)}\n")
    print(calibration_report.text(result))
    print(f"(model: replicate mean over the last {targets.window} steps)")
    context = {"targets": targets.path, "scenario": scenario, "seed": settings["seed"],
               "preset": args.preset, "budget": budget}
    for path, kind in outputs:
        text = (calibration_report.to_json(result, **context) if kind == "json"
                else calibration_report.markdown(result))
        write_atomically(text, path, args.force)
        print(f"wrote {path}")
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
                            args.title, args.objective, not args.minimize, args.correction, args.optimization)
    except BaseException:
        for folder in created:
            if folder.exists() and not any(folder.iterdir()):
                folder.rmdir()
        raise
    print(path)
    return 0


# -- instrument-effects -------------------------------------------------------------------------

def _type_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"expected instrument types separated by commas, got '{text}'")
    return names


def _command_line(argv: list[str]) -> str:
    import shlex
    return "python3 -m analysis " + " ".join(shlex.quote(arg) for arg in argv)


def run_instrument_effects(args) -> int:
    import datetime
    import tempfile

    from . import instrument_effects as effects
    from .calibrate import InnosimCommand, find_binary
    from .load import open_run
    from .output_file import check_output, write_atomically

    references = effects.select(effects.read_references(Path(args.references or effects.REFERENCE_FILE)),
                                args.types)
    scenario = Path(args.scenario or effects.BASE_SCENARIO)
    if not scenario.is_file():
        raise AnalysisInputError(f"cannot open '{scenario}': no such file")
    update = Path(args.update) if args.update else None
    if update is not None:
        effects.replace_between_markers(update.read_text(encoding="utf-8"), "", f"'{update}'")  # fail early
    if args.markdown:
        check_output(Path(args.markdown), args.force)
    command = InnosimCommand(binary=find_binary(args.innosim), scenario=scenario, overrides=tuple(args.set),
                             seed=args.seed, replicates=args.replicates, threads=args.threads)

    def progress(line: str) -> None:
        if not args.quiet:
            print(f"running {line}", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="instrument-effects-") as workdir:
        rows = effects.measure(command, references, Path(workdir), progress)
        with open_run(Path(workdir) / "base.h5") as base:
            manifest = base.manifest
    context = {"command": _command_line(args.argv), "commit": str(manifest.get("git_commit", "?"))[:10],
               "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
               "scenario": effects.shown_path(scenario), "steps": manifest.get("steps", "?"),
               "replicates": manifest.get("replicates", "?"), "seed": manifest.get("seed", "?")}
    print(text_table(effects.HEADERS, effects.table_rows(rows)))
    block = effects.markdown(rows, context)
    if args.markdown:
        write_atomically(block, Path(args.markdown), args.force)
        print(f"wrote {args.markdown}")
    if update is not None:
        document = update.read_text(encoding="utf-8")
        write_atomically(effects.replace_between_markers(document, block, f"'{update}'"), update, force=True)
        print(f"updated {update}")
    return 0


# -- preset-facts -------------------------------------------------------------------------------

def run_preset_facts(args) -> int:
    import datetime
    import tempfile

    from . import preset_facts
    from .calibrate import InnosimCommand, find_binary
    from .output_file import check_output, write_atomically

    paths = [Path(path) for path in args.facts] or sorted(preset_facts.FACTS_FOLDER.glob("*.yaml"))
    if not paths:
        raise AnalysisInputError(f"no facts files given and none in '{preset_facts.FACTS_FOLDER}'")
    all_facts = [preset_facts.read_facts(path) for path in paths]
    update = Path(args.update) if args.update else None
    if update is not None:  # fail before minutes of runs when a preset's markers are missing
        document = update.read_text(encoding="utf-8")
        for facts in all_facts:
            preset_facts.replace_block(document, facts.name, "", f"'{update}'")
    if args.markdown:
        check_output(Path(args.markdown), args.force)
    binary = find_binary(args.innosim)

    def progress(line: str) -> None:
        if not args.quiet:
            print(f"running {line}", file=sys.stderr)

    blocks = []
    for facts in all_facts:
        command = InnosimCommand(binary=binary, scenario=facts.preset, overrides=tuple(args.set), seed=args.seed,
                                 replicates=args.replicates, threads=args.threads)
        with tempfile.TemporaryDirectory(prefix="preset-facts-") as workdir:
            shown = preset_facts.measure(command, facts, Path(workdir), progress)
            with open_run(Path(workdir) / f"{facts.preset.stem}.h5") as preset:
                manifest = preset.manifest
        context = {"command": _command_line(args.argv), "commit": str(manifest.get("git_commit", "?"))[:10],
                   "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
                   "steps": manifest.get("steps", "?"), "replicates": manifest.get("replicates", "?"),
                   "seed": manifest.get("seed", "?")}
        print(f"{facts.name} (seed {facts.seed}):")
        print(text_table(preset_facts.HEADERS[::2], [[cells[0][:60], cells[2]]
                                                    for cells in map(preset_facts.row, shown)]))
        blocks.append((facts, preset_facts.markdown(facts, shown, context)))
    if args.markdown:
        text = "".join(f"## {facts.name}\n\n{block}\n" for facts, block in blocks)
        write_atomically(text, Path(args.markdown), args.force)
        print(f"wrote {args.markdown}")
    if update is not None:
        document = update.read_text(encoding="utf-8")
        for facts, block in blocks:
            document = preset_facts.replace_block(document, facts.name, block, f"'{update}'")
        write_atomically(document, update, force=True)
        print(f"updated {update}")
    return 0


# -- optimize -----------------------------------------------------------------------------------

def _instrument_bounds(text: str) -> tuple[str, float, float]:
    """'NAME' or 'NAME=MIN:MAX' (either side may be empty)."""
    name, _, bounds = text.partition("=")
    low, _, high = bounds.partition(":")
    try:
        return name.strip(), float(low) if low.strip() else 0.0, float(high) if high.strip() else 1.0
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected NAME or NAME=MIN:MAX with shares 0..1, got '{text}'") from None


def run_optimize(args) -> int:
    import time

    from . import optimize_output
    from .calibrate import find_binary
    from .mix_evaluator import SimulatorEvaluator, scenario_mix
    from .mix_space import make_space
    from .objective import parse_objective
    from .optimize import Settings, optimize

    folder = Path(args.output)
    if (folder / optimize_output.JSON_FILE).exists() and not args.force:
        raise AnalysisInputError(f"'{folder}' holds a finished optimisation; use --force to replace its results "
                                 "(finished simulator runs are reused), or choose another folder with -o")
    if args.initial > args.runs:
        raise AnalysisInputError(f"--initial {args.initial} is more than the run budget --runs {args.runs}")
    innosim = find_binary(args.innosim)
    objective = parse_objective(args.objective, args.window, not args.minimize)
    bounds = args.instrument or [(name, 0.0, 1.0) for name in scenario_mix(innosim, Path(args.scenario))]
    space = make_space([b[0] for b in bounds], [b[1] for b in bounds], [b[2] for b in bounds])
    evaluator = SimulatorEvaluator(innosim, args.scenario, folder, objective, list(space.names), args.set,
                                   args.threads, shards=args.shards, mpi=args.mpi, mpirun=args.mpirun)
    settings = Settings(runs=args.runs, initial=args.initial, batch=args.batch, replicates=args.replicates,
                        confirm_replicates=args.confirm_replicates, top=args.top, maximize=not args.minimize,
                        seed=args.seed)
    say = (lambda line: None) if args.quiet else (lambda line: print(line, file=sys.stderr))
    started = time.monotonic()
    result = optimize(space, evaluator, settings, log=say)
    result.wall_seconds = time.monotonic() - started
    context = {"scenario": args.scenario, "objective": objective.description, "objective_text": objective.text,
               "overrides": list(args.set), "reused_runs": evaluator.reused,
               "command_line": " ".join(sys.argv)}
    data = optimize_output.write(result, folder, context)
    rec = data["recommended"]
    print(f"recommended mix: {', '.join(f'{n} {s:.2f}' for n, s in rec['mix'].items())}; "
          f"{objective.text} {rec['confirmed']['estimate']:.4g} "
          f"[{rec['confirmed']['low']:.4g}, {rec['confirmed']['high']:.4g}] "
          f"({settings.confirm_replicates} replicates)")
    for c in data["confirmation"]:
        if c["label"] != rec["label"]:
            d = c["difference_from_recommended"]
            print(f"  {c['label']} ({c['role']}): {d['estimate']:+.4g} [{d['low']:+.4g}, {d['high']:+.4g}] "
                  "vs recommended (paired 95%)")
    runs = data["simulator_runs"]
    print(f"simulator runs: {runs['search']} search + {runs['confirmation']} confirmation; "
          f"emulator leave-one-out RMSE {data['emulator']['loo_rmse']:.3g}; {data['wall_seconds']:.0f} s. "
          f"Output: {folder}/{optimize_output.SUMMARY_FILE}")
    return 0


# -- parser -------------------------------------------------------------------------------------

def _add_ranking_options(parser, objective_help: str) -> None:
    """--objective, --maximize/--minimize and --correction, the same for compare and report."""
    parser.add_argument("--objective", metavar="METRIC", help=objective_help)
    direction = parser.add_mutually_exclusive_group()
    direction.add_argument("--maximize", action="store_false", dest="minimize",
                           help="higher objective is better (the default)")
    direction.add_argument("--minimize", action="store_true", help="lower objective is better")
    parser.add_argument("--correction", choices=("holm", "bonferroni"), default="holm",
                        help="multiple-comparison correction of the ranking's tests (default holm)")
    # store_false would make minimize default to True.
    parser.set_defaults(minimize=False)


def _add_paired_run_options(command, own_seed: str, generated: str, block: str) -> None:
    """The options of a command that runs a scenario and its variants with one seed and replicates and
    writes `generated` as Markdown or into a document's `block`."""
    command.add_argument("--replicates", type=_positive_int, default=8, help="replicates of every run (default 8)")
    command.add_argument("--seed", type=int, help=f"seed of every run (default: {own_seed})")
    command.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                         help="override passed to every run, e.g. steps=20 (repeatable)")
    command.add_argument("--threads", type=_positive_int, help="threads per run (default: innosim's)")
    command.add_argument("--innosim", metavar="PATH", help="innosim executable (default: $INNOSIM_BIN, "
                                                           "build/innosim, or innosim on PATH)")
    command.add_argument("--markdown", metavar="FILE", help=f"write {generated} as Markdown")
    command.add_argument("--update", metavar="DOC.md", help=f"replace {block} (atomically)")
    command.add_argument("--force", action="store_true", help="replace an existing --markdown file")
    command.add_argument("--quiet", action="store_true", help="no line per run on stderr")


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
        subparsers, "compare", "compare and rank variants against a base run",
        "Each variant against the base, every metric side by side: the difference variant - base at the end "
        "with its 95% interval, paired replicate by replicate (common random numbers when all ran with the "
        "same seed; Welch's unpaired interval, with a warning, when replicate counts differ). With --objective, "
        "the variants are ranked on that metric with intervals corrected for the K comparisons with the base, "
        f"and its change per 100 M yuan of extra spending ('{SPENDING_METRIC}' summed over the run).",
        "examples:\n  python3 -m analysis compare base.h5 vouchers.h5 pool.h5 insurance.h5 \\\n"
        "      --objective results_applied_share --metrics sme_count,government_spending\n"
        "  python3 -m analysis compare base.h5 dense.h5 --window 10 --csv > comparison.csv")
    compare.add_argument("base", metavar="BASE.h5", help="the reference run")
    compare.add_argument("variants", metavar="VARIANT.h5", nargs="+", help="runs to compare with the base")
    compare.add_argument("--metrics", "--metric", type=_metric_list, metavar="A,B,...",
                         help="only these metrics (comma-separated; default: every metric the runs share)")
    _add_ranking_options(compare, "rank the variants on this metric's change")
    compare.add_argument("--window", type=_positive_int, default=DEFAULT_WINDOW, metavar="N",
                         help=f"also compare the average over the last N steps, in --csv (default {DEFAULT_WINDOW})")
    compare.add_argument("--spending-metric", default=SPENDING_METRIC, metavar="NAME",
                         help=f"metric of spending per step for cost-effectiveness (default {SPENDING_METRIC})")
    compare.add_argument("--csv", action="store_true", help="print tidy CSV (one row per variant and metric)")
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
        "Estimate scenario parameters by the method of simulated moments: each target metric's moment is "
        "its replicate mean over the last `window` steps; the objective (m - t)' W (m - t) weighs the "
        "moments by W = S+, S = the targets' uncertainty (band = +-2 sd) + the replicate covariance of the "
        "moments at the starting values / R. Prints estimates with sandwich standard errors, moments vs "
        "targets, Hansen's J-test and which parameters the targets do not identify. Every innosim run uses "
        "the same seed (common random numbers). A preset (scenarios/targets/NAME-calibration.yaml) holds "
        "the scenario, targets, parameters, seed, replicates and budget of a documented calibration.",
        "examples:\n  # the national baseline, as documented (hours: 20 replicates of the full model per run)\n"
        "  python3 -m analysis calibrate --preset national --markdown calibration.md --json calibration.json\n\n"
        "  # a quick look with fewer runs and replicates than the preset's\n"
        "  python3 -m analysis calibrate --preset national --budget 10 --replicates 4\n\n"
        "  python3 -m analysis calibrate targets.yaml scenarios/boltzmann.yaml \\\n"
        "      --param boltzmann.width=2:40:int --set boltzmann.agents=300 --seed 3 --replicates 4\n\n"
        "targets.yaml:\n  window: 5\n  targets:\n    share_without_wealth: {value: 0.3, band: [0.28, 0.32]}")
    calibrate.add_argument("targets", nargs="?", metavar="TARGETS.yaml",
                           help="targets: window and {metric: {value, band}} (default: the preset's)")
    calibrate.add_argument("scenario", nargs="?", metavar="SCENARIO.yaml", help="scenario to run (default: the preset's)")
    calibrate.add_argument("--preset", metavar="NAME", help="scenarios/targets/NAME-calibration.yaml (or a path): "
                                                           "scenario, targets, parameters and settings")
    calibrate.add_argument("--param", action="append", default=[], metavar="PATH=LO:HI[:int]",
                           help="parameter to fit and its bounds; ':int' rounds it (repeatable; replaces the preset's)")
    calibrate.add_argument("--start", action="append", default=[], metavar="PATH=VALUE",
                           help="starting value of a fitted parameter (default: the preset's, else mid-bounds)")
    calibrate.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                           help="fixed override passed to every run (repeatable)")
    calibrate.add_argument("--seed", type=int, help="seed of every run (default: the preset's, else the scenario's)")
    calibrate.add_argument("--replicates", type=_positive_int, help="replicates per run, R (default: the preset's, "
                                                                    "else the scenario's); 2 or more to estimate Σ_sim")
    calibrate.add_argument("--threads", type=_positive_int, help="threads per run (default: innosim's)")
    calibrate.add_argument("--budget", type=_positive_int, metavar="RUNS",
                           help=f"most innosim runs for the search, the pilot included (default: the preset's, "
                                f"else {CALIBRATION_BUDGET}); the Jacobian adds up to 2 per parameter")
    calibrate.add_argument("--method", choices=CALIBRATION_METHODS,
                           help="optimiser: global differential-evolution (default) or nelder-mead from the "
                                "starting values")
    calibrate.add_argument("--weighting", choices=CALIBRATION_WEIGHTINGS,
                           help="optimal: W = S+ (default); diagonal: 1/half-width², the old objective")
    calibrate.add_argument("--weights-at", action="append", default=[], metavar="PATH=VALUE",
                           help="pilot point where Σ_sim is estimated (default: the starting values)")
    calibrate.add_argument("--jacobian-step", type=float, default=JACOBIAN_STEP, metavar="H",
                           help=f"central-difference step relative to each estimate (to its range at 0; "
                                f"default {JACOBIAN_STEP})")
    calibrate.add_argument("--json", metavar="FILE", help="write every number of the result as JSON")
    calibrate.add_argument("--markdown", metavar="FILE", help="write the tables as Markdown (for docs/MODEL.md)")
    calibrate.add_argument("--force", action="store_true", help="replace existing --json/--markdown files")
    calibrate.add_argument("--innosim", metavar="PATH", help="innosim executable (default: $INNOSIM_BIN, "
                                                             "build/innosim, or innosim on PATH)")
    calibrate.add_argument("--quiet", action="store_true", help="no line per run on stderr")
    calibrate.set_defaults(handler=run_calibrate)

    optimize = _add_command(
        subparsers, "optimize", "search the best funding mix for a scenario's budget",
        "Searches the shares of a scenario's funding mix (its mix_total_budget_yuan and the policies' "
        "mix_share) for the best objective: a space-filling design of mixes run with innosim under common "
        "random numbers, a Gaussian-process emulator with leave-one-out error, batches by expected "
        "improvement until --runs mixes are simulated, then the top candidates, the shipped mix and the best "
        "single instrument confirmed with --confirm-replicates and paired intervals against the recommended "
        "mix. Each batch of mixes is one `innosim sweep` of a `design: list` sweep file under DIR/sweeps/ "
        "(common random numbers: every mix runs the scenario's seed); running the same command again reuses "
        "every finished point. Writes DIR/optimization.json, summary.md and pictures (docs/planning.md, "
        "section 7).",
        "examples:\n  python3 -m analysis optimize scenarios/planning/nansha_mix.yaml -o results/planning/optimize "
        "--objective results_applied_share --runs 20 --replicates 4\n"
        "  python3 -m analysis optimize nansha_mix.yaml -o opt --instrument 'pilot vouchers=0.1:0.6' "
        "--instrument 'loan risk pool' --instrument 'first-unit insurance' --objective 'a=1,b=-0.5' --minimize")
    optimize.add_argument("scenario", metavar="SCENARIO.yaml", help="a scenario with a funding mix")
    optimize.add_argument("-o", "--output", required=True, metavar="DIR", help="output folder")
    optimize.add_argument("--instrument", action="append", type=_instrument_bounds, metavar="NAME[=MIN:MAX]",
                          help="an instrument of the mix the search may fund, with optional share bounds "
                               "(repeatable; default: every instrument of the mix, 0..1); the mix's others get 0")
    optimize.add_argument("--objective", default="results_applied_share", metavar="METRIC[=W,...]",
                          help="metric, or weighted sum metric=weight,... (default results_applied_share)")
    optimize.add_argument("--window", type=_positive_int, default=DEFAULT_WINDOW, metavar="N",
                          help=f"average the objective over the last N steps (default {DEFAULT_WINDOW})")
    direction = optimize.add_mutually_exclusive_group()
    direction.add_argument("--maximize", action="store_false", dest="minimize", help="higher is better (default)")
    direction.add_argument("--minimize", action="store_true", help="lower is better")
    optimize.set_defaults(minimize=False)
    optimize.add_argument("--replicates", type=_positive_int, default=4, help="replicates per searched mix (default 4)")
    optimize.add_argument("--runs", type=_positive_int, default=20, metavar="N",
                          help="simulator runs for design and search (default 20)")
    optimize.add_argument("--initial", type=_positive_int, default=10, metavar="N",
                          help="of which the space-filling design (default 10)")
    optimize.add_argument("--batch", type=_positive_int, default=3, metavar="N",
                          help="mixes per expected-improvement round (default 3)")
    optimize.add_argument("--confirm-replicates", type=_positive_int, default=8, metavar="N",
                          help="replicates of the confirmation runs (default 8)")
    optimize.add_argument("--top", type=_positive_int, default=3, metavar="N", help="top candidates confirmed (default 3)")
    optimize.add_argument("--seed", type=int, default=2026,
                          help="seeds the design and the search's candidates, not the model (default 2026)")
    optimize.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                          help="fixed override passed to every run (repeatable), e.g. steps=40")
    optimize.add_argument("--threads", type=_positive_int, help="threads per run (default: innosim's)")
    parallel = optimize.add_mutually_exclusive_group()
    parallel.add_argument("--shards", type=_positive_int, default=1, metavar="N",
                          help="run each batch as N processes `innosim sweep --shard i/N` (default 1)")
    parallel.add_argument("--mpi", type=_positive_int, default=0, metavar="K",
                          help="run each batch with `mpirun -n K innosim sweep` (innosim built with MPI)")
    optimize.add_argument("--mpirun", default="mpirun", metavar="CMD",
                          help="the MPI launcher with its options for --mpi (default mpirun), e.g. "
                               "'mpirun --allow-run-as-root --oversubscribe'")
    optimize.add_argument("--innosim", metavar="PATH", help="innosim executable (default build/innosim)")
    optimize.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    optimize.add_argument("--force", action="store_true", help="replace a finished optimisation's results")
    optimize.set_defaults(handler=run_optimize)

    report = _add_command(
        subparsers, "report", "write a self-contained HTML report",
        "Write one HTML file (charts inline, no network needed). With variants, its first screen states the "
        "question (objective, region, budget) and ranks the variants on --objective with intervals and a chart "
        "of effect against spending; below, folded: every metric compared, the result-pipeline funnel, time "
        "series with 95% bands, a calibration table when --targets is given, the firm-size distribution and "
        "every run's manifest. Prints the report's path.",
        "examples:\n  python3 -m analysis report results/boltzmann.h5 -o report.html\n"
        "  python3 -m analysis report base.h5 reform.h5 --targets scenarios/targets/national.yaml "
        "-o report.html --force\n"
        "  python3 -m analysis report base.h5 vouchers.h5 pool.h5 --objective results_applied_share -o mix.html")
    report.add_argument("run", metavar="RUN.h5", help="the base run")
    report.add_argument("variants", metavar="VARIANT.h5", nargs="*", help="runs to compare with the base")
    report.add_argument("-o", "--output", required=True, metavar="REPORT.html", help="file to write (missing folders are created)")
    report.add_argument("--targets", metavar="TARGETS.yaml", help="add a calibration table for the base run")
    report.add_argument("--window", type=_positive_int, default=DEFAULT_WINDOW, metavar="N",
                        help=f"comparison window: the last N steps (default {DEFAULT_WINDOW})")
    _add_ranking_options(report, "with variants: rank them on this metric (default results_applied_share "
                                 "when present)")
    report.add_argument("--optimization", metavar="DIR",
                        help="put the best mix found by `analysis optimize` (its output folder) on the first screen")
    report.add_argument("--title", help="the report's title (default: from the base run's name)")
    report.add_argument("--force", action="store_true", help="replace an existing report")
    report.set_defaults(handler=run_report)

    effects = _add_command(
        subparsers, "instrument-effects", "what 100 M yuan of each instrument buys (docs/MODEL.md table)",
        "Adds each reference instrument (scenarios/instrument_effects/reference.yaml: one policy block per "
        "type, its source and the outcome metric its money moves) alone to the base scenario, runs base and "
        "variants from the same seed with the same replicates (common random numbers), and tabulates per "
        "type the money spent, the change of the outcome metric and its change per 100 M yuan spent "
        "(per replicate (variant - base) / instrument.<slug>.spent summed × 1e8; mean and 95% t-interval), "
        "and what limits it (unspent share or the step it ran out).",
        "examples:\n  nice /usr/bin/python3 -m analysis instrument-effects --replicates 8 --update docs/MODEL.md\n"
        "  python3 -m analysis instrument-effects --types procurement,risk_pool --replicates 4 "
        "--markdown effects.md")
    effects.add_argument("--scenario", metavar="BASE.yaml",
                         help="the base scenario, with no instruments (default scenarios/national.yaml)")
    effects.add_argument("--references", metavar="FILE",
                         help="the reference instruments (default scenarios/instrument_effects/reference.yaml)")
    effects.add_argument("--types", type=_type_list, metavar="A,B,...", help="only these types (default: all)")
    _add_paired_run_options(effects, "the scenario's", "the generated block",
                            "the block between the markers <!-- instrument-effects:begin --> and "
                            "<!-- instrument-effects:end -->")
    effects.set_defaults(handler=run_instrument_effects)

    facts = _add_command(
        subparsers, "preset-facts", "seed fact -> encoding -> what the run shows (docs/presets.md tables)",
        "For each facts file (scenarios/facts/<preset>.yaml: the seed document's facts, how the preset encodes "
        "each, and the metric that shows it, optionally against a variant of the preset), runs the preset and "
        "each variant from one seed with the same replicates (common random numbers) and tabulates per fact "
        "the preset's aggregated metric (replicate mean, 95% t-interval) and preset - variant (paired mean "
        "difference, 95% t-interval). The file format is described in analysis/preset_facts.py.",
        "examples:\n  nice /usr/bin/python3 -m analysis preset-facts --replicates 8 --update docs/presets.md\n"
        "  python3 -m analysis preset-facts scenarios/facts/nansha.yaml --replicates 4 --threads 2")
    facts.add_argument("facts", metavar="FACTS.yaml", nargs="*",
                       help="facts files (default: every scenarios/facts/*.yaml)")
    _add_paired_run_options(facts, "the preset's", "the generated tables",
                            "each preset's block between <!-- preset-facts:NAME:begin --> and "
                            "<!-- preset-facts:NAME:end -->")
    facts.set_defaults(handler=run_preset_facts)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
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
