"""The demo plan shows every conflict type (docs/conflicts.md).

Checked on the document itself with the rules written out plainly
here, independently of the alignment engine."""

from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest

from app.seed.demo import DESIGNED_CONFLICTS, build_demo_plan

TODAY = date(2027, 5, 12)
ACTIVE = {"proposed", "committed", "in_progress"}
RANK = {"P0": 0, "P1": 1, "P2": 2, "P3": 3}


def _moment(text):
    return datetime.fromisoformat(text.removesuffix("Z"))


def _cycles(items, edges):
    """Strongly connected components of more than one item."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(node):  # recursion is fine on a 150-item plan
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for key in items:
        if key not in index:
            visit(key)
    return found


def _schedule(doc, items, order, found):
    for dep in doc["dependencies"]:
        a, b = items[dep["dependent"]], items[dep["dependency"]]
        if a["status"] not in ACTIVE or b["status"] == "done":
            continue
        promised = a["status"] in ("committed", "in_progress")
        if promised and b["status"] in ACTIVE and dep["commitment"] != "committed":
            found["uncommitted_dependency"].append(a["key"])
        if b["status"] == "cancelled":
            found["cancelled_dependency"].append(a["key"])
            continue
        needed_by = dep["needed_by"] or a["start"]
        if needed_by is None:
            continue
        if b["end"] is None:
            found["unscheduled_dependency"].append(a["key"])
        elif order[b["end"]] > order[needed_by]:
            found["schedule_violation"].append(a["key"])
        elif order[b["end"]] == order[needed_by]:
            found["same_period_risk"].append(a["key"])


def _capacity(doc, items, order, needers, found):
    names = sorted(order, key=order.get)
    kinds = {team["slug"]: team["kind"] for team in doc["teams"]}
    demand = defaultdict(float)
    for item in items.values():
        if item["start"] and item["status"] != "cancelled" and item["estimate"] is not None:
            spanned = range(order[item["start"]], order[item["end"]] + 1)
            for period in spanned:
                demand[item["team"], period] += item["estimate"] / len(spanned)
    for team in doc["teams"]:
        capacity = team["capacity"]
        for period, name in enumerate(names):
            limit = capacity["periods"].get(name, capacity["default"])
            if limit is None or demand[team["slug"], period] <= limit:
                continue
            found["over_capacity"].append(team["slug"])
            if team["kind"] != "platform":
                continue
            competing = {
                items[needer]["team"]
                for item in items.values()
                if item["team"] == team["slug"] and item["status"] in ACTIVE and item["start"]
                if order[item["start"]] <= period <= order[item["end"]]
                for needer in needers[item["key"]]
                if items[needer]["status"] in ACTIVE and kinds[items[needer]["team"]] == "product"
            }
            if len(competing) >= 2:
                found["platform_contention"].append(team["slug"])


def find_conflicts(doc, now):
    periods = sorted(doc["periods"], key=lambda p: p["start"])
    order = {p["name"]: i for i, p in enumerate(periods)}
    current = max(i for i, p in enumerate(periods) if p["start"] <= now.date().isoformat())
    items = {item["key"]: item for item in doc["items"]}
    edges, needers = defaultdict(list), defaultdict(list)
    for dep in doc["dependencies"]:
        edges[dep["dependent"]].append(dep["dependency"])
        needers[dep["dependency"]].append(dep["dependent"])
    found = defaultdict(list)
    _schedule(doc, items, order, found)
    _capacity(doc, items, order, needers, found)

    effective = {k: RANK[i["priority"]] for k, i in items.items() if i["status"] in ACTIVE}
    changed = True
    while changed:
        changed = False
        for dep in doc["dependencies"]:
            a, b = dep["dependent"], dep["dependency"]
            if a in effective and b in effective and effective[a] < effective[b]:
                effective[b], changed = effective[a], True
    newest = {}
    for update in doc["status_updates"]:
        newest[update["item"]] = max(newest.get(update["item"], ""), update["at"])
    for key, item in items.items():
        if item["status"] not in ACTIVE:
            continue
        if effective[key] < RANK[item["priority"]]:
            found["priority_inversion"].append(key)
        if item["health"] != "on_track" and any(items[n]["status"] in ACTIVE for n in needers[key]):
            found["at_risk_dependency"].append(key)
        if item["start"] and item["estimate"] is None:
            found["unestimated"].append(key)
        begun = item["start"] is not None and order[item["start"]] <= current
        if item["status"] == "in_progress" or (item["status"] == "committed" and begun):
            last = _moment(newest.get(key, item["created_at"]))
            if now - last > timedelta(days=7):
                found["stale_status"].append(key)
    found["dependency_cycle"] = _cycles(items, edges)
    return found


@pytest.fixture(scope="module")
def found():
    doc = build_demo_plan(TODAY)
    return find_conflicts(doc, datetime.combine(TODAY, datetime.min.time()) + timedelta(hours=12))


@pytest.mark.parametrize("conflict_type", sorted(DESIGNED_CONFLICTS))
def test_the_demo_has_each_conflict_type(found, conflict_type):
    assert found[conflict_type], f"the demo has no {conflict_type}"


def test_the_designed_instances(found):
    assert sorted(found["stale_status"]) == ["DATA-3", "INFRA-12", "MDB-10"]
    assert found["dependency_cycle"] == [["DATA-3", "MSG-2"]]
    assert sorted(found["unestimated"]) == ["GRW-8", "MOB-9"]
    assert sorted(found["over_capacity"]) == ["data", "grw", "mob", "pay"]
    assert "data" in found["platform_contention"]
    assert "PAY-7" in found["priority_inversion"]
    assert found["cancelled_dependency"] == ["MOB-4"]
    assert found["unscheduled_dependency"] == ["MDB-3"]


def test_most_of_the_plan_is_sound(found):
    """Conflicts stand out against work that is planned well."""
    schedule = found["schedule_violation"] + found["same_period_risk"]
    assert len(schedule) < 20
