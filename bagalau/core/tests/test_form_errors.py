"""Form errors every form shares (issue 18 item 3): announced, and tied to their field.

Django's form renderer goes through TEMPLATES (settings.FORM_RENDERER), so
bagalau/templates/django/forms/errors/list/ul.html renders every error list.
"""

from __future__ import annotations

from django import forms


class NameForm(forms.Form):
    name = forms.CharField(help_text="as in the passport")


def test_a_field_error_is_announced_and_described_by_its_field() -> None:
    form = NameForm(data={})
    assert not form.is_valid()
    widget = str(form["name"])
    assert 'aria-invalid="true"' in widget
    assert 'aria-describedby="id_name_helptext id_name_error"' in widget
    errors = str(form["name"].errors)
    assert errors.startswith('<div role="alert"><ul class="errorlist" id="id_name_error">')


def test_the_form_wide_errors_are_announced_too() -> None:
    form = NameForm(data={})
    form.add_error(None, "the whole form")
    assert str(form.non_field_errors()) == (
        '<div role="alert"><ul class="errorlist nonfield"><li>the whole form</li></ul></div>'
    )


def test_a_valid_field_is_neither_invalid_nor_alerting() -> None:
    form = NameForm(data={"name": "Aigerim"})
    assert form.is_valid()
    assert "aria-invalid" not in str(form["name"])
    assert str(form["name"].errors) == ""
