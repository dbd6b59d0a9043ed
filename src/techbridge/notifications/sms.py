"""Text messages (短信) through a pluggable gateway, the way Django sends e-mail through
``EMAIL_BACKEND``: ``SMS_BACKEND`` names a class with ``send_messages(messages) -> int``.

Shipped backends: ``ConsoleBackend`` (development and ``make demo``: prints each message),
``LocmemBackend`` (tests: keeps them in ``outbox``) and ``DisabledBackend``. A deployment adds
its operator's gateway (for example a subclass that calls the vendor's signed HTTP API with the
template code the operator registered) and points ``SMS_BACKEND`` at it.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

# Operators cap a message's length; longer texts are cut with an ellipsis.
MAX_SMS_CHARS = 120


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str


class BaseBackend:
    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    _lock = threading.Lock()

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        with self._lock:
            for message in messages:
                sys.stdout.write(f"SMS to {message.to}: {message.text}\n")
            sys.stdout.flush()
        return len(messages)


outbox: list[SmsMessage] = []


class LocmemBackend(BaseBackend):
    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


class DisabledBackend(BaseBackend):
    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        return 0


def get_backend() -> BaseBackend:
    backend: BaseBackend = import_string(settings.SMS_BACKEND)()
    return backend


def shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_SMS_CHARS else text[: MAX_SMS_CHARS - 1] + "…"


def send_sms(*, to: str, text: str) -> int:
    return get_backend().send_messages([SmsMessage(to=to, text=shorten(text))])
