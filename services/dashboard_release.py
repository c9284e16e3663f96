"""Releases: what the dashboard may publish of an organisation, decided once per state and recorded first.

A closed round's tallies are frozen the first time the dashboard meets it (db/releases.py), so a published
cell never changes. Every figure has its own contributors per cell (a score counts only the responses that
have it, an item only the answers that are not "not applicable"), so each figure family is decided on its
own counts, together with everything released before (assessment/anonymity/history.py). The decisions are
stored in the ledger before the page shows any of them: a release that cannot be recorded is not shown.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from assessment.anonymity import (ALL, EMPTY, FEWER_THAN_K, PROTECTS_SMALL_GROUP, SHOWN, WITHHELD, Decision,
                                  Population, Selector)
from assessment.anonymity.history import PastRelease, publishable_after, view_cells
from db.org_models import Organisation
from db.organisations import get_organisation
from db.releases import add_release, find_release, freeze_rounds, list_releases, released_round_ids
from db.tallies import (ALIGNMENT_BIN_PREFIX, NOT_APPLICABLE_VALUE, AnswerCell, ScoreCell, count_cells,
                       read_answer_cells, read_score_cells)

COUNT_FAMILY = "count"
ALIGNMENT_FAMILY = "score:alignment_index"
_PAYLOAD_VERSION = 1
_CODES = {(SHOWN, None): "s", (WITHHELD, FEWER_THAN_K): "k", (WITHHELD, PROTECTS_SMALL_GROUP): "p", (EMPTY, None): "e"}
_STATUS = {code: status for status, code in _CODES.items()}


def score_family(key: str) -> str:
    """The figure family of a score key: the alignment bins count the alignment index's contributors."""
    return ALIGNMENT_FAMILY if key.startswith(ALIGNMENT_BIN_PREFIX) else f"score:{key}"


def item_family(item_id: str) -> str:
    return f"item:{item_id}"


@dataclass
class ReleasedData:
    """The frozen tallies of the released rounds and the decisions of the release that covers them."""

    counts: dict[tuple, int]
    score_cells: list[ScoreCell]
    answer_cells: list[AnswerCell]
    decisions: dict[Selector, Decision]          # of the response count, every offered view
    codes: dict[str, str]                        # family -> one decision code per offered view
    index: dict[Selector, int]                   # offered view -> its position in the codes

    def shown(self, family: str, selector: Selector) -> bool:
        """Whether `family`'s figure of the view may be shown (never for a view or family not decided)."""
        position, codes = self.index.get(selector), self.codes.get(family)
        return position is not None and codes is not None and codes[position] == "s"


def load_release(session: Session, organisation: Organisation, closed_round_ids: set[int],
                 round_groups: Mapping[str, frozenset[int]], now: datetime) -> ReleasedData:
    """Freeze the rounds closed since the last visit, read the frozen tallies and the release deciding them
    (made and recorded now when the state is new)."""
    organisation_id = organisation.id
    released = released_round_ids(session, organisation_id=organisation_id)
    locked = False
    if closed_round_ids - released:
        get_organisation(session, organisation_id=organisation_id, for_update=True)
        locked = True
        released = released_round_ids(session, organisation_id=organisation_id)
        freeze_rounds(session, organisation_id=organisation_id, round_ids=closed_round_ids - released, at=now)
        released |= closed_round_ids
    rounds = released & closed_round_ids
    counts = {c: n for c, n in count_cells(session, organisation_id=organisation_id, released=True).items()
              if c[1] in rounds}
    scores = [c for c in read_score_cells(session, organisation_id=organisation_id, released=True)
              if c.round_id in rounds]
    answers = [c for c in read_answer_cells(session, organisation_id=organisation_id, released=True)
               if c.round_id in rounds]
    groups = {name: frozenset(r for r in ids if r in rounds) for name, ids in round_groups.items()}
    groups = {name: ids for name, ids in groups.items() if ids}
    k = organisation.min_group_size
    state = _state(k, counts, groups)
    release = find_release(session, organisation_id=organisation_id, state=state)
    if release is None:
        if not locked:
            get_organisation(session, organisation_id=organisation_id, for_update=True)
            release = find_release(session, organisation_id=organisation_id, state=state)
        if release is None:
            families = family_counts(counts, scores, answers)
            past = list_releases(session, organisation_id=organisation_id)
            payload = decide(families, k, groups, [r.payload for r in past])
            release = add_release(session, organisation_id=organisation_id, state=state, k=k, payload=payload,
                                  at=now)
    selectors = [_decode(s) for s in release.payload["selectors"]]
    codes = {family: entry["codes"] for family, entry in release.payload["families"].items()}
    return ReleasedData(counts, scores, answers, decode_counts(release.payload, selectors), codes,
                        {selector: i for i, selector in enumerate(selectors)})


