"""Every existing account gets a neutral forum handle: @mentions used to be the
username, which allauth makes from the part of the email before the @."""

import secrets

from django.db import migrations, models

import portal.models


def generate_neutral_handles(apps, schema_editor):
    UserProfile = apps.get_model("portal", "UserProfile")
    taken = set(
        UserProfile.objects.exclude(handle=None).values_list("handle", flat=True)
    )
    for profile in UserProfile.objects.filter(handle=None).only("pk"):
        handle = f"member-{secrets.token_hex(4)}"
        while handle in taken:
            handle = f"member-{secrets.token_hex(4)}"
        taken.add(handle)
        UserProfile.objects.filter(pk=profile.pk).update(handle=handle)


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_userprofile_forum_handle")]

    operations = [
        migrations.RunPython(generate_neutral_handles, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="userprofile",
            name="handle",
            field=models.CharField(
                default=portal.models.neutral_handle,
                help_text=(
                    "How others @mention you in the forums: 3 to 30 letters, "
                    "digits, '-' or '_'. It is public; do not use your email "
                    "address."
                ),
                max_length=30,
                unique=True,
                validators=[portal.models.validate_handle],
                verbose_name="forum handle",
            ),
        ),
    ]
