"""The plan's wording, said once (app.alignment.text) and the template filters
that every page uses for it."""

import pytest

from app.alignment import CONFLICT_TYPES
from app.alignment.text import (
    estimate_text,
    health_word,
    period_place,
    period_span,
    pw,
    span,
    status_word,
    type_label,
    type_words,
)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2027 Q2", "2027 Q2", "2027 Q2"),
        ("2027 Q2", "2027 Q3", "2027 Q2–Q3"),
        ("2027 Q4", "2028 Q1", "2027 Q4–2028 Q1"),
        ("Spring", "Summer", "Spring–Summer"),
        (None, None, "backlog"),
        ("2027 Q2", None, "backlog"),
    ],
)
def test_a_period_span_is_written_one_way(start, end, expected):
    assert period_span(start, end) == expected


def test_a_place_in_a_sentence_says_the_backlog():
    assert period_place(None, None) == "the backlog"
    assert period_place("2027 Q2", "2027 Q3") == "2027 Q2–Q3"


def test_the_conflict_messages_span_periods_the_same_way():
    names = ["2027 Q1", "2027 Q2", "2027 Q3"]
    assert span(names, 1, 2) == period_span("2027 Q2", "2027 Q3")
    assert span(names, 0, 0) == "2027 Q1"


def test_person_weeks_and_estimates():
    assert [pw(v) for v in (12, 12.0, 7.5, 0.3, 0.1 + 0.2, -0.0)] == [
        "12",
        "12",
        "7.5",
        "0.3",
        "0.3",
        "0",
    ]
    assert estimate_text(12.0) == "12 person-weeks"
    assert estimate_text(7.5, short=True) == "7.5 pw"
    assert estimate_text(None) == "no estimate"
    assert estimate_text(0) == "0 person-weeks"


def test_every_conflict_type_has_one_label_and_one_phrase():
    labels = [type_label(t) for t in CONFLICT_TYPES]
    assert len(set(labels)) == len(CONFLICT_TYPES)
    assert all(label[0].isupper() and "_" not in label for label in labels)
    assert type_label("same_period_risk") == "Same-period risk"
    assert type_words("same_period_risk") == "same-period risk"
    assert type_label("unestimated") == "Missing estimate"
    assert type_label("some_new_type") == "Some new type"


def test_status_and_health_words():
    assert status_word("in_progress") == "in progress"
    assert status_word("proposed") == "proposed"
    assert health_word("off_track") == "off track"


def test_the_filters_are_registered_for_every_template(app):
    from app.models import Period

    q2, q3 = Period(name="2027 Q2"), Period(name="2027 Q3")

    class Item:
        start_period, end_period = q2, q3

    render = app.jinja_env.from_string(
        "{{ item|period_span }}|{{ q2|period_span(q3) }}|{{ none|period_place(none) }}|"
        "{{ 7.5|pw }}|{{ 3|estimate }}|{{ 'same_period_risk'|type_label }}|"
        "{{ 'in_progress'|status_word }}|{{ 'at_risk'|health_word }}"
    ).render
    assert render(item=Item, q2=q2, q3=q3) == (
        "2027 Q2–Q3|2027 Q2–Q3|the backlog|7.5|3 person-weeks|Same-period risk|in progress|at risk"
    )
