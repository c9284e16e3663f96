"""Workshops, the facilitator's side: create, list, steer, note actions. Each public function is
one user action and one transaction; every one authorises first (policy page "workshop_facilitator").

Who sees a session: its facilitator, and admins. See docs/WORKSHOP.md.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import segno
from sqlalchemy.orm import Session

from db import accounts as db_accounts
from db import organisations as db_organisations
from db import workshops as db_workshops
from db.org_models import MIN_GROUP_SIZE_FLOOR, RoundTeam, SurveyRound, Team
from db.workshop_models import ACTION_KINDS, MAX_ROUNDS, Workshop
from questions import localise
from services.accounts.auth import AccountView
from services.accounts.authorisation import authorise, visible_organisations, visible_teams
from services.errors import InvalidInput, NotAuthorised, NotFound
from services.respond.questionnaire import clean_intervention
from services.respond.workshop_join import CODE_ALPHABET, CODE_LENGTH, effective_k
from services.runtime import Runtime
from services.text_rules import has_odd_characters

PAGE = "workshop_facilitator"
MAX_TITLE_LENGTH = 120
MAX_ACTION_LENGTH = 500
MAX_MIN_GROUP_SIZE = 50


class GroupSizeBelowOrganisation(InvalidInput):
    """A session tied to a survey round asked for a k below its organisation's: its answers join the
    dashboard's, where groups below the organisation's k are never shown. `k` is the organisation's."""

    def __init__(self, k: int) -> None:
        self.k = k
        super().__init__("workshop_k_below_organisation")


@dataclass(frozen=True)
class TieChoice:
    """A team of an open survey round a session can count toward (same questionnaire)."""

    organisation_id: int
    team_id: int
    round_id: int
    label: str


@dataclass(frozen=True)
class WorkshopInfo:
    id: int
    code: str
    title: str
    intervention: str
    instrument_hash: str
    instrument_label: str
    language: str
    k: int  # the effective k: a tied session's is at least its organisation's now
    participant_cap: int
    status: str  # open | locked | closed
    results_visible: bool
    current_round: int
    created_at: datetime
    expires_at: datetime
    closed_at: datetime | None
    tied_to: str | None  # "organisation / team / round" when responses count on the dashboard
    joined: int
    submitted: dict[int, int]  # responses per round

    @property
    def submitted_now(self) -> int:
        return self.submitted.get(self.current_round, 0)


def join_url(base_url: str, code: str) -> str:
    """The link a participant opens (also in the QR code): the app's address with ?join=<code>."""
    return f"{base_url.rstrip('/')}/?join={code}"


def qr_png(url: str) -> bytes:
    """A QR code of `url` as PNG, big enough to scan from the back of a room."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=12, border=2)
    return buffer.getvalue()


def form_choices(rt: Runtime, language: str) -> list[tuple[str | None, str]]:
    """(form id, label) for the questionnaire a session can use: the full one first."""
    full = rt.instrument
    choices: list[tuple[str | None, str]] = [(None, f"{localise(full.title, language)} ({len(full.items)})")]
    for form in full.forms:
        choices.append((form.id, localise(form.name, language)))
    return choices


def tie_choices(rt: Runtime, account: AccountView | None, *, now: datetime | None = None) -> list[TieChoice]:
    """Open rounds' invited teams in the account's scope; only these can count a session's responses."""
    authorise(account, PAGE, "create")
    now = now or datetime.now(UTC)
    visible = visible_organisations(account)
    out = []
    with rt.sessions.begin() as session:
        for organisation in db_organisations.list_organisations(session, ids=visible):
            teams_in_scope = visible_teams(account, organisation.id)
            for survey_round in db_organisations.list_rounds(session, organisation_id=organisation.id):
                if not survey_round.opens_at <= now < survey_round.closes_at:
                    continue
                for team in db_organisations.list_round_teams(session, round_id=survey_round.id):
                    if teams_in_scope is None or team.id in teams_in_scope:
                        out.append(
                            TieChoice(
                                organisation.id,
                                team.id,
                                survey_round.id,
                                f"{organisation.name} / {team.name} / {survey_round.name}",
                            )
                        )
    return out


