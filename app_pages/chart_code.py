"""Streamlit's chart code, fetched by the browser before the first chart needs it.

Streamlit's Plotly bundle (4.7 MB of JavaScript) is loaded with the first chart a browser draws; on a first
visit that came to about a second after the page's own work (the dashboard at sign-in, the results after
submitting). A page that knows charts come next asks for it early; the charts then import the same module,
which the browser has already fetched and run.
"""

from pathlib import Path

import streamlit as st

# The bundle's file, named by Streamlit's build (its hash changes with the version); None when not found.
PLOTLY_BUNDLE = next(
    iter(sorted((Path(st.__file__).parent / "static" / "static" / "js").glob("PlotlyChart.*.js"))), None
)


def fetch_chart_code() -> None:
    """Have the browser fetch and run the chart bundle now, while the person reads or the server works, rather
    than when the first chart arrives. Nothing happens without the bundle (another Streamlit version)."""
    if PLOTLY_BUNDLE is not None:
        st.html(
            f"<script>import('./static/js/{PLOTLY_BUNDLE.name}').catch(() => {{}});</script>",
            unsafe_allow_javascript=True,
        )
