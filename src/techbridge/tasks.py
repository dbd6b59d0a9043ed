"""How code hands work to the background: ``run_task(task, **kwargs)``.

With ``CELERY_TASK_ALWAYS_EAGER`` on (development, tests) the task runs at once, inline, inside
the caller's transaction, so its effects are visible as soon as the call returns and its errors
surface. With it off (production) the task is sent to the broker only when the caller's
transaction commits, so a worker never looks for rows that are not committed yet, and nothing is
queued for a change that was rolled back.

Tasks themselves are thin shells around a service call and idempotent: a worker may run one twice.
"""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import transaction

from techbridge.celery import app


def run_task(task: Task, **kwargs: Any) -> None:
    if app.conf.task_always_eager:
        task.apply(kwargs=kwargs, throw=True)
        return
    transaction.on_commit(lambda: task.apply_async(kwargs=kwargs))
