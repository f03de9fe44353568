"""Wagtail pages are created under their parent with add_child, then published."""

import factory
from django.utils.text import slugify

from portal.demo import home_page_get_or_create
from working_groups.models import WorkingGroupIndexPage, WorkingGroupPage


def publish_child(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def working_group_index_get_or_create() -> WorkingGroupIndexPage:
    index = WorkingGroupIndexPage.objects.first()
    if index is None:
        index = publish_child(
            home_page_get_or_create(),
            WorkingGroupIndexPage(title="Working groups", slug="working-groups"),
        )
    return index


class WorkingGroupFactory(factory.Factory):
    class Meta:
        model = WorkingGroupPage

    title = factory.Sequence(lambda n: f"Working group {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    short_name = factory.LazyAttribute(lambda o: o.title[:40])
    introduction = "A working group of the community."
    mission = "<p>What this group works on.</p>"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        parent = kwargs.pop("parent", None) or working_group_index_get_or_create()
        return publish_child(parent, model_class(*args, **kwargs))
