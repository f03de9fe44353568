"""Demo: say which countries some demo resources are about, and where the demo
events are held, so the map and the country pages have something to show.
Only resources with no countries and events with no country yet."""

from django.db import transaction

from portal.demo import DemoContext

RESOURCE_COUNTRIES = {
    "Costing and financing EMIS reforms": ["GH"],
    "Using EMIS data for school-level planning": ["RW"],
    "Gestión de la información educativa en América Latina": ["PE", "CO", "GT"],
    "نظم معلومات إدارة التعليم في الدول العربية": ["JO", "TN", "EG"],
    "Lesson learned: train district officers where they work": ["KE"],
    "Leçon apprise : publier l'annuaire statistique à date fixe": ["SN", "CI"],
    "Story: how one district cut census errors by half": ["NP"],
    "Story: moving 12,000 schools to tablets": ["SL"],
    "Story: the peer exchange that changed our data calendar": ["SN", "ZM"],
    "Lesson learned: start the school census redesign with the forms": ["NG"],
}


@transaction.atomic
def load(context: DemoContext) -> None:
    from knowledge.models import ResourcePage

    changed = 0
    for resource in ResourcePage.objects.live().filter(
        title__in=list(RESOURCE_COUNTRIES), countries=""
    ):
        resource.countries = RESOURCE_COUNTRIES[resource.title]
        resource.save_revision(log_action=False).publish()
        changed += 1
    context.write(f"Countries added to {changed} demo resources.")
    _event_countries(context)


def _event_countries(context: DemoContext) -> None:
    from working_groups.models import EventPage

    from .matching import country_of_location

    changed = 0
    for event in EventPage.objects.live().filter(country=""):
        code = country_of_location(event.address, event.venue)
        if code:
            event.country = code
            event.save_revision(log_action=False).publish()
            changed += 1
    context.write(f"Countries added to {changed} demo events.")
