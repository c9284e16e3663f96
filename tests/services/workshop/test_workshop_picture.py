"""The group's picture of a workshop round, on hand-made answers whose numbers are worked out here:
nothing below k, the means, agreement, bands and alignment spread, where to start and its prompts, a
short form, and the comparison of two rounds."""

from __future__ import annotations

import dataclasses
import math
from functools import cache

import pytest

from assessment.anonymity import EMPTY, FEWER_THAN_K, SHOWN, WITHHELD
from assessment.anonymity.figures import COUNT, contributors, is_partial, picture_shown
from assessment.figure_items import figure_parts
from assessment.scoring import score_answers
from questions import derive_form
from questions.loader import load_instrument
from questions.model import Instrument
from services.dashboard.parts import LEAST_ALIGNED, MISALIGNED, SPLIT_VIEW, ElementMean, StartingPoint, Theme
from services.dashboard.stats import MORE_SPREAD_THAN_UNIFORM, Estimate
from services.i18n import t
from services.workshop.picture import RoundAnswers, WorkshopPicture, comparison, picture, prompts_for
from tests.conftest import REPO_ROOT

BANK = REPO_ROOT / "questions" / "banks" / "valuematch-1.0.yaml"
# Every field a picture has whatever the answers: the rest is derived from them.
META_FIELDS = {"round_no", "k", "language", "n", "selection", "instrument", "themes", "scale"}


@cache
def instrument() -> Instrument:
    return load_instrument(BANK)


def respond(form: Instrument, levels: dict[str, int], na: frozenset[str] = frozenset()) -> tuple[dict, dict]:
    """Answers at `levels[side]` (or `levels[domain id]`), keyed so that every score of the domain is
    (level - 1) * 25; items of the domains in `na` answered "not applicable". With the flat scores."""
    answers = {}
    for item in form.items:
        level = levels.get(item.domain, levels[item.side])
        answers[item.id] = "na" if item.domain in na else (6 - level if item.reverse else level)
    scores = {key: value for key, (value, _status) in score_answers(form, answers).flat().items()}
    return answers, scores


# Five people: match themes 100, 100, 75, 50, 50; clash themes 75 each; professional values 100, 100, 0, 0, 0;
# compassion 75, except "recognising suffering" 0. The first person answered "not applicable" on personalisation.
MATCH_LEVELS = (5, 5, 4, 3, 3)
VALUE_LEVELS = (5, 5, 1, 1, 1)


def five_people(form: Instrument | None = None) -> tuple:
    form = form or instrument()
    return tuple(
        respond(
            form,
            {"match": m, "mismatch": 4, "value": v, "compassion": 4, "recognising_suffering": 1},
            na=frozenset({"personalisation"}) if number == 0 else frozenset(),
        )
        for number, (m, v) in enumerate(zip(MATCH_LEVELS, VALUE_LEVELS))
    )


def round_of(
    responses: tuple, round_no: int = 1, k: int = 5, language: str = "en", form: Instrument | None = None
) -> WorkshopPicture:
    """The round's first picture, with the figure families the presenter would decide for it."""
    form = form or instrument()
    parts = figure_parts(form)
    families = picture_shown(contributors(responses, parts.items_of), [], k, parts.items_of, parts.alignment_of) | {
        COUNT
    }
    return picture(RoundAnswers(round_no, form, responses), k=k, language=language, families=families)


def mean_of(pic: WorkshopPicture, theme_id: str):
    return next(m for m in pic.theme_means if m.theme.id == theme_id)


# --- nothing below k ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "k", "status", "reason", "group_n"),
    [
        (0, 5, EMPTY, None, 0),
        (1, 5, WITHHELD, FEWER_THAN_K, None),
        (4, 5, WITHHELD, FEWER_THAN_K, None),
        (5, 5, SHOWN, None, 5),
        (6, 5, SHOWN, None, 6),
        (6, 7, WITHHELD, FEWER_THAN_K, None),
        (7, 7, SHOWN, None, 7),
    ],
)
def test_a_round_is_shown_from_k_responses(n, k, status, reason, group_n):
    responses = (five_people() * 2)[:n]
    pic = round_of(responses, k=k)
    assert (pic.selection.decision.status, pic.selection.decision.reason) == (status, reason)
    assert pic.selection.n == group_n and pic.n == n and pic.shown == (status == SHOWN)
    assert pic.themes and pic.scale  # the instrument's words are there either way


