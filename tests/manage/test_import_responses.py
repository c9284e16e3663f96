"""`manage.py import-responses` and services/data_tools/response_import.py: a paper round, all or nothing; rows
imported into the round before are refused by their fingerprint (round, team, role and answers as read),
from a re-saved file too, unless --allow-repeat; a respondent id given twice in one file is an error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from db import (
    add_intervention,
    bulk,
    count_cells,
    create_organisation,
    create_round,
    create_team,
    load_answers_and_scores,
)
from db.account_models import AuditLog
from db.models import Response
from services.data_tools.response_import import import_fingerprint
from services.runtime import build_runtime
from tests.manage.manage_helpers import run

ORG, ROUND = "Zorg Noord", "Paper spring"
ITEMS = ["ca1", "ca2", "ca3", "tn1", "tn2", "tn3", "fb1", "fb2", "fb3", "tp1", "tp2", "tp3"]
GOOD_ANSWERS = "4,4,2,4,3,2,2,2,4,2,3,4"
HEADER = "team,role," + ",".join(ITEMS)


@pytest.fixture
def rt():
    runtime = build_runtime()
    with runtime.sessions.begin() as session:
        org = create_organisation(session, name=ORG)
        teams = {
            name: create_team(session, organisation_id=org.id, name=name).id
            for name in ("A team", "B team", "@Home team", "C team")
        }
        app = add_intervention(session, name="Mood app", organisation_id=org.id).id
        for name, invited in ((ROUND, ["A team", "B team", "@Home team"]), ("Autumn", ["C team"])):
            create_round(
                session,
                organisation_id=org.id,
                intervention_id=app,
                name=name,
                opens_at=datetime(2026, 1, 1, tzinfo=UTC),
                closes_at=datetime(2026, 2, 1, tzinfo=UTC),
                instrument_hash=runtime.instrument.content_hash,
                team_ids=[teams[t] for t in invited],
            )
    yield runtime
    runtime.engine.dispose()


def write(tmp_path, *rows: str, header: str = HEADER) -> str:
    path = tmp_path / "paper.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)


def stored(rt) -> int:
    with rt.sessions.begin() as session:
        return bulk.count_responses(session)


def test_a_good_file_is_imported_counted_and_tallied(capsys, tmp_path, rt):
    path = write(
        tmp_path,
        f"A team,nurse,{GOOD_ANSWERS}",
        f"A team,,{GOOD_ANSWERS.replace('4', 'na', 1)}",
        f"B team,psychologist,{GOOD_ANSWERS}",
        f"@Home team,,{GOOD_ANSWERS}",
    )
    code, out, err = run(capsys, "import-responses", path, "--organisation", ORG, "--round", ROUND)
    assert code == 0, err
    assert f"Imported 4 response(s) into round '{ROUND}' of '{ORG}'" in out
    assert "  A team: 2\n" in out and "  B team: 1\n" in out and "  @Home team: 1\n" in out
    assert "question(s) have no column" in err
    with rt.sessions.begin() as session:
        rows = session.execute(
            select(
                Response.id, Response.role, Response.intervention, Response.instrument_hash, Response.organisation_id
            )
        ).all()
        cells = count_cells(session, organisation_id=rows[0].organisation_id)
        loaded = load_answers_and_scores(session, response_ids=[r.id for r in rows])
    assert sorted(cells.values()) == [1, 1, 1, 1] and sum(cells.values()) == 4
    assert {r.intervention for r in rows} == {"Mood app"} and {r.instrument_hash for r in rows} == {
        rt.instrument.content_hash
    }
    answers, scores = loaded[rows[1].id]
    assert answers["ca1"] == "na" and "hp1" not in answers and scores["alignment_index"][1] == "ok"


def test_the_same_file_twice_is_refused(capsys, tmp_path, rt):
    path = write(tmp_path, f"A team,nurse,{GOOD_ANSWERS}")
    assert run(capsys, "import-responses", path, "--organisation", ORG, "--round", ROUND)[0] == 0
    code, _out, err = run(capsys, "import-responses", path, "--organisation", ORG, "--round", ROUND)
    assert code == 1 and "already imported" in err and stored(rt) == 1


BAD_FILES = {
    "unknown team": ([f"D team,,{GOOD_ANSWERS}"], HEADER, ["row 2, column 'team': 'D team' is not a team"]),
    "not invited": ([f"C team,,{GOOD_ANSWERS}"], HEADER, ["row 2, column 'team': team 'C team' was not invited"]),
    "no team": ([f",,{GOOD_ANSWERS}"], HEADER, ["row 2, column 'team': empty"]),
    "no team column": ([f"nurse,{GOOD_ANSWERS}"], "role," + ",".join(ITEMS), ["no 'team' column"]),
    "unknown role": (
        [f"A team,nures,{GOOD_ANSWERS}"],
        HEADER,
        ["row 2, column 'role': 'nures' is not a role id", "did you mean 'nurse'?"],
    ),
    "off the scale": (
        [f"A team,,{GOOD_ANSWERS}", f"B team,,7,{GOOD_ANSWERS[2:]}", f"A team,,{GOOD_ANSWERS[:-1]}x"],
        HEADER,
        ["row 3, column 'ca1': '7' is not an answer", "row 4, column 'tp3': 'x' is not an answer"],
    ),
    "too few answers": (["A team,,4,4,2,,,,,,,,,"], HEADER, ["row 2: too few answers to score"]),
    "unknown column": (
        [f"A team,,{GOOD_ANSWERS},3"],
        HEADER + ",ca9",
        ["column 'ca9' (column O) is not a question id"],
    ),
    "too many cells": ([f"A team,,{GOOD_ANSWERS},3,3"], HEADER, ["row 2: 16 values but the header names 14 columns"]),
    "header only": ([], HEADER, ["no responses"]),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_names_every_problem_and_stores_nothing(capsys, tmp_path, rt, case):
    rows, header, problems = BAD_FILES[case]
    good = [f"A team,nurse,{GOOD_ANSWERS}"] if rows and "column" not in case else []  # not stored either
    path = write(tmp_path, *rows, *good, header=header)
    code, _out, err = run(capsys, "import-responses", path, "--organisation", ORG, "--round", ROUND)
    assert code == 1
    assert "cannot import" in err and "nothing was imported" in err
    for problem in problems:
        assert problem in err
    assert stored(rt) == 0


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x.example","A team")', "+A team", "-1+2", "@SUM(A1)"])
def test_formula_looking_cells_are_plain_text(capsys, tmp_path, rt, cell):
    path = write(tmp_path, f'"{cell.replace(chr(34), chr(34) * 2)}",,{GOOD_ANSWERS}')
    code, _out, err = run(capsys, "import-responses", path, "--organisation", ORG, "--round", ROUND)
    assert code == 1 and f"'{cell}' is not a team of this organisation" in err
    assert stored(rt) == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--organisation", "Nobody", "--round", ROUND], "no organisation is named 'Nobody'"),
        (["--organisation", ORG, "--round", "Winter"], "has no round named 'Winter'"),
        (["--organisation", ORG, "--round", ROUND, "--language", "fr"], "the language must be one of"),
    ],
)
def test_unknown_places_are_refused(capsys, tmp_path, rt, options, message):
    path = write(tmp_path, f"A team,,{GOOD_ANSWERS}")
    code, _out, err = run(capsys, "import-responses", path, *options)
    assert code == 1 and message in err and stored(rt) == 0


def test_a_missing_file(capsys, tmp_path, rt):
    code, _out, err = run(capsys, "import-responses", tmp_path / "none.csv", "--organisation", ORG, "--round", ROUND)
    assert code == 1 and "file not found" in err


def test_usage_and_help(capsys):
    assert run(capsys, "import-responses", "x.csv", "--organisation", ORG)[0] == 2
    code, out, _err = run(capsys, "import-responses", "--help")
    assert code == 0 and "--round ROUND" in out and "team" in out


def test_a_file_taking_a_team_beyond_its_headcount_is_refused_and_nothing_stored(capsys, tmp_path, rt):
    with rt.sessions.begin() as session:
        from db import set_team_size
        from db.org_models import Team

        team_ids = {t.name: t.id for t in session.scalars(select(Team))}
        set_team_size(session, team_id=team_ids["A team"], size=2)
    path = write(tmp_path, *[f"A team,,{GOOD_ANSWERS}"] * 3, f"B team,,{GOOD_ANSWERS}")
    code, _out, err = run(capsys, "import-responses", path, "--organisation", ORG, "--round", ROUND)
    assert code != 0 and stored(rt) == 0
    assert "team 'A team' has a headcount of 2" in err and "the file adds 3" in err
    assert "B team" not in err
    code, _out, err = run(
        capsys,
        "import-responses",
        write(tmp_path, *[f"A team,,{GOOD_ANSWERS}"] * 2),
        "--organisation",
        ORG,
        "--round",
        ROUND,
    )
    assert code == 0, err
    assert stored(rt) == 2


# --- rows imported before, respondent ids given twice ---------------------------------------------


OTHER_ANSWERS = GOOD_ANSWERS.replace("2", "3")
FIRST = [f"A team,nurse,{GOOD_ANSWERS}", f"B team,,{OTHER_ANSWERS}"]
NEW_ROW = f"A team,,{OTHER_ANSWERS}"


def import_file(capsys, path, *options):
    return run(capsys, "import-responses", path, "--organisation", ORG, "--round", ROUND, *options)


def swapped(row: str) -> str:
    first, second, rest = row.split(",", 2)
    return f"{second},{first},{rest}"


RESAVED = {  # how each line of the file is written again
    "the same file": lambda line: line,
    "a space after every comma": lambda line: ", ".join(line.split(",")),
    "4 written as 4.0": lambda line: line.replace(",4", ",4.0"),
    "the team and role columns swapped": swapped,
    "semicolons": lambda line: line.replace(",", ";"),
}


@pytest.mark.parametrize("variant", sorted(RESAVED))
def test_rows_imported_before_are_refused_by_name_from_a_resaved_file(capsys, tmp_path, rt, variant):
    assert import_file(capsys, write(tmp_path, *FIRST))[0] == 0
    again = RESAVED[variant]
    code, out, err = import_file(capsys, write(tmp_path, *map(again, [NEW_ROW, *FIRST]), header=again(HEADER)))
    assert code == 1 and out == "" and stored(rt) == 2
    assert "row 3 (team 'A team'): already imported into round 'Paper spring' on " in err
    assert "row 4 (team 'B team'): already imported" in err and "row 2 " not in err
    assert "--allow-repeat" in err


def test_allow_repeat_imports_them_and_the_audit_log_says_so(capsys, tmp_path, rt):
    assert import_file(capsys, write(tmp_path, *FIRST))[0] == 0
    code, out, err = import_file(capsys, write(tmp_path, *FIRST, NEW_ROW), "--allow-repeat")
    assert code == 0, err
    assert "Imported 3 response(s)" in out and "note: 2 of them repeat responses imported before" in err
    assert stored(rt) == 5
    with rt.sessions() as session:
        detail = session.scalars(select(AuditLog.detail).order_by(AuditLog.id.desc())).first()
    assert detail["repeated_rows_allowed"] == 2 and detail["responses"] == 3
    code, _out, err = import_file(capsys, write(tmp_path, NEW_ROW))  # a third time: still recognised
    assert code == 1 and "row 2 (team 'A team'): already imported" in err


def test_a_respondent_id_twice_in_one_file_is_refused_naming_the_rows(capsys, tmp_path, rt):
    header = "respondent," + HEADER
    path = write(tmp_path, f"P1,{FIRST[0]}", f"P2,{FIRST[1]}", f"P1,{NEW_ROW}", f" P2 ,{NEW_ROW}", header=header)
    code, _out, err = import_file(capsys, path)
    assert code == 1 and stored(rt) == 0
    assert "respondent id 'P1' is given in rows 2, 4" in err and "respondent id 'P2' is given in rows 3, 5" in err


BASE = {"round_id": 1, "team_id": 2, "role": "nurse", "answers": {"ca1": 4, "ca2": "na", "ca3": None}}
FINGERPRINTS = [
    ("an unanswered item left out", {"answers": {"ca1": 4, "ca2": "na"}}, True),
    ("the items in another order", {"answers": {"ca3": None, "ca2": "na", "ca1": 4}}, True),
    ("another round", {"round_id": 9}, False),
    ("another team", {"team_id": 9}, False),
    ("another role", {"role": None}, False),
    ("another answer", {"answers": {"ca1": 5, "ca2": "na"}}, False),
    ("na given as unanswered", {"answers": {"ca1": 4}}, False),
]


@pytest.mark.parametrize(("change", "same"), [case[1:] for case in FINGERPRINTS], ids=[c[0] for c in FINGERPRINTS])
def test_the_fingerprint_is_of_round_team_role_and_answers(change, same):
    assert (import_fingerprint(**BASE) == import_fingerprint(**(BASE | change))) is same
