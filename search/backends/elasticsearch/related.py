"""Related content: documents like a given one (``more_like_this``), one per
discussion, only what the reader may see."""

from __future__ import annotations

from ...faceted import SearchHit, SearchQuery
from ...permissions import SearchScope
from .querying import COLLAPSE, SOURCE_FIELDS

MAX_QUERY_TERMS = 25


class EngineRelated:
    def related(
        self, key: str, scope: SearchScope, *, limit: int = 5
    ) -> list[SearchHit]:
        from elasticsearch.dsl import Q, Search

        visibility = self._visibility(scope)
        like = Q(
            "more_like_this",
            fields=["title", "tags.text", "summary", "body"],
            like=[{"_index": self.alias, "_id": key}],
            min_term_freq=1,
            min_doc_freq=1,
            max_query_terms=MAX_QUERY_TERMS,
            minimum_should_match="10%",
        )
        body = (
            Search()
            .query(
                Q(
                    "bool",
                    must=[like],
                    filter=[visibility] if visibility else [],
                    must_not=[Q("term", key=key), Q("term", collapse_key=key)],
                )
            )
            .source(SOURCE_FIELDS)
            .extra(size=limit, collapse=COLLAPSE)
            .to_dict()
        )
        query = SearchQuery(per_page=limit)
        return self._results(query, self._search_raw(body), scope).hits
