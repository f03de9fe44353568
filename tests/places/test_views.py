"""Country and region pages, and the map with its table alternative."""

import re

import pytest
from django.urls import reverse

from forums.models import Forum
from tests.factories import (
    EventFactory,
    ForumFactory,
    MembershipFactory,
    ResourceFactory,
    ThreadFactory,
)
from tests.factories.people import expert_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(library):
    return {
        "international": ResourceFactory(
            title="Global EMIS norms", level="international", countries=["SN", "KE"]
        ),
        "national": ResourceFactory(
            title="Senegal school census report", level="national", countries=["SN"]
        ),
        "regional": ResourceFactory(
            title="Sahel data review", level="regional", countries=["SN", "ML"]
        ),
        "lesson": ResourceFactory(
            title="Dakar lesson on tablets",
            format="lesson-learned",
            knowledge_type="tacit",
            countries=["SN"],
        ),
        "kenya": ResourceFactory(title="Kenya NEMIS", countries=["KE"]),
        "africa": ResourceFactory(
            title="Africa-wide guide", level="regional", regions=["africa"]
        ),
    }


def _titles_in_order(body: str, titles: list[str]) -> list[str]:
    found = [(body.index(t), t) for t in titles if t in body]
    return [t for _i, t in sorted(found)]


def test_country_page_lists_national_resources_first(client, content):
    body = client.get(reverse("places:country", args=["sn"])).content.decode()
    assert _titles_in_order(
        body,
        ["Global EMIS norms", "Senegal school census report", "Sahel data review"],
    ) == ["Senegal school census report", "Sahel data review", "Global EMIS norms"]
    lessons = body.split('id="lessons-heading"')[1]
    assert "Dakar lesson on tablets" in lessons
    assert "Kenya NEMIS" not in body


def test_country_codes_are_case_insensitive_and_checked(client, content):
    response = client.get("/countries/SN/")
    assert response.status_code == 301 and response["Location"] == "/countries/sn/"
    assert client.get("/countries/zz/").status_code == 404
    assert client.get("/regions/atlantis/").status_code == 404


