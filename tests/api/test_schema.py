"""The whole API against its own OpenAPI document (schemathesis, in process,
signed in with a planner's write token): no server error and no response that
breaks the document, with every check on, for generated valid and invalid input."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from app.auth.tokens import create_token

EXAMPLES = 12
# A body or query the document allows may still name what does not exist (a team
# slug, a period, a cursor from elsewhere): 400 and 422 are the API's answer then.
ACCEPTED = ["2xx", "3xx", 400, 401, 403, 404, 409, 412, 422, 428, 429]
load_all_checks()
EVERY_CHECK = CHECKS.get_all()


@pytest.fixture
def api_plan(make_quarters, make_team, make_item, make_dependency, make_user):
    from app.clock import today

    q1, q2, q3, *_ = make_quarters(today(), 4)
    pay = make_team("pay", name="Payments Platform")
    chk = make_team("chk", kind="product", name="Checkout")
    late = make_item(pay, key="PAY-1", start=q3, end=q3, health="at_risk")
    needs = make_item(chk, key="CHK-1", priority=0, start=q1, end=q1)
    make_dependency(needs, late, commitment="committed")
    make_item(chk, key="CHK-2", start=q2, end=q2)
    user = make_user("planner", email="api-planner@example.com")
    return create_token(user, name="schema tests", scope="write").token


@pytest.fixture
def api_schema(app, db, api_plan):
    db.session.flush()
    config = schemathesis.config.SchemathesisConfig.from_dict(
        {
            "headers": {"Authorization": f"Bearer {api_plan}"},
            "checks": {
                "positive_data_acceptance": {"expected-statuses": ACCEPTED},
                # RFC 6585: a change without its precondition is 428.
                "missing_required_header": {"expected-statuses": [400, 401, 403, 422, 428]},
            },
        }
    )
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _OwnContext(app), config=config)


class _OwnContext:
    """The app as a WSGI callable whose every request runs in an app context (and
    so a database session) of its own, as the test client's do (tests/conftest.py):
    a GET's rollback then never reaches the test's own session."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        with self.app.app_context():
            return list(self.app(environ, start_response))


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_to_the_document(case, api_plan):
    case.call_and_validate(checks=EVERY_CHECK)
