"""Result charts: plotly figures, each with a table and a plain-language summary as text alternatives.

Pure service code (no streamlit). Every label comes from the question bank or the `chart.*` /
`report.*` strings, so a chart reads the same in every language. A score that could not be
computed ("not enough answers") is never drawn as 0: it has no bar or point, and is named in the
chart, the table and the summary.
"""

from __future__ import annotations

from assessment.scoring import ScoreReport
from questions.model import Instrument
from services.output.chart_style import ChartWithTable
from services.results.alignment_chart import alignment_gauge
from services.results.lens_charts import compassion_lens, lens_names, value_gap
from services.results.theme_charts import match_vs_mismatch, themes_radar

# The charts by name, also for the callers that take them from here (the results page, the tests).
__all__ = [
    "ORDER",
    "RADAR_MIN_THEMES",
    "alignment_gauge",
    "build_all",
    "compassion_lens",
    "lens_names",
    "match_vs_mismatch",
    "radar_themes",
    "themes_radar",
    "value_gap",
]

ORDER = ("alignment_gauge", "match_vs_mismatch", "themes_radar", "compassion_lens", "value_gap")


RADAR_MIN_THEMES = 3


def radar_themes(instrument: Instrument) -> int:
    """How many axes the radar would have: the match themes and the own values."""
    return sum(len(instrument.domains_on(side)) for side in ("match", "value"))


def build_all(instrument: Instrument, report: ScoreReport, language: str) -> list[ChartWithTable]:
    """Every chart in the results page's `ORDER`; value_gap only with value pairs, the radar only with
    three or more axes (two draw a line; `match_vs_mismatch` shows those themes anyway)."""
    builders = {
        "alignment_gauge": alignment_gauge,
        "match_vs_mismatch": match_vs_mismatch,
        "themes_radar": themes_radar,
        "compassion_lens": compassion_lens,
        "value_gap": value_gap,
    }
    skip = {
        name
        for name, left_out in (
            ("value_gap", not report.gaps),
            ("themes_radar", radar_themes(instrument) < RADAR_MIN_THEMES),
        )
        if left_out
    }
    return [builders[name](instrument, report, language) for name in ORDER if name not in skip]
