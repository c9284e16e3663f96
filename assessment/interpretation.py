"""Plain-language reading of a score report, in the respondent's language."""

from __future__ import annotations

from dataclasses import dataclass

from questions.model import Instrument, localise

from .scoring import ScoreReport


@dataclass(frozen=True)
class ThemeReading:
    domain: str
    side: str
    name: str
    description: str
    score: float | None
    band: str | None
    text: str | None  # None when the theme could not be scored
    question: str  # reflective question / conversation starter


@dataclass(frozen=True)
class AlignmentReading:
    index: float | None
    band: str | None
    label: str | None
    text: str | None


def theme_readings(instrument: Instrument, report: ScoreReport, language: str) -> list[ThemeReading]:
    """One reading per theme, in the instrument's order."""
    out = []
    for score in report.domains:
        domain = instrument.domain(score.domain)
        texts = domain.interpretation
        text = localise(getattr(texts, score.band), language) if score.band else None
        out.append(
            ThemeReading(
                domain.id,
                domain.side,
                localise(domain.name, language),
                localise(domain.description, language),
                score.score,
                score.band,
                text,
                localise(texts.question, language),
            )
        )
    return out


def alignment_reading(instrument: Instrument, report: ScoreReport, language: str) -> AlignmentReading:
    if report.alignment_band is None:
        return AlignmentReading(None, None, None, None)
    band = getattr(instrument.alignment_bands, report.alignment_band)
    return AlignmentReading(
        report.alignment_index, report.alignment_band, localise(band.label, language), localise(band.text, language)
    )


def where_to_start(readings: list[ThemeReading], limit: int = 2) -> list[ThemeReading]:
    """The themes that most call for a conversation: weakest match themes, strongest mismatch themes."""

    def tension(r: ThemeReading) -> float:
        if r.score is None or r.side not in ("match", "mismatch"):
            return -1.0
        return 100 - r.score if r.side == "match" else r.score

    ranked = sorted((r for r in readings if tension(r) >= 50), key=tension, reverse=True)
    return ranked[:limit]
