"""The 2018 competency sheet (001 p25-28; 002 Appendix 3 and 4): pure rules.

For each competency that applies to the servant's position, the direct supervisor marks
each effective behaviour indicator of the servant's group as observed or not. A competency
"meets expectations" (күтілген нәтижеге сәйкес) when at least three quarters of its
indicators were observed — in exact integer arithmetic, 4 × observed ≥ 3 × total (001 p27);
the sheet's last column lists the indicators not observed (002 Appendix 3).

Competency results ground only development decisions (001 p7): nothing here reads or
writes a KPI result, a bonus or a band.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError

# 001 p26: at most 10 behaviour indicators per competency.
MAX_INDICATORS = 10

MSG_TOO_MANY = _(
    "%(field)s: at most %(max)s behaviour indicators per competency (001 p26); "
    "this one has %(count)s."
)
MSG_MARK = _("%(field)s: choose “observed” or “not observed”.")
MSG_INCOMPLETE = _("Mark every behaviour indicator as observed or not observed before signing.")


def meets(observed: int, total: int) -> bool:
    """At least 3/4 of the indicators observed (001 p27), exactly: 4 × observed ≥ 3 × total."""
    if total <= 0 or not 0 <= observed <= total:
        raise ValueError("observed must be between 0 and a positive total")
    return 4 * observed >= 3 * total


@dataclass(frozen=True)
class Outcome:
    """One competency of a sheet: x of y observed, meets or not, the indicators not observed
    (their positions in the list), or `complete=False` while some are still unmarked."""

    observed: int
    total: int
    complete: bool
    meets: bool | None
    not_observed: tuple[int, ...]


def outcome(marks: Sequence[bool | None]) -> Outcome:
    """The outcome of one competency from its marks in order (None: not marked yet)."""
    observed = sum(1 for m in marks if m is True)
    missing = tuple(i for i, m in enumerate(marks) if m is False)
    complete = bool(marks) and all(m is not None for m in marks)
    return Outcome(
        observed=observed,
        total=len(marks),
        complete=complete,
        meets=meets(observed, len(marks)) if complete else None,
        not_observed=missing,
    )


def check_indicator_count(count: int, *, field: str, label: str) -> None:
    """The catalog refuses an 11th indicator of a competency (001 p26)."""
    if count > MAX_INDICATORS:
        raise DomainError(
            MSG_TOO_MANY,
            code="too_many_indicators",
            field=field,
            params={"field": label, "max": MAX_INDICATORS, "count": count},
        )


def parse_mark(raw: object, *, field: str, label: str) -> bool | None:
    """A posted mark: "1" observed, "0" not observed, empty not marked; anything else 400."""
    text = str(raw).strip().lower()  # None: "none", not marked
    if text in ("", "none"):
        return None
    if text in ("1", "true", "yes", "observed"):
        return True
    if text in ("0", "false", "no", "not_observed"):
        return False
    raise DomainError(MSG_MARK, field=field, params={"field": label})  # code "invalid"


def applies(customer: bool, provides_public_services: bool) -> bool:
    """The two customer competencies are assessed only where the position provides public
    services (002 Appendix 3 note; 001 App 3)."""
    return provides_public_services or not customer


def met_count(outcomes: Sequence[Outcome]) -> int | None:
    """How many competencies meet expectations, once every one is complete."""
    if not outcomes or not all(o.complete for o in outcomes):
        return None
    return sum(1 for o in outcomes if o.meets)
