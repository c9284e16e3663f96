"""The admin CLI, run in-process through manage.main() against a temporary SQLite DATABASE_URL."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import manage
from questions import BANKS_DIR, load_banks
from services.admin import database_location
from services.runtime import newest
from services.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MINI_BANK = FIXTURES / "mini-bank.yaml"
GOLDEN = yaml.safe_load((FIXTURES / "golden" / "mini-aligned.yaml").read_text(encoding="utf-8"))
COMMANDS = ["init-db", "validate-questions", "score", "add-intervention", "list-interventions"]


@pytest.fixture(autouse=True)
def database(isolated_database: str) -> str:
    """Every test gets its own empty SQLite file as DATABASE_URL."""
    return isolated_database


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = manage.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def golden_csv(**changes: str) -> str:
    """The hand-worked golden answers as a one-respondent CSV (changes: item id -> cell text)."""
    cells = {k: str(v) for k, v in GOLDEN["answers"].items()} | changes
    return "respondent," + ",".join(cells) + "\nR1," + ",".join(cells.values()) + "\n"


# --- help and usage -----------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["--help"], *([c, "--help"] for c in COMMANDS)], ids=lambda a: " ".join(a))
def test_help_exits_0(capsys, argv):
    code, out, _err = run(capsys, *argv)
    assert code == 0
    assert out.startswith("usage: manage.py")


def test_help_lists_every_command(capsys):
    _code, out, _err = run(capsys, "--help")
    for command in COMMANDS:
        assert command in out


@pytest.mark.parametrize("argv", [[], ["no-such-command"], ["score"], ["score", "a.csv", "--format", "xml"],
                                  ["validate-questions"], ["add-intervention"]], ids=repr)
def test_usage_errors_exit_2(capsys, argv):
    code, _out, err = run(capsys, *argv)
    assert code == 2
    assert "usage:" in err


def test_help_from_the_repo_root_in_a_new_process():
    done = subprocess.run([sys.executable, "manage.py", "--help"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert all(command in done.stdout for command in COMMANDS)


# --- init-db ------------------------------------------------------------------------------


def test_init_db_creates_then_reports_up_to_date(capsys, tmp_path):
    code, out, _err = run(capsys, "init-db")
    assert code == 0
    assert f"Created the database at {tmp_path / 'vm.db'}" in out
    assert (tmp_path / "vm.db").is_file()
    code, out, _err = run(capsys, "init-db")
    assert code == 0
    assert "is up to date" in out


def test_init_db_on_an_unwritable_path_names_it(capsys, tmp_path, monkeypatch):
    (tmp_path / "afile").write_text("not a folder")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'afile' / 'x.db'}")
    code, out, err = run(capsys, "init-db")
    assert code == 1
    assert out == ""
    assert err.startswith("error: ")
    assert str(tmp_path / "afile" / "x.db") in err


def test_init_db_with_an_invalid_setting(capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://somewhere/db")
    code, _out, err = run(capsys, "init-db")
    assert code == 1
    assert "DATABASE_URL" in err


@pytest.mark.parametrize("url, shown, hidden", [
    ("postgresql+psycopg://vm:s3cret@db.example:5432/valuematch",
     "postgresql+psycopg://vm:***@db.example:5432/valuematch", "s3cret"),
    ("postgresql+psycopg://vm@db.example/valuematch", "postgresql+psycopg://vm@db.example/valuematch", None),
    ("sqlite:////srv/vm/data.db", "/srv/vm/data.db", None),
    ("sqlite://", "SQLite in memory (nothing is kept)", None),
])
def test_database_location_hides_the_password(url, shown, hidden):
    location = database_location(url)
    assert location == shown
    assert hidden is None or hidden not in location


# --- validate-questions -------------------------------------------------------------------


def test_validate_the_shipped_banks(capsys):
    banks = load_banks(BANKS_DIR)
    code, out, err = run(capsys, "validate-questions", BANKS_DIR)
    assert code == 0, err
    for bank in banks.values():
        assert f"OK: {bank.id} {bank.version}, {len(bank.items)} items, hash {bank.content_hash[:12]}" in out


def test_validate_one_file(capsys):
    code, out, _err = run(capsys, "validate-questions", MINI_BANK)
    assert code == 0
    assert out.startswith("OK: mini 0.1, 10 items, hash ")


BREAKAGES = [  # (item index, field, bad value or None to delete the Dutch text, expected message)
    (0, "reverse", "maybe", "must be true or false"),
    (1, "domain", "nowhere", "unknown domain 'nowhere'"),
    (2, "text", None, "missing translation 'nl'"),
    (3, "element", 9, "must be a compassion element number 1 to 5"),
]


def test_validate_a_broken_copy_lists_every_problem(capsys, tmp_path):
    shipped = next(BANKS_DIR.glob("*.yaml"))
    raw = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    for index, field, value, _message in BREAKAGES:
        if value is None:
            del raw["items"][index][field]["nl"]
        else:
            raw["items"][index][field] = value
    folder = tmp_path / "banks"
    folder.mkdir()
    broken = folder / "broken.yaml"
    broken.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    (folder / "mini.yaml").write_text(MINI_BANK.read_text(encoding="utf-8"), encoding="utf-8")

    code, out, err = run(capsys, "validate-questions", folder)

    assert code == 1
    assert out.startswith("OK: mini 0.1")         # the good file is still confirmed
    for index, field, _value, message in BREAKAGES:
        item = raw["items"][index]["id"]
        assert f"{broken}: item '{item}', field '{field}': {message}" in err.splitlines()
    assert f"{len(BREAKAGES)} problem(s) found." in err


@pytest.mark.parametrize("name, content, expected", [
    ("missing.yaml", None, "file not found"),
    ("bad.yaml", "id: [unclosed\n", "not valid YAML"),
    ("empty-folder", "<folder>", "no question bank"),
])
def test_validate_unreadable_paths(capsys, tmp_path, name, content, expected):
    path = tmp_path / name
    if content == "<folder>":
        path.mkdir()
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "validate-questions", path)
    assert code == 1
    assert out == ""
    assert expected in err and str(path) in err


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
    source.write_text("id;a1;a2;n1\nx;5;;\n", encoding="utf-8")   # semicolons, as Dutch Excel writes
    code, out, err = run(capsys, "score", source, "--bank", MINI_BANK, "--format", "json")
    assert code == 0
    [record] = json.loads(out)
    assert record["id"] == "x"
    assert record["domain:autonomy"] == pytest.approx(100.0)   # one of two answered is enough
    assert record["domain:needs"] is None and record["alignment_index"] is None
    assert "have no column" in err


BAD_FILES = [  # (id, file bytes, every message expected on stderr)
    ("unknown column", b"respondent,a1,zz\nR1,5,3\n",
     ["column 'zz' (column C) is not a question id of mini 0.1"]),
    ("out of range", b"respondent,a1,a2\nR1,5,1\nR2,7,1\n",
     ["row 3, column 'a1': '7' is not an answer"]),
    ("all problems at once", b"a1,a2,bogus\n0,1,\n5,x,\n,6,\n",
     ["column 'bogus'", "row 2, column 'a1': '0'", "row 3, column 'a2': 'x'", "row 4, column 'a2': '6'"]),
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
    assert list(tmp_path.iterdir()) == [source]   # no output, not even a temporary file


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
    source.write_text(",".join(bank.question_ids) + "\n" + ",".join("4" for _ in bank.question_ids) + "\n",
                      encoding="utf-8")
    code, out, err = run(capsys, "score", source, "--format", "json")
    assert code == 0, err
    [record] = json.loads(out)
    assert record["alignment_index"] is not None


# --- interventions ------------------------------------------------------------------------


def test_add_intervention_twice_keeps_one(capsys):
    assert run(capsys, "add-intervention", "Online CBT module")[:2] == (0, "Added 'Online CBT module'.\n")
    code, out, _err = run(capsys, "add-intervention", "  Online   CBT module ")  # cleaned like on the page
    assert code == 0 and "already in the list" in out
    assert run(capsys, "add-intervention", "Zorgapp")[0] == 0
    code, out, _err = run(capsys, "list-interventions")
    assert code == 0
    assert out.splitlines() == ["Online CBT module", "Zorgapp"]


@pytest.mark.parametrize("name, message", [
    ("   ", "an intervention needs a name"),
    ("x" * 201, "longer than 200 characters"),
    ("bad\x07name", "control characters"),
])
def test_add_intervention_refuses_bad_names(capsys, name, message):
    code, _out, err = run(capsys, "add-intervention", name)
    assert code == 1
    assert message in err
    assert run(capsys, "list-interventions")[1] == ""


def test_list_interventions_when_empty(capsys):
    code, out, err = run(capsys, "list-interventions")
    assert code == 0
    assert out == ""
    assert "add-intervention" in err


def test_scores_csv_neutralises_formulas_in_the_id_column(tmp_path, capsys):
    source = tmp_path / "answers.csv"
    source.write_text("respondent,a1,a2\n=HYPERLINK(\"x\"),4,2\n", encoding="utf-8")
    out = tmp_path / "scores.csv"
    assert manage.main(["score", str(source), "--bank", str(MINI_BANK), "--output", str(out)]) == 0
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8")


# --- create-admin -------------------------------------------------------------------------

import io  # noqa: E402

from services import auth  # noqa: E402
from services.runtime import build_runtime  # noqa: E402


def test_create_admin_reads_the_password_from_stdin_once(capsys, monkeypatch, database):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    code, out, _err = run(capsys, "create-admin", "Anna", "--password-stdin")
    assert code == 0
    assert "Created the admin account 'anna'" in out

    runtime = build_runtime(Settings(database_url=database))
    try:
        assert auth.needs_first_admin(runtime) is False
        assert auth.login(runtime, "anna", "a long enough password", "cli-test").account.role == "admin"
    finally:
        runtime.engine.dispose()

    monkeypatch.setattr("sys.stdin", io.StringIO("another long password\n"))
    code, out, err = run(capsys, "create-admin", "bert", "--password-stdin")
    assert code == 1 and out == ""
    assert "an admin account already exists" in err


@pytest.mark.parametrize("password, message", [
    ("short\n", "at least 12 characters"),
    ("\n", "at least 12 characters"),
    ("anna.berg.1984\n", "may not be the username"),
])
def test_create_admin_refuses_a_weak_password(capsys, monkeypatch, password, message):
    monkeypatch.setattr("sys.stdin", io.StringIO(password))
    code, out, err = run(capsys, "create-admin", "anna.berg.1984", "--password-stdin")
    assert code == 1 and out == ""
    assert message in err


def test_create_admin_asks_twice_without_stdin(capsys, monkeypatch):
    answers = iter(["a long enough password", "a long enough passw0rd"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, out, err = run(capsys, "create-admin", "anna")
    assert code == 1 and "differ" in err
    answers = iter(["a long enough password"] * 2)
    code, out, err = run(capsys, "create-admin", "anna")
    assert code == 0, err


def test_create_admin_is_listed_in_help(capsys):
    code, out, _err = run(capsys, "--help")
    assert code == 0 and "create-admin" in out
    code, out, _err = run(capsys, "create-admin", "--help")
    assert code == 0 and "--password-stdin" in out
