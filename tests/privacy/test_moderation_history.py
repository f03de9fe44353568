"""Issue 9, items 3 and 12: a moderator's request for changes stays between the
moderator and the submitter, and resubmitting does not escape the text twice."""

import pytest

from knowledge.models import ResourcePage
from knowledge.services import resource_moderate, resource_submit

pytestmark = pytest.mark.django_db


def test_requested_changes_stay_private_and_text_survives_a_resubmission(
    client, world, django_capture_on_commit_callbacks
):
    member, moderator = world["member"], world["moderator"]
    resource = resource_submit(
        submitter=member,
        group=world["group"],
        title="R&D budget lines",
        summary="How R&D is costed.",
        format="report",
        body_text="R&D spending <in> ministries.",
        external_url="https://example.org/rd",
    )
    with django_capture_on_commit_callbacks(execute=True):
        resource_moderate(
            resource=resource,
            moderator=moderator,
            approve=False,
            comment="Private note: the author's figures look invented.",
        )
    client.force_login(member)
    edit_url = f"/knowledge/my-submissions/{resource.pk}/edit/"
    form = client.get(edit_url)
    data = {
        key: value
        for key, value in form.context["form"].initial.items()
        if value not in (None, [])
    }
    data["organisations"] = []
    assert client.post(edit_url, data).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        resource_moderate(
            resource=ResourcePage.objects.get(pk=resource.pk),
            moderator=moderator,
            approve=True,
        )

    client.logout()
    page = client.get(ResourcePage.objects.get(pk=resource.pk).url).content.decode()

    assert "figures look invented" not in page
    assert "Changes requested" not in page
    assert "R&amp;D spending &lt;in&gt; ministries." in page
    assert "&amp;amp;" not in page and "&amp;lt;" not in page
