"""`flask plan import` of hostile or broken files: every one is refused with the
problems listed by JSON path and exit code 2 (a lost database connection: one
line and a non-zero exit), never a traceback, and nothing is written."""

import json
import re

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError

from app import create_app
from app.extensions import db as _db
from app.models import AuditEvent, Dependency, Item, Period, StatusUpdate, Team, TeamCapacity
from config import TestingConfig

PROBLEM_LINE = re.compile(
    r"(\$|<stdin>|\S+\.json|[A-Za-z_]+(\[\d+\]|\.[A-Za-z_]+|\[\"[^\"]*\"\])*): .+"
)


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


def nothing_written(db) -> bool:
    models = (Period, Team, TeamCapacity, Item, Dependency, StatusUpdate, AuditEvent)
    return all(db.session.scalar(select(func.count()).select_from(model)) == 0 for model in models)


def refused(runner, db, tmp_path, content: bytes) -> list[str]:
    """Import ``content``; check it was refused cleanly; its problem lines."""
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    result = runner.invoke(args=["plan", "import", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines and all(PROBLEM_LINE.fullmatch(line) for line in lines), lines
    assert nothing_written(db)
    return lines


def document(plan, change) -> bytes:
    change(plan)
    # "\ud800" stays an escape, as a hostile file has it; infinities are written 1e999
    text = json.dumps(plan).replace("-Infinity", "-1e999").replace("Infinity", "1e999")
    return text.encode()


def setter(path: str, value):
    """A change of ``plan`` that sets the value at ``path`` (``items.0.title``)."""

    def change(plan):
        *parents, last = path.split(".")
        node = plan
        for step in parents:
            node = node[int(step)] if step.isdigit() else node[step]
        node[int(last) if last.isdigit() else last] = value

    return change


STRING_FIELDS = [
    ("periods.0.name", "periods[0].name"),
    ("teams.0.slug", "teams[0].slug"),
    ("teams.0.name", "teams[0].name"),
    ("items.0.key", "items[0].key"),
    ("items.0.team", "items[0].team"),
    ("items.0.title", "items[0].title"),
    ("items.0.description", "items[0].description"),
    ("items.0.owner", "items[0].owner"),
    ("items.0.start", "items[0].start"),
    ("dependencies.0.dependent", "dependencies[0].dependent"),
    ("dependencies.0.needed_by", "dependencies[0].needed_by"),
    ("status_updates.0.item", "status_updates[0].item"),
    ("status_updates.0.note", "status_updates[0].note"),
    ("status_updates.0.author", "status_updates[0].author"),
]


@pytest.mark.parametrize(("field", "path"), STRING_FIELDS)
def test_a_nul_in_any_string_is_refused_at_its_path(runner, db, plan, tmp_path, field, path):
    lines = refused(runner, db, tmp_path, document(plan, setter(field, "Cards\x00API")))
    assert f"{path}: must not contain a NUL character (\\u0000)" in lines


@pytest.mark.parametrize(("field", "path"), STRING_FIELDS)
def test_a_lone_surrogate_in_any_string_is_refused_at_its_path(
    runner, db, plan, tmp_path, field, path
):
    lines = refused(runner, db, tmp_path, document(plan, setter(field, "Ann \ud800")))
    assert f"{path}: must not contain a lone surrogate (\\ud800): it is not Unicode text" in lines


def test_a_nul_in_a_title_alone(runner, db, plan, tmp_path):
    lines = refused(runner, db, tmp_path, document(plan, setter("items.1.title", "Saved\x00cards")))
    assert lines == ["items[1].title: must not contain a NUL character (\\u0000)"]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("items.0.priority", "P\ud800", 'items[0].priority: "P\\ud800" is not one of'),
        ("items.0.status", "do\x00ne", 'items[0].status: "do\\u0000ne" is not one of'),
        ("format", "\udfff", 'format: unsupported format "\\udfff"'),
        ("status_updates.0.at", "2027\x00", 'status_updates[0].at: "2027\\u0000" is not'),
    ],
)
def test_values_shown_in_messages_are_escaped(runner, db, plan, tmp_path, field, value, expected):
    lines = refused(runner, db, tmp_path, document(plan, setter(field, value)))
    assert any(line.startswith(expected) for line in lines), lines


