"""The workshops' pictures in the anonymity ledger: rows over parts of their team's cell, and who left since."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from assessment.anonymity import Cell
from assessment.anonymity.figures import contributors
from assessment.anonymity.history import PastRelease
from assessment.figure_items import FigureParts
from db.responses import load_answers_and_scores
from db.workshops import TIED_ROUND, counted_in_round, first_responses, members_hash

CHANNELS = "channels"  # release payload: the other channels' parts and rows it was checked against
PICTURE_PARTS = "picture_parts"  # release payload: tied pictures' parts as at the freeze


@dataclass(frozen=True)
class ChannelRows:
    """What another channel showed of one figure family: parts carved out of cells, and its rows."""

    parts: dict[Cell, dict[Hashable, int]]
    past: PastRelease


def channel_rows(
    pictures: Sequence[tuple[int, tuple, Sequence[Any]]],
    changed: Mapping[tuple[int, int], Mapping[str, tuple[int, int]]] | None = None,
) -> dict[str, ChannelRows]:
    """Per family, the pictures of tied workshops as rows over parts of their team's cell.

    `pictures`: (session id, the cell its counted responses lie in, its first round's picture releases in
    the order shown). The responses between two pictures are one part of the cell (those counted in the
    survey round) plus one part outside every cell (those not counted there); picture j shows parts 1..j.
    `changed`: for a picture whose part lost people since it was shown (an erasure), the part's present
    contributors per family (counted, not counted). Those gone are a part of their own, outside every cell:
    the pictures held them, no later view can, so a view that differs from a picture by them is withheld."""
    changed = changed or {}
    parts: dict[str, dict[Cell, dict[Hashable, int]]] = defaultdict(dict)
    outside: dict[str, dict[Hashable, int]] = defaultdict(dict)
    rows: dict[str, list[frozenset]] = defaultdict(list)
    for workshop_id, cell, releases in pictures:
        for family in sorted({family for release in releases for family in release.payload["families"]}):
            before, so_far = (0, 0), []
            for number, release in enumerate(releases):
                counted, other = release.payload["families"].get(family, (0, 0))
                recorded = (max(0, counted - before[0]), max(0, other - before[1]))
                present = (
                    changed[workshop_id, number].get(family, (0, 0)) if (workshop_id, number) in changed else recorded
                )
                inside_part = ("workshop", workshop_id, number, "counted")
                outside_part = ("workshop", workshop_id, number, "other")
                parts[family].setdefault(cell, {})[inside_part] = present[0]
                outside[family][outside_part] = present[1]
                so_far += [inside_part, outside_part]
                gone = max(0, recorded[0] - present[0]) + max(0, recorded[1] - present[1])
                if gone:
                    gone_part = ("workshop", workshop_id, number, "gone")
                    outside[family][gone_part] = gone
                    so_far.append(gone_part)
                before = (counted, other)
                if family in release.payload["shown"]:
                    rows[family].append(frozenset(so_far))
    return {family: ChannelRows(parts[family], PastRelease(outside[family], tuple(rows[family]))) for family in parts}


def with_past_channels(
    channels: Mapping[str, ChannelRows], past_payloads: Sequence[Mapping[str, Any]]
) -> dict[str, ChannelRows]:
    """The channels now, with the parts and rows of those earlier releases were checked against and that are
    gone since (a workshop purged with its round): shown once, a picture stays known to whoever saw it."""
    parts: dict[str, dict[Cell, dict[Hashable, int]]] = defaultdict(lambda: defaultdict(dict))
    outside: dict[str, dict[Hashable, int]] = defaultdict(dict)
    rows: dict[str, set[frozenset]] = defaultdict(set)
    for payload in past_payloads:
        for family, entry in payload.get(CHANNELS, {}).items():
            for cell, part, weight in entry["parts"]:
                parts[family][tuple(cell)][tuple(part)] = weight
            for part, weight in entry["outside"]:
                outside[family][tuple(part)] = weight
            rows[family] |= {frozenset(tuple(part) for part in row) for row in entry["rows"]}
    for family, channel in channels.items():  # what is known now wins over an earlier record
        for cell, split in channel.parts.items():
            parts[family][cell].update(split)
        outside[family].update(channel.past.weights)
        rows[family] |= set(channel.past.shown)
    return {
        family: ChannelRows(
            {cell: dict(split) for cell, split in parts[family].items()},
            PastRelease(dict(outside[family]), tuple(sorted(rows[family], key=lambda row: sorted(map(repr, row))))),
        )
        for family in {*parts, *outside, *rows}
    }


def encode_channels(channels: Mapping[str, ChannelRows]) -> dict[str, dict[str, list]]:
    return {
        family: {
            "parts": [
                [list(cell), _part_list(part), weight]
                for cell, split in channel.parts.items()
                for part, weight in split.items()
            ],
            "outside": [[_part_list(part), weight] for part, weight in channel.past.weights.items()],
            "rows": [[list(part) for part in sorted(row, key=repr)] for row in channel.past.shown],
        }
        for family, channel in channels.items()
    }


def _part_list(part: Hashable) -> list:
    """A channel's part (a tuple: channel, session, picture, kind) as JSON."""
    if not isinstance(part, tuple):
        raise TypeError(f"a channel's part is a tuple, not {part!r}")
    return list(part)


