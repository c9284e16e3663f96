"""The dashboard service on a real database: numbers that match direct computation from the
answers, where to start, and rounds on two instrument versions."""

from __future__ import annotations

import dataclasses
import math
from random import Random

import numpy as np
import pytest

from assessment.anonymity.figures import is_partial
from assessment.figure_items import figure_parts
from assessment.scoring import keyed, score_answers
from questions.model import NOT_APPLICABLE, localise
from services.dashboard.data import question_set_names
from services.dashboard.likert_chart import likert
from services.dashboard.stats import TOO_FEW_FOR_ALPHA, t_critical_95
from services.dashboard.view import LEAST_ALIGNED, MISALIGNED, SPLIT_VIEW, Filters, dashboard, export_rows
from tests.support.dashboard_data import ADMIN, make_org, make_round, random_answers, respond

# --- numbers --------------------------------------------------------------------------------------


def _keyed_matrix(instrument, answers_list, domain):
    items = instrument.items_in(domain)
    return np.array([[keyed(instrument, i, a[i.id]) for i in items] for a in answers_list], dtype=float)


def _interval(values, bounds=(0.0, 100.0)):
    """Mean and 95% t-interval, cut at the scale's ends like the dashboard's."""
    data = np.array(values, dtype=float)
    half = t_critical_95(len(data) - 1) * data.std(ddof=1) / math.sqrt(len(data))
    return data.mean(), max(bounds[0], data.mean() - half), min(bounds[1], data.mean() + half)


def test_numbers_of_a_hand_built_team_match_direct_computation(runtime):
    instrument = runtime.instrument
    rng = Random(7)
    answers_list = [random_answers(instrument, rng, lean=rng.choice((2, 4)), na_rate=0.1) for _ in range(6)]
    with runtime.sessions.begin() as session:
        org = make_org(session, "Hand", {"T": 10})
        make_round(session, org, "R", instrument=instrument)
        for answers in answers_list:
            respond(session, instrument, org, "T", "R", answers, role="nurse")
    reports = [score_answers(instrument, a) for a in answers_list]
    view = dashboard(runtime, ADMIN, Filters(org.id))
    items_of = figure_parts(instrument).items_of

    def withheld(item_id: str) -> bool:
        """Fewer than k = 5 answered it, or 1..4 answered only part of its theme or compassion element."""
        answered = sum(a[item_id] != NOT_APPLICABLE for a in answers_list)
        partial = [sum(is_partial(a, items) for a in answers_list) for items in items_of.values() if item_id in items]
        return answered < 5 or any(0 < n < 5 for n in partial)

    assert view.selection.n == 6 and view.instruments == (instrument.label,)

    for mean in view.theme_means:
        values = [r.domain(mean.theme.id).score for r in reports if r.domain(mean.theme.id).score is not None]
        expected = _interval(values)
        got = mean.estimate
        assert got.n == len(values)
        assert (got.mean, got.low, got.high) == tuple(pytest.approx(v) for v in expected)
        # r_wg(J) from the raw answers (reverse keying leaves variances alone), not applicable left out,
        # over the items shown (answered by at least k = 5, and no small group of partial answerers)
        variances = []
        for item in instrument.items_in(mean.theme.id):
            given = [a[item.id] for a in answers_list if a[item.id] != NOT_APPLICABLE]
            if not withheld(item.id):
                variances.append(np.var(given, ddof=1))
        if not variances:
            assert mean.agreement is None
            continue
        ratio = np.mean(variances) / 2.0
        j = len(variances)
        expected_rwg = 0.0 if ratio > 1 else j * (1 - ratio) / (j * (1 - ratio) + ratio)
        assert mean.agreement.value == pytest.approx(expected_rwg)

    # The group's alignment index is that of its theme averages (match minus clash), with the spread and
    # interval width of people's own indexes.
    def theme_mean(domain: str) -> float:
        return np.mean([r.domain(domain).score for r in reports if r.domain(domain).score is not None])

    sides = [np.mean([theme_mean(d.id) for d in instrument.domains_on(side)]) for side in ("match", "mismatch")]
    own_mean, own_low, own_high = _interval(
        [r.alignment_index for r in reports if r.alignment_index is not None], (-1e9, 1e9)
    )
    half = (own_high - own_low) / 2
    mean = sides[0] - sides[1]
    assert (view.alignment.mean, view.alignment.low, view.alignment.high) == (
        pytest.approx(mean),
        pytest.approx(max(-100, mean - half)),
        pytest.approx(min(100, mean + half)),
    )

    withheld_items = 0
    for item in view.likert:
        given = [a[item.item_id] for a in answers_list]
        values = [v for v in given if v != NOT_APPLICABLE]
        if withheld(item.item_id):  # nothing of it is shown
            assert item.distribution.answered == item.distribution.not_applicable == 0 and item.withheld
            withheld_items += 1
            continue
        assert not item.withheld
        assert item.distribution.na_rate == pytest.approx(100 * given.count(NOT_APPLICABLE) / len(given))
        assert item.distribution.percentages == {
            p: pytest.approx(100 * values.count(p) / len(values)) for p in instrument.scale.points
        }

    assert withheld_items > 0  # the case this test was built for (10% not applicable, 6 people)
    charts = [likert(view, "en", side) for side in ("match", "mismatch", "value", "compassion")]
    said = " ".join(chart.summary for chart in charts)
    assert "are not shown in this selection, to protect small groups: fewer than 5 people" in said
    assert "Nobody gave an answer" not in said
    withheld_rows = [
        r
        for r in export_rows(view)
        if r["note"] == ("withheld: fewer than 5 answers, or a small group answered only part of its theme")
    ]
    assert len(withheld_rows) == withheld_items and all(r["n"] is None for r in withheld_rows)
    for element in view.compassion:
        values = [e.score for r in reports for e in r.elements if e.element == element.element and e.score is not None]
        assert element.estimate.mean == pytest.approx(np.mean(values))

    # The team is the whole organisation: its heatmap row and agreement say the same.
    (row,) = view.heatmap
    assert [m.estimate for m in row.means] == [
        m.estimate for m in view.theme_means if m.theme.side in ("match", "mismatch")
    ]
    (participation,) = view.participation
    assert (participation.rate, participation.low) == (pytest.approx(0.6), False)
    assert all(r.reliability.alpha is None and r.reliability.reason == TOO_FEW_FOR_ALPHA for r in view.reliability)

    rows = export_rows(view)
    theme_row = next(r for r in rows if r["what"] == "theme mean" and r["theme"] == view.theme_means[0].theme.name)
    first = view.theme_means[0].estimate
    assert (theme_row["n"], theme_row["mean"], theme_row["low"]) == (first.n, first.mean, first.low)


