"""The task set-up: inline when eager, on commit otherwise, and a real worker through Redis."""

from __future__ import annotations

import os
import threading
import uuid
from unittest import mock

import pytest
from celery.signals import task_postrun
from django.core import mail

from techbridge.celery import app
from techbridge.notifications import services, tasks
from techbridge.notifications.models import DigestLog
from techbridge.tasks import run_task


@pytest.fixture
def not_eager():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


def test_tasks_run_inline_in_development_and_tests(alice):
    assert app.conf.task_always_eager
    services.notify(recipient=alice, kind="demand_match", title="Demand A")
    run_task(tasks.send_daily_digests)
    assert len(mail.outbox) == 1


def test_without_eager_a_task_is_sent_only_when_the_transaction_commits(
    alice, not_eager, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(tasks.send_daily_digests, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        run_task(tasks.send_daily_digests)
        assert not apply_async.called
    assert len(callbacks) == 1
    apply_async.assert_called_once_with(kwargs={})


def test_the_tasks_are_registered_under_stable_names():
    assert "notifications.send_daily_digests" in app.tasks
    assert "notifications.send_notification_email" in app.tasks
    schedule = app.conf.beat_schedule["notifications-daily-digest"]
    assert schedule["task"] == "notifications.send_daily_digests"


def _redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_the_digest_task_through_redis(alice, not_eager):
    """The production path: the task goes to Redis, a worker picks it up and runs it."""
    from celery.contrib.testing.worker import start_worker

    broker = app.conf.broker_url
    if not _redis_reachable(broker):
        message = f"Redis is not reachable at {broker} (set REDIS_URL or start redis-server)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)

    services.notify(recipient=alice, kind="demand_match", title="Demand via worker")
    # A queue of this test's own, so parallel runs and stray workers cannot take the message.
    queue = f"techbridge-test-{uuid.uuid4().hex}"
    # Wait for the worker's signal rather than polling the table: on the in-memory SQLite of
    # the tests a read while the worker thread writes fails with "table is locked".
    finished = threading.Event()
    sent_id = uuid.uuid4().hex

    def on_postrun(task_id: str, **kwargs: object) -> None:
        if task_id == sent_id:
            finished.set()

    task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=5
        ):
            tasks.send_daily_digests.apply_async(queue=queue, task_id=sent_id)
            finished.wait(timeout=10)
    finally:
        task_postrun.disconnect(on_postrun)

    assert DigestLog.objects.filter(user=alice).exists(), "the worker did not run the task"
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
