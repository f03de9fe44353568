"""Issue 9, items 9 and 10: control characters are stripped at one boundary, and
names that reach mail headers are checked."""

import pytest

from forums.models import Subscription
from forums.notifications import post_notify
from portal.input import header_safe, validate_person_name
from tests.factories import PostFactory, ResourceFactory
from working_groups.models import Membership

pytestmark = pytest.mark.django_db

NUL_URLS = [
    "/api/search/suggest/?q=ab%00cd",
    "/search/?q=x&tag=a%00b",
    "/api/search/?q=x&tag=a%00b",
    "/knowledge/?tag=a%00b",
    "/lessons-learned/?tag=a%00b",
    "/knowledge/cite.bib?tag=a%00b",
    "/knowledge/?group=a%00b",
    "/knowledge/tags/a%00b/",
    "/feeds/resources/tag/a%00b/",
    "/knowledge/a%00b/cite.bib",
    "/knowledge/?q=%00%01%1b",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_nul_and_control_characters_never_cause_a_server_error(client, world, url):
    ResourceFactory(title="Open ab", tags=["ab"])

    response = client.get(url)

    assert response.status_code < 500


def test_control_characters_are_stripped_from_query_parameters(client, world):
    ResourceFactory(title="Tagged open note", tags=["ab"])

    response = client.get("/knowledge/tags/ab/?page=1%00")
    stripped = client.get("/knowledge/?tag=a%00b")

    assert response.status_code == 200
    assert "Tagged open note" in stripped.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "Evil\r\nBcc: all@example.org",
        "Tab\there",
        "Amina \u202egpj.exe",
        "Line\u2028break",
    ],
)
def test_names_with_control_or_bidi_characters_are_refused(client, world, name):
    client.force_login(world["outsider"])

    response = client.post("/accounts/profile/", {"display_name": name})

    assert response.status_code == 200
    assert "printable characters only" in response.content.decode()
    with pytest.raises(Exception, match="printable"):
        validate_person_name(name)


def test_nul_in_a_form_field_is_stripped_at_the_boundary(client, world):
    client.force_login(world["outsider"])

    response = client.post("/accounts/profile/", {"display_name": "Ol\x00ga"})

    world["outsider"].profile.refresh_from_db()
    assert response.status_code == 302
    assert world["outsider"].profile.display_name == "Olga"


def test_an_old_name_with_a_line_break_cannot_break_mail(
    client, world, django_capture_on_commit_callbacks, mailoutbox
):
    """Names saved before they were checked: joining, declining and forum
    notifications still send their mail, with one-line subjects."""
    outsider = world["outsider"]
    outsider.profile.display_name = "Olga\r\nBcc: everyone@example.org"
    outsider.profile.save()
    client.force_login(outsider)

    with django_capture_on_commit_callbacks(execute=True):
        joined = client.post(
            f"{world['group'].url}join/", {"motivation": "I work on EMIS."}
        )
    client.force_login(world["moderator"])
    request = Membership.objects.get(user=outsider, group=world["group"])
    with django_capture_on_commit_callbacks(execute=True):
        declined = client.post(
            f"/working-groups/technologies/requests/{request.pk}/decline/",
            {"message": "Not now."},
        )
    Subscription.objects.create(user=world["member"], forum=world["forum"])

    post = PostFactory(thread=world["thread"], author=outsider, body="Hi")
    sent = post_notify(post_id=post.pk)

    assert joined.status_code == 302 and declined.status_code == 302
    assert sent == 1
    assert mailoutbox
    for message in mailoutbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        message.message()  # raises BadHeaderError on a broken header


def test_header_safe_keeps_one_line():
    assert header_safe("A\r\nBcc: x@y\u202e z") == "A Bcc: x@y z"
