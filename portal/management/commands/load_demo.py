import importlib

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.demo import DEMO_STEPS, DEMO_USERS, DemoContext


class Command(BaseCommand):
    help = "Load the demo content of the product spec. Safe to run again: nothing is duplicated."

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet-users", action="store_true", help="Do not print demo passwords."
        )

    def handle(self, *args, **options):
        context = DemoContext(write=lambda text: self.stdout.write(f"  {text}"))
        for number, module_name in enumerate(DEMO_STEPS, start=1):
            self.stdout.write(f"[{number}/{len(DEMO_STEPS)}] {module_name}")
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError:
                continue
            loader = getattr(module, "load", None)
            if loader is not None:
                loader(context)
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
        if (
            getattr(settings, "PORTAL_SHOW_DEMO_PASSWORDS", False)
            and not options["quiet_users"]
        ):
            self.stdout.write("\nDemo users (development only):")
            for key, email, _name, password, _staff in DEMO_USERS:
                self.stdout.write(f"  {key:<10} {email:<30} {password}")
