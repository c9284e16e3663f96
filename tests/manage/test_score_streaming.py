"""`manage.py score` on files of any size (issue 14): rows are scored as they are read, with flat memory;
respondent ids given twice are refused by name; --form scores a short form with its own rules; every row
says how many items were answered and how many 'not applicable'."""

from __future__ import annotations

import csv
import io
import json
import random
import tracemalloc

import pytest

from assessment import score_answers
from questions import BANKS_DIR, NOT_APPLICABLE, derive_form, load_banks, load_instrument
from services.admin import question_banks
from services.data_tools import answer_file, offline_scoring
from services.data_tools.score_output import CsvScores
from services.data_tools.scoring_plan import ScoringPlan
from services.runtime import newest
from services.settings import Settings
from tests.manage.manage_helpers import MINI_BANK, golden_csv, run

BANK = newest(load_banks(BANKS_DIR), Settings().instrument)
WORKSHOP = derive_form(BANK, BANK.form("workshop"))


def answers_file(path, question_ids, rows: int, *, seed: int = 1, ids: bool = True) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([*(["respondent"] if ids else []), *question_ids])
        for n in range(rows):
            writer.writerow(
                [*([f"R{n}"] if ids else []), *(rng.choice(("1", "2", "3", "4", "5", "na", "")) for _ in question_ids)]
            )


# --- streaming ------------------------------------------------------------------------------


def test_each_row_is_scored_and_written_before_the_next_is_read():
    plan = ScoringPlan(BANK)
    pulled, written = [], []

    def rows():
        for n in range(2, 50):
            pulled.append(n)
            yield answer_file.AnswerRow(n, f"R{n}", [4] * len(BANK.question_ids))

    class Watching(CsvScores):
        def write(self, row, *rest):
            assert pulled == [*written, row]  # nothing read ahead, nothing held back
            written.append(row)
            super().write(row, *rest)

    out = io.StringIO()
    writer = Watching(out, offline_scoring.columns(plan, "respondent"), with_id=True)
    assert offline_scoring.write_scores(plan, rows(), writer) == 48
    assert written == list(range(2, 50))
    assert out.getvalue().count("\n") == 49


def _peak_bytes(capsys, tmp_path, rows: int) -> int:
    """Peak of Python's allocations while manage.py scores a file of `rows` rows (the bank loaded before)."""
    source, output = tmp_path / f"answers-{rows}.csv", tmp_path / f"scores-{rows}.csv"
    answers_file(source, BANK.question_ids, rows)
    tracemalloc.start()
    try:
        code, _out, err = run(capsys, "score", source, "--output", output)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 0, err
    return peak


