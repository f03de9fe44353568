from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0003_alter_moderationaction_action"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="thread",
            index=models.Index(
                models.F("last_post_at").desc(),
                models.F("id").desc(),
                name="thread_recent_activity",
            ),
        ),
    ]
