"""The privacy matrix: every URL pattern of the portal has an entry here, or the
suite fails. A new route cannot ship without someone deciding what it shows to
people who may not see private things.

Each entry is one of:

- ``Private(url, missing)``: the route is about one object; ``url`` names a
  private one, ``missing`` one that does not exist. A visitor and a signed-in
  outsider must get the same status for both, by GET and by POST (the rule of
  portal.visibility: private answers like missing).
- ``Listing(url)``: the route shows many things (or none in particular); it
  must not show private titles to a visitor or an outsider.
- ``Exempt(reason)``: covered elsewhere, and why.

Every non-exempt URL is also sent hostile query parameters (control
characters, NUL, invalid UTF-8, huge and negative numbers): no 5xx, ever.
"""

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forums.models import Flag, Suspension
from knowledge.services import resource_submit
from notifications.models import Notification
from search.models import SavedSearch
from tests.factories import MembershipFactory, UserFactory
from working_groups.models import Membership

pytestmark = pytest.mark.django_db

SECRETS = [
    "Secret blueprint",
    "Secret plans",
    "Our secret plan",
    "Members meeting",
    "Closed circle",
    "Secret annex",
    "Pending secret draft",
]
# Whole families of routes that answer for themselves.
EXEMPT_PREFIXES = {
    "admin/": "Wagtail admin: staff and moderators only; its page chooser is "
    "covered by test_admin_chooser.py",
    "django-admin/": "Django admin: superusers only",
    "accounts/": "allauth sign-in, sign-up and account pages: about the signed-in "
    "user only",
    "i18n/": "language switch: no content",
}


@dataclass(frozen=True)
class Private:
    url: str
    missing: str


@dataclass(frozen=True)
class Listing:
    url: str


@dataclass(frozen=True)
class Exempt:
    reason: str


MENTORING_COVERED = (
    "a private two-person exchange: tests/people/test_route_privacy.py and "
    "tests/people/test_privacy.py (bystanders, moderators and staff get the "
    "answer for a missing exchange)"
)

