"""The scheduler process: queues each job of settings.PORTAL_SCHEDULE once per
interval (several schedulers may run; each slot runs once)."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.scheduler import scheduler_build


class Command(BaseCommand):
    help = "Run the scheduler: queue the periodic jobs for the worker."

    def handle(self, *args, **options):
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        scheduler = scheduler_build()
        scheduler.start()
        for name, seconds in settings.PORTAL_SCHEDULE.items():
            self.stdout.write(f"scheduler: {name} every {seconds} s")
        stop.wait()
        scheduler.shutdown(wait=False)
        self.stdout.write("scheduler: stopped")
