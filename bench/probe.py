"""A bounded load-and-fault probe of the production setup: `Config`, a scratch
PostgreSQL database with the demo organisation, Redis, and `gunicorn -w 4` on
127.0.0.1, spoken to over plain HTTP by signed-in planners (the Secure cookies
are kept and sent by hand, CSRF tokens read from the pages).

- capacity race: in each round every planner loads /capacity and then all of
  them save a different value for one cell at once; exactly one save may commit
  (302), the others are refused (409), and the audit history holds one event per
  commit whose old value is the value before it. For an override that is set,
  an empty override (a new one each round) and a team's default;
- hostile requests: NUL bytes in addresses and a form field, JSON sign-ins that
  are not objects, hold a number out of range or nest 100,000 deep, and a
  100,000-deep move; none may get a 5xx, and none may write a row;
- signing out: a copy of the cookies taken before signs nobody in afterwards.

Prints a table and exits 1 when an expectation fails. The database is dropped
and the server stopped at the end, also on failure.

    python -m bench.probe [--planners 20] [--rounds 20]
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import psycopg
import redis

from bench.harness import ROOT

HOST = "127.0.0.1"
PG = "host=127.0.0.1 port=5432 user=postgres"
REQUEST_TIMEOUT = 30
COMMAND_TIMEOUT = 120
START_TIMEOUT = 60
BARRIER_TIMEOUT = 60
DEEP = 100_000


def log(message: str) -> None:
    print(f"[probe] {message}", file=sys.stderr, flush=True)


# The HTTP side: a client that keeps its cookies, and the forms of a page


@dataclass
class Response:
    status: int
    location: str
    text: str

    @property
    def redirect_path(self) -> str:
        return urlsplit(self.location).path if self.status in (301, 302, 303) else ""


class Client:
    """One browser: its cookies (Secure ones included: this is plain HTTP to the
    loopback address) and a fresh connection per request, each with a timeout."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies = dict(cookies or {})

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Response:
        headers = {"Connection": "close", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                self._keep(header)
            return Response(response.status, response.getheader("Location") or "", text)
        finally:
            connection.close()

    def _keep(self, header: str) -> None:
        pair, *attributes = (part.strip() for part in header.split(";"))
        name, _, value = pair.partition("=")
        attributes = [a.lower() for a in attributes]
        if "max-age=0" in attributes or any("01 jan 1970" in a for a in attributes):
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, fields: list[tuple[str, str]]) -> Response:
        body = urlencode(fields).encode()
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def post_json(self, path: str, body: str, csrf: str) -> Response:
        headers = {"Content-Type": "application/json", "X-CSRFToken": csrf}
        return self.request("POST", path, body.encode(), headers)


@dataclass
class Form:
    attrs: dict[str, str]
    fields: list[tuple[str, str]] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)

    def with_values(self, **values: str) -> list[tuple[str, str]]:
        return [(n, values.get(n, v)) for n, v in self.fields]


class _Forms(HTMLParser):
    """The forms of a page with what a browser would submit: every named input
    (checked boxes only), each select's chosen option, each text area."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: list | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a)
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None]
            self._form.options[a["name"]] = []
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._form.options[self._select[0]].append(value)
            if self._select[2] is None:
                self._select[2] = value
            if "selected" in a:
                self._select[1] = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, chosen, first = self._select
            if chosen is not None or first is not None:
                self._form.fields.append((name, chosen if chosen is not None else first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None


def form_with(page: Response, field_name: str) -> Form:
    """The page's form that has a field `field_name`."""
    parser = _Forms()
    parser.feed(page.text)
    for form in parser.forms:
        if form.value(field_name) is not None:
            return form
    raise RuntimeError(f"no form with a field {field_name!r} (HTTP {page.status})")


# The production setup: a scratch database, a Redis database, the server


@dataclass
class Setup:
    env: dict[str, str]
    db_name: str
    port: int = 0

    def flask(self, *args: str, stdin: str | None = None) -> None:
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            text=True,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=COMMAND_TIMEOUT,
        )

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(f"{PG} dbname={self.db_name}", autocommit=True, connect_timeout=10)


