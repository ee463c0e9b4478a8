"""Notices of the 360 survey, queued after commit in each recipient's language.

They name the campaign's year and due date — never an answer, a score or a comment, and
never who answered whom (issue 15; notifications.messages).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from bagalau.notifications.messages import register as add

    add(
        "survey.invited",
        _("360 survey to answer by %(due)s"),
        _(
            "You are asked to answer the anonymous 360 survey of %(year)s about %(count)s "
            "colleague(s) by %(due)s. Nobody will see what you answered."
        ),
    )
    add(
        "survey.reminder",
        _("Reminder: 360 survey due %(due)s"),
        _("You still have %(count)s 360 survey(s) of %(year)s to answer by %(due)s."),
    )
    add(
        "survey.report_ready",
        _("360 report ready: %(year)s"),
        _("The report of the 360 evaluation of %(year)s of %(servant)s is ready."),
    )
    add(
        "survey.short",
        _("360 survey: too few respondents"),
        _(
            "%(count)s person(s) of the 360 campaign of %(year)s have fewer than %(fewest)s "
            "respondents: add people from elsewhere before the campaign starts (002 p36)."
        ),
    )
