from django.core.management.base import BaseCommand

from forums.notifications import digests_send


class Command(BaseCommand):
    help = (
        "Email the daily and weekly forum digests that are due. Run it from cron "
        "(hourly is fine): nobody gets a digest early, and no post is sent twice."
    )

    def handle(self, *args, **options):
        sent = digests_send()
        self.stdout.write(f"{sent} digest(s) sent.")
