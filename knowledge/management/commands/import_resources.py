"""manage.py import_resources FILE: bulk import of resources from CSV, RIS or
CSL-JSON."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from knowledge.importers import (
    CSV_COLUMNS,
    import_rows,
    parse_csl_json,
    parse_csv,
    parse_ris,
)
from working_groups.models import WorkingGroupPage


class Command(BaseCommand):
    help = (
        "Import resources from a CSV, RIS or CSL-JSON file. Each row is created or, when a "
        "resource with the same DOI (else the same link) exists, updated. Rows "
        "with errors are reported with their line number and skipped; the others "
        "are imported. CSV columns: " + ", ".join(CSV_COLUMNS) + " (lists are "
        "separated by semicolons; a new resource goes below its group's page, an "
        "updated one stays where it is)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="A .csv, .ris or .json (CSL-JSON) file (UTF-8)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and report, without saving anything.",
        )
        parser.add_argument(
            "--file-format",
            choices=["csv", "ris", "json"],
            help="Default: from the file's extension.",
        )
        parser.add_argument(
            "--group",
            help="Slug of the working group for rows that name none.",
        )
        parser.add_argument(
            "--user",
            help="Username recorded as the publisher of the imported resources.",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Hide the progress bar."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        file_format = options["file_format"] or path.suffix.lower().lstrip(".")
        if file_format not in {"csv", "ris", "json"}:
            raise CommandError("Give a .csv, .ris or .json file, or use --file-format.")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text: {error}") from error

        group = None
        if options["group"]:
            group = WorkingGroupPage.objects.filter(slug=options["group"]).first()
            if group is None:
                raise CommandError(f"No working group with the slug {options['group']}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']}")

        parse = {"csv": parse_csv, "ris": parse_ris, "json": parse_csl_json}[
            file_format
        ]
        try:
            rows = list(parse(text))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

        with tqdm(
            total=len(rows),
            unit="row",
            desc="Importing" if not options["dry_run"] else "Checking",
            file=sys.stderr,
            disable=options["no_progress"],
        ) as progress:
            report = import_rows(
                rows,
                user=user,
                default_group=group,
                dry_run=options["dry_run"],
                progress=progress,
            )

        prefix = "Dry run, nothing saved. Would have: " if options["dry_run"] else ""
        self.stdout.write(
            f"{prefix}{report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.rejected)} rejected "
            f"(of {len(rows)} rows)."
        )
        if report.rejected:
            self.stdout.write(self.style.WARNING("Rejected rows:"))
            for line, reason in report.rejected:
                self.stdout.write(f"  line {line}: {reason}")
