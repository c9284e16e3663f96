"""Releases: what the dashboard may publish of an organisation, decided once per state and recorded first.

A closed round's tallies are frozen the first time the dashboard meets it (db/releases.py), so a published
cell never changes. Every figure has its own contributors per cell (a score counts only the responses that
have it, an item only the answers that are not "not applicable"), so each figure family is decided on its
own counts, together with everything released before (assessment/anonymity/history.py). A score is shown
only where its partial answerers (some of its statements answered, not all) may be shown too: they are what
the score tells beyond the statements' distributions (assessment/anonymity/figures.py); they are counted
once per round, when it is frozen. A workshop tied to a survey round showed pictures of the first responses
of its team's cell: those pictures are earlier rows of the same ledger, over parts of that cell
(services/dashboard/release_channels.py). The decisions are stored in the ledger before the page shows any
of them: a release that cannot be recorded is not shown.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from assessment.anonymity import (
    ALL,
    EMPTY,
    FEWER_THAN_K,
    PROTECTS_SMALL_GROUP,
    SHOWN,
    WITHHELD,
    Cell,
    Decision,
    Population,
    Selector,
)
from assessment.anonymity.figures import (
    ALIGNMENT,
    alignment_complete,
    covering,
    item_family,
    partial_family,
)
from assessment.anonymity.history import PastRelease, publishable_after, view_cells
from assessment.figure_items import FigureParts
from db.org_models import Organisation
from db.organisations import get_organisation
from db.releases import (
    PARTIAL_PREFIX,
    add_release,
    count_partial_answerers,
    find_release,
    freeze_rounds,
    list_releases,
    partial_uncounted,
    released_round_ids,
)
from db.tallies import (
    ALIGNMENT_BIN_PREFIX,
    NOT_APPLICABLE_VALUE,
    AnswerCell,
    ScoreCell,
    count_cells,
    read_answer_cells,
    read_score_cells,
)
from db.workshops import tied_pictures
from services.dashboard.release_channels import (
    CHANNELS,
    PICTURE_PARTS,
    ChannelRows,
    channel_rows,
    encode_changes,
    encode_channels,
    frozen_changes,
    with_past_channels,
)

COUNT_FAMILY = "count"
ALIGNMENT_FAMILY = "score:alignment_index"
_PAYLOAD_VERSION = 1
_CODES = {(SHOWN, None): "s", (WITHHELD, FEWER_THAN_K): "k", (WITHHELD, PROTECTS_SMALL_GROUP): "p", (EMPTY, None): "e"}
_STATUS = {code: status for status, code in _CODES.items()}


def score_family(key: str) -> str:
    """The figure family of a score key: the alignment bins count the alignment index's contributors."""
    return ALIGNMENT_FAMILY if key.startswith(ALIGNMENT_BIN_PREFIX) else f"score:{key}"


@dataclass
class ReleasedData:
    """The frozen tallies of the released rounds and the decisions of the release that covers them."""

    counts: dict[tuple, int]
    score_cells: list[ScoreCell]
    answer_cells: list[AnswerCell]
    decisions: dict[Selector, Decision]  # of the response count, every offered view
    codes: dict[str, str]  # family -> one decision code per offered view
    index: dict[Selector, int]  # offered view -> its position in the codes
    alignment_of: frozenset[str] = frozenset()  # the theme scores the alignment index combines
    covers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # item -> the scores it is part of

    def shown(self, family: str, selector: Selector) -> bool:
        """Whether `family`'s figure of the view may be shown (never for a view or family not decided): by its
        own contributors; a statement also only where the partial answerers of every score it is part of
        may be shown; the alignment index only where every theme it combines is shown."""
        position = self.index.get(selector)
        if position is None or not self._code_is(family, position, "s"):
            return False
        if family.startswith("item:"):
            return all(
                self._code_is(partial_family(key), position, "se")
                for key in self.covers.get(family.removeprefix("item:"), ())
            )
        if family == score_family(ALIGNMENT):
            # A theme with nobody in the view is no secret; one withheld would follow from the index and the rest.
            return alignment_complete(lambda theme: self._code_is(theme, position, "se"), self.alignment_of)
        return True

    def _code_is(self, family: str, position: int, allowed: str) -> bool:
        """The family's code for the view is one of `allowed`; a family nobody contributes to is empty."""
        codes = self.codes.get(family)
        return (codes[position] if codes is not None else "e") in allowed


