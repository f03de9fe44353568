"""The composer (issue 15): preview by the server's own sanitiser, bare links
auto-linked and counted, @ suggestions among the thread's readers only,
attachments checked like the library's and sent only to readers, reactions."""

import io
import json
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image as PILImage

from forums.models import Post, PostAttachment, PostReaction
from forums.rate_limits import RateLimited
from forums.services import post_create
from portal.media import media_path_is_private
from tests.factories import MembershipFactory, UserFactory
from tests.factories.forums import PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db

TRICKY = (
    "**Bold** and <script>alert(1)</script> [bad](javascript:alert(1)) "
    "see https://example.org/census?year=2024 @second\n\n> quoted\n\n- item"
)


def png_upload(name="chart.png"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (80, 60), (10, 120, 200)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name="report.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "application/pdf"
    )


def old_account(user):
    """An account past the newcomer days (no link limit)."""
    from datetime import timedelta

    from django.utils import timezone

    user.date_joined = timezone.now() - timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user


@pytest.fixture
def thread(private_forum, member):
    return ThreadFactory(forum=private_forum, author=member, title="Census forms")


# --- Preview ---------------------------------------------------------------------


def test_preview_is_the_saved_post_exactly(client, private_forum, thread, member):
    old_account(member)
    client.force_login(member)
    preview = client.post(
        reverse("forums:composer_preview", args=[private_forum.slug]), {"body": TRICKY}
    )
    assert preview.status_code == 200
    html = preview.json()["html"]
    assert "<script" not in html and 'href="javascript' not in html
    assert '<a href="https://example.org/census?year=2024"' in html  # autolinked
    assert '<span class="mention">@second</span>' in html

    response = client.post(
        reverse("forums:post_reply", args=[private_forum.slug, thread.pk]),
        {"body": TRICKY},
    )
    assert response.status_code == 302
    saved = Post.objects.filter(thread=thread).order_by("-position").first()
    assert saved.body_html == html


def test_preview_needs_csrf_and_the_right_to_post(
    private_forum, member, non_member, client
):
    url = reverse("forums:composer_preview", args=[private_forum.slug])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post(url, {"body": "hi"}).status_code == 403

    client.force_login(non_member)  # cannot read the group's forum: as missing
    assert client.post(url, {"body": "hi"}).status_code == 404
    missing = reverse("forums:composer_preview", args=["no-such-forum"])
    assert client.post(missing, {"body": "hi"}).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 405


# --- Bare links -------------------------------------------------------------------


def test_bare_links_count_against_the_newcomer_limit(community_forum):
    newcomer = UserFactory(username="newbie")
    thread = ThreadFactory(forum=community_forum)
    body = "Sources: https://a.example.org https://b.example.org https://c.example.org"
    with pytest.raises(RateLimited, match="at most 2 links"):
        post_create(author=newcomer, thread=thread, body=body)

    post = post_create(
        author=old_account(UserFactory(username="veteran")), thread=thread, body=body
    )
    assert post.body_html.count('<a href="https://') == 3


# --- @ suggestions ------------------------------------------------------------------


def test_mentions_list_only_people_who_can_read_the_thread(
    client, private_forum, thread, member, second_member
):
    second_member.profile.display_name = "Amina Diallo"
    second_member.profile.save()
    UserFactory(username="aminaout", display_name="Amina Outsider")
    client.force_login(member)
    url = reverse("forums:thread_mentions", args=[private_forum.slug, thread.pk])
    response = client.get(url, {"q": "Ami"})
    assert response.status_code == 200
    people = response.json()["people"]
    assert [person["name"] for person in people] == ["Amina Diallo"]
    assert people[0]["handle"] == second_member.profile.handle
    payload = json.dumps(people)
    assert "@example.org" not in payload  # no email, no username
    assert set(people[0]) == {"handle", "name", "avatar_url"}

    # By the second word of the name, too.
    assert client.get(url, {"q": "Dial"}).json()["people"][0]["name"] == (
        "Amina Diallo"
    )


def test_mentions_in_the_community_forum_reach_every_member(
    client, community_forum, member
):
    UserFactory(username="lin", display_name="Lin Wei")
    thread = ThreadFactory(forum=community_forum, author=member)
    client.force_login(member)
    url = reverse("forums:thread_mentions", args=[community_forum.slug, thread.pk])
    assert [p["name"] for p in client.get(url, {"q": "lin"}).json()["people"]] == [
        "Lin Wei"
    ]


