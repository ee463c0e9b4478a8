"""Every kind of notice reads wholly in its recipient's language (issue 18; methodology.md §2).

The demo replays more than a year of the whole cycle, and with it sends most kinds of
notice; the few it does not send (an overdue reminder, a declined or overdue calibration,
the three secondment notices, too few 360 respondents) are triggered after it through the
same services. Every user reads Kazakh while the actions are taken in English (the shared
demo build, language_checks.py), then Russian under Kazakh, then English under Russian
(here). So each recipient language is reached by a notice that someone of another language
triggered.

Each notice's subject and text are matched against its message in the recipient's language,
which gives the value put into each placeholder. A person's or a body's name must be the
name as the recipient's language writes it; free text typed by a user (a reason, a place)
is theirs; every other value (a period, a step, a date, a count) and the whole text must hold
no word of another language: no Latin word outside the allow-list for kk and ru, no
Kazakh letter for ru, no Cyrillic word for en.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models.signals import pre_save
from django.test import TestCase
from django.utils import timezone, translation

from bagalau.core.models import User
from bagalau.core.tests.test_translations import entries, latin_words
from bagalau.demo.tests.shared import at, rolled_back
from bagalau.notifications import messages
from bagalau.notifications.models import Notification

# The rendering is the same Python on both databases; the SQL-built "result ready" notice
# and every other kind are read on PostgreSQL too through language_checks.py (test_on_demo).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="two more demo builds: on SQLite only"
    ),
]

DAY = "2026-12-01"
# (the language the actions are taken in, the language every recipient reads)
# Kazakh readers under English actions are the shared demo build's own case: that run is
# bagalau/notifications/tests/language_checks.py, collected by documents/tests/test_on_demo.py.
RUNS = [("kk", "ru"), ("ru", "en")]
NAMES = {"servant", "home", "host"}  # names of people and bodies, as the language writes them
FREE_TEXT = {"reason", "place", "code", "bin"}  # typed by users, or codes
KAZAKH_LETTERS = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")
CYRILLIC_WORD = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@functools.cache
def only_in(language: str) -> frozenset[str]:
    """The words the catalogue of `language` (kk or ru) uses and the other one never does."""
    other = "ru" if language == "kk" else "kk"

    def words(code: str) -> set[str]:
        return {
            word.lower()
            for _ident, strings, _fuzzy in entries(code)
            for text in strings
            for word in CYRILLIC_WORD.findall(text)
        }

    return frozenset(words(language) - words(other))


def foreign_words(text: str, language: str) -> list[str]:
    """The words of `text` that belong to another language than `language`: Cyrillic in
    English; Latin words (outside the allow-list) in Kazakh or Russian; in Russian, a word
    with a Kazakh letter or one only the Kazakh catalogue uses, and the other way round."""
    if language == "en":
        return CYRILLIC_WORD.findall(text)
    found = latin_words(text)
    other = "ru" if language == "kk" else "kk"
    for word in CYRILLIC_WORD.findall(text):
        if (language == "ru" and KAZAKH_LETTERS.search(word)) or word.lower() in only_in(other):
            found.append(word)
    return found


def template_pattern(template: str) -> re.Pattern[str]:
    """A regex of a message template whose groups capture its placeholders' values."""
    parts, names, last = [], [], 0
    for match in PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        name = match.group(1)
        parts.append(f"(?P<{name}>.*?)" if name not in names else f"(?P={name})")
        names.append(name)
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("^" + "".join(parts) + "$", re.S)


def _run_on_commit(function: Any, **kwargs: Any) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return function(**kwargs)


def _holder(body: Any, role: str) -> Any:
    from bagalau.org.models import RoleAssignment

    row = RoleAssignment.objects.filter(body=body, role=role, user__is_active=True).first()
    return row.user if row else None


def send_the_rest(day: date) -> None:
    """The kinds the demo does not send, through the services that send them."""
    from bagalau.calibration import notices as calibration_notices
    from bagalau.calibration.models import CalibrationCase
    from bagalau.evaluations import services as evaluations
    from bagalau.evaluations.models import OPEN_TASK_STATES, Task
    from bagalau.org import services as org
    from bagalau.org.models import Position, Role, Servant, StateBody
    from bagalau.surveys import services as surveys
    from bagalau.surveys.models import Campaign

    late = (
        Task.objects.filter(
            state__in=OPEN_TASK_STATES, due_date__lt=day, evaluator_user__is_active=True
        )
        .order_by("pk")
        .first()
    )
    assert late is not None, "the demo has no overdue sheet to remind of"
    evaluations.task_remind(actor=_holder(late.body, Role.HR_OFFICER), task_id=late.pk)

    # A calibration step past its due date, a month on: HR is told.
    calibration_notices.escalate_overdue(timezone.now() + timedelta(days=60))
    # Every application of the demo is accepted: the notice of a declined one, as the
    # workflow sends it after the authorized person's decision (calibration.services).
    case = CalibrationCase.objects.order_by("pk").first()
    assert case is not None, "the demo has no calibration case"
    calibration_notices.case_changed(case.pk, "decline", "—")

    home, host = StateBody.objects.order_by("pk")[:2]
    hr_home, hr_host = _holder(home, Role.HR_OFFICER), _holder(host, Role.HR_OFFICER)
    servants = Servant.objects.filter(body=home).order_by("pk")[:2]
    position = Position.objects.filter(body=host).order_by("pk").first()
    for n, (servant, action) in enumerate(zip(servants, ("accept", "decline"), strict=True)):
        start = day + timedelta(days=40 + 40 * n)
        proposal = _run_on_commit(
            org.secondment_propose,
            actor=hr_home,
            servant=servant,
            host_bin=host.bin,
            host_position_code="—",
            start_date=start,
            end_date=start + timedelta(days=20),
        )
        _run_on_commit(
            org.secondment_transition,
            actor=hr_host,
            secondment_id=proposal.pk,
            action=action,
            host_position=position if action == "accept" else None,
            reason="—" if action == "decline" else "",
        )

    campaign = Campaign.objects.order_by("pk").first()
    assert campaign is not None, "the demo has no 360 campaign"
    surveys._notify_short(campaign.pk, 2)