@pytest.mark.parametrize("n", [0, 1, 4])
def test_below_k_nothing_derived_from_the_answers_is_inside(n):
    pic = round_of(five_people()[:n])
    for field in dataclasses.fields(pic):
        if field.name not in META_FIELDS:
            assert getattr(pic, field.name) in ((), None), field.name
    assert pic.agreed == () and pic.split == ()


# --- the numbers, worked out by hand --------------------------------------------------------------------


def test_theme_means_and_intervals():
    pic = round_of(five_people())
    autonomy = mean_of(pic, "client_autonomy").estimate
    # 100, 100, 75, 50, 50: mean 75, deviations ±25 four times -> variance 2500 / 4, sd 25
    assert (autonomy.n, autonomy.mean, autonomy.sd) == (5, 75.0, 25.0)
    half = 2.77645 * 25 / math.sqrt(5)  # t(0.975, df 4)
    # 75 + half is 106: the range is cut at the top of the 0..100 scale
    assert autonomy.low == pytest.approx(75 - half, abs=1e-3) and autonomy.high == 100.0
    clash = mean_of(pic, "financial_benefit").estimate
    assert (clash.mean, clash.sd, clash.low, clash.high) == (75.0, 0.0, 75.0, 75.0)
    helping = mean_of(pic, "helping_people").estimate
    assert helping.mean == pytest.approx(40.0)  # (100 + 100 + 0 + 0 + 0) / 5
    personalisation = mean_of(pic, "personalisation").estimate
    assert personalisation is None  # the first said "n/a": 4 have a score, fewer than k, so it is withheld
    assert mean_of(round_of(five_people(), k=4), "personalisation").estimate.mean == pytest.approx(25.0)
    suffering = mean_of(pic, "recognising_suffering").estimate
    assert suffering.mean == 0.0


def test_alignment_index_and_its_spread():
    pic = round_of(five_people())
    # match minus clash per person: 25, 25, 0, -25, -25
    assert pic.alignment.n == 5 and pic.alignment.mean == pytest.approx(0.0)
    counts = {(b.lower, b.upper): b.count for b in pic.alignment_distribution}
    assert counts == {
        (-100, -75): 0,
        (-75, -50): 0,
        (-50, -25): 0,
        (-25, 0): 2,
        (0, 25): 1,
        (25, 50): 2,
        (50, 75): 0,
        (75, 100): 0,
    }


@pytest.mark.parametrize(
    ("theme_id", "value", "split", "note"),
    [
        # ca1, ca2 answered 5 5 4 3 3 and ca3 (reversed) 1 1 2 3 3: each variance 1; uniform variance of 5
        # options (25 - 1) / 12 = 2; r_wg(J) = 3 (1 - 1/2) / (3 (1 - 1/2) + 1/2) = 0.75
        ("client_autonomy", 0.75, False, None),
        ("financial_benefit", 1.0, False, None),  # everyone gave the same answers
        # 5 5 1 1 1: variance 4.8, more than uniformly random answers (2): no agreement at all
        ("helping_people", 0.0, True, MORE_SPREAD_THAN_UNIFORM),
    ],
)
def test_agreement_per_theme(theme_id, value, split, note):
    pic = round_of(five_people())
    agreement = mean_of(pic, theme_id).agreement
    assert agreement.value == pytest.approx(value) and agreement.split == split and agreement.note == note
    assert (mean_of(pic, theme_id) in pic.split) == split
    assert (mean_of(pic, theme_id) in pic.agreed) == (not split)


