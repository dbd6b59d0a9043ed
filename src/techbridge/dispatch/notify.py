"""The one place the dispatch workflow talks to the notifications app.

Every transition tells the parties in its step's ``notify`` list and re-derives the to-do lists
(who can take a step from the new state). When the notifications app is not installed the calls
do nothing, so the workflow runs on its own.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.apps import apps

WORKFLOW_KIND = "workflow"


def _services() -> Any:
    if not apps.is_installed("techbridge.notifications"):
        return None
    from techbridge.notifications import services

    return services


def tell(
    *,
    recipients: Iterable[Any],
    title: str,
    body: str = "",
    url: str = "",
    target: Any = None,
    email: str = "digest",
) -> int:
    services = _services()
    if services is None:
        return 0
    count = 0
    for user in recipients:
        services.notify(
            recipient=user,
            kind=WORKFLOW_KIND,
            title=title,
            body=body,
            url=url,
            target=target,
            email=email,
        )
        count += 1
    return count


def open_todos(
    *,
    owners: Iterable[Any],
    title: str,
    url: str,
    target: Any,
    due: datetime.date | None = None,
) -> int:
    services = _services()
    if services is None:
        return 0
    count = 0
    for owner in owners:
        services.open_todo(owner=owner, title=title, url=url, target=target, due=due)
        count += 1
    return count


def close_todos(*, target: Any) -> int:
    services = _services()
    if services is None:
        return 0
    return int(services.close_todos(target=target))
