from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bagalau.api.models import ApiToken


class RevokeTokenForm(forms.Form):
    """`revoke=<id>` of one of the user's own tokens: anything else is a form error."""

    revoke = forms.ModelChoiceField(queryset=ApiToken.objects.none(), label=_("Token"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["revoke"].queryset = ApiToken.objects.filter(user=user)  # type: ignore[attr-defined]


MAX_ID = 2**63 - 1  # the largest primary key a bigint column holds


def id_param(raw: str | None) -> int | None:
    """An id read from a GET/POST parameter: a positive integer a bigint holds, else None."""
    field = forms.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    try:
        return field.clean(raw)
    except forms.ValidationError:
        return None
