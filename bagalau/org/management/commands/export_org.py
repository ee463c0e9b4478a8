"""Export a body's structure and staff to an Excel workbook in the import's shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from bagalau.org.excel import build_template, export_body
from bagalau.org.models import StateBody


class Command(BaseCommand):
    help = (
        "Export units, positions, servants, appointments and absences of a state body to an "
        "Excel workbook that import_org reads back; without --body, write the empty template."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--body", help="the BIN of the state body (omit for the template)")
        parser.add_argument("-o", "--output", required=True, type=Path, help="the .xlsx to write")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default="kk",
            help="language of the column labels (default kk)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            if options["body"]:
                body = StateBody.objects.filter(bin=options["body"].strip()).first()
                if body is None:
                    raise CommandError(
                        _("No state body has the BIN %(bin)s.") % {"bin": options["body"]}
                    )
                data = export_body(body)
            else:
                data = build_template()
            try:
                options["output"].write_bytes(data)
            except OSError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(_("Wrote %(path)s.") % {"path": options["output"]})
