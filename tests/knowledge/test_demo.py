import pytest

from knowledge.models import Organisation, ResourcePage
from knowledge.selectors import resource_list_pending_for_group
from knowledge.vocabulary import Format, KnowledgeType, Level
from working_groups.models import WorkingGroupPage

pytestmark = pytest.mark.django_db


def test_demo_library_covers_the_vocabulary(demo_content, client):
    live = ResourcePage.objects.live()

    assert set(live.values_list("format", flat=True)) == set(Format.values)
    assert set(live.values_list("knowledge_type", flat=True)) == set(
        KnowledgeType.values
    )
    assert set(live.values_list("level", flat=True)) == set(Level.values)
    assert {"UNESCO", "UIS", "World Bank", "UNICEF", "ADEA"} <= {
        organisation.short_name for organisation in Organisation.objects.all()
    }
    assert live.filter(series="IIEP information paper", series_number="31").exists()
    assert live.filter(format="lesson-learned").count() >= 3
    assert live.filter(format="story").count() >= 2
    group_1 = WorkingGroupPage.objects.get(slug="technologies-and-architectures")
    members_only = live.filter(visibility="members")
    assert members_only.count() >= 2
    assert set(members_only.values_list("owning_group", flat=True)) == {group_1.pk}
    assert resource_list_pending_for_group(group=group_1).exists()
    assert 25 <= live.count() <= 45
    assert client.get("/knowledge/").status_code == 200
    assert client.get("/lessons-learned/").status_code == 200