def test_memory_does_not_grow_with_the_file(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(question_banks, "default_bank", lambda _settings: BANK)
    small, large = _peak_bytes(capsys, tmp_path, 1000), _peak_bytes(capsys, tmp_path, 3000)
    # Three times the rows (200 kB more file; 15 MB more peak when the file was read whole). What may
    # grow: 8 bytes per respondent id, and the answer-pattern caches, which fill over the first few
    # thousand rows (up to about 200 kB more here, depending on which patterns the rows happen to hit).
    assert large - small < 1_000_000, (small, large)


# --- duplicate respondent ids ---------------------------------------------------------------


def test_respondent_ids_given_twice_are_refused_by_name(capsys, tmp_path):
    source, output = tmp_path / "answers.csv", tmp_path / "scores.csv"
    source.write_text(
        "respondent,a1,a2\nR1,4,2\nR2,3,3\n,1,1\nR1,5,5\n,2,2\nR3,1,1\nR2,2,2\nR2,4,4\n", encoding="utf-8"
    )

    code, out, err = run(capsys, "score", source, "--bank", MINI_BANK, "--output", output)

    assert code == 1 and out == ""
    assert "respondent id 'R1' is given 2 times (rows 2, 5)" in err
    assert "respondent id 'R2' is given 3 times (rows 3, 8, 9)" in err
    assert "R3" not in err and "''" not in err  # empty ids are not ids
    assert list(tmp_path.iterdir()) == [source]  # nothing written


def test_ids_given_twice_among_many_rows_are_found(tmp_path):
    source = tmp_path / "answers.csv"
    answers_file(source, WORKSHOP.question_ids, 3000)
    with source.open("a", encoding="utf-8") as out:
        out.write("R1234," + ",".join("3" for _ in WORKSHOP.question_ids) + "\n")
    with pytest.raises(answer_file.AnswerFileError) as refused:
        offline_scoring.score_file(source, WORKSHOP, io.StringIO())
    assert refused.value.problems == [
        ("respondent id 'R1234' is given 2 times (rows 1236, 3002): each respondent can have one row")
    ]


# --- short forms ----------------------------------------------------------------------------


def test_a_short_form_is_scored_with_its_own_rules(capsys, tmp_path):
    source = tmp_path / "answers.csv"
    answers_file(source, WORKSHOP.question_ids, 40, seed=7)

    code, out, err = run(capsys, "score", source, "--form", "workshop", "--format", "json")

    assert code == 0, err
    records = json.loads(out)
    with source.open(encoding="utf-8") as rows:
        for record, row in zip(records, csv.DictReader(rows), strict=True):
            answers = {
                q: (NOT_APPLICABLE if row[q] == "na" else int(row[q]) if row[q] else None)
                for q in WORKSHOP.question_ids
            }
            expected = score_answers(WORKSHOP, answers)
            assert {k: record[k] for k in expected.flat()} == {k: v for k, (v, _) in expected.flat().items()}
            assert record["alignment_band"] == expected.alignment_band
    assert set(records[0]) >= {"domain:" + d.id for d in WORKSHOP.domains}
    assert not any(key.startswith("domain:") and key[7:] not in {d.id for d in WORKSHOP.domains} for key in records[0])


def test_the_whole_bank_on_a_short_forms_columns_points_to_the_form(capsys, tmp_path):
    source = tmp_path / "answers.csv"
    answers_file(source, WORKSHOP.question_ids, 3)
    code, _out, err = run(capsys, "score", source, "--format", "csv")
    assert code == 0
    assert "short form 'workshop'" in err and "--form workshop" in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--form", "nope"], "valuematch 1.0 has no form 'nope' (its forms: 'workshop')"),
        (["--form", "workshop"], "column 'hp1' (column B) is not a question id of valuematch 1.0 (workshop)"),
    ],
    ids=["unknown form", "a question the form lacks"],
)
def test_a_short_form_refuses_what_does_not_fit_it(capsys, tmp_path, argv, message):
    source = tmp_path / "answers.csv"
    source.write_text("ca1,hp1\n4,4\n", encoding="utf-8")
    code, out, err = run(capsys, "score", source, *argv)
    assert code == 1 and out == ""
    assert message in err


# --- counts per row -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, answered, not_applicable",
    [
        ({}, 9, 1),  # the golden row: h2 is 'na'
        ({"a1": "na"}, 8, 2),
        ({"a1": "NA", "n1": "n/a", "p1": ""}, 6, 3),
    ],
    ids=["golden row", "one more na", "na spellings and an empty cell"],
)
def test_each_row_counts_its_answers_and_not_applicable(capsys, tmp_path, changes, answered, not_applicable):
    source = tmp_path / "answers.csv"
    source.write_text(golden_csv(**changes), encoding="utf-8")
    code, out, _err = run(capsys, "score", source, "--bank", MINI_BANK, "--format", "json")
    assert code == 0
    [record] = json.loads(out)
    assert (record["answered"], record["not_applicable"]) == (answered, not_applicable)


# --- bounded on bad files too -----------------------------------------------------------------


def test_a_file_full_of_problems_lists_the_first_and_counts_the_rest(tmp_path):
    source = tmp_path / "answers.csv"
    source.write_text("a1,a2\n" + "7,1\n" * 150, encoding="utf-8")
    with pytest.raises(answer_file.AnswerFileError) as refused:
        offline_scoring.score_file(source, load_instrument(MINI_BANK), io.StringIO())
    problems = refused.value.problems
    assert len(problems) == answer_file.MAX_PROBLEMS + 1
    assert problems[0].startswith("row 2, column 'a1': '7' is not an answer")
    assert problems[-1] == "... and 50 more problem(s): fix these and run again"


def test_an_endless_line_is_refused_without_reading_it_whole(tmp_path):
    source = tmp_path / "answers.csv"
    source.write_text("a1,a2\n4," + "1" * answer_file.MAX_LINE_CHARS, encoding="utf-8")
    with pytest.raises(answer_file.AnswerFileError) as refused:
        offline_scoring.score_file(source, load_instrument(MINI_BANK), io.StringIO())
    assert refused.value.problems == [
        f"line 2 is longer than {answer_file.MAX_LINE_CHARS:,} characters: not a file of answers"
    ]
