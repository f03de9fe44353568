"""Words in the library (``q`` of /knowledge/ and /lessons-learned/), matched
through indexes: the resources a text matches are found branch by branch (the
stored search vector through its GIN index, titles, publishers, tag names and,
for a DOI, the DOI) and joined into one set of ids, so the visible resources
are read only where they match instead of every row being tested against an OR
of all branches (which no index can answer)."""

import re
from functools import lru_cache

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery
from django.db.models import Q
from wagtail.models import Page

from .models import ResourcePage, ResourceTag
from .models.pages import DOI_PATTERN, normalise_doi


def words_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config="english")


# Past this many matches of the words alone a term is broad: nearly every row
# matches, and one pass testing each row beats collecting the ids first.
BROAD_MATCHES = 2_000


@lru_cache(maxsize=512)
def is_broad(text: str) -> bool:
    """Whether the words match more than BROAD_MATCHES resources, counted only
    that far (the count stops at BROAD_MATCHES + 1). Kept per process: both
    ways find the same resources, so a stale answer only costs speed."""
    matches = ResourcePage.objects.filter(search_vector=words_query(text)).order_by()
    return matches[: BROAD_MATCHES + 1].count() > BROAD_MATCHES


def text_match(text: str) -> Q:
    """Resources whose words, title, publisher, tag or DOI match ``text``: a
    set of ids found through indexes for a selective text, a test of each row
    for a broad one (the same matches either way)."""
    organisations = ResourcePage.organisations.through.objects.filter(
        Q(organisation__name__icontains=text) | Q(organisation__acronym__iexact=text)
    ).values("resourcepage_id")
    tagged = ResourceTag.objects.filter(tag__name__iexact=text).values(
        "content_object_id"
    )
    doi = normalise_doi(text)
    is_doi = bool(DOI_PATTERN.match(doi)) and not re.search(r"\s", text.strip())
    if is_broad(text):
        return (
            Q(search_vector=words_query(text))
            | Q(title__icontains=text)
            | Q(pk__in=organisations)
            | Q(pk__in=tagged)
            | (Q(doi__iexact=doi) if is_doi else Q(pk__in=[]))
        )
    branches = [
        ResourcePage.objects.filter(search_vector=words_query(text)).values("pk"),
        Page.objects.filter(
            content_type=ContentType.objects.get_for_model(ResourcePage),
            title__icontains=text,
        ).values("pk"),
        organisations,
        tagged,
    ]
    if is_doi:
        branches.append(ResourcePage.objects.filter(doi__iexact=doi).values("pk"))
    branches = [branch.order_by() for branch in branches]
    return Q(pk__in=branches[0].union(*branches[1:]))
