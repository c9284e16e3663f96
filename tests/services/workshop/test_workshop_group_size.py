"""A workshop tied to a survey round never shows a group the organisation's dashboard would withhold:
it is refused below the organisation's k, and follows the organisation's k when it is raised later."""

from __future__ import annotations

import csv
import io

import pytest

from db import Workshop
from db import organisations as db_organisations
from db.account_models import AuditLog
from services import i18n
from services.respond import workshop_join
from services.workshop import hosting, presenter
from tests.support.accounts import staff_account
from tests.support.rows import count_rows
from tests.support.workshops import NOW, add_tied_round, new_workshop, participants_answer


@pytest.fixture
def tied(runtime):
    """Organisation North (k 6) with team West invited to a round open at NOW; a facilitator of North."""
    round_ = add_tied_round(runtime, min_group_size=6)
    return {
        "org": round_.org,
        "tie": (round_.teams["West"], round_.round),
        "fay": staff_account(runtime, "fay", "facilitator", {round_.org: None}),
    }


def test_a_tied_session_below_the_organisations_k_is_refused_saying_what_to_choose(runtime, tied):
    # 5 is allowed by the app's own floor (VM_MIN_GROUP_SIZE), but North shows nothing below 6.
    with pytest.raises(hosting.GroupSizeBelowOrganisation) as refused:
        new_workshop(runtime, tied["fay"], tie=tied["tie"], min_group_size=5)
    assert refused.value.k == 6 and str(refused.value) == "workshop_k_below_organisation"
    assert count_rows(runtime, Workshop) == 0
    assert count_rows(runtime, AuditLog, AuditLog.action == "workshop_created") == 0
    assert "Choose at least 6, the organisation's smallest group" in i18n.t(
        "ws.error.workshop_k_below_organisation", "en", k=refused.value.k
    )
    assert "Kies minstens 6, de kleinste groep van de organisatie" in i18n.t(
        "ws.error.workshop_k_below_organisation", "nl", k=refused.value.k
    )


def test_at_the_organisations_k_or_untied_a_session_is_made(runtime, tied):
    assert new_workshop(runtime, tied["fay"], tie=tied["tie"], min_group_size=6).k == 6
    assert new_workshop(runtime, tied["fay"], min_group_size=5).k == 5  # not tied: the app's floor only


def test_a_raised_organisation_k_raises_a_tied_sessions_k_everywhere(runtime, tied):
    fay = tied["fay"]
    info = new_workshop(runtime, fay, tie=tied["tie"], min_group_size=6)
    new_workshop(runtime, fay, title="Untied", min_group_size=5)
    with runtime.sessions.begin() as session:
        db_organisations.update_min_group_size(session, organisation_id=tied["org"], min_group_size=8)
    assert hosting.workshop_info(runtime, fay, info.id).k == 8
    assert {s.title: s.k for s in hosting.list_workshops(runtime, fay)} == {"Team West": 8, "Untied": 5}

    participants_answer(runtime, info, 7)
    assert workshop_join.join(runtime, info.code, "device-key-number-0000", "c", now=NOW).k == 8
    assert workshop_join.state(runtime, info.code, "device-key-number-0000").k == 8
    hosting.set_results_visible(runtime, fay, info.id, True)
    [picture] = presenter.presenter(runtime, fay, info.id, language="en").pictures
    assert picture.k == 8 and not picture.shown and picture.theme_means == ()  # 7 answered: below 8
    _name, data = presenter.export(runtime, fay, info.id, "csv", language="en")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row[8] for row in rows if row[0] == "Minimum group size (k)"] == ["8"]

    participants_answer(runtime, info, 1, start=7)
    view = presenter.presenter(runtime, fay, info.id, language="en")
    assert view.pictures[0].shown and view.shown == {1: 8}