def test_an_unknown_key_holding_a_surrogate_or_a_nul(runner, db, plan, tmp_path):
    def change(plan):
        plan["items"][0]["\ud800"] = 1
        plan["teams"][0]["a\x00b"] = 1

    lines = refused(runner, db, tmp_path, document(plan, change))
    assert any(line.startswith('teams[0]["a\\u0000b"]: unknown key') for line in lines)
    assert any(line.startswith('items[0]["\\ud800"]: unknown key') for line in lines)


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"format": "roadmap-plan/1", "items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"a": ' * 100_000 + b"1" + b"}" * 100_000,
    ],
    ids=["arrays", "inside-a-plan", "objects"],
)
def test_a_file_nested_too_deeply(runner, db, tmp_path, content):
    lines = refused(runner, db, tmp_path, content)
    assert lines == [
        f"{tmp_path / 'plan.json'}: not a plan: its arrays or objects are nested too deeply"
    ]


def test_invalid_utf8(runner, db, plan, tmp_path):
    content = document(plan, lambda _: None).replace(b"Tokenised", b"Token\xffised")
    lines = refused(runner, db, tmp_path, content)
    assert lines == [f"{tmp_path / 'plan.json'}: not UTF-8 text: byte 0xff on line 1"]


def test_invalid_utf8_on_standard_input(runner, db):
    result = runner.invoke(args=["plan", "import", "-"], input=b'{\n"format": "\xc3("}')
    assert result.exit_code == 2
    assert result.stderr == "<stdin>: not UTF-8 text: byte 0xc3 on line 2\n"
    assert nothing_written(db)


def test_a_byte_order_mark_is_allowed(runner, db, plan, tmp_path):
    path = tmp_path / "plan.json"
    path.write_bytes(b"\xef\xbb\xbf" + document(plan, lambda _: None))
    result = runner.invoke(args=["plan", "import", str(path)])
    assert result.exit_code == 0, result.output


def test_an_integer_too_long_to_read(runner, db, plan, tmp_path):
    content = document(plan, setter("items.0.estimate", 0)).replace(
        b'"estimate": 0', b'"estimate": ' + b"9" * 5000
    )
    [line] = refused(runner, db, tmp_path, content)
    assert line.startswith(f"{tmp_path / 'plan.json'}: not valid JSON")


WRONG_TYPES = [
    (lambda p: [p], ["$: a plan must be a JSON object, got array"]),
    (lambda p: "plan", ["$: a plan must be a JSON object, got string"]),
    (lambda p: None, ["$: a plan must be a JSON object, got null"]),
    (lambda p: 7, ["$: a plan must be a JSON object, got number"]),
    (lambda p: {**p, "items": "PAY-1"}, ["items: must be an array, got string"]),
    (lambda p: {**p, "periods": {"2027 Q1": {}}}, ["periods: must be an array, got object"]),
    (lambda p: {**p, "status_updates": 3}, ["status_updates: must be an array, got number"]),
]