def test_mentions_are_refused_to_those_who_cannot_write_there(
    client, private_forum, thread, non_member
):
    url = reverse("forums:thread_mentions", args=[private_forum.slug, thread.pk])
    assert client.get(url, {"q": "a"}).status_code == 404  # visitor
    client.force_login(non_member)
    assert client.get(url, {"q": "a"}).status_code == 404
    missing = reverse("forums:thread_mentions", args=[private_forum.slug, 10**6])
    assert client.get(missing, {"q": "a"}).status_code == 404


def test_mentions_of_a_hidden_thread_list_only_its_moderators_and_author(
    client, private_forum, thread, member, second_member, moderator
):
    thread.is_hidden = True
    thread.save()
    for user, name in ((second_member, "Zed Member"), (moderator, "Zed Moderator")):
        user.profile.display_name = name
        user.profile.save()
    client.force_login(member)  # the author
    url = reverse("forums:thread_mentions", args=[private_forum.slug, thread.pk])
    names = [p["name"] for p in client.get(url, {"q": "Zed"}).json()["people"]]
    assert names == ["Zed Moderator"]


def test_mention_suggestions_cost_the_same_with_more_members(
    client, private_forum, group, thread, member
):
    client.force_login(member)
    url = reverse("forums:thread_mentions", args=[private_forum.slug, thread.pk])

    def count():
        client.get(url, {"q": "Pe"})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"q": "Pe"}).status_code == 200
        return len(queries)

    MembershipFactory(group=group, user=UserFactory(display_name="Pedro One"))
    before = count()
    for n in range(6):
        MembershipFactory(group=group, user=UserFactory(display_name=f"Pedro {n}"))
    assert count() == before


# --- Attachments ------------------------------------------------------------------------


def reply_with_files(client, forum, thread, *files, body="See attached."):
    return client.post(
        reverse("forums:post_reply", args=[forum.slug, thread.pk]),
        {"body": body, "attachments": list(files)},
    )


