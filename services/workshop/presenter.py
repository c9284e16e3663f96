"""The presenter view of a workshop (the big screen) and its export files.

The group's picture of a round shows a snapshot: its first `shown_count` responses. The snapshot moves
on only when at least k responses arrived since the last one (or, for the first, when k are in), so two
pictures anyone saw never differ by fewer than k people's answers. Each figure of a picture rests on its
own contributors (a theme's mean on those with a score for it, a statement on those who did not answer
"not applicable"), so each is shown only when its own contributors, and the change in them since the last
picture that showed it, are none or at least k (assessment/anonymity/figures.py). What a picture showed is
recorded before it is shown (workshop_release): later pictures, and the dashboard of a tied survey round,
are checked against it. Exports take the same snapshot: the file holds what the screen showed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from assessment.anonymity.figures import COUNT, contributors, picture_shown
from assessment.figure_items import FigureParts, figure_parts
from db import accounts as db_accounts
from db import responses as db_responses
from db import workshops as db_workshops
from db.releases import released_round_ids
from db.workshop_models import Workshop
from questions import localise
from services.accounts.auth import AccountView
from services.errors import InvalidInput, StartupError
from services.runtime import Runtime
from services.workshop.hosting import WorkshopInfo, form_choices, own_workshop, workshop_info_of
from services.workshop.picture import (
    AgreedAction,
    RoundAnswers,
    RoundComparison,
    WorkshopPicture,
    comparison,
    picture,
)

EXPORT_FORMATS = ("csv", "pdf")


@dataclass(frozen=True)
class ActionView:
    id: int
    kind: str
    theme_id: str | None
    theme: str | None
    text: str
    created_at: datetime


@dataclass(frozen=True)
class PresenterView:
    info: WorkshopInfo
    shown: dict[int, int]  # round -> responses in its picture
    pictures: tuple[WorkshopPicture, ...]  # per round; empty while results are hidden
    comparison: RoundComparison | None


def next_snapshot(submitted: int, shown: int, k: int) -> int:
    """How many responses the picture may show now: the same, or all once k or more are new."""
    if submitted >= k and (shown == 0 or submitted - shown >= k):
        return submitted
    return shown


def presenter(rt: Runtime, account: AccountView | None, workshop_id: int, *, language: str) -> PresenterView:
    """Counts always; each round's picture only while results are visible, from its snapshot.
    Read every few seconds by the screen, so it reads nothing else (actions: notes())."""
    with rt.sessions.begin() as session:
        row = own_workshop(session, account, workshop_id, "view")
        info = workshop_info_of(rt, session, row)
        snapshots: list[_Snapshot] = []
        if row.results_visible:
            shown, snapshots = _snapshots(rt, session, row, info)
        else:
            shown = {r.round_no: r.shown_count for r in db_workshops.rounds(session, row.id)}
    # Drawn after the transaction: every screen reads this every few seconds, and SQLite's write lock
    # (taken at BEGIN) should not wait on the statistics of a large group.
    pictures = _pictures(snapshots, info.k, language)
    shown_pictures = [p for p in pictures if p.shown]
    compared = comparison(shown_pictures[0], shown_pictures[1]) if len(shown_pictures) == 2 else None
    return PresenterView(info, shown, tuple(pictures), compared)


def form_name(rt: Runtime, info: WorkshopInfo, language: str) -> str:
    """The session's questionnaire in words, as the facilitator chose it (the full one or a short form); its
    version label when that bank version is no longer installed or the form no longer offered."""
    try:
        form_id = rt.bank(info.instrument_hash).form_id
    except StartupError:
        return info.instrument_label
    return dict(form_choices(rt, language)).get(form_id, info.instrument_label)


def notes(
    rt: Runtime, account: AccountView | None, workshop_id: int, *, language: str
) -> tuple[tuple[ActionView, ...], tuple[tuple[str, str], ...]]:
    """The agreed actions, and the themes an action can be about as (domain id, name)."""
    with rt.sessions.begin() as session:
        row = own_workshop(session, account, workshop_id, "view")
        instrument = rt.bank(row.instrument_hash)
        return (
            tuple(_actions(rt, session, row, language)),
            tuple((d.id, localise(d.name, language)) for d in instrument.domains),
        )


def export(
    rt: Runtime, account: AccountView | None, workshop_id: int, fmt: str, *, language: str, now: datetime | None = None
) -> tuple[str, bytes]:
    """(file name, bytes) of the session's summary: the pictures as shown, the prompts and the actions.

    Written to the audit log in the same transaction, before the file is handed out.
    """
    from services.workshop.files import WorkshopMeta, workshop_csv
    from services.workshop.summary_pdf import workshop_pdf

    if fmt not in EXPORT_FORMATS:
        raise InvalidInput("export_format")
    now = now or datetime.now(UTC)
    with rt.sessions.begin() as session:
        row = own_workshop(session, account, workshop_id, "export")
        info = workshop_info_of(rt, session, row)
        pictures = _pictures(_snapshots(rt, session, row, info)[1], info.k, language)
        actions = [AgreedAction(a.kind, a.theme, a.text, a.created_at) for a in _actions(rt, session, row, language)]
        shown_pictures = [p for p in pictures if p.shown]
        compared = comparison(shown_pictures[0], shown_pictures[1]) if len(shown_pictures) == 2 else None
        meta = WorkshopMeta(
            info.title, info.intervention, info.instrument_label, language, info.k, info.created_at, info.closed_at
        )
        builder = workshop_csv if fmt == "csv" else workshop_pdf
        data = builder(meta, tuple(pictures), compared, tuple(actions), language)
        assert account is not None
        db_accounts.add_audit(
            session,
            actor_id=account.id,
            action="workshop_exported",
            at=now,
            detail={
                "session": row.id,
                "format": fmt,
                "rounds": {str(p.round_no): p.n if p.shown else None for p in pictures},
            },
        )
    return f"valuematch-workshop-{info.code}-{now:%Y%m%d}.{fmt}", data


@dataclass(frozen=True)
class _Snapshot:
    """A round's snapshot as read: its responses and the figure families its picture may show (None: the
    picture is withdrawn)."""

    answers: RoundAnswers
    families: frozenset[str] | None


def _snapshots(
    rt: Runtime, session: Session, row: Workshop, info: WorkshopInfo
) -> tuple[dict[int, int], list[_Snapshot]]:
    instrument = rt.bank(row.instrument_hash)
    parts = figure_parts(instrument)
    # Once the dashboard has published the tied survey round, the first round's picture stays as it was:
    # the dashboard's release was checked against the pictures shown until then (docs/DASHBOARD.md).
    settled = (
        row.round_id is not None
        and row.organisation_id is not None
        and row.round_id in released_round_ids(session, organisation_id=row.organisation_id)
    )
    shown: dict[int, int] = {}
    out = []
    for workshop_round in db_workshops.rounds(session, row.id):
        round_no = workshop_round.round_no
        submitted = info.submitted.get(round_no, 0)
        target = workshop_round.shown_count
        if not (settled and round_no == db_workshops.TIED_ROUND):
            target = next_snapshot(submitted, workshop_round.shown_count, info.k)
        if target != workshop_round.shown_count and not db_workshops.move_shown_count(
            session, row.id, round_no, seen=workshop_round.shown_count, to=target
        ):
            session.refresh(workshop_round)  # another screen moved it first: show what it shows
            target = workshop_round.shown_count
        shown[round_no] = target
        # Below k the picture function keeps nothing of them; it only needs to know they are fewer than k.
        ids = db_workshops.first_responses(session, row.id, round_no, target or submitted)
        loaded = db_responses.load_answers_and_scores(session, response_ids=ids)
        responses = tuple(
            (answers, {key: value for key, (value, _status) in scores.items()})
            for answers, scores in (loaded[i] for i in ids)
        )
        families = _released_families(session, row, round_no, target, ids, responses, parts, info.k)
        out.append(_Snapshot(RoundAnswers(round_no, instrument, responses), families))
    return shown, out


def _pictures(snapshots: list[_Snapshot], k: int, language: str) -> list[WorkshopPicture]:
    return [
        picture(
            snapshot.answers,
            k=k,
            language=language,
            families=snapshot.families or frozenset(),
            withdrawn=snapshot.families is None,
        )
        for snapshot in snapshots
    ]


def _released_families(
    session: Session,
    row: Workshop,
    round_no: int,
    target: int,
    ids: list[int],
    responses: tuple,
    parts: FigureParts,
    k: int,
) -> frozenset[str] | None:
    """The figure families the picture of the first `target` responses shows: as recorded when it was first
    shown, or decided now against the round's earlier pictures and recorded before it is shown. None: the
    picture is withdrawn (its members changed since it was shown)."""
    if target == 0:
        return frozenset()
    releases = db_workshops.picture_releases(session, row.id, round_no)
    found = next((r for r in releases if r.shown_count == target), None)
    if found is None:
        db_workshops.get_workshop(session, row.id, for_update=True)  # one screen records it
        releases = db_workshops.picture_releases(session, row.id, round_no)
        found = next((r for r in releases if r.shown_count == target), None)
    members = db_workshops.members_hash(ids)
    if found is not None:
        # An erased participant leaves the first n responses: the picture is withdrawn, head count and all (a
        # count one lower, or the next person taking their place unseen, would tell the room about them).
        return frozenset(found.payload["shown"]) if found.payload.get("members", members) == members else None
    tied = row.round_id is not None and round_no == db_workshops.TIED_ROUND
    counted = db_workshops.counted_in_round(session, ids) if tied else set()
    inside = contributors([r for i, r in zip(ids, responses) if i in counted], parts.items_of)
    outside = contributors([r for i, r in zip(ids, responses) if i not in counted], parts.items_of)
    now = {family: inside.get(family, 0) + outside.get(family, 0) for family in {*inside, *outside}}
    earlier = [
        ({family: a + b for family, (a, b) in r.payload["families"].items()}, r.payload["shown"])
        for r in releases
        if r.shown_count < target
    ]
    families = picture_shown(now, earlier, k, parts.items_of, parts.alignment_of) | {COUNT}
    payload = {
        "families": {family: [inside.get(family, 0), outside.get(family, 0)] for family in sorted(now)},
        "shown": sorted(families),
        "members": members,
        "through": max(ids),
    }  # the last response it showed: the dashboard finds its members again
    db_workshops.add_picture_release(
        session, workshop_id=row.id, round_no=round_no, shown_count=target, k=k, payload=payload, at=datetime.now(UTC)
    )
    return families


def _actions(rt: Runtime, session: Session, row: Workshop, language: str) -> list[ActionView]:
    instrument = rt.bank(row.instrument_hash)
    names = {d.id: localise(d.name, language) for d in instrument.domains}
    return [
        ActionView(a.id, a.kind, a.theme, names.get(a.theme) if a.theme else None, a.text, a.created_at)
        for a in db_workshops.actions(session, row.id)
    ]
