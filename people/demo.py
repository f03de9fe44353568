"""Demo directory entries: two members who opted in (the moderator and the group
member); everyone else stays unlisted, as the directory's default is."""

from django.db import transaction

from portal.demo import DemoContext

from .services import directory_entry_update

DIRECTORY = {
    "moderator": {
        "expertise_areas": ["school-census", "interoperability", "data-governance"],
        "other_expertise": "examination data",
        "countries_worked_in": ["SN", "ML", "BF"],
        "languages_spoken": ["fr", "en"],
        "mentoring_capacity": 2,
    },
    "member": {
        "expertise_areas": ["school-census", "sdg-4-indicators", "data-quality"],
        "other_expertise": "",
        "countries_worked_in": ["HT", "SN", "CI", "NG"],
        "languages_spoken": ["en", "fr", "es"],
        "mentoring_capacity": 3,
    },
}


@transaction.atomic
def load(context: DemoContext) -> None:
    for key, entry in DIRECTORY.items():
        user = context.users.get(key)
        if user is None or user.profile.listed_in_directory:
            continue  # a member's own later choices are kept
        directory_entry_update(user=user, listed=True, **entry)
    context.write("Expertise directory ready (2 members listed).")