def _free_redis_db() -> int:
    for number in range(15, 0, -1):
        with redis.Redis(host=HOST, db=number, socket_timeout=5) as client:
            if client.dbsize() == 0:
                return number
    raise RuntimeError("every Redis database 1-15 holds keys: none to use as scratch")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def production(log_path: str) -> Iterator[Setup]:
    """A scratch database with the demo organisation, and gunicorn -w 4 serving it
    with `Config`; everything undone at the end."""
    db_name = f"roadmap_probe_{os.getpid()}_{secrets.token_hex(3)}"
    redis_db = _free_redis_db()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql+psycopg://postgres@{HOST}:5432/{db_name}",
        "SECRET_KEY": secrets.token_hex(32),
        "REDIS_URL": f"redis://{HOST}:6379/{redis_db}",
        "FLASK_CONFIG": "Config",
    }
    setup = Setup(env, db_name)
    server = None
    with psycopg.connect(f"{PG} dbname=postgres", autocommit=True, connect_timeout=10) as pg:
        pg.execute(f'CREATE DATABASE "{db_name}"')
    try:
        log(f"database {db_name}, Redis database {redis_db}: migrating and seeding the demo")
        setup.flask("db", "upgrade")
        setup.flask("seed", "demo")
        setup.port = _free_port()
        with open(log_path, "w") as server_log:
            bind = f"{HOST}:{setup.port}"
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", "4", "-b", bind, "wsgi:app"],
                cwd=ROOT,
                env=env,
                stdout=server_log,
                stderr=subprocess.STDOUT,
            )
        _wait_until_up(server, setup.port)
        yield setup
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        with psycopg.connect(f"{PG} dbname=postgres", autocommit=True, connect_timeout=10) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        with redis.Redis(host=HOST, db=redis_db, socket_timeout=5) as client:
            keys = list(client.scan_iter("LIMITS:*", count=1000))
            if keys:
                client.delete(*keys)
        log(f"dropped {db_name}, server stopped")


def _wait_until_up(server: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            if Client(port).get("/login").status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT} s")


# Planners


@dataclass
class Planner:
    email: str
    password: str
    client: Client


def make_planners(setup: Setup, count: int) -> list[Planner]:
    """`count` planner accounts made with `flask users create`, each signed in
    through the login form (the last one with "Keep me signed in")."""
    planners = [
        Planner(f"probe-planner-{n:02}@example.com", secrets.token_urlsafe(15), Client(setup.port))
        for n in range(1, count + 1)
    ]

    def create(planner: Planner) -> None:
        setup.flask(
            "users",
            "create",
            "--email",
            planner.email,
            "--role",
            "planner",
            "--name",
            planner.email.split("@")[0],
            "--password-stdin",
            stdin=planner.password + "\n",
        )

    def sign_in(planner: Planner) -> None:
        form = form_with(planner.client.get("/login"), "csrf_token")
        remember = {"remember": "y"} if planner is planners[-1] else {}
        fields = [
            *form.with_values(email=planner.email, password=planner.password),
            *remember.items(),
        ]
        response = planner.client.post_form("/login", fields)
        if response.status != 302:
            raise RuntimeError(f"{planner.email} could not sign in: HTTP {response.status}")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(create, planners))
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(sign_in, planners))
    return planners


# The capacity race


@dataclass
class Round:
    cell: str
    loaded: str
    outcomes: dict[int, str]
    values: dict[int, float]

    def winners(self) -> list[int]:
        return [n for n, outcome in self.outcomes.items() if outcome == "committed"]


@dataclass
class Race:
    name: str
    rounds: list[Round] = field(default_factory=list)
    seconds: float = 0.0
    audit_events: int = 0
    audit_problems: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(list(r.outcomes.values()).count(outcome) for r in self.rounds)

    @property
    def attempts(self) -> int:
        return sum(len(r.outcomes) for r in self.rounds)

    @property
    def others(self) -> Counter:
        return Counter(
            o for r in self.rounds for o in r.outcomes.values() if o not in ("committed", "refused")
        )

    @property
    def single(self) -> int:
        return sum(len(r.winners()) == 1 for r in self.rounds)


def _outcome(response: Response) -> str:
    if response.status == 302 and response.redirect_path == "/capacity":
        return "committed"
    if response.status == 409:
        return "refused"
    return f"HTTP {response.status}"


