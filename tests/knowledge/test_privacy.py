"""Members-only resources, their attachments, citations and feed entries are
served to members of the resource's groups and staff only."""

import pytest

from knowledge.services import resource_submit
from tests.factories import DocumentFactory, ResourceFactory, WorkingGroupFactory
from tests.factories.knowledge import PDF_BYTES
from working_groups.models import Visibility

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "outsider", "member", "moderator", "staff"]
ALLOWED = {"member", "moderator", "staff"}


@pytest.fixture
def secret(group):
    document = DocumentFactory(title="Secret annex")
    resource = ResourceFactory(
        title="Secret architecture draft",
        slug="secret-architecture",
        parent=group,
        visibility=Visibility.MEMBERS,
        tags=["architecture"],
        attachments=[document],
    )
    ResourceFactory(title="Public architecture note", tags=["architecture"])
    return resource, document


@pytest.fixture
def sign_in_as(client, member, moderator, outsider, staff):
    users = {"member": member, "moderator": moderator, "outsider": outsider}
    users["staff"] = staff

    def _sign_in(role):
        client.logout()
        if role in users:
            client.force_login(users[role])
        return client

    return _sign_in


@pytest.mark.parametrize("role", ROLES)
def test_privacy_matrix(secret, sign_in_as, role):
    resource, document = secret
    client = sign_in_as(role)
    allowed = role in ALLOWED
    title = "Secret architecture draft"

    listing = client.get("/knowledge/?tag=architecture")
    assert (title in listing.content.decode()) is allowed
    assert listing.context["result_count"] == (2 if allowed else 1)
    formats = {
        facet["name"]: {o["value"]: o["count"] for o in facet["options"]}
        for facet in listing.context["facets"]
    }
    assert formats["format"]["report"] == (2 if allowed else 1)

    detail = client.get("/knowledge/secret-architecture/")
    assert detail.status_code == (200 if allowed else 404)

    download = client.get(document.url)
    if allowed:
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")
    else:
        assert download.status_code == 404
        assert not hasattr(download, "streaming_content")

    citation = client.get("/knowledge/secret-architecture/cite.bib")
    assert citation.status_code == (200 if allowed else 404)
    listed = client.get("/knowledge/cite.ris?tag=architecture").content.decode()
    assert (title in listed) is allowed

    feed = client.get("/feeds/resources/").content.decode()
    assert (title in feed) is allowed
    tag_feed = client.get("/feeds/resources/tag/architecture/").content.decode()
    assert (title in tag_feed) is allowed

    # Signed in, "/" is the member's own home: news from their own groups. It
    # shows the draft to the group's members and never to anyone who may not see it
    # (staff, who belong to no group, get their own home without it).
    home = client.get("/").content.decode()
    assert (title in home) is (role in {"member", "moderator"})


def test_pending_members_and_former_members_do_not_see_it(secret, group, client):
    from tests.factories import MembershipFactory, UserFactory
    from working_groups.models import Membership

    pending = UserFactory(username="pending")
    MembershipFactory(user=pending, group=group, status=Membership.Status.PENDING)
    former = UserFactory(username="former")
    MembershipFactory(user=former, group=group, status=Membership.Status.LEFT)

    for user in (pending, former):
        client.force_login(user)
        assert client.get("/knowledge/secret-architecture/").status_code == 404


def test_members_of_a_group_it_is_also_shared_with_see_it(
    client, group, other_group, outsider
):
    from tests.factories import MembershipFactory

    ResourceFactory(
        slug="shared-secret",
        parent=group,
        groups=[other_group],
        visibility=Visibility.MEMBERS,
    )
    MembershipFactory(user=outsider, group=other_group)
    client.force_login(outsider)

    assert client.get("/knowledge/shared-secret/").status_code == 200


def test_public_resources_of_a_private_group_stay_inside_it(client, library, outsider):
    private = WorkingGroupFactory(title="Closed group", visibility=Visibility.MEMBERS)
    ResourceFactory(title="Inside a closed group", slug="inside", parent=private)

    client.force_login(outsider)

    assert client.get("/knowledge/inside/").status_code == 404
    assert "Inside a closed group" not in client.get("/knowledge/").content.decode()
    assert "Closed group" not in client.get("/knowledge/").content.decode()
    assert client.get(f"/feeds/resources/group/{private.slug}/").status_code == 404


def test_attachments_of_a_submission_are_for_its_submitter_and_moderators(
    client, group, member, moderator, outsider
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import MembershipFactory, UserFactory

    resource = resource_submit(
        submitter=member,
        group=group,
        title="Awaiting review",
        summary="Not public yet.",
        format="report",
        attachments=[SimpleUploadedFile("draft.pdf", PDF_BYTES)],
    )
    url = resource.attachments.get().document.url
    colleague = UserFactory(username="colleague")
    MembershipFactory(user=colleague, group=group)

    for user, allowed in [
        (member, True),
        (moderator, True),
        (colleague, False),
        (outsider, False),
    ]:
        client.force_login(user)
        assert (client.get(url).status_code == 200) is allowed
    client.logout()
    assert client.get(url).status_code == 404


def test_sitemaps_list_only_public_resources(secret):
    from knowledge.models import ResourcePage

    resource, _document = secret
    public = ResourcePage.objects.get(title="Public architecture note")

    assert resource.get_sitemap_urls() == []
    assert public.get_sitemap_urls()[0]["location"].endswith(
        "/knowledge/public-architecture-note/"
    )


def test_a_resource_page_lists_only_its_own_attachments(client, home_page):
    """Its attachments were prefetched with a queryset that a second query
    chained on without the resource's filter: every page listed every
    attachment of the library, a members-only resource's included."""
    group = WorkingGroupFactory(title="Closed circle", slug="closed-circle")
    ResourceFactory(
        title="Open guide",
        slug="open-guide",
        attachments=[DocumentFactory(title="Open guide PDF")],
    )
    ResourceFactory(
        title="Closed notes",
        parent=group,
        visibility=Visibility.MEMBERS,
        attachments=[DocumentFactory(title="Closed notes PDF")],
    )

    page = client.get("/knowledge/open-guide/").content.decode()

    assert "Open guide PDF" in page
    assert "Closed notes PDF" not in page
