"""What one answer click costs the database: one transaction (the locked draft read and saved), nothing else."""

from contextlib import contextmanager

from sqlalchemy import event

from app_pages import shell
from services.accounts import auth
from services.respond import questionnaire

PASSWORD = "a long enough pass phrase 42"


@contextmanager
def database_work(engine):
    """Count the transactions begun and the SQL statements sent on `engine` meanwhile."""
    counts = {"transactions": 0, "statements": []}

    def began(_connection):
        counts["transactions"] += 1

    def sent(_connection, _cursor, statement, *_args):
        counts["statements"].append(" ".join(statement.split())[:80])

    event.listen(engine, "begin", began)
    event.listen(engine, "before_cursor_execute", sent)
    try:
        yield counts
    finally:
        event.remove(engine, "begin", began)
        event.remove(engine, "before_cursor_execute", sent)


def test_one_answer_click_is_one_transaction(app, runtime):
    """Once an admin exists: the save (its locked read and its write), and the page drawn from the
    draft the save returned; no reload, no first-admin check."""
    auth.create_first_admin(runtime, "anna", PASSWORD)
    started = questionnaire.start_assessment(runtime, language="en", intervention="App", role=None)
    at = app("assessment", query={"draft": started.draft_token})
    engine = shell.runtime_or_stop().engine  # the app's own runtime (cached for the process)
    at.radio(key="item-ca1").set_value(5).run()
    with database_work(engine) as work:
        at.radio(key="item-fb1").set_value(3).run()
    assert [e.value for e in at.exception] == []
    assert work["transactions"] == 1, work["statements"]
    assert [s.split()[0] for s in work["statements"]] == ["SELECT", "UPDATE"], work["statements"]
    assert at.radio(key="item-fb1").value == 3
    [progress] = at.get("progress")
    assert " 2 of " in progress.proto.text  # drawn from the draft the save returned
    assert questionnaire.load_draft(runtime, started.draft_token).answers == {"ca1": 5, "fb1": 3}
