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
