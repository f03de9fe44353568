"""Mentoring's own notifications become notifications of the one system."""

from django.db import migrations


def copy_mentoring(apps, schema_editor):
    MentoringNotification = apps.get_model("people", "MentoringNotification")
    Notification = apps.get_model("notifications", "Notification")
    rows = []
    for note in MentoringNotification.objects.select_related("request").iterator():
        rows.append(
            Notification(
                recipient_id=note.recipient_id,
                kind="mentoring",
                verb=f"mentoring_{note.event}",
                actor_id=note.actor_id,
                title=note.request.topic[:300],
                url=f"/people/mentoring/{note.request_id}/",
                target="people.mentoring",
                target_id=note.request_id,
                key=f"mentoring:{note.request_id}:{note.event}:legacy-{note.pk}",
                delivery="site",
                read_at=note.read_at,
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    # Keep when each happened (auto_now_add wrote "now").
    for note in MentoringNotification.objects.only(
        "pk", "request_id", "event", "recipient_id", "created_at"
    ):
        Notification.objects.filter(
            recipient_id=note.recipient_id,
            key=f"mentoring:{note.request_id}:{note.event}:legacy-{note.pk}",
        ).update(created_at=note.created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_notifications_and_preferences"),
        ("people", "0001_mentoring"),
    ]

    operations = [migrations.RunPython(copy_mentoring, migrations.RunPython.noop)]
