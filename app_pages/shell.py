"""What every page shares: the runtime, the language (kept in the URL) and small display helpers."""

from __future__ import annotations

import re
from contextlib import contextmanager
from urllib.parse import urlsplit

import streamlit as st

from app_pages import state_keys, streamlit_language
from services import formatting, i18n
from services.accounts import client_address
from services.errors import NotFound, StartupError, TooManyAttempts, Unavailable
from services.respond import questionnaire
from services.runtime import Runtime, build_runtime

DEVICE_COOKIE = "vm_device"
# Markers of the team links this browser started answering through (services.respond.counting_rules.device_marker).
LINKS_COOKIE = "vm_links"
MAX_REMEMBERED_LINKS = 40
COOKIE_AGE_SECONDS = 2592000  # 30 days: longer than a survey round or a workshop


@st.cache_resource(show_spinner=False)
def _runtime() -> Runtime:
    return build_runtime()


def runtime_or_stop() -> Runtime:
    """The process-wide runtime; on a bad bank, database or setting the app stops with the reason."""
    try:
        return _runtime()
    except StartupError as exc:
        st.error("ValueMatch cannot start / ValueMatch kan niet starten")
        st.code(str(exc), language=None)
        st.stop()


def current_language() -> str:
    """The language from the URL (?lang=nl), else this session's, else the default; kept in the URL."""
    asked = st.query_params.get("lang")
    language = i18n.normalise_language(
        asked or st.session_state.get(state_keys.LANG) or _runtime().settings.default_language
    )
    if asked and asked != language:
        st.session_state[state_keys.LANG_WARNING] = asked
    st.session_state[state_keys.LANG] = language
    if st.query_params.get("lang") != language:
        st.query_params["lang"] = language
    return language


_PAGE_STYLE = """<style>
/* On a phone, answer options stack one per line instead of wrapping unevenly. */
@media (max-width: 640px) {
  [data-testid="stRadio"] [role="radiogroup"] { flex-direction: column !important; align-items: flex-start !important; gap: 0.35rem; }
}
/* Keyboard focus on an answer option: Streamlit shows only a faint grey (1.17:1); WCAG 2.4.7 wants it seen. */
[data-testid="stRadioOption"]:has(input:focus-visible) {
  outline: 3px solid #005A8C; outline-offset: 2px; border-radius: 4px;
}
/* Captions: Streamlit fades them with opacity 0.6 to 3.88:1 on white; this grey is 7:1 (WCAG 1.4.3). */
[data-testid="stCaptionContainer"] { color: #595959; opacity: 1 !important; }
</style>"""


# Streamlit exposes each answer option twice to a screen reader: as the radio (named by its label) and as
# the label's paragraph. The radio gets the name itself and the paragraph is hidden from the reader.
_RADIO_NAMES = """<script>
(() => {
  if (window.__vmRadioNames) return;
  const fix = () => {
    for (const option of document.querySelectorAll('[data-testid="stRadioOption"]')) {
      const input = option.querySelector('input[type="radio"]');
      const text = option.querySelector('[data-testid="stMarkdownContainer"]');
      if (!input || !text) continue;
      const name = text.textContent.trim();
      if (input.getAttribute('aria-label') !== name) input.setAttribute('aria-label', name);
      if (text.getAttribute('aria-hidden') !== 'true') text.setAttribute('aria-hidden', 'true');
    }
  };
  let queued = false;
  window.__vmRadioNames = new MutationObserver(() => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => { queued = false; fix(); });
  });
  window.__vmRadioNames.observe(document.body, {subtree: true, childList: true, characterData: true});
  fix();
})();
</script>"""


def page_style() -> None:
    """The app's own CSS and accessibility fixes, and the document's language (Streamlit always declares
    <html lang="en">)."""
    st.html(_PAGE_STYLE)
    st.html(_RADIO_NAMES, unsafe_allow_javascript=True)
    language = i18n.normalise_language(st.session_state.get(state_keys.LANG))
    st.html(f"<script>document.documentElement.lang = '{language}';</script>", unsafe_allow_javascript=True)
    streamlit_language.relabel(language)


