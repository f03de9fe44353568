"""The five catalogues stay complete: every msgid translated, no fuzzy entry,
the same placeholders and markup as the English, the right number of plural
forms, compiled .mo files in step, and no marked string missing."""

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from .catalogues import (
    CATALOGUE_LANGUAGES,
    NPLURALS,
    catalogue_paths,
    html_tags,
    load,
    placeholders,
)

CATALOGUES = list(catalogue_paths())
IDS = [f"{lang}-{domain}" for lang, domain, _path in CATALOGUES]


def _problems(po: polib.POFile, nplurals: int) -> list[str]:
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        name = repr(entry.msgid[:60])
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {name}")
        if entry.msgid_plural:
            forms = [entry.msgstr_plural.get(i, "") for i in range(nplurals)]
            if len(entry.msgstr_plural) != nplurals:
                problems.append(
                    f"{len(entry.msgstr_plural)} plural forms, not {nplurals}: {name}"
                )
            english = placeholders(entry.msgid_plural)
            english_tags = html_tags(entry.msgid_plural)
        else:
            forms = [entry.msgstr]
            english = placeholders(entry.msgid)
            english_tags = html_tags(entry.msgid)
        for form in forms:
            if not form.strip():
                problems.append(f"missing or empty: {name}")
                continue
            if placeholders(form) != english:
                problems.append(
                    f"placeholders {placeholders(form)} != {english}: {name}"
                )
            if html_tags(form) != english_tags:
                problems.append(f"markup differs: {name}")
    return problems


@pytest.mark.parametrize(("lang", "domain", "path"), CATALOGUES, ids=IDS)
def test_catalogue_is_complete(lang, domain, path):
    assert path.exists(), f"{path} is missing"
    po = load(path)
    assert po.metadata.get("Plural-Forms", "").startswith(f"nplurals={NPLURALS[lang]};")
    assert _problems(po, NPLURALS[lang]) == []


@pytest.mark.parametrize(("lang", "domain", "path"), CATALOGUES, ids=IDS)
def test_compiled_catalogue_is_in_step(lang, domain, path):
    """The committed .mo says what the .po says (run `make messages`)."""
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    compiled = {
        (entry.msgctxt, entry.msgid): (entry.msgstr, dict(entry.msgstr_plural))
        for entry in polib.mofile(str(mo_path))
        if entry.msgid
    }
    source = {
        (entry.msgctxt, entry.msgid): (
            entry.msgstr,
            {int(k): v for k, v in entry.msgstr_plural.items()},
        )
        for entry in load(path)
        if not entry.obsolete and "fuzzy" not in entry.flags
    }
    compiled = {
        key: (msgstr, {int(k): v for k, v in plural.items()})
        for key, (msgstr, plural) in compiled.items()
    }
    assert compiled == source


SOURCE_DIRS = ["portal", "knowledge", "working_groups", "forums", "search"]
SOURCE_DIRS += ["templates", "static"]


def test_every_marked_string_is_in_the_catalogues(tmp_path):
    """makemessages over a copy of the code finds nothing the catalogues lack."""
    base = Path(settings.BASE_DIR)
    for name in SOURCE_DIRS:
        shutil.copytree(
            base / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("__pycache__", "migrations"),
        )
    (tmp_path / "locale").mkdir()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
            for domain in ("django", "djangojs"):
                call_command("makemessages", locale=["fr"], domain=domain, verbosity=0)
    finally:
        os.chdir(cwd)
    for domain in ("django", "djangojs"):
        extracted = tmp_path / "locale" / "fr" / "LC_MESSAGES" / f"{domain}.po"
        marked = (
            {(e.msgctxt, e.msgid) for e in load(extracted)}
            if extracted.exists()
            else set()
        )
        for directory in CATALOGUE_LANGUAGES.values():
            path = settings.BASE_DIR / "locale" / directory / "LC_MESSAGES"
            path = path / f"{domain}.po"
            known = (
                {(e.msgctxt, e.msgid) for e in load(path) if not e.obsolete}
                if path.exists()
                else set()
            )
            missing = sorted(msgid for _ctx, msgid in marked - known)
            assert missing == [], f"{directory}/{domain}.po lacks {missing[:10]}"
