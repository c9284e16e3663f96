"""Result charts: every chart has a table and a summary in every language, and a missing score is
named as such everywhere and never drawn as 0."""

from pathlib import Path

import pytest
import yaml

from assessment import score_answers
from questions import BANKS_DIR, load_banks, load_instrument
from services import formatting
from services.i18n import LANGUAGES, t
from services.results import charts

FIXTURES = Path(__file__).parents[2] / "fixtures"
MINI = load_instrument(FIXTURES / "mini-bank.yaml")
# the shipped bank when it is there; a broken one fails loudly in tests/questions
BANKS = [MINI, *(load_banks().values() if any(BANKS_DIR.glob("*.yaml")) else [])]
GOLDEN = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (FIXTURES / "golden").glob("*.yaml")}


def answer_sets(instrument):
    """Named answer sets: everything answered, nothing answered, and half the themes not applicable."""
    full = {q: (i % 5) + 1 for i, q in enumerate(instrument.question_ids)}
    sparse = dict(full)
    for number, domain in enumerate(instrument.domains):
        if number % 2:
            sparse.update({item.id: "na" for item in instrument.items_in(domain.id)})
    for pair in instrument.value_pairs[:1]:
        sparse[pair.support.id] = "na"
    return {"full": full, "empty": {}, "sparse": sparse}


CASES = [(bank, name, language) for bank in BANKS for name in ("full", "empty", "sparse") for language in LANGUAGES]
IDS = [f"{bank.id}-{name}-{language}" for bank, name, language in CASES]


def plotted_values(figure):
    """Every numeric value a trace would draw (x of bars and points, r of polar points)."""
    for trace in figure.data:
        values = trace.r if trace.type == "scatterpolar" else trace.x
        yield from (v for v in (values or ()) if v is not None)


@pytest.mark.parametrize("bank, name, language", CASES, ids=IDS)
def test_every_chart_has_a_table_and_a_summary(bank, name, language):
    report = score_answers(bank, answer_sets(bank)[name])
    built = charts.build_all(bank, report, language)
    # a short form without importance/support questions has no value-gap chart, and with fewer than
    # three themes where higher means a better fit no radar (two axes draw a line)
    left_out = {"value_gap"} if not bank.value_pairs else set()
    if charts.radar_themes(bank) < charts.RADAR_MIN_THEMES:
        left_out.add("themes_radar")
    assert [c.name for c in built] == [n for n in charts.ORDER if n not in left_out]
    for chart in built:
        assert chart.title.strip() and chart.summary.strip(), chart.name
        assert not chart.table.empty and len(chart.table.columns) >= 2, chart.name
        assert chart.table.notna().all().all(), chart.name
        assert 200 <= chart.figure.layout.height <= 420, chart.name
        chart.figure.to_json()  # serialisable as the page will send it


@pytest.mark.parametrize("bank", BANKS, ids=[b.id for b in BANKS])
def test_nothing_answered_draws_nothing_and_says_so(bank):
    for language in LANGUAGES:
        missing = t("report.not_enough", language)
        report = score_answers(bank, {})
        for chart in charts.build_all(bank, report, language):
            assert list(plotted_values(chart.figure)) == [], chart.name  # not one 0 drawn for a missing score
            cells = chart.table.to_numpy().ravel().tolist()
            wanted = t("report.not_answered", language) if chart.name == "value_gap" else missing
            assert wanted in cells, chart.name
            assert "0" not in cells, chart.name


@pytest.mark.parametrize("form, has_radar", [(None, True), ("workshop", False)])
def test_the_radar_needs_three_themes(form, has_radar):
    instrument = next(b for b in BANKS if getattr(b, "form_id", None) == form and b is not MINI)
    report = score_answers(instrument, answer_sets(instrument)["full"])
    names = [c.name for c in charts.build_all(instrument, report, "en")]
    assert ("themes_radar" in names) is has_radar
    assert "match_vs_mismatch" in names