@pytest.mark.parametrize(
    ("theme_id", "low", "middle", "high", "not_enough", "fits", "clashes"),
    [
        ("client_autonomy", 0, 2, 3, 0, 3, 0),  # 100 100 75 high, 50 50 middle
        ("financial_benefit", 0, 0, 5, 0, 0, 5),  # a clash theme: high is a clash
        ("helping_people", 3, 0, 2, 0, 2, 3),
        ("personalisation", 3, 0, 1, 1, 1, 3),  # the first person has no score here (shown for k = 4)
        ("recognising_suffering", 5, 0, 0, 0, 0, 5),
    ],
)
def test_bands_per_theme(theme_id, low, middle, high, not_enough, fits, clashes):
    k = 5 - not_enough
    bands = next(b for b in round_of(five_people(), k=k).theme_bands if b.theme.id == theme_id)
    assert (bands.low, bands.middle, bands.high, bands.not_enough) == (low, middle, high, not_enough)
    assert (bands.fits, bands.clashes) == (fits, clashes)


def test_compassion_elements_and_answer_distributions():
    responses = five_people()
    pic = round_of(responses)
    elements = {e.element: e.estimate for e in pic.compassion}
    assert sorted(elements) == [1, 2, 3, 4, 5]
    assert elements[1].mean == 0.0  # only "recognising suffering" speaks to element 1
    assert elements[4].mean == 75.0
    for number, estimate in elements.items():
        scores = [s[f"element:{number}"] for _, s in responses if s[f"element:{number}"] is not None]
        assert estimate.mean == pytest.approx(sum(scores) / len(scores))
    # The first person answered some of an element's (or theme's) statements and said "not applicable" to
    # others: the mean with every statement's distribution would tell theirs, so those statements are withheld.
    items_of = figure_parts(instrument()).items_of
    likert = {i.item_id: i for i in pic.likert}
    assert len(likert) == len(instrument().items)
    for item_id, shown in likert.items():
        partial = any(
            is_partial(answers, items)
            for key, items in items_of.items()
            if item_id in items
            for answers, _ in responses
        )
        answered = sum(isinstance(answers.get(item_id), int) for answers, _ in responses)
        assert shown.withheld == (partial or 0 < answered < 5), item_id
    assert likert["ca1"].distribution.answered == 5
    assert likert["ca1"].distribution.percentages == {1: 0, 2: 0, 3: 40, 4: 20, 5: 40}
    assert likert["pe1"].withheld  # 4 answered it, fewer than k
    pe1 = {i.item_id: i for i in round_of(responses, k=4).likert}["pe1"].distribution
    assert pe1.not_applicable == 1 and pe1.na_rate == pytest.approx(20.0)


def test_where_to_start_and_its_prompts():
    pic = round_of(five_people())
    starts = [(s.theme.id, s.reasons) for s in pic.where_to_start]
    # both clash themes score 75 (misaligned); the widest split comes third
    assert starts == [
        ("financial_benefit", (MISALIGNED,)),
        ("technology_push", (MISALIGNED,)),
        ("helping_people", (SPLIT_VIEW,)),
    ]
    assert pic.where_to_start[0].question == instrument().domain("financial_benefit").interpretation.question["en"]
    # fb2 touches element 3; element 1 is rated lowest; technology push touches none; hp1 touches 5
    assert [(p.theme.id, p.element) for p in pic.prompts] == [
        ("financial_benefit", 3),
        ("financial_benefit", 1),
        ("technology_push", 1),
        ("helping_people", 5),
        ("helping_people", 1),
    ]
    first = pic.prompts[0]
    assert first.element_name == "Feeling for the person"
    assert first.description == instrument().elements[3].description["en"]
    assert first.text == t("workshop_report.prompt.element_3", "en", theme="Focus on financial benefit")


def _start(theme_id: str) -> StartingPoint:
    domain = instrument().domain(theme_id)
    return StartingPoint(
        Theme(domain.id, domain.side, domain.name["en"], domain.element),
        Estimate(5, 50, 1, 49, 51),
        50,
        None,
        (LEAST_ALIGNED,),
        "?",
    )