def test_country_page_lists_events_held_there_and_discussions_mentioning_it(
    client, library, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        EventFactory(title="EMIS week", venue="King Fahd Palace", country="SN")
        # The venue's text no longer decides: the structured country does.
        EventFactory(title="Nairobi forum", venue="Dakar Room, Nairobi", country="KE")
        EventFactory(title="Called off", venue="Dakar", country="SN", cancelled=True)
        forum = ForumFactory()
        ThreadFactory(forum=forum, title="Senegal's census calendar")
        ThreadFactory(forum=forum, title="Other", body="We met the team from Senegal.")
        ThreadFactory(forum=forum, title="Recensement", body="Au Sénégal, en 2024…")
        ThreadFactory(forum=forum, title="Перепись", body="Опыт школ в Сенегале.")
        ThreadFactory(forum=forum, title="普查", body="塞内加尔的学校普查")
        ThreadFactory(forum=forum, title="تعداد المدارس", body="تجربة بالسنغال")
        ThreadFactory(forum=forum, title="Codes", body="Figures for SEN and KEN.")
        ThreadFactory(forum=forum, title="Closed Senegal talk", is_locked=True)
        ThreadFactory(forum=forum, title="Kenya only")
    body = client.get(reverse("places:country", args=["sn"])).content.decode()
    events = body.split('id="events-heading"')[1].split("</section>")[0]
    assert "EMIS week" in events and "(1)" in events
    assert "Nairobi forum" not in events and "Called off" not in events
    discussions = body.split('id="discussions-heading"')[1].split("</section>")[0]
    for title in (
        "Senegal&#x27;s census calendar",
        "Other",
        "Recensement",
        "Перепись",
        "普查",
        "تعداد المدارس",
        "Codes",
    ):
        assert title in discussions
    assert "(7)" in discussions
    assert "Closed Senegal talk" not in body and "Kenya only" not in body
    kenya = client.get(reverse("places:country", args=["ke"])).content.decode()
    assert "Nairobi forum" in kenya and "Codes" in kenya and "Kenya only" in kenya


def test_private_events_and_discussions_stay_private_on_country_pages(
    client, reader, private_group, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        EventFactory(
            title="Circle meeting in Dakar",
            venue="Dakar",
            country="SN",
            group=private_group,
            visibility="members",
        )
        ThreadFactory(
            forum=Forum.objects.get(group=private_group),
            title="Senegal, between us",
        )
    for viewer in (None, reader):
        if viewer:
            client.force_login(viewer)
        body = client.get(reverse("places:country", args=["sn"])).content.decode()
        assert "Circle meeting in Dakar" not in body
        assert "Senegal, between us" not in body
        index = client.get(reverse("places:countries")).content.decode()
        assert 'href="/countries/sn/"' not in index
    MembershipFactory(user=reader, group=private_group)
    body = client.get(reverse("places:country", args=["sn"])).content.decode()
    assert "Circle meeting in Dakar" in body and "Senegal, between us" in body


def test_private_content_stays_private_on_country_pages(
    client, reader, private_group, library
):
    ResourceFactory(
        title="Members-only Senegal note",
        countries=["SN"],
        parent=private_group,
        visibility="members",
        owning_group=private_group,
    )
    for viewer in (None, reader):
        if viewer:
            client.force_login(viewer)
        body = client.get(reverse("places:country", args=["sn"])).content.decode()
        assert "Members-only Senegal note" not in body
        index = client.get(reverse("places:countries")).content.decode()
        assert 'href="/countries/sn/"' not in index


def test_country_page_lists_members_who_opted_in(client, reader, library):
    expert_create("awa", display_name="Awa Ndiaye", countries=["SN"])
    expert_create("kamau", display_name="Kamau Otieno", countries=["KE"])
    client.force_login(reader)
    body = client.get(reverse("places:country", args=["sn"])).content.decode()
    assert "Awa Ndiaye" in body and "Kamau Otieno" not in body


def test_region_page_gathers_its_countries(client, content):
    body = client.get(reverse("places:region", args=["africa"])).content.decode()
    for title in ("Africa-wide guide", "Sahel data review", "Kenya NEMIS"):
        assert title in body
    assert body.index("Africa-wide guide") < body.index("Global EMIS norms")
    assert 'href="/countries/ke/"' in body and 'href="/countries/sn/"' in body


def _map_links(body: str) -> dict[str, str]:
    svg = body.split("<svg", 1)[1].split("</svg>", 1)[0]
    return dict(
        re.findall(r'<a href="/countries/([a-z]{2})/"[^>]*aria-label="([^"]+)"', svg)
    )


def _table_rows(body: str) -> dict[str, list[str]]:
    table = body.split('class="country-table"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]:
        code = re.search(r'href="/countries/([a-z]{2})/"', row).group(1)
        rows[code] = re.findall(r"<td>(\d+)</td>", row)
    return rows


def test_every_country_with_content_is_a_link_and_the_table_agrees(
    client, content, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        EventFactory(title="EMIS week", venue="Dakar", country="SN")
        EventFactory(title="Lima workshop", venue="Lima", country="PE")
        ThreadFactory(forum=ForumFactory(), title="Census in Senegal and Kenya")
    body = client.get(reverse("places:countries")).content.decode()
    links = _map_links(body)
    rows = _table_rows(body)
    assert set(links) == {"sn", "ke", "ml", "pe"} == set(rows)
    assert links["sn"] == "Senegal: 6 items shared"
    # resources, lessons, events, discussions, total
    assert rows["sn"] == ["3", "1", "1", "1", "6"]
    assert rows["ke"] == ["2", "0", "0", "1", "3"]
    assert rows["ml"] == ["1", "0", "0", "0", "1"]
    assert rows["pe"] == ["0", "0", "1", "0", "1"]
    for code, label in links.items():
        assert re.search(r": (\d+) items? shared$", label).group(1) == rows[code][4]
    # Countries with nothing shared are drawn, but are not links.
    assert body.count('<path class="country country--shade-0"') > 150
    # Each country page lists what its row counts.
    senegal = client.get(reverse("places:country", args=["sn"])).content.decode()
    for heading, number in zip(
        ("resources", "lessons", "events", "discussions"), rows["sn"], strict=False
    ):
        section = senegal.split(f'id="{heading}-heading"')[1].split("</h2>")[0]
        assert f"({number})" in section


def test_table_sorts_by_any_column(client, content):
    by_name = client.get(reverse("places:countries") + "?sort=name").content.decode()
    assert list(_table_rows(by_name)) == ["ke", "ml", "sn"]
    by_total = client.get(reverse("places:countries")).content.decode()
    assert list(_table_rows(by_total)) == ["sn", "ke", "ml"]
    assert 'aria-sort="descending"' in by_total


def test_the_map_needs_no_external_resource(client, content):
    body = client.get(reverse("places:countries")).content.decode()
    assert not re.search(r'(src|href)="https?://', body.split("<main", 1)[1])
