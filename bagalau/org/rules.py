"""Pure rules of identity numbers, position categories and the chain of supervisors.

No ORM, no I/O: values in, values out. Tests cite the source of each rule.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import Conflict, DomainError, PermissionDenied

# --- IIN / BIN ------------------------------------------------------------------------

_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

MSG_IIN_FORMAT = _("The IIN must be exactly 12 digits.")
MSG_IIN_CHECKSUM = _("The IIN check digit is wrong: please check the number.")
MSG_IIN_DATE = _("The IIN does not start with a valid date of birth.")
MSG_BIN_FORMAT = _("The BIN must be exactly 12 digits.")
MSG_BIN_CHECKSUM = _("The BIN check digit is wrong: please check the number.")


def kz_check_digit(first11: str) -> int | None:
    """The control digit of a Kazakh IIN/BIN (None when the number cannot be valid)."""
    digits = [int(c) for c in first11]
    for weights in (_WEIGHTS_1, _WEIGHTS_2):  # a 10 from the first weights takes the second
        total = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if total != 10:
            return total
    return None


def _has_valid_checksum(number: str) -> bool:
    return kz_check_digit(number[:11]) == int(number[11])


_CENTURY_BASE = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


def _is_real_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def validate_iin(value: str) -> str:
    """Return the IIN cleaned of spaces, or raise DomainError naming the field `iin`."""
    number = re.sub(r"\s+", "", value or "")
    if not re.fullmatch(r"[0-9]{12}", number):  # ASCII digits: \d takes any script's
        raise DomainError(MSG_IIN_FORMAT, code="iin_format", field="iin")
    yy, mm, dd, century = int(number[0:2]), int(number[2:4]), int(number[4:6]), int(number[6])
    # The 7th digit gives the century of birth and sex: 1-2 the 19th, 3-4 the 20th, 5-6 the
    # 21st; any other digit cannot start a birth date, and a date must exist in its own
    # century's calendar (29 February 2000, not 1900).
    base = _CENTURY_BASE.get(century)
    if base is None or not _is_real_date(base + yy, mm, dd):
        raise DomainError(MSG_IIN_DATE, code="iin_date", field="iin")
    if not _has_valid_checksum(number):
        raise DomainError(MSG_IIN_CHECKSUM, code="iin_checksum", field="iin")
    return number


def validate_bin(value: str) -> str:
    """Return the BIN cleaned of spaces, or raise DomainError naming the field `bin`."""
    number = re.sub(r"\s+", "", value or "")
    if not re.fullmatch(r"[0-9]{12}", number):  # ASCII digits: \d takes any script's
        raise DomainError(MSG_BIN_FORMAT, code="bin_format", field="bin")
    if not _has_valid_checksum(number):
        raise DomainError(MSG_BIN_CHECKSUM, code="bin_checksum", field="bin")
    return number


def complete_with_check_digit(first11: str) -> str | None:
    """Append the control digit to 11 digits; None when no digit makes it valid."""
    digit = kz_check_digit(first11)
    return None if digit is None else f"{first11}{digit}"


# --- Position categories (methodology.md §5; seed 003 App 4) ----------------------------

MSG_CATEGORY_UNKNOWN = _("Unknown position category “%(value)s”.")

# Cyrillic letters that look like (or are typed for) the Latin letters of the codes.
_LOOKALIKES = str.maketrans(
    {
        "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "К": "K", "М": "M", "О": "O",
        "Р": "R", "Т": "T", "Х": "X", "Д": "D", "Г": "G", "V": "B",
        "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "_": "-", " ": "",
    }
)  # fmt: skip


def normalize_category(value: str) -> str:
    """Canonical Latin spelling of a category code as the seeds write it (OCR'd).

    "С-0-4" → "C-O-4", "V-2" → "B-2", "д3" → "D-3", "E-R -1" → "E-R-1".
    Does not check that the code exists.
    """
    text = (value or "").strip().upper().translate(_LOOKALIKES)
    text = re.sub(r"-+", "-", text).strip("-.;,*")
    compact = text.replace("-", "")
    match = re.fullmatch(r"([A-Z])([A-Z0]?)(\d+)", compact)
    if not match:
        return text
    family, sub, number = match.groups()
    if sub == "0":  # a zero written for the letter O (C-0-4)
        sub = "O"
    return f"{family}-{sub}-{number}" if sub else f"{family}-{number}"


def parse_category(value: str, known: Collection[str]) -> str:
    """Normalise and check a category against the national list, or raise DomainError."""
    code = normalize_category(value)
    if code not in known:
        raise DomainError(
            MSG_CATEGORY_UNKNOWN, code="category_unknown", field="category", params={"value": value}
        )
    return code


@dataclass(frozen=True)
class GroupOverride:
    """A code's groups in one body, as a seed names it (004: B-2 of the Supreme Judicial
    Council apparatus in group 1). It applies under that body's indicator catalog
    (`catalog`, the seed) or to a body of that name (`body_kk`)."""

    catalog: str
    body_kk: str
    head_group: int
    staff_group: int


@dataclass(frozen=True)
class CategoryGroups:
    """Which behaviour-indicator group a code falls in, as head of a unit and otherwise.

    `deputy_group`: the group of a deputy head where 003 App 4 names deputies (C-2 deputy
    director of a department, C-3 deputy head of a division); None: a deputy is staff.
    """

    head_group: int
    staff_group: int
    deputy_group: int | None = None
    overrides: tuple[GroupOverride, ...] = ()


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def category_group(
    code: str,
    is_head: bool,
    groups: Mapping[str, CategoryGroups],
    *,
    is_deputy: bool = False,
    catalog: str | None = None,
    body_name: str | None = None,
) -> int:
    """The indicator group (1 first heads, 2 unit heads, 3 other staff) of a position.

    The same code (D-3, E-3, B-4) is group 2 when the position heads a unit and group 3
    otherwise (methodology.md §5; 003 App 4, the rows marked "*"); a deputy head is in
    group 2 only where 003 names deputies (C-2, C-3). A body override (004: B-2 of the
    Supreme Judicial Council apparatus → group 1) applies under the body's own catalog or
    to the body of that name.
    """
    entry = groups.get(code)
    if entry is None:
        raise DomainError(
            MSG_CATEGORY_UNKNOWN, code="category_unknown", field="category", params={"value": code}
        )
    for override in entry.overrides:
        if (catalog is not None and catalog == override.catalog) or (
            body_name and _same_name(body_name, override.body_kk)
        ):
            return override.head_group if is_head else override.staff_group
    if is_head:
        return entry.head_group
    if is_deputy and entry.deputy_group is not None:
        return entry.deputy_group
    return entry.staff_group


# --- Chain of supervisors ----------------------------------------------------------------


@dataclass(frozen=True)
class UnitNode:
    id: int
    parent_id: int | None
    head_position_id: int | None


def _parent(node: UnitNode, units: Mapping[int, UnitNode]) -> UnitNode | None:
    return units.get(node.parent_id) if node.parent_id is not None else None


def supervisor_chain(
    position_id: int,
    unit_id: int,
    is_head: bool,
    units: Mapping[int, UnitNode],
    override_position_id: int | None = None,
) -> list[int]:
    """Candidate positions of the direct supervisor (тікелей басшы), nearest first.

    An explicit override on the appointment comes first. Otherwise a member of a unit
    reports to the head of that unit; a head reports to the head of the unit above. A unit
    without a head position passes the question up. The head of the top unit (the first
    head of the body) has no direct supervisor in the body: an empty chain. The caller
    takes the first position that someone holds on the date.
    """
    chain: list[int] = []
    if override_position_id is not None and override_position_id != position_id:
        chain.append(override_position_id)
    node: UnitNode | None = units.get(unit_id)
    if node is not None and is_head:
        node = _parent(node, units)
    seen: set[int] = set()
    while node is not None and node.id not in seen:
        seen.add(node.id)
        head = node.head_position_id
        if head is not None and head != position_id and head not in chain:
            chain.append(head)
        node = _parent(node, units)
    return chain


def first_head_position(units: Mapping[int, UnitNode]) -> int | None:
    """The head position of the body's top unit: the first head (бірінші басшы)."""
    roots = sorted(u.id for u in units.values() if u.parent_id is None)
    for root in roots:
        head = units[root].head_position_id
        if head is not None:
            return head
    return None


