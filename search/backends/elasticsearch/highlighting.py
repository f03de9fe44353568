"""Highlighting: the matched words marked in titles and in snippets of the
summary and body (in the document's own language's fields first)."""

from __future__ import annotations

from ...documents import ENGINE_LANGUAGES, MARK_END, MARK_START

SNIPPET_SIZE = 160
SNIPPETS = 2


class EngineHighlighting:
    @staticmethod
    def _highlight(search, query=None):
        """``search`` asking for the title whole and snippets of the bodies
        (of ``query``'s words when given, else of the search's)."""
        search = search.highlight_options(
            pre_tags=[MARK_START],
            post_tags=[MARK_END],
            require_field_match=False,
        )
        if query is not None:
            search = search.highlight_options(highlight_query=query.to_dict())
        for name in ("title", *(f"title_{c}" for c in ENGINE_LANGUAGES)):
            search = search.highlight(name, number_of_fragments=0)
        for name in (
            "body",
            "summary",
            *(f"body_{c}" for c in ENGINE_LANGUAGES),
            *(f"summary_{c}" for c in ENGINE_LANGUAGES),
        ):
            search = search.highlight(
                name, fragment_size=SNIPPET_SIZE, number_of_fragments=SNIPPETS
            )
        return search

    @staticmethod
    def _hit_highlights(hit: dict, language: str) -> tuple[str, str]:
        """(title highlight, snippet) of one hit; empty when nothing matched."""
        highlight = hit.get("highlight", {})

        def first(*names):
            for name in names:
                fragments = highlight.get(name)
                if fragments:
                    return " … ".join(fragments)
            return ""

        return (
            first(f"title_{language}", "title"),
            first(f"body_{language}", "body", f"summary_{language}", "summary"),
        )
