"""Sharing a resource, moderating it on the site, submissions and curation."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import WorkflowState

from knowledge.models import ResourcePage
from knowledge.services import resource_submit
from tests.factories import ResourceFactory
from tests.factories.knowledge import PDF_BYTES

pytestmark = pytest.mark.django_db


def form_data(group, **overrides):
    data = {
        "group": group.pk,
        "title": "Census quality checklist",
        "summary": "A one-page checklist for head teachers.",
        "format": "tool",
        "knowledge_type": "",
        "level": "national",
        "language": "en",
        "visibility": "public",
        "tags": "data quality, school census",
        "publication_year": "2024",
        "external_url": "https://example.org/checklist",
    }
    data.update(overrides)
    return data


def pdf(name="checklist.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def test_sharing_needs_an_account_and_a_group(client, outsider, library):
    assert client.get("/knowledge/submit/")["Location"].startswith("/accounts/login/")

    client.force_login(outsider)
    response = client.get("/knowledge/submit/")

    assert response.status_code == 403
    assert "Join a working group first" in response.content.decode()


def test_a_member_shares_a_resource_with_a_pdf(
    client, group, other_group, member, moderator, django_capture_on_commit_callbacks
):
    client.force_login(member)
    form = client.get("/knowledge/submit/").context["form"]
    assert list(form.fields["group"].queryset) == [group]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/knowledge/submit/", {**form_data(group), "attachments": [pdf()]}
        )

    assert response.status_code == 302
    assert response["Location"] == "/knowledge/my-submissions/"
    resource = ResourcePage.objects.get(title="Census quality checklist")
    assert not resource.live
    assert resource.owner == member
    assert resource.attachments.get().document.file.read().startswith(b"%PDF")
    assert sorted(resource.tags.names()) == ["data quality", "school census"]
    # The group's moderators are told by Wagtail's workflow notification.
    assert any(moderator.email in message.to for message in mail.outbox)
    submissions = client.get("/knowledge/my-submissions/").content.decode()
    assert "Census quality checklist" in submissions
    assert "Awaiting moderation" in submissions


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"publication_year": "20x4"}, "publication_year", "Enter a whole number."),
        (
            {"publication_year": "1066"},
            "publication_year",
            "Ensure this value is greater than or equal to 1900.",
        ),
        ({"external_url": "not a link"}, "external_url", "Enter a valid URL."),
        ({"doi": "doi:banana"}, "doi", "This is not a DOI."),
        ({"title": ""}, "title", "This field is required."),
        (
            {"format": "lesson-learned"},
            "lesson_learned",
            "Write down the lesson: what should others know?",
        ),
        (
            {"external_url": "", "publication_year": ""},
            None,
            "Attach a file, give a link or DOI, or describe the resource.",
        ),
    ],
)
def test_bad_input_is_explained_and_what_was_typed_is_kept(
    client, group, member, overrides, field, message
):
    client.force_login(member)

    response = client.post("/knowledge/submit/", form_data(group, **overrides))

    assert response.status_code == 400
    form = response.context["form"]
    errors = form.errors.get(field or "__all__", [])
    assert any(message in error for error in errors), form.errors
    html = response.content.decode()
    assert "A one-page checklist for head teachers." in html
    assert not ResourcePage.objects.exists()


def test_disallowed_and_oversized_files_are_refused(client, group, member, settings):
    client.force_login(member)
    exe = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", "application/octet-stream")
    disguised = SimpleUploadedFile("report.pdf", b"MZ\x90\x00", "application/pdf")

    for upload, message in [
        (exe, "is not an accepted file type"),
        (disguised, "does not look like a PDF file"),
    ]:
        response = client.post(
            "/knowledge/submit/", {**form_data(group), "attachments": [upload]}
        )
        assert response.status_code == 400
        assert message in " ".join(response.context["form"].errors["attachments"])
        assert "please choose your files again" in response.content.decode()

    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 20  # bytes
    response = client.post(
        "/knowledge/submit/", {**form_data(group), "attachments": [pdf()]}
    )
    assert "is too large" in " ".join(response.context["form"].errors["attachments"])
    assert 'value="Census quality checklist"' in response.content.decode()
    assert not ResourcePage.objects.exists()


def test_members_cannot_share_to_groups_they_do_not_belong_to(
    client, group, other_group, member
):
    client.force_login(member)

    response = client.post("/knowledge/submit/", form_data(other_group))

    assert response.status_code == 400
    assert "group" in response.context["form"].errors


@pytest.fixture
def pending(group, member):
    return resource_submit(
        submitter=member,
        group=group,
        title="Pending checklist",
        summary="Awaiting a moderator.",
        format="tool",
        attachments=[pdf()],
    )


def test_moderators_approve_from_the_site_queue(
    client, pending, member, moderator, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    queue = client.get("/knowledge/moderation/")
    assert "Pending checklist" in queue.content.decode()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/knowledge/moderation/{pending.pk}/",
            {f"r{pending.pk}-decision": "approve", f"r{pending.pk}-comment": ""},
        )

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.live
    assert [message.to for message in mail.outbox] == [[member.email]]
    assert "is published" in mail.outbox[0].subject
    page = client.get("/knowledge/pending-checklist/").content.decode()
    assert "Approved by" in page
    assert "Moderator" in page
    assert "Nothing is waiting for moderation" in (
        client.get("/knowledge/moderation/").content.decode()
    )


def test_rejection_needs_a_comment_which_the_submitter_reads(
    client, pending, member, moderator, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    url = f"/knowledge/moderation/{pending.pk}/"

    response = client.post(url, {f"r{pending.pk}-decision": "reject"})
    assert response.status_code == 400
    assert "Tell the submitter what to change" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                f"r{pending.pk}-decision": "reject",
                f"r{pending.pk}-comment": "Please add the publisher.",
            },
        )

    assert pending.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert "Please add the publisher." in mail.outbox[-1].body
    client.force_login(member)
    submissions = client.get("/knowledge/my-submissions/").content.decode()
    assert "Changes requested" in submissions
    assert "Please add the publisher." in submissions


def test_only_the_groups_moderators_see_the_queue_and_decide(
    client, pending, member, outsider, other_group
):
    from tests.factories import MembershipFactory, UserFactory
    from working_groups.models import Membership

    elsewhere = UserFactory(username="elsewhere")
    MembershipFactory(user=elsewhere, group=other_group, role=Membership.Role.MODERATOR)
    decision = {f"r{pending.pk}-decision": "approve"}

    for user in (member, outsider):
        client.force_login(user)
        assert client.get("/knowledge/moderation/").status_code == 403
        # A draft in moderation does not exist for them (portal.visibility).
        assert (
            client.post(f"/knowledge/moderation/{pending.pk}/", decision).status_code
            == 404
        )
    client.force_login(elsewhere)
    assert (
        "Pending checklist" not in client.get("/knowledge/moderation/").content.decode()
    )
    assert (
        client.post(f"/knowledge/moderation/{pending.pk}/", decision).status_code == 404
    )
    pending.refresh_from_db()
    assert not pending.live


def test_moderators_feature_resources_of_their_group(client, group, member, moderator):
    resource = ResourceFactory(parent=group, slug="to-feature")

    client.force_login(member)
    assert "Feature in the group" not in client.get(resource.url).content.decode()
    assert (
        client.post("/knowledge/to-feature/feature/", {"featured": "1"}).status_code
        == 403
    )

    client.force_login(moderator)
    response = client.post("/knowledge/to-feature/feature/", {"featured": "1"})

    assert response["Location"] == "/knowledge/to-feature/"
    resource.refresh_from_db()
    assert resource.featured
    assert "Stop featuring" in client.get(resource.url).content.decode()


def test_provenance_and_history_on_the_resource_page(
    client, pending, moderator, member
):
    from knowledge.services import resource_moderate

    resource_moderate(resource=pending, moderator=moderator, approve=True)

    html = client.get("/knowledge/pending-checklist/").content.decode()

    assert "Shared by" in html
    assert member.profile.name in html
    assert f"Approved by</dt><dd>{moderator.profile.name}" in html
    assert "Last changed" in html
    assert "Change history" in html
    assert "Published" in html


def test_the_home_page_lists_the_latest_visible_resources(client, library):
    ResourceFactory(title="Fresh report")

    assert "Fresh report" in client.get("/").content.decode()


def test_editors_have_a_resource_listing_and_publishers_in_the_admin(
    client, staff, library
):
    ResourceFactory(title="Listed in the admin")
    client.force_login(staff)

    listing = client.get("/admin/resources/?format=report")
    assert listing.status_code == 200
    assert "Listed in the admin" in listing.content.decode()
    assert client.get("/admin/snippets/knowledge/organisation/").status_code == 200


def test_editors_create_and_edit_resources_in_the_admin(client, staff, library, group):
    resource = ResourceFactory(parent=group, title="Editable")
    client.force_login(staff)

    assert client.get(f"/admin/pages/{resource.pk}/edit/").status_code == 200
    add_url = f"/admin/pages/add/knowledge/resourcepage/{library.pk}/"
    assert client.get(add_url).status_code == 200


def test_the_admin_form_refuses_members_only_resources_without_a_group(library, group):
    from wagtail.test.utils.form_data import (
        inline_formset,
        nested_form_data,
        streamfield,
    )

    from knowledge.models import ResourcePage

    form_class = ResourcePage.get_edit_handler().get_form_class()
    data = nested_form_data(
        {
            "title": "Closed notes",
            "slug": "closed-notes",
            "introduction": "Notes.",
            "format": "report",
            "level": "national",
            "language": "en",
            "visibility": "members",
            "body": streamfield([]),
            "attachments": inline_formset([]),
            "comments": inline_formset([]),
        }
    )

    site_wide = form_class(
        data=data, instance=ResourcePage(), parent_page=library, for_user=None
    )
    in_group = form_class(
        data=data, instance=ResourcePage(), parent_page=group, for_user=None
    )

    site_wide.is_valid()
    in_group.is_valid()
    assert "visibility" in site_wide.errors
    assert "visibility" not in in_group.errors


def test_the_submitter_changes_and_resubmits_after_changes_are_requested(
    client, pending, member, moderator, django_capture_on_commit_callbacks
):
    from knowledge.services import resource_moderate

    edit_url = f"/knowledge/my-submissions/{pending.pk}/edit/"
    client.force_login(member)
    assert client.get(edit_url)["Location"] == "/knowledge/my-submissions/"
    resource_moderate(
        resource=pending, moderator=moderator, approve=False, comment="Add a year."
    )

    submissions = client.get("/knowledge/my-submissions/").content.decode()
    assert edit_url in submissions
    form = client.get(edit_url)
    assert "Add a year." in form.content.decode()
    data = {
        key: value
        for key, value in form.context["form"].initial.items()
        if value not in (None, [])
    }
    data.update(
        {"publication_year": "2023", "title": "Pending checklist, 2023 edition"}
    )
    data["organisations"] = []
    response = client.post(edit_url, {**data, "attachments": [pdf("second.pdf")]})

    assert response.status_code == 302, response.context["form"].errors
    pending.refresh_from_db()
    assert pending.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert pending.attachments.count() == 2
    client.force_login(moderator)
    queue = client.get("/knowledge/moderation/").content.decode()
    assert "Pending checklist, 2023 edition" in queue
    with django_capture_on_commit_callbacks(execute=True):
        resource_moderate(resource=pending, moderator=moderator, approve=True)
    pending.refresh_from_db()
    assert pending.live
    assert pending.publication_year == 2023
    assert pending.title == "Pending checklist, 2023 edition"


def test_nobody_else_can_change_a_submission(client, pending, moderator, outsider):
    for user in (moderator, outsider):
        client.force_login(user)
        assert (
            client.get(f"/knowledge/my-submissions/{pending.pk}/edit/").status_code
            == 404
        )