# --- Search ------------------------------------------------------------------------------
#
# Databases fold case differently: SQLite's LIKE and lower() fold ASCII only, so "ермек" does
# not find "Ермек" there, while PostgreSQL's ILIKE follows the collation. Names are therefore
# matched against a key folded here, stored on the servant (Servant.search_key), and the
# query is folded the same way: the match is the same on every database.

SEARCH_KEY_LENGTH = 1000
# Russian writes ё as е at will («Семёнов», «Семенов»): one letter for the search.
_SEARCH_LETTERS = str.maketrans({"ё": "е"})


def search_fold(text: str) -> str:
    """A text folded for matching: Unicode case folding, compatibility forms, spaces.

    Case folding covers Kazakh letters as any other (Ә→ә, Ө→ө, І→і, Ү→ү, Ұ→ұ, Қ→қ, Ғ→ғ, Ң→ң,
    Һ→һ), NFKC joins composed and decomposed spellings and full-width digits, ё is е, and
    runs of white space become one space. The Kazakh letters stay distinct from their
    Russian neighbours (қ is not к): they are letters of their own.
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text or "").casefold())
    return " ".join(folded.translate(_SEARCH_LETTERS).split())


def search_key(iin: str, names: Iterable[str]) -> str:
    """The folded key a servant is found by: the IIN and every name, space-separated."""
    parts = [search_fold(part) for part in (iin, *names)]
    return " ".join(p for p in parts if p)[:SEARCH_KEY_LENGTH]


def search_terms(query: str, limit: int = 8) -> list[str]:
    """The words of a query, folded: each must occur in the key (in any order)."""
    return list(dict.fromkeys(search_fold(query).split()))[:limit]


# --- Dates ---------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """Calendar months later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def ranges_overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Whether two closed date ranges (None end = open) share at least one day."""
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


# --- Secondment workflow -----------------------------------------------------------------
#
#   proposed ─accept (host HR)→ accepted
#      │  └──decline (host HR, reason)→ declined
#      └──withdraw (home HR)→ withdrawn
#
# The same shape as the evaluation sheet's table (evaluations/rules/workflow.py): the role is
# checked before the state, so an outsider learns nothing about the state.

SECONDMENT_PROPOSED, SECONDMENT_ACCEPTED, SECONDMENT_DECLINED, SECONDMENT_WITHDRAWN = (
    "proposed", "accepted", "declined", "withdrawn",
)  # fmt: skip
HOME_HR, HOST_HR = "home_hr", "host_hr"

MSG_SECONDMENT_STATE = _("This secondment is “%(state)s”: it cannot be changed that way now.")
MSG_SECONDMENT_ROLE = _("You cannot do this with this secondment.")
MSG_SECONDMENT_REASON = _("Reason: say why.")
MSG_SECONDMENT_ACTION = _("Unknown action.")


@dataclass(frozen=True)
class SecondmentTransition:
    sources: frozenset[str]
    target: str
    who: frozenset[str]
    needs_reason: bool = False


SECONDMENT_TRANSITIONS: dict[str, SecondmentTransition] = {
    "accept": SecondmentTransition(
        frozenset({SECONDMENT_PROPOSED}), SECONDMENT_ACCEPTED, frozenset({HOST_HR})
    ),
    "decline": SecondmentTransition(
        frozenset({SECONDMENT_PROPOSED}),
        SECONDMENT_DECLINED,
        frozenset({HOST_HR}),
        needs_reason=True,
    ),
    "withdraw": SecondmentTransition(
        frozenset({SECONDMENT_PROPOSED}), SECONDMENT_WITHDRAWN, frozenset({HOME_HR})
    ),
}


def check_secondment_transition(
    action: str, state: str, roles: Collection[str], *, reason: str = "", state_label: str = ""
) -> SecondmentTransition:
    """The transition, or the error: unknown action (400), wrong role (403), wrong state (409)."""
    transition = SECONDMENT_TRANSITIONS.get(action)
    if transition is None:
        raise DomainError(MSG_SECONDMENT_ACTION, code="unknown_action", field="action")
    if not transition.who & set(roles):
        raise PermissionDenied(MSG_SECONDMENT_ROLE, code="forbidden")
    if state not in transition.sources:
        raise Conflict(
            MSG_SECONDMENT_STATE,
            code="invalid_state",
            field="state",
            params={"state": state_label or state},
        )
    if transition.needs_reason and not reason.strip():
        raise DomainError(MSG_SECONDMENT_REASON, code="reason_required", field="reason")
    return transition
