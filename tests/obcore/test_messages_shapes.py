"""Messages nest, serialise and travel between processes unchanged."""

from __future__ import annotations

import pickle

import pytest

from obcore.messages import Message

pytestmark = pytest.mark.nodjango


def test_nested_messages_and_lists_serialise_and_pickle() -> None:
    inner = Message("fetch.refused_document", url="https://a.example/x", cause="too big")
    outer = Message("fetch.refused_document", url="https://b.example/y", cause=[inner, "other"])
    shown = str(outer)
    assert "https://a.example/x" in shown
    assert "; other" in shown
    as_json = outer.to_json()
    assert as_json["code"] == "fetch.refused_document"
    assert as_json["params"]["cause"][0]["code"] == "fetch.refused_document"
    assert as_json["params"]["cause"][1] == "other"
    again = pickle.loads(pickle.dumps(outer))  # noqa: S301 - our own bytes
    assert again == outer
    assert again.code == outer.code
    assert again.params == outer.params


def test_a_missing_parameter_stays_visible() -> None:
    message = Message("fetch.refused_document", url="https://a.example/x")
    assert "{cause}" in message
