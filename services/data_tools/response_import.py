"""Importing a paper round (`manage.py import-responses`): a CSV of answers, one row per respondent with
its team (and optionally its role), stored like app submissions of that round's team invitations.

The file is read with the rules of `manage.py score` (services/data_tools/answer_file.py) plus two columns:
`team` (a team of the organisation invited to the round) and `role` (a role id of the bank, or empty).
Every problem is reported at once (ResponseFileError) and nothing is stored; otherwise all rows are
stored, and the tallies updated, in one transaction. Cells are only ever compared as text, so a cell
such as "=HYPERLINK(...)" is a team name that does not exist, never a formula. Nothing here prints.

Each stored row keeps its import fingerprint (import_fingerprint): a hash of its round, team, role and
answers as read, not as typed, so a file saved again with a space or a "4.0" changed gives the same
fingerprints. Rows imported before are refused unless the caller allows repeats.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import secrets
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import score_answers
from db import accounts as db_accounts
from db import attribution, bulk, get_organisation, import_fingerprints, list_round_teams, list_teams
from db.models import Intervention
from db.org_models import Organisation, SurveyRound, Team
from db.releases import released_round_ids
from questions import Instrument
from services.data_tools import answer_file
from services.errors import InvalidInput, NotFound, ServiceError
from services.formatting import CLI_LANGUAGE, format_date, format_datetime
from services.runtime import Runtime
from services.text_rules import quoted

TEAM_COLUMN, ROLE_COLUMN = "team", "role"
SHOWN_CHOICES = 12
SHOWN_REPEATS = 20  # rows imported before named one by one; the rest are counted
ALLOW_REPEAT_HINT = (
    "nothing was added; if these are new responses that happen to be the same, import the "
    "file again with --allow-repeat"
)


class PaperRow(NamedTuple):
    number: int  # the row's number in the file (the header is row 1)
    team: str
    role: str | None
    answers: dict[str, int | str | None]
    scores: dict
    respondent: str  # the id column's cell, "" when none


class ResponseFileError(ServiceError):
    """A file of responses that cannot be imported; `problems` lists every problem found."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = list(problems)
        super().__init__(f"{source}: " + "; ".join(self.problems))


@dataclass(frozen=True)
class ImportSummary:
    organisation: str
    round_name: str
    per_team: dict[str, int]  # team name -> responses added, in name order
    columns_missing: list[str]  # questions of the bank without a column (unanswered)
    repeated: int = 0  # rows imported into the round before, added again as allowed

    @property
    def total(self) -> int:
        return sum(self.per_team.values())


