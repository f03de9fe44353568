"""The index follows content: publishing, editing, unpublishing, deleting, moving
and visibility changes are searchable once the transaction commits; a rolled-back
transaction leaves nothing; an engine outage loses nothing.

Every test runs with the site's engine set to the database, a real OpenSearch
and a real Elasticsearch (the ``search_engine`` fixture), and searches that
engine."""

import pytest
from django.core.management import call_command
from django.db import transaction

from forums import services as forum_services
from forums.models import Forum
from knowledge.models import ResourcePage
from search.backends import database_backend, get_search_backend
from search.faceted import SearchQuery
from search.models import IndexedDocument, PendingIndexOperation
from search.permissions import PUBLIC_SCOPE, SearchScope
from tests.factories import (
    EventFactory,
    ResourceFactory,
    StaffFactory,
    WorkingGroupFactory,
)
from tests.factories.forums import PostFactory, ThreadFactory
from working_groups.models import Visibility

pytestmark = pytest.mark.search

STAFF = SearchScope(all=True)


@pytest.fixture
def run_committed(db, django_capture_on_commit_callbacks):
    """Run ``action`` and then what it queued for after the commit."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def committed(run_committed, search_engine):
    """``run_committed`` with each backend in turn as the site's engine."""
    return run_committed


@pytest.fixture(params=["opensearch", "elasticsearch"])
def engine_name(request):
    return request.param


def found(text, scope=PUBLIC_SCOPE, backend=None):
    """Titles the site's engine (or ``backend``) finds for ``text``."""
    backend = backend or get_search_backend()
    return [hit.title for hit in backend.search(SearchQuery(text=text), scope).hits]


def search_hits(text, scope=PUBLIC_SCOPE):
    return get_search_backend().search(SearchQuery(text=text), scope).hits


def kinds_found(text, scope=PUBLIC_SCOPE):
    results = get_search_backend().search(SearchQuery(text=text), scope)
    return sorted(hit.kind for hit in results.hits)


def group_forum(group, *, public_read):
    """Publishing a group gives it its forum (forums.signals)."""
    Forum.objects.filter(group=group).update(public_read=public_read)
    return Forum.objects.get(group=group)


def member_of(group):
    return SearchScope(group_ids=frozenset({group.pk}))


def test_publishing_indexes_and_drafts_stay_out(committed):
    committed(ResourceFactory, title="Teacher census lessons", format="lesson-learned")
    committed(ResourceFactory, title="Draft census notes", live=False)

    assert found("census") == ["Teacher census lessons"]
    document = IndexedDocument.objects.get(title="Teacher census lessons")
    assert document.knowledge_type == "tacit"
    assert document.url == "/knowledge/teacher-census-lessons/"


def test_editing_reindexes_the_new_text(committed):
    resource = committed(
        ResourceFactory, title="Payroll audit", introduction="Checks of salaries."
    )

    def edit():
        page = ResourcePage.objects.get(pk=resource.pk)
        page.title = "Payroll verification"
        page.save_revision().publish()

    committed(edit)

    assert found("verification") == ["Payroll verification"]
    assert found("audit") == []


def test_unpublishing_and_deleting_remove_the_document(committed):
    unpublished = committed(ResourceFactory, title="Budget brief one")
    deleted = committed(ResourceFactory, title="Budget brief two")

    committed(lambda: ResourcePage.objects.get(pk=unpublished.pk).unpublish())
    committed(lambda: ResourcePage.objects.get(pk=deleted.pk).delete())

    assert found("budget brief") == []
    assert not IndexedDocument.objects.filter(source="knowledge.resource").exists()


def test_moving_a_resource_under_a_private_group_makes_it_members_only(committed):
    group = committed(
        WorkingGroupFactory, title="Closed group", visibility=Visibility.MEMBERS
    )
    resource = committed(ResourceFactory, title="Moved dataset")

    committed(
        lambda: ResourcePage.objects.get(pk=resource.pk).move(group, "last-child")
    )

    assert found("moved dataset") == []
    assert found("moved dataset", member_of(group)) == ["Moved dataset"]
    assert IndexedDocument.objects.get(title="Moved dataset").working_groups == [
        group.pk
    ]


def test_changing_visibility_reindexes_the_item(committed):
    resource = committed(ResourceFactory, title="Inspection framework")

    def make_private():
        page = ResourcePage.objects.get(pk=resource.pk)
        page.visibility = Visibility.MEMBERS
        page.save_revision().publish()

    committed(make_private)

    assert found("inspection framework") == []
    assert found("inspection framework", STAFF) == ["Inspection framework"]


def test_a_group_turning_private_takes_its_content_with_it(committed):
    group = committed(WorkingGroupFactory, title="Finance group")
    committed(ResourceFactory, title="Finance ledger guide", parent=group)
    committed(EventFactory, title="Finance ledger webinar", group=group)
    assert sorted(found("finance ledger")) == [
        "Finance ledger guide",
        "Finance ledger webinar",
    ]

    def make_private():
        group.refresh_from_db()
        group.visibility = Visibility.MEMBERS
        group.save_revision().publish()

    committed(make_private)

    assert found("finance") == []
    assert sorted(found("finance ledger", member_of(group))) == [
        "Finance ledger guide",
        "Finance ledger webinar",
    ]


def test_saving_a_group_without_changing_visibility_reindexes_only_the_group(
    committed,
):
    group = committed(WorkingGroupFactory, title="Busy group")
    for n in range(5):
        committed(ResourceFactory, title=f"Busy resource {n}", parent=group)
    before = IndexedDocument.objects.filter(source="knowledge.resource").values_list(
        "updated_at", flat=True
    )
    before = sorted(before)

    committed(lambda: group.save_revision().publish())

    after = sorted(
        IndexedDocument.objects.filter(source="knowledge.resource").values_list(
            "updated_at", flat=True
        )
    )
    assert before == after


