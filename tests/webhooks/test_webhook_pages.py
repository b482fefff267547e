"""The admin pages: endpoints with a form to add one, the secret shown once, the
delivery log per endpoint."""

import re

import pytest

from app.extensions import db as _db
from app.models import WebhookEndpoint


def test_adding_an_endpoint_shows_its_secret_once(as_user, allow_private, receiver):
    browser, _admin = as_user("admin")
    page = browser.get("/admin/webhooks")
    assert page.status_code == 200 and "Add an endpoint" in page.get_data(as_text=True)
    answer = browser.post(
        "/admin/webhooks",
        data={"url": receiver.url, "description": "CI", "events": ["item.created"]},
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "not shown again" in text
    [secret] = re.findall(r"whsec_[A-Za-z0-9+/=]+", text)
    endpoint = _db.session.scalar(_db.select(WebhookEndpoint))
    assert endpoint.secret == secret and endpoint.events == ["item.created"]
    # The form under the secret shows the endpoint as saved, not as the add form posted it.
    assert re.search(r'<input[^>]*checked[^>]*name="active"|name="active"[^>]*checked', text)
    later = browser.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert secret not in later and "Nothing delivered yet" in later
    assert secret not in browser.get("/admin/webhooks").get_data(as_text=True)


def test_a_private_address_is_refused_on_the_form(as_user):
    browser, _admin = as_user("admin")
    answer = browser.post(
        "/admin/webhooks", data={"url": "http://127.0.0.1:9/x", "events": ["item.created"]}
    )
    assert answer.status_code == 400
    assert "public addresses only" in answer.get_data(as_text=True)
    assert _db.session.scalar(_db.select(WebhookEndpoint)) is None


def test_an_admin_edits_and_deletes_an_endpoint(as_user, make_endpoint, receiver):
    endpoint = make_endpoint()
    browser, _admin = as_user("admin")
    saved = browser.post(
        f"/admin/webhooks/{endpoint.id}",
        data={"url": receiver.url, "events": ["item.updated"], "active": ""},
    )
    assert saved.status_code == 302
    _db.session.expire_all()
    endpoint = _db.session.get(WebhookEndpoint, endpoint.id)
    assert endpoint.events == ["item.updated"] and not endpoint.active
    endpoint_id = endpoint.id
    assert browser.post(f"/admin/webhooks/{endpoint_id}/delete").status_code == 302
    _db.session.expunge_all()
    assert _db.session.get(WebhookEndpoint, endpoint_id) is None


@pytest.mark.parametrize("role", ["planner", "viewer"])
def test_the_pages_are_for_admins(as_user, role):
    browser, _user = as_user(role)
    assert browser.get("/admin/webhooks").status_code == 403
