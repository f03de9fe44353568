"""Facets: one filter aggregation per facet (the other facets' filters applied,
not its own), and the true count of every selected value."""

from __future__ import annotations

from ...faceted import FACET_SIZE, FACETS, SearchQuery


class EngineFacets:
    def _facet_aggregations(self, search, query: SearchQuery, *, sample=0) -> None:
        """With ``sample``, counted over the best-scoring matches, at most that
        many (all of them when there are fewer): see _sample_scale."""
        from elasticsearch.dsl import Q

        parent = search.aggs
        if sample:
            parent = search.aggs.bucket("sample", "sampler", shard_size=sample)
        for facet in FACETS:
            others = self._filter_clauses(query, skip=facet.name)
            bucket = parent.bucket(
                facet.name,
                "filter",
                filter=Q("bool", filter=others or [Q("match_all")]),
            )
            # Counted in groups (a discussion once, however many replies).
            bucket.bucket(
                "values",
                "terms",
                field=facet.field,
                size=FACET_SIZE,
                order=[{"groups": "desc"}, {"_key": "asc"}],
            ).metric("groups", "cardinality", field="collapse_key")
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
                ).metric("groups", "cardinality", field="collapse_key")

    @staticmethod
    def _sample_scale(response: dict) -> float | None:
        """Matches per sampled match (1: the sample is every match), or None
        when the facets were counted over every match."""
        aggregations = response.get("aggregations", {})
        if "sample" not in aggregations:
            return None
        sampled = int(aggregations["sample"]["doc_count"])
        matched = int(aggregations.get("matched", {}).get("doc_count", sampled))
        return matched / sampled if sampled and matched > sampled else 1

    @classmethod
    def _facet_counts(cls, response: dict) -> dict[str, dict[str, int]]:
        counts = {}
        aggregations = response.get("aggregations", {})
        scale = cls._sample_scale(response) or 1
        if "sample" in aggregations:
            aggregations = aggregations["sample"]
        for facet in FACETS:
            facet_aggs = aggregations.get(facet.name, {})
            counts[facet.name] = {
                str(b["key"]): _scaled(
                    int(b.get("groups", {}).get("value", b["doc_count"])), scale
                )
                for name in ("values", "selected")
                for b in facet_aggs.get(name, {}).get("buckets", [])
                if str(b["key"])
            }
        return counts


def _scaled(count: int, scale: float) -> int:
    # A value seen in the sample is shown, however rare (at least 1).
    return count if scale == 1 or not count else max(1, round(count * scale))
