"""Keep the search vectors in the heap row (STORAGE MAIN): the body is what
goes to TOAST when a row is too big, never the vectors.

With the default (EXTENDED) most search vectors were moved out of line, so
every @@ test, ts_rank and phrase check outside the GIN index (candidate
windows, samples, rechecks) fetched and reassembled TOAST chunks, once per
expression. Applies to rows written from now on; ``search_reindex`` rewrites
changed rows, and a vacuum full or a fresh reindex rewrites all of them.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("search", "0005_facet_indexes")]

    operations = [
        migrations.RunSQL(
            sql="ALTER TABLE search_document"
            " ALTER COLUMN search_vector SET STORAGE MAIN,"
            " ALTER COLUMN head_vector SET STORAGE MAIN",
            reverse_sql="ALTER TABLE search_document"
            " ALTER COLUMN search_vector SET STORAGE EXTENDED,"
            " ALTER COLUMN head_vector SET STORAGE EXTENDED",
        )
    ]
