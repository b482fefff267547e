"""The roadmap's geometry (app.roadmap.layout) and what it shows (app.roadmap.board)."""

import pytest
from alignment_plans import NOW, PlanBuilder

import app.roadmap.board as board_module
from app.alignment import analyze
from app.alignment.diff import TEAM_PERIOD_TYPES
from app.roadmap.board import Filters, build_roadmap, conflict_marks, paginate
from app.roadmap.layout import (
    CARD_H,
    COL_W,
    INSET,
    LABEL_W,
    LANE_H,
    CardSpec,
    ColumnSpec,
    LoadSpec,
    TeamSpec,
    build_board,
    fit,
    pack,
    span_columns,
)

Q1, Q2, Q3, Q4, Q5 = range(5)
COLUMNS = [ColumnSpec("2027 Q2", Q2), ColumnSpec("2027 Q3", Q3), ColumnSpec("Backlog", None)]
PAY = TeamSpec(1, "pay", "Payments Platform", "platform")
CHK = TeamSpec(2, "chk", "Checkout", "product")


def card(item_id, team=PAY, start=Q2, end=None, key=None, priority=2, badge=None):
    return CardSpec(
        item_id,
        key or f"{team.slug.upper()}-{item_id}",
        f"Work {item_id}",
        team.id,
        priority,
        4.0,
        "on_track",
        "committed",
        start,
        start if end is None else end,
        badge,
    )


def test_fit_cuts_long_text_with_an_ellipsis():
    assert fit("Tokenised cards API", 500) == "Tokenised cards API"
    cut = fit("Tokenised cards API for every merchant in Europe", 100)
    assert cut.endswith("…") and len(cut) <= 100 // 6.7 + 1
    assert fit("anything", 1) == "…"


def test_pack_puts_overlapping_spans_in_separate_lanes_and_reuses_free_ones():
    assert pack([(0, 1), (1, 2), (2, 2), (0, 0), (3, 3)]) == [0, 1, 0, 1, 0]
    assert pack([(0, 2), (1, 1), (2, 2), (1, 2)]) == [0, 1, 1, 2]
    assert pack([]) == []


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (Q2, Q2, (0, 0, False, False)),
        (Q2, Q3, (0, 1, False, False)),
        (Q1, Q3, (0, 1, True, False)),
        (Q3, Q5, (1, 1, False, True)),
        (Q1, Q5, (0, 1, True, True)),
        (None, None, (2, 2, False, False)),
        (Q4, Q5, None),
        (Q1, Q1, None),
    ],
)
def test_span_columns_cuts_a_card_at_the_edges_of_the_view(start, end, expected):
    assert span_columns(card(1, start=start, end=end), COLUMNS) == expected


def test_cards_stretch_over_their_periods_and_rows_grow_with_their_lanes():
    cards = [card(1, start=Q2, end=Q3), card(2, start=Q3), card(3, start=None), card(4, team=CHK)]
    board = build_board(COLUMNS, [PAY, CHK], cards, [], {})
    spanning, later, backlog, other = (board.by_id[n] for n in (1, 2, 3, 4))
    assert spanning.x == LABEL_W + INSET
    assert spanning.width == 2 * COL_W - 2 * INSET
    assert later.x == LABEL_W + COL_W + INSET and later.lane == 1
    assert backlog.x == LABEL_W + 2 * COL_W + INSET and backlog.lane == 0
    pay_row, chk_row = board.rows
    assert (pay_row.lanes, chk_row.lanes) == (2, 1)
    assert pay_row.height - chk_row.height == LANE_H
    assert later.y - spanning.y == LANE_H
    assert chk_row.y > pay_row.y + pay_row.height - 1
    assert other.y > chk_row.y
    assert [g.kind for g in board.groups] == ["platform", "product"]
    assert board.width == LABEL_W + 3 * COL_W


