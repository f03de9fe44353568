"""Issue 9, item 6: forum @handles are chosen by members or neutral, never made
from their email address."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from forums.notifications import post_notify
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_a_new_account_gets_a_neutral_handle_not_its_email(client, world):
    user = get_user_model().objects.create_user(
        username="fatou.ndiaye", email="fatou.ndiaye@ministry.example.org"
    )

    handle = user.profile.handle

    assert handle.startswith("member-")
    assert "fatou" not in handle and "ndiaye" not in handle


def test_visitors_see_handles_not_email_local_parts(client, world):
    author = get_user_model().objects.create_user(
        username="fatou.ndiaye", email="fatou.ndiaye@ministry.example.org"
    )
    EmailAddress.objects.create(user=author, email=author.email, verified=True)
    world["forum"].public_read = True
    world["forum"].save()
    PostFactory(thread=world["thread"], author=author, body="Hello all.")

    page = client.get(world["thread"].get_absolute_url()).content.decode()

    assert "fatou.ndiaye" not in page
    assert f"@{author.profile.handle}" in page


def test_members_choose_their_handle_and_are_mentioned_by_it(client, world, mailoutbox):
    member = world["member"]
    client.force_login(member)
    own_email_start = client.post(
        "/accounts/profile/",
        {"display_name": "Mina Member", "handle": member.email.split("@")[0]},
    )
    chosen = client.post(
        "/accounts/profile/", {"display_name": "Mina Member", "handle": "Mina_EMIS"}
    )

    member.profile.refresh_from_db()
    assert own_email_start.status_code == 200
    assert "not the start of your email address" in own_email_start.content.decode()
    assert chosen.status_code == 302
    assert member.profile.handle == "mina_emis"
    reply = PostFactory(
        thread=world["thread"], author=world["moderator"], body="@mina_emis agreed?"
    )
    assert post_notify(post_id=reply.pk, mentioned_usernames=["mina_emis"]) == 1
    assert mailoutbox[0].to == [member.email]
