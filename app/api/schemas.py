"""Input and output schemas of the API (marshmallow): what the OpenAPI document
shows and what a request body is checked against, with the limits of app.fields."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.alignment import (
    COMMITMENTS,
    CONFLICT_TYPES,
    HEALTHS,
    PRIORITY_NAMES,
    SEVERITIES,
    STATUSES,
)
from app.alignment import STATES as CONFLICT_STATES
from app.dashboard.forms import STATE_FILTERS
from app.fields import (
    DESCRIPTION_MAX,
    KEY_MAX,
    NOTE_MAX,
    OWNER_MAX,
    PERIOD_NAME_MAX,
    PERSON_WEEKS_MAX,
    SLUG_MAX,
    STATUS_NOTE_MAX,
    TITLE_MAX,
)
from app.planning.dependency_operations import ANSWERS

DEFAULT_PAGE = 50
LARGEST_PAGE = 200
PRIORITY = validate.OneOf(PRIORITY_NAMES)
PERSON_WEEKS = validate.Range(0, PERSON_WEEKS_MAX)


class Problem(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.List(fields.Dict())


class PersonWeeks(fields.Float):
    """A number of person-weeks: a JSON number (never a string or a boolean), finite;
    written without a fraction when whole, as the plan interchange format writes it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_nan", False)
        super().__init__(**kwargs)

    def _format_num(self, value):
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