@pytest.fixture(scope="module", params=RUNS, ids=[f"{a}-to-{b}" for a, b in RUNS])
def run(request: Any, django_db_setup: Any, django_db_blocker: Any) -> Iterator[tuple[str, str]]:
    """The demo built with every user reading `reader`, its actions taken in `actor`."""
    from bagalau.demo import build as demo

    actor, reader = request.param

    def read_in(sender: Any, instance: User, **kwargs: Any) -> None:
        instance.language = reader

    pre_save.connect(read_in, sender=User, dispatch_uid="notice-language")
    try:
        with rolled_back(django_db_blocker):
            with translation.override(actor):
                demo.build(reset=False, today=date.fromisoformat(DAY))
                User.objects.update(language=reader)
                with at(DAY):
                    send_the_rest(date.fromisoformat(DAY))
            yield actor, reader
    finally:
        pre_save.disconnect(dispatch_uid="notice-language", sender=User)


def kinds_not_sent_to(reader: str) -> set[str]:
    sent = set(Notification.objects.filter(language=reader).values_list("kind", flat=True))
    return set(messages._REGISTRY) - {"test.hello"} - sent


def test_every_kind_of_notice_is_sent(run: tuple[str, str]) -> None:
    _actor, reader = run
    assert Notification.objects.exclude(language=reader).exists() is False
    assert kinds_not_sent_to(reader) == set()


def names_in(language: str) -> set[str]:
    """Every servant's and body's name as `language` writes it, and the bodies' BINs."""
    from bagalau.org.models import Servant, StateBody

    with translation.override(language):
        names = {s.full_name for s in Servant.objects.all()}
        names |= {str(b.name) for b in StateBody.objects.all()}
    return names | set(StateBody.objects.values_list("bin", flat=True))


def problems_of(reader: str) -> dict[str, str]:
    """Per kind, the first notice to a `reader` that does not read wholly in it (none: {})."""
    names = names_in(reader)
    patterns: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}
    problems: dict[str, str] = {}
    rows = Notification.objects.filter(language=reader).values_list("kind", "subject", "text")
    for kind, subject, text in rows.iterator():
        if kind not in patterns:
            subject_template, text_template = messages.templates(kind, reader)
            patterns[kind] = (
                template_pattern(" ".join(subject_template.split())),
                template_pattern(text_template),
            )
        for pattern, rendered in zip(patterns[kind], (subject, text), strict=True):
            match = pattern.match(rendered)
            if match is None:
                if len(rendered) < 255:  # a long subject is cut at 255 characters
                    problems.setdefault(kind, f"does not follow its message: {rendered!r}")
                continue
            checked = rendered
            for name, value in match.groupdict().items():
                if name in NAMES and value not in names:
                    problems.setdefault(kind, f"{name} {value!r} is not a {reader} name")
                if name in NAMES | FREE_TEXT and value:
                    checked = checked.replace(value, " ")
            foreign = foreign_words(checked, reader)
            if foreign:
                problems.setdefault(kind, f"{foreign} in {rendered!r}")
    return problems


def test_every_notice_reads_in_its_recipients_language(run: tuple[str, str]) -> None:
    _actor, reader = run
    assert problems_of(reader) == {}


def test_the_check_finds_another_language() -> None:
    assert foreign_words("Бағалау кестесі бекітілді: Year 2025", "kk") == ["Year"]
    assert foreign_words("График оценки утверждён: 2025 жыл", "ru") == ["жыл"]
    assert foreign_words("Бағалау кестесі: 1 квартал 2025 г.", "kk") == ["квартал", "г"]
    assert foreign_words("Schedule approved: 2025 год", "en") == ["год"]
    pattern = template_pattern("%(servant)s, %(period)s: %(servant)s")
    assert pattern.match("А Б, Q1 2026: А Б").groupdict() == {"servant": "А Б", "period": "Q1 2026"}


def test_a_lazy_value_is_read_in_the_recipients_language() -> None:
    class Period:
        @property
        def title(self) -> str:
            return translation.get_language()

    value = messages.localized(Period(), "title")
    with translation.override("en"):
        subject, text = messages.render("test.hello", {"name": value}, "ru")
    assert (subject, text.split(".")[0]) == ("Здравствуйте, ru", "Здравствуйте, ru")
