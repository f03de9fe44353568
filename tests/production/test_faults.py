"""Faults: a mail server that refuses connections, a worker killed mid-task, a
database connection dropped between requests, a search engine that is down.
The user's action always succeeds; the work is done once the part is back,
nothing lost, nothing doubled."""

import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from forums import services as forum_services
from forums.models import Post
from portal.models import OutboxMessage
from portal.workers import tasks_recover
from search.backends import database_backend
from search.models import PendingIndexOperation, SavedSearch
from tests.factories import MembershipFactory, UserFactory, WorkingGroupFactory
from tests.factories.events import EventFactory, EventRegistrationFactory
from tests.factories.forums import ForumFactory, PostFactory, ThreadFactory
from working_groups.models import Membership, WorkingGroupPage
from working_groups.services import group_moderation_setup

from .conftest import run_job, run_worker
from .faulty_tasks import record_attempt
from .processes import REPO, portal_env, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def later(minutes: int):
    """The scheduler's next runs, after the outbox's back-off has passed."""
    return freeze_time(timezone.now() + timedelta(minutes=minutes))


def outbox_states() -> list[tuple[str, str, int]]:
    return sorted(OutboxMessage.objects.values_list("to_email", "status", "attempts"))


def assert_waiting_after_refusal(count: int):
    messages = list(OutboxMessage.objects.all())
    assert len(messages) == count
    assert {m.status for m in messages} == {OutboxMessage.Status.PENDING}
    assert {m.attempts for m in messages} == {1}
    assert all("Connection refused" in m.last_error for m in messages)


def deliver_when_back(smtp) -> list:
    """Start the mail server, let the scheduler's outbox job run twice (a
    second run must not send again) and return what the server received."""
    smtp.start()
    with later(30):
        assert run_job("outbox_send")
    with later(40):
        assert run_job("outbox_send")
    return smtp.received()


@pytest.fixture
def group(home_page):
    group = WorkingGroupFactory(
        title="Data standards", join_policy=WorkingGroupPage.JoinPolicy.APPROVAL
    )
    MembershipFactory(
        group=group,
        user=UserFactory(username="convener", email="convener@example.org"),
        role=Membership.Role.MODERATOR,
    )
    return group_moderation_setup(group=group)


def test_join_request_succeeds_while_smtp_refuses_and_mail_follows(
    client, group, real_queue
):
    applicant = UserFactory(username="amina", email="amina@example.org")
    client.force_login(applicant)

    response = client.post(
        reverse("working_groups:join", args=[group.slug]),
        {"motivation": "I run our ministry's EMIS."},
        follow=True,
    )
    run_worker()  # the mail server is down

    assert response.status_code == 200
    assert "Your request has been sent to the moderators" in response.text
    assert Membership.objects.get(user=applicant, group=group).status == "pending"
    assert_waiting_after_refusal(OutboxMessage.objects.count())
    assert OutboxMessage.objects.filter(to_email="convener@example.org").exists()

    received = deliver_when_back(real_queue)

    expected = sorted(OutboxMessage.objects.values_list("to_email", flat=True))
    assert [to for to, _subject in received] == expected  # each once
    assert {status for _to, status, _n in outbox_states()} == {"sent"}


def test_forum_reply_succeeds_while_smtp_refuses_and_subscribers_get_it_once(
    client, group, real_queue
):
    forum = ForumFactory(name="Data standards", slug="data-standards", group=group)
    author = MembershipFactory(group=group, user=UserFactory(username="author")).user
    thread = ThreadFactory(forum=forum, title="Census dates")
    PostFactory(thread=thread, author=author, body="When is census day?")
    watchers = [
        MembershipFactory(
            group=group, user=UserFactory(username=f"w{n}", email=f"w{n}@example.org")
        ).user
        for n in range(3)
    ]
    for watcher in watchers:
        forum_services.subscription_create(user=watcher, thread=thread)
    client.force_login(author)

    response = client.post(
        reverse("forums:post_reply", args=[forum.slug, thread.pk]),
        {"body": "The last Friday of March."},
        follow=True,
    )
    run_worker()  # the fan-out task, then the send that fails

    assert response.status_code == 200
    assert Post.objects.filter(thread=thread, body__contains="last Friday").exists()
    assert_waiting_after_refusal(3)

    received = deliver_when_back(real_queue)

    assert [to for to, _subject in received] == sorted(w.email for w in watchers)
    assert all("Census dates" in subject for _to, subject in received)


def test_event_change_succeeds_while_smtp_refuses_and_registrants_hear_once(
    group, real_queue
):
    event = EventFactory(title="Webinar on school census", group=group)
    going = [EventRegistrationFactory(event=event).user for _ in range(2)]

    event = type(event).objects.get(pk=event.pk)
    event.start += timedelta(days=1)
    event.end += timedelta(days=1)
    event.save_revision().publish()  # what the editor's "Publish" does
    run_worker()

    assert type(event).objects.get(pk=event.pk).sequence == 1
    assert_waiting_after_refusal(2)

    received = deliver_when_back(real_queue)

    assert [to for to, _subject in received] == sorted(u.email for u in going)
    assert all("Updated: Webinar on school census" in s for _to, s in received)


