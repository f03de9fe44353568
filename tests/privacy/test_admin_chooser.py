"""Issue 9, item 4: the admin page chooser shows a group's moderator nothing of
other groups' drafts, members-only pages or private groups."""

import pytest

from tests.factories import ResourceFactory
from working_groups.models import Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def others_secrets(world):
    ResourceFactory(title="Zebra draft of group two", parent=world["other"], live=False)
    ResourceFactory(
        title="Zebra members note of group two",
        parent=world["other"],
        visibility=Visibility.MEMBERS,
    )
    ResourceFactory(title="Zebra inside the closed circle", parent=world["closed"])
    ResourceFactory(title="Zebra public note of group two", parent=world["other"])
    return world


def test_browsing_and_searching_show_only_what_the_moderator_may_see(
    client, others_secrets
):
    world = others_secrets
    client.force_login(world["moderator"])

    browse = client.get(f"/admin/choose-page/{world['other'].pk}/").content.decode()
    search = client.get("/admin/choose-page/search/?q=Zebra").content.decode()
    closed = client.get(f"/admin/choose-page/{world['closed'].pk}/")
    root = client.get("/admin/choose-page/").content.decode()

    for listing in (browse, search):
        assert "Zebra public note of group two" in listing
        assert "Zebra draft of group two" not in listing
        assert "Zebra members note of group two" not in listing
        assert "Zebra inside the closed circle" not in listing
    assert closed.status_code == 404
    assert "Closed circle" not in root


def test_staff_still_choose_from_the_whole_tree(client, others_secrets):
    client.force_login(others_secrets["staff"])

    search = client.get("/admin/choose-page/search/?q=Zebra").content.decode()

    assert "Zebra draft of group two" in search
    assert "Zebra inside the closed circle" in search
