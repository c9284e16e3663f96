"""What the admin pages' forms share: the work runs in the submit button's callback, once.

Why a callback: a value the session sets before the page is drawn replaces what the browser shows, so a
form emptied there is empty on screen. Removing a widget's key after the page was drawn does not: the
browser keeps the typed text and sends it again with the next click (an invitation to create twice).

Why once: the second click of a double click reaches the server while the first one's work runs, still
carrying what was typed. Streamlit then starts the second run in another thread while the first callback
is still at work, and stops the first one at its next use of the session. So the submissions of a
session take turns (one_at_a_time), the outcome of the work is kept before anything else (in a dict taken
from the session before the work, changed without touching it), and the same form with the same values
within the double-click window (VM_DOUBLE_CLICK_SECONDS) is taken as that second click: nothing is done
again, the first one's outcome is applied (again) and its message said.

A success is said at the top of the page (staff.show_notice); a refusal right under its form (refusal()),
with what was typed kept to correct it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import streamlit as st

from app_pages import shell, staff, state_keys
from app_pages.shell import plain, t
from services.accounts.auth import AccountView
from services.admin.organisations import Refused
from services.errors import NotAuthorised, NotFound, Unavailable

Message = tuple[str, dict[str, Any]]  # (string key, values)
_MAKING_A_TURN = threading.Lock()
LONGEST_WAIT_SECONDS = 30  # for the other submission's turn; then this one goes ahead


@contextmanager
def one_at_a_time() -> Iterator[None]:
    """This session's submissions one after the other (a double click's two runs overlap)."""
    with _MAKING_A_TURN:
        turn = st.session_state.setdefault(state_keys.ADMIN_TURN, threading.Lock())
    taken = turn.acquire(timeout=LONGEST_WAIT_SECONDS)
    try:
        yield
    finally:
        if taken:
            turn.release()


def submit(
    form: str,
    typed: Sequence[str],
    work: Callable[[AccountView | None], Any],
    success: Callable[[Any], Message],
    after: Callable[[Any], Mapping[str, Any]] | None = None,
) -> None:
    """As a button's callback: `work` as the account signed in now; on success set the session values
    `after(result)` (the form emptied, what to show next) and say `success(result)`; on refusal say why.

    `typed` names the widgets whose values tell one submission from another (no passwords: the
    fingerprint is kept in the session). `success` and `after` must not read the session."""
    with one_at_a_time():
        if second_click(form, typed):
            return
        seen, outcome = fingerprint(form, typed), last_outcome()
        actor = staff.signed_in_account(shell.runtime_or_stop())
        try:
            result = work(actor)
        except Refused as exc:
            _refused(
                form,
                f"admin.error.{exc.reason}",
                {k: plain(v) if isinstance(v, str) else v for k, v in exc.values.items()},
            )
        except NotFound:
            _refused(form, "admin.error.not_found", {})
        except NotAuthorised:
            _refused(form, "staff.no_access", {})
        except Unavailable:
            _refused(form, "error.unavailable", {})
        else:
            done(outcome, seen, success(result), after(result) if after else {})


def fingerprint(form: str, typed: Sequence[str]) -> tuple:
    """What tells one submission from another: the form and what was typed (never a password)."""
    return form, tuple(repr(st.session_state.get(key)) for key in typed)


def last_outcome() -> dict[str, Any]:
    """The dict that keeps the last success; taken before the work, filled by done()."""
    return st.session_state.setdefault(state_keys.ADMIN_LAST_DONE, {})


def second_click(form: str, typed: Sequence[str]) -> bool:
    """Whether this submission repeats the last one done, within the double-click window: then the first
    one's outcome is applied (its callback may have been stopped before) and nothing else is to be done."""
    outcome = st.session_state.get(state_keys.ADMIN_LAST_DONE) or {}
    window = shell.runtime_or_stop().settings.double_click_seconds
    if outcome.get("seen") != fingerprint(form, typed) or time.monotonic() - outcome["at"] >= window:
        return False
    _apply(outcome)
    return True


def done(outcome: dict[str, Any], seen: tuple, message: Message, values: Mapping[str, Any]) -> None:
    """Keep the success of the submission `seen` in `outcome` (from last_outcome()), then set the session
    `values` and say `message` at the top of the page."""
    # Plain dict changes only until the outcome is kept: any use of the session may stop this callback.
    outcome.clear()
    outcome.update(seen=seen, at=time.monotonic(), message=message, values=dict(values))
    _apply(outcome)


def _apply(outcome: Mapping[str, Any]) -> None:
    for key, value in outcome["values"].items():
        st.session_state[key] = value
    staff.notify("success", outcome["message"][0], **outcome["message"][1])


def _refused(form: str, key: str, values: dict[str, Any]) -> None:
    st.session_state[state_keys.ADMIN_REFUSAL] = (form, key, values)


def refusal(form: str) -> None:
    """Why the last submission of `form` was refused, said once, where the form is."""
    kept = st.session_state.get(state_keys.ADMIN_REFUSAL)
    if kept is not None and kept[0] == form:
        del st.session_state[state_keys.ADMIN_REFUSAL]
        st.error(t(kept[1], **kept[2]))
