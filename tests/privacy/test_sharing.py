"""Issue 9, item 5: one group's moderator cannot publish or feature into another
group's space."""

import pytest

from knowledge.models import ResourcePage
from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def admin_form(resource, user, groups):
    form_class = ResourcePage.get_edit_handler().get_form_class()
    return form_class(
        data={
            "title": resource.title,
            "slug": resource.slug,
            "format": resource.format,
            "groups": [group.pk for group in groups],
            "body-count": "0",
        },
        instance=resource,
        for_user=user,
        parent_page=resource.get_parent(),
    )


def test_a_moderator_cannot_share_into_a_group_they_do_not_moderate(world):
    resource = world["public_resource"]

    into_other = admin_form(resource, world["moderator"], [world["other"]])
    by_staff = admin_form(resource, world["staff"], [world["other"]])
    by_its_moderator = admin_form(resource, world["other_moderator"], [world["other"]])

    into_other.is_valid()
    by_staff.is_valid()
    by_its_moderator.is_valid()
    assert "Only the moderators of Enabling" in str(into_other.errors.get("groups"))
    assert "groups" not in by_staff.errors
    assert "groups" not in by_its_moderator.errors


def test_featuring_shows_only_in_the_owning_groups_space(client, world):
    ResourceFactory(
        title="Featured by group one",
        parent=world["group"],
        groups=[world["other"]],
        featured=True,
    )

    own_space = client.get(world["group"].url)
    other_space = client.get(world["other"].url)

    assert [r.title for r in own_space.context["featured_resources"]] == [
        "Featured by group one"
    ]
    assert other_space.context["featured_resources"] == []
    assert "Featured by group one" in other_space.content.decode()
