from django.core.management.base import BaseCommand

from search.documents import providers
from search.services import search_status


class Command(BaseCommand):
    help = "Documents expected, in the database table and in the search engine."

    def handle(self, *args, **options):
        expected = {label: p.count() for label, p in providers().items()}
        self.stdout.write("Searchable objects per app (upper bound):")
        for label, count in sorted(expected.items()):
            self.stdout.write(f"  {label:<24} {count}")
        self.stdout.write("Backends:")
        healthy = True
        for row in search_status():
            line = f"  {row['backend']:<14} status={row['status']:<12} documents={row['documents']}"
            if "missing" in row:
                line += f" missing={row['missing']} extra={row['extra']}"
                healthy &= row["missing"] == 0 and row["extra"] == 0
            if row.get("error"):
                line += f" error={row['error']}"
            line += f" pending={row['pending']}"
            healthy &= row["status"] == "ok" and not row["pending"]
            self.stdout.write(line)
        if healthy:
            self.stdout.write(self.style.SUCCESS("In step."))
        else:
            self.stdout.write(
                self.style.WARNING(
                    "Out of step: run `manage.py search_retry`, or "
                    "`manage.py search_reindex` to rebuild."
                )
            )
