"""An at_risk_dependency lists its blast radius only when its items are read: counts,
filters and the dashboard never search a radius they do not show."""

from alignment_plans import NOW, PlanBuilder, make_random_plan

from app.alignment import analyze
from app.alignment.priority import Priorities
from app.dashboard.sections import build_dashboard

Q1_27, Q2_27, Q3_27 = range(3)


def chain_plan():
    """PAY-1 (off track) is needed by ID-4 (P2), which CHK-3 (P0) needs, and by MOB-2 (P1)."""
    b = PlanBuilder()
    b.team("pay", capacity=40, name="Payments Platform")
    b.item("PAY-1", "pay", priority=1, start=Q1_27, health="off_track")
    b.item("ID-4", "id", priority=2, start=Q2_27)
    b.item("CHK-3", "chk", priority=0, start=Q3_27)
    b.item("MOB-2", "mob", priority=1, start=Q3_27)
    b.item("ONB-1", "onb", priority=0, start=Q3_27)
    b.need("ID-4", "PAY-1")
    b.need("CHK-3", "ID-4")
    b.need("MOB-2", "PAY-1")
    return b.build()


def counted_radii(monkeypatch):
    calls = []
    search = Priorities.blast_radius

    def counted(self, i):
        calls.append(i)
        return search(self, i)

    monkeypatch.setattr(Priorities, "blast_radius", counted)
    return calls


def test_the_radius_is_searched_only_when_the_items_are_read(monkeypatch):
    calls = counted_radii(monkeypatch)
    analysis = analyze(chain_plan(), NOW)
    [c] = analysis.select(type="at_risk_dependency")
    assert (c.primary_key, c.severity, c.sort_key[2]) == ("PAY-1", "critical", "PAY-1")
    assert not calls and not c.listed
    assert c.items == ["PAY-1", "CHK-3", "MOB-2", "ID-4"]
    assert c.teams == ["pay", "chk", "mob", "id"]
    assert len(calls) == 1 and c.listed
    assert c.to_dict()["items"] == ["PAY-1", "CHK-3", "MOB-2", "ID-4"]


def test_filters_by_team_and_item_answer_without_listing(monkeypatch):
    calls = counted_radii(monkeypatch)
    analysis = analyze(chain_plan(), NOW)
    ids = {item.key: item.id for item in analysis.snapshot.items}

    def at_risk(**filters):
        return [c.primary_key for c in analysis.select(type="at_risk_dependency", **filters)]

    assert at_risk(team="chk") == at_risk(team="pay") == at_risk(team="id") == ["PAY-1"]
    assert at_risk(team="onb") == at_risk(team="nope") == []
    assert at_risk(item_id=ids["CHK-3"]) == at_risk(item_id=ids["PAY-1"]) == ["PAY-1"]
    assert at_risk(item_id=ids["ONB-1"]) == at_risk(item_id=-1) == []
    assert not calls


def test_the_dashboard_and_the_counts_list_no_radius(monkeypatch):
    snapshot = make_random_plan(3000, seed=3)
    calls = counted_radii(monkeypatch)
    analysis = analyze(snapshot, NOW)
    board = build_dashboard(analysis)
    analysis.counts()
    assert board.at_risk.total > 10 and board.tiles.counts.by_type["at_risk_dependency"]
    assert not calls
    at_risk = [c for c in analysis.conflicts if c.type == "at_risk_dependency"]
    assert not any(c.listed for c in at_risk)


def test_counted_radii_match_the_listed_ones():
    analysis = analyze(make_random_plan(3000, seed=3), NOW)
    at_risk = [c for c in analysis.conflicts if c.type == "at_risk_dependency"]
    counts = analysis.blast_radius_counts(c.primary_id for c in at_risk)
    for c in at_risk:
        tally = [0, 0, 0, 0]
        for _item_id, priority in analysis.blast_radius(c.primary_id):
            tally[priority] += 1
        assert counts[c.primary_id] == tuple(tally)
        assert len(c.items) == 1 + sum(tally)
