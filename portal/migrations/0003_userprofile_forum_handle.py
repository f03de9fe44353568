from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_postgres_extensions")]

    operations = [
        migrations.AddField(
            model_name="userprofile",
            name="handle",
            field=models.CharField(max_length=30, null=True, verbose_name="forum handle"),
        ),
    ]
