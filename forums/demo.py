"""Demo forums: one per working group (group 1 members-only, the others public to
read) and the open Community forum, with categories, discussions and replies, an
answered question and a discussion turned into a lesson learned.

Idempotent: forums by slug, categories by (forum, slug), threads by (forum,
title); an existing thread is left as it is.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from portal.demo import DemoContext, user_upsert
from working_groups.models import Membership

from . import services
from .models import Category, Forum, Post, Thread

# Two more voices, so the public group forums have members talking.
EXTRA_PEOPLE = [
    # key, email, display name, group index
    ("fatou", "fatou.ndiaye@emis.example.org", "Fatou Ndiaye", 1),
    ("rahul", "rahul.mehta@emis.example.org", "Rahul Mehta", 2),
]
EXTRA_PASSWORD = "demo-participant-2026"

COMMUNITY_CATEGORIES = [
    ("introductions", "Introductions", "Say hello and tell us what you work on."),
    ("questions", "Questions and answers", "Ask the community; mark the answer."),
    ("announcements", "Announcements", "News from the community and its partners."),
]

GROUP_CATEGORIES = [
    [
        ("interoperability", "Interoperability", "Standards, identifiers, APIs."),
        ("platforms", "Data platforms", "Choosing, building and running platforms."),
    ],
    [
        ("policy", "Policy and law", "Legal frameworks and data governance."),
        ("financing", "Financing", "Budgets and sustainability of EMIS."),
    ],
    [
        ("mentorship", "Mentorship", "Peer support between practitioners."),
        ("training", "Training", "Capacity development programmes."),
    ],
]

# forum key, category slug, title, author key, days ago, body, replies, extras
THREADS = [
    {
        "forum": "community",
        "category": "introductions",
        "title": "Welcome! Introduce yourself",
        "author": "admin",
        "days_ago": 20,
        "pinned": True,
        "body": (
            "Welcome to the EMIS Community of Practice forum.\n\n"
            "Tell us who you are, where you work and which part of the EMIS "
            "puzzle keeps you busy: data collection, platforms, policy, use of data."
        ),
        "replies": [
            (
                "member",
                "Hello from Maputo! I coordinate the annual school census at the "
                "ministry and I am keen to learn how others moved to online collection.",
            ),
            (
                "visitor",
                "Hi all, I am Lin, a data analyst working on learning-outcome data. "
                "Happy to share what we did on linking assessment and census data.",
            ),
            (
                "moderator",
                "Welcome @carlos-mendes and @lin-wei! The *Technologies* group has a "
                "discussion on census platforms you may like.",
            ),
        ],
    },
    {
        "forum": "community",
        "category": "questions",
        "title": "How do you get schools to submit the annual census on time?",
        "author": "member",
        "days_ago": 12,
        "body": (
            "Every year about a third of our schools submit the census forms late, "
            "and the yearbook slips by months.\n\n"
            "What worked for you to improve **timeliness** without adding burden "
            "on head teachers?"
        ),
        "replies": [
            (
                "moderator",
                "Three things worked for us in a similar situation:\n\n"
                "1. Publishing a *district league table* of submission rates every "
                "week during the census window.\n"
                "2. Letting schools submit from a phone, with the form saved offline.\n"
                "3. Sending each head teacher their own school's indicators back, so "
                "the census is not a one-way street.\n\n"
                "Submission on time went from 61% to 88% in two years.",
            ),
            (
                "visitor",
                "We saw the same effect from feedback reports. Schools that receive "
                "their data back submit earlier the next year.",
            ),
            (
                "member",
                "Thank you both, the feedback report is something we can start this "
                "year. Marking Amina's reply as the answer.",
            ),
        ],
        "answer": 0,
        "promote": True,
    },
    {
        "forum": "community",
        "category": "announcements",
        "title": "Call for case studies on data use at district level",
        "author": "admin",
        "days_ago": 5,
        "body": (
            "We are collecting short case studies on how district offices use EMIS "
            "data for planning. Reply here if you would like to contribute; the best "
            "ones will be shared in the [knowledge library](/knowledge/)."
        ),
        "replies": [
            (
                "member",
                "Count us in: we have a story about school mapping for new classrooms.",
            ),
        ],
    },
    {
        "forum": 0,
        "category": "platforms",
        "title": "Choosing between an open-source platform and a custom EMIS",
        "author": "member",
        "days_ago": 9,
        "body": (
            "Our ministry must decide this year whether to adapt an open-source "
            "platform or commission a custom EMIS.\n\n"
            "For those who went through this: what would you check first?"
        ),
        "replies": [
            (
                "moderator",
                "Check who will maintain it in five years. Total cost of ownership and "
                "local skills matter more than the feature list.",
            ),
            (
                "admin",
                "Also look at interoperability with the HR and finance systems: "
                "a platform that speaks open standards saves years of integration.",
            ),
        ],
    },
    {
        "forum": 0,
        "category": "interoperability",
        "title": "Unique school identifiers across ministries",
        "author": "moderator",
        "days_ago": 15,
        "pinned": True,
        "body": (
            "Several countries struggle because schools have different codes in the "
            "education, health and statistics systems. Let us collect practices "
            "for a single school identifier."
        ),
        "replies": [
            (
                "member",
                "We agreed on one master list held by the EMIS unit, with the other "
                "ministries reading from it through an API.",
            ),
        ],
    },
    {
        "forum": 1,
        "category": "policy",
        "title": "Data-sharing agreements between ministries",
        "author": "fatou",
        "days_ago": 8,
        "body": (
            "Does anyone have a template for a data-sharing agreement between the "
            "education ministry and the national statistics office?"
        ),
        "replies": [
            (
                "admin",
                "The library has a few policy documents; look for the *data "
                "governance* tag. A short agreement that names a data steward on "
                "each side is a good start.",
            ),
            (
                "fatou",
                "Thank you, the data steward idea is exactly what was missing.",
            ),
        ],
    },
    {
        "forum": 2,
        "category": "mentorship",
        "title": "Setting up peer mentoring for district statisticians",
        "author": "rahul",
        "days_ago": 6,
        "body": (
            "We want to pair experienced district statisticians with new ones for "
            "six months. How do you keep such a scheme alive after the first wave?"
        ),
        "replies": [
            (
                "admin",
                "Give mentors recognition (a certificate, a mention in the annual "
                "report) and keep a light monthly check-in.",
            ),
            (
                "rahul",
                "Good point on recognition. We will add it to the plan.",
            ),
        ],
    },
]


def _people(context: DemoContext, groups) -> dict:
    people = dict(context.users)
    now = timezone.now()
    for key, email, name, group_index in EXTRA_PEOPLE:
        user = user_upsert(email=email, display_name=name, password=EXTRA_PASSWORD)
        Membership.objects.get_or_create(
            user=user,
            group=groups[group_index],
            defaults={
                "status": Membership.Status.ACTIVE,
                "decided_by": context.users["admin"],
                "decided_at": now,
            },
        )
        people[key] = user
    return people


def _categories(forum: Forum, specs) -> dict:
    categories = {}
    for order, (slug, name, description) in enumerate(specs):
        category, _created = Category.objects.get_or_create(
            forum=forum,
            slug=slug,
            defaults={"name": name, "description": description, "sort_order": order},
        )
        categories[slug] = category
    return categories


def _backdate(thread: Thread, days_ago: int) -> None:
    """Spread the posts of a demo thread over the past days, as a real one would."""
    start = timezone.now() - timedelta(days=days_ago)
    posts = list(thread.posts.order_by("position"))
    for number, post in enumerate(posts):
        Post.objects.filter(pk=post.pk).update(
            created_at=start + timedelta(hours=5 * number)
        )
    Thread.objects.filter(pk=thread.pk).update(created_at=start)
    thread.refresh_from_db()
    services.thread_counters_refresh(thread=thread)


@transaction.atomic
def load(context: DemoContext) -> None:
    groups = context.objects.get("groups") or []
    people = _people(context, groups)
    community = services.community_forum_get_or_create()
    forums = {"community": community}
    categories = {"community": _categories(community, COMMUNITY_CATEGORIES)}
    for index, group in enumerate(groups):
        forum = services.forum_for_group_ensure(group=group)
        public_read = index != 0  # group 1 keeps its forum to its members
        if forum.public_read != public_read or forum.sort_order != index + 1:
            Forum.objects.filter(pk=forum.pk).update(
                public_read=public_read, sort_order=index + 1
            )
            forum.public_read = public_read
        forums[index] = forum
        categories[index] = _categories(forum, GROUP_CATEGORIES[index % 3])

    created = 0
    for spec in THREADS:
        forum = forums.get(spec["forum"])
        if forum is None:
            continue
        if Thread.objects.filter(forum=forum, title=spec["title"]).exists():
            continue
        thread = services.thread_create(
            author=people[spec["author"]],
            forum=forum,
            title=spec["title"],
            body=spec["body"],
            category=categories[spec["forum"]].get(spec["category"]),
            rate_limited=False,
            notify=False,
        )
        replies = [
            services.post_create(
                author=people[author],
                thread=thread,
                body=body,
                rate_limited=False,
                notify=False,
            )
            for author, body in spec["replies"]
        ]
        _backdate(thread, spec["days_ago"])
        if spec.get("pinned"):
            Thread.objects.filter(pk=thread.pk).update(is_pinned=True)
        if "answer" in spec:
            services.thread_mark_answer(
                actor=thread.author, thread=thread, post=replies[spec["answer"]]
            )
        if spec.get("promote"):
            _promote(thread, people["moderator"])
        created += 1
    for forum in forums.values():
        services.forum_counters_refresh(forum=forum)
    context.write(
        f"{len(forums)} forums ready ({created} new discussions); "
        f"extra participants' password: {EXTRA_PASSWORD}."
    )


def _promote(thread: Thread, moderator) -> None:
    """Turn the answered question into a lesson learned awaiting moderation."""
    try:
        from knowledge.services import resource_submit  # noqa: F401
    except ImportError:  # the knowledge library is not installed
        return
    from . import permissions, selectors

    thread = Thread.objects.select_related("forum__group", "category").get(pk=thread.pk)
    choices = permissions.lesson_group_choices(moderator, thread)
    if not choices or not permissions.can_promote_thread(moderator, thread):
        return
    draft = selectors.lesson_prefill(thread=thread)
    services.thread_promote_to_lesson(
        actor=moderator,
        thread=thread,
        group_id=choices[0],
        title="Feedback to schools speeds up the annual census",
        summary=(
            "Sending schools their own indicators back, with weekly district "
            "league tables and offline mobile forms, raised on-time census "
            "submission from 61% to 88% in two years."
        ),
        lesson={
            "context": draft["context"],
            "challenge": draft["challenge"],
            "what_was_done": draft["what_was_done"],
            "result": "On-time submission went from 61% to 88% in two years.",
            "lesson": (
                "Schools submit on time when the census gives something back: "
                "their own data, in a form they can use."
            ),
            "recommendation": (
                "Start with a one-page feedback report per school before investing "
                "in new collection tools."
            ),
            "contact": draft["contact"],
        },
        body_text=draft["body_text"],
        tags=["census", "timeliness", "data use"],
        visibility="public",
    )
