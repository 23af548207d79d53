"""The signed media policy document: round trip, and any change to a signed envelope is caught."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from policy_helpers import medium, policy, server_key

from mamori.guard.exports.grants import GrantInvalid, verify_grant
from mamori.guard.media.policy_document import (
    MediaPolicy,
    PolicyInvalid,
    PolicyMedium,
    sign_policy,
    verify_policy,
)

KEY = server_key()
_media = st.lists(st.builds(
    PolicyMedium, st.integers(0, 10**6), st.from_regex(r"[0-9a-f]{4}", fullmatch=True),
    st.from_regex(r"[0-9a-f]{4}", fullmatch=True),
    st.text(st.characters(min_codepoint=0x20, blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=30)
    .filter(str.isprintable),
    st.just(("08:*:*",)), st.sampled_from(["registered", "lent", "lost"]), st.booleans(), st.text(max_size=20)),
    max_size=8, unique_by=lambda m: (m.vendor_id, m.product_id, m.serial))


@settings(max_examples=50)
@given(st.integers(0, 2**62), _media)
def test_round_trip(version: int, media: list[PolicyMedium]) -> None:
    original = MediaPolicy(version, "2026-12-07T09:00:00Z", tuple(media))
    assert verify_policy(sign_policy(original, KEY), KEY.verifier) == original


@settings(max_examples=80)
@given(st.data())
def test_any_byte_flip_is_refused(data: st.DataObject) -> None:
    envelope = sign_policy(policy(5, medium(1, "A"), medium(2, "B", allowed=False)), KEY).encode()
    where = data.draw(st.integers(0, len(envelope) - 1))
    flipped = envelope[:where] + bytes([envelope[where] ^ data.draw(st.integers(1, 255))]) + envelope[where + 1:]
    try:
        got = verify_policy(flipped, KEY.verifier)
    except PolicyInvalid:
        return
    # Only a change the signature does not cover may pass: the informative "key" field or JSON whitespace.
    assert got == verify_policy(envelope, KEY.verifier)


def test_policy_signature_is_not_a_grant_signature() -> None:
    envelope = json.loads(sign_policy(policy(5, medium(1, "A")), KEY))
    body = dict(envelope["policy"], expires_at="2999-01-01T00:00:00Z")
    forged = json.dumps({"format": "mamori-grant/1", "grant": body, "signature": envelope["signature"]})
    with pytest.raises(GrantInvalid, match="does not verify"):
        verify_grant(forged, KEY.verifier)


@pytest.mark.parametrize("change", [
    lambda b: b.update(version=-1), lambda b: b.update(version=True), lambda b: b.update(issued_at="yesterday"),
    lambda b: b["media"][0].update(vendor_id="ZZZZ"), lambda b: b["media"][0].update(serial=""),
    lambda b: b["media"][0].update(interfaces=["08:*:06"]), lambda b: b["media"][0].update(allowed="yes"),
    lambda b: b["media"].append(dict(b["media"][0])),
])
def test_malformed_bodies_refused_even_when_signed(change: object) -> None:
    body = policy(5, medium(1, "A")).to_json()
    assert callable(change)
    change(body)
    message = json.dumps({"format": "mamori-media-policy/1", "policy": body}, sort_keys=True,
                         separators=(",", ":"), ensure_ascii=False).encode()
    envelope = json.dumps({"format": "mamori-media-policy/1", "policy": body, "key": "",
                           "signature": base64.b64encode(KEY.sign(message)).decode()})
    with pytest.raises(PolicyInvalid):
        verify_policy(envelope, KEY.verifier)
