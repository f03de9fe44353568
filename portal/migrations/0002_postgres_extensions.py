from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Search needs pg_trgm (typo tolerance) and unaccent; both are trusted extensions."""

    dependencies = [("portal", "0001_initial")]

    operations = [TrigramExtension(), UnaccentExtension()]