def race_round(planners: list[Planner], cell: str, values: list[float]) -> Round:
    """Every planner loads the capacity form; then all save `values[n]` in `cell`
    at once, every other field as loaded."""
    barrier = threading.Barrier(len(planners), timeout=BARRIER_TIMEOUT)
    outcomes: dict[int, str] = {}
    loaded: dict[int, str] = {}

    def attempt(n: int) -> None:
        fields = None
        try:
            form = form_with(planners[n].client.get("/capacity"), "loaded")
            loaded[n] = form.value(cell)
            if loaded[n] is None:
                raise RuntimeError(f"the capacity form has no cell {cell}")
            fields = form.with_values(**{cell: f"{values[n]:g}"})
        except Exception as error:  # noqa: BLE001 - every failure is a figure
            outcomes[n] = f"load: {type(error).__name__}"
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            outcomes.setdefault(n, "barrier broken")
            return
        if fields is None:
            return
        try:
            outcomes[n] = _outcome(planners[n].client.post_form("/capacity", fields))
        except Exception as error:  # noqa: BLE001
            outcomes[n] = f"save: {type(error).__name__}"

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(len(planners))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(BARRIER_TIMEOUT + 2 * REQUEST_TIMEOUT)
    seen = set(loaded.values())
    return Round(
        cell,
        seen.pop() if len(seen) == 1 else f"differs: {sorted(seen)}",
        {n: outcomes.get(n, "no answer") for n in range(len(planners))},
        dict(enumerate(values)),
    )


def _cell(name: str) -> tuple[int, int | None]:
    if name.startswith("d"):
        return int(name[1:]), None
    team_id, _, period_id = name[1:].partition("_")
    return int(team_id), int(period_id)


def _number(text: str) -> float | None:
    return float(text) if text else None


def check_audit(setup: Setup, race: Race, after_id: int, planners: list[Planner]) -> None:
    """One audit event per committed save, in order: the cell, the actor, the
    winner's value as new and the value before the save as old; and the stored
    value is the last one saved."""
    with setup.connect() as pg:
        events = pg.execute(
            "SELECT actor, entity, entity_id, action, changes FROM audit_event "
            "WHERE id > %s AND entity IN ('capacity', 'team') ORDER BY id",
            (after_id,),
        ).fetchall()
        overrides = {
            (team_id, period_id): (row_id, value)
            for row_id, team_id, period_id, value in pg.execute(
                "SELECT id, team_id, period_id, person_weeks FROM team_capacity"
            )
        }
        defaults = dict(pg.execute("SELECT id, default_capacity FROM team").fetchall())
    race.audit_events = len(events)
    problems = race.audit_problems
    committed = [r for r in race.rounds if len(r.winners()) == 1]
    if len(events) != race.count("committed"):
        problems.append(f"{len(events)} audit events for {race.count('committed')} commits")
    before: dict[str, float | None] = {}
    for number, (round_, event) in enumerate(zip(committed, events, strict=False), 1):
        actor, entity, entity_id, action, changes = event
        team_id, period_id = _cell(round_.cell)
        winner = round_.winners()[0]
        if round_.loaded.startswith("differs"):
            problems.append(f"commit {number}: the planners loaded {round_.loaded}")
            continue
        if period_id is None:
            where, key, kind = ("team", team_id), "default_capacity", "update"
        else:
            row = overrides.get((team_id, period_id))
            where = ("capacity", row[0] if row else None)
            key, kind = "person_weeks", "create" if round_.loaded == "" else "update"
        old = before.get(round_.cell, _number(round_.loaded))
        if round_.cell in before and old != _number(round_.loaded):
            problems.append(f"commit {number}: loaded {round_.loaded}, the last save set {old}")
        expected = (planners[winner].email, *where, kind, [old, round_.values[winner]])
        got = (actor, entity, entity_id, action, (changes or {}).get(key))
        if got != expected:
            problems.append(f"commit {number}: event {got}, expected {expected}")
        before[round_.cell] = round_.values[winner]
    for name, value in before.items():
        team_id, period_id = _cell(name)
        stored = (
            defaults.get(team_id)
            if period_id is None
            else overrides.get((team_id, period_id), (None, None))[1]
        )
        if stored != value:
            problems.append(f"{name} holds {stored}, the last commit saved {value}")


def _last_audit_id(setup: Setup) -> int:
    with setup.connect() as pg:
        return pg.execute("SELECT coalesce(max(id), 0) FROM audit_event").fetchone()[0]


