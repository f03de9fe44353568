"""Spelling ("did you mean", in the search request itself) and the
autocompletion suggestions (titles and tags) of the search box."""

from __future__ import annotations

import re

from ...faceted import Suggestion, tag_search_url
from ...permissions import SearchScope
from .querying import DATE_SORT, FUZZY_EXPANSIONS, TIE_BREAKER, capped_text


class EngineSuggestions:
    def _spelling_check(self, search, text: str, filters: list, *, exact=True):
        """``search`` asking the term suggester for corrections and, with
        ``exact``, counting the matches of the words as typed (no extra
        request; without it, the request's own total is that count)."""
        from elasticsearch.dsl import Q

        # Matches of the words as typed (no fuzziness), in the same
        # request: the yardstick of a spelling correction.
        if exact:
            search.aggs.bucket(
                "exact",
                "filter",
                filter=Q("bool", must=[self._strict_query(text)], filter=filters or []),
            )
        return search.suggest(
            "spelling",
            capped_text(text),
            term={"field": "title", "suggest_mode": "missing"},
        )

    @staticmethod
    def _exact(response: dict) -> int:
        """Matches of the words as typed, with the filters."""
        exact = response.get("aggregations", {}).get("exact")
        if exact is None:
            return int(response["hits"]["total"]["value"])
        return int(exact.get("doc_count", 0))

    @staticmethod
    def _corrected(text: str, response: dict) -> str | None:
        """Replace misspelt words with the engine's suggestion."""
        replacements = {}
        for entry in response.get("suggest", {}).get("spelling", []):
            options = entry.get("options") or []
            if options:
                replacements[entry["text"]] = options[0]["text"]
        if not replacements:
            return None

        def replace(match):
            word = match.group(0)
            return replacements.get(word.lower(), word)

        return re.sub(r"\w+", replace, text)

    def suggest(
        self, text: str, scope: SearchScope, *, limit: int = 8
    ) -> list[Suggestion]:
        from django.urls import reverse
        from elasticsearch.dsl import Q, Search

        text = " ".join(text.split())[:100]
        if len(text) < 2:
            return []
        prefix = text.lower()
        title_match = Q(
            "bool",
            should=[
                Q(
                    "match",
                    **{"title.ac": {"query": text, "operator": "and", "boost": 2}},
                ),
                Q(
                    "match",
                    title={
                        "query": text,
                        "operator": "and",
                        "fuzziness": "AUTO",
                        "prefix_length": 1,
                        "max_expansions": FUZZY_EXPANSIONS,
                    },
                ),
            ],
            minimum_should_match=1,
        )
        visibility = self._visibility(scope)
        search = Search().query(
            Q(
                "bool",
                should=[title_match, Q("prefix", tags=prefix)],
                minimum_should_match=1,
                filter=[visibility] if visibility else [],
            )
        )
        search = search.post_filter(title_match)
        # Only tags starting with the text, counted by the engine (not the top
        # tags of the matching documents filtered afterwards).
        if prefix.isascii():
            search.aggs.bucket(
                "tags",
                "terms",
                field="tags",
                size=3,
                include=f"{_regexp_escape(prefix)}.*",
            )
        else:
            # OpenSearch 2.19 fails (index_out_of_bounds) on non-ASCII include
            # patterns: count the top tags and keep those starting with the text.
            search.aggs.bucket("tags", "terms", field="tags", size=30)
        body = (
            search.source(["kind", "title", "url"])
            .sort("_score", DATE_SORT, TIE_BREAKER)
            .extra(size=limit)
            .to_dict()
        )
        response = self._search_raw(body)
        titles = [
            Suggestion(h["_source"]["title"], h["_source"]["url"], h["_source"]["kind"])
            for h in response["hits"]["hits"]
        ]
        search_url = reverse("search")
        tags = [
            Suggestion(b["key"], tag_search_url(search_url, b["key"]), "tag")
            for b in response.get("aggregations", {}).get("tags", {}).get("buckets", [])
            if str(b["key"]).startswith(prefix)
        ][:3]
        keep_titles = max(limit - len(tags), limit // 2)
        return (titles[:keep_titles] + tags)[:limit]


def _regexp_escape(text: str) -> str:
    """Lucene regular expression syntax: every reserved character escaped."""
    return re.sub(r'([.?+*|{}\[\]()"\\#@&<>~^$])', r"\\\1", text)
