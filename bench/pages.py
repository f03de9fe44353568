#!/usr/bin/env python
"""Page benchmark (not a test): the portal at a mature community's size.

Seeds, once, into its own database (portal_pages_bench; reused between runs)
the demo content plus 2,000 members, 20,000 resources, 2,000 events and 5,000
threads with 50,000 posts, written through bulk inserts of real pages and rows
(Wagtail tree paths computed here), then indexes them with the portal's own
indexer. Then, for every page of the URL map, as a visitor and as a member, it
prints p50/p95 over N requests and the queries per request; the cost of a reply
to a followed thread; and, with --load, requests/s under gunicorn with W
workers and a bounded load on loopback (wrk, or a Python client without it).

    python bench/pages.py                      # seed if needed, time every page
    python bench/pages.py --requests 20        # quicker
    python bench/pages.py --load --workers 3   # plus gunicorn throughput
    python bench/pages.py --reseed             # drop the seeded data, seed again
    make bench-pages BENCH_ARGS="--load"
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pages_settings")

MEMBERS = 2_000
RESOURCES = 20_000
EVENTS = 2_000
THREADS = 5_000
POSTS = 50_000
EXTRA_GROUPS = 7  # beside the three demo groups
SEED_MARK = "bench-seeded"
DATA_MARK = "bench-data"

WORDS = (
    "data school schools ministry education system district teachers students "
    "national information management report collection quality officers census "
    "learning training indicators survey country development planning budget "
    "enrolment attendance records dashboard analysis policy government staff "
    "region capacity support process tools software platform reporting "
    "statistics annual monitoring evaluation review implementation design "
    "standards framework assessment performance results users access sharing "
    "partners donors funding finance costs procurement hosting cloud mobile "
    "tablets forms digital interoperability integration exchange identifiers "
    "registry validation errors coverage timeliness accuracy governance privacy "
    "protection security consent regulation ownership coordination inspection "
    "curriculum textbooks examinations literacy numeracy primary secondary "
    "girls gender equity inclusion disability refugees emergency dropout "
    "retention transition completion classrooms infrastructure grants payroll "
    "rural urban mentoring workshop webinar lessons experience challenge "
    "solution outcome recommendation pilot scaling sustainability geospatial"
).split()
PLACES = (
    "Kenya Senegal Nepal Peru Jordan Malawi Bangladesh Colombia Rwanda Ghana".split()
)
PUBLISHERS = [
    ("UNESCO", "UNESCO"),
    ("UNESCO Institute for Statistics", "UIS"),
    ("World Bank", "WB"),
    ("UNICEF", "UNICEF"),
    ("Association for the Development of Education in Africa", "ADEA"),
    ("Global Partnership for Education", "GPE"),
    ("International Institute for Educational Planning", "IIEP"),
    ("Organisation for Economic Co-operation and Development", "OECD"),
]


def words(rng: random.Random, count: int) -> str:
    # A Zipf-like draw: a few words are in most texts, most words in few.
    return " ".join(
        WORDS[min(int(rng.paretovariate(1.1)) - 1, len(WORDS) - 1)]
        if rng.random() < 0.7
        else rng.choice(WORDS)
        for _ in range(count)
    )


def setup_django():
    import django

    django.setup()


# -- Seeding --------------------------------------------------------------------


def bulk_insert_pages(parent, pages, *, batch: int = 500):
    """Insert specific pages below ``parent`` in bulk: the Wagtail tree path,
    depth and url_path computed as treebeard would, the page row then the
    specific row (Django's bulk_create refuses multi-table models)."""
    from wagtail.models import Locale, Page

    locale_id = Locale.get_default().pk
    parent.refresh_from_db()
    last = parent.get_last_child()
    start = (
        int(last.path[-Page.steplen :], 36) + 1 if last is not None else 1
    )  # treebeard's alphabet is 0-9A-Z
    for offset, page in enumerate(pages):
        page.path = Page._get_path(parent.path, parent.depth + 1, start + offset)
        page.depth = parent.depth + 1
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.draft_title = page.title
        page.locale_id = locale_id
        page.translation_key = uuid.uuid4()
        page.live = True
        page.has_unpublished_changes = False
        page.last_published_at = page.first_published_at
    model = type(pages[0])
    page_fields = [f for f in Page._meta.local_concrete_fields if not f.primary_key]
    specific_fields = list(model._meta.local_concrete_fields)
    for index in range(0, len(pages), batch):
        chunk = pages[index : index + batch]
        rows = Page.objects._insert(
            chunk, fields=page_fields, returning_fields=[Page._meta.pk]
        )
        for page, (pk,) in zip(chunk, rows, strict=True):
            page.pk = page.id = page.page_ptr_id = pk
        model._base_manager._insert(chunk, fields=specific_fields, raw=False)
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(pages))