class ItemOut(Schema):
    key = fields.String()
    team = fields.String()
    title = fields.String()
    description = fields.String()
    priority = fields.String(metadata={"enum": list(PRIORITY_NAMES)})
    start = fields.String(allow_none=True)
    end = fields.String(allow_none=True)
    estimate = PersonWeeks(allow_none=True)
    status = fields.String(metadata={"enum": list(STATUSES)})
    health = fields.String(metadata={"enum": list(HEALTHS)})
    owner = fields.String(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()
    version = fields.Integer()


class _ItemFields(Schema):
    title = fields.String(validate=validate.Length(1, TITLE_MAX))
    description = fields.String(validate=validate.Length(max=DESCRIPTION_MAX))
    priority = fields.String(validate=PRIORITY)
    start = fields.String(allow_none=True, validate=validate.Length(max=PERIOD_NAME_MAX))
    end = fields.String(allow_none=True, validate=validate.Length(max=PERIOD_NAME_MAX))
    estimate = PersonWeeks(allow_none=True, validate=PERSON_WEEKS)
    status = fields.String(validate=validate.OneOf(STATUSES))
    health = fields.String(validate=validate.OneOf(HEALTHS))
    owner = fields.String(allow_none=True, validate=validate.Length(max=OWNER_MAX))


class ItemCreate(_ItemFields):
    team = fields.String(required=True, validate=validate.Length(1, SLUG_MAX))
    title = fields.String(required=True, validate=validate.Length(1, TITLE_MAX))
    priority = fields.String(required=True, validate=PRIORITY)


class ItemProblem(Problem):
    current = fields.Nested(
        ItemOut, metadata={"description": "The item as it now stands (with 412)."}
    )


class ItemPatch(_ItemFields):
    pass


class PageArgs(Schema):
    limit = fields.Integer(
        load_default=DEFAULT_PAGE,
        validate=validate.Range(1, LARGEST_PAGE),
        metadata={"description": f"How many per page, at most {LARGEST_PAGE}."},
    )
    cursor = fields.String(
        load_default=None,
        validate=validate.Length(max=200),
        metadata={"description": "The cursor of the `next` link of the page before."},
    )


class ItemFilter(PageArgs):
    team = fields.String(validate=validate.Length(max=SLUG_MAX))
    status = fields.String(validate=validate.OneOf(STATUSES))
    health = fields.String(validate=validate.OneOf(HEALTHS))
    priority = fields.String(validate=PRIORITY)


class ItemPage(Schema):
    data = fields.List(fields.Nested(ItemOut))
    next = fields.String(allow_none=True)


KEY = validate.Length(1, KEY_MAX)


# -- Dependencies ----------------------------------------------------------------------


class DependencyOut(Schema):
    id = fields.Integer(metadata={"description": "The dependency's id, as in its URL."})
    dependent = fields.String(metadata={"description": "The key of the item that needs the other."})
    dependency = fields.String(metadata={"description": "The key of the item that is needed."})
    needed_by = fields.String(
        allow_none=True,
        metadata={"description": "The period it is needed by; null: the dependent's start."},
    )
    commitment = fields.String(
        metadata={"enum": list(COMMITMENTS), "description": "The providing team's answer."}
    )
    note = fields.String(metadata={"description": "The note given with the answer."})
    created_at = fields.String(metadata={"description": "When it was made (UTC, ISO 8601)."})
    version = fields.Integer(metadata={"description": "Counts its changes; the ETag names it."})


class DependencyProblem(Problem):
    current = fields.Nested(
        DependencyOut,
        metadata={"description": "The dependency as it now stands (with 412)."},
    )


class DependencyCreate(Schema):
    dependent = fields.String(
        required=True, validate=KEY, metadata={"description": "The key of the item that needs."}
    )
    dependency = fields.String(
        required=True, validate=KEY, metadata={"description": "The key of the item needed."}
    )
    needed_by = fields.String(
        allow_none=True,
        validate=validate.Length(1, PERIOD_NAME_MAX),
        metadata={"description": "A period name; left out or null: the dependent's start."},
    )


class DependencyPatch(Schema):
    needed_by = fields.String(
        allow_none=True,
        validate=validate.Length(1, PERIOD_NAME_MAX),
        metadata={"description": "A period name, or null for the dependent's start (planners)."},
    )
    commitment = fields.String(
        validate=validate.OneOf(ANSWERS),
        metadata={
            "description": "The providing team's answer to the request (planners, and "
            "contributors of the providing team)."
        },
    )
    note = fields.String(
        validate=validate.Length(max=NOTE_MAX),
        metadata={"description": "The note of the answer; left out: kept as it is."},
    )


class DependencyFilter(PageArgs):
    dependent = fields.String(
        validate=KEY, metadata={"description": "Only what the item of this key needs."}
    )
    dependency = fields.String(
        validate=KEY, metadata={"description": "Only what needs the item of this key."}
    )
    commitment = fields.String(
        validate=validate.OneOf(COMMITMENTS), metadata={"description": "Only this answer."}
    )
    team = fields.String(
        validate=validate.Length(1, SLUG_MAX),
        metadata={"description": "Only requests to this team (the providing team's slug)."},
    )


class DependencyPage(Schema):
    data = fields.List(fields.Nested(DependencyOut))
    next = fields.String(
        allow_none=True, metadata={"description": "The next page's URL; null on the last page."}
    )


# -- Status updates --------------------------------------------------------------------

WEEK = validate.Regexp(
    r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$", error="An ISO week, written like 2027-W05."
)


class StatusUpdateOut(Schema):
    id = fields.Integer(metadata={"description": "The update's id, as in its URL."})
    item = fields.String(metadata={"description": "The key of the item it reports on."})
    week = fields.String(metadata={"description": "The ISO week it reports (2027-W05)."})
    health = fields.String(metadata={"enum": list(HEALTHS)})
    status = fields.String(metadata={"enum": list(STATUSES)})
    progress = fields.Integer(allow_none=True, metadata={"description": "Percent complete."})
    note = fields.String()
    author = fields.String(allow_none=True, metadata={"description": "The author's e-mail."})
    at = fields.String(metadata={"description": "When it was written (UTC, ISO 8601)."})


class StatusUpdateCreate(Schema):
    item = fields.String(
        required=True, validate=KEY, metadata={"description": "The key of the item."}
    )
    health = fields.String(required=True, validate=validate.OneOf(HEALTHS))
    status = fields.String(
        validate=validate.OneOf(STATUSES),
        metadata={"description": "Left out: the item's status stays as it is."},
    )
    progress = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(0, 100),
        metadata={"description": "Percent complete, a whole number (100 when done)."},
    )
    note = fields.String(
        validate=validate.Length(max=STATUS_NOTE_MAX),
        metadata={"description": "What changed, or why (needed when cancelling)."},
    )


