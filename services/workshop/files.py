"""A workshop's summary as files: one plain CSV table (here), and a PDF for the people who were there
(summary_pdf.py).

Both hold what the big screen showed (each round's picture), the conversation prompts and the actions
the group agreed. A round with fewer than k answers gives one line saying so and no number of it. Every
text cell of the CSV goes through `neutralise_cell` (titles and actions are typed by people, and a
spreadsheet would run `=...` as a formula); the PDF neutralises them the same way, so text copied out of
it cannot become a formula either.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from services.dashboard.stats import Estimate
from services.formatting import file_datetime, format_signed
from services.i18n import t
from services.output.cells import neutralise_cell
from services.workshop.picture import AgreedAction, RoundComparison, WorkshopPicture

COLUMNS = ("what", "round", "theme", "side", "n", "mean", "low", "high", "value", "share", "detail")


@dataclass(frozen=True)
class WorkshopMeta:
    """What a summary is about: the session as the facilitator set it up."""

    title: str
    intervention: str
    instrument_label: str
    language: str
    k: int
    created_at: datetime
    closed_at: datetime | None
    facilitator_note: str | None = None


# --- CSV ------------------------------------------------------------------------------------------------


def workshop_csv(
    meta: WorkshopMeta,
    pictures: Sequence[WorkshopPicture],
    comparison: RoundComparison | None,
    actions: Sequence[AgreedAction],
    language: str,
) -> bytes:
    """One header row and one row per number shown, UTF-8 with BOM so Excel reads Dutch characters right."""
    rows: list[dict] = [
        _row("session", detail=meta.title),
        _row("intervention", detail=meta.intervention),
        _row("questionnaire", detail=meta.instrument_label),
        _row("k", value=meta.k),
        _row("started", detail=file_datetime(meta.created_at)),
    ]
    if meta.closed_at is not None:
        rows.append(_row("closed", detail=file_datetime(meta.closed_at)))
    if meta.facilitator_note:
        rows.append(_row("note", detail=meta.facilitator_note))
    for picture in pictures:
        rows += _picture_rows(picture, language)
    if comparison is not None:
        label = f"{comparison.first_round}→{comparison.second_round}"
        rows += [
            _row("change", round=label, theme=s.theme.name, side=_side(s.theme.side, language), value=_number(s.change))
            for s in comparison.themes
            if s.theme is not None
        ]
        rows.append(_row("alignment_change", round=label, value=_number(comparison.alignment.change)))
    rows += [_row(f"action_{a.kind}", theme=a.theme or "", detail=a.text) for a in actions]

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise_cell(t(f"workshop_report.csv.col.{c}", language)) for c in COLUMNS])
    for row in rows:
        row["what"] = t(f"workshop_report.csv.what.{row['what']}", language)
        writer.writerow([neutralise_cell(row.get(column, "")) for column in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def _row(what: str, **cells) -> dict:
    return {"what": what, **{k: "" if v is None else v for k, v in cells.items()}}


def _picture_rows(picture: WorkshopPicture, language: str) -> list[dict]:
    """A round's numbers; a round not shown gives its status only."""
    round_no = picture.round_no
    if not picture.shown:
        status = "workshop_report.csv.empty" if picture.selection.decision.empty else "workshop_report.csv.withheld"
        return [_row("responses", round=round_no, detail=t(status, language, k=picture.k))]
    rows = [
        _row("responses", round=round_no, n=picture.n),
        _estimate_row("alignment", round_no, "", "", picture.alignment, language),
    ]
    for mean in picture.theme_means:
        side = _side(mean.theme.side, language)
        rows.append(_estimate_row("theme_mean", round_no, mean.theme.name, side, mean.estimate, language))
        if mean.agreement is not None:
            reading = "reading_split" if mean.agreement.split else "reading_agreed"
            rows.append(
                _row(
                    "agreement",
                    round=round_no,
                    theme=mean.theme.name,
                    side=side,
                    value=_number(mean.agreement.value, 2),
                    detail=t(f"workshop_report.agreement.{reading}", language),
                )
            )
    for bands in picture.theme_bands:
        counts = (
            ("fits", bands.fits),
            ("between", bands.middle),
            ("clashes", bands.clashes),
            ("not_enough", bands.not_enough),
        )
        rows += [
            _row(
                "band",
                round=round_no,
                theme=bands.theme.name,
                side=_side(bands.theme.side, language),
                n=count,
                share=_number(100 * count / picture.n),
                detail=t(f"workshop_report.bands.{reading}", language),
            )
            for reading, count in counts
        ]
    scored = sum(b.count for b in picture.alignment_distribution)
    rows += [
        _row(
            "alignment_bin",
            round=round_no,
            n=b.count,
            share=_number(100 * b.count / scored) if scored else None,
            detail=f"{format_signed(b.lower, language)} … {format_signed(b.upper, language)}",
        )
        for b in picture.alignment_distribution
    ]
    rows += [_estimate_row("element", round_no, e.name, "", e.estimate, language) for e in picture.compassion]
    for start in picture.where_to_start:
        rows.append(
            _row(
                "start",
                round=round_no,
                theme=start.theme.name,
                side=_side(start.theme.side, language),
                mean=_number(start.estimate.mean),
                detail=start.question,
            )
        )
    rows += [
        _row("prompt", round=round_no, theme=p.theme.name, detail=f"{p.element_name}: {p.text}")
        for p in picture.prompts
    ]
    return rows


def _estimate_row(what: str, round_no: int, theme: str, side: str, estimate: Estimate | None, language: str) -> dict:
    if estimate is None:
        return _row(what, round=round_no, theme=theme, side=side, n=0, detail=t("report.not_enough", language))
    return _row(
        what,
        round=round_no,
        theme=theme,
        side=side,
        n=estimate.n,
        mean=_number(estimate.mean),
        low=_number(estimate.low),
        high=_number(estimate.high),
    )


def _number(value: float | None, places: int = 1) -> float | None:
    """Rounded for the file, a number (so a minus sign is no formula); never -0.0."""
    return None if value is None else round(value, places) + 0.0


def _side(side: str, language: str) -> str:
    return t(f"dashboard.side.{side}", language)