def run_races(setup: Setup, planners: list[Planner], rounds: int) -> list[Race]:
    form = form_with(planners[0].client.get("/capacity"), "loaded")
    cells = [name for name, _ in form.fields if name[0] in "cd" and name[1:2].isdigit()]
    overrides = [name for name in cells if name.startswith("c")]
    existing = next(name for name in overrides if form.value(name))
    empty = [name for name in overrides if not form.value(name)]
    default = next(name for name in cells if name.startswith("d"))
    if len(empty) < rounds:
        raise RuntimeError(f"{len(empty)} empty override cells for {rounds} rounds")
    count = len(planners)
    plans = [
        ("existing override", lambda r: existing, lambda r, n: 1000 + 100 * r + n),
        ("empty override", lambda r: empty[r], lambda r, n: 500 + n),
        ("team default", lambda r: default, lambda r, n: 5000 + 100 * r + n),
    ]
    races = []
    for name, cell_of, value_of in plans:
        log(f"capacity race: {name} ({rounds} rounds x {count} planners)")
        race = Race(name)
        after_id = _last_audit_id(setup)
        started = time.perf_counter()
        for r in range(rounds):
            values = [float(value_of(r, n)) for n in range(count)]
            race.rounds.append(race_round(planners, cell_of(r), values))
        race.seconds = time.perf_counter() - started
        check_audit(setup, race, after_id, planners)
        races.append(race)
    return races


# Hostile requests


@dataclass
class Hostile:
    statuses: dict[str, int | str] = field(default_factory=dict)
    rows_before: dict[str, int] = field(default_factory=dict)
    rows_after: dict[str, int] = field(default_factory=dict)

    @property
    def server_errors(self) -> list[str]:
        return [
            what
            for what, status in self.statuses.items()
            if not isinstance(status, int) or status >= 500
        ]


def _rows(setup: Setup) -> dict[str, int]:
    with setup.connect() as pg:
        return {
            table: pg.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("item", "audit_event")
        }


def run_hostile(setup: Setup, planner: Planner) -> Hostile:
    log("hostile requests")
    result = Hostile(rows_before=_rows(setup))
    deep = "[" * DEEP + "]" * DEEP

    def send(what: str, request) -> None:
        try:
            result.statuses[what] = request().status
        except Exception as error:  # noqa: BLE001 - a dropped connection is a finding
            result.statuses[what] = type(error).__name__

    client = planner.client
    for path in ("/items/a%00b", "/teams/a%00b", "/status/teams/a%00b", "/roadmap?q=a%00b"):
        send(f"GET {path}", lambda path=path: client.get(path))

    anonymous = Client(setup.port)
    login_csrf = form_with(anonymous.get("/login"), "csrf_token").value("csrf_token")
    for label, body in (
        ("[1,2,3]", "[1,2,3]"),
        ('"x"', '"x"'),
        ("7", "7"),
        ('{"email":1e999}', '{"email":1e999}'),
        (f"{DEEP:,}-deep array", deep),
    ):
        send(
            f"POST /login JSON {label}", lambda b=body: anonymous.post_json("/login", b, login_csrf)
        )

    csrf = form_with(client.get("/roadmap"), "csrf_token").value("csrf_token")
    send(
        f"POST /roadmap/move JSON {DEEP:,}-deep array",
        lambda: client.post_json("/roadmap/move", deep, csrf),
    )

    form = form_with(client.get("/items/new"), "title")
    team = next(value for value in form.options.get("team", []) if value)
    fields = form.with_values(title="a\x00b", team=team)
    send("POST /items/new title with NUL", lambda: client.post_form("/items/new", fields))
    result.rows_after = _rows(setup)
    return result


# Signing out


@dataclass
class Revocation:
    remembered: bool = False
    copy_before: int | str = "-"
    logout: str = "-"
    copy_after: str = "-"
    remember_after: str = "-"


def _where(response: Response) -> str:
    return f"{response.status} {response.redirect_path}".strip()


def run_revocation(setup: Setup, planner: Planner) -> Revocation:
    log("signing out")
    result = Revocation()
    copied = dict(planner.client.cookies)
    result.remembered = "remember_token" in copied
    result.copy_before = Client(setup.port, copied).get("/roadmap").status
    csrf = form_with(planner.client.get("/roadmap"), "csrf_token").value("csrf_token")
    result.logout = _where(planner.client.post_form("/logout", [("csrf_token", csrf)]))
    result.copy_after = _where(Client(setup.port, copied).get("/roadmap"))
    if result.remembered:
        remember = {"remember_token": copied["remember_token"]}
        result.remember_after = _where(Client(setup.port, remember).get("/roadmap"))
    return result


