"""What people see and do on the site: the group's space, joining and leaving,
the members directory, the moderation queue, invitations and profiles."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    EventFactory,
    ResourceFactory,
    UserFactory,
)
from tests.factories.forums import FlagFactory, ForumFactory, PostFactory, ThreadFactory
from working_groups.models import (
    EventPage,
    Membership,
    MembershipAuditEntry,
    MembershipInvitation,
    Visibility,
)
from working_groups.services import membership_invite, membership_request


def main(response) -> str:
    """The page's main content, without the header (which names the viewer)."""
    return response.text.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def set_profile(user, **fields):
    profile = user.profile
    expertise = fields.pop("expertise", [])
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    if expertise:
        profile.expertise.add(*expertise)
        profile.save()


# --- the group's space ---------------------------------------------------------


def test_group_page_shows_its_space(client, group, moderator, member):
    set_profile(moderator, organisation="Ministry of Education")
    ResourceFactory(parent=group, title="Curated interoperability guide", featured=True)
    ResourceFactory(
        parent=group, title="Members-only costing model", visibility="members"
    )
    EventFactory(group=group, title="Standards webinar")
    forum = ForumFactory(group=group, public_read=True)
    ThreadFactory(forum=forum, title="Which data standard for school census?")

    page = client.get(group.url).text

    assert "Amina Diallo" in page and "Ministry of Education" in page
    assert "2 members" in page
    assert "Curated by the moderators" in page
    assert "Curated interoperability guide" in page
    assert "Members-only costing model" not in page
    assert "Standards webinar" in page
    assert "Which data standard for school census?" in page
    assert "Sign in to join" in page
    assert "Members directory" not in page
    # The activity feed lists new events and resources, not who joined.
    assert "New event" in page and "New member" not in page


def test_members_see_private_content_and_activity(client, group, member):
    ResourceFactory(
        parent=group, title="Members-only costing model", visibility="members"
    )
    membership_request(user=UserFactory(), group=group, motivation="x")
    client.force_login(member)

    page = client.get(group.url).text

    assert "Members-only costing model" in page
    assert "Members directory" in page
    assert "You are a member" in page and "Leave the group" in page
    assert "Moderation queue" not in page


def test_moderators_see_the_queue_link_with_the_pending_count(
    client, group, moderator, outsider
):
    membership_request(user=outsider, group=group, motivation="Hello")
    client.force_login(moderator)

    page = client.get(group.url).text

    assert "You moderate this group" in page
    assert 'Moderation queue <span class="count-pill">1</span>' in page


def test_group_page_query_budget(
    client, group, moderator, member, django_assert_max_num_queries
):
    for number in range(3):
        ResourceFactory(parent=group, title=f"Resource {number}")
        EventFactory(group=group, title=f"Event {number}")
    client.force_login(member)

    with django_assert_max_num_queries(45):
        response = client.get(group.url)

    assert response.status_code == 200


# --- joining and leaving ---------------------------------------------------------


def test_join_request_form_keeps_the_text_when_it_is_too_long(client, group, outsider):
    client.force_login(outsider)
    motivation = "I coordinate our school census. " * 80

    response = client.post(
        f"/working-groups/{group.slug}/join/", {"motivation": motivation}
    )

    assert response.status_code == 200
    assert "Ensure this value has at most 2000 characters" in response.text
    assert "I coordinate our school census." in response.text
    assert not Membership.objects.filter(user=outsider).exists()


def test_join_request_needs_a_motivation(client, group, outsider):
    client.force_login(outsider)

    response = client.post(f"/working-groups/{group.slug}/join/", {"motivation": ""})

    assert response.status_code == 200
    assert "This field is required." in response.text


def test_join_request_twice_from_the_site_is_one_request(client, group, outsider):
    client.force_login(outsider)
    url = f"/working-groups/{group.slug}/join/"

    client.post(url, {"motivation": "Please"})
    second = client.post(url, {"motivation": "Please, again"}, follow=True)

    assert Membership.objects.filter(user=outsider, group=group).count() == 1
    assert "waiting for the moderators" in second.text