def test_lines_join_cards_both_on_screen_from_the_needed_card_to_the_needer():
    cards = [card(1, start=Q3), card(2, team=CHK, start=Q2)]
    edges = [(2, 1, "violation"), (2, 99, "ok"), (1, 1, "ok")]
    board = build_board(COLUMNS, [PAY, CHK], cards, edges, {})
    [line] = board.lines
    assert (line.dependent_id, line.dependency_id, line.kind) == (2, 1, "violation")
    needed, needer = board.by_id[1], board.by_id[2]
    steps = line.path.split(" ")
    assert steps[0] == f"M{needed.x + needed.width:.1f},{needed.y + CARD_H / 2:.1f}"
    assert steps[-1] == f"H{needer.x - 2:.1f}"
    # only straight runs, the upright ones in the gutters between columns
    assert all(step[0] in "HV" for step in steps[1:])
    gutters = [LABEL_W + n * COL_W for n in range(len(COLUMNS) + 1)]
    for step in steps[1:-1]:
        if step[0] == "H":
            assert min(abs(float(step[1:]) - g) for g in gutters) <= INSET


def test_a_line_runs_along_the_strip_above_the_card_that_needs_it():
    cards = [card(1, start=Q2), card(2, team=CHK, start=None)]  # backlog needs Q2 work
    board = build_board(COLUMNS, [PAY, CHK], cards, [(2, 1, "ok")], {})
    [line] = board.lines
    needer = board.by_id[2]
    strips = [float(s[1:]) for s in line.path.split(" ") if s[0] == "V"]
    assert needer.y - 5 < strips[0] < needer.y  # between the lanes, not over a card


def test_capacity_bars_show_the_load_and_turn_red_when_over():
    loads = {(PAY.id, Q2): LoadSpec(30, 40), (PAY.id, Q3): LoadSpec(56, 40)}
    board = build_board(COLUMNS, [PAY, CHK], [], [], loads)
    fine, over = board.rows[0].bars
    assert (fine.text, fine.over, fine.fill) == ("75%", False, pytest.approx(fine.track * 0.75))
    assert (over.text, over.over, over.fill) == ("140%", True, over.track)
    assert [bar.capacity for bar in board.rows[1].bars] == [None, None]
    assert len(board.rows[0].plus) == len(COLUMNS)


def test_a_card_heading_shows_key_priority_and_estimate():
    board = build_board(COLUMNS, [PAY], [card(1, key="PAY-12", priority=0)], [], {})
    assert board.by_id[1].heading == "PAY-12 · P0 · 4 pw"


# The board built from an analysis


def demo_plan():
    b = PlanBuilder()
    b.team("pay", capacity=10, name="Payments Platform")
    b.team("chk", kind="product", name="Checkout")
    b.team("mob", kind="product", name="Mobile App")
    b.item("PAY-1", "pay", priority=1, start=Q1, end=Q2, estimate=8)
    b.item("PAY-2", "pay", priority=2, start=Q1, estimate=8)
    b.item("PAY-3", "pay", priority=3, start=None, end=None)
    b.item("CHK-1", "chk", priority=0, start=Q1, title="One-click checkout")
    b.item("CHK-2", "chk", priority=2, start=Q2)
    b.item("MOB-1", "mob", priority=3, start=Q3)
    b.need("CHK-1", "PAY-1")  # violation: PAY-1 ends in Q2
    b.need("CHK-2", "PAY-1")  # same-period risk
    b.need("MOB-1", "PAY-2")  # fine
    return b


def keys(roadmap):
    return sorted(c.spec.key for c in roadmap.board.cards)


def test_badges_and_line_colours_come_from_the_conflicts():
    b = demo_plan()
    analysis = analyze(b.build(), NOW)
    ids = {key: item.id for key, item in b.items.items()}
    badges, kinds = conflict_marks(analysis, ids.values())
    assert kinds[(ids["CHK-1"], ids["PAY-1"])] == "violation"
    assert kinds[(ids["CHK-2"], ids["PAY-1"])] == "risk"
    assert badges[ids["CHK-1"]][1] == "critical"
    # as on its item page: every conflict that involves it, its team's capacity included
    for key, item_id in ids.items():
        listed = analysis.select(item_id=item_id)
        if listed:
            count, worst, team_level = badges[item_id]
            assert count == len(listed), key
            assert worst == listed[0].severity, key
            assert team_level == sum(c.type in TEAM_PERIOD_TYPES for c in listed), key
        else:
            assert item_id not in badges, key
    assert badges[ids["PAY-2"]][2] >= 1  # over capacity in Q1, marked as the team's
    roadmap = build_roadmap(analysis, Filters(first=Q1))
    assert sorted(line.kind for line in roadmap.board.lines) == ["ok", "risk", "violation"]


