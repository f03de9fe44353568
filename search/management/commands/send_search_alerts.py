from django.core.management.base import BaseCommand

from search.models import SavedSearch
from search.services import saved_search_alerts_send


class Command(BaseCommand):
    help = (
        "Email saved-search alerts that are due: instant ones at every run, daily "
        "and weekly ones when their period has passed. Run it from cron every few "
        "minutes; concurrent runs skip (advisory lock) and no item is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            choices=[
                SavedSearch.Frequency.INSTANT,
                SavedSearch.Frequency.DAILY,
                SavedSearch.Frequency.WEEKLY,
            ],
            help="Only this frequency (default: every due saved search).",
        )

    def handle(self, *args, **options):
        report = saved_search_alerts_send(frequency=options["frequency"])
        if report.skipped_locked:
            self.stdout.write("Another run is sending alerts; nothing to do.")
            return
        self.stdout.write(
            f"{report.checked} saved searches checked, {report.emails} emails sent "
            f"with {report.items} new items."
        )
        for error in report.errors:
            self.stderr.write(f"error: {error}")
