"""`manage.py setup-token`: a one-time token for the set-up page while no admin exists (issue 14)."""

from __future__ import annotations

import io

import pytest

from services.accounts import auth
from services.accounts.setup_tokens import SetupTokenRefused
from services.runtime import build_runtime
from services.settings import Settings
from tests.manage.manage_helpers import run

PASSWORD = "a long enough password"


@pytest.fixture
def runtime(database):
    rt = build_runtime(Settings(database_url=database))
    yield rt
    rt.engine.dispose()


def test_setup_token_prints_a_token_that_creates_the_first_admin(capsys, runtime):
    code, out, err = run(capsys, "setup-token")
    assert code == 0 and "'Set up' page" in err and "until" in err
    token = out.strip()
    with pytest.raises(SetupTokenRefused):
        auth.create_first_admin(runtime, "anna", PASSWORD, setup_token=token[:-1] + "#")
    assert auth.create_first_admin(runtime, "anna", PASSWORD, setup_token=token).role == "admin"


def test_setup_token_is_refused_once_an_admin_exists(capsys, monkeypatch, runtime):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert run(capsys, "create-admin", "anna", "--password-stdin")[0] == 0  # still works, without a token
    code, out, err = run(capsys, "setup-token")
    assert code == 1 and out == ""
    assert "an admin account already exists" in err
