"""Persistence for ValueMatch: SQLAlchemy models, engine helpers and data-access functions."""

from db.engine import current_revision, make_engine, make_session_factory, upgrade_to_head
from db.errors import (
    DatabaseError,
    DatabasePathError,
    DraftNotFound,
    DuplicateName,
    GroupSizeTooSmall,
    InvalidRecord,
    RecordNotFound,
)
from db.interventions import add_intervention, list_interventions
from db.lookup_failures import delete_lookup_failures_before, recent_failures, record_lookup_failure
from db.models import (
    Base,
    Draft,
    Intervention,
    LookupFailure,
    Respondent,
    Response,
    ResponseAnswer,
    ResponseScore,
    utcnow,
)
from db.org_models import (
    AnswerTally,
    Organisation,
    ResponseTally,
    RoundTeam,
    ScoreTally,
    SurveyRound,
    Team,
)
from db.organisations import (
    create_organisation,
    create_round,
    create_team,
    find_invitation,
    get_organisation,
    list_organisation_interventions,
    list_organisations,
    list_round_teams,
    list_rounds,
    list_teams,
    regenerate_invitation,
    set_team_size,
    update_min_group_size,
)
from db.respondents import (
    create_draft,
    create_respondent,
    find_open_drafts,
    find_respondent,
    get_draft,
    save_draft_answers,
)
from db.responses import (
    NOT_APPLICABLE,
    add_response,
    get_response,
    list_responses,
    load_answers_and_scores,
    response_answers,
    response_scores,
)
from db.tallies import (
    AnswerCell,
    ScoreCell,
    add_to_tallies,
    count_cells,
    read_answer_cells,
    read_score_cells,
    rebuild_tallies,
)

__all__ = [
    "NOT_APPLICABLE",
    "AnswerCell",
    "AnswerTally",
    "Base",
    "DatabaseError",
    "DatabasePathError",
    "Draft",
    "DraftNotFound",
    "DuplicateName",
    "GroupSizeTooSmall",
    "Intervention",
    "InvalidRecord",
    "LookupFailure",
    "Organisation",
    "RecordNotFound",
    "Respondent",
    "Response",
    "ResponseAnswer",
    "ResponseScore",
    "ResponseTally",
    "RoundTeam",
    "ScoreCell",
    "ScoreTally",
    "SurveyRound",
    "Team",
    "add_intervention",
    "add_response",
    "add_to_tallies",
    "count_cells",
    "create_draft",
    "create_organisation",
    "create_respondent",
    "create_round",
    "create_team",
    "current_revision",
    "delete_lookup_failures_before",
    "find_invitation",
    "find_open_drafts",
    "find_respondent",
    "get_draft",
    "get_organisation",
    "get_response",
    "list_interventions",
    "list_organisation_interventions",
    "list_organisations",
    "list_responses",
    "list_round_teams",
    "list_rounds",
    "list_teams",
    "load_answers_and_scores",
    "make_engine",
    "make_session_factory",
    "read_answer_cells",
    "read_score_cells",
    "rebuild_tallies",
    "recent_failures",
    "record_lookup_failure",
    "regenerate_invitation",
    "response_answers",
    "response_scores",
    "save_draft_answers",
    "set_team_size",
    "update_min_group_size",
    "upgrade_to_head",
    "utcnow",
]

# Accounts, their scope, sign-ins and the audit log (db/account_models.py, db/accounts.py).
from db.account_models import ROLES, Account, AccountScope, AuditLog, SignIn
from db.accounts import Scope, UsernameTaken

__all__ += ["ROLES", "Account", "AccountScope", "AuditLog", "Scope", "SignIn", "UsernameTaken"]

# Releases: frozen tallies and the ledger of what the dashboard published (db/release_models.py).
import db.release_models  # noqa: F401

# Workshops (db/workshop_models.py, db/workshops.py).
from db.workshop_models import (
    Workshop,
    WorkshopAction,
    WorkshopEntry,
    WorkshopParticipant,
    WorkshopRelease,
    WorkshopRound,
)

__all__ += [
    "Workshop",
    "WorkshopAction",
    "WorkshopEntry",
    "WorkshopParticipant",
    "WorkshopRelease",
    "WorkshopRound",
]

# Action plans: actions, their teams and notes, follow-up rounds (db/action_models.py, db/actions.py).
from db.action_models import ActionFollowUp, ActionItem, ActionNote, ActionTeam, FollowUpTeam

__all__ += ["ActionFollowUp", "ActionItem", "ActionNote", "ActionTeam", "FollowUpTeam"]
