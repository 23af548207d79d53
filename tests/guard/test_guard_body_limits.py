"""The ASGI body limits: too-large bodies refused before they are read, slow ones cut off with 408."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from django.test import override_settings

from mamori.guard.asgi import BodyLimits


class Recorder:
    """An application that reads the whole body, as Django does, and says what it got."""

    def __init__(self) -> None:
        self.body = b""
        self.called = False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.called = True
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            self.body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _run(chunks: Iterable[tuple[float, bytes, bool]], length: int | None) -> tuple[Recorder, list[Any]]:
    """Feed (delay, bytes, more) messages to the middleware; the messages it sent back."""
    app, sent = Recorder(), []
    headers = [(b"content-length", str(length).encode())] if length is not None else []
    scope = {"type": "http", "method": "POST", "path": "/login/", "headers": headers}
    pending = list(chunks)

    async def receive() -> dict[str, Any]:
        if not pending:
            await asyncio.sleep(3600)  # a client that sends nothing more
        delay, body, more = pending.pop(0)
        await asyncio.sleep(delay)
        return {"type": "http.request", "body": body, "more_body": more}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(BodyLimits(app)(scope, receive, send))
    return app, sent


def _status(sent: list[Any]) -> int:
    return int(next(m["status"] for m in sent if m["type"] == "http.response.start"))


@override_settings(MAMORI_MAX_UPLOAD_BYTES=1 << 20)
def test_a_declared_length_over_the_limit_is_refused_unread() -> None:
    app, sent = _run([(0, b"x", False)], length=5 << 20)
    assert _status(sent) == 413 and not app.called


@override_settings(MAMORI_MAX_UPLOAD_BYTES=1 << 20)
def test_an_undeclared_body_over_the_limit_is_cut_off() -> None:
    chunk = b"x" * (512 << 10)
    app, sent = _run([(0, chunk, True)] * 6, length=None)
    assert _status(sent) == 413 and len(app.body) < (3 << 20)


@override_settings(MAMORI_BODY_SECONDS=60, MAMORI_BODY_IDLE_SECONDS=0.2)
def test_a_pause_longer_than_the_idle_limit_ends_with_408() -> None:
    app, sent = _run([(0, b"username=", True), (0.05, b"a", True)], length=1000)
    assert _status(sent) == 408 and app.body == b"username=a"


@override_settings(MAMORI_BODY_SECONDS=1, MAMORI_BODY_MIN_KBPS=1024, MAMORI_BODY_IDLE_SECONDS=0.3)
def test_a_trickle_that_never_pauses_long_still_meets_the_deadline() -> None:
    trickle = [(0.05, b"a", True)] * 200  # 10 s of one byte every 50 ms, against a 1 s deadline
    app, sent = _run(trickle, length=1000)
    assert _status(sent) == 408 and 0 < len(app.body) < 200


def test_a_prompt_body_passes() -> None:
    app, sent = _run([(0, b"username=a", True), (0, b"&password=b", False)], length=21)
    assert _status(sent) == 200 and app.body == b"username=a&password=b"
