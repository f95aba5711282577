"""What 100 M yuan buys, instrument by instrument: the generated table of docs/MODEL.md, section 3.3.

Each reference instrument (scenarios/instrument_effects/reference.yaml: one policy block per type,
with where its figures come from and the outcome metric its money moves) is added alone to a base
scenario (the national baseline) through a generated scenario with `base:`. The base and every
variant run from the same seed with replicates 0..R-1, so replicate r of both share their random
numbers. Per replicate r:

    effect_r = (outcome_r(variant) - outcome_r(base)) / spent_r × 1e8

where outcome_r is the metric summed over steps 1..T (a flow), at the last step or averaged over
steps 1..T (a stock), as the entry says, and spent_r is instrument.<slug>.spent summed over the run.
The table gives the replicate mean of effect_r with its t-interval. An instrument that spent
nothing has no effect per yuan: the table says so and shows the change itself.

    from analysis import instrument_effects as effects
    references = effects.read_references(effects.REFERENCE_FILE)
    rows = effects.measure(command, references, workdir)
    print(effects.markdown(rows, context))
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from . import instruments
from .calibrate import InnosimCommand
from .errors import AnalysisInputError, quoted
from .formatting import estimate_with_interval, yuan
from .load import Run, open_run
from .pairing import pairing
from .stats import Interval, mean_interval

REPO = Path(__file__).resolve().parents[1]
REFERENCE_FILE = REPO / "scenarios" / "instrument_effects" / "reference.yaml"
BASE_SCENARIO = REPO / "scenarios" / "national.yaml"
PER_YUAN = 1e8   # the table's unit of money: 100 M yuan
AGGREGATES = ("sum", "last", "mean")
BEGIN_MARKER = "<!-- instrument-effects:begin -->"
END_MARKER = "<!-- instrument-effects:end -->"
_REQUIRED = ("type", "policy", "source", "metric", "aggregate")


@dataclass(frozen=True)
class Reference:
    """One reference instrument: its policy block, where its figures come from, what it moves."""

    type: str
    policy: dict
    source: str
    metric: str
    aggregate: str   # one of AGGREGATES
    # Optional ecosystem keys set in both base and variant, for an instrument that needs agents the
    # base lacks (incubator_support: incubators); None: the base as it is.
    setting: dict | None = None


@dataclass(frozen=True)
class Effect:
    """One row of the table: the instrument's spending and its paired effect on its metric."""

    reference: Reference
    unit: str                 # the metric's unit
    spent: Interval           # yuan, over the run
    change: Interval          # variant - base of the aggregated metric
    per_100m_yuan: Interval   # change per 100 M yuan spent; NaN estimate when nothing was spent
    spent_nothing: bool
    status: str               # what limits it: 'ran out at step S', 'X% unspent', 'no money came in'


