"""Reading the portal's own catalogues (locale/<lang>/LC_MESSAGES/*.po)."""

import re
from pathlib import Path

import polib
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
# Django language code -> catalogue directory.
CATALOGUE_LANGUAGES = {
    "fr": "fr",
    "es": "es",
    "ar": "ar",
    "ru": "ru",
    "zh-hans": "zh_Hans",
}
NPLURALS = {"fr": 2, "es": 2, "ar": 6, "ru": 3, "zh_Hans": 1}
DOMAINS = ("django", "djangojs")

# printf-style placeholders: %(name)s, %s, %d; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
HTML_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")


def catalogue_paths():
    for directory in CATALOGUE_LANGUAGES.values():
        for domain in DOMAINS:
            path = LOCALE_DIR / directory / "LC_MESSAGES" / f"{domain}.po"
            if path.exists() or domain == "django":
                yield directory, domain, path


def load(path: Path) -> polib.POFile:
    return polib.pofile(str(path))


def placeholders(text: str) -> list[str]:
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


def html_tags(text: str) -> list[str]:
    return sorted(HTML_TAG.findall(text))