def test_saved_search_alert_waits_for_smtp_and_is_sent_once(group, real_queue):
    reader = MembershipFactory(
        group=group, user=UserFactory(username="carlos", email="carlos@example.org")
    ).user
    SavedSearch.objects.create(
        user=reader,
        name="Mentorship",
        query_text="mentorship",
        frequency="instant",
        alerts_since=timezone.now() - timedelta(minutes=5),
    )
    from search.documents import Kind, SearchDocument

    database_backend().bulk(
        [
            SearchDocument(
                source="test.item",
                object_id=1,
                kind=Kind.RESOURCE,
                title="Mentorship for statisticians",
                url="/items/1/",
                summary="",
                body="",
                date=timezone.now(),
            )
        ]
    )

    assert run_job("saved_search_alerts")
    assert_waiting_after_refusal(1)
    with later(16):  # the next alert run finds nothing new to send
        assert run_job("saved_search_alerts")
    assert OutboxMessage.objects.count() == 1

    received = deliver_when_back(real_queue)

    assert received == [
        (
            "carlos@example.org",
            "[EMIS CoP] New results for your saved search “Mentorship”",
        )
    ]


def test_a_message_the_server_keeps_refusing_gives_up_and_shows_why(
    settings, group, real_queue
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    from portal.mail import mail_queue

    mail_queue(
        template="working_groups/moderators_notice",
        subject="Hello",
        to="someone@example.org",
        context={"group_name": "G", "summary": "s", "message": ""},
    )
    run_worker()
    with later(5):
        run_job("outbox_send")

    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 2
    assert "Connection refused" in message.last_error


def test_a_task_whose_worker_was_killed_runs_again(settings, tmp_path, real_queue):
    marker = tmp_path / "attempts.txt"
    result = record_attempt.enqueue(str(marker))
    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval=0.2",
            "--worker-id=doomed",
        ],
        cwd=REPO,
        env=portal_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(
            lambda: marker.exists() and marker.read_text() == "x",
            what="the worker to start the task",
        )
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()

    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.RUNNING  # left behind by the dead worker
    wait_until(tasks_recover, what="the dead worker's lock to be released")
    run_worker(worker_id="survivor")

    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == 2
    assert marker.read_text() == "xx"


def test_a_live_worker_keeps_its_task(tmp_path, real_queue):
    from portal.workers import worker_liveness_hold

    holder = worker_liveness_hold("busy-worker")
    try:
        result = record_attempt.enqueue(str(tmp_path / "never.txt"))
        DBTaskResult.objects.filter(id=result.id).update(
            status=TaskResultStatus.RUNNING, worker_ids=["busy-worker"]
        )

        assert tasks_recover() == 0
        assert DBTaskResult.objects.get(id=result.id).status == "RUNNING"
    finally:
        holder.close()


def test_the_database_connection_dropped_between_requests(home_page):
    """A real gunicorn with persistent connections: every server-side
    connection is killed between two requests; the second still succeeds."""
    import urllib.request

    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings

    from .processes import free_port, port_open

    # The served process uses the deployed cache (the database's table, as after
    # `make setup`), not the tests' local memory.
    database_cache = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_cache",
    }
    with override_settings(CACHES={"default": database_cache}):
        call_command("createcachetable", verbosity=0)

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "portal.wsgi:application",
        ],
        cwd=REPO,
        env=portal_env(CONN_MAX_AGE="600"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: port_open(port), what="gunicorn")
        url = f"http://127.0.0.1:{port}/"
        assert urllib.request.urlopen(url, timeout=30).status == 200
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchone()[0] >= 1  # gunicorn's persistent connection

        assert urllib.request.urlopen(url, timeout=30).status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_engine_down_publish_succeeds_and_the_database_answers(
    settings, group, real_queue
):
    closed = f"http://127.0.0.1:{real_queue.port}"  # nothing speaks HTTP here
    settings.PORTAL_SEARCH_BACKENDS = {
        **settings.PORTAL_SEARCH_BACKENDS,
        "opensearch": {
            "BACKEND": "search.backends.elasticsearch.OpenSearchSearchBackend",
            "URL": closed,
            "INDEX_PREFIX": "faults",
            "TIMEOUT": 0.5,
        },
    }
    settings.SEARCH_ENGINE = "opensearch"
    event = EventFactory(title="Quinoa statistics webinar", group=group)
    event.save_revision().publish()

    # The publish only queued the engine write: nothing was tried in it.
    queued = DBTaskResult.objects.filter(task_path__startswith="search.tasks")
    assert queued.filter(status=TaskResultStatus.READY).exists()
    assert not PendingIndexOperation.objects.exists()

    run_worker()  # the sync task: the database index is written, the engine fails

    assert PendingIndexOperation.objects.filter(backend="opensearch").exists()
    from django.test import Client

    page = Client().get(reverse("search"), {"q": "quinoa"})
    assert page.status_code == 200
    assert "come from the portal&#x27;s database" in page.text
    assert "1 result for" in page.text and "statistics webinar" in page.text
