"""Events get a structured country; existing events take theirs from the place
they are held (address, then venue, then title), in their saved revisions too
so the next edit in the admin keeps it."""

import django_countries.fields
from django.db import migrations


def country_from_location(apps, schema_editor):
    from places.matching import country_of_location

    EventPage = apps.get_model("working_groups", "EventPage")
    Revision = apps.get_model("wagtailcore", "Revision")
    ContentType = apps.get_model("contenttypes", "ContentType")
    event_type = ContentType.objects.filter(
        app_label="working_groups", model="eventpage"
    ).first()
    for event in EventPage.objects.filter(country="").only(
        "pk", "address", "venue", "title"
    ):
        code = country_of_location(event.address, event.venue, event.title)
        if not code:
            continue
        EventPage.objects.filter(pk=event.pk).update(country=code)
        if event_type is None:
            continue
        for revision in Revision.objects.filter(
            content_type=event_type, object_id=str(event.pk)
        ):
            if not revision.content.get("country"):
                revision.content["country"] = code
                revision.save(update_fields=["content"])


class Migration(migrations.Migration):

    dependencies = [
        ('working_groups', '0004_event_materials'),
        ('wagtailcore', '0098_apitoken'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='eventpage',
            name='country',
            field=django_countries.fields.CountryField(blank=True, db_index=True, help_text="Where the event takes place: it is listed on that country's page. Leave empty for an online event.", max_length=2, verbose_name='country'),
        ),
        migrations.RunPython(country_from_location, migrations.RunPython.noop),
    ]