def scroll_to_top(marker: str) -> None:
    """Bring the page back to its top after a step change (Streamlit keeps the scroll position)."""
    st.html(
        f"<script>/* {marker} */ for (const el of [document.scrollingElement, "
        '...document.querySelectorAll(\'[data-testid="stMain"], [data-testid="stAppViewContainer"]\')])'
        " { if (el) el.scrollTop = 0; }</script>",
        unsafe_allow_javascript=True,
    )


def t(key: str, **values: object) -> str:
    return i18n.t(key, st.session_state.get(state_keys.LANG, "en"), **values)


def language_switch() -> None:
    with st.sidebar:
        chosen = st.segmented_control(
            "Language / Taal",
            options=list(i18n.LANGUAGES),
            format_func=i18n.LANGUAGE_NAMES.__getitem__,
            default=st.session_state[state_keys.LANG],
            key="language-switch",
        )
        st.caption(t("shell.privacy_note"))
    if chosen and chosen != st.session_state[state_keys.LANG]:
        st.session_state[state_keys.LANG] = chosen
        st.query_params["lang"] = chosen
        st.rerun()
    if state_keys.LANG_WARNING in st.session_state:
        # The asked code comes from the link, so anyone can write it: shown inert and short.
        st.warning(t("shell.language_unknown", asked=plain(st.session_state.pop(state_keys.LANG_WARNING)[:20])))


def client_key() -> str:
    """Who is guessing codes or passwords, for the slow-downs: a hash of the client's address, taken from
    X-Forwarded-For only behind a proxy in VM_TRUSTED_PROXIES (services/accounts/client_address.py)."""
    peer = getattr(st.context, "ip_address", None)
    headers = st.context.headers
    forwarded = headers.get_all("X-Forwarded-For") if headers is not None else []
    address = client_address.client_address(
        peer if isinstance(peer, str) and peer else None, forwarded, _runtime().settings.trusted_proxies
    )
    return client_address.client_key(address)


def device_key() -> str:
    """This browser's key: from its cookie, else made now and stored in a cookie for the next visit.
    Workshops know a participant's device by it, team links a browser that answered before."""
    from services.respond import workshop_join

    from_cookie = st.context.cookies.get(DEVICE_COOKIE)
    if (
        isinstance(from_cookie, str)
        and len(from_cookie) in workshop_join.DEVICE_KEY_LENGTHS
        and from_cookie.replace("-", "").replace("_", "").isalnum()
    ):
        st.session_state[state_keys.DEVICE] = from_cookie
        return from_cookie
    key = st.session_state.setdefault(state_keys.DEVICE, workshop_join.new_device_key())
    # Read again by the server when this device next opens the app (reload, second tab, QR code).
    st.html(
        f"<script>document.cookie = '{DEVICE_COOKIE}={key}; path=/; max-age={COOKIE_AGE_SECONDS}; "
        "SameSite=Lax';</script>",
        unsafe_allow_javascript=True,
    )
    return key


def _links_in_cookie() -> list[str]:
    from services.respond.counting_rules import MARKER_LENGTH

    value = st.context.cookies.get(LINKS_COOKIE)
    if not isinstance(value, str) or len(value) > MAX_REMEMBERED_LINKS * (MARKER_LENGTH + 1):
        return []
    return [m for m in value.split(".") if len(m) == MARKER_LENGTH and all(c in "0123456789abcdef" for c in m)]


def answered_links() -> set[str]:
    """The team links this browser started answering through before (their markers): its cookie and
    this session."""
    return set(_links_in_cookie()) | set(st.session_state.get(state_keys.LINKS, []))


def remember_link(marker: str) -> None:
    """Remember that this browser started answering through a team link (write_links_cookie keeps it)."""
    kept = [m for m in st.session_state.get(state_keys.LINKS, []) if m != marker]
    st.session_state[state_keys.LINKS] = [*kept, marker][-MAX_REMEMBERED_LINKS:]


def write_links_cookie() -> None:
    """Store the remembered links in the browser's cookie. Drawn again in every run while this session
    knows links the cookie it was opened with does not: a run cut short may never reach the browser."""
    in_cookie = _links_in_cookie()
    new = [m for m in st.session_state.get(state_keys.LINKS, []) if m not in in_cookie]
    if not new:
        return
    links = ".".join([*in_cookie, *new][-MAX_REMEMBERED_LINKS:])  # hex markers only, checked above
    st.html(
        f"<script>document.cookie = '{LINKS_COOKIE}={links}; path=/; max-age={COOKIE_AGE_SECONDS}; "
        "SameSite=Lax';</script>",
        unsafe_allow_javascript=True,
    )