class StatusUpdateFilter(PageArgs):
    item = fields.String(validate=KEY, metadata={"description": "Only this item's updates."})
    team = fields.String(
        validate=validate.Length(1, SLUG_MAX),
        metadata={"description": "Only the updates of this team's items (its slug)."},
    )
    week = fields.String(validate=WEEK, metadata={"description": "Only this ISO week's."})


class StatusUpdatePage(Schema):
    data = fields.List(fields.Nested(StatusUpdateOut))
    next = fields.String(
        allow_none=True, metadata={"description": "The next page's URL; null on the last page."}
    )


# -- Item history ----------------------------------------------------------------------


class ItemHistoryChange(Schema):
    field = fields.String(metadata={"description": "The field, in words (e.g. start period)."})
    old = fields.String(metadata={"description": "Its value before, as shown (— for none)."})
    new = fields.String(metadata={"description": "Its value after, as shown (— for none)."})


class ItemHistoryEntry(Schema):
    at = fields.String(metadata={"description": "When (UTC, ISO 8601)."})
    actor = fields.String(metadata={"description": "Who: an e-mail, or unknown."})
    subject = fields.String(
        metadata={"description": "The item's key, or the dependency (CHK-3 needs PAY-1)."}
    )
    action = fields.String(
        metadata={"enum": ["created", "changed", "deleted", "imported"], "description": "What."}
    )
    changes = fields.List(fields.Nested(ItemHistoryChange))


class ItemHistory(Schema):
    data = fields.List(
        fields.Nested(ItemHistoryEntry),
        metadata={"description": "Newest first, as many as the item page shows."},
    )


# -- Teams, periods and capacity -------------------------------------------------------


class PeriodOut(Schema):
    name = fields.String(metadata={"description": 'The period\'s name, e.g. "2027 Q1".'})
    start = fields.String(metadata={"description": "Its first day, YYYY-MM-DD."})
    end = fields.String(metadata={"description": "Its last day, YYYY-MM-DD."})


class PeriodList(Schema):
    data = fields.List(
        fields.Nested(PeriodOut), metadata={"description": "Every period, by start date."}
    )


class TeamCapacityOut(Schema):
    default = PersonWeeks(
        allow_none=True,
        metadata={"description": "Person-weeks per period; null: no capacity is set."},
    )
    periods = fields.Dict(
        keys=fields.String(),
        values=PersonWeeks(),
        metadata={"description": "Overrides of the default: period name to person-weeks."},
    )


class TeamOut(Schema):
    slug = fields.String(metadata={"description": "The team's slug, e.g. pay."})
    name = fields.String(metadata={"description": "The team's name."})
    kind = fields.String(
        metadata={"enum": ["platform", "product"], "description": "Platform or product team."}
    )
    capacity = fields.Nested(
        TeamCapacityOut,
        metadata={"description": "Its capacity, as the plan interchange format writes it."},
    )


class TeamList(Schema):
    data = fields.List(fields.Nested(TeamOut), metadata={"description": "Every team, by slug."})


class CapacityCellOut(Schema):
    team = fields.String(metadata={"description": "The team's slug."})
    period = fields.String(metadata={"description": "The period's name."})
    person_weeks = PersonWeeks(
        allow_none=True,
        metadata={"description": "The team's override for this period; null: the default holds."},
    )
    default = PersonWeeks(
        allow_none=True, metadata={"description": "The team's default capacity; null: none set."}
    )
    effective_capacity = PersonWeeks(
        allow_none=True,
        metadata={
            "description": "The capacity that counts: the override, else the default; "
            "null when neither is set (the team's demand is then not checked)."
        },
    )
    version = fields.Integer(
        metadata={"description": "The override's version; 0 while no override is set."}
    )