def test_visitors_are_sent_to_sign_in_before_joining(client, group):
    response = client.get(f"/working-groups/{group.slug}/join/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_leaving_from_the_site(client, group, moderator, member):
    client.force_login(member)
    url = f"/working-groups/{group.slug}/leave/"

    confirm = client.get(url)
    response = client.post(url, follow=True)

    assert "Leave the group" in confirm.text
    assert "You have left" in response.text
    assert Membership.objects.get(user=member, group=group).status == "left"


# --- members directory -------------------------------------------------------------


def test_members_directory_filters_and_never_shows_emails(
    client, group, moderator, member
):
    set_profile(
        moderator,
        country="SN",
        organisation="Ministry of National Education",
        expertise=["interoperability"],
    )
    set_profile(member, country="CA", organisation="UIS", expertise=["data quality"])
    client.force_login(member)
    url = f"/working-groups/{group.slug}/members/"

    everyone = main(client.get(url))
    by_country = main(client.get(url, {"country": "SN"}))
    by_organisation = main(client.get(url, {"organisation": "uis"}))
    by_expertise = main(client.get(url, {"expertise": "data-quality"}))

    assert "Amina Diallo" in everyone and "Carlos Mendes" in everyone
    assert moderator.email not in everyone and member.email not in everyone
    assert "@" not in everyone
    assert "Amina Diallo" in by_country and "Carlos Mendes" not in by_country
    assert "Carlos Mendes" in by_organisation and "Amina Diallo" not in by_organisation
    assert "Carlos Mendes" in by_expertise and "Amina Diallo" not in by_expertise
    assert "Senegal" in everyone and "interoperability" in everyone


def test_moderator_removes_a_member_from_the_directory(
    client, group, moderator, member
):
    client.force_login(moderator)
    membership = Membership.objects.get(user=member, group=group)

    directory = client.get(f"/working-groups/{group.slug}/members/").text
    response = client.post(
        f"/working-groups/{group.slug}/members/{membership.pk}/remove/",
        {"message": "Inactive account"},
        follow=True,
    )

    assert "Remove Carlos Mendes" in directory
    assert "Remove Amina Diallo" not in directory
    assert "Carlos Mendes is no longer a member." in response.text
    membership.refresh_from_db()
    assert membership.status == "removed"
    assert membership.decision_message == "Inactive account"


def test_members_cannot_remove_anyone(client, group, moderator, member):
    client.force_login(member)
    membership = Membership.objects.get(user=moderator, group=group)

    response = client.post(
        f"/working-groups/{group.slug}/members/{membership.pk}/remove/"
    )

    assert response.status_code == 403
    assert Membership.objects.get(pk=membership.pk).status == "active"


# --- moderation queue ----------------------------------------------------------------


def test_moderation_queue_shows_what_waits(client, group, moderator, outsider):
    set_profile(
        outsider,
        organisation="State Ministry of Education",
        job_title="EMIS officer",
        bio="Runs the state school census.",
    )
    membership_request(user=outsider, group=group, motivation="We are moving to DHIS2.")
    draft = ResourceFactory(parent=group, title="Draft costing tool", live=False)
    draft.get_workflow().start(draft, outsider)
    forum = ForumFactory(group=group)
    post = PostFactory(thread=ThreadFactory(forum=forum, title="Vendor pitch"))
    FlagFactory(post=post)
    now = timezone.now()
    EventFactory(
        group=group,
        title="Full workshop",
        capacity=0,
        start=now + timedelta(days=3),
        end=now + timedelta(days=3, hours=2),
    )
    EventFactory(
        group=group,
        title="Last month's webinar",
        start=now - timedelta(days=10),
        end=now - timedelta(days=10, hours=-1),
    )
    client.force_login(moderator)

    page = client.get(f"/working-groups/{group.slug}/moderation/").text

    assert "Lin Wei" in page and "EMIS officer, State Ministry of Education" in page
    assert "We are moving to DHIS2." in page and "Runs the state school census." in page
    assert "Approve Lin Wei" in page and "Decline Lin Wei" in page
    assert "Draft costing tool" in page
    assert "Vendor pitch" in page
    assert "Full workshop" in page and "Full." in page
    assert "Last month&#x27;s webinar" in page and "add the recording or slides" in page
    assert "Asked to join" in page  # recent audit entries


def test_moderator_declines_from_the_queue_with_a_message(
    client, group, moderator, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    pending = membership_request(user=outsider, group=group, motivation="Hello")
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/working-groups/{group.slug}/requests/{pending.pk}/decline/",
            {"message": "Please complete your profile first."},
            follow=True,
        )

    assert "Lin Wei&#x27;s request was declined." in response.text
    assert Membership.objects.get(pk=pending.pk).status == "declined"
    assert any("Please complete your profile first." in m.body for m in mailoutbox)


def test_deciding_a_request_of_another_group_is_404(
    client, group, other_group, moderator, outsider
):
    pending = membership_request(user=outsider, group=other_group, motivation="Hello")
    client.force_login(moderator)

    response = client.post(
        f"/working-groups/{group.slug}/requests/{pending.pk}/approve/"
    )

    assert response.status_code == 404
    assert Membership.objects.get(pk=pending.pk).status == "pending"


def test_invite_form_errors_keep_the_text(client, group, moderator, member):
    client.force_login(moderator)
    url = f"/working-groups/{group.slug}/invite/"

    bad = client.post(url, {"email": "not-an-address", "message": "Join us"})
    already = client.post(url, {"email": member.email, "message": "Join us"})
    good = client.post(
        url, {"email": "new@example.org", "message": "Join us"}, follow=True
    )

    assert bad.status_code == 400 and "Enter a valid email address." in bad.text
    assert 'value="not-an-address"' in bad.text and "Join us</textarea>" in bad.text
    assert "already a member of this group" in already.text
    assert "Invitation sent to new@example.org." in good.text
    assert MembershipInvitation.objects.filter(email="new@example.org").exists()


def test_audit_log_page_lists_every_change(client, group, moderator, outsider):
    membership_request(user=outsider, group=group, motivation="Hello")
    client.force_login(moderator)

    page = client.get(f"/working-groups/{group.slug}/moderation/log/").text

    assert "Membership audit log" in page
    assert "Asked to join" in page and "Lin Wei" in page


# --- invitations -------------------------------------------------------------------


def test_invited_person_accepts_on_the_site(client, group, moderator):
    invitation = membership_invite(
        group=group, email="guest@example.org", actor=moderator
    )
    guest = UserFactory(username="guest")
    stranger = UserFactory(username="stranger")
    url = f"/working-groups/invitations/{invitation.token}/"

    client.force_login(stranger)
    refused = client.get(url)
    client.force_login(guest)
    shown = client.get(url)
    accepted = client.post(url, {"answer": "accept"}, follow=True)

    assert (
        refused.status_code == 403 and "sent to another email address" in refused.text
    )
    assert "Accept and join" in shown.text
    assert "You are now a member" in accepted.text
    assert Membership.objects.get(user=guest, group=group).status == "active"
    assert client.get(url).status_code == 200  # answered: says so
    assert (
        MembershipAuditEntry.objects.filter(
            action=MembershipAuditEntry.Action.INVITATION_ACCEPTED
        ).count()
        == 1
    )


# --- profiles ------------------------------------------------------------------------


def test_profile_pages_are_for_signed_in_people_and_hide_emails(
    client, group, moderator, member, outsider
):
    set_profile(
        member,
        organisation="UIS",
        bio="Works on SDG 4.",
        expertise=["SDG 4"],
        listed_in_directory=True,  # profiles show only members who opted in
    )
    url = f"/people/{member.pk}/"

    assert client.get(url).status_code == 404
    client.force_login(outsider)
    as_outsider = client.get(url).text
    client.force_login(moderator)
    as_colleague = client.get(url).text

    assert "Carlos Mendes" in as_outsider and "Works on SDG 4." in as_outsider
    assert member.email not in as_outsider
    # Group membership is members-only knowledge.
    assert group.title not in as_outsider
    assert group.title in as_colleague


# --- events on the site -----------------------------------------------------------------


def test_moderator_features_an_event_of_their_group(client, group, moderator):
    event = EventFactory(group=group, title="Standards webinar")
    client.force_login(moderator)

    page = client.get(event.url).text
    response = client.post(
        f"/events/{event.slug}/feature/", {"featured": "on"}, follow=True
    )

    assert "Feature this event" in page
    assert "The event is now featured." in response.text
    assert EventPage.objects.get(pk=event.pk).featured
    assert EventPage.objects.get(pk=event.pk).live_revision.user == moderator


def test_moderators_cannot_feature_events_elsewhere(
    client, group, other_group, moderator
):
    event = EventFactory(group=other_group, title="Their webinar")
    site_wide = EventFactory(title="Conference")
    client.force_login(moderator)

    assert "Feature this event" not in client.get(event.url).text
    for target in (event, site_wide):
        response = client.post(f"/events/{target.slug}/feature/", {"featured": "on"})
        assert response.status_code == 403
        assert not EventPage.objects.get(pk=target.pk).featured


def test_organisers_see_who_registered(client, group, moderator, member):
    event = EventFactory(group=group, title="Clinic", visibility=Visibility.MEMBERS)
    client.force_login(member)
    client.post(f"/events/{event.slug}/rsvp/", {"response": "going"})

    client.force_login(moderator)
    page = client.get(event.url).text

    assert "Registered" in page and "Carlos Mendes" in page


@pytest.mark.parametrize("past", [False, True])
def test_event_page_shows_the_zone_and_hooks_for_the_viewers_zone(client, db, past):
    from datetime import UTC, datetime

    year = 2020 if past else timezone.now().year + 1
    event = EventFactory(
        title="Spring webinar",
        start=datetime(year, 3, 29, 8, 0, tzinfo=UTC),
        end=datetime(year, 3, 29, 9, 0, tzinfo=UTC),
        time_zone="Europe/Paris",
    )

    page = client.get(event.url).text

    assert "10:00" in page and "Europe/Paris (CEST)" in page
    assert f'datetime="{year}-03-29T08:00:00+00:00"' in page
    assert f'data-local-time="local-event-{event.pk}"' in page
    assert f'id="local-event-{event.pk}"' in page