@pytest.mark.parametrize(("build", "expected"), WRONG_TYPES)
def test_wrong_types_at_the_top(runner, db, plan, tmp_path, build, expected):
    lines = refused(runner, db, tmp_path, json.dumps(build(plan)).encode())
    for line in expected:
        assert line in lines


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("periods.0", 5, "periods[0]: must be an object, got number"),
        ("teams.1", ["chk"], "teams[1]: must be an object, got array"),
        ("items.2", "PAY-7", "items[2]: must be an object, got string"),
        ("dependencies.0", None, "dependencies[0]: must be an object, got null"),
        ("status_updates.1", True, "status_updates[1]: must be an object, got boolean"),
        ("items.0.title", 12, "items[0].title: must be a string, got number"),
        ("items.0.key", 1, "items[0].key: must be a string, got number"),
        ("items.0.owner", ["Ann"], "items[0].owner: must be a string, got array"),
        ("teams.0.slug", True, "teams[0].slug: must be a string, got boolean"),
        ("periods.0.start", 20270101, "periods[0].start: must be a string (a date"),
        ("items.0.priority", 1, "items[0].priority: number is not one of"),
        ("items.0.estimate", True, "items[0].estimate: must be a number, got boolean"),
        ("items.0.estimate", "12", "items[0].estimate: must be a number, got string"),
        ("items.0.estimate", 1e999, "items[0].estimate: must be a number from 0 to 100,000"),
        ("items.0.estimate", -1e999, "items[0].estimate: must be a number from 0 to 100,000"),
        ("items.0.estimate", 10**400, "items[0].estimate: must be a number from 0 to 100,000"),
        ("items.0.estimate", 1e300, "items[0].estimate: must be a number from 0 to 100,000"),
        ("teams.0.capacity", [40], "teams[0].capacity: must be an object, got array"),
        ("teams.0.capacity.default", "40", "teams[0].capacity.default: must be a number"),
        ("teams.0.capacity.default", 1e999, "teams[0].capacity.default: must be a number from"),
        ("teams.0.capacity.periods", [], "teams[0].capacity.periods: must be an object"),
        (
            "teams.0.capacity.periods.2027 Q2",
            False,
            'teams[0].capacity.periods["2027 Q2"]: must be a number, got boolean',
        ),
        (
            "teams.0.capacity.periods.2027 Q2",
            1e999,
            'teams[0].capacity.periods["2027 Q2"]: must be a number from 0 to 100,000',
        ),
        ("status_updates.0.progress", True, "status_updates[0].progress: must be a whole number"),
        ("status_updates.0.progress", 1e999, "status_updates[0].progress: must be a whole number"),
        ("status_updates.0.progress", 10**400, "status_updates[0].progress: must be between"),
        ("status_updates.0.progress", 40.5, "status_updates[0].progress: must be a whole number"),
        ("status_updates.0.week", 5, "status_updates[0].week: must be a string (an ISO week"),
        ("status_updates.0.week", "\u0662\u0660\u0662\u0667-W05", "status_updates[0].week: "),
        ("status_updates.0.at", "\u0662\u0660\u0662\u0667-02-01T10:00:00Z", "status_updates[0].at"),
        ("status_updates.0.at", "9999-12-31T23:00:00-05:00", "status_updates[0].at: "),
        ("items.0.created_at", "0001-01-01T00:30:00+01:00", "items[0].created_at: "),
        ("periods.0.end", "\u0662\u0660\u0662\u0667-03-31", "periods[0].end: "),
    ],
    ids=lambda value: repr(value)[:24],
)
def test_wrong_types_and_values_at_every_level(runner, db, plan, tmp_path, field, value, expected):
    lines = refused(runner, db, tmp_path, document(plan, setter(field, value)))
    assert any(line.startswith(expected) for line in lines), lines


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("", "colour: unknown key"),
        ("periods.0", "periods[0].colour: unknown key"),
        ("teams.0", "teams[0].colour: unknown key"),
        ("teams.0.capacity", "teams[0].capacity.colour: unknown key"),
        ("items.1", "items[1].colour: unknown key"),
        ("dependencies.1", "dependencies[1].colour: unknown key"),
        ("status_updates.0", "status_updates[0].colour: unknown key"),
    ],
)
def test_unknown_keys_at_every_level(runner, db, plan, tmp_path, field, expected):
    lines = refused(
        runner,
        db,
        tmp_path,
        document(plan, setter(f"{field}.colour" if field else "colour", "red")),
    )
    assert any(line.startswith(expected) for line in lines), lines


