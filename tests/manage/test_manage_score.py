"""The admin CLI's score command, run in-process through manage.main() against a temporary SQLite
DATABASE_URL."""

from __future__ import annotations

import csv
import json

import pytest

import manage
from questions import BANKS_DIR, load_banks
from services.runtime import newest
from services.settings import Settings
from tests.manage.manage_helpers import GOLDEN, MINI_BANK, golden_csv, run

# --- score --------------------------------------------------------------------------------


def test_score_the_hand_worked_row(capsys, tmp_path):
    source = tmp_path / "answers.csv"
    source.write_text(golden_csv(), encoding="utf-8")
    output = tmp_path / "scores.csv"

    code, out, _err = run(capsys, "score", source, "--bank", MINI_BANK, "--output", output)

    assert code == 0
    assert "Scored 1 respondent(s)" in out
    [row] = list(csv.DictReader(output.open(encoding="utf-8")))
    assert row["row"] == "2" and row["respondent"] == "R1"
    assert float(row["alignment_index"]) == pytest.approx(GOLDEN["expected"]["alignment_index"])
    for key, expected in GOLDEN["expected"].items():
        if expected is None:
            assert row[key] == "", key
        else:
            assert float(row[key]) == pytest.approx(expected), key
    assert row["alignment_band"] == GOLDEN["bands"]["alignment"]


@pytest.mark.parametrize("extra", [[], ["--format", "csv"], ["--format", "json"]], ids=["table", "csv", "json"])
def test_score_to_stdout(capsys, tmp_path, extra):
    source = tmp_path / "answers.csv"
    source.write_text(golden_csv(), encoding="utf-8")
    code, out, _err = run(capsys, "score", source, "--bank", MINI_BANK, *extra)
    assert code == 0
    if extra[1:] == ["json"]:
        [record] = json.loads(out)
        assert record["alignment_index"] == pytest.approx(62.5)
        assert record["element:2"] is None
    else:
        assert "62.5" in out and "aligned" in out


def test_score_json_output_file(capsys, tmp_path):
    source = tmp_path / "answers.csv"
    source.write_text(golden_csv(), encoding="utf-8")
    output = tmp_path / "scores.json"
    assert run(capsys, "score", source, "--bank", MINI_BANK, "--output", output)[0] == 0
    [record] = json.loads(output.read_text(encoding="utf-8"))
    assert record["respondent"] == "R1"
    assert record["gap:helping"] == pytest.approx(-75.0)


@pytest.mark.parametrize("spelling", ["na", "NA", "n/a", "N/A"])
def test_score_accepts_not_applicable_spellings(capsys, tmp_path, spelling):
    source = tmp_path / "answers.csv"
    source.write_text(golden_csv(h2=spelling), encoding="utf-8")
    code, out, _err = run(capsys, "score", source, "--bank", MINI_BANK, "--format", "json")
    assert code == 0
    assert json.loads(out)[0]["domain:helping"] == pytest.approx(50.0)


def test_score_empty_cells_are_unanswered_and_not_enough_stays_empty(capsys, tmp_path):
    source = tmp_path / "answers.csv"
    source.write_text("id;a1;a2;n1\nx;5;;\n", encoding="utf-8")  # semicolons, as Dutch Excel writes
    code, out, err = run(capsys, "score", source, "--bank", MINI_BANK, "--format", "json")
    assert code == 0
    [record] = json.loads(out)
    assert record["id"] == "x"
    assert record["domain:autonomy"] == pytest.approx(100.0)  # one of two answered is enough
    assert record["domain:needs"] is None and record["alignment_index"] is None
    assert "have no column" in err


BAD_FILES = [  # (id, file bytes, every message expected on stderr)
    ("unknown column", b"respondent,a1,zz\nR1,5,3\n", ["column 'zz' (column C) is not a question id of mini 0.1"]),
    ("out of range", b"respondent,a1,a2\nR1,5,1\nR2,7,1\n", ["row 3, column 'a1': '7' is not an answer"]),
    (
        "all problems at once",
        b"a1,a2,bogus\n0,1,\n5,x,\n,6,\n",
        ["column 'bogus'", "row 2, column 'a1': '0'", "row 3, column 'a2': 'x'", "row 4, column 'a2': '6'"],
    ),
    ("empty file", b"", ["the file is empty"]),
    ("blank lines only", b"\n\n  \n", ["the file is empty"]),
    ("header only", b"respondent,a1\n", ["no answers to score"]),
    ("not utf-8", "respondent,a1\nJosé,5\n".encode("latin-1"), ["not UTF-8 text"]),
    ("more cells than columns", b"a1,a2\n5,1,3\n", ["row 2: 3 values but the header names 2 columns"]),
]


@pytest.mark.parametrize("content, messages", [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_score_bad_input_names_the_problem_and_writes_nothing(capsys, tmp_path, content, messages):
    source = tmp_path / "answers.csv"
    source.write_bytes(content)
    output = tmp_path / "scores.csv"

    code, out, err = run(capsys, "score", source, "--bank", MINI_BANK, "--output", output)

    assert code == 1
    assert out == ""
    assert err.startswith(f"error: cannot score {source}, nothing was scored")
    for message in messages:
        assert message in err
    assert list(tmp_path.iterdir()) == [source]  # no output, not even a temporary file


def test_score_missing_file(capsys, tmp_path):
    code, _out, err = run(capsys, "score", tmp_path / "nope.csv", "--bank", MINI_BANK)
    assert code == 1
    assert "nope.csv" in err and "file not found" in err


def test_score_with_a_broken_bank(capsys, tmp_path):
    source = tmp_path / "answers.csv"
    source.write_text(golden_csv(), encoding="utf-8")
    code, _out, err = run(capsys, "score", source, "--bank", tmp_path / "nope.yaml")
    assert code == 1
    assert "invalid question bank" in err and "file not found" in err


def test_score_defaults_to_the_installed_bank(capsys, tmp_path):
    bank = newest(load_banks(BANKS_DIR), Settings().instrument)
    source = tmp_path / "answers.csv"
    source.write_text(
        ",".join(bank.question_ids) + "\n" + ",".join("4" for _ in bank.question_ids) + "\n", encoding="utf-8"
    )
    code, out, err = run(capsys, "score", source, "--format", "json")
    assert code == 0, err
    [record] = json.loads(out)
    assert record["alignment_index"] is not None


def test_scores_csv_neutralises_formulas_in_the_id_column(tmp_path, capsys):
    source = tmp_path / "answers.csv"
    source.write_text('respondent,a1,a2\n=HYPERLINK("x"),4,2\n', encoding="utf-8")
    out = tmp_path / "scores.csv"
    assert manage.main(["score", str(source), "--bank", str(MINI_BANK), "--output", str(out)]) == 0
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8")
