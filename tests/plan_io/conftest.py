"""A small valid plan document, built fresh for each test."""

import pytest


def sample_plan() -> dict:
    return {
        "format": "roadmap-plan/1",
        "periods": [
            {"name": "2027 Q1", "start": "2027-01-01", "end": "2027-03-31"},
            {"name": "2027 Q2", "start": "2027-04-01", "end": "2027-06-30"},
        ],
        "teams": [
            {
                "slug": "pay",
                "name": "Payments Platform",
                "kind": "platform",
                "capacity": {"default": 40, "periods": {"2027 Q2": 30}},
            },
            {"slug": "chk", "name": "Checkout", "kind": "product"},
        ],
        "items": [
            {
                "key": "PAY-1",
                "team": "pay",
                "title": "Tokenised cards API",
                "description": "Cards as network tokens.",
                "priority": "P1",
                "start": "2027 Q1",
                "end": "2027 Q2",
                "estimate": 12,
                "status": "committed",
                "health": "at_risk",
                "owner": None,
                "created_at": "2026-11-02T09:00:00Z",
            },
            {
                "key": "CHK-3",
                "team": "chk",
                "title": "Saved cards at checkout",
                "priority": "P0",
                "start": "2027 Q2",
                "end": "2027 Q2",
                "estimate": 4.5,
                "status": "in_progress",
                "owner": "Laura Fischer",
            },
            {"key": "PAY-7", "team": "pay", "title": "Instalments provider", "priority": "P3"},
        ],
        "dependencies": [
            {
                "dependent": "CHK-3",
                "dependency": "PAY-1",
                "needed_by": "2027 Q2",
                "commitment": "committed",
            },
            {"dependent": "CHK-3", "dependency": "PAY-7"},
        ],
        "status_updates": [
            {
                "item": "PAY-1",
                "week": "2027-W05",
                "health": "at_risk",
                "status": "in_progress",
                "progress": 40,
                "note": "Sandbox late.",
                "author": "ann@example.com",
                "at": "2027-02-01T10:00:00Z",
            },
            {"item": "CHK-3", "health": "on_track", "at": "2027-02-03T11:30:00+02:00"},
        ],
    }


@pytest.fixture
def plan():
    return sample_plan()