def frozen_changes(
    past_payloads: Sequence[Mapping[str, Any]],
    session: Session,
    pictures: Sequence[tuple[int, tuple, Sequence[Any]]],
    parts_of: Callable[[int], FigureParts],
) -> dict[tuple[int, int], dict[str, tuple[int, int]]]:
    """`changed_parts` as they were when the tied round was frozen: the first release after the freeze (same
    transaction) records them, and later releases read that record. The frozen tallies keep someone erased
    after the freeze, so their picture's part is unchanged for the dashboard, whatever the live rows say."""
    recorded: dict[int, dict[tuple[int, int], dict[str, tuple[int, int]]]] = {}
    for payload in past_payloads:  # oldest first: the record made at the freeze wins
        for workshop_id, parts in payload.get(PICTURE_PARTS, {}).items():
            recorded.setdefault(
                int(workshop_id),
                {
                    (int(workshop_id), int(number)): {
                        family: (counts[0], counts[1]) for family, counts in families.items()
                    }
                    for number, families in parts.items()
                },
            )
    new = [picture for picture in pictures if picture[0] not in recorded]
    out = changed_parts(session, new, parts_of)
    for changes in recorded.values():
        out.update(changes)
    return out


def encode_changes(
    changed: Mapping[tuple[int, int], Mapping[str, tuple[int, int]]],
    pictures: Sequence[tuple[int, tuple, Sequence[Any]]],
) -> dict[str, dict[str, Any]]:
    """Every tied session's record, also an empty one (checked, nothing changed)."""
    out: dict[str, dict[str, Any]] = {str(workshop_id): {} for workshop_id, _cell, _releases in pictures}
    for (workshop_id, number), families in changed.items():
        out.setdefault(str(workshop_id), {})[str(number)] = {
            family: list(counts) for family, counts in families.items()
        }
    return out


def changed_parts(
    session: Session, pictures: Sequence[tuple[int, tuple, Sequence[Any]]], parts_of: Callable[[int], FigureParts]
) -> dict[tuple[int, int], dict[str, tuple[int, int]]]:
    """(session id, picture number) -> the present contributors per family of that picture's part, for the
    pictures whose members changed since shown (someone in them was erased). A picture recorded without
    its last response ("through", before this version) is taken as shown (docs/SECURITY.md)."""
    out: dict[tuple[int, int], dict[str, tuple[int, int]]] = {}
    for workshop_id, cell, releases in pictures:
        if any("through" not in release.payload for release in releases):
            continue
        ids = first_responses(session, workshop_id, TIED_ROUND, None)
        previous = 0
        for number, release in enumerate(releases):
            through = release.payload["through"]
            members = [i for i in ids if i <= through]
            if members_hash(members) != release.payload.get("members"):
                part = [i for i in members if i > previous]
                out[workshop_id, number] = _contributions(session, part, parts_of(cell[1]))
            previous = through
    return out


def _contributions(session: Session, ids: list[int], parts: FigureParts) -> dict[str, tuple[int, int]]:
    loaded = load_answers_and_scores(session, response_ids=ids)
    responses = [
        (answers, {key: value for key, (value, _status) in scores.items()})
        for answers, scores in (loaded[i] for i in ids)
    ]
    counted = counted_in_round(session, ids)
    inside = contributors([r for i, r in zip(ids, responses) if i in counted], parts.items_of)
    other = contributors([r for i, r in zip(ids, responses) if i not in counted], parts.items_of)
    return {family: (inside.get(family, 0), other.get(family, 0)) for family in {*inside, *other}}
