"""Demo content of shared/PRODUCT.md. Every step is idempotent: run it twice,
get the same rows once."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Page, Site

DEMO_USERS = [
    # key, email, display name, password, staff/superuser
    ("admin", "admin@emis.example.org", "Portal Admin", "demo-admin-pass-2026", True),
    (
        "moderator",
        "moderator@emis.example.org",
        "Amina Diallo",
        "demo-moderator-2026",
        False,
    ),
    ("member", "member@emis.example.org", "Carlos Mendes", "demo-member-2026", False),
    ("visitor", "newcomer@emis.example.org", "Lin Wei", "demo-newcomer-2026", False),
]

DEMO_STEPS = [
    "portal.demo",
    "working_groups.demo",
    "portal.demo_images",
    "knowledge.demo",
    "languages.demo",
    "forums.demo",
    "search.demo",
    "people.demo",
    "places.demo",
]


@dataclass
class DemoContext:
    """Shared between steps: users by key, and where to report progress."""

    write: callable
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)


def user_upsert(*, email: str, display_name: str, password: str, staff: bool = False):
    from allauth.account.models import EmailAddress

    User = get_user_model()
    username = email.split("@")[0]
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"email": email, "is_staff": staff, "is_superuser": staff},
    )
    if created:
        user.set_password(password)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    profile = user.profile
    if not profile.display_name:
        profile.display_name = display_name
        profile.save()
    if profile.handle.startswith("member-"):
        # Demo people chose their forum handle from their name (never the email).
        profile.handle = slugify(display_name)[:30]
        profile.save(update_fields=["handle"])
    return user


def root_page_get_or_create() -> Page:
    """Wagtail's root page, root collection and default locale are made by its
    migrations, but a flushed database (transactional tests) has none of them."""
    from django.conf import settings
    from wagtail.models import Collection, Locale

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", live=True))
    return root


def home_page_get_or_create():
    from .models import HomePage

    home = HomePage.objects.first()
    if home is None:
        root = root_page_get_or_create()
        # Wagtail's initial migration creates a placeholder "Welcome" page.
        for placeholder in root.get_children().filter(
            depth=2, content_type__model="page"
        ):
            placeholder.delete()
        home = HomePage(
            title="EMIS Community of Practice",
            slug="home",
            introduction=(
                "A knowledge-sharing community for the people who build and run "
                "Education Management Information Systems."
            ),
            mission=(
                "<p>We connect ministries, statisticians, NGOs and vendors to share "
                "explicit knowledge (reports, data sets, training programmes, "
                "conference papers, webinars) and tacit knowledge (lessons learned, "
                "stories, mentorship) at international, regional and national levels "
                "and across all levels through communities of practice.</p>"
            ),
            how_to_join=(
                "<p>Create an account, complete your profile, then ask to join a "
                "working group. Its moderators review requests within a few days.</p>"
            ),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="EMIS Community of Practice",
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "EMIS Community of Practice"
        site.save()
    return home


@transaction.atomic
def load(context: DemoContext) -> None:
    for key, email, name, password, staff in DEMO_USERS:
        context.users[key] = user_upsert(
            email=email, display_name=name, password=password, staff=staff
        )
    context.objects["home"] = home_page_get_or_create()
    context.write("Users and home page ready.")
