"""About the instrument: sources, what is from the study and what is our design, how scoring works."""

import streamlit as st

from app_pages import shell
from app_pages.shell import t
from questions import localise
from services.formatting import format_signed

runtime = shell.runtime_or_stop()
language = shell.current_language()
instrument = runtime.instrument

st.title(t("about.title"))
st.markdown(t("about.what"))
st.subheader(t("about.sources_heading"))
st.markdown(t("about.sources"))
st.subheader(t("about.ours_heading"))
st.markdown(t("about.ours"))
st.subheader(t("about.scoring_heading"))
st.markdown(
    t(
        "about.scoring",
        aligned=format_signed(instrument.alignment_bands.aligned_min, language),
        misaligned=format_signed(instrument.alignment_bands.misaligned_max, language),
    )
)
st.subheader(t("about.themes_heading"))
for side in ("match", "mismatch", "value", "compassion"):
    st.markdown(f"**{localise(instrument.sides[side], language)}**")
    for domain in instrument.domains_on(side):
        count = len(instrument.items_in(domain.id))
        st.markdown(
            f"- {localise(domain.name, language)} ({t('about.items', count=count)}): "
            f"{localise(domain.description, language)}"
        )
st.subheader(t("about.elements_heading"))
for element in instrument.elements.values():
    st.markdown(f"{element.number}. **{localise(element.name, language)}**: {localise(element.description, language)}")
st.subheader(t("about.version_heading"))
st.markdown(t("about.version", id=instrument.id, version=instrument.version, hash=instrument.content_hash[:12]))
