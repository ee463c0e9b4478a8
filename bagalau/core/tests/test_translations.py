"""Every user-facing string is translated: Kazakh by default, Russian and English complete."""

import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

LOCALE = Path(__file__).resolve().parents[3] / "locale"


def entries(language):
    """(msgid, [msgstr…], fuzzy) of a .po file, header excluded."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    result = []
    for block in text.split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not msgid:
            continue
        ident = "".join(re.findall(r'"(.*)"', msgid.group(1)))
        if not ident:
            continue  # the header
        strings = [
            "".join(re.findall(r'"(.*)"', m))
            for m in re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        ]
        result.append((ident, strings, "#, fuzzy" in block))
    return result


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_no_entry_is_missing_or_fuzzy(language):
    missing = [ident for ident, strings, fuzzy in entries(language) if fuzzy or not all(strings)]
    assert missing == []


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_placeholders_survive_translation(language):
    for ident, strings, _fuzzy in entries(language):
        wanted = sorted(re.findall(r"%\(\w+\)s", ident))
        for text in strings:
            assert sorted(set(re.findall(r"%\(\w+\)s", text))) == sorted(set(wanted)), ident


def test_the_compiled_catalogs_are_used():
    with translation.override("kk"):
        assert gettext("Log in") == "Кіру"
    with translation.override("ru"):
        assert gettext("Log in") == "Войти"
