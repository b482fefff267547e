"""Roadmap and capacity forms: the roadmap's filters (read from the query string),
the Move form, and the capacity table."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields import FloatField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from app.alignment import PRIORITY_NAMES, PlanSnapshot
from app.alignment.text import pw
from app.fields import KEY_MAX, PERSON_WEEKS_MAX
from app.forms import FlaskForm, Form
from app.planning.capacity import Cell, CellState
from app.roadmap.board import DEFAULT_PERIODS, MAX_PERIODS, Filters

BACKLOG = "backlog"
PRIORITY_CHOICES = [SelectChoice(name, name) for name in PRIORITY_NAMES]
KIND_CHOICES = [
    SelectChoice("", "Platform and product"),
    SelectChoice("platform", "Platform teams"),
    SelectChoice("product", "Product teams"),
]


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RoadmapFilterForm(Form):
    """The filters in the roadmap's URL: ?from=2027 Q1&periods=4&team=pay&team=chk
    &kind=product&priority=P0&conflicts=1&q=text&page=2&all=1&lines=all."""

    start = SelectField("From", name="from", validators=[Optional()], validate_choice=False)
    periods = SelectField("Periods shown", coerce=int, validators=[Optional()])
    team = _Checkboxes("Teams")
    kind = SelectField("Kind", choices=KIND_CHOICES, default="")
    priority = _Checkboxes("Priority", choices=PRIORITY_CHOICES)
    conflicts = BooleanField("Only items with conflicts", false_values=("", "0", "false"))
    q = StringField("Search key or title", validators=[Optional(), Length(max=100)])
    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1)])
    every = BooleanField("All teams", name="all", false_values=("", "0", "false"))
    lines = SelectField(
        "Lines",
        choices=[SelectChoice("", "Red and amber"), SelectChoice("all", "All")],
        default="",
    )

    def offer(self, snapshot: PlanSnapshot) -> None:
        names = [period.name for period in snapshot.periods]
        self.start.choices = [SelectChoice(name, name) for name in names]
        self.periods.choices = [
            SelectChoice(n, str(n)) for n in range(1, max(1, min(MAX_PERIODS, len(names))) + 1)
        ]
        teams = sorted(snapshot.teams, key=lambda t: (t.kind, t.name.casefold()))
        self.team.choices = [SelectChoice(t.slug, f"{t.name} ({t.kind})") for t in teams]

    def validate_start(self, field) -> None:
        names = {choice.value for choice in field.choices}
        if field.data and field.data not in names:
            raise ValidationError(f"There is no period named {field.data!r}.")

    def show(self, first: str | None, count: int) -> None:
        """Show the period range in effect, also when the URL did not choose it."""
        if not self.start.data:
            self.start.data = first
        self.periods.data = count

    def filters(self, snapshot: PlanSnapshot) -> Filters:
        """The filters that validated; a field that did not is left at its default."""
        index = {period.name: n for n, period in enumerate(snapshot.periods)}

        def ok(field) -> bool:
            return not field.errors

        return Filters(
            first=index.get(self.start.data) if ok(self.start) and self.start.data else None,
            count=self.periods.data if ok(self.periods) and self.periods.data else DEFAULT_PERIODS,
            teams=tuple(self.team.data or ()) if ok(self.team) else (),
            kind=(self.kind.data or None) if ok(self.kind) else None,
            priorities=tuple(int(p[1:]) for p in self.priority.data or ())
            if ok(self.priority)
            else (),
            conflicts_only=bool(self.conflicts.data),
            q=(self.q.data or "").strip() if ok(self.q) else "",
            page=self.page.data if ok(self.page) and self.page.data else 1,
            every_team=bool(self.every.data),
            all_lines=ok(self.lines) and self.lines.data == "all",
        )


class MoveForm(FlaskForm):
    item = StringField("Item", validators=[DataRequired(), Length(max=KEY_MAX)])
    period = SelectField("Start period", validators=[DataRequired()])
    team = SelectField("Team", default="")
    version = IntegerField("Version", widget=HiddenInput(), validators=[InputRequired()])
    next = HiddenField()

    def offer(self, period_names: Sequence[str], teams: Sequence[tuple[str, str]]) -> None:
        self.period.choices = [SelectChoice(BACKLOG, "Backlog (no period)")] + [
            SelectChoice(name, name) for name in period_names
        ]
        self.team.choices = [SelectChoice("", "Keep its team")] + [
            SelectChoice(slug, name) for slug, name in teams
        ]


class PersonWeeksField(FloatField):
    """A capacity cell: a finite number of person-weeks, or empty."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a number of person-weeks, or leave it empty.") from None
        if self.data is not None and not math.isfinite(self.data):
            self.data = None
            raise ValueError("Enter a number of person-weeks, or leave it empty.")

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else pw(self.data)


