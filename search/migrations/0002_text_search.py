"""PostgreSQL side of the database search backend.

- portal_* text search configurations: the language's Snowball stemmer after
  unaccent, so "ecole" finds "écoles" and ts_headline highlights the original text.
- A BEFORE trigger computing the weighted search vector (title and tags A,
  summary B, body C) and the folded title used for trigram suggestions.
- Statement triggers keeping search_term (the per-scope vocabulary behind "did
  you mean" and tag suggestions) in step with search_document. Bulk loads set
  ``search.bulk_load`` and rebuild the vocabulary once at the end.
"""

from django.db import migrations

LANGUAGES = {
    "english": "english_stem",
    "french": "french_stem",
    "spanish": "spanish_stem",
    "russian": "russian_stem",
    "arabic": "arabic_stem",
    "portuguese": "portuguese_stem",
}

CONFIGS = []
for language, dictionary in LANGUAGES.items():
    CONFIGS.append(
        f"""
        CREATE TEXT SEARCH CONFIGURATION portal_{language} (COPY = {language});
        ALTER TEXT SEARCH CONFIGURATION portal_{language}
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {dictionary};
        """
    )
CONFIGS.append(
    """
    CREATE TEXT SEARCH CONFIGURATION portal_simple (COPY = simple);
    ALTER TEXT SEARCH CONFIGURATION portal_simple
        ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
    """
)
DROP_CONFIGS = "".join(
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS portal_{name};"
    for name in [*LANGUAGES, "simple"]
)

# The terms of a set of documents (a transition table or the whole table).
TERMS_SELECT = """
    SELECT 'w'::varchar AS kind, w::varchar AS term, s AS scope, count(DISTINCT d.id)::int AS n
    FROM {table} d
    CROSS JOIN LATERAL regexp_split_to_table(
        lower(public.unaccent(coalesce(d.title, '') || ' ' || coalesce(d.summary, ''))),
        '[^[:alnum:]]+') AS w
    CROSS JOIN LATERAL unnest(CASE WHEN d.is_public THEN ARRAY[0] ELSE d.group_ids END) AS s
    WHERE length(w) BETWEEN 3 AND 40 AND w !~ '^[0-9]+$'
    GROUP BY w, s
    UNION ALL
    SELECT 't'::varchar, left(t, 100)::varchar, s, count(DISTINCT d.id)::int
    FROM {table} d
    CROSS JOIN LATERAL unnest(d.tags) AS t
    CROSS JOIN LATERAL unnest(CASE WHEN d.is_public THEN ARRAY[0] ELSE d.group_ids END) AS s
    GROUP BY left(t, 100), s
"""

APPLY_DELTA = """
    INSERT INTO search_term (kind, term, scope, document_count)
    SELECT kind, term, scope, delta FROM (
        SELECT kind, term, scope, sum(n)::int AS delta FROM ({changes}) changes
        GROUP BY kind, term, scope
    ) totals
    WHERE delta <> 0
    ORDER BY kind, term, scope
    ON CONFLICT (kind, term, scope)
    DO UPDATE SET document_count = search_term.document_count + EXCLUDED.document_count;
    DELETE FROM search_term WHERE document_count <= 0;
"""


def trigger_function(name, changes):
    return f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
    BEGIN
        IF coalesce(current_setting('search.bulk_load', true), '') = 'on' THEN
            RETURN NULL;
        END IF;
        {APPLY_DELTA.format(changes=changes)}
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql;
    """


INSERTED = TERMS_SELECT.format(table="new_documents")
DELETED = (
    "SELECT kind, term, scope, -n AS n FROM ("
    + TERMS_SELECT.format(table="old_documents")
    + ") removed"
)

FORWARD = [
    *CONFIGS,
    """
    CREATE OR REPLACE FUNCTION search_document_prepare() RETURNS trigger AS $$
    DECLARE
        cfg regconfig := NEW.search_config::regconfig;
    BEGIN
        NEW.title_folded := lower(public.unaccent(coalesce(NEW.title, '')));
        NEW.search_vector :=
            setweight(to_tsvector(cfg, coalesce(NEW.title, '')), 'A')
            || setweight(to_tsvector(cfg, array_to_string(NEW.tags, ' ')), 'A')
            || setweight(to_tsvector('portal_simple', coalesce(NEW.cjk_title, '')), 'A')
            || setweight(to_tsvector(cfg, coalesce(NEW.summary, '')), 'B')
            || setweight(to_tsvector(cfg, coalesce(NEW.body, '')), 'C')
            || setweight(to_tsvector('portal_simple', coalesce(NEW.cjk_text, '')), 'C');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER search_document_prepare
        BEFORE INSERT OR UPDATE ON search_document
        FOR EACH ROW EXECUTE FUNCTION search_document_prepare();
    """,
    trigger_function("search_terms_inserted", INSERTED),
    trigger_function("search_terms_updated", INSERTED + " UNION ALL " + DELETED),
    trigger_function("search_terms_deleted", DELETED),
    """
    CREATE TRIGGER search_terms_inserted AFTER INSERT ON search_document
        REFERENCING NEW TABLE AS new_documents
        FOR EACH STATEMENT EXECUTE FUNCTION search_terms_inserted();
    CREATE TRIGGER search_terms_updated AFTER UPDATE ON search_document
        REFERENCING OLD TABLE AS old_documents NEW TABLE AS new_documents
        FOR EACH STATEMENT EXECUTE FUNCTION search_terms_updated();
    CREATE TRIGGER search_terms_deleted AFTER DELETE ON search_document
        REFERENCING OLD TABLE AS old_documents
        FOR EACH STATEMENT EXECUTE FUNCTION search_terms_deleted();
    """,
    f"""
    CREATE OR REPLACE FUNCTION search_terms_rebuild() RETURNS void AS $$
    BEGIN
        DELETE FROM search_term;
        INSERT INTO search_term (kind, term, scope, document_count)
        SELECT kind, term, scope, n FROM ({TERMS_SELECT.format(table="search_document")}) terms;
    END
    $$ LANGUAGE plpgsql;
    """,
]

BACKWARD = [
    """
    DROP TRIGGER IF EXISTS search_terms_inserted ON search_document;
    DROP TRIGGER IF EXISTS search_terms_updated ON search_document;
    DROP TRIGGER IF EXISTS search_terms_deleted ON search_document;
    DROP TRIGGER IF EXISTS search_document_prepare ON search_document;
    DROP FUNCTION IF EXISTS search_terms_inserted();
    DROP FUNCTION IF EXISTS search_terms_updated();
    DROP FUNCTION IF EXISTS search_terms_deleted();
    DROP FUNCTION IF EXISTS search_document_prepare();
    DROP FUNCTION IF EXISTS search_terms_rebuild();
    """,
    DROP_CONFIGS,
]


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunSQL(sql=FORWARD, reverse_sql=BACKWARD)]
