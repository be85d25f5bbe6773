"""The translations shipped are whole, compiled, and hold every word the code marks.

A missing translation shows a person English in the middle of their language; a stale .mo
shows them last month's words. These tests read the catalogues with polib; the last one runs
makemessages into a scratch folder (it needs GNU gettext, which CI installs).
"""

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["ur", "bn", "pa", "pl", "so"]
IGNORED = [".venv", "bench", "tests", "node_modules", "staticfiles"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def catalogue(code: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / code / "LC_MESSAGES" / "django.po"))


def _key(entry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_entry_is_translated_and_none_is_a_guess(code):
    po = catalogue(code)
    assert len(po) > 500
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert [entry.msgid for entry in po.obsolete_entries()] == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_translations_keep_every_placeholder(code):
    # A lost %(name)s drops a service's name from a sentence; an extra one is a crash.
    wrong = []
    for entry in catalogue(code):
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural:
            wanted_plural = sorted(PLACEHOLDER.findall(entry.msgid_plural))
            for index, text in entry.msgstr_plural.items():
                # A language's singular form may leave out the count, as gettext allows.
                found = sorted(PLACEHOLDER.findall(text))
                if found not in (wanted, wanted_plural) and set(found) - set(wanted_plural):
                    wrong.append((entry.msgid, index, text))
        elif sorted(PLACEHOLDER.findall(entry.msgstr)) != wanted:
            wrong.append((entry.msgid, entry.msgstr))
    assert wrong == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_compiled_catalogue_is_the_source_compiled(code):
    po = catalogue(code)
    mo = polib.mofile(str(ROOT / "locale" / code / "LC_MESSAGES" / "django.mo"))
    compiled = {
        _key(entry): (entry.msgstr, dict(entry.msgstr_plural)) for entry in mo if entry.msgid
    }
    source = {
        _key(entry): (entry.msgstr, {int(k): v for k, v in entry.msgstr_plural.items()})
        for entry in po
        if not entry.obsolete
    }
    assert compiled == source, "run `make messages` and commit the .mo files"


def test_every_language_has_the_same_words_to_translate():
    keys = {code: {_key(entry) for entry in catalogue(code)} for code in LANGUAGES}
    first = keys[LANGUAGES[0]]
    assert all(other == first for other in keys.values())


@pytest.mark.skipif(
    shutil.which("xgettext") is None and not os.environ.get("CI"),
    reason="GNU gettext is not installed (apt-get install gettext); CI installs it",
)
def test_the_catalogues_hold_every_word_the_code_marks(tmp_path):
    # Extract afresh from a copy of the code and compare: a word marked since the catalogues
    # were last updated (or one no longer used) fails here until `make messages` is run. A
    # copy, because makemessages writes into a `locale` folder beside the code it reads.
    copy = tmp_path / "code"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(*IGNORED, ".git", "locale", "docs", "*.pyc", "*.sqlite3"),
    )
    (copy / "locale").mkdir()
    cwd = os.getcwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command(
                "makemessages",
                locale=["ur"],
                ignore_patterns=IGNORED,
                no_obsolete=True,
                verbosity=0,
            )
    finally:
        os.chdir(cwd)
    fresh = {_key(entry) for entry in polib.pofile(str(copy / "locale/ur/LC_MESSAGES/django.po"))}
    shipped = {_key(entry) for entry in catalogue("ur")}
    assert sorted(fresh - shipped, key=str) == [], "new words: run `make messages`, translate"
    assert sorted(shipped - fresh, key=str) == [], "words no longer used: run `make messages`"
