"""Pure rules of identity numbers, categories and supervisors."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bagalau.core.errors import Conflict, DomainError, PermissionDenied
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


# --- Issue 18 item 2: every branch pinned with vectors worked by hand -----------------------
#
# The check digit (001 p1, the servant's IIN; the same algorithm for a BIN): weights 1..11 over
# the first 11 digits, mod 11; a result of 10 takes weights 3..11, 1, 2, mod 11; a second 10
# means no check digit exists and the number cannot be issued.


class TestCheckDigitByHand:
    def test_the_first_weights_give_the_digit(self):
        # 9·1 + 0·2 + 0·3 + 1·4 + 0·5 + 1·6 + 3·7 + 0 + 0 + 0 + 0 = 40; 40 mod 11 = 7
        assert rules.kz_check_digit("90010130000") == 7
        assert rules.complete_with_check_digit("90010130000") == "900101300007"
        # BIN 1504 4 0 0000 1 (registered April 2015, a resident legal entity, a head office):
        # 1·1 + 5·2 + 0·3 + 4·4 + 4·5 + 0 + 0 + 0 + 0 + 0·10 + 1·11 = 58; 58 mod 11 = 3
        assert rules.kz_check_digit("15044000001") == 3

    def test_a_first_sum_of_ten_takes_the_second_weights(self):
        # 1·1 + 5·2 + 0 + 4·4 + 4·5 + 0 + 0 + 0 + 0 + 4·10 + 0 = 87; 87 mod 11 = 10, so
        # 1·3 + 5·4 + 0·5 + 4·6 + 4·7 + 0 + 0 + 0 + 0 + 4·1 + 0·2 = 79; 79 mod 11 = 2
        assert rules.kz_check_digit("15044000040") == 2
        assert rules.complete_with_check_digit("15044000040") == "150440000402"
        # 8·3 + 5·4 + 0 + 1·6 + 0 + 1·8 + 3·9 + 0 + 0 + 6·1 + 0 = 91; 91 mod 11 = 3
        assert rules.kz_check_digit("85010130060") == 3

    def test_two_sums_of_ten_mean_no_number(self):
        # 1·1 + 5·2 + 0 + 4·4 + 4·5 + 0 + 0 + 0 + 0 + 4·10 + 4·11 = 131; 131 mod 11 = 10, and
        # 1·3 + 5·4 + 0 + 4·6 + 4·7 + 0 + 0 + 0 + 0 + 4·1 + 4·2 = 87; 87 mod 11 = 10
        assert rules.kz_check_digit("15044000044") is None
        assert rules.complete_with_check_digit("15044000044") is None
        # 9·1 + 0 + 0 + 1·4 + 0 + 1·6 + 3·7 + 0 + 0 + 8·10 + 0 = 120; 120 mod 11 = 10, and
        # 9·3 + 0 + 0 + 1·6 + 0 + 1·8 + 3·9 + 0 + 0 + 8·1 + 0 = 76; 76 mod 11 = 10
        assert rules.kz_check_digit("90010130080") is None

    def test_only_eleven_digits_take_a_check_digit(self):
        # The weights are eleven: a shorter or longer head is a programming error.
        for head in ("9001013000", "900101300000"):
            with pytest.raises(ValueError):
                rules.kz_check_digit(head)


def _refused(call, value, code, field, message):
    with pytest.raises(DomainError) as err:
        call(value)
    assert (err.value.code, err.value.field, err.value.params) == (code, field, {})
    assert err.value.message is message
    assert type(err.value) is DomainError


class TestIinByHand:
    def test_the_digits_of_the_date_are_read_in_their_places(self):
        # 001 p1: YYMMDD, then the century digit. Each is worked by hand (weights 1..11):
        # 12 Nov 1987, century 3: 8·1+7·2+1·3+1·4+1·5+2·6+3·7+0+0+0+5·11 = 122; mod 11 = 1
        assert rules.validate_iin("871112300051") == "871112300051"
        # 31 Oct 2011, century 5: 1·1+1·2+1·3+0+3·5+1·6+5·7+0+0+0+2·11 = 84; mod 11 = 7
        assert rules.validate_iin("111031500027") == "111031500027"
        # 20 Jan 1876, century 1: 7·1+6·2+0+1·4+2·5+0+1·7+0+0+0+3·11 = 73; mod 11 = 7
        assert rules.validate_iin("760120100037") == "760120100037"

    def test_a_day_past_the_months_end_is_refused_whatever_the_checksum(self):
        # 31 April 1987 (April has 30 days): 8·1+7·2+0+4·4+3·5+1·6+3·7+0+0+0+0 = 80; mod 11 = 3
        _refused(rules.validate_iin, "870431300003", "iin_date", "iin", rules.MSG_IIN_DATE)
        # 30 Feb 2012: 1·1+2·2+0+2·4+3·5+0+5·7+0+0+0+0 = 63; mod 11 = 8
        _refused(rules.validate_iin, "120230500008", "iin_date", "iin", rules.MSG_IIN_DATE)

    def test_the_date_is_checked_before_the_checksum(self):
        # Month 13 with a wrong check digit: the date is what the user is told about.
        _refused(rules.validate_iin, "901301300000", "iin_date", "iin", rules.MSG_IIN_DATE)
        # Century digit 0 (no century) with a wrong check digit.
        _refused(rules.validate_iin, "900101000000", "iin_date", "iin", rules.MSG_IIN_DATE)

    def test_every_refusal_names_its_code_field_and_message(self):
        _refused(rules.validate_iin, "90010130000", "iin_format", "iin", rules.MSG_IIN_FORMAT)
        _refused(rules.validate_iin, "900101300008", "iin_checksum", "iin", rules.MSG_IIN_CHECKSUM)
        # A number for which no check digit exists (see TestCheckDigitByHand): every last digit
        # is refused as a checksum error.
        for last in range(10):
            _refused(
                rules.validate_iin, f"90010130080{last}", "iin_checksum", "iin",
                rules.MSG_IIN_CHECKSUM,
            )  # fmt: skip

    def test_white_space_of_any_kind_is_dropped_and_none_is_malformed(self):
        assert rules.validate_iin("9001\t0130\n0007") == "900101300007"
        _refused(rules.validate_iin, None, "iin_format", "iin", rules.MSG_IIN_FORMAT)
        _refused(rules.validate_iin, "9001O1300007", "iin_format", "iin", rules.MSG_IIN_FORMAT)


class TestBinByHand:
    @pytest.mark.parametrize("value", ["150440000013", "150440000402", " 1504 4000 0013 "])
    def test_a_bin_worked_by_hand_is_accepted(self, value):
        # 150440000013: first weights, 58 mod 11 = 3; 150440000402: second weights, 79 mod 11
        # = 2 (TestCheckDigitByHand). A BIN has no date to check: only the digits count.
        assert rules.validate_bin(value) == value.replace(" ", "")

    def test_a_bin_is_not_read_as_a_date(self):
        # 99 99 99 9 ...: no date, but a BIN: 9·(1+2+…+7) + 0 + 0 + 0 + 0 = 252; 252 mod 11 = 10,
        # 9·(3+4+…+9) = 378; 378 mod 11 = 4
        assert rules.validate_bin("999999900004") == "999999900004"
        _refused(rules.validate_iin, "999999900004", "iin_date", "iin", rules.MSG_IIN_DATE)

    @pytest.mark.parametrize("wrong", [0, 1, 2, 4, 5, 6, 7, 8, 9])
    def test_every_other_last_digit_is_refused(self, wrong):
        _refused(
            rules.validate_bin, f"15044000001{wrong}", "bin_checksum", "bin", rules.MSG_BIN_CHECKSUM
        )

    def test_a_bin_with_no_check_digit_and_malformed_bins_are_refused(self):
        for last in range(10):
            _refused(
                rules.validate_bin, f"15044000044{last}", "bin_checksum", "bin",
                rules.MSG_BIN_CHECKSUM,
            )  # fmt: skip
        for bad in ("", None, "15044000001", "1504400000133", "15044000001З"):
            _refused(rules.validate_bin, bad, "bin_format", "bin", rules.MSG_BIN_FORMAT)

    def test_digits_of_other_scripts_are_not_an_iin_or_a_bin(self):
        # 001 p1: the IIN is 12 digits 0-9. Arabic-Indic or full-width digits (which Python's
        # \d and int() accept) would store a number no register knows.
        arabic = "٩٠٠١٠١٣٠٠٠٠٧"  # 900101300007 in Arabic-Indic digits
        _refused(rules.validate_iin, arabic, "iin_format", "iin", rules.MSG_IIN_FORMAT)
        wide = "１５０４４０００００１３"  # 150440000013 in full-width digits
        _refused(rules.validate_bin, wide, "bin_format", "bin", rules.MSG_BIN_FORMAT)


class TestCategoriesByHand:
    # methodology.md §5: the OCR'd seeds; the normalised code is compared with the national list.
    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ("D-3.", "D-3"),  # a trailing full stop of a table cell
            ("*D-3;", "D-3"),
            (",C-O-4,", "C-O-4"),
            ("Х-1", "X-1"),  # Cyrillic Х: a letter X, not a stripped mark
            ("D--3", "D-3"),
            ("c-o-4", "C-O-4"),
            ("  D-3  ", "D-3"),
            ("D-0-3", "D-O-3"),  # the zero typed for the letter O of D-O-3 (003 App 4)
            ("D-12", "D-12"),
        ],
    )
    def test_marks_around_a_code_are_dropped(self, raw, code):
        assert rules.normalize_category(raw) == code

    @pytest.mark.parametrize(
        ("raw", "text"),
        [
            ("AB-CD--1", "AB-CD-1"),  # not a code's shape: returned cleaned, not rebuilt
            ("D-", "D"),
            ("", ""),
            (None, ""),
            ("3-D", "3-D"),
        ],
    )
    def test_a_text_of_no_codes_shape_is_returned_cleaned(self, raw, text):
        assert rules.normalize_category(raw) == text

    def test_an_unknown_code_names_the_value_as_typed(self):
        # The message quotes what the user typed, not its normalised spelling.
        with pytest.raises(DomainError) as err:
            rules.parse_category(" z-9 ", KNOWN)
        assert (err.value.code, err.value.field) == ("category_unknown", "category")
        assert err.value.params == {"value": " z-9 "}
        assert err.value.message is rules.MSG_CATEGORY_UNKNOWN

    def test_an_unknown_code_has_no_group(self):
        groups = {"D-3": rules.CategoryGroups(2, 3)}
        with pytest.raises(DomainError) as err:
            rules.category_group("D-9", False, groups)
        assert (err.value.code, err.value.field) == ("category_unknown", "category")
        assert err.value.params == {"value": "D-9"}
        assert err.value.message is rules.MSG_CATEGORY_UNKNOWN


class TestCategoryGroupsByHand:
    # 003 App 4: C-3 heads of division are group 2, and so are their deputies ("head or deputy
    # head of a division"); a C-3 who is neither is group 3. D-3 names no deputies.
    GROUPS = {
        "C-3": rules.CategoryGroups(2, 3, deputy_group=2),
        "D-3": rules.CategoryGroups(2, 3),
        # 004: B-2 of the Supreme Judicial Council apparatus is a first head (group 1) when
        # heading a unit, group 2 otherwise in that body; elsewhere B-2 heads are group 2.
        "B-2": rules.CategoryGroups(
            2, 3, overrides=(rules.GroupOverride("004", "Жоғары Сот Кеңесі аппараты", 1, 2),)
        ),
    }

    def test_a_deputy_is_in_the_deputy_group_only_where_003_names_deputies(self):
        assert rules.category_group("C-3", False, self.GROUPS, is_deputy=True) == 2
        assert rules.category_group("C-3", False, self.GROUPS) == 3
        assert rules.category_group("C-3", True, self.GROUPS, is_deputy=True) == 2
        assert rules.category_group("D-3", False, self.GROUPS, is_deputy=True) == 3

    def test_the_override_applies_under_the_bodys_catalog(self):
        assert rules.category_group("B-2", True, self.GROUPS, catalog="004") == 1
        assert rules.category_group("B-2", False, self.GROUPS, catalog="004") == 2
        assert rules.category_group("B-2", True, self.GROUPS, catalog="003") == 2
        assert rules.category_group("B-2", False, self.GROUPS, catalog="003") == 3
        assert rules.category_group("B-2", True, self.GROUPS) == 2

    def test_the_override_applies_to_the_body_of_that_name_however_spaced_or_cased(self):
        name = "  жоғары  сот кеңесі\tАППАРАТЫ "
        assert rules.category_group("B-2", True, self.GROUPS, body_name=name) == 1
        assert rules.category_group("B-2", False, self.GROUPS, body_name=name) == 2
        other = "Жоғары Сот Кеңесі"
        assert rules.category_group("B-2", True, self.GROUPS, body_name=other) == 2
        # Another catalog than the override's and the body's own name: the name decides.
        assert rules.category_group("B-2", True, self.GROUPS, catalog="003", body_name=name) == 1


class TestSupervisorsByHand:
    # The unit tree: 1 (top, head 10) → 2 (head 20) → 3 (head 30) → 4 (no head); 5 a second top
    # unit with no head position; 6 → 7 → 6 a loop of bad data.
    UNITS = {
        1: rules.UnitNode(1, None, 10),
        2: rules.UnitNode(2, 1, 20),
        3: rules.UnitNode(3, 2, 30),
        4: rules.UnitNode(4, 3, None),
        6: rules.UnitNode(6, 7, 60),
        7: rules.UnitNode(7, 6, 70),
    }

    def test_the_chain_climbs_to_the_top_nearest_first(self):
        assert rules.supervisor_chain(41, 4, False, self.UNITS) == [30, 20, 10]
        assert rules.supervisor_chain(30, 3, True, self.UNITS) == [20, 10]
        assert rules.supervisor_chain(31, 3, False, self.UNITS) == [30, 20, 10]

    def test_a_head_flagged_as_member_does_not_report_to_themself(self):
        # The head position of unit 3 taken as a member: its own position is skipped.
        assert rules.supervisor_chain(30, 3, False, self.UNITS) == [20, 10]

    def test_an_override_is_not_repeated_and_not_oneself(self):
        assert rules.supervisor_chain(41, 4, False, self.UNITS, override_position_id=20) == [
            20, 30, 10,
        ]  # fmt: skip
        assert rules.supervisor_chain(41, 4, False, self.UNITS, override_position_id=41) == [
            30, 20, 10,
        ]  # fmt: skip
        assert rules.supervisor_chain(99, 8, False, self.UNITS, override_position_id=10) == [10]

    def test_an_unknown_unit_gives_no_chain(self):
        assert rules.supervisor_chain(81, 8, False, self.UNITS) == []
        assert rules.supervisor_chain(81, 8, True, self.UNITS) == []

    def test_a_head_of_a_unit_whose_parent_is_unknown_has_no_chain(self):
        units = {3: rules.UnitNode(3, 2, 30)}
        assert rules.supervisor_chain(30, 3, True, units) == []
        assert rules.supervisor_chain(31, 3, False, units) == [30]

    def test_a_loop_in_the_tree_ends(self):
        assert rules.supervisor_chain(61, 6, False, self.UNITS) == [60, 70]
        assert rules.supervisor_chain(60, 6, True, self.UNITS) == [70]

    def test_the_first_head_is_the_head_of_the_first_top_unit_with_one(self):
        units = {
            9: rules.UnitNode(9, None, 90),
            5: rules.UnitNode(5, None, None),
            7: rules.UnitNode(7, None, 70),
            2: rules.UnitNode(2, 5, 20),
        }
        assert rules.first_head_position(units) == 70  # 5 has no head; 7 comes before 9
        assert rules.first_head_position({5: rules.UnitNode(5, None, None)}) is None
        assert rules.first_head_position({}) is None


class TestDatesByHand:
    @pytest.mark.parametrize(
        ("day", "months", "expected"),
        [
            (date(2026, 3, 31), 1, date(2026, 4, 30)),  # April has 30 days
            (date(2026, 8, 31), 1, date(2026, 9, 30)),
            (date(2026, 1, 30), 1, date(2026, 2, 28)),
            (date(2024, 3, 31), -1, date(2024, 2, 29)),
            (date(2026, 1, 15), -1, date(2025, 12, 15)),
            (date(2026, 12, 15), 1, date(2027, 1, 15)),
            (date(2026, 6, 15), 12, date(2027, 6, 15)),
            (date(2026, 6, 15), 0, date(2026, 6, 15)),
            (date(2026, 1, 31), 2, date(2026, 3, 31)),
        ],
    )
    def test_add_months_on_the_calendar(self, day, months, expected):
        assert rules.add_months(day, months) == expected

    def test_ranges_sharing_one_day_overlap(self):
        jan, feb1, feb2 = date(2026, 1, 1), date(2026, 2, 1), date(2026, 2, 2)
        assert rules.ranges_overlap(jan, feb1, feb1, feb2)  # a ends the day b starts
        assert rules.ranges_overlap(feb1, feb2, jan, feb1)  # b ends the day a starts
        assert not rules.ranges_overlap(jan, feb1, feb2, None)
        assert not rules.ranges_overlap(feb2, None, jan, feb1)
        assert rules.ranges_overlap(jan, None, feb1, feb2)
        assert rules.ranges_overlap(feb1, feb1, feb1, feb1)


class TestSearchByHand:
    def test_a_key_of_blank_names_and_a_blank_iin_drops_them(self):
        assert rules.search_key("", ["  ", "Ермек", ""]) == "ермек"
        assert rules.search_fold(None) == ""

    def test_the_key_is_cut_at_its_length(self):
        key = rules.search_key("900101300007", ["а" * 995])
        assert key == "900101300007 " + "а" * 987
        assert len(key) == 1000

    def test_at_most_eight_words_and_a_limit_given(self):
        assert rules.search_terms("a b c d e f g h i j") == list("abcdefgh")
        assert rules.search_terms("a b c", limit=2) == ["a", "b"]

    def test_compatibility_forms_are_folded_after_case(self):
        # NFKC then casefold then NFKC: the ligature ﬁ and the Kelvin sign come to plain letters,
        # and a capital with a combining mark composes after folding (Ё = Е + ◌̈ → ё → е).
        assert rules.search_fold("ﬁ") == "fi"
        assert rules.search_fold("\u212a") == "k"
        assert rules.search_fold("Е\u0308") == "е"
        assert rules.search_fold("ǅ") == "dž"


class TestSecondmentTable:
    # Issue 11 item 6 (methodology.md §4a): the home body's HR proposes and may withdraw, the
    # host body's HR accepts or declines with a reason; the role is checked before the state.
    def test_each_action_by_its_role_from_proposed(self):
        for action, who, target in (
            ("accept", rules.HOST_HR, rules.SECONDMENT_ACCEPTED),
            ("withdraw", rules.HOME_HR, rules.SECONDMENT_WITHDRAWN),
        ):
            step = rules.check_secondment_transition(action, rules.SECONDMENT_PROPOSED, [who])
            assert step.target == target and not step.needs_reason
        step = rules.check_secondment_transition(
            "decline", rules.SECONDMENT_PROPOSED, {rules.HOST_HR, "other"}, reason=" full "
        )
        assert step.target == rules.SECONDMENT_DECLINED and step.needs_reason

    def test_an_unknown_action_names_the_field(self):
        with pytest.raises(DomainError) as err:
            rules.check_secondment_transition("approve", rules.SECONDMENT_PROPOSED, [rules.HOST_HR])
        assert type(err.value) is DomainError and err.value.status == 400
        assert (err.value.code, err.value.field, err.value.params) == (
            "unknown_action", "action", {},
        )  # fmt: skip
        assert err.value.message is rules.MSG_SECONDMENT_ACTION

    def test_the_wrong_role_is_forbidden_before_the_state_is_told(self):
        for action, who in (("accept", rules.HOME_HR), ("withdraw", rules.HOST_HR)):
            with pytest.raises(PermissionDenied) as err:
                rules.check_secondment_transition(action, rules.SECONDMENT_DECLINED, [who])
            assert (err.value.code, err.value.field, err.value.params) == ("forbidden", None, {})
            assert err.value.message is rules.MSG_SECONDMENT_ROLE
        with pytest.raises(PermissionDenied):
            rules.check_secondment_transition("accept", rules.SECONDMENT_PROPOSED, [])

    def test_a_decided_secondment_cannot_move_and_says_its_state(self):
        with pytest.raises(Conflict) as err:
            rules.check_secondment_transition(
                "accept", rules.SECONDMENT_ACCEPTED, [rules.HOST_HR], state_label="қабылданған"
            )
        assert (err.value.code, err.value.field) == ("invalid_state", "state")
        assert err.value.params == {"state": "қабылданған"}
        assert err.value.message is rules.MSG_SECONDMENT_STATE
        with pytest.raises(Conflict) as err:
            rules.check_secondment_transition(
                "withdraw", rules.SECONDMENT_DECLINED, [rules.HOME_HR]
            )
        assert err.value.params == {"state": rules.SECONDMENT_DECLINED}

    def test_a_decline_needs_a_reason_that_is_not_blank(self):
        for reason in ("", " \t\n"):
            with pytest.raises(DomainError) as err:
                rules.check_secondment_transition(
                    "decline", rules.SECONDMENT_PROPOSED, [rules.HOST_HR], reason=reason
                )
            assert type(err.value) is DomainError
            assert (err.value.code, err.value.field, err.value.params) == (
                "reason_required", "reason", {},
            )  # fmt: skip
            assert err.value.message is rules.MSG_SECONDMENT_REASON


def test_a_decline_with_no_reason_given_is_refused():
    # Issue 11 item 6: the host says why it declines; omitting the reason is no reason.
    with pytest.raises(DomainError) as err:
        rules.check_secondment_transition("decline", rules.SECONDMENT_PROPOSED, [rules.HOST_HR])
    assert (err.value.code, err.value.field) == ("reason_required", "reason")


def test_both_digits_of_the_year_decide_a_leap_day():
    # 001 p1: YY is two digits. 29 Feb 2020 is real (2020 is a leap year), 29 Feb 2010 is not
    # (read as one digit, 2000, or as three, 2200, the answers would swap). Check digits by hand:
    # 2·1 + 0 + 0 + 2·4 + 2·5 + 9·6 + 5·7 + 0 + 0 + 1·10 + 0 = 119; 119 mod 11 = 9
    assert rules.validate_iin("200229500109") == "200229500109"
    # 1·1 + 0 + 0 + 2·4 + 2·5 + 9·6 + 5·7 + 0 + 0 + 0 + 1·11 = 119; 119 mod 11 = 9
    _refused(rules.validate_iin, "100229500019", "iin_date", "iin", rules.MSG_IIN_DATE)


def test_a_member_of_a_top_unit_reports_to_its_head_and_no_further():
    # 002 p2(3): the first head's unit has no parent: the chain ends at its head.
    units = {1: rules.UnitNode(1, None, 10), 2: rules.UnitNode(2, 1, 20)}
    assert rules.supervisor_chain(11, 1, False, units) == [10]
    assert rules.supervisor_chain(20, 2, True, units) == [10]
    assert rules.supervisor_chain(10, 1, True, units) == []