def _state(k: int, counts: Mapping[tuple, int], groups: Mapping[str, frozenset[int]]) -> str:
    text = json.dumps([k, sorted(([*cell, n] for cell, n in counts.items()), key=repr),
                       sorted([name, sorted(ids)] for name, ids in groups.items())], default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def family_counts(counts: Mapping[tuple, int], scores: Sequence[ScoreCell], answers: Sequence[AnswerCell]
                  ) -> dict[str, dict[tuple, int]]:
    """Contributors per cell of every figure family: responses, each score, each item (N/A excluded)."""
    families: dict[str, dict[tuple, int]] = {COUNT_FAMILY: dict(counts)}
    for cell in scores:
        if cell.key.startswith(ALIGNMENT_BIN_PREFIX):
            continue
        families.setdefault(score_family(cell.key), dict.fromkeys(counts, 0))[
            (cell.team_id, cell.round_id, cell.role)] = cell.n
    for cell in answers:
        if cell.value != NOT_APPLICABLE_VALUE:
            family = families.setdefault(item_family(cell.item_id), dict.fromkeys(counts, 0))
            key = (cell.team_id, cell.round_id, cell.role)
            family[key] = family.get(key, 0) + cell.count
    return families


def decide(families: Mapping[str, Mapping[tuple, int]], k: int, groups: Mapping[str, frozenset[int]],
           past_payloads: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The payload of a new release: per family, its contributors per cell and one decision code per view."""
    cells = sorted(families[COUNT_FAMILY], key=repr)
    selectors: list[Selector] | None = None
    decided: dict[str, dict[str, Any]] = {}
    by_signature: dict[str, str] = {}
    for family, weights in families.items():
        vector = [int(weights.get(cell, 0)) for cell in cells]
        past = [_past_release(payload, family) for payload in past_payloads]
        past = [release for release in past if release is not None]
        signature = json.dumps([vector, [sorted(map(repr, r.shown)) for r in past]])
        if signature not in by_signature:
            population = Population(dict(zip(cells, vector)))
            decisions = publishable_after(population, k, groups, past)
            selectors = selectors or list(decisions)
            by_signature[signature] = "".join(_CODES[d.status, d.reason if d.withheld else None]
                                              for d in (decisions[s] for s in selectors))
        decided[family] = {"weights": vector, "codes": by_signature[signature]}
    return {"version": _PAYLOAD_VERSION, "cells": [list(cell) for cell in cells],
            "selectors": [_encode(s) for s in selectors or []], "families": decided}


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
    weights = dict(zip(cells, entry["weights"]))
    shown = [_decode(s) for s, code in zip(payload["selectors"], entry["codes"]) if code == "s"]
    rows = tuple(frozenset(v) for v in view_cells(Population(weights), shown).values() if v)
    return PastRelease(weights, rows)


def _encode(selector: Selector) -> list:
    rounds = "*" if selector.rounds is ALL else sorted(selector.rounds)
    return ["*" if selector.team is ALL else selector.team, rounds, "*" if selector.role is ALL else selector.role]


def _decode(encoded: Sequence) -> Selector:
    team, rounds, role = encoded
    return Selector(ALL if team == "*" else team, ALL if rounds == "*" else frozenset(rounds),
                    ALL if role == "*" else role)


__all__ = ["ALIGNMENT_FAMILY", "COUNT_FAMILY", "ReleasedData", "decide", "decode_counts", "family_counts",
           "item_family", "load_release", "score_family"]
