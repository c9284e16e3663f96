"""The results page's way back: the resume code (copy, save as a file) and, by choice, a day-long device pass.

A shared clinic computer is the case to design for: nothing is remembered unless the person turns it on,
the pass ends after a day (services.respond.device_pass), and "Forget now" deletes it at once.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import streamlit as st

from app_pages import shell, state_keys
from app_pages.shell import t
from services.errors import NotFound
from services.formatting import format_date, format_time
from services.respond import device_pass
from services.respond.resume_codes import normalise
from services.runtime import Runtime

COOKIE = "vm_remember"
TOGGLE_KEY = "remember-device"


def known_code() -> str | None:
    """The resume code this browser session knows (issued here or typed), in its canonical form."""
    return normalise(st.session_state.get(state_keys.NEW_CODE) or st.session_state.get(state_keys.RESUME_CODE) or "")


def recall(runtime: Runtime) -> None:
    """After a reload: the results the device pass in this browser's cookie opens become this session's."""
    if st.session_state.get(state_keys.RESULT_ID) in shell.owned_results():
        return
    token = st.context.cookies.get(COOKIE)
    if not isinstance(token, str) or not token or token == st.session_state.get(state_keys.PASS_DROPPED):
        return
    try:
        views = device_pass.results(runtime, token)
    except NotFound:
        st.session_state[state_keys.PASS_DROPPED] = token
        st.session_state[state_keys.PASS_ENDED] = True
        return
    owned = shell.owned_results()
    owned.extend(v.response_id for v in views if v.response_id not in owned)
    if views:
        st.session_state[state_keys.RESULT_ID] = views[-1].response_id
        ends = datetime.fromtimestamp(int(token.split(".")[1]), UTC)
        st.session_state[state_keys.PASS] = (token, ends)
        st.session_state.setdefault(TOGGLE_KEY, True)


def write_cookie() -> None:
    """Store the pass in the browser, or delete a forgotten one (a script: Streamlit sets no headers).
    Drawn on every run of the results page: a run cut short may never reach the browser."""
    secure = "; Secure" if (st.context.url or "").startswith("https:") else ""
    kept = st.session_state.get(state_keys.PASS)
    if kept:
        token, ends = kept
        age = max(0, int((ends - datetime.now(UTC)).total_seconds()))
    elif st.session_state.get(state_keys.PASS_DROPPED):
        token, age = "", 0
    else:
        return
    st.html(
        f"<script>document.cookie = '{COOKIE}={token}; path=/; max-age={age}; SameSite=Strict{secure}';</script>",
        unsafe_allow_javascript=True,
    )


def _remember_changed(runtime: Runtime, response_id: int) -> None:
    if st.session_state.get(TOGGLE_KEY):
        token, ends = device_pass.issue(runtime, response_id)
        st.session_state[state_keys.PASS] = (token, ends)
        st.session_state.pop(state_keys.PASS_DROPPED, None)
        st.session_state.pop(state_keys.PASS_FORGOTTEN, None)
    else:
        _forget()


def _forget() -> None:
    kept = st.session_state.pop(state_keys.PASS, None)
    st.session_state[state_keys.PASS_DROPPED] = kept[0] if kept else st.context.cookies.get(COOKIE) or "-"
    st.session_state[TOGGLE_KEY] = False
    st.session_state[state_keys.PASS_FORGOTTEN] = True


def _local(moment: datetime) -> datetime:
    try:
        return moment.astimezone(ZoneInfo(st.context.timezone or "UTC"))
    except (KeyError, ValueError):
        return moment


def copy_button(code: str) -> None:
    """A labelled button that copies the code (the code block's own icon shows only on hover)."""
    # json.dumps escapes nothing HTML-special on its own: "</" would end the script early.
    texts = json.dumps(
        {"code": code, "done": t("results.code_copied"), "failed": t("results.code_copy_failed")}
    ).replace("</", "<\\/")
    st.html(
        f"""<div class="vm-copy"><button type="button" id="vm-copy-code">{t("results.code_copy")}</button>
<span id="vm-copy-status" role="status" aria-live="polite"></span></div>
<style>.vm-copy button {{ font: inherit; padding: 0.3rem 0.8rem; border-radius: 0.5rem; cursor: pointer;
 border: 1px solid #767676; background: #fff; color: #1f1f1f; }}
.vm-copy button:focus-visible {{ outline: 3px solid #1f4e9b; outline-offset: 2px; }}
.vm-copy span {{ margin-left: 0.6rem; }}</style>
<script>(() => {{ const texts = {texts};
 const button = document.getElementById("vm-copy-code"), status = document.getElementById("vm-copy-status");
 if (!button || button.dataset.ready) return; button.dataset.ready = "1";
 button.addEventListener("click", async () => {{
   try {{ await navigator.clipboard.writeText(texts.code); status.textContent = texts.done; }}
   catch (e) {{ status.textContent = texts.failed; }} }}); }})();</script>""",
        unsafe_allow_javascript=True,
    )


def panel(runtime: Runtime, view) -> None:
    """The code with copy and save, and the choice to remember the results on this device."""
    code = known_code()
    with st.container(border=True, key="way-back"):
        st.markdown(f"**{t('results.keep_heading')}**")
        if code:
            st.markdown(t("results.code_reminder"))
            st.code(code, language=None)
            copy, save = st.columns([1, 3])
            with copy:
                copy_button(code)
            save.download_button(
                t("results.code_download"),
                data=t("results.code_file", code=code),
                file_name="valuematch-resume-code.txt",
                mime="text/plain",
                key="download-code",
                on_click="ignore",
            )
        else:
            st.caption(t("results.code_not_shown"))
        if state_keys.PASS in st.session_state and TOGGLE_KEY not in st.session_state:
            st.session_state[TOGGLE_KEY] = True
        st.toggle(
            t("results.remember"),
            key=TOGGLE_KEY,
            help=t("results.remember_help"),
            on_change=_remember_changed,
            args=(runtime, view.response_id),
        )
        kept = st.session_state.get(state_keys.PASS)
        if kept:
            ends, language = _local(kept[1]), st.session_state.get(state_keys.LANG, "en")
            st.caption(
                t("results.remembered_until", time=format_time(ends, language), date=format_date(ends, language))
            )
            st.button(t("results.forget"), key="forget-device", on_click=_forget)
        elif st.session_state.pop(state_keys.PASS_FORGOTTEN, False):
            st.success(t("results.forgotten"))
    write_cookie()