def show_chart(chart) -> None:
    """A chart with its plain-language summary and a table alternative."""
    st.markdown(f"**{chart.title}**")
    st.plotly_chart(
        chart.figure, key=f"chart-{chart.name}", width="stretch", config={"displayModeBar": False}, alt=chart.title
    )
    st.caption(chart.summary)
    with st.expander(t("shell.show_table")):
        st.dataframe(chart.table, hide_index=True, width="stretch")


def owned_results() -> list[int]:
    """Response ids this browser session may show: submitted here or opened with a resume code."""
    return st.session_state.setdefault(state_keys.OWNED_RESULTS, [])


# & too: "&lt;" typed by someone is shown as typed, not as "<".
_MARKDOWN_SPECIALS = "\\`*_{}[]()#+-.!|<>~$:&"
# The browser's Markdown turns bare web and e-mail addresses into links after parsing, so escaping does not stop
# it ("https\\://x" is still a link). An invisible word joiner in "://", "www." and before "@" does.
_AUTOLINK_STARTS = re.compile(r"(?<=:)(?=//)|(?i:(?<=www))(?=\.)|(?=@)")
WORD_JOINER = "\u2060"


def plain(text: str) -> str:
    """Free text made inert for st.markdown: no HTML, links (bare addresses too), images or formatting."""
    text = _AUTOLINK_STARTS.sub(WORD_JOINER, text)
    return "".join(f"\\{ch}" if ch in _MARKDOWN_SPECIALS else ch for ch in text)


def resume_form(runtime: Runtime, key: str):
    """The resume-code form; on a match the results become this session's and the find is returned."""
    with st.form(f"{key}-form", enter_to_submit=True):
        code = st.text_input(t("start.resume_label"), placeholder="XXXX-XXXX-XXXX-XXXX", key=key, max_chars=40)
        opened = st.form_submit_button(t("start.resume_button"))
    if not opened:
        return None
    try:
        found = questionnaire.resume(runtime, resume_code=code, client_key=client_key())
    except TooManyAttempts as exc:
        st.error(t("error.too_many_attempts", seconds=exc.wait_seconds))
        return None
    except NotFound:
        st.error(t("error.resume_not_found"))
        return None
    owned = owned_results()
    owned.extend(r.response_id for r in found.results if r.response_id not in owned)
    st.session_state[state_keys.RESUME_CODE] = code
    return found


def invitation(runtime: Runtime):
    """The team invitation of this visit (?invite=... in the URL, kept for the session), or None.

    A wrong or closed link is said once; the person can still answer for themselves.
    """
    from services.respond import invitations

    token = st.query_params.get("invite") or st.session_state.get(state_keys.INVITE)
    if not token:
        return None
    try:
        found = invitations.check_invitation(runtime, token)
    except NotFound:
        st.session_state.pop(state_keys.INVITE, None)
        st.query_params.pop("invite", None)
        st.warning(t("invite.not_found"))
        return None
    if not found.is_open:
        st.session_state.pop(state_keys.INVITE, None)
        st.query_params.pop("invite", None)
        language = st.session_state.get(state_keys.LANG, "en")
        st.warning(
            t(
                "invite.not_open",
                opens=formatting.format_date(found.opens_at, language),
                closes=formatting.format_date(found.closes_at, language),
            )
        )
        return None
    st.session_state[state_keys.INVITE] = token
    return found


def app_address(runtime: Runtime) -> str | None:
    """The app's root address for links: the setting, else this browser's address without path."""
    if runtime.settings.public_url:
        return runtime.settings.public_url
    parts = urlsplit(st.context.url or "")
    if not parts.scheme or not parts.netloc:
        return None
    base_path = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{parts.scheme}://{parts.netloc}" + (f"/{base_path}" if base_path else "")


@contextmanager
def database_away_message():
    """A plain message instead of a traceback when the database is away (services/db_errors.py)."""
    try:
        yield
    except Unavailable:
        st.error(t("error.unavailable"))
