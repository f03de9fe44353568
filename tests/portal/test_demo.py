from django.apps import apps
from django.core.management import call_command
from wagtail.models import Page, Site

from portal.demo import DEMO_USERS
from tests.db_snapshot import load_demo
from working_groups.models import WorkingGroupPage

PROJECT_APPS = ["portal", "working_groups", "knowledge", "forums", "search"]
PROJECT_APPS += ["wagtailimages"]  # the groups' drawn images (portal.demo_images)


def row_counts() -> dict[str, int]:
    counts = {
        "wagtailcore.Page": Page.objects.count(),
        "wagtailcore.Site": Site.objects.count(),
    }
    for app_label in PROJECT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.proxy:
                continue
            counts[model._meta.label] = model._default_manager.count()
    return counts


def test_demo_content_loads_twice_without_duplicates(db):
    # The first load: ``load_demo --quiet-users`` as here, or the rows such a
    # load made from this same starting state earlier in the run
    # (tests/db_snapshot.py); the second is the real command on top of them.
    load_demo()
    first = row_counts()

    call_command("load_demo", "--quiet-users", stdout=open("/dev/null", "w"))

    assert row_counts() == first
    assert WorkingGroupPage.objects.live().count() == 3
    assert Site.objects.get(
        is_default_site=True
    ).root_page.specific.__class__.__name__ == ("HomePage")
    from django.contrib.auth import get_user_model

    emails = set(get_user_model().objects.values_list("email", flat=True))
    assert {email for _key, email, *_rest in DEMO_USERS} <= emails


def test_demo_command_prints_users_and_progress(db, settings):
    from io import StringIO

    settings.PORTAL_SHOW_DEMO_PASSWORDS = True
    out = StringIO()
    call_command("load_demo", stdout=out)

    text = out.getvalue()
    assert "[1/" in text
    assert "moderator@emis.example.org" in text
    assert "Demo content ready." in text