def read_references(path: Path = REFERENCE_FILE) -> list[Reference]:
    """The reference instruments of `path`, checked: every field present, a known aggregate."""
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise AnalysisInputError(f"cannot read {quoted(path)}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise AnalysisInputError(f"{quoted(path)} is not valid YAML: {error}") from None
    entries = (document or {}).get("instruments")
    if not isinstance(entries, list) or not entries:
        raise AnalysisInputError(f"{quoted(path)} has no 'instruments' list")
    references, problems = [], []
    for index, entry in enumerate(entries):
        missing = [key for key in _REQUIRED if key not in (entry or {})]
        if missing:
            problems.append(f"{quoted(path)}: instrument {index + 1} lacks {', '.join(missing)}")
            continue
        if entry["aggregate"] not in AGGREGATES:
            problems.append(f"{quoted(path)}: {entry['type']}: aggregate '{entry['aggregate']}' is not one of "
                            f"{', '.join(AGGREGATES)}")
            continue
        if entry["policy"].get("type") != entry["type"]:
            problems.append(f"{quoted(path)}: {entry['type']}: its policy block has type "
                            f"'{entry['policy'].get('type')}'")
            continue
        setting = entry.get("setting")
        if setting is not None and not isinstance(setting, dict):
            problems.append(f"{quoted(path)}: {entry['type']}: its setting is not a mapping of ecosystem keys")
            continue
        references.append(Reference(**{key: entry[key] for key in _REQUIRED}, setting=setting))
    if problems:
        raise AnalysisInputError("\n".join(problems))
    return references


def select(references: list[Reference], types: list[str] | None) -> list[Reference]:
    """The references of `types` in the file's order (all when None); an unknown type is an input error."""
    if not types:
        return references
    known = [reference.type for reference in references]
    unknown = [name for name in types if name not in known]
    if unknown:
        raise AnalysisInputError(f"no reference instrument of type {', '.join(unknown)} "
                                 f"(types: {', '.join(known)})")
    return [reference for reference in references if reference.type in types]


def shown_path(path: Path) -> str:
    """`path` relative to the repository when it lies inside it (as the docs name files), else as given."""
    try:
        return str(Path(path).resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def variant_scenario(base: Path, policy: dict | None, setting: dict | None = None) -> str:
    """A scenario that is `base` with `setting`'s ecosystem keys and `policy` as its only instrument
    (none when None: the base of a reference with a setting)."""
    ecosystem = dict(setting or {})
    if policy is not None:
        ecosystem["policies"] = [policy]
    body = yaml.safe_dump({"ecosystem": ecosystem}, default_flow_style=None, allow_unicode=True, sort_keys=False,
                          width=1 << 16)
    return f"base: {base.resolve()}\n{body}"


def aggregate(run: Run, metric: str, how: str) -> np.ndarray:
    """One value per replicate: the metric summed over steps 1..T, at step T, or averaged over 1..T."""
    values = run.metric(metric)
    if how == "sum":
        return values[:, 1:].sum(axis=1)
    if how == "mean":
        return values[:, 1:].mean(axis=1)
    return values[:, -1]


def effect_of(reference: Reference, base: Run, variant: Run) -> Effect:
    """The paired effect of the reference instrument (the variant's only instrument) on its metric."""
    pairs = pairing(base, variant)
    if not pairs.is_common_random_numbers:
        raise AnalysisInputError(f"{reference.type}: {pairs.warning}")
    accounts = instruments.spending(variant)
    if accounts["instrument"].nunique() != 1:
        raise AnalysisInputError(f"{reference.type}: the variant {quoted(variant.path)} should hold exactly one "
                                 f"instrument, it holds {accounts['instrument'].nunique()}")
    spent = accounts.sort_values("replicate")["spent"].to_numpy(dtype=np.float64)
    change = aggregate(variant, reference.metric, reference.aggregate) - aggregate(base, reference.metric,
                                                                                   reference.aggregate)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_100m = np.where(spent > 0, change / np.where(spent > 0, spent, 1.0) * PER_YUAN, np.nan)
    summary = instruments.summary(variant).iloc[0]
    return Effect(reference=reference, unit=variant.metric_info(reference.metric).unit,
                  spent=mean_interval(spent), change=mean_interval(change),
                  per_100m_yuan=mean_interval(per_100m), spent_nothing=bool((spent == 0).all()),
                  status=instruments.status(summary))


def measure(command: InnosimCommand, references: list[Reference], workdir: Path, progress=None) -> list[Effect]:
    """Runs the base and one variant per reference (same seed, same replicates) and measures each effect.

    `command.scenario` is the base; the variants' scenarios and every run file go into `workdir`.
    """
    workdir = Path(workdir)
    base_path = workdir / "base.h5"
    if progress:
        progress(f"base: {command.scenario}")
    command.run([], base_path)
    effects = []
    def run(scenario_text: str, name: str) -> Path:
        scenario = workdir / f"{name}.yaml"
        scenario.write_text(scenario_text, encoding="utf-8")
        output = workdir / f"{name}.h5"
        InnosimCommand(command.binary, scenario, command.overrides, command.seed, command.replicates,
                       command.threads).run([], output)
        return output

    for reference in references:
        if progress:
            progress(f"{reference.type}: {reference.policy.get('name', reference.type)}")
        own_base = base_path
        if reference.setting:
            # Its own base: the base scenario with the setting, without the instrument.
            own_base = run(variant_scenario(Path(command.scenario), None, reference.setting), f"{reference.type}-base")
        output = run(variant_scenario(Path(command.scenario), reference.policy, reference.setting), reference.type)
        with open_run(own_base) as base, open_run(output) as variant:
            effects.append(effect_of(reference, base, variant))
    return effects


def _with_interval(interval: Interval) -> str:
    return estimate_with_interval(interval.estimate, interval.low, interval.high, 3)


def _metric_label(effect: Effect) -> str:
    how = {"sum": "summed over the run", "last": "at the end", "mean": "mean over the run"}[effect.reference.aggregate]
    # A flow summed over the run is in the flow's unit without '/quarter': results/quarter -> results.
    shown = effect.unit.removesuffix("/quarter") if effect.reference.aggregate == "sum" else effect.unit
    unit = f", {shown}" if shown not in ("", "1") else ""
    return f"`{effect.reference.metric}` ({how}{unit})"


def _per_100m(effect: Effect) -> str:
    if effect.spent_nothing:
        return "spent nothing (no effect per yuan; the change is the instrument's without money)"
    text = _with_interval(effect.per_100m_yuan)
    spent_in = int(effect.per_100m_yuan.n)
    replicates = int(effect.spent.n)
    return text if spent_in == replicates else f"{text} ({spent_in} of {replicates} replicates spent money)"


def table_rows(effects: list[Effect]) -> list[list[str]]:
    """type | money spent | outcome metric | change | per 100 M yuan | what limits it."""
    return [[f"`{e.reference.type}`", yuan(e.spent.estimate), _metric_label(e), _with_interval(e.change),
             _per_100m(e), e.status] for e in effects]


HEADERS = ["type", "money spent (mean)", "outcome metric", "change vs base, 95%",
           "effect per 100 M yuan spent, 95%", "what limits it (end of run)"]


def markdown(effects: list[Effect], context: dict) -> str:
    """The generated block: how it was made, the table, and where each reference instrument comes from."""
    lines = [
        f"Generated by `{context['command']}` at commit {context['commit']} on {context['date']}: each "
        f"reference instrument alone added to `{context['scenario']}` ({context['steps']} quarters), "
        f"{context['replicates']} replicates of seed {context['seed']} for base and variant (common random "
        "numbers); per replicate, (variant − base) of the outcome metric / the instrument's money spent "
        "(`instrument.<slug>.spent` summed) × 1e8; mean and 95% t-interval over replicates. Reference "
        "instruments and their sources: `scenarios/instrument_effects/reference.yaml`. Do not edit by hand.",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|" + "---|" * len(HEADERS),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(effects)]
    lines += ["", "Reference instruments (policy block; source):", ""]
    for effect in effects:
        block = yaml.safe_dump(effect.reference.policy, default_flow_style=True, allow_unicode=True,
                               sort_keys=False, width=1 << 16).strip()
        setting = ""
        if effect.reference.setting:
            shown = yaml.safe_dump(effect.reference.setting, default_flow_style=True, allow_unicode=True,
                                   sort_keys=False, width=1 << 16).strip()
            setting = f" (base and variant with `{shown}`)"
        lines.append(f"- `{effect.reference.type}`: `{block}`{setting}; {effect.reference.source}")
    return "\n".join(lines) + "\n"


def replace_between_markers(document: str, block: str, where: str = "the document",
                            begin: str = BEGIN_MARKER, end: str = END_MARKER) -> str:
    """`document` with the text between the markers `begin` and `end` replaced by `block`."""
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    found = pattern.findall(document)
    if len(found) != 1:
        raise AnalysisInputError(f"{where} must hold the markers {begin} ... {end} exactly once "
                                 f"(found {len(found)} pairs)")
    return pattern.sub(lambda _: f"{begin}\n{block}{end}", document)

