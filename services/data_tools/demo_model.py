"""The answer model of the demo organisation: plausible answers drawn from latent attitudes. Pure numpy.

Each response has one latent attitude per domain (in scale points around the middle): the team's and
intervention's level (with a small trend over rounds) + the role's shift + a personal "fit" factor
shared by all domains (match up, mismatch down) + noise. Items are that attitude plus item noise,
rounded to the scale, mirrored for reverse-keyed items; so items of a domain correlate (alpha about
0.7-0.8) and reverse-keyed items are answered consistently. A few answers are "not applicable".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NOT_APPLICABLE = "na"
NA_RATE = 0.025  # items answered "not applicable / don't know"
PAIR_SKIP_RATE = 0.03  # the optional importance/support questions left empty
PERSON_SD, DOMAIN_SD, ITEM_SD = 0.45, 0.45, 0.55
IMPORTANCE_MEAN = 1.3  # professional values matter to most: importance around 4.3 of 5
# How the personal fit factor moves each side's domains.
SIDE_SIGN = {"match": 1.0, "mismatch": -1.0, "value": 0.6, "compassion": 0.5}
# Attitudes are given per factor; a domain belongs to one (by id, else by its side).
FACTOR_OF_DOMAIN = {
    "client_autonomy": "autonomy",
    "treatment_needs": "needs",
    "financial_benefit": "finance",
    "technology_push": "push",
}
FACTOR_OF_SIDE = {"match": "needs", "mismatch": "push", "value": "values", "compassion": "compassion"}
FACTORS = ("autonomy", "needs", "finance", "push", "values", "compassion")


@dataclass(frozen=True)
class AnswerModel:
    """Everything a worker needs to draw answers for a chunk (picklable: numpy and tuples only)."""

    question_ids: tuple[str, ...]
    item_ids: tuple[str, ...]
    item_domain: np.ndarray  # per item: index into the domains
    item_reverse: np.ndarray  # per item: bool
    pair_ids: tuple[tuple[str, str], ...]  # (importance id, support id) per value pair
    pair_domain: np.ndarray  # per pair: index into the domains
    side_sign: np.ndarray  # per domain
    mu: np.ndarray  # (group, domain): latent level of a team in a round
    role_shift: np.ndarray  # (role, domain)
    opens: np.ndarray  # per group: POSIX seconds when answering starts
    span: np.ndarray  # per group: seconds answering lasts (up to now for an open round)
    scale_min: int
    scale_max: int


def factor_of(domain_id: str, side: str) -> str:
    return FACTOR_OF_DOMAIN.get(domain_id) or FACTOR_OF_SIDE[side]


def draw_chunk(
    model: AnswerModel, seed: int, chunk: int, groups: np.ndarray, roles: np.ndarray
) -> tuple[list[dict], list[float]]:
    """Answers (question id -> value, "na"; unanswered left out) and answer times for one chunk.

    Seeded by (seed, chunk) only, so a chunk is the same whichever process draws it.
    """
    rng = np.random.default_rng([seed, chunk])
    n, low, high = len(groups), model.scale_min, model.scale_max
    middle, unit = (low + high) / 2, (high - low) / 4
    theta = (
        model.mu[groups]
        + model.role_shift[roles]
        + rng.normal(0, PERSON_SD, n)[:, None] * model.side_sign[None, :]
        + rng.normal(0, DOMAIN_SD, (n, len(model.side_sign)))
    )
    keyed = np.clip(
        np.rint(middle + unit * (theta[:, model.item_domain] + rng.normal(0, ITEM_SD, (n, len(model.item_ids))))),
        low,
        high,
    )
    items = np.where(model.item_reverse[None, :], low + high - keyed, keyed).astype(int).tolist()
    not_applicable = (rng.random((n, len(model.item_ids))) < NA_RATE).tolist()
    pairs = len(model.pair_ids)
    importance = np.clip(np.rint(middle + unit * (IMPORTANCE_MEAN + rng.normal(0, 0.6, (n, pairs)))), low, high)
    support = np.clip(
        np.rint(middle + unit * (0.8 * theta[:, model.pair_domain] + rng.normal(0, 0.6, (n, pairs)))), low, high
    )
    skipped = (rng.random((n, pairs, 2)) < PAIR_SKIP_RATE).tolist()
    pair_na = (rng.random((n, pairs, 2)) < NA_RATE).tolist()
    importance, support = importance.astype(int).tolist(), support.astype(int).tolist()
    times = (model.opens[groups] + rng.random(n) * model.span[groups]).tolist()
    answers = []
    for r in range(n):
        given: dict = {q: NOT_APPLICABLE if na else v for q, v, na in zip(model.item_ids, items[r], not_applicable[r])}
        for p, (importance_id, support_id) in enumerate(model.pair_ids):
            for side, (question, value) in enumerate(((importance_id, importance[r][p]), (support_id, support[r][p]))):
                if not skipped[r][p][side]:
                    given[question] = NOT_APPLICABLE if pair_na[r][p][side] else value
        answers.append({q: given[q] for q in model.question_ids if q in given})
    return answers, times