class CapacityCellIn(Schema):
    person_weeks = PersonWeeks(
        required=True,
        allow_none=True,
        validate=PERSON_WEEKS,
        metadata={
            "description": f"Person-weeks from 0 to {PERSON_WEEKS_MAX:,}; null removes the "
            "override, so that the team's default holds."
        },
    )


class CapacityProblem(Problem):
    current = fields.Nested(
        CapacityCellOut,
        metadata={"description": "The cell as it now stands (with 412), to read before retrying."},
    )


# -- Conflicts -------------------------------------------------------------------------


CONFLICT_STATE_FILTERS = tuple(value for value, _label in STATE_FILTERS if value)


class ConflictFilter(PageArgs):
    type = fields.String(
        validate=validate.OneOf(CONFLICT_TYPES),
        metadata={"description": "Only conflicts of this type."},
    )
    severity = fields.String(
        validate=validate.OneOf(SEVERITIES),
        metadata={"description": "Only conflicts of exactly this severity."},
    )
    team = fields.String(
        validate=validate.Length(max=SLUG_MAX),
        metadata={"description": "Only conflicts involving this team (its slug)."},
    )
    period = fields.String(
        validate=validate.Length(max=PERIOD_NAME_MAX),
        metadata={"description": 'Only conflicts in this period (its name, e.g. "2027 Q1").'},
    )
    state = fields.String(
        validate=validate.OneOf(CONFLICT_STATE_FILTERS),
        metadata={"description": "Only conflicts in this state; unaccepted: open or acknowledged."},
    )
    as_of = fields.Date(
        metadata={
            "description": "Analyse as at the start of this day (UTC), YYYY-MM-DD, as "
            "`flask conflicts --as-of` does. Default: now."
        }
    )


class ConflictAction(Schema):
    kind = fields.String(
        metadata={
            "enum": ["move", "raise"],
            "description": "move: set the item's start and end (PATCH the item); "
            "raise: set its priority.",
        }
    )
    item = fields.String(metadata={"description": "The key of the item it changes."})
    suggestion = fields.String(metadata={"description": "The suggestion it carries out."})
    start = fields.String(allow_none=True, metadata={"description": "move: the new start period."})
    end = fields.String(allow_none=True, metadata={"description": "move: the new end period."})
    priority = fields.String(
        allow_none=True,
        metadata={"enum": list(PRIORITY_NAMES), "description": "raise: the new priority."},
    )


class ConflictOut(Schema):
    type = fields.String(metadata={"enum": list(CONFLICT_TYPES), "description": "What kind."})
    severity = fields.String(metadata={"enum": list(SEVERITIES), "description": "How bad."})
    items = fields.List(
        fields.String(), metadata={"description": "The keys of the items involved."}
    )
    teams = fields.List(
        fields.String(), metadata={"description": "The slugs of the teams involved."}
    )
    period = fields.String(
        allow_none=True, metadata={"description": "The period it is in; null when none."}
    )
    message = fields.String(metadata={"description": "What is wrong, in plain language."})
    suggestions = fields.List(
        fields.String(), metadata={"description": "Suggested resolutions, most useful first."}
    )
    fingerprint = fields.String(
        metadata={"description": "Its identity, stable while its cause stands."}
    )
    state = fields.String(
        metadata={"enum": list(CONFLICT_STATES), "description": "Its state, by its decision."}
    )
    decision_note = fields.String(
        metadata={"description": "With a decision: its note (absent without one)."}
    )
    decision_by = fields.String(
        allow_none=True,
        metadata={"description": "With a decision: who made it (null: since removed)."},
    )
    decision_at = fields.String(metadata={"description": "With a decision: when (UTC, ISO 8601)."})
    explanation = fields.String(
        metadata={"description": "The plain-language explanation, as the conflict page shows it."}
    )
    actions = fields.List(
        fields.Nested(ConflictAction),
        metadata={"description": "The suggestions that one change can carry out, as data."},
    )