def seed(write) -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from django.utils.text import slugify
    from taggit.models import Tag

    from forums import services as forum_services
    from forums.models import Forum, Post, Subscription, Thread
    from knowledge.models import (
        KnowledgeIndexPage,
        Organisation,
        ResourcePage,
        ResourceTag,
    )
    from knowledge.vocabulary import Format, KnowledgeType, Level, Region
    from portal.models import UserProfile
    from working_groups.models import (
        EventIndexPage,
        EventPage,
        EventRegistration,
        Membership,
        Visibility,
        WorkingGroupIndexPage,
        WorkingGroupPage,
    )

    rng = random.Random(2026)
    started = time.perf_counter()
    write("Loading the demo content...")
    call_command("load_demo", verbosity=0)

    index = WorkingGroupIndexPage.objects.get()
    for number in range(EXTRA_GROUPS):
        title = f"Bench working group {number + 1}"
        if WorkingGroupPage.objects.filter(title=title).exists():
            continue
        group = WorkingGroupPage(
            title=title,
            slug=f"bench-group-{number + 1}",
            introduction=words(rng, 20),
            visibility=Visibility.MEMBERS if number == 0 else Visibility.PUBLIC,
        )
        index.add_child(instance=group)
        group.save_revision().publish()
    groups = list(WorkingGroupPage.objects.order_by("path"))
    for group in groups:
        forum_services.forum_for_group_ensure(group=group)

    User = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        write(f"{MEMBERS:,} members...")
        password = make_password("bench-member-2026")
        users = User.objects.bulk_create(
            [
                User(
                    username=f"bench{n}",
                    email=f"bench{n}@members.example.org",
                    password=password,
                )
                for n in range(MEMBERS)
            ]
        )
        UserProfile.objects.bulk_create(
            [
                UserProfile(
                    user=user,
                    display_name=f"Member {n} of {rng.choice(PLACES)}",
                    organisation=rng.choice(PUBLISHERS)[0],
                )
                for n, user in enumerate(users)
            ]
        )
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=user, email=user.email, verified=True, primary=True)
                for user in users
            ]
        )
        memberships = []
        for user in users:
            for group in rng.sample(groups, rng.choice((1, 1, 2, 3))):
                memberships.append(
                    Membership(
                        user=user,
                        group=group,
                        role=Membership.Role.MEMBER,
                        status=Membership.Status.ACTIVE,
                    )
                )
        Membership.objects.bulk_create(memberships, ignore_conflicts=True)

        write(f"{RESOURCES:,} resources...")
        organisations = [
            Organisation.objects.get_or_create(name=name, defaults={"acronym": short})[
                0
            ]
            for name, short in PUBLISHERS
        ]
        tag_names = sorted({f"{a} {b}" for a in WORDS[:40] for b in WORDS[40:50]})[:300]
        tags = Tag.objects.bulk_create(
            [Tag(name=name, slug=slugify(name)) for name in tag_names],
            ignore_conflicts=True,
        )
        tags = list(Tag.objects.filter(name__in=tag_names))
        knowledge_index = KnowledgeIndexPage.objects.get()
        formats = [value for value, _label in Format.choices]
        tacit = {"lesson-learned", "story", "mentorship"}
        by_parent: dict = {}
        for n in range(RESOURCES):
            in_group = rng.random() < 0.4
            parent = rng.choice(groups) if in_group else knowledge_index
            fmt = rng.choice(formats)
            year = rng.randint(1995, 2026)
            published = now - timedelta(days=rng.randint(0, 3650), minutes=n)
            topic = words(rng, 4)
            resource = ResourcePage(
                title=f"{topic.capitalize()} in {rng.choice(PLACES)} ({n})",
                slug=f"bench-resource-{n}",
                introduction=words(rng, 30),
                format=fmt,
                knowledge_type=KnowledgeType.TACIT
                if fmt in tacit
                else KnowledgeType.EXPLICIT,
                level=rng.choice([value for value, _ in Level.choices]),
                regions=rng.sample([value for value, _ in Region.choices], 1),
                publication_year=year,
                authors=f"{rng.choice(PLACES)} EMIS team",
                language=rng.choice(["en"] * 6 + ["fr", "es", "ar", "ru", "zh"]),
                owning_group=parent if in_group else None,
                visibility=Visibility.MEMBERS
                if in_group and rng.random() < 0.25
                else Visibility.PUBLIC,
                lesson_learned=words(rng, 25) if fmt in tacit else "",
                body=[{"type": "paragraph", "value": f"<p>{words(rng, 80)}</p>"}],
                first_published_at=published,
                latest_revision_created_at=published,
            )
            by_parent.setdefault(parent.pk, (parent, []))[1].append(resource)
        for parent, pages in by_parent.values():
            bulk_insert_pages(parent, pages)
        resources = [page for _parent, pages in by_parent.values() for page in pages]
        ResourceTag.objects.bulk_create(
            [
                ResourceTag(content_object_id=resource.pk, tag_id=tag.pk)
                for resource in resources
                for tag in rng.sample(tags, 3)
            ]
        )
        through = ResourcePage.organisations.through
        through.objects.bulk_create(
            [
                through(resourcepage_id=resource.pk, organisation_id=org.pk)
                for resource in resources
                for org in rng.sample(organisations, rng.choice((1, 1, 2)))
            ]
        )
        shared = ResourcePage.groups.through
        shared.objects.bulk_create(
            [
                shared(resourcepage_id=resource.pk, workinggrouppage_id=group.pk)
                for resource in resources
                if resource.owning_group_id
                for group in [resource.owning_group]
                + ([rng.choice(groups)] if rng.random() < 0.1 else [])
            ],
            ignore_conflicts=True,
        )

        write(f"{EVENTS:,} events...")
        events_index = EventIndexPage.objects.get()
        by_parent = {}
        from working_groups.models.events import EventType

        for n in range(EVENTS):
            in_group = rng.random() < 0.5
            group = rng.choice(groups) if in_group else None
            start = now + timedelta(days=rng.randint(-700, 300), hours=n % 24)
            event = EventPage(
                title=f"{words(rng, 3).capitalize()} {rng.choice(EventType.values)}",
                slug=f"bench-event-{n}",
                introduction=words(rng, 25),
                event_type=rng.choice(EventType.values),
                start=start,
                end=start + timedelta(hours=2),
                time_zone="UTC",
                online_url="https://meet.example.org/emis",
                description=f"<p>{words(rng, 60)}</p>",
                group=group,
                visibility=Visibility.MEMBERS
                if in_group and rng.random() < 0.2
                else Visibility.PUBLIC,
                first_published_at=now - timedelta(days=rng.randint(0, 700)),
            )
            parent = group if in_group else events_index
            by_parent.setdefault(parent.pk, (parent, []))[1].append(event)
        for parent, pages in by_parent.values():
            bulk_insert_pages(parent, pages)
        events = [page for _parent, pages in by_parent.values() for page in pages]
        EventRegistration.objects.bulk_create(
            [
                EventRegistration(
                    event_id=event.pk,
                    user=user,
                    status=EventRegistration.Status.GOING,
                )
                for event in rng.sample(events, 200)
                for user in rng.sample(users, 20)
            ],
            ignore_conflicts=True,
        )

        write(f"{THREADS:,} threads with {POSTS:,} posts...")
        forums = list(Forum.objects.all())
        threads = []
        for n in range(THREADS):
            created = now - timedelta(days=rng.randint(1, 900), minutes=n)
            threads.append(
                Thread(
                    forum=rng.choice(forums),
                    title=f"{words(rng, 6).capitalize()}?",
                    author=rng.choice(users),
                    created_at=created,
                    last_post_at=created,
                )
            )
        threads = Thread.objects.bulk_create(threads)
        posts = []
        per_thread = POSTS // THREADS
        for thread in threads:
            for position in range(1, per_thread + 1):
                body = words(rng, 40)
                posts.append(
                    Post(
                        thread=thread,
                        author=thread.author if position == 1 else rng.choice(users),
                        position=position,
                        body=body,
                        body_html=f"<p>{body}</p>",
                        created_at=thread.created_at + timedelta(hours=position),
                    )
                )
        Post.objects.bulk_create(posts, batch_size=2000)
        last_posts = {post.thread_id: post for post in posts}
        for thread in threads:
            last = last_posts[thread.pk]
            thread.reply_count = per_thread - 1
            thread.last_position = per_thread
            thread.last_post = last
            thread.last_post_at = last.created_at
            thread.last_poster_id = last.author_id
        Thread.objects.bulk_update(
            threads,
            [
                "reply_count",
                "last_position",
                "last_post",
                "last_post_at",
                "last_poster",
            ],
            batch_size=1000,
        )
        # Everyone follows the threads they started; one thread is followed by
        # 160 people (the reply benchmark posts there).
        followed = threads[0]
        Subscription.objects.bulk_create(
            [Subscription(user_id=t.author_id, thread=t) for t in threads]
            + [
                Subscription(user=user, thread=followed)
                for user in rng.sample(users, 160)
                if user.pk != followed.author_id
            ],
            ignore_conflicts=True,
        )
        for forum in forums:
            forum_services.forum_counters_refresh(forum=forum)

    mark(DATA_MARK)
    write(f"Seeded in {time.perf_counter() - started:.0f} s.")


