"""Progress of the long commands (services/data_tools/progress.py): a bar per counted step with rate and time left, a
final step of its own, and nothing at all with --quiet or when stderr is not a terminal."""

from __future__ import annotations

import io
import sys

import pytest

import manage
from services.data_tools.progress import CommandProgress
from tests.manage.manage_helpers import MINI_BANK, golden_csv
from tests.manage.test_import_responses import GOOD_ANSWERS, ORG, ROUND, rt, write


class Terminal(io.StringIO):
    """Stands in for stderr on a terminal."""

    def isatty(self) -> bool:
        return True


def lines_of(stream: io.StringIO) -> list[str]:
    """What a terminal would end up showing: the last redraw of each line."""
    return [line.split("\r")[-1] for line in stream.getvalue().split("\n") if line.split("\r")[-1]]


def test_each_counted_step_shows_rate_and_time_left_and_the_final_step_its_own_time():
    terminal = Terminal()
    with CommandProgress(stream=terminal) as progress:
        report = progress.counter("Checking the backup", "Restoring", final="Committing")
        for phase in range(2):
            for done in range(0, 1001, 250):
                report(done, 1000)
    shown = lines_of(terminal)
    assert [line.split(":")[0] for line in shown] == ["Checking the backup", "Restoring", "Committing"]
    for line in shown[:2]:
        assert "1000/1000 rows" in line and "rows/s" in line and "<" in line  # count, rate, time left
    assert shown[2].startswith("Committing: done in 00:")
    assert "\rCommitting ..." in terminal.getvalue()  # shown while it runs, not a bar at 100%


@pytest.mark.parametrize(
    "stream, quiet", [(Terminal(), True), (io.StringIO(), False)], ids=["--quiet", "not a terminal"]
)
def test_nothing_is_shown_when_quiet_or_not_on_a_terminal(stream, quiet):
    with CommandProgress(stream=stream, quiet=quiet) as progress:
        assert progress.counter("Restoring", final="Committing") is None  # so services need not even count
        progress.step("Another step")
    assert stream.getvalue() == ""


def test_a_failure_leaves_no_half_drawn_step_before_the_error():
    terminal = Terminal()
    with pytest.raises(RuntimeError), CommandProgress(stream=terminal) as progress:
        progress.counter("Restoring")(3, 10)
        raise RuntimeError("stop")
    assert [line for line in lines_of(terminal) if line.strip()] == []


def score(monkeypatch, tmp_path, *extra: str) -> tuple[int, str]:
    source = tmp_path / "answers.csv"
    source.write_text(golden_csv(), encoding="utf-8")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    code = manage.main(["score", str(source), "--bank", str(MINI_BANK), "--output", str(tmp_path / "s.csv"), *extra])
    return code, terminal.getvalue()


def test_score_shows_its_progress_on_a_terminal(monkeypatch, tmp_path):
    code, err = score(monkeypatch, tmp_path)
    assert code == 0
    assert "Scoring: 100%" in err and "B/s" in err
    assert "Checking respondent ids, finishing the output: done in" in err


def test_score_quiet(monkeypatch, tmp_path):
    code, err = score(monkeypatch, tmp_path, "--quiet")
    assert code == 0 and err == ""


def test_demo_data_shows_its_final_writes_as_a_step_of_their_own(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert manage.main(["demo-data", "--responses", "30", "--organisation", "Demo"]) == 0
    shown = lines_of(terminal)
    assert shown[0].startswith("Creating responses: 100%") and "30/30 responses" in shown[0]
    assert shown[1].startswith("Writing the dashboard's tallies and committing: done in")


@pytest.mark.parametrize("command", manage.LONG_COMMANDS)
def test_every_long_command_takes_quiet(command):
    sub = manage.build_parser()._subparsers._group_actions[0].choices[command]
    assert "--quiet" in sub._option_string_actions


def on_terminal(*argv: str) -> tuple[int, list[str]]:
    """Run a command with stderr on a terminal; returns the exit code and the lines it left on stderr."""
    terminal, stderr = Terminal(), sys.stderr
    sys.stderr = terminal
    try:
        code = manage.main([str(a) for a in argv])
    finally:
        sys.stderr = stderr
    return code, lines_of(terminal)


def steps_of(shown: list[str]) -> list[str]:
    return [line.split(":")[0].removesuffix(" ...") for line in shown if not line.startswith(("note", "error"))]


def test_backup_restore_import_and_purge_show_their_steps(monkeypatch, tmp_path, isolated_database):
    monkeypatch.setenv("VM_BACKUP_KEY_FILE", str(tmp_path / "backup.key"))
    monkeypatch.delenv("VM_BACKUP_KEY", raising=False)
    assert manage.main(["demo-data", "--responses", "20", "--organisation", "Demo", "--quiet"]) == 0

    code, shown = on_terminal("export-all", tmp_path / "all.zip")
    assert code == 0 and steps_of(shown) == ["Writing the backup", "Signing and finishing the file"]
    assert "rows/s" in shown[0] and "done in" in shown[1]

    code, shown = on_terminal("purge", "--older-than", "1d", "--yes")
    assert code == 0
    assert steps_of(shown) == ["Counting what would be deleted", "Deleting", "Committing"], shown

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'restored.db'}")
    assert manage.main(["init-db"]) == 0
    code, shown = on_terminal("import-all", tmp_path / "all.zip")
    assert code == 0 and steps_of(shown) == ["Checking the backup", "Restoring", "Committing"], shown


def test_import_responses_shows_its_rows_then_the_storing_as_a_step(tmp_path, rt):
    path = write(tmp_path, *[f"A team,nurse,{GOOD_ANSWERS}"] * 3, f"B team,,{GOOD_ANSWERS}")
    code, shown = on_terminal("import-responses", path, "--organisation", ORG, "--round", ROUND)
    assert code == 0
    assert steps_of(shown) == ["Checking and scoring rows", "Storing the responses and committing"], shown
    assert "4/4 rows" in shown[0] and "done in" in shown[1]
