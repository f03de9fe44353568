"""A resource that stops being public leaves a persistent tombstone, reported as
a deleted record; one that was never public leaves nothing."""

import pytest

from oai.models import DeletedRecord
from tests.factories import ResourceFactory, WorkingGroupFactory
from working_groups.models import Visibility

from .conftest import NS, identifiers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def repository_id(settings):
    settings.OAI_REPOSITORY_ID = "testserver"


@pytest.fixture
def group(home_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return WorkingGroupFactory(title="Data governance", slug="data-governance")


@pytest.fixture
def resource(group, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return ResourceFactory(title="Census guide", parent=group, format="book")


def deleted_headers(document) -> list[str]:
    return [
        header.findtext("oai:identifier", namespaces=NS)
        for header in document.iterfind(".//oai:header", NS)
        if header.get("status") == "deleted"
    ]


def test_made_members_only_becomes_a_deleted_record(
    resource, harvest, django_capture_on_commit_callbacks
):
    resource.visibility = Visibility.MEMBERS
    with django_capture_on_commit_callbacks(execute=True):
        resource.save_revision().publish()

    tombstone = DeletedRecord.objects.get(resource_id=resource.pk)
    assert "group:data-governance" in tombstone.set_specs
    identifier = f"oai:testserver:resource/{resource.pk}"
    document = harvest(verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert deleted_headers(document) == [identifier]
    in_set = harvest(verb="ListRecords", metadataPrefix="oai_dc", set="format:book")
    assert deleted_headers(in_set) == [identifier]
    assert in_set.find(".//oai:record/oai:metadata", NS) is None
    record = harvest(verb="GetRecord", metadataPrefix="oai_dc", identifier=identifier)
    assert deleted_headers(record) == [identifier]


def test_unpublished_and_deleted_resources_are_deleted_records(
    resource, django_capture_on_commit_callbacks
):
    other = ResourceFactory(title="Another guide")
    with django_capture_on_commit_callbacks(execute=True):
        resource.unpublish()
    with django_capture_on_commit_callbacks(execute=True):
        other.delete()
    assert set(DeletedRecord.objects.values_list("resource_id", flat=True)) == {
        resource.pk,
        other.pk,
    }


def test_public_again_is_a_live_record_again(
    resource, harvest, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        resource.unpublish()
    with django_capture_on_commit_callbacks(execute=True):
        resource.save_revision().publish()
    assert not DeletedRecord.objects.exists()
    document = harvest(verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert identifiers(document) == [f"oai:testserver:resource/{resource.pk}"]
    assert deleted_headers(document) == []


def test_never_public_resources_leave_no_tombstone(
    group, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        secret = ResourceFactory(
            title="Secret", parent=group, visibility=Visibility.MEMBERS
        )
    with django_capture_on_commit_callbacks(execute=True):
        secret.delete()
    assert not DeletedRecord.objects.exists()


def test_a_group_made_private_turns_its_resources_into_deleted_records(
    resource, group, django_capture_on_commit_callbacks
):
    outside = ResourceFactory(title="Not in the group")
    group.visibility = Visibility.MEMBERS
    with django_capture_on_commit_callbacks(execute=True):
        group.save_revision().publish()
    assert list(DeletedRecord.objects.values_list("resource_id", flat=True)) == [
        resource.pk
    ]
    assert not DeletedRecord.objects.filter(resource_id=outside.pk).exists()
