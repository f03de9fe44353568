"""Staff find the search index, the retry queue and saved searches in the admin."""

import pytest

from search.backends import database_backend
from search.models import PendingIndexOperation, SavedSearch
from tests.factories import StaffFactory, UserFactory

from .conftest import make_document

pytestmark = pytest.mark.search


def test_admin_lists_documents_retries_and_saved_searches(client, db):
    database_backend().bulk([make_document(title="Indexed census guide")])
    PendingIndexOperation.objects.create(
        source="knowledge.resource",
        object_id=7,
        backend="opensearch",
        last_error="down",
    )
    SavedSearch.objects.create(user=UserFactory(), name="Budget alerts", query_text="b")
    client.force_login(StaffFactory())

    documents = client.get("/admin/snippets/search/indexeddocument/")
    retries = client.get("/admin/snippets/search/pendingindexoperation/")
    saved = client.get("/admin/snippets/search/savedsearch/")

    assert "Indexed census guide" in documents.content.decode()
    assert "knowledge.resource" in retries.content.decode()
    assert "Budget alerts" in saved.content.decode()


def test_members_cannot_reach_the_search_admin(client, db):
    client.force_login(UserFactory())

    response = client.get("/admin/snippets/search/savedsearch/")

    assert response.status_code in (302, 403)
