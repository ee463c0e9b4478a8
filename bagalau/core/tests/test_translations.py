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


# Latin words a Kazakh or Russian text may hold: names of formats, protocols and systems,
# the product's name, category codes (C-O-4), Roman quarter numerals, language codes and the
# API's own field and action names, which the API user types as they are (methodology.md §2).
LATIN_ALLOWED = {
    "API", "Excel", "PDF", "DOCX", "XLSX", "PNG", "JPEG", "JSON", "CSV", "HTML", "SHA-256",
    "sha256", "CSRF", "HTTP", "HTTPS", "IP", "IPv4", "IPv6", "GET", "POST", "cookie",
    "Referer", "Referrer-Policy", "no-referrer", "same-origin", "NUL", "NULL", "DEBUG",
    "True", "Bagalau", "SMART", "Control", "Command", "Mac", "LDAP", "SSO", "Authorization",
    "Bearer", "Accept", "a-z", "A-Z", "I", "II", "III", "IV", "kk", "ru", "en", "id", "pdf",
    "docx", "xlsx", "language", "fmt", "save_actuals", "send_actuals", "api", "v1",
    "openapi.json",
}  # fmt: skip
CATEGORY_CODE = re.compile(r"^[A-E](?:-[A-Z]{1,2})*-\d{1,2}$")  # B-2, C-O-4, E-R-2
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{\w*\}|https?://\S+|<[^>]*>|&\w+;")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9]|[A-Za-z]")


def latin_words(text):
    """The Latin words of a translation outside the allow-list (placeholders, tags and
    addresses aside; a word cut by a Russian ending, «API-токен», is read without it)."""
    words = LATIN_WORD.findall(PLACEHOLDER.sub(" ", text))
    return [
        w
        for w in words
        if not CATEGORY_CODE.match(w)
        and w not in LATIN_ALLOWED
        and not all(part in LATIN_ALLOWED for part in w.split("-"))  # CSRF-cookie
    ]


def test_latin_words_are_found():
    text = "Жоспар approved: %(name)s, API-токен, C-O-4, CSRF-cookie, <b>жоқ</b>"
    assert latin_words(text) == ["approved"]
    assert latin_words("(002 p42)") == ["p42"]  # a citation reads «42-т.» / «п. 42»


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_latin_words_in_kazakh_or_russian(language):
    found = {
        ident: words
        for ident, strings, _fuzzy in entries(language)
        for words in [sorted({w for text in strings for w in latin_words(text)})]
        if words
    }
    assert found == {}
