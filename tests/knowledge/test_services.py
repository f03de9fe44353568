import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import WorkflowState

from knowledge.models import ResourcePage
from knowledge.selectors import (
    resource_list_for_group,
    resource_list_pending_for_group,
    resource_list_submitted_by,
)
from knowledge.services import resource_feature, resource_moderate, resource_submit
from tests.factories.knowledge import PDF_BYTES

pytestmark = pytest.mark.django_db


def submit(submitter, group, **overrides):
    data = {
        "submitter": submitter,
        "group": group,
        "title": "Costing an EMIS reform",
        "summary": "How one ministry costed its EMIS reform.",
        "format": "report",
    }
    data.update(overrides)
    return resource_submit(**data)


def test_a_member_shares_a_resource_as_a_draft_in_the_groups_moderation(group, member):
    pdf = SimpleUploadedFile("costing.pdf", PDF_BYTES, "application/pdf")

    resource = submit(
        member,
        group,
        tags=["financing", "costing"],
        attachments=[pdf],
        lesson={"context": "A ministry", "lesson": "Start small"},
        body_text="First paragraph.\n\nSecond <b>paragraph</b>.",
    )

    resource = ResourcePage.objects.get(pk=resource.pk)
    assert not resource.live
    assert resource.get_parent().pk == group.pk
    assert resource.owning_group_id == group.pk
    assert resource.owner == member
    assert resource.knowledge_type == "explicit"
    assert sorted(resource.tags.names()) == ["costing", "financing"]
    assert resource.attachments.get().document.collection.name == "Knowledge library"
    assert resource.lesson_context == "A ministry"
    assert resource.lesson_learned == "Start small"
    assert "&lt;b&gt;paragraph&lt;/b&gt;" in str(resource.body[1].value)
    assert resource.workflow_in_progress
    assert list(resource_list_pending_for_group(group=group)) == [resource]
    assert resource_list_for_group(user=member, group=group) == []
    submission = resource_list_submitted_by(user=member).get()
    assert submission.workflow_status == WorkflowState.STATUS_IN_PROGRESS


def test_approval_publishes_and_emails_the_submitter(
    group, member, moderator, django_capture_on_commit_callbacks
):
    resource = submit(member, group)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        resource = resource_moderate(
            resource=resource, moderator=moderator, approve=True, comment="Thanks!"
        )

    assert resource.live
    assert resource.url == f"/knowledge/{resource.slug}/"
    assert list(resource_list_pending_for_group(group=group)) == []
    assert resource_list_for_group(user=member, group=group) == [resource]
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [member.email]
    assert "is published" in email.subject
    assert f"/knowledge/{resource.slug}/" in email.body
    assert "Thanks!" in email.body
    submission = resource_list_submitted_by(user=member).get()
    assert submission.workflow_status == WorkflowState.STATUS_APPROVED


def test_rejection_needs_a_comment_and_emails_it(
    group, member, moderator, django_capture_on_commit_callbacks
):
    resource = submit(member, group)
    mail.outbox.clear()

    with pytest.raises(ValidationError):
        resource_moderate(resource=resource, moderator=moderator, approve=False)
    with django_capture_on_commit_callbacks(execute=True):
        resource_moderate(
            resource=resource,
            moderator=moderator,
            approve=False,
            comment="Please add the year of publication.",
        )

    resource.refresh_from_db()
    assert not resource.live
    assert len(mail.outbox) == 1
    assert "Changes requested" in mail.outbox[0].subject
    assert "Please add the year of publication." in mail.outbox[0].body
    submission = resource_list_submitted_by(user=member).get()
    assert submission.workflow_status == WorkflowState.STATUS_NEEDS_CHANGES
    assert submission.moderation_comment == "Please add the year of publication."


def test_only_members_share_and_only_moderators_decide(
    group, member, outsider, other_group
):
    with pytest.raises(PermissionDenied):
        submit(outsider, group)
    with pytest.raises(PermissionDenied):
        submit(member, other_group)
    resource = submit(member, group)
    with pytest.raises(PermissionDenied):
        resource_moderate(resource=resource, moderator=member, approve=True)


def test_site_wide_submission_by_staff_uses_the_library_workflow(staff, library):
    resource = submit(staff, None, format="lesson-learned")

    assert resource.get_parent().pk == library.pk
    assert resource.knowledge_type == "tacit"
    assert resource.get_workflow().name == "Moderation: knowledge library"
    resource = resource_moderate(resource=resource, moderator=staff, approve=True)
    assert resource.live
    assert resource.url == f"/knowledge/{resource.slug}/"


def test_slugs_are_unique_across_the_library(group, member, staff, library):
    first = submit(member, group, title="Open data")
    second = submit(staff, None, title="Open data")
    third = submit(staff, None, title="Submit")

    assert first.slug == "open-data"
    assert second.slug == "open-data-2"
    assert third.slug == "submit-2"


def test_disallowed_attachment_is_refused_and_nothing_is_saved(group, member):
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", "application/octet-stream")
    fake_pdf = SimpleUploadedFile("report.pdf", b"MZ\x90\x00", "application/pdf")

    for upload in (exe, fake_pdf):
        with pytest.raises(ValidationError):
            submit(member, group, attachments=[upload])
    assert not ResourcePage.objects.exists()


def test_moderators_feature_resources(group, member, moderator):
    resource = resource_moderate(
        resource=submit(member, group), moderator=moderator, approve=True
    )

    with pytest.raises(PermissionDenied):
        resource_feature(resource=resource, user=member, featured=True)
    resource = resource_feature(resource=resource, user=moderator, featured=True)

    assert resource.featured
    assert resource_list_for_group(user=member, group=group, featured=True) == [
        resource
    ]


def test_other_pages_keep_wagtails_own_approval_email(group, member, moderator):
    """The library replaces Wagtail's outcome email for resources only."""
    group.save_revision(user=member)
    state = group.get_workflow().start(group, member)
    mail.outbox.clear()

    state.current_task_state.specific.approve(user=moderator)

    assert [message.to for message in mail.outbox] == [[member.email]]
    assert f'The page "{group.title}" has been approved' in mail.outbox[0].subject
