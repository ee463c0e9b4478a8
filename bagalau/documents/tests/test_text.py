from datetime import date
from decimal import Decimal

from bagalau.documents.text import long_date, score, short_date


def test_long_dates_are_written_as_the_forms_write_them():
    day = date(2026, 12, 1)
    assert long_date(day, "kk") == "2026 жылғы 1 желтоқсан"
    assert long_date(day, "ru") == "1 декабря 2026 г."
    assert long_date(day, "en") == "1 December 2026"
    assert long_date(date(2027, 1, 31), "kk") == "2027 жылғы 31 қаңтар"
    assert long_date(None, "kk") == ""


def test_short_dates_and_scores():
    assert short_date(date(2026, 3, 5)) == "05.03.2026"
    assert short_date(None) == ""
    assert score(Decimal("3.75"), "kk") == "3,75"
    assert score(Decimal("3.75"), "ru") == "3,75"
    assert score(Decimal("3.75"), "en") == "3.75"
    assert score(None, "ru") == ""


def test_numbers_lose_their_trailing_zeros():
    from bagalau.documents.text import number

    assert number(Decimal("100.0000"), "kk") == "100"
    assert number(Decimal("12.5000"), "ru") == "12,5"
    assert number(Decimal("1E+2"), "kk") == "100"
    assert number(None, "kk") == ""
