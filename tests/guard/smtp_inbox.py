"""A real SMTP server on loopback (aiosmtpd) that keeps every message the guard sends, for the notice tests."""

from __future__ import annotations

import email
import email.policy
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from guard_live import free_port


class Inbox:
    """Every message the guard's mail server received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages to *address* (a part of it, such as ``alice@``)."""
        return [m for m in self.messages if address in str(m["To"])]

    def subjects_to(self, address: str) -> list[str]:
        return [str(m["Subject"]).strip() for m in self.to(address)]

    def wait_for(self, address: str, subject: str) -> EmailMessage:
        """The first message to *address* whose subject holds *subject*, once it has arrived."""
        for _ in range(300):  # mail goes out as the request is saved: a few looks are enough
            found = [m for m in self.to(address) if subject in str(m["Subject"])]
            if found:
                return found[0]
            time.sleep(0.1)
        raise AssertionError(f"no mail '{subject}' to {address}; got {[str(m['Subject']) for m in self.messages]}")


@contextmanager
def serving() -> Iterator[Inbox]:
    """An inbox behind an SMTP server on a free loopback port, stopped afterwards."""
    from aiosmtpd.controller import Controller

    box = Inbox()
    box.port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
