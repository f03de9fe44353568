from django.db import migrations, models

# A reply (a document whose collapse key is another document's) carries its
# thread's title for display, but only its own words are searched: the thread's
# document holds the title, so a reply "matches" only through what it says.
PREPARE = """
CREATE OR REPLACE FUNCTION search_document_prepare() RETURNS trigger AS $$
DECLARE
    cfg regconfig := NEW.search_config::regconfig;
    own_title text := CASE WHEN coalesce(NEW.collapse_key, '') IN ('', NEW.key)
                           THEN coalesce(NEW.title, '') ELSE '' END;
    own_cjk_title text := CASE WHEN own_title = '' THEN ''
                               ELSE coalesce(NEW.cjk_title, '') END;
BEGIN
    NEW.title_folded := lower(public.unaccent(coalesce(NEW.title, '')));
    NEW.head_vector :=
        setweight(to_tsvector(cfg, own_title || ' '
                                  || array_to_string(NEW.tags, ' ')), 'A')
        || setweight(to_tsvector('portal_simple', own_cjk_title), 'A')
        || setweight(to_tsvector(cfg, coalesce(NEW.summary, '')), 'B');
    NEW.search_vector :=
        NEW.head_vector
        || setweight(to_tsvector(cfg, coalesce(NEW.body, '')), 'C')
        || setweight(to_tsvector('portal_simple', coalesce(NEW.cjk_text, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""

# Replies join their thread's hit: they carry the thread's key and its kind.
FILL = """
UPDATE search_document d
   SET collapse_key = 'forums.thread:' || p.thread_id, kind = 'thread'
  FROM forums_post p
 WHERE d.source = 'forums.post' AND d.object_id = p.id;
UPDATE search_document SET collapse_key = key WHERE collapse_key = '';
UPDATE search_document d SET forum = f.slug
  FROM forums_thread t JOIN forums_forum f ON f.id = t.forum_id
 WHERE d.source = 'forums.thread' AND d.object_id = t.id;
UPDATE search_document d SET forum = f.slug
  FROM forums_post p JOIN forums_thread t ON t.id = p.thread_id
  JOIN forums_forum f ON f.id = t.forum_id
 WHERE d.source = 'forums.post' AND d.object_id = p.id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_document_countries"),
        ("forums", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="indexeddocument",
            name="collapse_key",
            field=models.CharField(blank=True, default="", max_length=120),
        ),
        migrations.AddField(
            model_name="indexeddocument",
            name="forum",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddIndex(
            model_name="indexeddocument",
            index=models.Index(fields=["forum"], name="search_doc_forum"),
        ),
        migrations.RunSQL(PREPARE, migrations.RunSQL.noop),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