NO_OVERRIDE = CellState(None, None)


def cell_name(cell: Cell) -> str:
    team_id, period_id = cell
    return f"d{team_id}" if period_id is None else f"c{team_id}_{period_id}"


def capacity_form(teams, periods, cells: Mapping[Cell, CellState], submitted: bool = False):
    """A form with a field per team default and per team and period, filled from
    ``cells``, and those cells as loaded (value and version) in the hidden field
    ``loaded``."""
    fields: dict[str, object] = {"loaded": HiddenField(validators=[DataRequired()])}
    limits = [Optional(), NumberRange(min=0, max=PERSON_WEEKS_MAX)]
    for team in teams:
        fields[cell_name((team.id, None))] = PersonWeeksField(
            f"{team.name}: default (person-weeks per period)", validators=limits
        )
        for period in periods:
            fields[cell_name((team.id, period.id))] = PersonWeeksField(
                f"{team.name} in {period.name} (person-weeks)", validators=limits
            )
    form_class = type("CapacityForm", (FlaskForm,), fields)
    if submitted:
        return form_class()
    grid = shown_cells(teams, periods, cells)
    data = {cell_name(cell): state.value for cell, state in grid.items()}
    return form_class(data={**data, "loaded": encode_table(grid)}, formdata=None)


def shown_cells(teams, periods, cells: Mapping[Cell, CellState]) -> dict[Cell, CellState]:
    """The cells of ``teams`` by ``periods`` (and their defaults) as they stand."""
    return {
        (team.id, period_id): cells.get((team.id, period_id), NO_OVERRIDE)
        for team in teams
        for period_id in (None, *(period.id for period in periods))
    }


def submitted_cells(form, teams, periods) -> dict[Cell, float | None]:
    """The cells that the request carried (an absent field is not a change)."""
    cells: dict[Cell, float | None] = {}
    for team in teams:
        for period_id in (None, *(period.id for period in periods)):
            field = form[cell_name((team.id, period_id))]
            if field.raw_data:
                cells[(team.id, period_id)] = field.data
    return cells


def encode_table(table: Mapping[Cell, CellState]) -> str:
    """``team:period=value@version;...`` (``d`` for the default; an empty value for
    none; no version for an empty override, which has no row)."""
    parts = []
    for (team_id, period_id), (value, version) in sorted(table.items(), key=lambda kv: str(kv[0])):
        where = "d" if period_id is None else str(period_id)
        shown = "" if value is None else repr(float(value))
        parts.append(f"{team_id}:{where}={shown}{'' if version is None else f'@{version}'}")
    return ";".join(parts)


def decode_table(text: str) -> dict[Cell, CellState] | None:
    """The table from ``encode_table``, or None when the text is not one."""
    table: dict[Cell, CellState] = {}
    try:
        for part in filter(None, (text or "").split(";")):
            where, _, loaded = part.partition("=")
            team, _, period = where.partition(":")
            value, at, version = loaded.partition("@")
            number = float(value) if value else None
            if number is not None and not math.isfinite(number):
                return None
            state = CellState(number, int(version) if at else None)
            default = period == "d"
            # a default always has a version; an override has one exactly when set
            if (state.version is None) != (not default and number is None):
                return None
            table[(int(team), None if default else int(period))] = state
    except ValueError:
        return None
    return table
