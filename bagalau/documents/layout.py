"""The one shape of every official form: a builder turns stored data into a Layout, and one
renderer turns any Layout into PDF (WeasyPrint) or DOCX (python-docx).

A Layout holds only text already in the document's language (the builder runs under
translation.override), so it is the data the document was made from: it is stored with the
issued file (IssuedDocument.snapshot) and a reprint renders the stored Layout again, byte for
byte. Builders never format a number or a date the renderer would have to know about.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    align: Literal["left", "center", "right", "justify"] = "left"
    kind: Literal["paragraph"] = "paragraph"


@dataclass(frozen=True)
class Table:
    """Columns in the order of the seed's form; every cell is text. `widths` are relative
    (they sum to anything), one per column, or empty for equal columns."""

    columns: list[str]
    rows: list[list[str]]
    heading: str = ""
    widths: list[int] = field(default_factory=list)
    # Header rows above `columns` that span several columns: [[(text, span), ...], ...].
    group_header: list[list[tuple[str, int]]] = field(default_factory=list)
    kind: Literal["table"] = "table"


@dataclass(frozen=True)
class Fields:
    """Label: value lines (the servant's name, position, period…)."""

    items: list[tuple[str, str]]
    kind: Literal["fields"] = "fields"


@dataclass(frozen=True)
class Signature:
    """A signature line: who signs, their name and position, the date (text, or blank for a
    date written by hand)."""

    role: str
    name: str
    position: str = ""
    date: str = ""


@dataclass(frozen=True)
class Approval:
    """The approval block in the top right corner («БЕКІТЕМІН» / «УТВЕРЖДАЮ», 002 App 1)."""

    heading: str
    lines: list[str]


Block = Paragraph | Table | Fields


@dataclass(frozen=True)
class Layout:
    form: str  # the registry key, e.g. "work_plan"
    language: str  # "kk" or "ru"
    title: str
    body_name: str
    version_label: str  # the methodology version in force for the period
    blocks: list[Block]
    signatures: list[Signature] = field(default_factory=list)
    subtitle: str = ""
    approval: Approval | None = None
    appendix: str = ""  # e.g. "Әдістемеге 1-қосымша" in the top right corner
    orientation: Literal["portrait", "landscape"] = "portrait"
    issued_on: str = ""  # the date the document carries (text in its language)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Layout:
        blocks: list[Block] = []
        for raw in data.get("blocks", []):
            kind = raw.get("kind")
            if kind == "table":
                blocks.append(
                    Table(
                        columns=list(raw["columns"]),
                        rows=[list(r) for r in raw["rows"]],
                        heading=raw.get("heading", ""),
                        widths=list(raw.get("widths", [])),
                        group_header=[
                            [(str(t), int(s)) for t, s in row]
                            for row in raw.get("group_header", [])
                        ],
                    )
                )
            elif kind == "fields":
                blocks.append(Fields(items=[(str(a), str(b)) for a, b in raw["items"]]))
            else:
                blocks.append(
                    Paragraph(
                        text=raw["text"],
                        bold=raw.get("bold", False),
                        align=raw.get("align", "left"),
                    )  # fmt: skip
                )
        approval = data.get("approval")
        return cls(
            form=data["form"],
            language=data["language"],
            title=data["title"],
            body_name=data["body_name"],
            version_label=data["version_label"],
            blocks=blocks,
            signatures=[Signature(**s) for s in data.get("signatures", [])],
            subtitle=data.get("subtitle", ""),
            approval=Approval(**approval) if approval else None,
            appendix=data.get("appendix", ""),
            orientation=data.get("orientation", "portrait"),
            issued_on=data.get("issued_on", ""),
        )
