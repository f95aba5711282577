"""Seed fact -> how a preset encodes it -> what the run shows: the generated tables of docs/presets.md.

Each preset built from a seed document (scenarios/beijing.yaml, jiangxi.yaml, nansha.yaml) has a
facts file, scenarios/facts/<preset>.yaml:

    preset: nansha.yaml            # relative to scenarios/ (the folder above the facts file's)
    seed: "004"                    # the seed document's number
    facts:
      - fact: "15 incubators and 19 maker spaces"
        quote: "孵化器15家、众创空间19家"      # optional: the seed's own words
        encoding: "34 incubators in region nansha ..."
        shows:
          metric: incubator_births
          aggregate: sum             # sum over steps 1..T | last | mean | growth (step T / step 1)
          variant:                   # optional: a paired comparison
            label: "without incubators"
            ecosystem: {regions: {nansha: {incubators: 0}}}

The preset and each distinct variant (the preset with `variant.ecosystem` merged into its
`ecosystem:` section through innosim's `base:` merge) run from one seed with the same replicates, so
replicate r of both share their random numbers. A fact's row gives the preset's aggregated metric
(replicate mean with its 95% t-interval) and, with a variant, preset − variant (the paired mean
difference with its 95% t-interval).

    facts = read_facts(Path("scenarios/facts/nansha.yaml"))
    rows = measure(command_for(facts, binary, replicates=8), facts, workdir)
    print(markdown(facts, rows, context))
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from .calibrate import InnosimCommand
from .errors import AnalysisInputError, did_you_mean, quoted
from .formatting import estimate_with_interval
from .instrument_effects import replace_between_markers, shown_path
from .load import Run, open_run
from .pairing import pairing
from .stats import Interval, mean_interval, paired_difference

REPO = Path(__file__).resolve().parents[1]
FACTS_FOLDER = REPO / "scenarios" / "facts"
AGGREGATES = ("sum", "last", "mean", "growth")
HEADERS = ["seed fact", "how the preset encodes it", "what the run shows (mean, 95% interval)"]


@dataclass(frozen=True)
class Variant:
    """The preset with `ecosystem` merged into its ecosystem section, named by `label`."""

    label: str
    ecosystem: dict

    @property
    def key(self) -> str:
        """Identical overlays run once, whatever their labels."""
        return json.dumps(self.ecosystem, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Fact:
    fact: str
    encoding: str
    metric: str
    aggregate: str
    quote: str = ""
    variant: Variant | None = None


@dataclass(frozen=True)
class Facts:
    path: Path
    preset: Path     # the scenario, resolved
    seed: str
    facts: list[Fact]

    @property
    def name(self) -> str:
        return self.preset.stem

    def variants(self) -> list[Variant]:
        """Distinct variants in the order the facts name them."""
        seen: dict[str, Variant] = {}
        for fact in self.facts:
            if fact.variant is not None:
                seen.setdefault(fact.variant.key, fact.variant)
        return list(seen.values())


@dataclass(frozen=True)
class Shown:
    """What the run shows for one fact: the preset's level and, with a variant, the paired change."""

    fact: Fact
    unit: str
    level: Interval
    change: Interval | None


def _text(entry: dict, key: str, where: str, problems: list[str], required: bool = True) -> str:
    value = entry.get(key)
    if value is None:
        if required:
            problems.append(f"{where}: missing '{key}'")
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: '{key}' must be non-empty text")
        return ""
    return value.strip()


def _variant(shows: dict, where: str, problems: list[str]) -> Variant | None:
    variant = shows.get("variant")
    if variant is None:
        return None
    if not isinstance(variant, dict):
        problems.append(f"{where}: 'variant' must be a mapping with 'label' and 'ecosystem'")
        return None
    label = _text(variant, "label", f"{where}: variant", problems)
    ecosystem = variant.get("ecosystem")
    if not isinstance(ecosystem, dict) or not ecosystem:
        problems.append(f"{where}: variant: 'ecosystem' must be a non-empty mapping of ecosystem keys")
        return None
    return Variant(label, ecosystem)


def _fact(entry, where: str, problems: list[str]) -> Fact | None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: expected a mapping with fact, encoding and shows")
        return None
    shows = entry.get("shows")
    if not isinstance(shows, dict):
        problems.append(f"{where}: missing 'shows' (a mapping with metric and aggregate)")
        return None
    aggregate = shows.get("aggregate", "sum")
    if aggregate not in AGGREGATES:
        problems.append(f"{where}: shows: aggregate '{aggregate}' is not one of {', '.join(AGGREGATES)}")
    return Fact(fact=_text(entry, "fact", where, problems), encoding=_text(entry, "encoding", where, problems),
                metric=_text(shows, "metric", f"{where}: shows", problems), aggregate=str(aggregate),
                quote=_text(entry, "quote", where, problems, required=False),
                variant=_variant(shows, f"{where}: shows", problems))


