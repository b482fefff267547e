"""Signatures per the Standard Webhooks specification."""

import base64

from app.webhooks import signing

# The specification's own example (standard-webhooks, spec/standard-webhooks.md).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_signature_is_the_specifications():
    assert signing.signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


def test_a_new_secret_is_whsec_and_base64_of_random_bytes():
    first, second = signing.new_secret(), signing.new_secret()
    assert first.startswith("whsec_") and first != second
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == signing.KEY_BYTES


def test_verify_refuses_a_changed_body_another_secret_and_an_old_timestamp():
    headers = signing.headers(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)
    assert signing.verify(SPEC_SECRET, headers, SPEC_BODY, SPEC_TIMESTAMP + 10)
    assert not signing.verify(SPEC_SECRET, headers, SPEC_BODY + b" ", SPEC_TIMESTAMP)
    assert not signing.verify(signing.new_secret(), headers, SPEC_BODY, SPEC_TIMESTAMP)
    assert not signing.verify(SPEC_SECRET, headers, SPEC_BODY, SPEC_TIMESTAMP + 301)
    several = {**headers, "webhook-signature": "v1,bm9wZQ== " + headers["webhook-signature"]}
    assert signing.verify(SPEC_SECRET, several, SPEC_BODY, SPEC_TIMESTAMP)
