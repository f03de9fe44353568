import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

# Same weights and configuration as the library's former on-the-fly vector.
# The title lives in wagtailcore_page, written before this row by every save.
FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION knowledge_resource_search_vector() RETURNS trigger AS $$
DECLARE
    page_title text;
BEGIN
    SELECT title INTO page_title FROM wagtailcore_page WHERE id = NEW.page_ptr_id;
    NEW.search_vector :=
        setweight(to_tsvector('english'::regconfig, coalesce(page_title, '')), 'A')
        || setweight(
            to_tsvector('english'::regconfig, coalesce(NEW.introduction, '')), 'B')
        || setweight(to_tsvector('english'::regconfig,
            coalesce(NEW.authors, '') || ' ' || coalesce(NEW.series, '')), 'C')
        || setweight(to_tsvector('english'::regconfig, concat_ws(' ',
            NEW.lesson_context, NEW.lesson_challenge, NEW.lesson_action,
            NEW.lesson_result, NEW.lesson_learned, NEW.lesson_recommendation)), 'D');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER knowledge_resource_search_vector
    BEFORE INSERT OR UPDATE ON knowledge_resourcepage
    FOR EACH ROW EXECUTE FUNCTION knowledge_resource_search_vector();

UPDATE knowledge_resourcepage SET search_vector = NULL;
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS knowledge_resource_search_vector ON knowledge_resourcepage;
DROP FUNCTION IF EXISTS knowledge_resource_search_vector();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0002_discussion_link_or_path"),
    ]

    operations = [
        migrations.AddField(
            model_name="resourcepage",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, serialize=False
            ),
        ),
        migrations.RunSQL(FUNCTION_SQL, REVERSE_SQL),
        migrations.AddIndex(
            model_name="resourcepage",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="knowledge_resource_vector"
            ),
        ),
    ]