def test_reply_with_a_picture_and_a_document(
    client, private_forum, thread, member, second_member
):
    client.force_login(member)
    response = reply_with_files(
        client, private_forum, thread, png_upload(), pdf_upload()
    )
    assert response.status_code == 302
    post = Post.objects.filter(thread=thread).order_by("-position").first()
    picture, document = post.attachments.order_by("pk")
    assert picture.kind == PostAttachment.Kind.IMAGE and picture.width == 80
    assert document.kind == PostAttachment.Kind.DOCUMENT
    assert media_path_is_private(picture.file.name)  # never served from /media/

    client.force_login(second_member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert reverse("forums:attachment_download", args=[picture.pk]) in page
    assert "Download report.pdf (PDF" in page
    image = client.get(reverse("forums:attachment_download", args=[picture.pk]))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert "inline" in image.get("Content-Disposition", "inline")
    download = client.get(reverse("forums:attachment_download", args=[document.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_attachments_are_refused_like_the_library_refuses_them(
    client, private_forum, thread, member
):
    client.force_login(member)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = reply_with_files(client, private_forum, thread, fake)
    assert response.status_code == 200
    assert "does not look like a PDF file" in response.content.decode()
    program = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", "application/octet-stream")
    response = reply_with_files(client, private_forum, thread, program)
    assert "is not an accepted file type" in response.content.decode()
    not_a_picture = SimpleUploadedFile("photo.png", b"%PDF-1.4", "image/png")
    response = reply_with_files(client, private_forum, thread, not_a_picture)
    assert response.status_code == 200
    too_many = [png_upload(f"p{n}.png") for n in range(6)]
    response = reply_with_files(client, private_forum, thread, *too_many)
    assert "Attach at most 5 files" in response.content.decode()
    assert not PostAttachment.objects.exists()
    assert Post.objects.filter(thread=thread).count() == 1  # nothing was posted


def test_attachments_of_a_private_forum_are_missing_to_others(
    client, private_forum, thread, member, non_member
):
    client.force_login(member)
    reply_with_files(client, private_forum, thread, pdf_upload())
    attachment = PostAttachment.objects.get()
    url = reverse("forums:attachment_download", args=[attachment.pk])
    missing = reverse("forums:attachment_download", args=[10**6])

    client.logout()
    assert client.get(url).status_code == client.get(missing).status_code == 404
    client.force_login(non_member)
    assert client.get(url).status_code == client.get(missing).status_code == 404

    # A deleted post takes its files with it, for everyone but nobody.
    post = attachment.post
    post.deleted_at = post.created_at
    post.save()
    client.force_login(member)
    assert client.get(url).status_code == 404


def test_visitors_of_a_public_forum_are_asked_to_sign_in(
    client, public_forum, other_group
):
    author = MembershipFactory(group=other_group, user=UserFactory()).user
    thread = ThreadFactory(forum=public_forum, author=author)
    client.force_login(author)
    reply_with_files(client, public_forum, thread, png_upload())
    client.logout()
    attachment = PostAttachment.objects.get()
    response = client.get(reverse("forums:attachment_download", args=[attachment.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Sign in to open the attachments." in page
    assert reverse("forums:attachment_download", args=[attachment.pk]) not in page


def test_editing_a_post_adds_attachments(client, private_forum, thread, member):
    client.force_login(member)
    post = thread.posts.get(position=1)
    response = client.post(
        reverse("forums:post_edit", args=[post.pk]),
        {
            "title": thread.title,
            "body": "Now with the chart.",
            "attachments": png_upload(),
        },
    )
    assert response.status_code == 302
    assert post.attachments.count() == 1


def test_media_folder_of_attachments_is_not_served(client, settings):
    assert media_path_is_private("forum_attachments/abc/report.pdf")
    assert media_path_is_private("./Forum_Attachments/abc/report.pdf")
    assert not media_path_is_private(os.path.join("images", "x.png"))


# --- Reactions --------------------------------------------------------------------------


def react(client, post, kind="thanks", state="on", **extra):
    return client.post(
        reverse("forums:post_react", args=[post.pk]),
        {"kind": kind, "state": state},
        **extra,
    )


def test_reactions_are_one_per_member_per_kind(
    client, private_forum, thread, member, second_member
):
    post = thread.posts.get(position=1)
    client.force_login(second_member)
    first = react(client, post, HTTP_ACCEPT="application/json")
    again = react(client, post, HTTP_ACCEPT="application/json")
    assert (
        first.json()
        == again.json()
        == {
            "counts": {"thanks": 1},
            "mine": ["thanks"],
        }
    )
    react(client, post, kind="helpful")
    assert PostReaction.objects.filter(post=post).count() == 2

    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in page

    off = react(client, post, state="off", HTTP_ACCEPT="application/json")
    assert off.json() == {"counts": {"helpful": 1}, "mine": ["helpful"]}
    react(client, post, state="off")
    assert PostReaction.objects.filter(post=post, kind="thanks").count() == 0

    # Without a state, the button toggles.
    client.post(reverse("forums:post_react", args=[post.pk]), {"kind": "thanks"})
    assert PostReaction.objects.filter(post=post, kind="thanks").count() == 1


def test_reactions_are_permission_checked(
    client, private_forum, thread, member, second_member, non_member
):
    post = thread.posts.get(position=1)
    client.force_login(member)  # the author
    assert react(client, post).status_code == 403
    client.force_login(non_member)  # cannot read the group's forum
    assert react(client, post).status_code == 404
    client.logout()
    assert react(client, post).status_code == 404
    client.force_login(second_member)
    assert react(client, post, kind="love").status_code == 400
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(second_member)
    assert react(strict, post).status_code == 403
    assert client.get(reverse("forums:post_react", args=[post.pk])).status_code == 405
    assert not PostReaction.objects.exists()


def test_thread_page_shows_counts_to_readers(
    client, private_forum, thread, member, second_member, moderator
):
    post = PostFactory(thread=thread, author=member, body="Our census form.")
    PostReaction.objects.create(post=post, user=second_member, kind="helpful")
    PostReaction.objects.create(post=post, user=moderator, kind="helpful")
    client.force_login(member)  # the author sees the counts, no buttons
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Helpful 2" in page


def test_editing_a_post_removes_a_ticked_attachment(
    client,
    private_forum,
    thread,
    member,
    second_member,
    django_capture_on_commit_callbacks,
):
    client.force_login(member)
    post = thread.posts.get(position=1)
    edit = reverse("forums:post_edit", args=[post.pk])
    client.post(
        edit, {"title": thread.title, "body": "v2", "attachments": pdf_upload()}
    )
    attachment = post.attachments.get()
    stored = attachment.file.name
    assert attachment.file.storage.exists(stored)

    # Another member cannot remove it (they cannot edit the post at all).
    client.force_login(second_member)
    assert (
        client.post(
            edit,
            {
                "title": thread.title,
                "body": "v3",
                "remove_attachments": [attachment.pk],
            },
        ).status_code
        == 403
    )

    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit,
            {
                "title": thread.title,
                "body": "v3",
                "remove_attachments": [attachment.pk],
            },
        )
    assert response.status_code == 302
    assert not post.attachments.exists()
    assert not attachment.file.storage.exists(stored)