def import_responses(
    rt: Runtime,
    path: str | Path,
    *,
    organisation: str,
    survey_round: str,
    language: str | None = None,
    allow_repeat: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Import the file into `survey_round` (its name, or its id) of `organisation`, all or nothing.

    NotFound for an unknown organisation or round, InvalidInput for an ambiguous round name or a
    language the round's bank lacks, ResponseFileError listing every problem of the file, rows
    imported into the round before included (unless `allow_repeat`).
    """
    source = str(path)
    try:
        text = answer_file.read_text(Path(path), source)
    except answer_file.AnswerFileError as exc:
        raise ResponseFileError(source, exc.problems) from None
    with rt.sessions.begin() as session:
        org, chosen = _round(session, organisation, survey_round)
        # Under the lock the dashboard takes to release rounds: a round is never released half-imported.
        get_organisation(session, organisation_id=org.id, for_update=True)
        if chosen.id in released_round_ids(session, organisation_id=org.id):
            raise InvalidInput(
                f"round '{chosen.name}' has closed and its results have been shown on the dashboard; they are "
                "fixed, so answers cannot be added to it any more (adding them would let anyone compare the "
                "results before and after). Import them into a new round for the same teams instead"
            )
        instrument = rt.bank(chosen.instrument_hash)
        language = language or instrument.languages[0]
        if language not in instrument.languages:
            raise InvalidInput(f"the language must be one of {', '.join(instrument.languages)}, not '{language}'")
        teams = {t.name: t.id for t in list_round_teams(session, round_id=chosen.id)}
        known = {t.name for t in list_teams(session, organisation_id=org.id)}
        rows, missing = _read(source, text, instrument, teams, known, chosen.name, progress)
        fingerprints = [import_fingerprint(chosen.id, teams[row.team], row.role, row.answers) for row in rows]
        repeats = _repeats(
            rows, fingerprints, import_fingerprints.imported_before(session, fingerprints=fingerprints), chosen.name
        )
        if repeats and not allow_repeat:
            raise ResponseFileError(source, [*_shown(repeats), ALLOW_REPEAT_HINT])
        if over := _over_headcount(session, chosen, teams, Counter(row.team for row in rows)):
            raise ResponseFileError(source, over)
        intervention = session.get(Intervention, chosen.intervention_id)
        responses = [
            bulk.NewResponse(
                secrets.token_hex(32),
                instrument.id,
                instrument.version,
                instrument.content_hash,
                language,
                intervention.name if intervention else "",
                row.role,
                org.id,
                teams[row.team],
                chosen.id,
                row.answers,
                row.scores,
            )
            for row in rows
        ]
        tallies = bulk.TallySums()
        ids = bulk.insert_responses(session, responses=responses, tallies=tallies)
        import_fingerprints.mark_imported(session, fingerprints=dict(zip(ids, fingerprints, strict=True)))
        bulk.add_tallies(session, tallies=tallies)
        db_accounts.add_audit(
            session,
            actor_id=None,
            action="responses_imported",
            detail={
                "organisation_id": org.id,
                "round_id": chosen.id,
                "responses": len(responses),
                "file": Path(path).name,
                "repeated_rows_allowed": len(repeats),
            },
        )
    per_team = Counter(row.team for row in rows)
    return ImportSummary(org.name, chosen.name, dict(sorted(per_team.items())), missing, len(repeats))


def import_fingerprint(round_id: int, team_id: int, role: str | None, answers: Mapping[str, int | str | None]) -> str:
    """The fingerprint of one imported row: its round, team, role and answers as read (an empty cell and
    a missing column alike), so the same answers typed with other spaces, 4.0 or NA give the same."""
    canonical = json.dumps(
        {
            "round": round_id,
            "team": team_id,
            "role": role,
            "answers": {item: value for item, value in answers.items() if value is not None},
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(b"valuematch-paper-row-1\n" + canonical.encode("utf-8")).hexdigest()


def _repeats(rows: list[PaperRow], fingerprints: list[str], before: dict[str, datetime], round_name: str) -> list[str]:
    """A line per row that was imported before. Rows alike within one file are not repeats: two people
    may well answer alike, and a file is imported whole or not at all."""
    return [
        f"row {row.number} (team '{quoted(row.team)}'): already imported into round '{round_name}' on "
        f"{format_datetime(before[fingerprint], CLI_LANGUAGE, say_utc=True)} (the same team, role and answers)"
        for row, fingerprint in zip(rows, fingerprints, strict=True)
        if fingerprint in before
    ]


def _shown(problems: list[str]) -> list[str]:
    if len(problems) <= SHOWN_REPEATS:
        return problems
    return [*problems[:SHOWN_REPEATS], f"and {len(problems) - SHOWN_REPEATS} more rows like these"]


def _over_headcount(session: Session, survey_round: SurveyRound, teams: dict[str, int], adding: Counter) -> list[str]:
    """The teams the file would take beyond their headcount in the round: paper answers count like
    answers through the team's link, and a team never counts more than its headcount (counting_rules)."""
    problems = []
    for name, n in sorted(adding.items()):
        team = session.get(Team, teams[name])
        # Locked like a submit through the link, so answers arriving meanwhile are counted here too.
        attribution.lock_invitation(session, round_id=survey_round.id, team_id=teams[name])
        if team is None or team.size is None:
            continue
        already = attribution.count_counted(session, round_id=survey_round.id, team_id=team.id)
        if already + n > team.size:
            problems.append(
                f"team '{quoted(name)}' has a headcount of {team.size}, round '{survey_round.name}' "
                f"already counts {already} of its responses, and the file adds {n}: more than the "
                "team has people (if the headcount is wrong, change it on the organisations page)"
            )
    return problems


def _round(session: Session, organisation: str, survey_round: str) -> tuple[Organisation, SurveyRound]:
    org = session.scalar(select(Organisation).where(Organisation.name == organisation.strip()))
    if org is None:
        raise NotFound(f"no organisation is named '{quoted(organisation)}'")
    rounds = list(
        session.scalars(
            select(SurveyRound)
            .where(SurveyRound.organisation_id == org.id)
            .order_by(SurveyRound.opens_at, SurveyRound.id)
        )
    )
    named = [r for r in rounds if r.name == survey_round.strip()]
    if len(named) > 1:
        raise InvalidInput(
            f"{len(named)} rounds of '{org.name}' are named '{quoted(survey_round)}'; give the round's "
            "id instead: " + ", ".join(f"{r.id} (opens {format_date(r.opens_at, CLI_LANGUAGE)})" for r in named)
        )
    if not named and survey_round.strip().isascii() and survey_round.strip().isdigit():
        named = [r for r in rounds if r.id == int(survey_round)]
    if not named:
        known = ", ".join(f"'{r.name}'" for r in rounds[:SHOWN_CHOICES]) or "none yet"
        raise NotFound(f"'{org.name}' has no round named '{quoted(survey_round)}' (its rounds: {known})")
    return org, named[0]


def _read(
    source: str,
    text: str,
    instrument: Instrument,
    invited: dict[str, int],
    known: set[str],
    round_name: str,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[PaperRow], list[str]]:
    """A PaperRow per respondent and the questions without a column."""
    if not text.strip():
        raise ResponseFileError(
            source,
            [
                (
                    "the file is empty; the first row must name the columns "
                    f"('{TEAM_COLUMN}', '{ROLE_COLUMN}' and question ids)"
                )
            ],
        )
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=answer_file.delimiter_of(text)))
    except csv.Error as exc:
        raise ResponseFileError(source, [f"not a readable CSV file ({exc})"]) from None
    header = [cell.strip() for cell in records[0]]
    lowered = [name.lower() for name in header]
    problems: list[str] = []
    team_index = lowered.index(TEAM_COLUMN) if TEAM_COLUMN in lowered else None
    role_index = lowered.index(ROLE_COLUMN) if ROLE_COLUMN in lowered else None
    if team_index is None:
        problems.append(f"no '{TEAM_COLUMN}' column: every row needs the team the respondent belongs to")
    # The team and role columns are ours; the rest is read exactly as `manage.py score` reads it.
    own = {i for i in (team_index, role_index) if i is not None}
    answer_header = ["" if i in own else name for i, name in enumerate(header)]
    answer_data = [["" if i in own else cell for i, cell in enumerate(r)] for r in records[1:]]
    id_index, item_columns = answer_file.read_header(answer_header, answer_data, instrument, problems)
    roles = [r.id for r in instrument.roles]
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if progress and number % 256 == 0:  # (rows read, rows in the file)
            progress(number - 2, len(records) - 1)
        if not any(cell.strip() for cell in record):
            continue
        if any(cell.strip() for cell in record[len(header) :]):
            problems.append(f"row {number}: {len(record)} values but the header names {len(header)} columns")
            continue

        def cell(index: int | None, record: list[str] = record) -> str:
            return record[index].strip() if index is not None and index < len(record) else ""

        team, role = cell(team_index), cell(role_index) or None
        if team_index is not None:
            problems += _team_problems(number, team, invited, known, round_name)
        if role is not None and role not in roles:
            hint = difflib.get_close_matches(role.lower(), roles, n=1)
            problems.append(
                f"row {number}, column '{ROLE_COLUMN}': '{quoted(role)}' is not a role id of "
                f"{instrument.label} (use one of {', '.join(roles)}, or leave it empty)"
                + (f"; did you mean '{hint[0]}'?" if hint else "")
            )
        answers: dict[str, int | str | None] = {}
        for index, question_id in item_columns.items():
            value = answer_file.parse_answer(cell(index), instrument)
            if value is answer_file.OFF_SCALE:
                problems.append(
                    f"row {number}, column '{question_id}': '{quoted(cell(index))}' is not an answer "
                    f"(use {instrument.scale.min}..{instrument.scale.max}, na, or leave it empty)"
                )
            else:
                answers[question_id] = value
        scores = score_answers(instrument, answers)
        if scores.alignment_index is None:
            answered = sum(1 for q in instrument.required_ids if isinstance(answers.get(q), int))
            problems.append(
                f"row {number}: too few answers to score ({answered} of {len(instrument.required_ids)} "
                "items answered on the scale; at least half of the items of a match and of a "
                "mismatch theme are needed for the alignment index)"
            )
        rows.append(PaperRow(number, team, role, answers, scores.flat(), cell(id_index)))
    if progress:
        progress(len(records) - 1, len(records) - 1)
    problems += _repeated_ids(rows)
    if problems:
        raise ResponseFileError(source, problems)
    if not rows:
        raise ResponseFileError(source, ["the file has a header row but no responses"])
    present = set(item_columns.values())
    return rows, [q for q in instrument.question_ids if q not in present]


def _repeated_ids(rows: list[PaperRow]) -> list[str]:
    """A line per respondent id given in more than one row (an empty id is no id)."""
    numbers: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.respondent:
            numbers[row.respondent].append(row.number)
    return [
        f"respondent id '{quoted(respondent)}' is given in rows {', '.join(map(str, found))}: each "
        "respondent can be in the file once"
        for respondent, found in numbers.items()
        if len(found) > 1
    ]


def _team_problems(number: int, team: str, invited: dict[str, int], known: set[str], round_name: str) -> list[str]:
    where = f"row {number}, column '{TEAM_COLUMN}'"
    if not team:
        return [f"{where}: empty; every response needs its team"]
    if team in invited:
        return []
    if team in known:
        return [
            (
                f"{where}: team '{quoted(team)}' was not invited to round '{round_name}' "
                f"(invited: {', '.join(sorted(invited))})"
            )
        ]
    hint = difflib.get_close_matches(team, sorted(known), n=1)
    return [
        f"{where}: '{quoted(team)}' is not a team of this organisation"
        + (f"; did you mean '{hint[0]}'?" if hint else "")
    ]
