"""`manage.py export-all` and `import-all`: the round trip through the console, and the refusals as
one-line messages with exit code 1 (services/data_tools/backup.py is tested in tests/services/data_tools/test_backup.py)."""

from __future__ import annotations

import io

import pytest

from tests.manage.manage_helpers import run
from tests.services.data_tools.test_backup_signing import forged


@pytest.fixture(autouse=True)
def backup_key_file(tmp_path, monkeypatch):
    """A backup key file of this test's own (made by its first export)."""
    monkeypatch.setenv("VM_BACKUP_KEY_FILE", str(tmp_path / "backup-signing.key"))
    monkeypatch.delenv("VM_BACKUP_KEY", raising=False)
    return tmp_path / "backup-signing.key"


@pytest.fixture
def exported(capsys, tmp_path):
    """A database with one intervention, and its backup."""
    assert run(capsys, "init-db")[0] == 0
    assert run(capsys, "add-intervention", "Mood app")[0] == 0
    code, out, err = run(capsys, "export-all", tmp_path / "all.zip")
    assert code == 0, err
    return tmp_path / "all.zip", out


def use_database(monkeypatch, tmp_path, name: str) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / name}")


@pytest.mark.parametrize("command", ["export-all", "import-all"])
def test_the_help_says_the_file_must_be_kept_safe(capsys, command):
    code, out, _err = run(capsys, command, "--help")
    assert code == 0
    assert "password" in out and "hashes" in out and "safe" in out


def test_a_backup_is_restored_into_a_new_database(capsys, monkeypatch, tmp_path, exported):
    path, out = exported
    assert "keep it safe" in out and "schema revision" in out
    use_database(monkeypatch, tmp_path, "restored.db")
    assert run(capsys, "init-db")[0] == 0
    code, out, err = run(capsys, "import-all", path)
    assert code == 0, err
    assert out.startswith("Restored ") and "rows of" in out
    assert run(capsys, "list-interventions")[1] == "Mood app\n"


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        ("restore twice", "the database is not empty"),
        ("no tables", "create them with `manage.py init-db` first"),
        ("damaged file", "is not a readable backup"),
        ("no file", "does not exist"),
    ],
)
def test_a_refused_restore_is_one_message(capsys, monkeypatch, tmp_path, exported, prepare, message):
    path, _out = exported
    use_database(monkeypatch, tmp_path, "restored.db")
    if prepare != "no tables":
        assert run(capsys, "init-db")[0] == 0
    if prepare == "restore twice":
        assert run(capsys, "import-all", path)[0] == 0
    if prepare == "damaged file":
        path.write_bytes(path.read_bytes()[:-200])
    if prepare == "no file":
        path = tmp_path / "missing.zip"
    code, out, err = run(capsys, "import-all", path)
    assert code == 1 and out == ""
    assert err.startswith("error: ") and message in err


def test_an_existing_file_is_not_overwritten(capsys, tmp_path, exported):
    path, _out = exported
    before = path.read_bytes()
    code, _out, err = run(capsys, "export-all", path)
    assert code == 1 and "exists already" in err
    assert path.read_bytes() == before


def test_a_database_that_was_never_created_is_not_exported(capsys, tmp_path):
    code, _out, err = run(capsys, "export-all", tmp_path / "all.zip")
    assert code == 1 and "init-db" in err
    assert not (tmp_path / "all.zip").exists()


def test_the_export_names_the_key_that_signed_it(exported, backup_key_file):
    _path, out = exported
    assert "Signed with backup key " in out and "keep the key" in out
    assert backup_key_file.stat().st_mode & 0o777 == 0o600


@pytest.fixture
def forged_backup(monkeypatch, tmp_path, exported):
    """The intervention renamed in the backup, its checksums recomputed; a new database to restore into."""
    path, _out = exported
    bad = forged(path, tmp_path / "bad.zip", lambda name, data: data.replace(b"Mood app", b"Forged app"))
    use_database(monkeypatch, tmp_path, "restored.db")
    return bad


def test_a_forged_backup_is_refused_with_the_way_out(capsys, forged_backup):
    assert run(capsys, "init-db")[0] == 0
    code, out, err = run(capsys, "import-all", forged_backup)
    assert code == 1 and out == ""
    assert err.startswith("error: ") and "changed after it was made" in err and "--accept-unsigned" in err
    assert "Nothing was kept" in err
    assert run(capsys, "list-interventions")[1] == ""


@pytest.mark.parametrize(("answer", "restored"), [("n\n", False), ("", False), ("y\n", True)])
def test_accepting_an_unsigned_backup_asks_first(capsys, monkeypatch, forged_backup, answer, restored):
    assert run(capsys, "init-db")[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    code, out, err = run(capsys, "import-all", forged_backup, "--accept-unsigned")
    assert "cannot be verified: it was changed after it was made" in out
    assert (code, "Restored " in out, "Nothing was changed." in out) == (0 if restored else 1, restored, not restored)
    assert ("restored without a valid signature" in err) == restored
    assert run(capsys, "list-interventions")[1] == ("Forged app\n" if restored else "")


def test_yes_accepts_an_unsigned_backup_without_asking(capsys, monkeypatch, forged_backup):
    assert run(capsys, "init-db")[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = run(capsys, "import-all", forged_backup, "--accept-unsigned", "--yes")
    assert code == 0 and out.startswith("Restored ") and "restored without a valid signature" in err
