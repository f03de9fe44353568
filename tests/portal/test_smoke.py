"""Every page of the URL map answers every kind of person without a server
error, on the full demo content: the integration check behind `make run`."""

import pytest
from django.contrib.auth import get_user_model

from forums.models import Thread
from knowledge.models import ResourcePage
from working_groups.models import EventPage, WorkingGroupPage

pytestmark = pytest.mark.django_db

ROLES = {
    "visitor": None,
    "member of no group": "newcomer@emis.example.org",
    "member of group 1": "member@emis.example.org",
    "moderator of group 1": "moderator@emis.example.org",
    "admin": "admin@emis.example.org",
}


def url_map() -> list[str]:
    group = WorkingGroupPage.objects.live().order_by("path").first()
    resource = ResourcePage.objects.live().public().order_by("pk").first()
    event = EventPage.objects.live().order_by("pk").first()
    thread = Thread.objects.filter(forum__group__isnull=True).order_by("pk").first()
    return [
        "/",
        "/working-groups/",
        group.url,
        f"{group.url}members/",
        f"{group.url}calendar.ics",
        f"{group.url}moderation/",
        "/knowledge/",
        "/knowledge/?knowledge_type=tacit&sort=title",
        resource.url,
        f"{resource.url}cite.bib",
        f"{resource.url}cite.ris",
        "/knowledge/cite.bib?format=report",
        "/knowledge/submit/",
        "/knowledge/moderation/",
        "/knowledge/my-submissions/",
        "/lessons-learned/",
        "/events/",
        "/events/?past=1",
        event.url,
        "/events/calendar.ics",
        "/forums/",
        f"/forums/{thread.forum.slug}/",
        thread.get_absolute_url(),
        "/search/?q=census",
        "/search/?q=",
        "/api/search/?q=lessons",
        "/api/search/suggest/?q=dat",
        "/feeds/resources/",
        "/feeds/events/",
        "/healthz",
        "/accounts/profile/",
        "/admin/",
        # Open to the rest of the field (issue 16)
        f"{resource.url}cite.json",
        "/knowledge/cite.json?format=report",
        "/oai/?verb=Identify",
        "/oai/?verb=ListRecords&metadataPrefix=oai_dc",
        "/oai/?verb=ListSets",
        "/sitemap.xml",
        "/robots.txt",
        "/api/",
        "/api/resources/?format=report",
        f"/api/resources/{resource.slug}/",
        "/api/events/",
        f"/api/events/{event.slug}/",
        "/api/working-groups/",
        "/api/threads/",
        f"/api/threads/{thread.pk}/",
        "/api/schema/",
        "/api/docs/",
        "/api/redoc/",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_without_error(client, demo_content, role):
    if ROLES[role]:
        client.force_login(get_user_model().objects.get(email=ROLES[role]))

    statuses = {url: client.get(url).status_code for url in url_map()}

    errors = {url: status for url, status in statuses.items() if status >= 500}
    assert errors == {}
    public_pages = ["/", "/knowledge/", "/lessons-learned/", "/events/", "/forums/"]
    assert all(statuses[url] == 200 for url in public_pages)
    assert statuses["/admin/"] == (
        200 if role in {"admin", "moderator of group 1"} else 302
    )
    members_directory = next(url for url in statuses if url.endswith("/members/"))
    expected_directory = {
        "visitor": 302,
        "member of no group": 403,
    }.get(role, 200)
    assert statuses[members_directory] == expected_directory