def test_a_huge_integer_is_shown_short(runner, db, plan, tmp_path):
    lines = refused(runner, db, tmp_path, document(plan, setter("items.0.estimate", 10**400)))
    assert (
        "items[0].estimate: must be a number from 0 to 100,000, got 100000000000... (401 digits)"
        in lines
    )


class ConnectionLost:
    """Raises, as a dropped connection does, at the n-th INSERT of item rows."""

    def __init__(self, on_statement: str):
        self.on_statement = on_statement
        self.raised = False

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not self.raised and statement.lstrip().upper().startswith(self.on_statement):
            self.raised = True
            raise OperationalError(
                statement,
                None,
                Exception("server closed the connection unexpectedly\nThis probably means..."),
            )


@pytest.mark.parametrize(
    "statement", ["INSERT INTO ITEM", "INSERT INTO STATUS_UPDATE", "INSERT INTO AUDIT"]
)
def test_a_connection_lost_mid_import_writes_nothing(runner, db, plan, tmp_path, statement):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    connection = db.session.connection()
    lost = ConnectionLost(statement)
    event.listen(connection, "before_cursor_execute", lost)
    try:
        result = runner.invoke(args=["plan", "import", str(path)])
    finally:
        event.remove(connection, "before_cursor_execute", lost)
    assert lost.raised
    assert result.exit_code not in (0, 2)
    assert isinstance(result.exception, SystemExit), result.exc_info
    assert result.stdout == ""
    assert result.stderr == (
        "Import failed, nothing was written: the database connection failed "
        "(server closed the connection unexpectedly)\n"
    )
    assert nothing_written(db)


@pytest.fixture
def own_database(scratch_database):
    """An app on a database of its own, whose connections a test may really kill."""
    with scratch_database("plan_import") as url:

        class OwnDatabase(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(OwnDatabase)
        with app.app_context():
            _db.create_all()
        yield app
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


def kill(connection) -> None:
    """End ``connection`` as a server restart or a network cut would."""
    if connection.dialect.name == "postgresql":
        pid = connection.connection.dbapi_connection.info.backend_pid
        with connection.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    else:
        connection.connection.dbapi_connection.close()


def test_a_connection_killed_mid_import_writes_nothing(own_database, plan, tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    killed = []

    def kill_before_the_items(conn, cursor, statement, parameters, context, executemany):
        if not killed and statement.lstrip().upper().startswith("INSERT INTO ITEM"):
            killed.append(statement)
            kill(conn)

    with own_database.app_context():
        event.listen(_db.engine, "before_cursor_execute", kill_before_the_items)
        try:
            result = own_database.test_cli_runner().invoke(args=["plan", "import", str(path)])
        finally:
            event.remove(_db.engine, "before_cursor_execute", kill_before_the_items)
        assert killed
        assert result.exit_code not in (0, 2)
        assert isinstance(result.exception, SystemExit), result.exc_info
        assert result.stdout == ""
        [line] = result.stderr.splitlines()
        assert line.startswith("Import failed, nothing was written: the database connection failed")
        _db.session.remove()
        with _db.engine.connect() as connection:
            for model in (Period, Team, TeamCapacity, Item, AuditEvent):
                assert connection.scalar(select(func.count()).select_from(model)) == 0


def test_a_commit_that_fails_says_so_in_one_line(own_database, plan, tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")

    def fail_commit(conn):
        raise OperationalError("COMMIT", None, Exception("SSL SYSCALL error: EOF detected"))

    with own_database.app_context():
        event.listen(_db.engine, "commit", fail_commit)
        try:
            result = own_database.test_cli_runner().invoke(args=["plan", "import", str(path)])
        finally:
            event.remove(_db.engine, "commit", fail_commit)
        assert result.exit_code == 1
        assert result.stderr == (
            "Import failed while saving; check with flask plan export whether it was saved: "
            "the database connection failed (SSL SYSCALL error: EOF detected)\n"
        )
        _db.session.remove()
        with _db.engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(Item)) == 0
