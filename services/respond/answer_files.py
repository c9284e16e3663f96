"""Downloads of one respondent's own answers: CSV for spreadsheets, JSON for tools. Pure service code."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from assessment.scoring import Answers, ScoreReport, score_answers
from questions.model import NOT_APPLICABLE, Instrument, localise
from services.i18n import t
from services.output.cells import neutralise_cell

CSV_COLUMNS = (
    "item_id",
    "step",
    "theme",
    "question",
    "answer_value",
    "answer_label",
    "reversed",
    "intervention",
    "created_at",
    "instrument",
)


def answers_csv(
    instrument: Instrument, answers: Answers, language: str, *, intervention: str, created_at: datetime
) -> bytes:
    """Every question with its answer, one row each, in questionnaire order (UTF-8 with BOM for Excel).

    "Not applicable" has an empty value and the bank's not-applicable label; an unanswered question
    has an empty value and the label "not answered".
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in _answer_rows(instrument, answers, language):
        writer.writerow(
            [
                neutralise_cell(cell)
                for cell in (
                    row["item_id"],
                    row["step"],
                    row["theme"],
                    row["question"],
                    row["value"] if isinstance(row["value"], int) else "",
                    row["label"],
                    str(row["reversed"]).lower(),
                    intervention,
                    created_at.isoformat(),
                    instrument.label,
                )
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def answers_json(
    instrument: Instrument,
    answers: Answers,
    language: str,
    *,
    intervention: str,
    created_at: datetime,
    report: ScoreReport | None = None,
) -> bytes:
    """The answers and every score, with the instrument they belong to, as UTF-8 JSON.

    Each answer's `value` is 1..max, "na" (not applicable) or null (not answered), as stored.
    Scores are `ScoreReport.flat()` as {"value": number or null, "status": "ok" | "not_enough"};
    pass the `report` already at hand, or it is scored from the answers.
    """
    report = report if report is not None else score_answers(instrument, answers)
    document = {
        "instrument": {"id": instrument.id, "version": instrument.version, "content_hash": instrument.content_hash},
        "language": language,
        "intervention": intervention,
        "created_at": created_at.isoformat(),
        "answers": [
            {"item_id": row["item_id"], "value": row["value"], "label": row["label"]}
            for row in _answer_rows(instrument, answers, language)
        ],
        "scores": {key: {"value": value, "status": status} for key, (value, status) in report.flat().items()},
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _answer_rows(instrument: Instrument, answers: Answers, language: str) -> list[dict[str, Any]]:
    pairs = {pair.importance.id: pair.domain for pair in instrument.value_pairs}
    pairs.update({pair.support.id: pair.domain for pair in instrument.value_pairs})
    rows = []
    for step in instrument.steps:
        for question_id in step.items:
            value = answers.get(question_id)
            if question_id in pairs:
                domain, reversed_ = pairs[question_id], False  # importance/support are never reverse-keyed
            else:
                item = instrument.item(question_id)
                domain, reversed_ = item.domain, item.reverse
            if value == NOT_APPLICABLE:
                label = localise(instrument.scale.not_applicable, language)
            elif isinstance(value, int) and value in instrument.scale.labels:
                label = localise(instrument.scale.labels[value], language)
            else:
                value, label = None, t("report.not_answered", language)
            rows.append(
                {
                    "item_id": question_id,
                    "step": localise(step.title, language),
                    "theme": localise(instrument.domain(domain).name, language),
                    "question": localise(instrument.question_text(question_id), language),
                    "value": value,
                    "label": label,
                    "reversed": reversed_,
                }
            )
    return rows