def test_rows_put_platform_teams_first_and_filters_choose_rows_and_cards():
    analysis = analyze(demo_plan().build(), NOW)
    everything = build_roadmap(analysis, Filters(first=Q1))
    assert [t.slug for t in everything.teams] == ["pay", "chk", "mob"]
    assert keys(everything) == ["CHK-1", "CHK-2", "MOB-1", "PAY-1", "PAY-2", "PAY-3"]
    assert everything.shown == everything.total == 6
    product = build_roadmap(analysis, Filters(first=Q1, kind="product"))
    assert [t.slug for t in product.teams] == ["chk", "mob"]
    assert product.board.lines == []
    assert keys(build_roadmap(analysis, Filters(first=Q1, teams=("mob",)))) == ["MOB-1"]
    assert keys(build_roadmap(analysis, Filters(first=Q1, priorities=(0, 3)))) == [
        "CHK-1",
        "MOB-1",
        "PAY-3",
    ]
    assert keys(build_roadmap(analysis, Filters(first=Q1, q="one-CLICK"))) == ["CHK-1"]
    with_conflicts = build_roadmap(analysis, Filters(first=Q1, conflicts_only=True))
    assert "MOB-1" not in keys(with_conflicts) and "CHK-1" in keys(with_conflicts)


def test_the_period_range_is_chosen_and_kept_inside_the_plan():
    analysis = analyze(demo_plan().build(), NOW)
    two = build_roadmap(analysis, Filters(first=Q2, count=2))
    assert [c.spec.label for c in two.board.columns] == ["2027 Q2", "2027 Q3", "Backlog"]
    assert "PAY-2" not in keys(two) and "PAY-1" in keys(two)
    clamped = build_roadmap(analysis, Filters(first=7, count=4))
    assert clamped.first == 4
    assert build_roadmap(analysis, Filters()).first == analysis.current_period == Q1


def test_pages_hold_a_few_teams_and_a_bounded_number_of_cards(monkeypatch):
    teams = [TeamSpec(n, f"t{n}", f"Team {n}", "product") for n in range(1, 8)]
    cards = {1: 300, 2: 50, 3: 20, 4: 500, 5: 1, 6: 1, 7: 1}
    monkeypatch.setattr(board_module, "MAX_ROWS", 2)
    pages = paginate(teams, cards)
    assert [[t.id for t in page] for _n, page in pages] == [[1, 2], [3], [4], [5, 6], [7]]


def test_a_line_to_an_item_off_the_page_becomes_a_stub_on_the_card():
    b = demo_plan()
    analysis = analyze(b.build(), NOW)
    checkout = build_roadmap(analysis, Filters(first=Q1, teams=("chk",)))
    labels = sorted(stub.spec.label for stub in checkout.board.stubs)
    assert labels == [
        "needs PAY-1, Payments Platform, 2027 Q1",
        "needs PAY-1, Payments Platform, 2027 Q1",
    ]
    assert checkout.board.lines == []
    platform = build_roadmap(analysis, Filters(first=Q1, teams=("pay",)))
    # the grey line's stub only when all lines are asked for
    assert "needed by MOB-1" not in " ".join(s.spec.label for s in platform.board.stubs)
    every = build_roadmap(analysis, Filters(first=Q1, teams=("pay",), all_lines=True))
    assert "needed by MOB-1, Mobile App, 2027 Q3" in [s.spec.label for s in every.board.stubs]


def test_a_member_of_teams_sees_theirs_first_and_can_ask_for_all():
    b = demo_plan()
    analysis = analyze(b.build(), NOW)
    mob = next(t.id for t in analysis.snapshot.teams if t.slug == "mob")
    mine = build_roadmap(analysis, Filters(first=Q1), own_team_ids={mob})
    assert (mine.scope, [t.slug for t in mine.teams]) == ("mine", ["mob"])
    every = build_roadmap(analysis, Filters(first=Q1, every_team=True), own_team_ids={mob})
    assert (every.scope, [t.slug for t in every.teams]) == ("all", ["pay", "chk", "mob"])
