"""The 360 forms of the 2023 model (002 p34-37): the individual report (the typical
methodology's Appendix 7) and the feedback form (Appendix 8), printed from `selectors.report`.

The report exists only once the campaign is closed, each competency's score only from three
answers (rules.MIN_SHOWN), the self-assessment beside it and not counted (002 p36), comments
without author in the report's fixed order: nothing on either form leads to a respondent.
Printing follows the report page: `access_report` (the person, the evaluator, the head of
HR; 404 to everyone else, HR officers included, and 409 before the campaign closes).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bagalau.documents import registry
from bagalau.documents.layout import Fields, Layout, Paragraph, Signature, Table
from bagalau.documents.text import long_date, score
from bagalau.evaluations.printed_parts import position_on, user_name
from bagalau.methodology.printed import appendix, language, version_label

from . import rules, selectors
from .models import Subject


def survey_authorize(user: Any, object_id: int) -> Subject:
    subject, _roles = selectors.access_report(user, object_id)
    return subject


def _summary(subject: Subject, data: dict[str, Any], lang: str) -> Fields:
    position, unit = position_on(
        subject.servant_id, subject.campaign.closed_on or timezone.localdate()
    )
    return Fields(items=[
        (_("Servant evaluated"), subject.servant.full_name),
        (_("Position of the servant evaluated"), position),
        (_("Structural unit of the servant evaluated"), unit),
        (_("Competency set"), str(subject.get_audience_display())),
        (_("Year evaluated"), str(subject.campaign.year)),
        (_("Respondents who answered"),
         _("%(n)s of %(total)s") % {"n": data["answered"], "total": data["invited"]}),
        (_("Overall score (mean of the competencies shown)"), score(data["overall"], lang)),
        (_("Strongest competencies"), ", ".join(c.name for c in data["strongest"])),
        (_("Competencies to develop"), ", ".join(c.name for c in data["weakest"])),
    ])  # fmt: skip


def _evaluator(subject: Subject) -> str:
    if subject.evaluator is not None:
        return subject.evaluator.full_name
    return user_name(subject.evaluator_user)


def survey_report_build(subject: Subject) -> Layout:
    lang = language()
    data = selectors.report(subject)
    fewer = _("fewer than %(n)s answers") % {"n": rules.MIN_SHOWN}
    rows = []
    for number, line in enumerate(data["lines"], start=1):
        marks = []
        if line.strongest:
            marks.append(_("strongest"))
        if line.weakest:
            marks.append(_("to develop"))
        rows.append([
            str(number),
            line.competency.name + (f" ({', '.join(marks)})" if marks else ""),
            score(line.score, lang) if line.score is not None else fewer,
            score(line.self_score, lang),
            "\n".join(line.comments),
        ])  # fmt: skip
    return Layout(
        form="survey_report",
        language=lang,
        title=_("Individual report of the evaluation by the 360 method"),
        subtitle=_("%(year)s (the year evaluated)") % {"year": subject.campaign.year},
        body_name=subject.campaign.body.name,
        version_label=version_label(subject.campaign.version),
        appendix=appendix(7),
        issued_on=long_date(timezone.localdate(), lang),
        blocks=[
            _summary(subject, data, lang),
            Table(
                columns=[
                    _("No."),
                    _("Competency"),
                    _("Score (mean of the respondents' ratings)"),
                    _("Self-assessment (not counted)"),
                    _("Comments of the respondents"),
                ],
                rows=rows,
                widths=[1, 5, 3, 3, 8],
            ),
            Paragraph(
                _(
                    "A score is shown only when at least %(n)s respondents answered the "
                    "competency; the self-assessment is not counted in the result (002 p36); "
                    "comments are given without their authors."
                )
                % {"n": rules.MIN_SHOWN}
            ),
        ],
    )


def survey_feedback_build(subject: Subject) -> Layout:
    lang = language()
    data = selectors.report(subject)
    feedback = data["feedback"]
    held = long_date(feedback.held_on if feedback else None, lang)
    position, _unit = position_on(
        subject.servant_id, subject.campaign.closed_on or timezone.localdate()
    )
    evaluator_position = position_on(
        subject.evaluator_id, subject.campaign.closed_on or timezone.localdate()
    )[0]
    return Layout(
        form="survey_feedback",
        language=lang,
        title=_("Feedback on the results of the evaluation by the 360 method"),
        subtitle=_("%(year)s (the year evaluated)") % {"year": subject.campaign.year},
        body_name=subject.campaign.body.name,
        version_label=version_label(subject.campaign.version),
        appendix=appendix(8),
        issued_on=long_date(timezone.localdate(), lang),
        blocks=[
            _summary(subject, data, lang),
            Fields(
                items=[
                    (_("Feedback conversation held on"), held),
                    (_("Strengths to keep"), feedback.strengths if feedback else ""),
                    (_("Competencies to develop"), feedback.development if feedback else ""),
                    (
                        _("Agreed development actions and training"),
                        feedback.actions if feedback else "",
                    ),
                ]
            ),  # fmt: skip
        ],
        signatures=[
            Signature(_("Servant evaluated"), subject.servant.full_name, position, held),
            Signature(_("Evaluator"), _evaluator(subject), evaluator_position, held),
        ],
    )


registry.register(
    registry.FormKind(
        key="survey_report",
        label=gettext_lazy("Individual report of the evaluation by the 360 method"),
        authorize=survey_authorize,
        build=survey_report_build,
        body_id=lambda subject: subject.campaign.body_id,
        servant_id=lambda subject: subject.servant_id,
        period=lambda subject: (subject.campaign.year, 0),
    )
)
registry.register(
    registry.FormKind(
        key="survey_feedback",
        label=gettext_lazy("Feedback on the results of the evaluation by the 360 method"),
        authorize=survey_authorize,
        build=survey_feedback_build,
        body_id=lambda subject: subject.campaign.body_id,
        servant_id=lambda subject: subject.servant_id,
        period=lambda subject: (subject.campaign.year, 0),
    )
)
