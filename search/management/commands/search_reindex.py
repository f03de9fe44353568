import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search.services import active_backends, search_reindex


class Command(BaseCommand):
    help = (
        "Rebuild the search index: the database table from every app's content, "
        "then the configured engine from the table (new index, alias swap: no "
        "downtime). Also clears the retry queue of the rebuilt backends."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--backend",
            action="append",
            choices=sorted(settings.PORTAL_SEARCH_BACKENDS),
            help="Only this backend (repeatable). Default: the database and the "
            "configured engine.",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar (for cron)."
        )

    def handle(self, *args, **options):
        names = options["backend"] or [b.name for b in active_backends()]
        show = not options["no_progress"] and options["verbosity"] > 0
        bars = []

        def progress_factory(name, total):
            bar = tqdm(
                total=total,
                desc=f"{name:>14}",
                unit="doc",
                disable=not show,
                file=self.stderr._out,
            )
            bars.append(bar)
            return bar.update

        started = time.monotonic()
        try:
            results = search_reindex(
                backend_names=names, progress_factory=progress_factory
            )
        except Exception as error:
            raise CommandError(f"Reindexing failed: {error}") from error
        finally:
            for bar in bars:
                bar.close()
        for result in results:
            rate = result.indexed / result.seconds if result.seconds else 0
            self.stdout.write(
                f"{result.backend}: {result.indexed} documents indexed, "
                f"{result.removed} removed in {result.seconds:.1f} s "
                f"({rate:.0f} docs/s){' → ' + result.index_name if result.index_name else ''}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Search index rebuilt in {time.monotonic() - started:.1f} s."
            )
        )
