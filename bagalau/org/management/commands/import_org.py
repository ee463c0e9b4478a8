"""Import a body's structure and staff from an Excel workbook (all or nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from bagalau.org.excel import ImportRejected, import_workbook, size_error
from bagalau.org.models import StateBody


class Command(BaseCommand):
    help = (
        "Import units, positions, servants, appointments and absences of a state body from an "
        "Excel workbook; any error rejects the whole file and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the .xlsx workbook")
        parser.add_argument("--body", required=True, help="the BIN of the state body")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default="kk",
            help="language of the messages (default kk)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            body = StateBody.objects.filter(bin=options["body"].strip()).first()
            if body is None:
                raise CommandError(
                    _("No state body has the BIN %(bin)s.") % {"bin": options["body"]}
                )
            path: Path = options["file"]
            try:
                # refused before it is read whole: the same limit as the upload screen
                if too_large := size_error(path.stat().st_size):
                    raise CommandError(too_large)
                data = path.read_bytes()
            except OSError as error:
                raise CommandError(str(error)) from None
            try:
                report = import_workbook(actor=None, body=body, data=data)
            except ImportRejected as rejected:
                for cell_error in rejected.cell_errors:  # the first BAGALAU_IMPORT_MAX_ERRORS
                    self.stderr.write(str(cell_error))
                if rejected.unlisted:
                    self.stderr.write(rejected.unlisted_text())
                raise CommandError(rejected.text(), returncode=1) from None
            for sheet, counts in report.counts.items():
                self.stdout.write(
                    _(
                        "%(sheet)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged"
                    )
                    % {"sheet": sheet, **counts}
                )
