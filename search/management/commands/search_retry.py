from django.core.management.base import BaseCommand

from search.services import search_pending_retry


class Command(BaseCommand):
    help = "Retry indexing work that failed (engine down or slow). Safe under cron."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=5000)

    def handle(self, *args, **options):
        report = search_pending_retry(limit=options["limit"])
        self.stdout.write(
            f"{report['retried']} documents reindexed, {report['failed']} still failing."
        )
