"""`manage.py purge --older-than` and `manage.py erase --resume-code`: periods, confirmation, dry runs and
messages (what exactly is deleted is tested in tests/services/admin/test_data_protection.py)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from db import Response
from services.runtime import build_runtime
from tests.manage.manage_helpers import run
from tests.support.filled import submit


@pytest.fixture
def rt():
    runtime = build_runtime()
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def old_and_new(rt):
    """Two personal responses: one made 400 days ago, one now. Returns the new one's resume code."""
    old_id, _code = submit(rt)
    _new_id, code = submit(rt)
    with rt.sessions.begin() as session:
        session.execute(
            update(Response).where(Response.id == old_id).values(created_at=datetime.now(UTC) - timedelta(days=400))
        )
    return code


def responses(rt) -> int:
    with rt.sessions() as session:
        return session.scalar(select(func.count()).select_from(Response))


def answer(monkeypatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("365", "'365' is not a period: give a whole number and a unit"),
        ("18 months", "is not a period"),
        ("1.5y", "is not a period"),
        ("0d", "is zero"),
        ("200y", "longer than 100 years"),
    ],
)
def test_a_period_in_another_form_is_refused(capsys, period, message):
    code, out, err = run(capsys, "purge", "--older-than", period, "--yes")
    assert code == 1 and out == ""
    assert err.startswith("error: ") and message in err


def test_a_period_is_required(capsys):
    assert run(capsys, "purge", "--yes")[0] == 2


def test_a_dry_run_lists_what_would_go_and_keeps_it(capsys, rt, old_and_new):
    code, out, _err = run(capsys, "purge", "--older-than", "1y", "--dry-run")
    assert code == 0
    assert "Would delete: data older than 1y (made before " in out
    assert "  responses: 1\n" in out and "Dry run: nothing was changed." in out
    assert responses(rt) == 2


@pytest.mark.parametrize(("typed", "kept"), [("n\n", 2), ("\n", 2), ("", 2), ("yes\n", 1), ("y\n", 1)])
def test_a_purge_asks_first(capsys, monkeypatch, rt, old_and_new, typed, kept):
    answer(monkeypatch, typed)
    code, out, _err = run(capsys, "purge", "--older-than", "1y")
    assert "Delete these rows for good? [y/N]" in out
    assert responses(rt) == kept
    assert code == (0 if kept == 1 else 1)
    assert ("Deleted " in out) == (kept == 1) and ("Nothing was changed." in out) == (kept == 2)


def test_yes_purges_without_asking(capsys, monkeypatch, rt, old_and_new):
    answer(monkeypatch, "")  # a question asked would read this and refuse
    code, out, _err = run(capsys, "purge", "--older-than", "1y", "--yes")
    assert code == 0 and "[y/N]" not in out and "the audit log records the counts" in out
    assert responses(rt) == 1


@pytest.mark.parametrize(
    ("code_given", "message"),
    [
        ("ABCD-EFGH", "that is not a resume code"),
        ("0000-0000-0000-0000", "no respondent has this resume code; nothing changed"),
    ],
)
def test_a_wrong_resume_code_is_one_message(capsys, rt, old_and_new, code_given, message):
    code, out, err = run(capsys, "erase", "--resume-code", code_given, "--yes")
    assert code == 1 and out == ""
    assert err.startswith("error: ") and message in err
    assert responses(rt) == 2


def test_erase_deletes_the_respondents_response(capsys, monkeypatch, rt, old_and_new):
    code, out, _err = run(capsys, "erase", "--resume-code", old_and_new, "--dry-run")
    assert code == 0 and "Would delete: data stored under this resume code" in out and "  responses: 1\n" in out
    assert responses(rt) == 2
    answer(monkeypatch, "y\n")
    code, out, _err = run(capsys, "erase", "--resume-code", old_and_new)
    assert code == 0 and "Deleted " in out
    assert responses(rt) == 1
