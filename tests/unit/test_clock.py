"""The application has one clock, `app.clock`, and the tests hold it."""

import ast
from datetime import UTC, datetime
from pathlib import Path

from app import clock
from config import BASE_DIR

READINGS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "sleep"),  # waiting is time too
}


def _readings_of_the_real_clock(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and (node.func.value.id, node.func.attr) in READINGS
        ):
            found.append(f"{path.relative_to(BASE_DIR)}:{node.lineno}")
    return found


def test_nothing_but_the_clock_reads_the_time():
    sources = sorted((BASE_DIR / "app").rglob("*.py"))
    assert len(sources) > 50
    found = [
        hit
        for path in sources
        if path.name != "clock.py"
        for hit in _readings_of_the_real_clock(path)
    ]
    assert found == [], "read the time through app.clock"
    assert _readings_of_the_real_clock(BASE_DIR / "app" / "clock.py"), "the clock itself reads it"


def test_every_test_starts_at_the_same_instant(time_machine):
    started = clock.utcnow()
    assert datetime(2026, 11, 18, 12) <= started < datetime(2026, 11, 18, 12, 1), "FROZEN_AT"
    time_machine.move_to(datetime(2027, 1, 1, 0, 0, 30, tzinfo=UTC), tick=False)
    assert clock.utcnow() == datetime(2027, 1, 1, 0, 0, 30)
    assert clock.today().isoformat() == "2027-01-01"


def test_a_wait_of_nothing_asks_the_system_nothing(monkeypatch):
    asked = []
    monkeypatch.setattr(clock.time, "sleep", asked.append)
    clock.sleep(0)
    clock.sleep(-1)
    assert asked == []
    clock.sleep(0.25)
    assert asked == [0.25]
