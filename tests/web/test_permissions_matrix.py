"""Every route, asked by every role: the answer must match the table below.

A route that is not in the table fails the test, so each new blueprint states here
who may use it. Requests carry no form data: a GET shows the page, a POST to an
action runs it, a POST of an empty form to a form page is refused (400) unless the
form is filled from the object being edited.

The API's routes (``/api/v1``) sign in only with an access token, never with a
browser's session: here every role gets 401 from each of them (tests/api checks
who may do what with a token). Its document and reference page are public.
"""

import pytest
from web_helpers import audit_count

ROLES = ("anonymous", "viewer", "contributor", "planner", "admin")


def answers(anonymous, viewer, contributor, planner, admin):
    return dict(zip(ROLES, (anonymous, viewer, contributor, planner, admin), strict=True))


EVERYONE = answers(302, 200, 200, 200, 200)
ADMIN_PAGE = answers(302, 403, 403, 403, 200)
ADMIN_ACTION = answers(302, 403, 403, 403, 302)
ADMIN_EMPTY_FORM = answers(302, 403, 403, 403, 400)
ADMIN_MISSING = answers(302, 403, 403, 403, 404)
PLAN_PAGE = answers(302, 403, 403, 200, 200)
PLAN_REFUSED = answers(302, 403, 403, 400, 400)
STATUS_REFUSED = answers(302, 403, 400, 400, 400)
API_WITHOUT_TOKEN = answers(401, 401, 401, 401, 401)