def create_workshop(
    rt: Runtime,
    account: AccountView | None,
    *,
    title: str,
    intervention: str,
    form_id: str | None,
    language: str,
    min_group_size: int,
    participant_cap: int | None = None,
    tie: tuple[int, int] | None = None,
    now: datetime | None = None,
) -> WorkshopInfo:
    """A new session with a fresh join code. `tie` = (team id, survey round id) to count on the dashboard;
    then `min_group_size` must be at least the organisation's (GroupSizeBelowOrganisation)."""
    authorise(account, PAGE, "create")
    assert account is not None
    now = now or datetime.now(UTC)
    title = _clean_text(title, MAX_TITLE_LENGTH, "workshop_title")
    intervention = clean_intervention(intervention)
    instrument = rt.form(form_id)
    if language not in instrument.languages:
        raise InvalidInput("language_unknown")
    if (
        isinstance(min_group_size, bool)
        or not isinstance(min_group_size, int)
        or not (max(MIN_GROUP_SIZE_FLOOR, rt.settings.min_group_size) <= min_group_size <= MAX_MIN_GROUP_SIZE)
    ):
        raise InvalidInput("workshop_k_out_of_range")
    cap = rt.settings.workshop_participant_cap if participant_cap is None else participant_cap
    if (
        isinstance(cap, bool)
        or not isinstance(cap, int)
        or not (min_group_size <= cap <= rt.settings.workshop_participant_cap)
    ):
        raise InvalidInput("workshop_cap_out_of_range")
    with rt.sessions.begin() as session:
        organisation_id = team_id = round_id = None
        if tie is not None:
            organisation_id, team_id, round_id = _check_tie(session, account, tie, instrument.content_hash, now)
            organisation = db_organisations.get_organisation(session, organisation_id=organisation_id)
            if organisation is not None and min_group_size < organisation.min_group_size:
                raise GroupSizeBelowOrganisation(organisation.min_group_size)
        row = db_workshops.add_workshop(
            session,
            code=_new_code(session),
            facilitator_id=account.id,
            title=title,
            intervention=intervention,
            instrument_hash=instrument.content_hash,
            language=language,
            min_group_size=min_group_size,
            participant_cap=cap,
            status="open",
            results_visible=False,
            current_round=1,
            organisation_id=organisation_id,
            team_id=team_id,
            round_id=round_id,
            created_at=now,
            expires_at=now + timedelta(hours=rt.settings.workshop_hours),
        )
        db_accounts.add_audit(
            session,
            actor_id=account.id,
            action="workshop_created",
            at=now,
            detail={"session": row.id, "title": title, "tied_round": round_id, "team": team_id},
        )
        return workshop_info_of(rt, session, row)


def list_workshops(rt: Runtime, account: AccountView | None) -> list[WorkshopInfo]:
    """The sessions the account runs (admins: every session), newest first."""
    authorise(account, PAGE, "view")
    assert account is not None
    with rt.sessions.begin() as session:
        rows = db_workshops.list_workshops(session, facilitator_id=None if account.role == "admin" else account.id)
        counts = db_workshops.workshops_with_counts(session, [r.id for r in rows])
        return [workshop_info_of(rt, session, r, counts[r.id]) for r in rows]


def workshop_info(rt: Runtime, account: AccountView | None, workshop_id: int) -> WorkshopInfo:
    with rt.sessions.begin() as session:
        return workshop_info_of(rt, session, own_workshop(session, account, workshop_id, "view"))


def own_workshop(
    session: Session, account: AccountView | None, workshop_id: object, action: str, *, for_update: bool = False
) -> Workshop:
    """The session if the account may `action` on it; NotFound for anyone else's (no hint it exists)."""
    authorise(account, PAGE, action)
    assert account is not None
    if isinstance(workshop_id, bool) or not isinstance(workshop_id, int):
        raise NotFound("workshop")
    row = db_workshops.get_workshop(session, workshop_id, for_update=for_update)
    if row is None or (account.role != "admin" and row.facilitator_id != account.id):
        raise NotFound("workshop")
    return row


def set_results_visible(rt: Runtime, account: AccountView | None, workshop_id: int, visible: bool) -> None:
    _steer(
        rt,
        account,
        workshop_id,
        "workshop_results_shown" if visible else "workshop_results_hidden",
        lambda session, row, now: setattr(row, "results_visible", bool(visible)),
    )


def set_locked(rt: Runtime, account: AccountView | None, workshop_id: int, locked: bool) -> None:
    def change(session: Session, row: Workshop, now: datetime) -> None:
        if row.status == "closed":
            raise InvalidInput("workshop_closed")
        row.status = "locked" if locked else "open"

    _steer(rt, account, workshop_id, "workshop_locked" if locked else "workshop_unlocked", change)


def start_second_round(
    rt: Runtime, account: AccountView | None, workshop_id: int, *, now: datetime | None = None
) -> None:
    """Everyone answers again (e.g. after the discussion); the picture then compares the two rounds."""

    def change(session: Session, row: Workshop, at: datetime) -> None:
        if row.status == "closed":
            raise InvalidInput("workshop_closed")
        if row.current_round >= MAX_ROUNDS:
            raise InvalidInput("workshop_no_more_rounds")
        row.current_round += 1
        db_workshops.add_round(session, row.id, row.current_round, at)

    _steer(rt, account, workshop_id, "workshop_second_round", change, now=now)


def close_workshop(rt: Runtime, account: AccountView | None, workshop_id: int, *, now: datetime | None = None) -> None:
    def change(session: Session, row: Workshop, at: datetime) -> None:
        row.status = "closed"
        row.closed_at = row.closed_at or at

    _steer(rt, account, workshop_id, "workshop_closed", change, now=now)


