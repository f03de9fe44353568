"""Facets: one filter aggregation per facet (the other facets' filters applied,
not its own), and the true count of every selected value."""

from __future__ import annotations

from ...faceted import FACET_SIZE, FACETS, SearchQuery


class EngineFacets:
    def _facet_aggregations(self, search, query: SearchQuery) -> None:
        from elasticsearch.dsl import Q

        for facet in FACETS:
            others = self._filter_clauses(query, skip=facet.name)
            bucket = search.aggs.bucket(
                facet.name,
                "filter",
                filter=Q("bool", filter=others or [Q("match_all")]),
            )
            bucket.bucket("values", "terms", field=facet.field, size=FACET_SIZE)
            selected = query.filters.get(facet.name)
            if selected:
                # A selected value keeps its true count even when it is not
                # among the FACET_SIZE most frequent.
                values = [int(v) for v in selected] if facet.numeric else list(selected)
                bucket.bucket(
                    "selected",
                    "terms",
                    field=facet.field,
                    include=values,
                    size=len(values),
                )

    @staticmethod
    def _facet_counts(response: dict) -> dict[str, dict[str, int]]:
        counts = {}
        aggregations = response.get("aggregations", {})
        for facet in FACETS:
            facet_aggs = aggregations.get(facet.name, {})
            counts[facet.name] = {
                str(b["key"]): int(b["doc_count"])
                for name in ("values", "selected")
                for b in facet_aggs.get(name, {}).get("buckets", [])
                if str(b["key"])
            }
        return counts
