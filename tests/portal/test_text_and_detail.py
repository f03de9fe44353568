"""Text and detail across the site: plurals, "just now", one date style,
download buttons named by the document, a history that shows what changed (and
never a moderator's private comment), and a group page that says its
discussions are members-only."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from forums.models import Forum
from knowledge.models import ResourcePage
from knowledge.services import (
    knowledge_index_get_or_create,
    resource_moderate,
    resource_resubmit,
    resource_submit,
)
from tests.factories import (
    DocumentFactory,
    EventFactory,
    EventRegistrationFactory,
    MembershipFactory,
    ResourceFactory,
    ThreadFactory,
    UserFactory,
    WorkingGroupFactory,
)
from working_groups.models import Membership
from working_groups.services import group_moderation_setup


def render(source, **context):
    return Template("{% load portal_tags %}" + source).render(Context(context))


# --- "ago" and dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    "seconds, expected",
    [
        (0, "just now"),
        (59, "just now"),
        (60, "1\xa0minute ago"),
        (150, "2\xa0minutes ago"),
        (3600 * 5 + 120, "5\xa0hours ago"),
        (86400, "1\xa0day ago"),
    ],
)
def test_ago_says_just_now_and_counts_in_the_right_plural(seconds, expected):
    when = timezone.now() - timedelta(seconds=seconds)

    assert render("{{ when|ago }}", when=when) == expected


def test_one_date_style_for_dates_and_times():
    when = datetime(2026, 12, 1, 14, 5, tzinfo=UTC)

    assert render("{{ when|portal_date }}", when=when) == "1 Dec 2026"
    assert render('{{ when|portal_date:"datetime" }}', when=when) == "1 Dec 2026, 14:05"
    assert render('{{ when|portal_date:"long" }}', when=when) == "1 December 2026"


def test_no_template_formats_dates_its_own_way():
    """Dates go through portal_date; only machine formats stay (ISO, hours)."""
    import re
    from pathlib import Path

    allowed = {"c", "Y-m-d", "H:i", "T", "U"}
    offenders = []
    for path in Path("templates").rglob("*.*"):
        for fmt in re.findall(r"""\|date:["']([^"']*)["']""", path.read_text()):
            if fmt not in allowed:
                offenders.append(f"{path}: {fmt}")
    assert offenders == []


def test_no_template_says_zero_minutes_ago():
    from pathlib import Path

    offenders = [
        str(path)
        for path in Path("templates").rglob("*.html")
        if "|timesince" in path.read_text()
    ]
    assert offenders == []


def test_group_activity_says_just_now(client, home_page):
    group = WorkingGroupFactory(title="Data governance")
    EventFactory(group=group, title="Fresh event")

    page = client.get(group.url).text

    assert "just now" in page and "0 minutes" not in page


# --- plurals on the event page -----------------------------------------------------------


def test_places_taken_reads_in_the_singular_for_one(client, home_page):
    event = EventFactory(capacity=400)
    EventRegistrationFactory(event=event)

    page = client.get(event.url).text

    assert "1 of 400 place taken" not in page
    assert "1 of 400 places taken" in page


# --- download buttons ----------------------------------------------------------------


def test_download_buttons_are_named_by_the_documents_title(client, home_page):
    document = DocumentFactory(title="EMIS assessment toolkit")
    resource = ResourceFactory(title="Toolkit", attachments=[document])

    page = client.get(resource.url).text

    assert "Download “EMIS assessment toolkit”" in page


# --- history ------------------------------------------------------------------------


@pytest.fixture
def reviewed_resource(home_page, django_capture_on_commit_callbacks):
    knowledge_index_get_or_create()
    group = group_moderation_setup(group=WorkingGroupFactory(title="Peer learning"))
    author = UserFactory(display_name="Carlos Mendes")
    moderator = UserFactory(display_name="Amina Diallo")
    with django_capture_on_commit_callbacks(execute=True):
        MembershipFactory(user=author, group=group)
        MembershipFactory(user=moderator, group=group, role=Membership.Role.MODERATOR)
    resource = resource_submit(
        submitter=author,
        group=group,
        title="Census guide",
        summary="How we ran the school census in two weeks.",
        format="report",
        external_url="https://example.org/guide",
    )
    resource_moderate(
        resource=resource,
        moderator=moderator,
        approve=False,
        comment="PRIVATE: the author rushed this one",
    )
    resource = resource_resubmit(
        submitter=author,
        resource=resource,
        summary="How we ran the school census in two weeks.",
        title="Census guide",
    )
    resource_moderate(resource=resource, moderator=moderator, approve=True)
    draft = ResourcePage.objects.get(pk=resource.pk).get_latest_revision_as_object()
    draft.title = "School census guide"
    draft.introduction = "How we ran the school census in three weeks."
    draft.save_revision(user=moderator, log_action=True).publish(user=moderator)
    return ResourcePage.objects.get(pk=resource.pk)


def test_the_history_shows_what_changed_between_versions(client, reviewed_resource):
    page = client.get(reviewed_resource.url).text
    history = page.split('class="history"')[1].split("</details>")[0]

    assert "<del>Census</del>" in history and "<ins>School census</ins>" in history
    assert "<del>two</del>" in history and "<ins>three</ins>" in history
    assert "Title" in history and "Summary" in history


def test_the_history_never_shows_a_moderators_private_comment(
    client, reviewed_resource
):
    assert "PRIVATE" not in client.get(reviewed_resource.url).text


# --- the group page and its discussions ------------------------------------------------


def test_visitors_are_told_the_discussions_are_for_members(client, home_page):
    group = WorkingGroupFactory(title="Budget office")
    forum = Forum.objects.filter(group=group).first() or Forum.objects.create(
        group=group, name="Budget office forum", slug="budget-office-forum"
    )
    forum.public_read = False
    forum.save()
    member = UserFactory()
    MembershipFactory(user=member, group=group)
    ThreadFactory(forum=forum, title="Budget lines for 2027")

    visitor_page = client.get(group.url).text
    assert "discussions are for its members." in visitor_page
    assert "No discussions yet." not in visitor_page
    assert "Budget lines for 2027" not in visitor_page

    client.force_login(member)
    member_page = client.get(group.url).text
    assert "Budget lines for 2027" in member_page
    assert "discussions are for its members" not in member_page


# --- separators ------------------------------------------------------------------------


def test_a_resource_card_without_a_publisher_has_no_stray_separator(client, home_page):
    knowledge_index_get_or_create()
    ResourceFactory(title="Census guide", publication_year=2024)

    page = client.get("/knowledge/").text
    facts = page.split('class="meta meta-parts"')[1].split("</p>")[0]

    assert "·" not in facts
    assert "<span>2024</span>" in facts and "<span>National</span>" in facts
