"""What each free-text field (tests/security/fields.py) stores: SQL fragments literally; oversize
text and odd characters refused with the field's own reason and nothing stored; real names in other
scripts accepted as typed. Also usernames, and the CSV files of `manage.py score` / `import-responses`."""

from __future__ import annotations

import io

import pytest

from db.account_models import Account
from db.models import Response
from services.accounts import auth, management
from services.data_tools import answer_file, offline_scoring, response_import
from services.errors import InvalidInput, LoginFailed, NotFound, TooManyAttempts
from tests.security.conftest import PASSWORD
from tests.security.fields import FIELD_IDS, FIELDS, audit_rows, rows
from tests.security.payloads import build, load, normalised, texts
from tests.security.world import named_world

REFUSED = texts("encodings", "refused")
ACCEPTED = texts("encodings", "accepted")


@pytest.mark.parametrize("field", FIELDS, ids=FIELD_IDS)
def test_sql_fragments_are_stored_literally(runtime, people, field):
    for _label, payload in texts("sql"):
        stored = field.store(runtime, people, payload)
        assert field.read(runtime, people, stored) == normalised(payload)
    assert rows(runtime, field.table) >= len(texts("sql"))  # no statement ran: the table is still there


@pytest.mark.parametrize("field", FIELDS, ids=FIELD_IDS)
def test_oversize_text_is_refused_with_the_field_named_and_nothing_stored(runtime, people, field):
    field.store(runtime, people, "warm-up")  # helpers the field needs exist before counting
    before, audited = rows(runtime, field.table), audit_rows(runtime)
    for entry in load("oversize"):
        with pytest.raises(InvalidInput) as refused:
            field.store(runtime, people, build(entry, field.limit))
        assert str(getattr(refused.value, "reason", refused.value)).endswith("too_long"), entry["label"]
    assert (rows(runtime, field.table), audit_rows(runtime)) == (before, audited)
    at_limit = "x" * field.limit
    assert field.read(runtime, people, field.store(runtime, people, at_limit)) == at_limit


@pytest.mark.parametrize("field", FIELDS, ids=FIELD_IDS)
def test_odd_characters_are_refused_and_nothing_stored(runtime, people, field):
    field.store(runtime, people, "warm-up")
    before, audited = rows(runtime, field.table), audit_rows(runtime)
    for label, payload in REFUSED:
        with pytest.raises(InvalidInput) as refused:
            field.store(runtime, people, payload)
        assert str(getattr(refused.value, "reason", refused.value)).endswith("bad_characters"), label
    assert (rows(runtime, field.table), audit_rows(runtime)) == (before, audited)


@pytest.mark.parametrize("field", FIELDS, ids=FIELD_IDS)
def test_names_in_other_scripts_are_stored_as_typed(runtime, people, field):
    for label, text in ACCEPTED:
        assert field.read(runtime, people, field.store(runtime, people, text)) == normalised(text), label


def test_usernames_allow_no_markup_sql_or_odd_characters(runtime, people):
    before = rows(runtime, Account)
    for label, payload in texts("markup") + texts("sql") + REFUSED:
        with pytest.raises(InvalidInput):
            management.create_account(
                runtime,
                people["anna"][0],
                role="manager",
                username=payload,
                password=PASSWORD,
                scope={people["north"]: None},
            )
    assert rows(runtime, Account) == before


def test_sql_or_odd_characters_at_sign_in_sign_nobody_in(runtime, people):
    for label, payload in texts("sql") + REFUSED:
        with pytest.raises(LoginFailed):
            auth.login(runtime, payload, payload, f"client {label}")
        with pytest.raises((LoginFailed, TooManyAttempts)):  # anna's misses add up: the slow-down
            auth.login(runtime, "anna", payload, f"client {label}")
    assert auth.current_account(runtime, people["anna"][1]).username == "anna"
    assert rows(runtime, Account) == 4


@pytest.mark.parametrize("entry", load("encodings")["files"], ids=lambda e: e["label"])
def test_score_files_that_are_not_text_are_refused_and_the_cell_shown_escaped(runtime, tmp_path, entry):
    path = tmp_path / "answers.csv"
    path.write_bytes(bytes.fromhex(entry["hex"]))
    with pytest.raises(answer_file.AnswerFileError) as refused:
        offline_scoring.score_file(path, runtime.instrument, io.StringIO())
    message = str(refused.value)
    assert entry["says"] in message
    assert message.isprintable(), message  # nothing raw reaches the terminal


def test_an_import_file_with_escapes_in_its_cells_is_refused_escaped(runtime, people, tmp_path):
    world = named_world(runtime, people["anna"][0], people["north"], ["Team A"])
    items = runtime.instrument.required_ids
    path = tmp_path / "paper.csv"
    path.write_text(
        "team,role,"
        + ",".join(items)
        + "\n"
        + "Team A\x1b[2J,nurse\x00,"
        + ",".join("3" for _ in items)
        + "\n"
        + "Team A,nurse,"
        + ",".join(["\x1b]0;x\x07"] + ["3"] * (len(items) - 1))
        + "\n",
        encoding="utf-8",
    )
    before = rows(runtime, Response)
    with pytest.raises(response_import.ResponseFileError) as refused:
        response_import.import_responses(runtime, path, organisation="North", survey_round="Team A")
    message = str(refused.value)
    assert "'Team A\\x1b[2J'" in message and "'nurse\\x00'" in message and "'\\x1b]0;x\\x07'" in message
    assert message.isprintable(), message
    assert rows(runtime, Response) == before
    with pytest.raises(NotFound) as unknown:
        response_import.import_responses(runtime, path, organisation="North\x1b[2J", survey_round="²")
    assert str(unknown.value).isprintable()
    assert world.rounds