def load_release(
    session: Session,
    organisation: Organisation,
    closed_round_ids: set[int],
    round_groups: Mapping[str, frozenset[int]],
    now: datetime,
    parts_of: Callable[[int], FigureParts],
) -> ReleasedData:
    """Freeze the rounds closed since the last visit, read the frozen tallies and the release deciding them
    (made and recorded now when the state is new). `parts_of(round id)`: what the scores of the round's
    questionnaire rest on."""
    organisation_id = organisation.id
    released = released_round_ids(session, organisation_id=organisation_id)
    locked = False
    uncounted = partial_uncounted(session, organisation_id=organisation_id) & closed_round_ids
    if closed_round_ids - released or uncounted:
        get_organisation(session, organisation_id=organisation_id, for_update=True)
        locked = True
        released = released_round_ids(session, organisation_id=organisation_id)
        freeze_rounds(session, organisation_id=organisation_id, round_ids=closed_round_ids - released, at=now)
        # Rounds frozen by a version that did not count partial answerers yet are counted now, once.
        for round_id in sorted(partial_uncounted(session, organisation_id=organisation_id) & closed_round_ids):
            parts = parts_of(round_id)
            count_partial_answerers(
                session, organisation_id=organisation_id, round_id=round_id, items_of=parts.items_of
            )
        released |= closed_round_ids
    rounds = released & closed_round_ids
    counts = {
        c: n for c, n in count_cells(session, organisation_id=organisation_id, released=True).items() if c[1] in rounds
    }
    scores = [
        c for c in read_score_cells(session, organisation_id=organisation_id, released=True) if c.round_id in rounds
    ]
    answers = [
        c for c in read_answer_cells(session, organisation_id=organisation_id, released=True) if c.round_id in rounds
    ]
    groups = {name: frozenset(r for r in ids if r in rounds) for name, ids in round_groups.items()}
    groups = {name: ids for name, ids in groups.items() if ids}
    pictures = tied_pictures(session, organisation_id=organisation_id, round_ids=rounds)
    k = organisation.min_group_size
    state = _state(k, counts, groups, [(s, [p.shown_count for p in shown]) for s, _cell, shown in pictures])
    release = find_release(session, organisation_id=organisation_id, state=state)
    if release is None:
        if not locked:
            get_organisation(session, organisation_id=organisation_id, for_update=True)
            release = find_release(session, organisation_id=organisation_id, state=state)
        if release is None:
            families = family_counts(counts, scores, answers)
            past = list_releases(session, organisation_id=organisation_id)
            changed = frozen_changes([r.payload for r in past], session, pictures, parts_of)
            channels = with_past_channels(channel_rows(pictures, changed), [r.payload for r in past])
            payload = decide(families, k, groups, [r.payload for r in past], channels)
            payload[PICTURE_PARTS] = encode_changes(changed, pictures)
            payload[CHANNELS] = encode_channels(channels)
            release = add_release(session, organisation_id=organisation_id, state=state, k=k, payload=payload, at=now)
    selectors = [_decode(s) for s in release.payload["selectors"]]
    codes = {family: entry["codes"] for family, entry in release.payload["families"].items()}
    shown_scores = [c for c in scores if not c.key.startswith(PARTIAL_PREFIX)]
    alignment_of = frozenset(key for round_id in rounds for key in parts_of(round_id).alignment_of)
    covers: dict[str, set[str]] = defaultdict(set)
    for round_id in rounds:
        for item, keys in covering(parts_of(round_id).items_of).items():
            covers[item].update(keys)
    return ReleasedData(
        counts,
        shown_scores,
        answers,
        decode_counts(release.payload, selectors),
        codes,
        {selector: i for i, selector in enumerate(selectors)},
        alignment_of,
        {item: tuple(sorted(keys)) for item, keys in covers.items()},
    )


