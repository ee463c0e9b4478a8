"""Bad cells, the refusal of a workbook, and the import's limits (from settings)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext, ngettext

from bagalau.core.errors import DomainError, FieldError

from .template import COLUMN_ORDER, SHEET_ORDER


@dataclass(frozen=True)
class Limits:
    """How much of a workbook the import accepts; each is a setting (see settings.py)."""

    max_bytes: int  # the file as uploaded
    max_unpacked_bytes: int  # the sum of its parts once unzipped
    max_rows: int  # data rows per sheet
    max_errors: int  # bad cells listed (all are counted)

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.BAGALAU_IMPORT_MAX_BYTES,
            max_unpacked_bytes=settings.BAGALAU_IMPORT_MAX_UNPACKED_BYTES,
            max_rows=settings.BAGALAU_IMPORT_MAX_ROWS,
            max_errors=settings.BAGALAU_IMPORT_MAX_ERRORS,
        )


@dataclass
class CellError:
    """One bad cell: `column` is the machine key, `cell` the Excel address ("B5")."""

    sheet: str
    row: int
    column: str
    message: str
    cell: str = ""

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        head = " ".join(part for part in (where, self.column) if part)
        return f"{head}: {self.message}" if head else self.message


class ImportRejected(DomainError):
    """The workbook was refused whole.

    `cell_errors` lists the first bad cells in sheet, row and column order (at most
    BAGALAU_IMPORT_MAX_ERRORS of them); `total` counts them all.
    """

    def __init__(self, cell_errors: Sequence[CellError], total: int | None = None) -> None:
        self.cell_errors = list(cell_errors)
        self.total = max(total or 0, len(self.cell_errors))
        count = self.total
        super().__init__(
            ngettext(
                "The workbook has %(count)s error; nothing was imported.",
                "The workbook has %(count)s errors; nothing was imported.",
                count,
            )
            % {"count": count},
            code="import_rejected",
            errors=[
                FieldError(
                    field=f"{e.sheet}!{e.cell}" if e.cell else (e.sheet or None),
                    message=e.message,
                    code="cell",
                )
                for e in self.cell_errors
            ],
        )

    @property
    def unlisted(self) -> int:
        """How many bad cells are counted but not listed."""
        return self.total - len(self.cell_errors)

    def unlisted_text(self) -> str:
        """“…and 4900 more (5000 errors in all).” in the active language ("" when none)."""
        if not self.unlisted:
            return ""
        return gettext("…and %(more)s more (%(count)s errors in all).") % {
            "more": self.unlisted,
            "count": self.total,
        }


class CellErrors:
    """The bad cells found so far: each cell once, all counted, the first `keep` kept.

    Time and memory stay bounded whatever the workbook: a cell is remembered as one integer;
    the kept errors are trimmed to the `keep` first (in sheet, row, column order) as they
    grow, and an error that sorts after all the kept ones once `keep` are held is only
    counted, its message never built.
    """

    def __init__(self, keep: int) -> None:
        self.keep = max(keep, 1)
        self._seen: set[int] = set()
        self._kept: list[tuple[int, CellError]] = []
        self._cutoff: int | None = None  # errors sorting after this one are not listed

    @staticmethod
    def order(sheet: str, row: int, column: str) -> int:
        """One integer that sorts cells by sheet, then row, then column."""
        sheet_index = SHEET_ORDER.get(sheet, -1) + 1
        column_index = COLUMN_ORDER.get((sheet, column), -1) + 1
        return (sheet_index << 48) | (row << 8) | column_index

    def note(self, sheet: str, row: int, column: str) -> int | None:
        """Count the cell (once); its order if its error may be listed, else None."""
        key = self.order(sheet, row, column)
        if key in self._seen:
            return None
        self._seen.add(key)
        if self._cutoff is not None and key > self._cutoff:
            return None
        return key

    def keep_error(self, key: int, error: CellError) -> None:
        """Keep the error of a cell that `note` returned `key` for."""
        self._kept.append((key, error))
        if len(self._kept) > 2 * self.keep:
            self._trim()

    def add(self, error: CellError) -> None:
        key = self.note(error.sheet, error.row, error.column)
        if key is not None:
            self.keep_error(key, error)

    def _trim(self) -> None:
        self._kept.sort(key=lambda pair: pair[0])
        del self._kept[self.keep :]
        if len(self._kept) == self.keep:
            self._cutoff = self._kept[-1][0]

    def __len__(self) -> int:
        return len(self._seen)

    def __bool__(self) -> bool:
        return bool(self._seen)

    def first(self) -> list[CellError]:
        self._trim()
        return [error for _key, error in self._kept]

    def rejection(self) -> ImportRejected:
        return ImportRejected(self.first(), total=len(self))