def test_alpha_is_reported_only_from_30_responses(runtime):
    instrument = runtime.instrument
    rng = Random(3)
    answers_list = [random_answers(instrument, rng, lean=rng.choice((1, 2, 3, 4, 5))) for _ in range(30)]
    # Two organisations: a released round never changes, so the 30th response cannot join the 29 later.
    with runtime.sessions.begin() as session:
        short, org = make_org(session, "Twenty-nine", {"T": None}), make_org(session, "Thirty", {"T": None})
        for organisation, answered in ((short, answers_list[:29]), (org, answers_list)):
            make_round(session, organisation, "R", instrument=instrument)
            for answers in answered:
                respond(session, instrument, organisation, "T", "R", answers)
    view = dashboard(runtime, ADMIN, Filters(short.id))
    assert {(r.reliability.alpha, r.reliability.reason, r.reliability.n) for r in view.reliability} == {
        (None, TOO_FEW_FOR_ALPHA, 29)
    }

    view = dashboard(runtime, ADMIN, Filters(org.id))
    for domain in view.reliability:
        matrix = _keyed_matrix(instrument, answers_list, domain.theme.id)
        j = matrix.shape[1]
        alpha = j / (j - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))
        assert (domain.reliability.n, domain.reliability.reason) == (30, None)
        assert domain.reliability.alpha == pytest.approx(alpha)


def _answers_keyed(instrument, levels: dict[str, int], default: int = 3) -> dict:
    """Answers whose keyed value is levels[domain] (default elsewhere)."""
    out = {}
    for item in instrument.items:
        wanted = levels.get(item.domain, default)
        out[item.id] = keyed(instrument, item, wanted)  # mirroring is its own inverse
    return out