EXPECTED = {
    "auth.login": {
        "GET": answers(200, 302, 302, 302, 302),
        "POST": answers(400, 302, 302, 302, 302),
    },
    "auth.logout": {"POST": answers(302, 302, 302, 302, 302)},
    "auth.account": {"GET": EVERYONE},
    "auth.change_password": {"POST": answers(302, 400, 400, 400, 400)},
    "auth.sign_out_everywhere": {"POST": answers(302, 302, 302, 302, 302)},
    "auth.create_token": {"POST": answers(302, 400, 400, 400, 400)},
    "auth.revoke_token": {"POST": answers(302, 302, 302, 302, 302)},
    "api-docs.openapi_json": {"GET": answers(200, 200, 200, 200, 200)},
    "api_docs.reference": {"GET": answers(200, 200, 200, 200, 200)},
    "api_docs.asset": {"GET": answers(200, 200, 200, 200, 200)},
    "main.home": {"GET": answers(302, 302, 302, 302, 302)},
    "admin.users": {"GET": ADMIN_PAGE},
    "admin.new_user": {"GET": ADMIN_PAGE, "POST": ADMIN_EMPTY_FORM},
    "admin.edit_user": {"GET": ADMIN_PAGE, "POST": ADMIN_ACTION},
    "admin.deactivate_user": {"POST": ADMIN_ACTION},
    "admin.reactivate_user": {"POST": ADMIN_ACTION},
    "admin.teams": {"GET": ADMIN_PAGE},
    "admin.new_team": {"GET": ADMIN_PAGE, "POST": ADMIN_EMPTY_FORM},
    "admin.edit_team": {"GET": ADMIN_PAGE, "POST": ADMIN_ACTION},
    "admin.periods": {"GET": ADMIN_PAGE},
    "admin.generate_quarters": {"POST": ADMIN_EMPTY_FORM},
    "admin.new_period": {"GET": ADMIN_PAGE, "POST": ADMIN_EMPTY_FORM},
    "admin.edit_period": {"GET": ADMIN_PAGE, "POST": ADMIN_EMPTY_FORM},
    "planning.item": {"GET": EVERYONE},
    "planning.team": {"GET": EVERYONE},
    "planning.new_item": {"GET": PLAN_PAGE, "POST": PLAN_REFUSED},
    "planning.edit_item": {"GET": PLAN_PAGE, "POST": PLAN_REFUSED},
    "planning.delete_item": {"GET": PLAN_PAGE, "POST": PLAN_REFUSED},
    "planning.cancel_item": {"POST": PLAN_REFUSED},
    "planning.add_dependency": {"GET": PLAN_PAGE, "POST": PLAN_REFUSED},
    "planning.edit_dependency": {"GET": PLAN_PAGE, "POST": PLAN_REFUSED},
    "planning.remove_dependency": {"POST": PLAN_REFUSED},
    "planning.answer_request": {
        "GET": answers(302, 403, 200, 200, 200),
        "POST": answers(302, 403, 400, 400, 400),
    },
    # without ?to= there is nothing to confirm or apply
    "planning.suggested_move": {"GET": PLAN_REFUSED, "POST": PLAN_REFUSED},
    "planning.suggested_raise": {"GET": PLAN_REFUSED, "POST": PLAN_REFUSED},
    # the weekly form: contributors of the team (pay), planners and admins
    "status.my_week": {"GET": answers(302, 403, 200, 200, 200), "POST": STATUS_REFUSED},
    "status.team_form": {"GET": answers(302, 403, 200, 200, 200), "POST": STATUS_REFUSED},
    "status.team": {"GET": EVERYONE},
    "status.overview": {"GET": EVERYONE},
    "status.digest": {"GET": EVERYONE},
    "roadmap.index": {"GET": EVERYONE},
    "roadmap.move": {"POST": PLAN_REFUSED},
    "roadmap.move_page": {"GET": PLAN_PAGE},
    "roadmap.capacity": {"GET": EVERYONE, "POST": PLAN_REFUSED},
    # the fingerprint in the URL is no current conflict's: 404 once allowed
    "dashboard.index": {"GET": EVERYONE},
    "dashboard.conflicts": {"GET": EVERYONE},
    "dashboard.conflict": {"GET": answers(302, 404, 404, 404, 404)},
    "dashboard.decide": {"POST": answers(302, 403, 403, 404, 404)},
    "dashboard.withdraw": {"POST": answers(302, 403, 403, 404, 404)},
    "dashboard.slipped": {"GET": EVERYONE},
    "dashboard.say_do": {"GET": EVERYONE},
    # the Import page: planners; no such draft (a forged token) is anyone's
    "importing.start": {"GET": PLAN_PAGE, "POST": PLAN_REFUSED},
    "importing.draft": {"POST": answers(302, 403, 403, 404, 404)},
    "importing.mapping_file": {"GET": answers(302, 403, 403, 404, 404)},
    # a link from a mail, for whoever holds it; this one is forged
    "notifications.unsubscribe": {"GET": answers(404, 404, 404, 404, 404)},
    "notifications.unsubscribe_now": {"POST": answers(404, 404, 404, 404, 404)},
    # the inbox is everyone's own; no such notification (999) is anyone's
    "notifications.inbox_page": {"GET": EVERYONE},
    "notifications.open_note": {"POST": answers(302, 404, 404, 404, 404)},
    "notifications.mark_all_read": {"POST": answers(302, 302, 302, 302, 302)},
    "notifications.save_preferences": {"POST": answers(302, 400, 400, 400, 400)},
    # scenarios: anyone looks and switches, planners change; no such scenario (999): 404
    "scenarios.index": {"GET": EVERYONE, "POST": PLAN_REFUSED},
    "scenarios.leave_scenario": {"POST": answers(302, 302, 302, 302, 302)},
    "scenarios.switch": {"POST": answers(302, 404, 404, 404, 404)},
    "scenarios.compare": {"GET": answers(302, 404, 404, 404, 404)},
    "scenarios.rename": {"POST": answers(302, 403, 403, 404, 404)},
    "scenarios.copy": {"POST": answers(302, 403, 403, 404, 404)},
    "scenarios.delete": {"POST": answers(302, 403, 403, 404, 404)},
    "scenarios.apply": {
        "GET": answers(302, 403, 403, 404, 404),
        "POST": answers(302, 403, 403, 404, 404),
    },
    "scenarios.autoschedule": {"POST": answers(302, 403, 403, 404, 404)},
    "scenarios.resolve_clashes": {"POST": answers(302, 403, 403, 404, 404)},
    # an auto-schedule run's progress: anyone who may look at the scenario
    "scenarios.autoschedule_run": {"GET": answers(302, 404, 404, 404, 404)},
    "webhooks.endpoints": {"GET": ADMIN_PAGE, "POST": ADMIN_EMPTY_FORM},
    # no such endpoint or delivery: 404 once allowed
    "webhooks.endpoint": {"GET": ADMIN_MISSING, "POST": ADMIN_MISSING},
    "webhooks.delete": {"POST": ADMIN_MISSING},
    "webhooks.redeliver": {"POST": ADMIN_MISSING},
}


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_every_role_as_the_table_says(
    app, db, client, login, make_user, make_team, make_period, make_item, make_dependency, role
):
    team = make_team("pay")
    needed = make_item(team)
    needing = make_item(make_team("chk", kind="product"))
    url_values = {
        "user_id": make_user("viewer", email="target@example.com", teams=[team]).id,
        "team_id": team.id,
        "period_id": make_period().id,
        "key": needed.key,
        "slug": team.slug,
        "dep_id": make_dependency(needing, needed).id,
        "fingerprint": "0" * 16,
        "token_id": 999,
        "endpoint_id": 999,
        "token": "forged",
        "delivery_id": 999,
        "note_id": 999,
        "scenario_id": 999,
        "run_id": 999,
        "name": "swagger-ui.css",
    }
    user = None
    if role != "anonymous":
        user = make_user(role, teams=[team] if role == "contributor" else ())

    rules = sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"),
        key=lambda rule: rule.endpoint,
    )
    expected_of = dict(EXPECTED)
    for rule in rules:
        if rule.endpoint.startswith("api_") and not rule.endpoint.startswith("api_docs."):
            methods = rule.methods - {"HEAD", "OPTIONS"}
            expected_of[rule.endpoint] = dict.fromkeys(methods, API_WITHOUT_TOKEN)
            for arg in rule.arguments:
                url_values.setdefault(arg, 1)
    endpoints = {rule.endpoint for rule in rules}
    assert not endpoints - expected_of.keys(), "routes missing from EXPECTED"
    assert not EXPECTED.keys() - endpoints, "EXPECTED names routes that do not exist"

    urls = app.url_map.bind("localhost")
    wrong = []
    for rule in rules:
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        assert sorted(expected_of[rule.endpoint]) == methods, rule.endpoint
        path = urls.build(rule.endpoint, {arg: url_values[arg] for arg in rule.arguments})
        for method in methods:
            with client.session_transaction() as session:
                session.clear()
            if user is not None:
                login(user)
            audit_before = audit_count(db)
            response = client.open(path, method=method)
            response.close()  # a file served as a stream
            expected = expected_of[rule.endpoint][method][role]
            if response.status_code != expected:
                wrong.append(f"{method} {path}: {response.status_code}, expected {expected}")
            elif (
                role == "anonymous"
                and expected == 302
                and not response.headers["Location"].startswith("/login")
            ):
                wrong.append(f"{method} {path}: sent to {response.headers['Location']}")
            if expected == 403 or (role == "anonymous" and method == "POST"):
                audit_after = audit_count(db)
                if audit_after != audit_before:
                    wrong.append(f"{method} {path}: refused, yet wrote to the audit history")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