def test_forum_threads_and_replies_follow_moderation(committed):
    group = committed(WorkingGroupFactory, title="Peer learning")
    forum = group_forum(group, public_read=True)
    thread = committed(
        ThreadFactory, forum=forum, title="Scanning paper forms", body="Use OCR?"
    )
    committed(PostFactory, thread=thread, body="We scanned forms with mobile phones.")
    moderator = StaffFactory()

    assert kinds_found("ocr") == ["thread"]  # the first post is the thread's
    # The reply is found in its discussion's hit, which links to the thread.
    assert kinds_found("mobile phones") == ["thread"]
    assert [h.url for h in search_hits("mobile phones")] == [
        thread.posts.get(position=2).get_absolute_url()
    ]
    assert [h.link for h in search_hits("mobile phones")] == [thread.get_absolute_url()]
    # Replies show the thread's title but do not repeat its hit.
    assert kinds_found("paper forms") == ["thread"]

    reply = thread.posts.get(position=2)
    committed(forum_services.post_hide, moderator=moderator, post=reply)
    assert found("mobile phones") == []

    committed(forum_services.thread_hide, moderator=moderator, thread=thread)
    assert found("scanning") == []


def test_threads_of_a_members_only_forum_are_for_members(committed):
    group = committed(WorkingGroupFactory, title="Private forum group")
    forum = group_forum(group, public_read=False)
    committed(ThreadFactory, forum=forum, title="Salary arrears discussion")

    assert found("salary arrears") == []
    assert found("salary arrears", member_of(group)) == ["Salary arrears discussion"]

    def open_forum():
        forum.public_read = True
        forum.save()

    committed(open_forum)
    assert found("salary arrears") == ["Salary arrears discussion"]


def test_a_rolled_back_transaction_leaves_no_document(committed):
    def create_then_fail():
        with transaction.atomic():
            ResourceFactory(title="Never committed resource")
            raise RuntimeError("the save failed")

    with pytest.raises(RuntimeError):
        committed(create_then_fail)

    assert found("never committed") == []
    assert not IndexedDocument.objects.filter(title__icontains="never").exists()


def test_an_indexing_failure_never_fails_the_save(committed, monkeypatch):
    from search.documents import provider_for

    def broken(instance):
        raise ValueError("provider bug")

    monkeypatch.setattr(provider_for("knowledge.resource"), "document", broken)

    resource = committed(ResourceFactory, title="Saved despite the index")

    assert ResourcePage.objects.filter(pk=resource.pk, live=True).exists()
    assert PendingIndexOperation.objects.filter(
        source="knowledge.resource", object_id=resource.pk
    ).exists()


def test_an_engine_outage_during_save_loses_nothing(
    run_committed, settings, engine_name, engine_url
):
    from .conftest import configure_engine, delete_prefix
    from .test_degradation import closed_port

    prefix = "outage"
    configure_engine(
        settings, engine_name, f"http://127.0.0.1:{closed_port()}", index_prefix=prefix
    )

    resource = run_committed(ResourceFactory, title="Written while the engine was down")

    assert found("engine was down", backend=database_backend()) == [
        "Written while the engine was down"
    ]
    pending = PendingIndexOperation.objects.get(object_id=resource.pk)
    assert pending.backend == engine_name

    url = engine_url(engine_name)
    configure_engine(settings, engine_name, url, index_prefix=prefix)
    engine = get_search_backend(engine_name)
    engine.ensure_index()  # as the first search_reindex would
    call_command("search_retry", stdout=open("/dev/null", "w"))
    engine._call(engine.client.indices.refresh, index=engine.alias)
    delete_after = (url, prefix)

    try:
        assert found("engine was down", backend=engine) == [
            "Written while the engine was down"
        ]
        assert not PendingIndexOperation.objects.exists()
    finally:
        delete_prefix(*delete_after)


def test_reindex_command_rebuilds_database_and_engine(committed, search_engine):
    committed(ResourceFactory, title="Reindexed handbook")
    IndexedDocument.objects.all().delete()

    call_command("search_reindex", "--no-progress", stdout=open("/dev/null", "w"))
    call_command("search_reindex", "--no-progress", stdout=open("/dev/null", "w"))

    engine = get_search_backend()
    assert found("handbook", backend=database_backend()) == ["Reindexed handbook"]
    assert found("handbook", backend=engine) == ["Reindexed handbook"]
    if search_engine != "database":
        assert len(engine.alias_targets()) == 1  # the old index was dropped
    assert engine.count() == IndexedDocument.objects.count()


def test_search_status_compares_the_database_and_the_engine(
    run_committed, settings, engine_name, engine_url
):
    from io import StringIO

    from .conftest import configure_engine, delete_prefix, engine_prefix

    run_committed(ResourceFactory, title="Status check guide")
    prefix = engine_prefix()
    configure_engine(
        settings, engine_name, engine_url(engine_name), index_prefix=prefix
    )
    out = StringIO()

    call_command("search_status", stdout=out)
    before = out.getvalue()
    call_command("search_reindex", "--no-progress", stdout=StringIO())
    out = StringIO()
    call_command("search_status", stdout=out)
    after = out.getvalue()

    assert "knowledge.resource" in before
    assert "status=missing" in before  # the engine was never filled
    assert "run manage.py search_reindex" in before
    assert "Out of step" in before
    delete_prefix(engine_url(engine_name), prefix)
    assert "missing=0 extra=0" in after
    assert "In step." in after
