"""ASGI entry point (``uvicorn mamori.guard.asgi:application``) with limits on request bodies.

The event loop reads request bodies, so a client that trickles its body holds a coroutine, not a
worker thread: slow clients cannot starve `/healthz` or anyone else. Each body must still arrive
in time — within ``MAMORI_BODY_SECONDS`` plus one second per ``MAMORI_BODY_MIN_KBPS`` KiB declared,
with no pause longer than ``MAMORI_BODY_IDLE_SECONDS`` — and within the upload limit; otherwise
the request ends with 408 or 413 before Django sees it. Spooled bodies live in HOME/guard/tmp as
unnamed files, so a killed server leaves no copy of an upload behind.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mamori.guard.settings")

Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

# Multipart framing around the files: headers, boundaries and the form fields.
_ENVELOPE_BYTES = 1024 * 1024


class BodyLimits:
    """ASGI middleware: refuse bodies that are too large or too slow, before the application reads them."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = int(settings.MAMORI_MAX_UPLOAD_BYTES) + _ENVELOPE_BYTES
        declared = _content_length(scope)
        if declared is not None and declared > cap:
            await _plain(send, 413, f"the upload exceeds the limit of {settings.MAMORI_MAX_UPLOAD_BYTES >> 20} MB")
            return
        seconds = int(settings.MAMORI_BODY_SECONDS) + (declared or 0) // (1024 * int(settings.MAMORI_BODY_MIN_KBPS))
        deadline = time.monotonic() + seconds
        idle = float(settings.MAMORI_BODY_IDLE_SECONDS)
        state = {"received": 0, "complete": False, "refused": 0, "started": False}

        async def limited_receive() -> Message:
            if state["complete"] or state["refused"]:
                return await receive()  # after the body: Django only waits for a disconnect
            remaining = min(idle, deadline - time.monotonic())
            try:
                message = await asyncio.wait_for(receive(), timeout=max(0.0, remaining))
            except TimeoutError:
                state["refused"] = 408
                return {"type": "http.disconnect"}
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > cap:
                    state["refused"] = 413
                    return {"type": "http.disconnect"}
                state["complete"] = not message.get("more_body", False)
            return message

        async def tracked_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        await self.app(scope, limited_receive, tracked_send)
        if state["refused"] and not state["started"]:
            text = ("the request body did not arrive in time" if state["refused"] == 408
                    else f"the upload exceeds the limit of {settings.MAMORI_MAX_UPLOAD_BYTES >> 20} MB")
            await _plain(send, int(state["refused"]), text)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


django_application = get_asgi_application()
tempfile.tempdir = str(settings.FILE_UPLOAD_TEMP_DIR)  # spooled bodies: unnamed files inside HOME
application = BodyLimits(django_application)
