"""The fake Bot API itself: Telegram's offset semantics, long polling and the faults it injects."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest

from tests.faults.fakeapi import FakeBotApi
from tests.faults.runner import TOKEN

pytestmark = pytest.mark.faults


def call(api: FakeBotApi, method: str, wait: float = 5.0, **params: Any) -> httpx.Response:
    """POST a Bot API method; `wait` is the client's timeout."""
    return httpx.post(f"{api.base_url}/bot{TOKEN}/{method}", data=params, timeout=wait)


def update_ids(response: httpx.Response) -> list[int]:
    body = response.json()
    assert body["ok"], body
    return [u["update_id"] for u in body["result"]]


def test_get_updates_follows_telegrams_offset_rules(fake_api: FakeBotApi) -> None:
    ids = fake_api.push(*({"message": {"message_id": i}} for i in range(5)))
    assert ids == [1, 2, 3, 4, 5]
    assert update_ids(call(fake_api, "getUpdates")) == ids  # offset 0: all unconfirmed
    assert update_ids(call(fake_api, "getUpdates", limit=2)) == [1, 2]
    assert fake_api.acknowledged() == 0
    # Asking from 4 confirms 1–3: they are forgotten, even when asked for again.
    assert update_ids(call(fake_api, "getUpdates", offset=4)) == [4, 5]
    assert fake_api.acknowledged() == 3
    assert fake_api.pending() == 2
    assert update_ids(call(fake_api, "getUpdates", offset=1)) == [4, 5]
    assert update_ids(call(fake_api, "getUpdates", offset=-1)) == [5]
    assert fake_api.acknowledged() == 4
    assert update_ids(call(fake_api, "getUpdates", offset=6)) == []
    assert fake_api.pending() == 0


def test_long_polling_waits_for_an_update_or_the_capped_timeout(fake_api: FakeBotApi) -> None:
    started = time.monotonic()
    assert update_ids(call(fake_api, "getUpdates", timeout=30)) == []
    assert 0.3 < time.monotonic() - started < 3  # capped at poll_cap (0.5 s), not 30 s

    with FakeBotApi(TOKEN, poll_cap=20) as patient:
        threading.Timer(0.2, lambda: patient.push({"message": {"message_id": 1}})).start()
        started = time.monotonic()
        assert update_ids(call(patient, "getUpdates", wait=25, timeout=30)) == [1]
        assert time.monotonic() - started < 10  # answered when the update came, not at 20 s


def test_methods_answer_like_telegram_and_are_recorded(fake_api: FakeBotApi) -> None:
    me = call(fake_api, "getMe").json()
    assert me["result"]["username"] == "LoftesbotenBot"
    sent = call(fake_api, "sendMessage", chat_id=42, text="hej").json()["result"]
    assert sent["chat"]["id"] == 42
    assert sent["text"] == "hej"
    assert call(fake_api, "setMyCommands", commands="[]").json() == {"ok": True, "result": True}
    bad = httpx.post(f"{fake_api.base_url}/bot1:wrong/getMe", timeout=5)
    assert bad.status_code == 401
    [recorded] = fake_api.delivered("sendMessage")
    assert (recorded.chat_id, recorded.text) == (42, "hej")


def test_faults_are_injected_for_the_next_n_calls(fake_api: FakeBotApi) -> None:
    fake_api.fail("sendMessage", 2)
    fake_api.throttle("sendMessage", retry_after=3)
    fake_api.delay("sendMessage", seconds=1.0)
    fake_api.hang_up("sendMessage")
    fake_api.drop("sendMessage")
    assert call(fake_api, "sendMessage", chat_id=1, text="a").status_code == 500
    assert call(fake_api, "sendMessage", chat_id=1, text="b").status_code == 500
    throttled = call(fake_api, "sendMessage", chat_id=1, text="c")
    assert throttled.status_code == 429
    assert throttled.json()["parameters"] == {"retry_after": 3}
    with pytest.raises(httpx.ReadTimeout):
        call(fake_api, "sendMessage", wait=0.3, chat_id=1, text="d")
    with pytest.raises(httpx.RemoteProtocolError):
        call(fake_api, "sendMessage", chat_id=1, text="e")
    with pytest.raises(httpx.RemoteProtocolError):  # the same to the client, but it took effect
        call(fake_api, "sendMessage", chat_id=1, text="g")
    assert call(fake_api, "sendMessage", chat_id=1, text="f").status_code == 200
    assert fake_api.faults_left("sendMessage") == 0
    outcomes = [(c.text, c.outcome) for c in fake_api.calls("sendMessage")]
    assert outcomes == [
        ("a", "error"),
        ("b", "error"),
        ("c", "error"),
        ("d", "delayed"),  # Telegram took it; the client gave up waiting
        ("e", "hangup"),
        ("g", "dropped"),  # Telegram took it; the connection closed before the answer
        ("f", "ok"),
    ]
    assert [c.text for c in fake_api.delivered()] == ["d", "g", "f"]
