"""Pure rules of identity numbers, categories and supervisors."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bagalau.core.errors import DomainError
from bagalau.org import rules

KNOWN = frozenset({"B-2", "C-O-4", "D-1", "D-3", "D-4", "E-R-1", "E-G-2", "C-R-3"})


class TestIin:
    def test_it_accepts_a_valid_iin_and_strips_spaces(self):
        iin = rules.complete_with_check_digit("90010130000")
        assert iin is not None
        assert rules.validate_iin(f" {iin[:6]} {iin[6:]} ") == iin

    def test_it_refuses_a_wrong_check_digit_naming_the_field(self):
        iin = rules.complete_with_check_digit("90010130000")
        bad = iin[:11] + str((int(iin[11]) + 1) % 10)
        with pytest.raises(DomainError) as err:
            rules.validate_iin(bad)
        assert err.value.code == "iin_checksum"
        assert err.value.field == "iin"

    @pytest.mark.parametrize("value", ["", "12345", "90010130000A", "9001013000011"])
    def test_it_refuses_a_malformed_iin(self, value):
        with pytest.raises(DomainError) as err:
            rules.validate_iin(value)
        assert err.value.code == "iin_format"

    def test_it_refuses_an_impossible_birth_date(self):
        iin = rules.complete_with_check_digit("90023130000")  # 31 February
        assert iin is not None
        with pytest.raises(DomainError) as err:
            rules.validate_iin(iin)
        assert err.value.code == "iin_date"

    def test_it_uses_the_second_weights_when_the_first_sum_gives_ten(self):
        # A number whose first weighted sum mod 11 is 10 takes the second weights.
        for n in range(1000):
            head = f"8501013{n:04d}"
            digits = [int(c) for c in head]
            if sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11 == 10:
                value = rules.complete_with_check_digit(head)
                if value:
                    assert rules.validate_iin(value) == value
                    return
        pytest.fail("no such number found")

    @given(st.integers(min_value=0, max_value=10**11 - 1))
    def test_check_digit_either_completes_a_valid_number_or_none(self, n):
        head = f"{n:011d}"
        value = rules.complete_with_check_digit(head)
        if value is not None:
            assert rules._has_valid_checksum(value)


class TestIinVectors:
    """Numbers whose check digit was worked out by hand from the published algorithm, not by
    the function under test: weights 1..11 over the first 11 digits, mod 11; when that gives
    10, weights 3..11, 1, 2; when that too gives 10 the number cannot exist."""

    def test_a_number_worked_by_hand_with_the_first_weights_is_valid(self):
        # 9·1 + 0·2 + 0·3 + 1·4 + 0·5 + 1·6 + 3·7 + 0 + 0 + 0 + 0 = 40; 40 mod 11 = 7
        assert rules.validate_iin("900101300007") == "900101300007"
        for wrong in range(10):
            if wrong != 7:
                with pytest.raises(DomainError) as err:
                    rules.validate_iin(f"90010130000{wrong}")
                assert (err.value.code, err.value.field) == ("iin_checksum", "iin")

    def test_a_number_worked_by_hand_with_the_second_weights_is_valid(self):
        # 8·1 + 5·2 + 0 + 1·4 + 0 + 1·6 + 3·7 + 0 + 0 + 6·10 + 0 = 109; 109 mod 11 = 10, so
        # 8·3 + 5·4 + 0 + 1·6 + 0 + 1·8 + 3·9 + 0 + 0 + 6·1 + 0 = 91; 91 mod 11 = 3
        assert rules.validate_iin("850101300603") == "850101300603"
        with pytest.raises(DomainError):
            rules.validate_iin("850101300600")  # the first weights' 10 is not a digit

    @pytest.mark.parametrize(
        ("iin", "born"),
        [
            ("000229500018", "29 Feb 2000: 2000 is a leap year"),
            ("240229500017", "29 Feb 2024"),
            ("951231400012", "31 Dec 1995"),
            ("000101500011", "1 Jan 2000"),
        ],
    )
    def test_real_birth_dates_in_their_century_are_accepted(self, iin, born):
        # check digits by hand as above (000229 5 0001 → 8; 240229 5 0001 → 7; …)
        assert rules.validate_iin(iin) == iin, born

    @pytest.mark.parametrize(
        ("head", "why"),
        [
            ("00022930001", "29 Feb 1900: 1900 is not a leap year"),
            ("23022950001", "29 Feb 2023"),
            ("00010100001", "century digit 0"),
            ("00010170001", "century digit 7"),
            ("00010180001", "century digit 8"),
            ("00010190001", "century digit 9"),
            ("90013230000", "day 32"),
            ("90010030000", "day 0"),
            ("90130130000", "month 13"),
            ("90000130000", "month 0"),
        ],
    )
    def test_impossible_birth_dates_and_centuries_are_refused(self, head, why):
        # 001 p1 (the servant's identity): the IIN's first seven digits are the birth date
        # and the century; a checksum-valid number with no such date is still refused.
        value = rules.complete_with_check_digit(head)
        if value is None:
            pytest.skip(f"{head}: no check digit exists")
        with pytest.raises(DomainError) as err:
            rules.validate_iin(value)
        assert (err.value.code, err.value.field) == ("iin_date", "iin"), why

    @pytest.mark.parametrize("century", [1, 2, 3, 4, 5, 6])
    def test_each_century_digit_one_to_six_starts_a_date(self, century):
        value = rules.complete_with_check_digit(f"880301{century}0001")
        assert value is not None
        assert rules.validate_iin(value) == value


class TestBin:
    def test_it_accepts_a_valid_bin(self):
        value = rules.complete_with_check_digit("05044001234")
        assert rules.validate_bin(value) == value

    def test_it_refuses_a_bad_bin_naming_the_field(self):
        value = rules.complete_with_check_digit("05044001234")
        with pytest.raises(DomainError) as err:
            rules.validate_bin(value[:11] + str((int(value[11]) + 3) % 10))
        assert (err.value.code, err.value.field) == ("bin_checksum", "bin")


class TestCategories:
    # methodology.md §5: the seeds' OCR writes Cyrillic look-alikes, 0 for O and V for B.
    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ("D-3", "D-3"),
            ("д-3", "D-3"),
            ("С-0-4", "C-O-4"),  # Cyrillic С and zero (003 App 4)
            ("C-0-4", "C-O-4"),
            ("V-2", "B-2"),  # 003 App 4 writes V-2
            ("В-2", "B-2"),  # Cyrillic В
            ("Е-R-1", "E-R-1"),  # Cyrillic Е
            ("C-Р-3", "C-R-3"),  # Cyrillic Р
            ("E-G-2 ", "E-G-2"),
            ("e–g–2", "E-G-2"),  # en dashes
            ("D3", "D-3"),
            ("CO4", "C-O-4"),
        ],
    )
    def test_it_normalises_the_spellings_of_the_seeds(self, raw, code):
        assert rules.normalize_category(raw) == code
        assert rules.parse_category(raw, KNOWN) == code

    def test_it_refuses_an_unknown_code_with_the_value_in_the_message(self):
        with pytest.raises(DomainError) as err:
            rules.parse_category("Z-9", KNOWN)
        assert err.value.field == "category"
        assert "Z-9" in err.value.text()

    def test_the_group_depends_on_the_head_of_unit_flag(self):
        # methodology.md §5; 003 App 4: D-3 heads are group 2, other D-3 group 3.
        groups = {"D-3": rules.CategoryGroups(2, 3), "D-1": rules.CategoryGroups(1, 1)}
        assert rules.category_group("D-3", True, groups) == 2
        assert rules.category_group("D-3", False, groups) == 3
        assert rules.category_group("D-1", False, groups) == 1


class TestSupervisors:
    # The unit tree: 1 (top, head position 10) → 2 (head 20) → 3 (no head position).
    UNITS = {
        1: rules.UnitNode(1, None, 10),
        2: rules.UnitNode(2, 1, 20),
        3: rules.UnitNode(3, 2, None),
    }

    def test_a_member_reports_to_the_head_of_the_unit(self):
        assert rules.supervisor_chain(21, 2, False, self.UNITS) == [20, 10]

    def test_a_head_reports_to_the_head_of_the_unit_above(self):
        assert rules.supervisor_chain(20, 2, True, self.UNITS) == [10]

    def test_a_unit_without_head_passes_the_question_up(self):
        assert rules.supervisor_chain(31, 3, False, self.UNITS) == [20, 10]

    def test_the_first_head_has_no_supervisor_in_the_body(self):
        assert rules.supervisor_chain(10, 1, True, self.UNITS) == []
        assert rules.first_head_position(self.UNITS) == 10

    def test_an_explicit_override_comes_first(self):
        assert rules.supervisor_chain(21, 2, False, self.UNITS, override_position_id=10) == [10, 20]


class TestDates:
    @pytest.mark.parametrize(
        ("day", "months", "expected"),
        [
            (date(2026, 1, 1), 3, date(2026, 4, 1)),
            (date(2026, 1, 31), 1, date(2026, 2, 28)),
            (date(2024, 1, 31), 1, date(2024, 2, 29)),
            (date(2026, 11, 30), 3, date(2027, 2, 28)),
            (date(2026, 5, 15), -2, date(2026, 3, 15)),
        ],
    )
    def test_add_months_clamps_to_the_month_end(self, day, months, expected):
        assert rules.add_months(day, months) == expected

    def test_ranges_overlap_with_open_ends(self):
        assert rules.ranges_overlap(date(2026, 1, 1), None, date(2030, 1, 1), None)
        assert not rules.ranges_overlap(date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1), None)
        assert rules.ranges_overlap(date(2026, 1, 1), date(2026, 2, 1), date(2026, 2, 1), None)


class TestSearchFold:
    """The folded key of the staff search (issue 13 item 6): one rule for every database."""

    @pytest.mark.parametrize("typed", ["ермек", "ЕРМЕК", "Ермек", "еРМЕК", "  Ермек "])
    def test_it_folds_case_of_cyrillic(self, typed):
        assert rules.search_fold(typed) == "ермек"

    @pytest.mark.parametrize(
        ("upper", "lower"),
        [("Ә", "ә"), ("Ө", "ө"), ("І", "і"), ("Ү", "ү"), ("Ұ", "ұ"), ("Қ", "қ"), ("Ғ", "ғ"),
         ("Ң", "ң"), ("Һ", "һ")],
    )  # fmt: skip
    def test_it_folds_every_kazakh_letter(self, upper, lower):
        assert rules.search_fold(upper) == rules.search_fold(lower) == lower
        assert rules.search_fold(f"{upper}лия") == f"{lower}лия"

    def test_kazakh_letters_stay_distinct_from_their_russian_neighbours(self):
        # қ, ғ, ң, ү, ұ, і, ә, ө, һ are letters of their own: Қасым is not Касым.
        for kazakh, russian in zip("қғңүұіәөһ", "кгнууиаох", strict=True):
            assert rules.search_fold(kazakh) != rules.search_fold(russian)

    def test_yo_is_ye_and_spaces_and_composed_forms_are_one(self):
        assert rules.search_fold("Семёнов") == rules.search_fold("СЕМЕНОВ") == "семенов"
        assert rules.search_fold("Й") == rules.search_fold("И\u0306") == "й"
        assert rules.search_fold("Жұмабекова\t\n Әлия") == "жұмабекова әлия"
        assert rules.search_fold("１２３") == "123"  # full-width digits typed by an IME

    def test_the_key_holds_the_iin_and_every_name(self):
        key = rules.search_key("900101300001", ["Жұмабекова", "Әлия", "", "Жумабекова", "Алия"])
        assert key == "900101300001 жұмабекова әлия жумабекова алия"
        assert len(rules.search_key("1", ["я" * 2000])) == rules.SEARCH_KEY_LENGTH

    def test_the_words_of_a_query_are_folded_once_each(self):
        assert rules.search_terms("  ЕРМЕК ермек Жұмабеков ") == ["ермек", "жұмабеков"]
        assert rules.search_terms("   ") == []
        assert len(rules.search_terms("a b c d e f g h i j")) == 8