def test_missing_theme_is_named_in_table_and_absent_from_the_bars():
    case = GOLDEN["mini-not-enough"]  # push (mismatch) and helping (value) have no score
    report = score_answers(MINI, case["answers"])
    chart = charts.match_vs_mismatch(MINI, report, "nl")
    table = chart.table.set_index(t("chart.col.theme", "nl"))
    assert table.loc["Push", t("chart.col.score", "nl")] == "te weinig antwoorden"
    assert table.loc["Autonomie", t("chart.col.score", "nl")] == "0"  # a real 0 stays a 0
    mismatch_bars = chart.figure.data[1]
    assert list(mismatch_bars.x) == [None]
    assert any("te weinig" in (a.text or "") for a in chart.figure.layout.annotations)
    assert "te weinig antwoorden" in chart.summary  # no alignment index, said in words

    lens = charts.compassion_lens(MINI, report, "en")
    assert list(lens.figure.data[0].x) == [50.0, None, None, None, 0.0]
    assert lens.table.iloc[1][t("chart.col.score", "en")] == "not enough answers"
    assert "Universality" in lens.summary  # named as not enough answers


def test_alignment_and_gap_values_from_the_golden_file():
    report = score_answers(MINI, GOLDEN["mini-aligned"]["answers"])  # index 62.5, gap -75
    gauge = charts.alignment_gauge(MINI, report, "en")
    assert gauge.title == "Alignment index: +63"
    assert gauge.figure.data[0].x == (62.5,)
    assert "Aligned" in gauge.summary and "+63" in gauge.summary
    assert len(gauge.figure.layout.shapes) == 3  # the three shaded bands

    diverging = charts.match_vs_mismatch(MINI, report, "en")
    assert "+63" in diverging.title
    assert list(diverging.figure.data[1].x) == [-25.0]  # mismatch drawn to the left

    gap = charts.value_gap(MINI, report, "en")
    row = gap.table.iloc[0]
    assert (row.iloc[1], row.iloc[2], row.iloc[3]) == ("100", "25", "−75")
    assert "Helping" in gap.summary and "−75" in gap.summary


def test_value_gap_with_one_half_of_a_pair_answered():
    answers = dict(GOLDEN["mini-aligned"]["answers"], sup_helping="na")
    chart = charts.value_gap(MINI, score_answers(MINI, answers), "en")
    assert chart.table.iloc[0].tolist() == ["Helping", "100", "not answered", "not answered"]
    importance, support = chart.figure.data[1], chart.figure.data[2]
    assert importance.x == (100.0,) and support.x == (None,)
    assert chart.summary == t("chart.value_gap.summary_none", "en")


def test_radar_leaves_out_mismatch_themes_and_labels_missing_ones():
    report = score_answers(MINI, GOLDEN["mini-not-enough"]["answers"])
    radar = charts.themes_radar(MINI, report, "en")
    themes = radar.table[t("chart.col.theme", "en")].tolist()
    assert themes == ["Autonomy", "Needs", "Helping"]  # match, then own values; no "Push"
    outline = radar.figure.data[0]
    assert outline.r[2] is None and "not enough" in outline.theta[2]
    assert radar.figure.layout.polar.radialaxis.range == (0, 100)


@pytest.mark.parametrize(
    "value, text", [(None, "not enough answers"), (0, "0"), (37.5, "38"), (62.5, "63"), (99.9, "100"), (12.4, "12")]
)
def test_format_score(value, text):
    assert formatting.format_score(value, "en") == text


@pytest.mark.parametrize("value, text", [(62.5, "+63"), (-62.5, "−63"), (0.4, "0"), (-0.4, "0"), (-25, "−25")])
def test_format_signed(value, text):
    assert formatting.format_signed(value, "en") == text


def test_labels_are_localised():
    report = score_answers(MINI, GOLDEN["mini-aligned"]["answers"])
    english = charts.build_all(MINI, report, "en")
    dutch = charts.build_all(MINI, report, "nl")
    for en, nl in zip(english, dutch):
        assert en.title != nl.title and en.summary != nl.summary, en.name
        assert list(en.table.columns) != list(nl.table.columns), en.name
