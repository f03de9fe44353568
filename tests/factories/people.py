"""Directory entries and mentoring exchanges, made through the real services."""

from people.services import (
    directory_entry_update,
    mentoring_request_answer,
    mentoring_request_create,
)

from .users import UserFactory


def expert_create(
    username: str,
    *,
    expertise=("school-census",),
    other_expertise: str = "",
    countries=("SN",),
    languages=("fr", "en"),
    capacity: int = 2,
    country: str = "",
    organisation: str = "",
    **user_fields,
):
    """A member who opted in to the expertise directory."""
    user = UserFactory(username=username, **user_fields)
    if country or organisation:
        user.profile.country = country
        user.profile.organisation = organisation
        user.profile.save()
    directory_entry_update(
        user=user,
        listed=True,
        expertise_areas=list(expertise),
        other_expertise=other_expertise,
        countries_worked_in=list(countries),
        languages_spoken=list(languages),
        mentoring_capacity=capacity,
    )
    user.refresh_from_db()
    return user


def mentoring_create(*, requester, expert, accept: bool | None = None, **fields):
    values = {
        "kind": "exchange",
        "topic": "Moving our school census online",
        "context": "We tried paper forms scanned at district level.",
    }
    values.update(fields)
    request = mentoring_request_create(requester=requester, expert=expert, **values)
    if accept is not None:
        request = mentoring_request_answer(
            expert=expert, request=request, accept=accept
        )
    return request