MATRIX = {
    # Production (issue 11): liveness and readiness reveal nothing to the public.
    "livez": Listing("/livez"),
    "readyz": Listing("/readyz"),
    "^media/(?P<folder>images|original_images)/(?P<name>[^/]+)$": Exempt(
        "image files only (never documents), by name; tests/privacy/test_media.py "
        "and tests/production cover the documents folder and path spellings"
    ),
    # Open to the rest of the field (issue 16).
    "oai/": Listing("/oai/?verb=ListRecords&metadataPrefix=oai_dc"),
    "sitemap.xml": Listing("/sitemap.xml"),
    "robots.txt": Listing("/robots.txt"),
    "api/": Listing("/api/"),
    "api/schema/": Listing("/api/schema/"),
    "api/docs/": Listing("/api/docs/"),
    "api/redoc/": Listing("/api/redoc/"),
    "api/tokens/": Listing("/api/tokens/"),
    "api/tokens/<int:pk>/revoke/": Exempt(
        "a member's own tokens only: tests/api/test_tokens.py"
    ),
    "api/^resources/$": Listing("/api/resources/?q=secret"),
    "api/^resources/(?P<slug>[^/\\x00]+)/$": Private(
        "/api/resources/secret-blueprint/", "/api/resources/no-such-thing/"
    ),
    "api/^events/$": Listing("/api/events/"),
    "api/^events/(?P<slug>[^/\\x00]+)/$": Private(
        "/api/events/members-meeting/", "/api/events/no-such-event/"
    ),
    "api/^working-groups/$": Listing("/api/working-groups/"),
    "api/^working-groups/(?P<slug>[^/\\x00]+)/$": Private(
        "/api/working-groups/closed-circle/", "/api/working-groups/no-such-group/"
    ),
    "api/^threads/$": Listing("/api/threads/"),
    "api/^threads/(?P<pk>[0-9]+)/$": Private(
        "/api/threads/{thread}/", "/api/threads/{thread_missing}/"
    ),
    # People and places (issue 17).
    "people/": Listing("/people/?q=secret"),
    "people/me/": Listing("/people/me/"),
    "people/experts/<int:pk>/": Private(
        "/people/experts/{member_pk}/", "/people/experts/{page_missing}/"
    ),
    "people/mentoring/": Listing("/people/mentoring/"),
    "people/mentoring/counts/": Listing("/people/mentoring/counts/"),
    "people/mentoring/<int:pk>/": Exempt(MENTORING_COVERED),
    "people/mentoring/<int:pk>/answer/": Exempt(MENTORING_COVERED),
    "people/mentoring/<int:pk>/messages/": Exempt(MENTORING_COVERED),
    "people/mentoring/<int:pk>/close/": Exempt(MENTORING_COVERED),
    "people/mentoring/<int:pk>/withdraw/": Exempt(MENTORING_COVERED),
    "people/mentoring/<int:pk>/lesson/": Exempt(MENTORING_COVERED),
    "people/mentoring/<int:pk>/lesson/answer/": Exempt(MENTORING_COVERED),
    "countries/": Listing("/countries/"),
    "countries/<str:code>/": Listing("/countries/sn/"),
    "regions/<slug:slug>/": Listing("/regions/africa/"),
    "documents/^(\\d+)/(.*)$": Private(
        "/documents/{document}/secret.pdf", "/documents/{document_missing}/secret.pdf"
    ),
    "documents/authenticate_with_password/<int:restriction_id>/": Exempt(
        "Wagtail's password-protected documents: the portal does not use them"
    ),
    "healthz": Listing("/healthz"),
    "jsi18n/": Listing("/jsi18n/"),
    "search/": Listing("/search/?q=secret"),
    "api/search/": Listing("/api/search/?q=secret"),
    "api/search/suggest/": Listing("/api/search/suggest/?q=secr"),
    "search/saved/": Listing("/search/saved/"),
    "search/saved/new/": Listing("/search/saved/new/?q=secret"),
    "search/saved/<int:pk>/edit/": Private(
        "/search/saved/{saved}/edit/", "/search/saved/{saved_missing}/edit/"
    ),
    "search/saved/<int:pk>/delete/": Private(
        "/search/saved/{saved}/delete/", "/search/saved/{saved_missing}/delete/"
    ),
    "search/alerts/unsubscribe/<str:token>/": Listing(
        "/search/alerts/unsubscribe/not-a-token/"
    ),
    "knowledge/submit/": Listing("/knowledge/submit/"),
    "knowledge/moderation/": Listing("/knowledge/moderation/"),
    "knowledge/moderation/<int:page_id>/": Private(
        "/knowledge/moderation/{pending}/", "/knowledge/moderation/{page_missing}/"
    ),
    "knowledge/my-submissions/": Listing("/knowledge/my-submissions/"),
    "knowledge/my-submissions/<int:page_id>/edit/": Private(
        "/knowledge/my-submissions/{pending}/edit/",
        "/knowledge/my-submissions/{page_missing}/edit/",
    ),
    "knowledge/tags/": Listing("/knowledge/tags/"),
    "knowledge/tags/<str:slug>/": Private(
        "/knowledge/tags/only-secret/", "/knowledge/tags/no-such-tag/"
    ),
    "^knowledge/cite\\.(?P<fmt>bib|ris|json)$": Listing(
        "/knowledge/cite.ris?tag=only-secret"
    ),
    "^knowledge/(?P<slug>[^/]+)/cite\\.(?P<fmt>bib|ris|json)$": Private(
        "/knowledge/secret-blueprint/cite.bib", "/knowledge/no-such-thing/cite.bib"
    ),
    "knowledge/<str:slug>/feature/": Private(
        "/knowledge/secret-blueprint/feature/", "/knowledge/no-such-thing/feature/"
    ),
    "lessons-learned/": Listing("/lessons-learned/"),
    "feeds/resources/": Listing("/feeds/resources/"),
    "feeds/resources/group/<slug:group_slug>/": Private(
        "/feeds/resources/group/closed-circle/", "/feeds/resources/group/no-such-group/"
    ),
    "feeds/resources/tag/<str:tag_slug>/": Private(
        "/feeds/resources/tag/only-secret/", "/feeds/resources/tag/no-such-tag/"
    ),
    "events/calendar.ics": Listing("/events/calendar.ics"),
    "events/<slug:slug>/event.ics": Private(
        "/events/members-meeting/event.ics", "/events/no-such-event/event.ics"
    ),
    "events/<slug:slug>/rsvp/": Private(
        "/events/members-meeting/rsvp/", "/events/no-such-event/rsvp/"
    ),
    "events/<slug:slug>/feature/": Private(
        "/events/members-meeting/feature/", "/events/no-such-event/feature/"
    ),
    "feeds/events/": Listing("/feeds/events/"),
    "working-groups/invitations/<str:token>/": Listing(
        "/working-groups/invitations/not-a-token/"
    ),
    "working-groups/<slug:slug>/calendar.ics": Private(
        "/working-groups/closed-circle/calendar.ics",
        "/working-groups/no-such-group/calendar.ics",
    ),
    "working-groups/<slug:slug>/join/": Private(
        "/working-groups/closed-circle/join/", "/working-groups/no-such-group/join/"
    ),
    "working-groups/<slug:slug>/leave/": Private(
        "/working-groups/closed-circle/leave/", "/working-groups/no-such-group/leave/"
    ),
    "working-groups/<slug:slug>/members/": Private(
        "/working-groups/closed-circle/members/",
        "/working-groups/no-such-group/members/",
    ),
    "working-groups/<slug:slug>/members/<int:pk>/remove/": Private(
        "/working-groups/closed-circle/members/{closed_membership}/remove/",
        "/working-groups/no-such-group/members/{closed_membership}/remove/",
    ),
    "working-groups/<slug:slug>/moderation/": Private(
        "/working-groups/closed-circle/moderation/",
        "/working-groups/no-such-group/moderation/",
    ),
    "working-groups/<slug:slug>/moderation/log/": Private(
        "/working-groups/closed-circle/moderation/log/",
        "/working-groups/no-such-group/moderation/log/",
    ),
    "working-groups/<slug:slug>/invite/": Private(
        "/working-groups/closed-circle/invite/", "/working-groups/no-such-group/invite/"
    ),
    "working-groups/<slug:slug>/requests/<int:pk>/approve/": Private(
        "/working-groups/closed-circle/requests/{closed_request}/approve/",
        "/working-groups/no-such-group/requests/{closed_request}/approve/",
    ),
    "working-groups/<slug:slug>/requests/<int:pk>/decline/": Private(
        "/working-groups/closed-circle/requests/{closed_request}/decline/",
        "/working-groups/no-such-group/requests/{closed_request}/decline/",
    ),
    "people/<int:pk>/": Private("/people/{member_pk}/", "/people/{page_missing}/"),
    "forums/": Listing("/forums/"),
    "forums/moderation/": Listing("/forums/moderation/"),
    "forums/settings/": Listing("/forums/settings/"),
    "forums/unsubscribe/<str:token>/": Listing("/forums/unsubscribe/not-a-token/"),
    "forums/post/<int:pk>/": Private(
        "/forums/post/{post}/", "/forums/post/{post_missing}/"
    ),
    "forums/post/<int:pk>/edit/": Private(
        "/forums/post/{post}/edit/", "/forums/post/{post_missing}/edit/"
    ),
    "forums/post/<int:pk>/history/": Private(
        "/forums/post/{post}/history/", "/forums/post/{post_missing}/history/"
    ),
    "forums/post/<int:pk>/delete/": Private(
        "/forums/post/{post}/delete/", "/forums/post/{post_missing}/delete/"
    ),
    "forums/post/<int:pk>/hide/": Private(
        "/forums/post/{post}/hide/", "/forums/post/{post_missing}/hide/"
    ),
    "forums/post/<int:pk>/flag/": Private(
        "/forums/post/{post}/flag/", "/forums/post/{post_missing}/flag/"
    ),
    "forums/flag/<int:pk>/resolve/": Private(
        "/forums/flag/{flag}/resolve/", "/forums/flag/{flag_missing}/resolve/"
    ),
    "forums/suspension/<int:pk>/lift/": Private(
        "/forums/suspension/{suspension}/lift/",
        "/forums/suspension/{suspension_missing}/lift/",
    ),
    "forums/<slug:slug>/": Private(
        "/forums/technologies-forum/", "/forums/no-such-forum/"
    ),
    "forums/<slug:slug>/new/": Private(
        "/forums/technologies-forum/new/", "/forums/no-such-forum/new/"
    ),
    "forums/<slug:slug>/feed/": Private(
        "/forums/technologies-forum/feed/", "/forums/no-such-forum/feed/"
    ),
    "forums/<slug:slug>/subscribe/": Private(
        "/forums/technologies-forum/subscribe/", "/forums/no-such-forum/subscribe/"
    ),
    "forums/<slug:slug>/moderation/": Private(
        "/forums/technologies-forum/moderation/", "/forums/no-such-forum/moderation/"
    ),
    "forums/<slug:slug>/moderation/settings/": Private(
        "/forums/technologies-forum/moderation/settings/",
        "/forums/no-such-forum/moderation/settings/",
    ),
    "forums/<slug:slug>/moderation/log/": Private(
        "/forums/technologies-forum/moderation/log/",
        "/forums/no-such-forum/moderation/log/",
    ),
    "forums/<slug:slug>/moderation/suspend/": Private(
        "/forums/technologies-forum/moderation/suspend/",
        "/forums/no-such-forum/moderation/suspend/",
    ),
    "forums/<slug:slug>/<int:pk>/": Private(
        "/forums/technologies-forum/{thread}/",
        "/forums/technologies-forum/{thread_missing}/",
    ),
    "forums/<slug:slug>/<int:pk>/unread/": Private(
        "/forums/technologies-forum/{thread}/unread/",
        "/forums/technologies-forum/{thread_missing}/unread/",
    ),
    "forums/<slug:slug>/<int:pk>/reply/": Private(
        "/forums/technologies-forum/{thread}/reply/",
        "/forums/technologies-forum/{thread_missing}/reply/",
    ),
    "forums/<slug:slug>/<int:pk>/answer/": Private(
        "/forums/technologies-forum/{thread}/answer/",
        "/forums/technologies-forum/{thread_missing}/answer/",
    ),
    "forums/<slug:slug>/<int:pk>/moderate/": Private(
        "/forums/technologies-forum/{thread}/moderate/",
        "/forums/technologies-forum/{thread_missing}/moderate/",
    ),
    "forums/<slug:slug>/<int:pk>/lesson/": Private(
        "/forums/technologies-forum/{thread}/lesson/",
        "/forums/technologies-forum/{thread_missing}/lesson/",
    ),
    "forums/<slug:slug>/<int:pk>/move/": Private(
        "/forums/technologies-forum/{thread}/move/",
        "/forums/technologies-forum/{thread_missing}/move/",
    ),
    "forums/<slug:slug>/<int:pk>/delete/": Private(
        "/forums/technologies-forum/{thread}/delete/",
        "/forums/technologies-forum/{thread_missing}/delete/",
    ),
    "forums/<slug:slug>/<int:pk>/subscribe/": Private(
        "/forums/technologies-forum/{thread}/subscribe/",
        "/forums/technologies-forum/{thread_missing}/subscribe/",
    ),
    # The composer (issue 15).
    "forums/post/<int:pk>/react/": Private(
        "/forums/post/{post}/react/", "/forums/post/{post_missing}/react/"
    ),
    "forums/attachment/<int:pk>/": Private(
        "/forums/attachment/{attachment}/", "/forums/attachment/{attachment_missing}/"
    ),
    "forums/<slug:slug>/preview/": Private(
        "/forums/technologies-forum/preview/", "/forums/no-such-forum/preview/"
    ),
    "forums/<slug:slug>/mentions/": Private(
        "/forums/technologies-forum/mentions/", "/forums/no-such-forum/mentions/"
    ),
    "forums/<slug:slug>/<int:pk>/mentions/": Private(
        "/forums/technologies-forum/{thread}/mentions/",
        "/forums/technologies-forum/{thread_missing}/mentions/",
    ),
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": Exempt(
        "Wagtail's password-protected pages: the portal does not use them"
    ),
    "_util/login/": Exempt("Wagtail's login for private pages: not used by the portal"),
    "^((?:[\\w\\-]+/)*)$": Private(
        "/knowledge/secret-blueprint/", "/knowledge/no-such-thing/"
    ),
    # Events run from the group space (issue 15): moderators only.
    "working-groups/<slug:slug>/events/": Private(
        "/working-groups/closed-circle/events/", "/working-groups/no-such-group/events/"
    ),
    "working-groups/<slug:slug>/events/new/": Private(
        "/working-groups/closed-circle/events/new/",
        "/working-groups/no-such-group/events/new/",
    ),
    "working-groups/<slug:slug>/events/<int:pk>/edit/": Private(
        "/working-groups/closed-circle/events/{event}/edit/",
        "/working-groups/closed-circle/events/{page_missing}/edit/",
    ),
    "working-groups/<slug:slug>/events/<int:pk>/duplicate/": Private(
        "/working-groups/closed-circle/events/{event}/duplicate/",
        "/working-groups/closed-circle/events/{page_missing}/duplicate/",
    ),
    "working-groups/<slug:slug>/events/<int:pk>/cancel/": Private(
        "/working-groups/closed-circle/events/{event}/cancel/",
        "/working-groups/closed-circle/events/{page_missing}/cancel/",
    ),
    "working-groups/<slug:slug>/events/<int:pk>/materials/": Private(
        "/working-groups/closed-circle/events/{event}/materials/",
        "/working-groups/closed-circle/events/{page_missing}/materials/",
    ),
}
# Notifications and the moderators' inbox (issue 15): a member's own
# notifications; the inbox and its actions for moderators only.
MATRIX.update(
    {
        "notifications/": Listing("/notifications/"),
        "notifications/read/": Listing("/notifications/read/"),
        "notifications/settings/": Listing("/notifications/settings/"),
        "notifications/<int:pk>/": Private(
            "/notifications/{notification}/", "/notifications/{notification_missing}/"
        ),
        "notifications/<int:pk>/read/": Private(
            "/notifications/{notification}/read/",
            "/notifications/{notification_missing}/read/",
        ),
        "moderation/": Listing("/moderation/"),
        "moderation/join-requests/<int:pk>/": Private(
            "/moderation/join-requests/{closed_request}/",
            "/moderation/join-requests/{page_missing}/",
        ),
        "moderation/resources/<int:pk>/": Private(
            "/moderation/resources/{pending}/", "/moderation/resources/{page_missing}/"
        ),
        "moderation/flags/<int:pk>/": Private(
            "/moderation/flags/{flag}/", "/moderation/flags/{flag_missing}/"
        ),
        "moderation/suspensions/<int:pk>/lift/": Private(
            "/moderation/suspensions/{suspension}/lift/",
            "/moderation/suspensions/{suspension_missing}/lift/",
        ),
    }
)

