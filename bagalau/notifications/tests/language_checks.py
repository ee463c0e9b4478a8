"""Kazakh readers, English actions: the notices of the shared demo build (issue 18).

`manage.py demo` takes its actions in English and every demo user reads Kazakh, so the
build that documents/tests/test_on_demo.py makes once is this case of
test_notice_language.py: collected there, not built again.
"""

from __future__ import annotations

from datetime import date

from django.utils import translation

from bagalau.demo.tests.shared import at
from bagalau.notifications.models import Notification

from .test_notice_language import kinds_not_sent_to, problems_of, send_the_rest

DAY = "2026-12-01"


def test_every_notice_to_a_kazakh_reader_reads_in_kazakh(demo: str) -> None:
    assert set(Notification.objects.values_list("language", flat=True)) == {"kk"}
    with translation.override("en"), at(DAY):
        send_the_rest(date.fromisoformat(DAY))
    assert kinds_not_sent_to("kk") == set()
    assert problems_of("kk") == {}