def _state(k: int, counts: Mapping[tuple, int], groups: Mapping[str, frozenset[int]], pictures: list) -> str:
    text = json.dumps(
        [
            k,
            sorted(([*cell, n] for cell, n in counts.items()), key=repr),
            sorted([name, sorted(ids)] for name, ids in groups.items()),
            sorted(pictures),
        ],
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def family_counts(
    counts: Mapping[tuple, int], scores: Sequence[ScoreCell], answers: Sequence[AnswerCell]
) -> dict[str, dict[tuple, int]]:
    """Contributors per cell of every figure family: responses, each score, each item (N/A excluded), each
    score's partial answerers."""
    families: dict[str, dict[tuple, int]] = {COUNT_FAMILY: dict(counts)}
    for score in scores:
        if score.key.startswith(ALIGNMENT_BIN_PREFIX):
            continue
        family = (
            partial_family(score.key.removeprefix(PARTIAL_PREFIX))
            if score.key.startswith(PARTIAL_PREFIX)
            else score_family(score.key)
        )
        families.setdefault(family, dict.fromkeys(counts, 0))[(score.team_id, score.round_id, score.role)] = score.n
    for answer in answers:
        if answer.value != NOT_APPLICABLE_VALUE:
            tally = families.setdefault(item_family(answer.item_id), dict.fromkeys(counts, 0))
            key = (answer.team_id, answer.round_id, answer.role)
            tally[key] = tally.get(key, 0) + answer.n
    return families


def decide(
    families: Mapping[str, Mapping[tuple, int]],
    k: int,
    groups: Mapping[str, frozenset[int]],
    past_payloads: Sequence[dict[str, Any]],
    channels: Mapping[str, ChannelRows] | None = None,
) -> dict[str, Any]:
    """The payload of a new release: per family, its contributors per cell and one decision code per view,
    checked against the earlier releases and the rows other channels showed (`channels`)."""
    cells = sorted(families[COUNT_FAMILY], key=repr)
    selectors: list[Selector] | None = None
    decided: dict[str, dict[str, Any]] = {}
    by_signature: dict[str, str] = {}
    for family, weights in families.items():
        vector = [int(weights.get(cell, 0)) for cell in cells]
        past = [
            release for release in (_past_release(payload, family) for payload in past_payloads) if release is not None
        ]
        channel = (channels or {}).get(family)
        if channel is not None:
            past.append(channel.past)
        signature = json.dumps(
            [
                vector,
                [sorted(map(repr, r.shown)) for r in past],
                repr(sorted((repr(c), sorted(map(repr, p.items()))) for c, p in channel.parts.items()))
                if channel
                else None,
                repr(sorted(map(repr, channel.past.weights.items()))) if channel else None,
            ]
        )
        if signature not in by_signature:
            population = Population(dict(zip(cells, vector)))
            decisions = publishable_after(population, k, groups, past, channel.parts if channel else None)
            selectors = selectors or list(decisions)
            by_signature[signature] = "".join(
                _CODES[d.status, d.reason if d.withheld else None] for d in (decisions[s] for s in selectors)
            )
        decided[family] = {"weights": vector, "codes": by_signature[signature]}
    return {
        "version": _PAYLOAD_VERSION,
        "cells": [list(cell) for cell in cells],
        "selectors": [_encode(s) for s in selectors or []],
        "families": decided,
    }


def decode_counts(payload: Mapping[str, Any], selectors: Sequence[Selector]) -> dict[Selector, Decision]:
    """The response count's decision for every offered view of a release, with n where it is shown."""
    entry = payload["families"][COUNT_FAMILY]
    weights = dict(zip((tuple(cell) for cell in payload["cells"]), entry["weights"]))
    shown = [s for s, code in zip(selectors, entry["codes"]) if code == "s"]
    n_of = {s: sum(weights[c] for c in view) for s, view in view_cells(Population(weights), shown).items()}
    decisions = {}
    for selector, code in zip(selectors, entry["codes"]):
        status, reason = _STATUS[code]
        decisions[selector] = Decision(status, reason, n_of[selector] if code == "s" else 0 if code == "e" else None)
    return decisions


def _past_release(payload: Mapping[str, Any], family: str) -> PastRelease | None:
    entry = payload.get("families", {}).get(family)
    if entry is None:
        return None
    cells = [tuple(cell) for cell in payload["cells"]]
    weights: dict[Cell, int] = dict(zip(cells, entry["weights"]))
    shown = [_decode(s) for s, code in zip(payload["selectors"], entry["codes"]) if code == "s"]
    rows = tuple(frozenset(v) for v in view_cells(Population(weights), shown).values() if v)
    return PastRelease(dict(weights.items()), rows)  # a copy: a release's weights may hold parts besides cells


def _encode(selector: Selector) -> list:
    rounds = "*" if selector.rounds is ALL else sorted(selector.rounds)
    return ["*" if selector.team is ALL else selector.team, rounds, "*" if selector.role is ALL else selector.role]


def _decode(encoded: Sequence) -> Selector:
    team, rounds, role = encoded
    return Selector(
        ALL if team == "*" else team, ALL if rounds == "*" else frozenset(rounds), ALL if role == "*" else role
    )


__all__ = [
    "ALIGNMENT_FAMILY",
    "COUNT_FAMILY",
    "ChannelRows",
    "ReleasedData",
    "channel_rows",
    "decide",
    "decode_counts",
    "family_counts",
    "item_family",
    "load_release",
    "score_family",
]
