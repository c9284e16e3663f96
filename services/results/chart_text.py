"""The text alternatives the result charts share: "X scores highest, Y lowest" and the table of themes."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from assessment.scoring import ScoreReport
from questions.model import Instrument, localise
from services.formatting import format_score, side_name
from services.i18n import t


def extremes_summary(rows: Sequence[tuple[str, float | None]], language: str, key: str) -> str:
    """ "X scores highest, Y lowest", with the one-score and no-score cases and the missing names."""
    scored = [(name, score) for name, score in rows if score is not None]
    missing = [name for name, score in rows if score is None]
    if not scored:
        return t(f"{key}.summary_none", language)
    top = max(scored, key=lambda row: row[1])
    low = min(scored, key=lambda row: row[1])
    if len(scored) == 1:
        text = t(f"{key}.summary_one", language, top=top[0], top_score=format_score(top[1], language))
    else:
        text = t(
            f"{key}.summary",
            language,
            top=top[0],
            top_score=format_score(top[1], language),
            low=low[0],
            low_score=format_score(low[1], language),
        )
    if missing:
        text += " " + t("chart.summary_missing", language, names=", ".join(missing))
    return text


def theme_table(instrument: Instrument, report: ScoreReport, language: str, sides: Sequence[str]) -> pd.DataFrame:
    rows = []
    for side in sides:
        for domain in instrument.domains_on(side):
            score = report.domain(domain.id)
            rows.append(
                {
                    t("chart.col.theme", language): localise(domain.name, language),
                    t("chart.col.side", language): side_name(instrument, side, language),
                    t("chart.col.score", language): format_score(score.score, language),
                    t("chart.col.answered", language): t(
                        "chart.answered_of", language, answered=score.answered, n=score.n_items
                    ),
                }
            )
    return pd.DataFrame(rows)
