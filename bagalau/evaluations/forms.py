from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from bagalau.core.forms import IdChoiceField
from bagalau.org.models import Servant

from .models import Task


class ScheduleForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2018, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("period"),
        coerce=int,
        choices=[(1, _("Q1")), (2, _("Q2")), (3, _("Q3")), (4, _("Q4")), (0, _("the whole year"))],
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


MSG_EVALUATOR = _("Evaluator: choose a servant of the body.")


class ReassignForm(forms.Form):
    """Change a sheet's evaluator: a servant of the body, chosen by search (issue 12 item 3).

    The page never renders the choices as a list of the whole body: it offers the matches
    of a search as radio buttons; this field checks the posted id against the body.
    """

    evaluator = IdChoiceField(
        label=_("evaluator"),
        queryset=Servant.objects.none(),
        error_messages={"required": MSG_EVALUATOR, "invalid_choice": MSG_EVALUATOR},
    )
    reason = forms.CharField(label=_("reason"), required=False)

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The service explains the other refusals (the evaluated person, no login).
        field = cast(IdChoiceField, self.fields["evaluator"])
        field.queryset = Servant.objects.filter(body_id=task.body_id)
