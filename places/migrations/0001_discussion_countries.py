"""Forum threads' search documents say which countries the thread mentions
(forums.search_documents); fill that in for the threads indexed before, from
the title and opening post the document already holds. The engine's copy
follows at the next ``search_reindex``; country pages read the database."""

from django.db import migrations


def countries_of_indexed_threads(apps, schema_editor):
    from places.matching import countries_mentioned

    IndexedDocument = apps.get_model("search", "IndexedDocument")
    documents = IndexedDocument.objects.filter(source="forums.thread").only(
        "pk", "title", "body", "countries"
    )
    for document in documents.iterator(chunk_size=500):
        codes = countries_mentioned(document.title, document.body)
        if codes != list(document.countries):
            IndexedDocument.objects.filter(pk=document.pk).update(countries=codes)


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0007_document_countries"),
    ]

    operations = [
        migrations.RunPython(countries_of_indexed_threads, migrations.RunPython.noop),
    ]
