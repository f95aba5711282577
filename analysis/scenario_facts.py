"""What a run's scenario says about the planner's question: its regions and its policies' budgets.

Read from the fully resolved scenario text innosim stores in every run's manifest
(`scenario_yaml`), so the report states the question from the runs themselves. A scenario
without regions or policies (another model) simply has none.
"""
from __future__ import annotations

import yaml

from .load import Run


def resolved_scenario(run: Run) -> dict:
    """The manifest's scenario as a dict; {} when the run has none or it is not a mapping."""
    try:
        scenario = yaml.safe_load(run.manifest.get("scenario_yaml", "") or "")
    except yaml.YAMLError:
        return {}
    return scenario if isinstance(scenario, dict) else {}


def _model_section(run: Run) -> dict:
    scenario = resolved_scenario(run)
    section = scenario.get(str(scenario.get("model", "")), {})
    return section if isinstance(section, dict) else {}


def regions(run: Run) -> list[str]:
    """The names of the scenario's regions, in the scenario's order."""
    found = _model_section(run).get("regions", {})
    return [str(name) for name in found] if isinstance(found, dict) else []


def _yuan(value) -> float | None:
    # PyYAML reads '2e8' (no dot) as text under YAML 1.1; innosim reads it as a number, so do we.
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def policy_budgets(run: Run) -> list[tuple[str, float]]:
    """(policy name, budget_yuan) for every policy that declares a budget."""
    policies = _model_section(run).get("policies", [])
    if isinstance(policies, dict):  # keyed by name
        policies = [{"name": name, **(spec or {})} for name, spec in policies.items()]
    budgets = []
    for policy in policies if isinstance(policies, list) else []:
        if isinstance(policy, dict) and _yuan(policy.get("budget_yuan")) is not None:
            budgets.append((str(policy.get("name", policy.get("type", "?"))), _yuan(policy["budget_yuan"])))
    return budgets


def declared_budget_yuan(run: Run) -> float | None:
    """The sum of the policies' declared budgets; None when no policy declares one."""
    budgets = policy_budgets(run)
    return sum(budget for _, budget in budgets) if budgets else None