@pytest.mark.parametrize(
    ("theme_id", "lowest", "elements"),
    [
        ("financial_benefit", 1, (3, 1)),  # its own element, then the lowest rated
        ("financial_benefit", 3, (3,)),  # the same element only once
        ("technology_push", 1, (1,)),  # its statements touch no element: the lowest rated only
        ("technology_push", None, ()),  # and without element scores, no prompt
        ("recognising_suffering", 4, (1, 4)),  # a compassion theme is its element
        ("treatment_needs", 2, (5, 2)),
    ],
)
def test_prompt_rule(theme_id, lowest, elements):
    compassion = [
        ElementMean(n, f"element {n}", Estimate(5, 10.0 if n == lowest else 60.0, 1, 9, 11) if lowest else None)
        for n in range(1, 6)
    ]
    prompts = prompts_for([_start(theme_id)], compassion, instrument(), "nl")
    assert tuple(p.element for p in prompts) == elements
    assert all(p.text == t(f"workshop_report.prompt.element_{p.element}", "nl", theme=p.theme.name) for p in prompts)


def test_dutch_picture_uses_the_banks_dutch_words():
    pic = round_of(five_people(), language="nl")
    assert mean_of(pic, "client_autonomy").theme.name == instrument().domain("client_autonomy").name["nl"]
    assert pic.selection.label == "Ronde 1"
    assert pic.scale[0] == (1, instrument().scale.labels[1]["nl"])


# --- a short form ---------------------------------------------------------------------------------------


def short_form() -> Instrument:
    """The bank's 12-statement workshop form: two statements per organisation theme, one per element."""
    full = instrument()
    return derive_form(full, next(form for form in full.forms if form.id == "workshop"))


def test_a_short_form_gives_the_same_kind_of_picture():
    form = short_form()
    assert len(form.items) == 12
    pic = round_of(five_people(form), form=form)
    themes = [m.theme.id for m in pic.theme_means]
    assert themes == [d.id for d in form.domains] and "helping_people" not in themes
    assert pic.shown and len(pic.likert) == 12
    autonomy = mean_of(pic, "client_autonomy")
    assert autonomy.estimate.mean == 75.0 and autonomy.agreement.n_items == 2  # ca1 and ca3, same levels
    # two items of variance 1 against 2: r_wg(J) = 2 (1 - 1/2) / (2 (1 - 1/2) + 1/2) = 2/3, just split
    assert autonomy.agreement.value == pytest.approx(2 / 3) and autonomy.agreement.split
    assert mean_of(pic, "recognising_suffering").estimate.mean == 0.0  # rs1 alone
    # every element keeps a statement (element 5 through tn1, a match item)
    assert [e.element for e in pic.compassion] == [1, 2, 3, 4, 5]
    assert [s.theme.id for s in pic.where_to_start] == ["financial_benefit", "technology_push", "client_autonomy"]
    assert [(p.theme.id, p.element) for p in pic.prompts] == [
        ("financial_benefit", 3),
        ("financial_benefit", 1),
        ("technology_push", 1),
        ("client_autonomy", 1),
    ]


# --- two rounds -----------------------------------------------------------------------------------------


def test_comparison_of_two_shown_rounds():
    first = round_of(five_people())
    later = tuple(respond(instrument(), {"match": 5, "mismatch": 2, "value": 4, "compassion": 4}) for _ in range(6))
    second = round_of(later, round_no=2)
    compared = comparison(first, second)
    assert (compared.first_round, compared.second_round, compared.n1, compared.n2) == (1, 2, 5, 6)
    shifts = {s.theme.id: s for s in compared.themes}
    assert set(shifts) == {d.id for d in instrument().domains}
    autonomy, clash = shifts["client_autonomy"], shifts["financial_benefit"]
    assert (autonomy.first, autonomy.second, autonomy.change, autonomy.toward_fit) == (75, 100, 25, 25)
    assert (clash.first, clash.second, clash.change, clash.toward_fit) == (75, 25, -50, 50)  # less clash
    assert compared.alignment.first == pytest.approx(0) and compared.alignment.second == pytest.approx(75)
    assert compared.alignment.change == pytest.approx(75) and compared.alignment.theme is None


@pytest.mark.parametrize(("first_n", "second_n"), [(4, 5), (5, 4), (0, 5), (5, 0)])
def test_no_comparison_unless_both_rounds_are_shown(first_n, second_n):
    first = round_of(five_people()[:first_n])
    second = round_of(five_people()[:second_n], round_no=2)
    assert comparison(first, second) is None
