from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bagalau.api.models import ApiToken


def _ascii_digits(raw: Any) -> bool:
    """An id as a client types it: ASCII digits only (Python's int() also reads "٥" as 5)."""
    return isinstance(raw, int) or (isinstance(raw, str) and raw.isascii() and raw.isdigit())


class IdChoiceField(forms.ModelChoiceField):
    """A row chosen by its id: only ASCII digits name one (one rule for every form)."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if not _ascii_digits(value if not isinstance(value, str) else value.strip()):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class RevokeTokenForm(forms.Form):
    """`revoke=<id>` of one of the user's own tokens: anything else is a form error."""

    revoke = IdChoiceField(queryset=ApiToken.objects.none(), label=_("Token"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["revoke"].queryset = ApiToken.objects.filter(user=user)  # type: ignore[attr-defined]


MAX_ID = 2**63 - 1  # the largest primary key a bigint column holds


def id_param(raw: str | None) -> int | None:
    """An id read from a GET/POST parameter: a positive integer a bigint holds, else None."""
    if raw is not None and raw.strip() and not _ascii_digits(raw.strip()):
        return None
    field = forms.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    try:
        return field.clean(raw)
    except forms.ValidationError:
        return None