def test_where_to_start_names_the_misaligned_and_the_split_themes_with_their_question(runtime):
    instrument = runtime.instrument
    levels = {"client_autonomy": 1, "financial_benefit": 5, "treatment_needs": 4, "technology_push": 2}
    with runtime.sessions.begin() as session:
        org = make_org(session, "Start", {"T": 20})
        make_round(session, org, "R", instrument=instrument)
        for transparency in (1, 5, 1, 5, 1, 5):  # two camps on transparency
            respond(
                session, instrument, org, "T", "R", _answers_keyed(instrument, {**levels, "transparency": transparency})
            )
    view = dashboard(runtime, ADMIN, Filters(org.id), language="nl")
    starts = [(s.theme.id, s.reasons) for s in view.where_to_start]
    assert starts == [
        ("client_autonomy", (MISALIGNED,)),
        ("financial_benefit", (MISALIGNED,)),
        ("transparency", (SPLIT_VIEW,)),
    ]
    for start in view.where_to_start:
        assert start.question == localise(instrument.domain(start.theme.id).interpretation.question, "nl")
        assert start.theme.name == localise(instrument.domain(start.theme.id).name, "nl")
    (team,) = view.agreement
    assert [t.theme.id for t in team.themes if t.split] == ["transparency"]
    (participation,) = view.participation
    assert (participation.rate, participation.low) == (pytest.approx(0.3), True)
    assert any(r["note"] == "low participation" for r in export_rows(view))


def test_where_to_start_without_misalignment_names_the_least_aligned(runtime):
    instrument = runtime.instrument
    with runtime.sessions.begin() as session:
        org = make_org(session, "Calm", {"T": None})
        make_round(session, org, "R", instrument=instrument)
        for _ in range(5):
            respond(
                session,
                instrument,
                org,
                "T",
                "R",
                _answers_keyed(
                    instrument,
                    {"client_autonomy": 5, "treatment_needs": 4, "financial_benefit": 2, "technology_push": 1},
                ),
            )
    view = dashboard(runtime, ADMIN, Filters(org.id))
    assert [(s.theme.id, s.reasons) for s in view.where_to_start] == [
        ("financial_benefit", (LEAST_ALIGNED,)),
        ("treatment_needs", (LEAST_ALIGNED,)),
    ]


def test_rounds_on_two_instrument_versions_show_the_themes_they_share(runtime):
    instrument = runtime.instrument
    dropped = {i.id for i in instrument.items_in("transparency")}
    older = dataclasses.replace(
        instrument,
        version="0.9",
        content_hash="0" * 64,
        domains=tuple(d for d in instrument.domains if d.id != "transparency"),
        items=tuple(i for i in instrument.items if i.id not in dropped),
        steps=tuple(
            dataclasses.replace(s, items=tuple(i for i in s.items if i not in dropped)) for s in instrument.steps
        ),
    )
    runtime.banks[older.content_hash] = older
    rng = Random(9)
    with runtime.sessions.begin() as session:
        org = make_org(session, "Versions", {"T": None})
        make_round(session, org, "Old", instrument=older)
        make_round(session, org, "New", instrument=instrument, weeks=26)
        for round_name, version in (("Old", older), ("New", instrument)):
            for _ in range(6):
                respond(session, version, org, "T", round_name, random_answers(version, rng))
    both = dashboard(runtime, ADMIN, Filters(org.id))
    assert both.instruments == (older.label, instrument.label)
    assert "transparency" not in {t.id for t in both.themes}
    assert not dropped & {i.item_id for i in both.likert}
    assert len(both.themes) == len(instrument.domains) - 1
    new = dashboard(runtime, ADMIN, Filters(org.id, round_id=org.rounds["New"]))
    assert "transparency" in {t.id for t in new.themes}
    assert [p.round_name for p in new.trends] == ["Old", "New"]
    assert all(p.group.shown and len(p.means) == len(new.themes) for p in new.trends)


@pytest.mark.parametrize(
    "language, full, short",
    [
        ("en", "Full questionnaire, version 1.0", "Short workshop form (12 statements), version 1.0"),
        ("nl", "Volledige vragenlijst, versie 1.0", "Korte workshopversie (12 stellingen), versie 1.0"),
    ],
)
def test_the_question_sets_are_named_in_words(runtime, language, full, short):
    """The overview names each version as a clinician knows it (the bank's id is for files and logs)."""
    forms = [runtime.instrument, runtime.form("workshop")]
    assert question_set_names(runtime, forms, language) == (full, short)
    assert question_set_names(runtime, [runtime.instrument, runtime.instrument], language) == (full,)
