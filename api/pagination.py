from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


class KnownCountPaginator(Paginator):
    """Takes the number of items from ``known_count`` on the list when the view
    knows it (the library's kept counts), instead of counting every row."""

    @cached_property
    def count(self):
        known = getattr(self.object_list, "known_count", None)
        return known if known is not None else super().count


class PortalPagination(PageNumberPagination):
    """?page=N, 20 a page like the library; ?page_size= up to 100."""

    django_paginator_class = KnownCountPaginator
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