class ConflictPage(Schema):
    data = fields.List(
        fields.Nested(ConflictOut),
        metadata={"description": "Most severe first, then by type and first item."},
    )
    total = fields.Integer(metadata={"description": "How many conflicts the filters select."})
    next = fields.String(
        allow_none=True, metadata={"description": "The next page's URL; null on the last page."}
    )


class DecisionIn(Schema):
    state = fields.String(
        required=True,
        validate=validate.OneOf(("acknowledged", "accepted")),
        metadata={
            "description": "acknowledged: known and being handled (it still counts as "
            "open); accepted: its risk is accepted."
        },
    )
    note = fields.String(
        required=True,
        validate=validate.Length(max=NOTE_MAX),
        metadata={"description": "Why: what others will read. Not empty."},
    )


# -- The whole plan --------------------------------------------------------------------


class PlanItem(Schema):
    key = fields.String(metadata={"description": "The item's key, e.g. PAY-12."})
    team = fields.String(metadata={"description": "Its team's slug."})
    title = fields.String(metadata={"description": "Its title."})
    description = fields.String(metadata={"description": "Its description."})
    priority = fields.String(metadata={"enum": list(PRIORITY_NAMES), "description": "P0 first."})
    start = fields.String(allow_none=True, metadata={"description": "Start period; null: backlog."})
    end = fields.String(allow_none=True, metadata={"description": "End period; null: backlog."})
    estimate = PersonWeeks(allow_none=True, metadata={"description": "Person-weeks, or null."})
    status = fields.String(metadata={"enum": list(STATUSES), "description": "Lifecycle status."})
    health = fields.String(metadata={"enum": list(HEALTHS), "description": "Health."})
    owner = fields.String(allow_none=True, metadata={"description": "Its owner, free text."})
    created_at = fields.String(metadata={"description": "When it was made (UTC, ISO 8601)."})


class PlanDependency(Schema):
    dependent = fields.String(metadata={"description": "The key of the item that needs."})
    dependency = fields.String(metadata={"description": "The key of the item needed."})
    needed_by = fields.String(
        allow_none=True,
        metadata={"description": "The period it is needed by; null: the dependent's start."},
    )
    commitment = fields.String(
        metadata={"enum": list(COMMITMENTS), "description": "The providing team's answer."}
    )


class PlanStatusUpdate(Schema):
    item = fields.String(metadata={"description": "The item's key."})
    week = fields.String(metadata={"description": "The ISO week, e.g. 2027-W05."})
    health = fields.String(metadata={"enum": list(HEALTHS), "description": "Health reported."})
    status = fields.String(metadata={"enum": list(STATUSES), "description": "Status reported."})
    progress = fields.Integer(allow_none=True, metadata={"description": "Percent done, or null."})
    note = fields.String(metadata={"description": "The team's note."})
    author = fields.String(allow_none=True, metadata={"description": "Who (an e-mail), or null."})
    at = fields.String(metadata={"description": "When (UTC, ISO 8601)."})


class PlanOut(Schema):
    format = fields.String(metadata={"enum": ["roadmap-plan/1"], "description": "The format."})
    periods = fields.List(fields.Nested(PeriodOut), metadata={"description": "By start date."})
    teams = fields.List(fields.Nested(TeamOut), metadata={"description": "By slug."})
    items = fields.List(fields.Nested(PlanItem), metadata={"description": "In creation order."})
    dependencies = fields.List(
        fields.Nested(PlanDependency),
        metadata={"description": "By dependent, then dependency key."},
    )
    status_updates = fields.List(
        fields.Nested(PlanStatusUpdate), metadata={"description": "By item key, then time."}
    )
