"""Who a figure rests on: contributors per figure family, partial answerers, and a live picture's rule.

Every figure of a view is a sum over its own contributors: the response count over the responses, a
score's mean over the responses that have that score, an item's distribution over the answers that are
not "not applicable". Each such family is decided on its own contributors.

Families are also related. A theme's score is the mean of the statements a person answered, so for a
person who answered all of them it is a fixed linear combination of their answers, and the theme's total
over such people follows from the statements' distributions. For a *partial answerer* (some statements
answered on the scale, others not applicable or not asked) it does not: the theme's total minus what the
distributions imply is a sum over the partial answerers alone. That relation is published wherever the
theme and all its statements are shown. So a statement's distribution is shown only where the partial
answerers of every score it is part of (its theme, its compassion element) are none or a group that may be
shown (family ``partial:<key>``, decided like any other family); the theme's own mean stays.

The group's alignment index is the alignment of the group's theme averages (services/dashboard/parts.py
``group_alignment``): it adds nothing to the theme averages, and it is shown only where every theme it
combines is shown, or it would tell a withheld theme's average.

A live picture (a workshop round's snapshot) shows its first n responses; later pictures show more. Two
pictures of one family differ by the contributors that arrived between them: ``picture_shown`` shows a
family only when its contributors are at least k and differ from the last picture that showed it by none
or at least k, and a relation only when its partial answerers do the same since it was last published. Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

COUNT = "count"
ALIGNMENT = "alignment_index"

Answers = Mapping[str, object]
Scores = Mapping[str, object]


def score_family(key: str) -> str:
    return f"score:{key}"


def item_family(item_id: str) -> str:
    return f"item:{item_id}"


def partial_family(key: str) -> str:
    return f"partial:{key}"


def on_scale(value: object) -> bool:
    """An answer on the scale (a number), not "not applicable" and not missing."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_partial(answers: Answers, items: Iterable[str]) -> bool:
    """Some of `items` answered on the scale, and not all of them (`items`: a score's statements,
    assessment/figure_items.py)."""
    items = tuple(items)
    answered = sum(1 for item in items if on_scale(answers.get(item)))
    return 0 < answered < len(items)


def contributors(responses: Iterable[tuple[Answers, Scores]], items_of: Mapping[str, frozenset[str]]) -> dict[str, int]:
    """Contributors per family over `responses` ((answers, scores) each; a score of None has none), and
    the partial answerers of each score of several statements (`items_of`: assessment/figure_items.py)."""
    out: dict[str, int] = {COUNT: 0}
    for answers, scores in responses:
        out[COUNT] += 1
        for key, value in scores.items():
            if value is not None:
                family = score_family(key)
                out[family] = out.get(family, 0) + 1
        for item, value in answers.items():
            if on_scale(value):
                family = item_family(item)
                out[family] = out.get(family, 0) + 1
        for key, items in items_of.items():
            if is_partial(answers, items):
                family = partial_family(key)
                out[family] = out.get(family, 0) + 1
    return out


def covering(items_of: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """item id -> the scores of several statements it is part of."""
    out: dict[str, list[str]] = {}
    for key, items in sorted(items_of.items()):
        for item in items:
            out.setdefault(item, []).append(key)
    return {item: tuple(keys) for item, keys in out.items()}


def picture_shown(
    now: Mapping[str, int],
    earlier: Sequence[tuple[Mapping[str, int], Iterable[str]]],
    k: int,
    items_of: Mapping[str, frozenset[str]],
    alignment_of: frozenset[str] = frozenset(),
) -> frozenset[str]:
    """The families a new picture may show, given the contributors of its families and, oldest first, each
    earlier picture's contributors and the families it showed. Pictures are nested (each shows the first n
    responses), so a family's new contributors since its last shown picture are a group of their own, and so
    are a score's new partial answerers since its relation was last published."""
    last: dict[str, Mapping[str, int]] = {}
    for counts, shown in earlier:
        shown = set(shown)
        for family in shown:
            last[family] = counts
        for key in related(shown, counts, items_of):
            last[partial_family(key)] = counts
    own = {
        family
        for family, n in now.items()
        if not family.startswith("partial:") and _fits(n, last.get(family, {}).get(family, 0), k)
    }

    def relation_may_show(key: str) -> bool:
        partial = partial_family(key)
        return _fits(now.get(partial, 0), last.get(partial, {}).get(partial, 0), k, empty_ok=True)

    covers = covering(items_of)
    shown_now = {
        family
        for family in own
        if not family.startswith("item:")
        or all(relation_may_show(key) for key in covers.get(family.removeprefix("item:"), ()))
    }
    if not alignment_complete(lambda family: family in shown_now or not now.get(family), alignment_of):
        shown_now.discard(score_family(ALIGNMENT))
    return frozenset(shown_now)


def related(shown: Collection[str], counts: Mapping[str, int], items_of: Mapping[str, Iterable[str]]) -> list[str]:
    """The scores whose relation with their statements a picture published: the score and all its statements
    shown (a statement nobody answered is known to be empty)."""
    return [
        key
        for key, items in items_of.items()
        if score_family(key) in shown
        and all(item_family(item) in shown or not counts.get(item_family(item)) for item in items)
    ]


def alignment_complete(shown: Callable[[str], bool], alignment_of: Iterable[str]) -> bool:
    """Every theme the alignment index combines is shown (or has nobody): else the index, with the other
    themes, would tell the withheld one's average. `shown(family)`."""
    return all(shown(score_family(key)) for key in alignment_of)


def _fits(n: int, before: int, k: int, *, empty_ok: bool = False) -> bool:
    """n contributors may be shown after `before` were: at least k (or none, where a missing group is
    harmless), and none or at least k new ones."""
    if n == 0:
        return empty_ok
    return n >= k and (n == before or n - before >= k)


__all__ = [
    "ALIGNMENT",
    "COUNT",
    "alignment_complete",
    "contributors",
    "covering",
    "is_partial",
    "item_family",
    "on_scale",
    "partial_family",
    "picture_shown",
    "related",
    "score_family",
]
