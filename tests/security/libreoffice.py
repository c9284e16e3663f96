"""Opening files in a real spreadsheet program: LibreOffice headless converts batches of files to flat
OpenDocument (one `soffice` start per batch, the batches side by side: a start takes seconds), and each
cell is read back with what LibreOffice made of it: its text, its type, its formula and any link in it.

CSV files are opened as a person who lets the spreadsheet evaluate formulas would (CSV_WITH_FORMULAS);
headless LibreOffice would otherwise read them in its default 8-bit character set, not UTF-8. A test
should add a control file with a live formula to each batch, to see that formulas are evaluated."""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
SKIP_VARIABLE = "VM_ALLOW_SKIP_LIBREOFFICE"
CONVERT_TIMEOUT_S = 240
# Comma, double quote, UTF-8 (76), from line 1, English (US), quoted fields not forced to text, special
# numbers detected, and (the 13th option) formulas evaluated.
CSV_WITH_FORMULAS = "CSV:44,34,76,1,,1033,false,true,false,false,false,-1,true"

_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
}

_TABLE_NAME = f"{{{_NS['table']}}}name"
_VALUE_TYPE = f"{{{_NS['office']}}}value-type"


@dataclass(frozen=True)
class Cell:
    where: str  # file name, sheet and row/column, for messages
    text: str  # as LibreOffice shows it
    value_type: str  # "string", "float", ...
    formula: str | None  # table:formula when LibreOffice made it a formula
    link: str | None  # the target of a link in the cell


def require_soffice() -> None:
    """Fail (or skip, when VM_ALLOW_SKIP_LIBREOFFICE=1) when LibreOffice is not installed."""
    if os.access(SOFFICE, os.X_OK):
        return
    message = (
        f"{SOFFICE} not found: this test needs Debian's 'libreoffice-calc-nogui' package "
        "(scripts/test.sh installs it; or: apt-get install -y libreoffice-calc-nogui)"
    )
    if os.environ.get(SKIP_VARIABLE) == "1":
        pytest.skip(f"{message} [skipped: {SKIP_VARIABLE}=1]")
    pytest.fail(message, pytrace=False)


def open_in_libreoffice(batches: list[tuple[list[Path], str | None]], work: Path) -> dict[str, list[Cell]]:
    """Each batch (files, input filter or None) converted by one soffice run, the runs side by side;
    file name -> its cells (empty cells left out)."""
    runs = []
    for number, (files, infilter) in enumerate(batches):
        out = work / f"batch-{number}"
        out.mkdir(parents=True, exist_ok=True)
        command = [
            SOFFICE,
            f"-env:UserInstallation={(out / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to",
            "fods",
            "--outdir",
            str(out),
            *map(str, files),
        ]
        runs.append(
            (files, out, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
        )
    cells = {}
    for files, out, run in runs:
        output, _ = run.communicate(timeout=CONVERT_TIMEOUT_S)
        for file in files:
            converted = out / (file.stem + ".fods")
            assert converted.exists(), f"LibreOffice did not convert {file.name}: {output}"
            cells[file.name] = _cells(file.name, converted)
    return cells


def _cells(name: str, path: Path) -> list[Cell]:
    found = []
    for sheet in ET.parse(path).getroot().iter(f"{{{_NS['table']}}}table"):
        for row_number, row in enumerate(sheet.iter(f"{{{_NS['table']}}}table-row"), start=1):
            for column, cell in enumerate(row.findall("table:table-cell", _NS), start=1):
                text = "\n".join("".join(p.itertext()) for p in cell.findall("text:p", _NS))
                formula = cell.get(f"{{{_NS['table']}}}formula")
                if not text and formula is None:
                    continue
                link = next((a.get(f"{{{_NS['xlink']}}}href") for a in cell.iter(f"{{{_NS['text']}}}a")), None)
                where = f"{name} {sheet.get(_TABLE_NAME)} row {row_number} column {column}"
                found.append(Cell(where, text, cell.get(_VALUE_TYPE) or "", formula, link))
    return found
