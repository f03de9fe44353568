import pytest

from knowledge.services import knowledge_index_get_or_create
from tests.factories import UserFactory, WorkingGroupFactory


@pytest.fixture
def library(home_page):
    return knowledge_index_get_or_create()


@pytest.fixture
def private_group(library, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return WorkingGroupFactory(
            title="Closed circle", slug="closed-circle", visibility="members"
        )


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", display_name="Rita Reader")
