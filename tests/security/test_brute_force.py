"""Guessing secrets (corpus/brute_force.yaml): after the free tries every next try must wait, in the
database (so every app server sees it), with a typed error and a message on the page; even the right
secret is refused while the wait lasts. The tests use FREE_ATTEMPTS (conftest) free tries."""

from __future__ import annotations

import pytest

from app_pages import staff, state_keys
from services.accounts import auth
from services.errors import LoginFailed, NotFound, TooManyAttempts
from services.respond import questionnaire, workshop_join
from services.workshop import hosting
from tests.security.conftest import FREE_ATTEMPTS, PASSWORD
from tests.security.payloads import load


def guessing(runtime, people, target):
    """(one wrong try, the right secret tried by the same guesser) for a target of the corpus."""
    fien = people["fien"][0]
    if target == "login_username":
        # Each try from a new client; past the free tries the guesser goes on from its latest client,
        # and is slowed. A client without misses of its own (the owner's) is never held by the
        # username's count: it signs in at once (tests/services/accounts/test_login_slowdown.py).
        def client(n):
            return f"client {min(n, FREE_ATTEMPTS - 1)}"

        return (
            lambda n: auth.login(runtime, "maya", f"wrong {n}", client(n)),
            lambda: auth.login(runtime, "maya", PASSWORD, client(FREE_ATTEMPTS)),
        )
    if target == "login_client":
        return (
            lambda n: auth.login(runtime, f"user{n}", "wrong", "one client"),
            lambda: auth.login(runtime, "maya", PASSWORD, "one client"),
        )
    if target in ("resume_code", "resume_code_on_start"):
        started = questionnaire.start_assessment(runtime, language="en", intervention="App", role=None)
        if target == "resume_code":
            return (
                lambda n: questionnaire.resume(runtime, resume_code=f"AAAA-BBBB-CCCC-{n:04d}", client_key="g"),
                lambda: questionnaire.resume(runtime, resume_code=started.resume_code, client_key="g"),
            )
        return (
            lambda n: questionnaire.start_assessment(
                runtime,
                language="en",
                intervention="App",
                role=None,
                resume_code=f"AAAA-BBBB-CCCC-{n:04d}",
                client_key="g",
            ),
            lambda: questionnaire.start_assessment(
                runtime, language="en", intervention="App", role=None, resume_code=started.resume_code, client_key="g"
            ),
        )
    if target == "join_code":
        info = hosting.create_workshop(
            runtime, fien, title="Open", intervention="App", form_id=None, language="en", min_group_size=5
        )
        return (
            lambda n: workshop_join.join(runtime, f"XXXX{n:02d}", "device-key-of-the-guesser-0000000", "g"),
            lambda: workshop_join.join(runtime, info.code, "device-key-of-the-guesser-0000000", "g"),
        )
    raise AssertionError(target)


@pytest.mark.parametrize("entry", load("brute_force"), ids=lambda e: e["label"])
def test_guessing_is_slowed_down_after_the_free_tries(runtime, people, entry):
    wrong, right = guessing(runtime, people, entry["target"])
    for n in range(FREE_ATTEMPTS):
        with pytest.raises((LoginFailed, NotFound)):
            wrong(n)
    with pytest.raises(TooManyAttempts) as slowed:
        right()  # even the right secret waits: no oracle while guessing
    assert slowed.value.wait_seconds >= 1
    with pytest.raises(TooManyAttempts):
        wrong(FREE_ATTEMPTS)


def test_the_sign_in_page_says_to_wait(app, runtime, people):
    at = app("login")
    for n in range(FREE_ATTEMPTS + 1):
        at.text_input(key=staff.USERNAME_KEY).set_value("maya")
        at.text_input(key=staff.PASSWORD_KEY).set_value(f"wrong {n}")
        at = at.button(key="staff-login-submit").click().run()
    messages = " ".join(e.value for e in at.error)
    assert "wait" in messages.lower() and state_keys.AUTH_TOKEN not in at.session_state


def test_the_join_page_says_to_wait(app, runtime, people):
    at = app("join")
    for n in range(FREE_ATTEMPTS + 1):
        at.query_params["join"] = f"XXXX{n:02d}"
        at.run()
    assert any("wait" in e.value.lower() for e in at.error)


def test_the_start_page_says_to_wait_for_resume_codes(app, runtime):
    at = app("start")
    for n in range(FREE_ATTEMPTS + 1):
        at.text_input(key="resume-code").set_value(f"AAAA-BBBB-CCCC-{n:04d}")
        at = at.button[-1].click().run()  # the form's "Open" button
    assert any("wait" in e.value.lower() for e in at.error)
