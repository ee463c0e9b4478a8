"""The rules of the 360 survey: pure functions, no ORM, no I/O (002 p5, p6, p34-37).

The campaign's workflow is a transition table on the one runner (evaluations.rules.workflow):

    draft ─propose / change respondents (HR)→ draft ─open (HR; every subject has enough
    respondents)→ open ─close (HR)→ closed

Respondents (002 p36): 3 to 7 per evaluated person — the direct supervisor, the direct
subordinates and the colleagues of the same level (the same unit for a servant; the heads
under the same supervisor for a head). A self-assessment is collected and shown beside the
result, never counted. A competency's result is shown only when at least three others
answered it (MIN_SHOWN), whatever the version says: fewer would tell who said what.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError
from bagalau.evaluations.rules.confidentiality import EVALUATED, EVALUATOR, HR, HR_HEAD
from bagalau.evaluations.rules.workflow import SAME, Machine, Transition
from bagalau.methodology.rules import Problem

__all__ = [
    "CAMPAIGN", "EVALUATED", "EVALUATOR", "HR", "HR_HEAD", "MIN_SHOWN",
    "Person", "Proposal", "Result", "aggregate", "check_due_date", "default_due_date",
    "extremes", "propose_respondents", "training_topics",
]  # fmt: skip

DRAFT, OPEN, CLOSED = "draft", "open", "closed"
SUPERVISOR, SUBORDINATE, PEER, OTHER, SELF = "supervisor", "subordinate", "peer", "other", "self"

MSG_STATE = _("This 360 campaign is “%(state)s”: it cannot be changed that way now.")
MSG_ROLE = _("You cannot do this on this 360 campaign.")

CAMPAIGN_TRANSITIONS: dict[str, Transition] = {
    # HR proposes the subjects and respondents from the structure and changes them (002 p36).
    "propose": Transition(frozenset({DRAFT}), SAME, frozenset({HR})),
    "change_respondents": Transition(frozenset({DRAFT}), SAME, frozenset({HR}), needs_reason=True),
    "open": Transition(frozenset({DRAFT}), OPEN, frozenset({HR})),
    "close": Transition(frozenset({OPEN}), CLOSED, frozenset({HR})),
}
CAMPAIGN = Machine("survey", CAMPAIGN_TRANSITIONS, MSG_STATE, MSG_ROLE)

# A competency's score is shown only from this many non-self answers (issue 15; 002 p36's
# fewest respondents): below it, a person could be told from the numbers.
MIN_SHOWN = 3
# The body's training topics are shown only from this many people with a result.
MIN_PEOPLE_FOR_TOPICS = 3

MSG_DUE_LATE = _(
    "Due date: the 360 evaluation of %(year)s is done no later than %(limit)s (002 p5)."
)
MSG_DUE_EARLY = _("Due date: the 360 evaluation of %(year)s cannot be due before %(start)s.")


# --- the due date -----------------------------------------------------------------------------


def default_due_date(year: int) -> date:
    """002 p5: yearly, no later than the 10th day of the month after the year."""
    return date(year + 1, 1, 10)


def check_due_date(year: int, due: date) -> None:
    """The due date falls within the year or up to the 10th of January after it (002 p5).

    A 10th that is a day off keeps its date (methodology.md §7: 002 p5 gives no shift rule).
    """
    limit = default_due_date(year)
    if due > limit:
        raise DomainError(
            MSG_DUE_LATE, code="due_late", field="due_date", params={"year": year, "limit": limit}
        )
    start = date(year, 1, 1)
    if due < start:
        raise DomainError(
            MSG_DUE_EARLY, code="due_early", field="due_date", params={"year": year, "start": start}
        )


# --- respondents ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One servant of the structure on the day: their unit, level and direct supervisor."""

    id: int
    unit_id: int
    is_head: bool
    supervisor_id: int | None
    category: str = ""


@dataclass(frozen=True)
class Proposal:
    """The respondents proposed for one subject, nearest first, and whether they are too few."""

    respondents: tuple[tuple[int, str], ...]  # (servant id, relation)
    short: bool  # fewer than the fewest: HR must add people from elsewhere (002 p36)


