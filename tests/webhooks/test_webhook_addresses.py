"""The SSRF guard: only http(s) URLs on public addresses, at registration and at
every attempt, unless WEBHOOK_ALLOW_PRIVATE_HOSTS is set."""

import pytest

from app.models import WebhookDelivery
from app.webhooks import addresses, delivery
from app.webhooks.addresses import AddressRefused

REFUSED = [
    "http://127.0.0.1/hook",
    "http://localhost:8080/hook",
    "http://10.1.2.3/hook",
    "http://172.16.0.9/hook",
    "http://192.168.1.1/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://100.64.0.1/hook",
    "http://0.0.0.0/hook",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[fe80::1]/hook",
    "http://224.0.0.1/hook",
]


@pytest.mark.parametrize("url", REFUSED)
def test_loopback_private_link_local_and_reserved_addresses_are_refused(url):
    with pytest.raises(AddressRefused, match="public addresses only"):
        addresses.resolve(url, allow_private=False)


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/x", "file:///etc/passwd", "http:///path", "http://u:p@93.184.216.34/"],
)
def test_only_plain_http_and_https_urls_are_taken(url):
    with pytest.raises(AddressRefused):
        addresses.resolve(url, allow_private=False)


def test_public_addresses_pass_and_the_setting_lets_private_ones_through():
    assert addresses.resolve("https://93.184.216.34/hook", allow_private=False) == ["93.184.216.34"]
    assert addresses.resolve("http://127.0.0.1:9/hook", allow_private=True) == ["127.0.0.1"]


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/x", "http://10.0.0.5/x", "http://169.254.169.254/x"]
)
def test_registering_a_private_address_is_refused_by_the_api(admin_api, url):
    response = admin_api.post("/api/v1/webhooks", json={"url": url})
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"][0]["field"] == "url" and "public" in body["errors"][0]["message"]


def test_an_address_that_became_private_is_refused_at_delivery_time(
    app, monkeypatch, make_endpoint, receiver, planner_item, deliveries, queued
):
    make_endpoint(["item.created"])
    planner_item()
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_HOSTS", False)
    outcome = delivery.deliver(deliveries()[0].id)
    assert not outcome.ok and "public addresses only" in outcome.error
    assert receiver.received == []
    row = deliveries()[0]
    assert isinstance(row, WebhookDelivery) and row.state == "pending" and row.attempts == 1
