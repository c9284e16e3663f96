"""The admin CLI, run in-process through manage.main() against a temporary SQLite DATABASE_URL:
help and usage, init-db, validate-questions, interventions and create-admin (score: test_manage_score.py)."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
import yaml

from questions import BANKS_DIR, load_banks
from services.accounts import auth
from services.admin.database import database_location
from services.runtime import build_runtime
from services.settings import Settings
from tests.manage.manage_helpers import COMMANDS, MINI_BANK, ROOT, run

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


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["no-such-command"],
        ["score"],
        ["score", "a.csv", "--format", "xml"],
        ["validate-questions"],
        ["add-intervention"],
    ],
    ids=repr,
)
def test_usage_errors_exit_2(capsys, argv):
    code, _out, err = run(capsys, *argv)
    assert code == 2
    assert "usage:" in err


def test_help_from_the_repo_root_in_a_new_process():
    done = subprocess.run([sys.executable, "manage.py", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
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


@pytest.mark.parametrize(
    "url, shown, hidden",
    [
        (
            "postgresql+psycopg://vm:s3cret@db.example:5432/valuematch",
            "postgresql+psycopg://vm:***@db.example:5432/valuematch",
            "s3cret",
        ),
        ("postgresql+psycopg://vm@db.example/valuematch", "postgresql+psycopg://vm@db.example/valuematch", None),
        ("sqlite:////srv/vm/data.db", "/srv/vm/data.db", None),
        ("sqlite://", "SQLite in memory (nothing is kept)", None),
    ],
)
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
    assert out.startswith("OK: mini 0.1")  # the good file is still confirmed
    for index, field, _value, message in BREAKAGES:
        item = raw["items"][index]["id"]
        assert f"{broken}: item '{item}', field '{field}': {message}" in err.splitlines()
    assert f"{len(BREAKAGES)} problem(s) found." in err


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("missing.yaml", None, "file not found"),
        ("bad.yaml", "id: [unclosed\n", "not valid YAML"),
        ("empty-folder", "<folder>", "no question bank"),
    ],
)
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


# --- interventions ------------------------------------------------------------------------


def test_add_intervention_twice_keeps_one(capsys):
    assert run(capsys, "add-intervention", "Online CBT module")[:2] == (0, "Added 'Online CBT module'.\n")
    code, out, _err = run(capsys, "add-intervention", "  Online   CBT module ")  # cleaned like on the page
    assert code == 0 and "already in the list" in out
    assert run(capsys, "add-intervention", "Zorgapp")[0] == 0
    code, out, _err = run(capsys, "list-interventions")
    assert code == 0
    assert out.splitlines() == ["Online CBT module", "Zorgapp"]


@pytest.mark.parametrize(
    "name, message",
    [
        ("   ", "an intervention needs a name"),
        ("x" * 201, "longer than 200 characters"),
        ("bad\x07name", "control characters"),
    ],
)
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


# --- create-admin -------------------------------------------------------------------------


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


@pytest.mark.parametrize(
    "password, message",
    [
        ("short\n", "at least 12 characters"),
        ("\n", "at least 12 characters"),
        ("anna.berg.1984\n", "may not be the username"),
    ],
)
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
