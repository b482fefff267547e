"""What scenarios do to the data: plain functions that mutate, flush and never commit.
The modules of this package, by what they do: ``lifecycle`` (scenarios),
``changes`` (recording changes), ``reading`` (analysis and comparison) and
``applying`` (apply and auto-schedule); ``errors`` holds the refusals.

A scenario is a named set of changes over the live plan (``Scenario`` and its
``ScenarioChange`` rows). Each change names one thing (a field of an item, a new
item, a field of a dependency, a capacity cell), the scenario's value for it, and
its ``base``: the live value when the scenario first changed it. Everything the
scenario did not change is read live, so it sees live changes made after it was
made, except where it changed the same thing itself. Setting a field back to its
live value removes the change.

Applying writes every change to the live plan in the caller's transaction, through
the planning operations (so the audit history is the same as a person's edits),
then deletes the scenario. It refuses, writing nothing, when any change clashes:
its live row is gone, or its live value is no longer its base (someone changed it
live meanwhile) and is not the scenario's value either.

Scenario rows are not part of the plan: writing them moves neither the plan's
revision nor its audit history. Every change to a scenario bumps its version, so
two people saving one scenario at once cannot both win (``ScenarioStale``).
"""

from .applying import (
    KEEPS,
    apply_scenario,
    autoschedule_scenario,
    resolve_clash,
    resolve_clashes,
    scenario_clashes,
)
from .changes import (
    add_item,
    new_item,
    remove_change,
    remove_new_item,
    set_capacity,
    set_dependency_fields,
    set_item_fields,
    update_new_item,
)
from .errors import (
    Clash,
    ScenarioBusy,
    ScenarioClash,
    ScenarioError,
    ScenarioStale,
    clash_count,
)
from .lifecycle import (
    LIVE,
    copy_scenario,
    create_scenario,
    delete_scenario,
    list_scenarios,
    rename_scenario,
    scenario_by_name,
    scenario_changes,
)
from .reading import compare_scenario, scenario_analysis, scenario_overlay, scenario_reasons

__all__ = [
    "KEEPS",
    "LIVE",
    "Clash",
    "ScenarioBusy",
    "ScenarioClash",
    "ScenarioError",
    "ScenarioStale",
    "add_item",
    "apply_scenario",
    "autoschedule_scenario",
    "clash_count",
    "compare_scenario",
    "copy_scenario",
    "create_scenario",
    "delete_scenario",
    "list_scenarios",
    "new_item",
    "remove_change",
    "remove_new_item",
    "rename_scenario",
    "resolve_clash",
    "resolve_clashes",
    "scenario_analysis",
    "scenario_by_name",
    "scenario_changes",
    "scenario_clashes",
    "scenario_overlay",
    "scenario_reasons",
    "set_capacity",
    "set_dependency_fields",
    "set_item_fields",
    "update_new_item",
]