# The report


def _server_errors(log_path: str) -> int:
    with open(log_path, errors="replace") as server_log:
        return server_log.read().count("Traceback (most recent call last)")


def report(races: list[Race], hostile: Hostile, revocation: Revocation, log_path: str) -> bool:
    checks: list[tuple[str, bool]] = []
    lines = [
        f"{'capacity race':<18} {'rounds':>6} {'attempts':>8} {'302':>5} {'409':>5} "
        f"{'other':>5} {'1/round':>7} {'audit':>5} {'s':>5}  audit chain"
    ]
    for race in races:
        others = race.others
        lines.append(
            f"{race.name:<18} {len(race.rounds):>6} {race.attempts:>8} "
            f"{race.count('committed'):>5} {race.count('refused'):>5} {sum(others.values()):>5} "
            f"{race.single:>7} {race.audit_events:>5} {race.seconds:>5.0f}  "
            f"{'ok' if not race.audit_problems else f'{len(race.audit_problems)} problems'}"
        )
        if others:
            lines.append(f"{'':<18} other answers: {dict(others)}")
        checks += [
            (f"{race.name}: one commit in every round", race.single == len(race.rounds)),
            (
                f"{race.name}: committed + refused = attempts",
                race.count("committed") + race.count("refused") == race.attempts,
            ),
            (f"{race.name}: no other answers", not others),
            (f"{race.name}: one audit event per commit, chained", not race.audit_problems),
        ]
    lines.append("")
    lines.append(f"{'hostile request':<48} status")
    lines += [f"{what:<48} {status}" for what, status in hostile.statuses.items()]
    lines.append(
        "rows before -> after: "
        + ", ".join(
            f"{table} {hostile.rows_before[table]} -> {hostile.rows_after[table]}"
            for table in hostile.rows_before
        )
    )
    checks += [
        ("hostile: no answer >= 500", not hostile.server_errors),
        ("hostile: nothing written", hostile.rows_before == hostile.rows_after),
    ]
    lines.append("")
    cookies = "session and remember cookies" if revocation.remembered else "session cookie"
    lines += [
        f"signing out ({cookies} copied)",
        f"  GET /roadmap with the copy, before     {revocation.copy_before}",
        f"  POST /logout                           {revocation.logout}",
        f"  GET /roadmap with the copy, after      {revocation.copy_after}",
        f"  GET /roadmap, remember cookie alone    {revocation.remember_after}",
    ]
    checks += [
        ("signing out: the copy signed in before", revocation.copy_before == 200),
        ("signing out: POST /logout -> /login", revocation.logout == "302 /login"),
        ("signing out: the copy -> /login", revocation.copy_after == "302 /login"),
        (
            "signing out: the remember cookie -> /login",
            revocation.remembered and revocation.remember_after == "302 /login",
        ),
    ]
    tracebacks = _server_errors(log_path)
    lines.append(f"tracebacks in the server's log: {tracebacks}")
    checks.append(("no traceback in the server's log", tracebacks == 0))
    lines.append("")
    lines += [f"{'ok  ' if ok else 'FAIL'} {name}" for name, ok in checks]
    for race in races:
        lines += [f"     {race.name}: {problem}" for problem in race.audit_problems[:5]]
    failed = sum(not ok for _, ok in checks)
    lines.append(f"{len(checks) - failed} of {len(checks)} expectations held")
    print("\n".join(lines))
    return failed == 0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.probe")
    parser.add_argument("--planners", type=int, default=20, choices=range(2, 51), metavar="N")
    parser.add_argument("--rounds", type=int, default=20, choices=range(1, 51), metavar="N")
    args = parser.parse_args()

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        log_path = os.path.join(tmp, "gunicorn.log")
        try:
            with production(log_path) as setup:
                log(f"gunicorn -w 4 on port {setup.port}; {args.planners} planners")
                planners = make_planners(setup, args.planners)
                races = run_races(setup, planners, args.rounds)
                hostile = run_hostile(setup, planners[0])
                revocation = run_revocation(setup, planners[-1])
        except Exception:
            if os.path.exists(log_path):
                with open(log_path, errors="replace") as server_log:
                    print(server_log.read()[-4000:], file=sys.stderr)
            raise
        ok = report(races, hostile, revocation, log_path)
    print(f"probe took {time.perf_counter() - started:.0f} s")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
