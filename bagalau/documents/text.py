"""Dates and numbers as official documents write them, in the document's own language.

Not gettext: a document is in one language whatever the reader's, so the month names are
data per language (kk and ru as the seeds' forms write dates; en for completeness).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

MONTHS = {
    "kk": (
        "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым",
        "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан",
    ),
    "ru": (
        "января", "февраля", "марта", "апреля", "мая", "июня",
        "июля", "августа", "сентября", "октября", "ноября", "декабря",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def long_date(day: date | None, language: str) -> str:
    """«2026 жылғы 1 желтоқсан», «1 декабря 2026 г.», «1 December 2026»; blank for None."""
    if day is None:
        return ""
    month = MONTHS.get(language, MONTHS["en"])[day.month - 1]
    if language == "kk":
        return f"{day.year} жылғы {day.day} {month}"
    if language == "ru":
        return f"{day.day} {month} {day.year} г."
    return f"{day.day} {month} {day.year}"


def short_date(day: date | None) -> str:
    """dd.mm.yyyy, as the forms' tables write dates in every language; blank for None."""
    return day.strftime("%d.%m.%Y") if day else ""


def score(value: Decimal | int | None, language: str) -> str:
    """A score with the decimal comma of kk and ru (3,75), the point in en; blank for None."""
    if value is None:
        return ""
    text = f"{value}"
    return text if language == "en" else text.replace(".", ",")


def number(value: Decimal | int | None, language: str) -> str:
    """A stored value without its trailing zeros (100.0000 → 100, 12.5000 → 12,5), with the
    decimal comma of kk and ru; blank for None."""
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():f}"
    return text if language == "en" else text.replace(".", ",")