def _peers(person: Person, people: Mapping[int, Person]) -> list[Person]:
    """Colleagues of the same level (002 p36): for a servant, the non-heads of the same unit
    under the same supervisor; for a head, the heads under the same supervisor. The same
    category first."""
    found = [
        other
        for other in people.values()
        if other.id != person.id
        and other.is_head == person.is_head
        and other.supervisor_id == person.supervisor_id
        and person.supervisor_id is not None
        and (person.is_head or other.unit_id == person.unit_id)
    ]
    return sorted(found, key=lambda p: (p.category != person.category, p.id))


def propose_respondents(
    subject_id: int,
    people: Mapping[int, Person],
    *,
    fewest: int,
    most: int,
    absent: Collection[int] = (),
) -> Proposal:
    """002 p36: the direct supervisor, the direct subordinates, the peers; at most `most`.

    Absent servants are not asked (002 p6). Past the supervisor, subordinates and peers
    alternate so that both circles are heard when the cap cuts the list.
    """
    person = people[subject_id]
    away = set(absent)
    chosen: list[tuple[int, str]] = []
    if (
        person.supervisor_id is not None
        and person.supervisor_id != subject_id
        and person.supervisor_id in people
        and person.supervisor_id not in away
    ):
        chosen.append((person.supervisor_id, SUPERVISOR))
    subordinates = sorted(
        p.id
        for p in people.values()
        if p.supervisor_id == subject_id and p.id != subject_id and p.id not in away
    )
    peers = [p.id for p in _peers(person, people) if p.id not in away]
    for i in range(max(len(subordinates), len(peers))):
        if i < len(subordinates):
            chosen.append((subordinates[i], SUBORDINATE))
        if i < len(peers):
            chosen.append((peers[i], PEER))
    chosen = chosen[: max(most, 0)]
    return Proposal(tuple(chosen), len(chosen) < fewest)


def check_count(count: int, fewest: int, most: int) -> bool:
    """Whether a subject has from `fewest` to `most` respondents, the self not counted."""
    return fewest <= count <= most


# --- results ----------------------------------------------------------------------------------

TWO = Decimal("0.01")


@dataclass(frozen=True)
class Rating:
    """One answer as stored: the competency, the item, the value, whether it is the self's."""

    competency: str
    item: int
    value: int
    is_self: bool = False


@dataclass(frozen=True)
class Result:
    """One competency of a report: the score shown (or None below MIN_SHOWN), the self's."""

    competency: str
    score: Decimal | None
    respondents: int
    self_score: Decimal | None

    @property
    def shown(self) -> bool:
        return self.score is not None


def _mean(values: Sequence[Decimal | int]) -> Decimal:
    """The mean to two decimals, exact and half-up (002 p8)."""
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(TWO, rounding=ROUND_HALF_UP)


def aggregate(
    ratings: Iterable[Rating], items: Mapping[str, Sequence[int]], *, min_shown: int = MIN_SHOWN
) -> list[Result]:
    """Per competency (in the order of `items`): the mean of the others' answers to two
    decimals, exact and half-up; shown only when at least `min_shown` others answered every
    item of it; the self-assessment beside it, never counted (002 p36)."""
    others: dict[str, list[int]] = {}
    selves: dict[str, list[int]] = {}
    per_item: dict[int, int] = {}
    for r in ratings:
        if r.is_self:
            selves.setdefault(r.competency, []).append(r.value)
        else:
            others.setdefault(r.competency, []).append(r.value)
            per_item[r.item] = per_item.get(r.item, 0) + 1
    results = []
    for code, item_ids in items.items():
        count = min((per_item.get(i, 0) for i in item_ids), default=0)
        values = others.get(code)
        score = _mean(values) if count >= min_shown and values else None
        own = selves.get(code)
        results.append(Result(code, score, count, _mean(own) if own else None))
    return results