# Pages served by Wagtail's catch-all, checked like the routes above.
PAGES = [
    Private(
        "/working-groups/technologies/secret-blueprint/",
        "/working-groups/technologies/no-such-thing/",
    ),
    Private("/events/members-meeting/", "/events/no-such-event/"),
    Private("/working-groups/closed-circle/", "/working-groups/no-such-group/"),
    Listing("/"),
    Listing("/knowledge/?q=secret"),
    Listing("/events/?past=1"),
    Listing("/working-groups/"),
    Listing("/working-groups/technologies/"),
]

# The sitemap's sections (issue 18: /sitemap.xml is an index of them).
MATRIX["sitemap-<slug:section>.xml"] = Listing("/sitemap-pages.xml")
PAGES.append(Listing("/sitemap-threads.xml"))


def url_patterns(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def routes_to_check() -> list[str]:
    return [
        route
        for route in dict.fromkeys(url_patterns())
        if not route.startswith(tuple(EXEMPT_PREFIXES))
    ]


def test_every_route_has_a_privacy_matrix_entry():
    missing = [route for route in routes_to_check() if route not in MATRIX]
    stale = [route for route in MATRIX if route not in routes_to_check()]

    assert missing == [], (
        "add these routes to MATRIX in tests/privacy/test_url_matrix.py"
    )
    assert stale == []


@pytest.fixture
def objects(world):
    """The private objects the matrix's URLs name, and ids that exist nowhere."""
    closed = world["closed"]
    pending_user = UserFactory(username="applicant")
    request = MembershipFactory(
        user=pending_user, group=closed, status=Membership.Status.PENDING
    )
    closed_member = Membership.objects.get(user=world["member"], group=closed)
    flag = Flag.objects.create(
        post=world["post"], reporter=world["moderator"], reason=Flag.Reason.SPAM
    )
    suspension = Suspension.objects.create(
        forum=world["forum"], user=world["former"], reason="Spam"
    )
    saved = SavedSearch.objects.create(
        user=world["member"], name="Secret plans search", query_text="secret"
    )
    pending = resource_submit(
        submitter=world["member"],
        group=world["group"],
        title="Pending secret draft",
        summary="Not public.",
        format="report",
        external_url="https://example.org/draft",
    )
    notification = Notification.objects.create(
        recipient=world["member"],
        kind="reply",
        verb="reply",
        title="Secret plans",
        url=f"/forums/technologies-forum/{world['thread'].pk}/",
        key="matrix",
    )
    missing = 10**6
    return {
        "notification": notification.pk,
        "notification_missing": missing,
        "document": world["document"].pk,
        "document_missing": missing,
        "saved": saved.pk,
        "saved_missing": missing,
        "pending": pending.pk,
        "page_missing": missing,
        "closed_membership": closed_member.pk,
        "closed_request": request.pk,
        "member_pk": world["member"].pk,
        "post": world["post"].pk,
        "post_missing": missing,
        "flag": flag.pk,
        "flag_missing": missing,
        "suspension": suspension.pk,
        "suspension_missing": missing,
        "thread": world["thread"].pk,
        "thread_missing": missing,
        "event": world["event"].pk,
        **_composer_objects(world, missing),
    }


def _composer_objects(world, missing) -> dict:
    """Issue 15: a file attached to the private forum's post."""
    from django.core.files.base import ContentFile

    from forums.models import PostAttachment

    attachment = PostAttachment.objects.create(
        post=world["post"],
        file=ContentFile(b"%PDF-1.4 secret annex", name="secret-annex.pdf"),
        name="secret-annex.pdf",
        kind=PostAttachment.Kind.DOCUMENT,
    )
    return {"attachment": attachment.pk, "attachment_missing": missing}


def _entries(objects):
    for entry in [*MATRIX.values(), *PAGES]:
        if isinstance(entry, Private):
            yield Private(entry.url.format(**objects), entry.missing.format(**objects))
        elif isinstance(entry, Listing):
            yield Listing(entry.url.format(**objects))


@pytest.mark.parametrize("who", ["visitor", "outsider"])
def test_the_matrix_holds(client, world, objects, who):
    if who == "outsider":
        client.force_login(world["outsider"])
    differences, leaks = {}, {}

    for entry in _entries(objects):
        urls = [entry.url] if isinstance(entry, Listing) else [entry.url, entry.missing]
        for method in ("get", "post"):
            answers = [getattr(client, method)(url) for url in urls]
            statuses = [answer.status_code for answer in answers]
            if len(set(statuses)) > 1:
                differences[f"{method.upper()} {entry.url}"] = statuses
            body = answers[0].content.decode(errors="replace")
            found = [secret for secret in SECRETS if secret in body]
            if found:
                leaks[f"{method.upper()} {entry.url}"] = found

    assert differences == {}
    assert leaks == {}


HOSTILE_VALUES = [
    "\x00",
    "a\x00b",
    "\x1b[31m\r\n",
    "\u202e\u2066",
    "%ff%fe",
    "9" * 40,
    "-1",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "0",
    "",
    "<script>",
    "' OR 1=1 --",
]
PARAMETER_NAMES = [
    "q",
    "page",
    "tag",
    "group",
    "format",
    "knowledge_type",
    "level",
    "language",
    "region",
    "year_from",
    "year_to",
    "sort",
    "past",
    "category",
    "type",
    "event_type",
    "next",
    "limit",
    "status",
    "role",
    "country",
    "username",
    "from",
    "to",
]


def _base_urls(objects) -> list[str]:
    return [entry.url for entry in _entries(objects)]


def test_hostile_parameters_on_every_route_never_cause_a_server_error(
    client, world, objects
):
    client.force_login(world["member"])
    errors = {}

    for url in _base_urls(objects):
        for value in HOSTILE_VALUES:
            separator = "&" if "?" in url else "?"
            query = "&".join(f"{name}={value}" for name in PARAMETER_NAMES).replace(
                " ", "+"
            )
            response = client.get(f"{url}{separator}{query}")
            if response.status_code >= 500:
                errors[f"{url} {value!r}"] = response.status_code

    assert errors == {}


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_property_no_route_answers_5xx_to_any_query(client, world, objects, data):
    url = data.draw(st.sampled_from(_base_urls(objects)), label="url")
    params = data.draw(
        st.dictionaries(
            st.sampled_from(PARAMETER_NAMES) | st.text(min_size=1, max_size=5),
            st.text(max_size=30)
            | st.integers(min_value=-(10**30), max_value=10**30).map(str)
            | st.binary(max_size=12).map(lambda raw: raw.decode("latin-1")),
            max_size=4,
        ),
        label="params",
    )
    signed_in = data.draw(st.booleans(), label="signed in")
    client.logout()
    if signed_in:
        client.force_login(world["member"])

    response = client.get(url.split("?")[0], params)

    assert response.status_code < 500