def index(write) -> None:
    """The search documents, built by the portal's own indexer."""
    from django.db import connection

    write("Search documents (the portal's indexer)...")
    from search.services import search_reindex

    index_started = time.perf_counter()
    results = search_reindex(backend_names=["database"])
    seconds = time.perf_counter() - index_started
    indexed = sum(getattr(result, "indexed", 0) for result in results)
    write(
        f"  {indexed:,} documents in {seconds:.1f} s: {indexed / seconds:,.0f}/s "
        f"(load average after: {loadavg()})"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    mark(SEED_MARK)


def mark(text: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        cursor.execute(f"COMMENT ON DATABASE {name} IS '{text}'")


def seed_state() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
            " WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    return (row and row[0]) or ""


def recreate_database() -> None:
    """Drop and create the benchmark database (``--reseed``)."""
    import psycopg2
    from django.db import connection
    from psycopg2 import sql

    settings = dict(connection.settings_dict)
    connection.close()
    admin = psycopg2.connect(
        dbname="postgres",
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"],
        port=settings["PORT"] or None,
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            name = sql.Identifier(settings["NAME"])
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name)
            )
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    finally:
        admin.close()


# -- Timing -------------------------------------------------------------------


def url_map() -> list[tuple[str, str, str]]:
    """(label, path, who) for every page of the URL map that exists here; who is
    "both", "visitor" or "member"."""
    from taggit.models import Tag

    from forums.models import Forum, Thread
    from knowledge.models import ResourcePage
    from working_groups.models import EventPage, WorkingGroupPage

    group = WorkingGroupPage.objects.live().filter(slug__startswith="bench").last()
    demo_group = WorkingGroupPage.objects.live().order_by("path").first()
    resource = (
        ResourcePage.objects.live().filter(visibility="public").order_by("-pk").first()
    )
    lesson = (
        ResourcePage.objects.live()
        .filter(format="lesson-learned")
        .order_by("pk")
        .first()
    )
    event = (
        EventPage.objects.live().filter(visibility="public").order_by("-start").first()
    )
    forum = Forum.objects.filter(group__isnull=True).first()
    thread = (
        Thread.objects.filter(forum=forum, is_hidden=False, deleted_at__isnull=True)
        .order_by("-pk")
        .first()
    )
    tag = Tag.objects.filter(name__contains=" ").order_by("pk").first()
    member = member_user()
    return [
        ("home", "/", "both"),
        ("groups", "/working-groups/", "both"),
        ("group page", f"/working-groups/{demo_group.slug}/", "both"),
        ("group page (bench)", f"/working-groups/{group.slug}/", "both"),
        ("group members", f"/working-groups/{demo_group.slug}/members/", "member"),
        ("group calendar", f"/working-groups/{demo_group.slug}/calendar.ics", "both"),
        ("library", "/knowledge/", "both"),
        ("library ?q=data", "/knowledge/?q=data", "both"),
        (
            "library ?q=governance&sort=relevance",
            "/knowledge/?q=governance&sort=relevance",
            "both",
        ),
        ("library filtered", "/knowledge/?format=report&level=national", "both"),
        ("library page 50", "/knowledge/?page=50", "both"),
        ("resource", f"/knowledge/{resource.slug}/", "both"),
        ("lesson", f"/knowledge/{lesson.slug}/", "both"),
        ("resource cite.bib", f"/knowledge/{resource.slug}/cite.bib", "both"),
        ("library cite.ris", "/knowledge/cite.ris?format=policy", "both"),
        ("submit", "/knowledge/submit/", "member"),
        ("my submissions", "/knowledge/my-submissions/", "member"),
        ("tags", "/knowledge/tags/", "both"),
        ("tag", f"/knowledge/tags/{tag.slug}/", "both"),
        ("lessons learned", "/lessons-learned/", "both"),
        ("lessons learned ?q=data", "/lessons-learned/?q=data", "both"),
        ("events", "/events/", "both"),
        ("past events", "/events/?past=1", "both"),
        ("event", f"/events/{event.slug}/", "both"),
        ("event.ics", f"/events/{event.slug}/event.ics", "both"),
        ("calendar.ics", "/events/calendar.ics", "both"),
        ("forums", "/forums/", "both"),
        ("forum", f"/forums/{forum.slug}/", "both"),
        ("thread", f"/forums/{forum.slug}/{thread.pk}/", "both"),
        ("forum feed", f"/forums/{forum.slug}/feed/", "both"),
        ("forum settings", "/forums/settings/", "member"),
        ("search ?q=data", "/search/?q=data", "both"),
        ("search ?q=census quality", "/search/?q=census+quality", "both"),
        ("api search", "/api/search/?q=data", "both"),
        ("suggest", "/api/search/suggest/?q=dat", "both"),
        ("saved searches", "/search/saved/", "member"),
        ("resource feed", "/feeds/resources/", "both"),
        ("event feed", "/feeds/events/", "both"),
        ("profile", f"/people/{member.pk}/", "member"),
        ("profile edit", "/accounts/profile/", "member"),
        ("liveness", "/healthz", "both"),
        ("readiness", "/readyz", "both"),
        ("people", "/people/", "both"),
        ("mentoring", "/people/mentoring/", "member"),
        ("countries", "/countries/", "both"),
        ("country", "/countries/ke/", "both"),
        ("region", "/regions/africa/", "both"),
        ("api resources", "/api/resources/", "both"),
        ("api events", "/api/events/", "both"),
        ("api threads", "/api/threads/", "both"),
        ("oai", "/oai/?verb=ListRecords&metadataPrefix=oai_dc", "both"),
        ("sitemap index", "/sitemap.xml", "both"),
        ("sitemap pages", "/sitemap-pages.xml", "both"),
        ("sitemap pages (page 4)", "/sitemap-pages.xml?p=4", "both"),
        ("sitemap threads", "/sitemap-threads.xml", "both"),
    ]


def member_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(email="member@emis.example.org")


def time_pages(
    requests: int, only: str | None, write, row_seconds: float | None = None
) -> list[dict]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    visitor = Client()
    member = Client()
    member.force_login(member_user())
    rows = []
    for label, path, who in url_map():
        if only and only not in label and only not in path:
            continue
        roles = ["visitor", "member"] if who == "both" else [who]
        for role in roles:
            client = visitor if role == "visitor" else member
            response = client.get(path)  # warm: template, caches of the process
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            queries = len(captured.captured_queries)
            reset_queries()
            samples = []
            row_started = time.perf_counter()
            for _ in range(requests):
                started = time.perf_counter()
                client.get(path)
                samples.append((time.perf_counter() - started) * 1000)
                # --row-seconds: a slow page stops early (its n says so).
                if row_seconds and time.perf_counter() - row_started > row_seconds:
                    break
            samples.sort()
            row = {
                "page": label,
                "path": path,
                "who": role,
                "status": response.status_code,
                "queries": queries,
                "p50": statistics.median(samples),
                "p95": samples[min(len(samples) - 1, int(len(samples) * 0.95))],
            }
            rows.append(row)
            write(
                f"| {label} | `{path}` | {role} | {row['status']} | {queries} "
                f"| {len(samples)} | {row['p50']:.1f} | {row['p95']:.1f} |"
            )
    return rows


def time_reply(write) -> None:
    """Queries and time of a reply to the thread 160 people follow."""
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from forums.models import Subscription, Thread

    thread = (
        Thread.objects.annotate(followers=Count("subscriptions"))
        .order_by("-followers", "pk")
        .first()
    )
    followers = Subscription.objects.filter(thread=thread).count()
    author = (
        Subscription.objects.filter(thread=thread)
        .exclude(user_id=thread.author_id)
        .first()
        .user
    )
    from working_groups.models import Membership

    if thread.forum.group_id:
        Membership.objects.get_or_create(
            user=author, group_id=thread.forum.group_id, defaults={"status": "active"}
        )
    client = Client()
    client.force_login(author)
    path = f"/forums/{thread.forum.slug}/{thread.pk}/reply/"
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.post(path, {"body": "A benchmark reply: thank you all."})
        seconds = time.perf_counter() - started
    write(
        f"| reply to a thread {followers} people follow | `{path}` | "
        f"{response.status_code} | {len(captured.captured_queries)} queries "
        f"| {seconds * 1000:.0f} ms |"
    )


def time_thread(write) -> None:
    """Queries and time of starting a thread in a forum many people follow
    (rolled back: the seeded community stays as it was)."""
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from forums.models import Forum

    forum = (
        Forum.objects.filter(group__isnull=True)
        .annotate(followers=Count("subscriptions"))
        .order_by("-followers", "pk")
        .first()
    )
    client = Client()
    client.force_login(member_user())
    path = f"/forums/{forum.slug}/new/"
    client.get(path)
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(
                path, {"title": "Census dates", "body": "When does your census run?"}
            )
            seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    write(
        f"| new thread | `{path}` | {response.status_code} | "
        f"{len(captured.captured_queries)} queries | {seconds * 1000:.0f} ms |"
    )


def loadavg() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def load_test(
    paths: list[str],
    workers: int,
    seconds: int,
    connections: int,
    write,
    *,
    cached: bool = False,
):
    """Requests/s under gunicorn on loopback with a bounded load (pages
    uncached, or with ``cached`` from the visitors' page cache)."""
    port = 8765
    env = dict(os.environ, PYTHONPATH=f"{ROOT}:{ROOT / 'bench'}")
    env["DJANGO_SETTINGS_MODULE"] = "pages_settings"
    env["BENCH_PAGE_CACHE_SECONDS"] = "300" if cached else "0"
    label = "cached" if cached else "uncached"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "portal.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        import urllib.request

        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        wrk = shutil.which("wrk")
        for path in paths:
            url = f"http://127.0.0.1:{port}{path}"
            for _ in range(workers * 2):
                urllib.request.urlopen(url, timeout=30).read()  # warm every worker
            if wrk:
                out = subprocess.run(
                    [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", url],
                    capture_output=True,
                    text=True,
                ).stdout
                rate = next(
                    (
                        float(line.split()[1])
                        for line in out.splitlines()
                        if line.startswith("Requests/sec")
                    ),
                    0.0,
                )
                latency = next(
                    (
                        line.split()[1]
                        for line in out.splitlines()
                        if line.strip().startswith("Latency")
                    ),
                    "?",
                )
            else:
                rate, latency = python_load(url, seconds, connections)
            write(
                f"| `{path}` | {label} | {workers} | {connections} | {rate:.1f} "
                f"| {latency} | {loadavg()} |"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


def python_load(url: str, seconds: int, connections: int):
    import threading
    import urllib.request

    done = []
    deadline = time.perf_counter() + seconds

    def run():
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            urllib.request.urlopen(url, timeout=30).read()
            done.append(time.perf_counter() - started)

    threads = [threading.Thread(target=run) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(done) / seconds, f"{statistics.mean(done) * 1000:.0f}ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--only", help="time only pages whose label or path has this")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument(
        "--reindex", action="store_true", help="time a full database reindex too"
    )
    parser.add_argument("--load", action="store_true", help="gunicorn throughput too")
    parser.add_argument(
        "--cached", action="store_true", help="with --load: page cache on as well"
    )
    parser.add_argument("--no-pages", action="store_true", help="skip page timings")
    parser.add_argument(
        "--row-seconds",
        type=float,
        help="stop timing a page after this many seconds (fewer samples, shown as n)",
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--connections", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()

    def write(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    setup_django()
    from django.core.management import call_command

    if args.reseed:
        recreate_database()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if seed_state() not in (DATA_MARK, SEED_MARK):
        seed(write)
    if seed_state() != SEED_MARK:
        index(write)
    if args.reindex:
        index(write)
    if args.seed_only:
        return
    from django.conf import settings

    write(f"\nload average (1, 5, 15 min) at start: {loadavg()}")
    if not args.no_pages:
        write(
            f"\n{args.requests} requests per page and role (Django test client, "
            "one process, DEBUG off, page cache "
            f"{'on' if settings.PAGE_CACHE_SECONDS else 'off'}; queries counted "
            "on a warm second request)\n"
        )
        write("| page | path | who | status | queries | n | p50 ms | p95 ms |")
        write("|---|---|---|---|---|---|---|---|")
        time_pages(args.requests, args.only, write, args.row_seconds)
        write(f"\nload average after the pages: {loadavg()}\n")
    if not args.only:
        write("| write | path | status | queries | time |")
        write("|---|---|---|---|---|")
        time_reply(write)
        time_thread(write)
    if args.load:
        write(
            "\n| path (visitor) | page cache | gunicorn workers | connections "
            "| requests/s | mean latency | load average after |"
        )
        write("|---|---|---|---|---|---|---|")
        for cached in [False, True] if args.cached else [False]:
            load_test(
                ["/knowledge/", "/knowledge/?q=data", "/", "/forums/"],
                args.workers,
                args.seconds,
                args.connections,
                write,
                cached=cached,
            )
    write(f"\nload average at the end: {loadavg()}")


if __name__ == "__main__":
    main()