def extremes(results: Sequence[Result]) -> tuple[list[str], list[str]]:
    """The strongest and the weakest competencies among those shown (all ties)."""
    shown = [r for r in results if r.score is not None]
    if len(shown) < 2:
        return [], []
    high = max(r.score for r in shown if r.score is not None)
    low = min(r.score for r in shown if r.score is not None)
    if high == low:
        return [], []
    return (
        [r.competency for r in shown if r.score == high],
        [r.competency for r in shown if r.score == low],
    )


@dataclass(frozen=True)
class Topic:
    """A training topic of the body: a competency, how many people have it among their
    weakest, the mean of their scores in it."""

    competency: str
    people: int
    mean: Decimal


def training_topics(
    reports: Iterable[Sequence[Result]], *, min_people: int = MIN_PEOPLE_FOR_TOPICS
) -> list[Topic]:
    """002 p37: the body's weakest competencies across all people, most often weakest first,
    then the lowest mean; nothing when fewer than `min_people` people have a result (a
    single person's weakest competency would otherwise be shown to HR)."""
    weakest: dict[str, int] = {}
    scores: dict[str, list[Decimal]] = {}
    people = 0
    for results in reports:
        if not any(r.score is not None for r in results):
            continue
        people += 1
        for r in results:
            if r.score is not None:
                scores.setdefault(r.competency, []).append(r.score)
        for code in extremes(results)[1]:
            weakest[code] = weakest.get(code, 0) + 1
    if people < min_people:
        return []
    topics = [Topic(code, weakest.get(code, 0), _mean(v)) for code, v in scores.items()]
    return sorted(topics, key=lambda t: (-t.people, t.mean, t.competency))


# --- answers ----------------------------------------------------------------------------------

MSG_MISSING = _("%(item)s: choose a rating.")
MSG_RANGE = _("%(item)s: the rating is from %(low)s to %(high)s.")
MSG_UNKNOWN_ITEM = _("Answers: an item that is not in this questionnaire.")
MSG_COMMENT_LONG = _("Comment: at most %(max)s characters.")
COMMENT_MAX = 2000


def check_answers(
    values: Mapping[int, object], items: Mapping[int, str], low: int, high: int
) -> dict[int, int]:
    """Every item answered with a whole rating from `low` to `high`; nothing else."""
    unknown = set(values) - set(items)
    if unknown:
        raise DomainError(MSG_UNKNOWN_ITEM, code="unknown_item", field="answers")
    cleaned: dict[int, int] = {}
    for item_id, label in items.items():
        raw = values.get(item_id)
        field = f"item-{item_id}"
        if raw is None or raw == "":
            raise DomainError(MSG_MISSING, code="required", field=field, params={"item": label})
        text = str(raw).strip()
        if isinstance(raw, bool) or not (text.isascii() and text.isdigit() and len(text) < 4):
            raise DomainError(
                MSG_RANGE, code="range", field=field,
                params={"item": label, "low": low, "high": high},
            )  # fmt: skip
        value = int(text)
        if not low <= value <= high:
            raise DomainError(
                MSG_RANGE, code="range", field=field,
                params={"item": label, "low": low, "high": high},
            )  # fmt: skip
        cleaned[item_id] = value
    return cleaned


# --- the questionnaire as HR edits it (a table of the methodology version) ----------------------

MSG_NO_ITEMS = _("%(competency)s: the questionnaire needs at least one item for it.")
MSG_OTHER_VERSION = _("Competency: choose one of this version's 360 competencies.")


@dataclass(frozen=True)
class ItemLine:
    """One row of the questionnaire table as it would be saved: its row and competency."""

    row: int
    competency_id: int | None


def questionnaire_problems(
    lines: Sequence[ItemLine], competencies: Mapping[int, str]
) -> list[Problem]:
    """Every competency of the version keeps at least one item (002 p35: each is rated), and
    an item belongs to one of the version's competencies. `competencies`: id → name."""
    problems: list[Problem] = []
    for line in lines:
        if line.competency_id not in competencies:
            problems.append(Problem(MSG_OTHER_VERSION, "competency", ((line.row, "competency"),)))
    covered = {line.competency_id for line in lines}
    for competency_id, name in competencies.items():
        if competency_id not in covered:
            problems.append(Problem(MSG_NO_ITEMS, "no_items", (), {"competency": name}))
    return problems