def read_facts(path: Path) -> Facts:
    """The facts file at `path`; AnalysisInputError listing every problem found."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise AnalysisInputError(f"cannot read {quoted(path)}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise AnalysisInputError(f"{quoted(path)}: not valid YAML: {error}") from None
    if not isinstance(document, dict):
        raise AnalysisInputError(f"{quoted(path)}: expected a mapping with preset, seed and facts")
    problems: list[str] = []
    preset_name = _text(document, "preset", str(path), problems)
    # scenarios/facts/<preset>.yaml names its preset relative to scenarios/, the folder above its own.
    scenarios = path.resolve().parent.parent
    preset = (scenarios / preset_name).resolve()
    if preset_name and not preset.is_file():
        problems.append(f"{path}: preset '{preset_name}' is not a file under {scenarios}")
    seed = str(document.get("seed", "")).strip()
    if not seed:
        problems.append(f"{path}: missing 'seed' (the seed document's number)")
    entries = document.get("facts")
    if not isinstance(entries, list) or not entries:
        problems.append(f"{path}: 'facts' must be a non-empty list")
        entries = []
    facts = [_fact(entry, f"{path}: facts[{i}]", problems) for i, entry in enumerate(entries)]
    if problems:
        raise AnalysisInputError("\n".join(problems))
    return Facts(path=path, preset=preset, seed=seed, facts=[fact for fact in facts if fact is not None])


def variant_scenario(preset: Path, variant: Variant) -> str:
    """A scenario that is `preset` with the variant's keys merged into its ecosystem section."""
    body = yaml.safe_dump({"ecosystem": variant.ecosystem}, default_flow_style=None, allow_unicode=True,
                          sort_keys=False, width=1 << 16)
    return f"base: {preset.resolve()}\n{body}"


def aggregate(run: Run, metric: str, how: str) -> np.ndarray:
    """One value per replicate: summed over steps 1..T, at step T, averaged over 1..T, or step T / step 1."""
    if not run.has_metric(metric):
        raise AnalysisInputError(f"{quoted(run.path)} has no metric '{metric}'{did_you_mean(metric, run.metric_names)}")
    values = run.metric(metric)
    if how == "sum":
        return values[:, 1:].sum(axis=1)
    if how == "mean":
        return values[:, 1:].mean(axis=1)
    if how == "growth":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(values[:, 1] != 0, values[:, -1] / np.where(values[:, 1] != 0, values[:, 1], 1), np.nan)
    return values[:, -1]


def measure(command: InnosimCommand, facts: Facts, workdir: Path, progress=None) -> list[Shown]:
    """Runs the preset and every distinct variant (same seed and replicates) and measures each fact."""
    workdir = Path(workdir)
    outputs: dict[str, Path] = {}

    def run(name: str, scenario: Path) -> Path:
        if progress:
            progress(f"{facts.name}: {name}")
        output = workdir / f"{scenario.stem}.h5"
        InnosimCommand(command.binary, scenario, command.overrides, command.seed, command.replicates,
                       command.threads).run([], output)
        return output

    preset_output = run("the preset", facts.preset)  # workdir/<preset>.h5 (variants: variant-<i>.h5)
    for i, variant in enumerate(facts.variants()):
        scenario = workdir / f"variant-{i}.yaml"
        scenario.write_text(variant_scenario(facts.preset, variant), encoding="utf-8")
        outputs[variant.key] = run(variant.label, scenario)
    shown = []
    with open_run(preset_output) as preset:
        for fact in facts.facts:
            level = aggregate(preset, fact.metric, fact.aggregate)
            change = None
            if fact.variant is not None:
                with open_run(outputs[fact.variant.key]) as variant:
                    if not pairing(preset, variant).is_common_random_numbers:
                        raise AnalysisInputError(f"{facts.name}: {fact.variant.label}: runs are not paired")
                    change = paired_difference(aggregate(variant, fact.metric, fact.aggregate), level)
            unit = preset.metric_info(fact.metric).unit
            shown.append(Shown(fact, unit, mean_interval(level), change))
    return shown


def _label(shown: Shown) -> str:
    how = {"sum": "summed over the run", "last": "at the end", "mean": "mean over the run",
           "growth": "end / step 1"}[shown.fact.aggregate]
    unit = shown.unit.removesuffix("/quarter") if shown.fact.aggregate == "sum" else shown.unit
    unit = "" if shown.fact.aggregate == "growth" or unit in ("", "1") else f", {unit}"
    return f"`{shown.fact.metric}` ({how}{unit})"


def _interval(interval: Interval, is_signed: bool = False) -> str:
    return estimate_with_interval(interval.estimate, interval.low, interval.high, 3, is_signed=is_signed)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def row(shown: Shown) -> list[str]:
    fact = shown.fact.fact + (f" (「{shown.fact.quote}」)" if shown.fact.quote else "")
    result = f"{_label(shown)}: {_interval(shown.level)}"
    if shown.change is not None:
        result += f"; preset − {shown.fact.variant.label}: {_interval(shown.change, is_signed=True)}"
        if not bool(shown.change.excludes_zero()):
            result += " (interval covers 0)"
    return [_cell(fact), _cell(shown.fact.encoding), _cell(result)]


def markdown(facts: Facts, shown: list[Shown], context: dict) -> str:
    lines = [
        f"Generated by `{context['command']}` at commit {context['commit']} on {context['date']}: "
        f"`{shown_path(facts.preset)}` ({context['steps']} quarters) and each variant, {context['replicates']} "
        f"replicates of seed {context['seed']} (common random numbers); facts from seed {facts.seed} in "
        f"`{shown_path(facts.path)}`. Do not edit by hand.",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|" + "---|" * len(HEADERS),
    ]
    lines += ["| " + " | ".join(cells) + " |" for cells in (row(s) for s in shown)]
    return "\n".join(lines) + "\n"


def markers(name: str) -> tuple[str, str]:
    return f"<!-- preset-facts:{name}:begin -->", f"<!-- preset-facts:{name}:end -->"


def replace_block(document: str, name: str, block: str, where: str = "the document") -> str:
    """`document` with the preset's generated block replaced by `block`."""
    return replace_between_markers(document, block, where, *markers(name))