def add_action(
    rt: Runtime,
    account: AccountView | None,
    workshop_id: int,
    *,
    kind: str,
    theme: str | None,
    text: str,
    now: datetime | None = None,
) -> None:
    """Note an action the group agreed on (act / influence / monitor), optionally about one theme."""
    if kind not in ACTION_KINDS:
        raise InvalidInput("workshop_action_kind")
    text = _clean_text(text, MAX_ACTION_LENGTH, "workshop_action")
    now = now or datetime.now(UTC)
    with rt.sessions.begin() as session:
        # Locked, so the same action sent twice at once (a double click, two screens) is noted once.
        row = own_workshop(session, account, workshop_id, "edit", for_update=True)
        instrument = rt.bank(row.instrument_hash)
        if theme is not None and theme not in {d.id for d in instrument.domains}:
            raise InvalidInput("workshop_action_theme")
        if any(
            (noted.kind, noted.theme, noted.text.casefold()) == (kind, theme, text.casefold())
            for noted in db_workshops.actions(session, row.id)
        ):
            raise InvalidInput("workshop_action_exists")
        db_workshops.add_action(session, workshop_id=row.id, kind=kind, theme=theme, text=text, at=now)


def delete_action(rt: Runtime, account: AccountView | None, workshop_id: int, action_id: int) -> None:
    with rt.sessions.begin() as session:
        row = own_workshop(session, account, workshop_id, "edit")
        if not db_workshops.delete_action(session, workshop_id=row.id, action_id=action_id):
            raise NotFound("workshop_action")


# --- helpers --------------------------------------------------------------------------------------


def _steer(
    rt: Runtime, account: AccountView | None, workshop_id: int, what: str, change, *, now: datetime | None = None
) -> None:
    now = now or datetime.now(UTC)
    with rt.sessions.begin() as session:
        row = own_workshop(session, account, workshop_id, "edit", for_update=True)
        change(session, row, now)
        assert account is not None
        db_accounts.add_audit(session, actor_id=account.id, action=what, at=now, detail={"session": row.id})


def _clean_text(text: str | None, limit: int, what: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise InvalidInput(f"{what}_missing")
    if len(text) > limit:
        raise InvalidInput(f"{what}_too_long")
    if has_odd_characters(text):
        raise InvalidInput(f"{what}_bad_characters")
    return text


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not db_workshops.code_taken(session, code):
            return code


def _check_tie(
    session: Session, account: AccountView, tie: tuple[int, int], instrument_hash: str, now: datetime
) -> tuple[int, int, int]:
    team_id, round_id = tie
    team = session.get(Team, team_id) if isinstance(team_id, int) else None
    survey_round = session.get(SurveyRound, round_id) if isinstance(round_id, int) else None
    if team is None or survey_round is None or team.organisation_id != survey_round.organisation_id:
        raise NotFound("workshop_tie")
    try:
        authorise(account, PAGE, "create", team.organisation_id, team.id)
    except NotAuthorised:
        raise NotFound("workshop_tie") from None
    invited = session.query(RoundTeam).filter_by(round_id=round_id, team_id=team_id).first()
    if invited is None:
        raise NotFound("workshop_tie")
    if not survey_round.opens_at <= now < survey_round.closes_at:
        raise InvalidInput("workshop_tie_round_not_open")
    if survey_round.instrument_hash != instrument_hash:
        raise InvalidInput("workshop_tie_other_questionnaire")
    return team.organisation_id, team.id, survey_round.id


def workshop_info_of(
    rt: Runtime, session: Session, row: Workshop, counts: tuple[int, dict[int, int]] | None = None
) -> WorkshopInfo:
    if counts is None:
        counts = (db_workshops.count_participants(session, row.id), db_workshops.entry_counts(session, row.id))
    tied_to = None
    if row.round_id is not None:
        organisation = (
            db_organisations.get_organisation(session, organisation_id=row.organisation_id)
            if row.organisation_id is not None
            else None
        )
        team = session.get(Team, row.team_id)
        survey_round = session.get(SurveyRound, row.round_id)
        tied_to = " / ".join(x.name for x in (organisation, team, survey_round) if x is not None)
    try:
        label = rt.bank(row.instrument_hash).label
    except Exception:  # an uninstalled bank version: the session still lists
        label = row.instrument_hash[:12]
    return WorkshopInfo(
        row.id,
        row.code,
        row.title,
        row.intervention,
        row.instrument_hash,
        label,
        row.language,
        effective_k(session, row),
        row.participant_cap,
        row.status,
        row.results_visible,
        row.current_round,
        row.created_at,
        row.expires_at,
        row.closed_at,
        tied_to,
        counts[0],
        dict(counts[1]),
    )
