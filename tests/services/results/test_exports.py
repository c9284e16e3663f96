"""Own-answer downloads: the CSV round-trips through pandas with formulas made inert; the JSON has it all."""

import codecs
import csv
import io
import json
from datetime import UTC, datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
import yaml

from assessment import score_answers
from questions import BANKS_DIR, load_banks, load_instrument
from services.i18n import t
from services.output.cells import FORMULA_STARTS, neutralise_cell
from services.respond.answer_files import CSV_COLUMNS, answers_csv, answers_json

FIXTURES = Path(__file__).parents[2] / "fixtures"
MINI = load_instrument(FIXTURES / "mini-bank.yaml")
BANKS = [MINI, *(load_banks().values() if any(BANKS_DIR.glob("*.yaml")) else [])]
ANSWERS = yaml.safe_load((FIXTURES / "golden" / "mini-aligned.yaml").read_text(encoding="utf-8"))["answers"]
WHEN = datetime(2025, 11, 26, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("normal", "normal"),
        ("", ""),
        ("a=b", "a=b"),
        ("'=already", "'=already"),
        (-2, -2),
        (3.5, 3.5),
        (0, 0),
        (None, None),
        (True, True),
    ],
)
def test_neutralise_cell(value, expected):
    result = neutralise_cell(value)
    assert result == expected and type(result) is type(expected)


def read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False, dtype=str)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_csv_round_trips_through_pandas(language):
    data = answers_csv(MINI, ANSWERS, language, intervention="Mood app", created_at=WHEN)
    assert data.startswith(codecs.BOM_UTF8)
    frame = read_csv(data)
    assert tuple(frame.columns) == CSV_COLUMNS
    assert frame["item_id"].tolist() == list(MINI.question_ids)
    rows = frame.set_index("item_id")
    assert rows.loc["a1", "answer_value"] == "5"
    assert rows.loc["a1", "answer_label"] == MINI.scale.labels[5][language]
    assert rows.loc["a2", "reversed"] == "true" and rows.loc["a1", "reversed"] == "false"
    assert rows.loc["h2", "answer_value"] == ""  # not applicable: no value ...
    assert rows.loc["h2", "answer_label"] == MINI.scale.not_applicable[language]  # ... but said in words
    assert rows.loc["h1", "theme"] == MINI.domain("helping").name[language]
    assert rows.loc["imp_helping", "theme"] == MINI.domain("helping").name[language]
    assert rows.loc["a1", "step"] == MINI.steps[0].title[language]
    assert set(frame["created_at"]) == {WHEN.isoformat()}
    assert set(frame["instrument"]) == {"mini 0.1"}


def test_unanswered_questions_are_listed_as_not_answered():
    frame = read_csv(answers_csv(MINI, {"a1": 3}, "nl", intervention="x", created_at=WHEN)).set_index("item_id")
    assert rows_equal(frame.loc["a2"], answer_value="", answer_label=t("report.not_answered", "nl"))
    assert rows_equal(frame.loc["sup_helping"], answer_value="", answer_label=t("report.not_answered", "nl"))


def rows_equal(row, **expected):
    return all(row[key] == value for key, value in expected.items())


@pytest.mark.parametrize("intervention", ['=HYPERLINK("http://x")', "+1", "-1", "@A1", "\tTab", "\rCR"])
def test_formula_cells_are_neutralised(intervention):
    data = answers_csv(MINI, ANSWERS, "en", intervention=intervention, created_at=WHEN)
    cells = [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert set(read_csv(data)["intervention"]) == {"'" + intervention}


@pytest.mark.parametrize("bank", BANKS, ids=[b.id for b in BANKS])
def test_every_question_of_every_bank_exports(bank):
    answers = {q: "na" if i % 7 == 0 else (i % 5) + 1 for i, q in enumerate(bank.question_ids)}
    frame = read_csv(answers_csv(bank, answers, "nl", intervention="Zorgapp", created_at=WHEN))
    assert len(frame) == len(bank.question_ids)
    assert (frame["question"] != "").all() and (frame["theme"] != "").all()
    document = json.loads(answers_json(bank, answers, "nl", intervention="Zorgapp", created_at=WHEN))
    assert len(document["answers"]) == len(bank.question_ids)


def test_json_holds_instrument_answers_and_scores():
    data = answers_json(MINI, ANSWERS, "en", intervention="Mood app 📱", created_at=WHEN)
    document = json.loads(data.decode("utf-8"))
    assert document["instrument"] == {"id": "mini", "version": "0.1", "content_hash": MINI.content_hash}
    assert document["language"] == "en"
    assert document["intervention"] == "Mood app 📱"
    assert document["created_at"] == "2025-11-26T09:30:00+00:00"
    by_id = {a["item_id"]: a for a in document["answers"]}
    assert by_id["a1"] == {"item_id": "a1", "value": 5, "label": "Strongly agree"}
    assert by_id["h2"]["value"] == "na"
    flat = score_answers(MINI, ANSWERS).flat()
    assert document["scores"] == {key: {"value": value, "status": status} for key, (value, status) in flat.items()}
    assert document["scores"]["alignment_index"] == {"value": 62.5, "status": "ok"}
    assert document["scores"]["element:2"] == {"value": None, "status": "not_enough"}
    given = answers_json(
        MINI, ANSWERS, "en", intervention="Mood app 📱", created_at=WHEN, report=score_answers(MINI, ANSWERS)
    )
    assert given == data  # a report at hand gives the same document
