"""Reading a CSV export whose columns may repeat (Jira writes ``Fix versions`` once
per value): each row as a mapping from a column name to all its non-empty values."""

from __future__ import annotations

import csv
import io
import sys

from app.importing.issues import ImportProblems, Read, UploadedFile, decode_text
from app.plan_io.problems import Problem

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
CELL_MAX = 1_000_000


class Row:
    __slots__ = ("cells", "line", "spelled")

    def __init__(self, cells: dict[str, list[str]], line: int, spelled: dict[str, str]):
        self.cells = cells
        self.line = line
        self.spelled = spelled  # a column's name as the header writes it

    def first(self, name: str) -> str | None:
        values = self.cells.get(name.casefold())
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        return self.cells.get(name.casefold(), [])

    def starting(self, prefix: str) -> list[tuple[str, str]]:
        """(column as written, value) of the columns whose name starts with ``prefix``."""
        prefix = prefix.casefold()
        return [
            (self.spelled[column], value)
            for column, values in self.cells.items()
            if column.startswith(prefix)
            for value in values
        ]


def rows(file: UploadedFile, read: Read, required: tuple[str, ...]) -> tuple[list[str], list[Row]]:
    """The header (as written) and the rows of a CSV export."""
    text, note = decode_text(file.name, file.data, legacy=True)
    if note:
        read.notes.append(note)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportProblems([Problem(file.name, f"holds a NUL character on line {line}")])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header:
            raise ImportProblems([Problem(file.name, "the file is empty: no header row")])
        names = [column.strip().casefold() for column in header]
        missing = [name for name in required if name.casefold() not in names]
        if missing:
            raise ImportProblems(
                [Problem(file.name, f"not this export: no column {', '.join(missing)}")]
            )
        spelled = {name: column.strip() for name, column in zip(names, header, strict=True)}
        found = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            cells: dict[str, list[str]] = {}
            for name, value in zip(names, values, strict=False):
                value = value.strip()
                if len(value) > CELL_MAX:
                    raise ImportProblems(
                        [Problem(f"{file.name} line {reader.line_num}", f"{name}: cell too long")]
                    )
                if value:
                    cells.setdefault(name, []).append(value)
            found.append(Row(cells, reader.line_num, spelled))
    except csv.Error as exc:
        raise ImportProblems(
            [Problem(f"{file.name} line {reader.line_num}", f"not CSV: {exc}")]
        ) from None
    return [column.strip() for column in header], found
