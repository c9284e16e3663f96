"""Assessment: choose the intervention, then answer the items step by step; every answer is saved at once."""

import logging
import time

import streamlit as st

from app_pages import paths, shell, state_keys
from app_pages.chart_code import fetch_chart_code
from app_pages.respond.questionnaire_setup import keep_draft_in_url, setup_form
from app_pages.shell import plain, t
from questions import NOT_APPLICABLE, localise
from services.errors import IncompleteAnswers, InvalidInput, NotFound, Unavailable
from services.respond import questionnaire, workshop_join

runtime = shell.runtime_or_stop()
language = shell.current_language()
log = logging.getLogger("valuematch.questionnaire")


def save_answer(token: str, item_id: str) -> None:
    """A choice's callback: save it at once; the run it starts draws the draft the save returned."""
    choice = st.session_state[f"item-{item_id}"]
    if choice is None:
        # A person cannot un-choose a radio: an empty one is an older widget state that overlapping runs handed
        # this run (seen under load). Saving it would clear the stored answer the browser still shows.
        return
    keep_for_this_run(send_answers(token, {item_id: choice}))
    missing = st.session_state.get(state_keys.MISSING, [])
    if item_id in missing:
        st.session_state[state_keys.MISSING] = [q for q in missing if q != item_id]


def keep_for_this_run(draft) -> None:
    """Give the draft a callback's save returned to the run that follows (callbacks run first in a run),
    so that run draws it instead of reading the draft again: one click, one transaction."""
    if draft is not None:
        st.session_state[state_keys.SAVED_DRAFT] = draft


def this_runs_draft(token: str):
    """The draft this run draws: the one its callback saved, else read now. Taken out at once, so no
    later run draws it (only a run cut short before this line leaves one, a moment old, to the next)."""
    saved = st.session_state.pop(state_keys.SAVED_DRAFT, None)
    if saved is not None and saved.token == token:
        return saved
    return questionnaire.load_draft(runtime, token)


def send_answers(token: str, answers: dict):
    """Save answers (with any kept while the database was away); the new draft, or None if not saved.
    The draft's step is left alone: a late save from an older run must not undo a click on Next."""
    answers = {**st.session_state.get(state_keys.UNSAVED_ANSWERS, {}), **answers}
    try:
        draft = questionnaire.save_answers(runtime, token=token, answers=answers, step=None)
    except Unavailable:
        st.session_state[state_keys.UNSAVED_ANSWERS] = answers
        st.session_state[state_keys.TRY_AGAIN] = True
    except (InvalidInput, NotFound) as exc:
        # The service's reason is internal English: the server log keeps it, the page says it plainly.
        log.warning("an answer was not saved: %s: %s", type(exc).__name__, exc)
        st.session_state[state_keys.SAVE_ERROR] = token
    else:
        st.session_state.pop(state_keys.UNSAVED_ANSWERS, None)
        return draft
    return None


def choices_not_saved(token: str, items, stored: dict) -> dict:
    """Choices on the page whose save did not happen. Streamlit stops a run, callbacks included, when
    the next click arrives: a quick second click can cut the first one's save short."""
    last_token, last_shown = st.session_state.get(state_keys.SHOWN_ANSWERS, (None, {}))
    shown = {item: st.session_state[f"item-{item}"] for item in items if f"item-{item}" in st.session_state}
    return questionnaire.choices_not_saved(shown, stored, last_shown if last_token == token else {})


def save_unsaved(token: str, step: int | None):
    """Send the answers kept while the database was away (and the step); the saved draft. Raises Unavailable."""
    kept = st.session_state.get(state_keys.UNSAVED_ANSWERS, {})
    draft = questionnaire.save_answers(runtime, token=token, answers=kept, step=step)
    st.session_state.pop(state_keys.UNSAVED_ANSWERS, None)
    return draft


def go_to_step(token: str, step: int, leaving: tuple[str, ...] = (), stored: dict | None = None) -> None:
    # A double click on Next: its second click lands on the next step's Next button (same place), which
    # would skip a step unseen. A Next this soon after the Next that opened the step, with nothing
    # answered on it, is ignored.
    opened = st.session_state.get(state_keys.STEP_OPENED)
    double_click = (
        opened is not None
        and opened[:2] == (token, step - 1)
        and time.monotonic() - opened[2] < runtime.settings.double_click_seconds
        and bool(leaving)
        and all(st.session_state.get(f"item-{item}") is None for item in leaving)
    )
    try:
        st.session_state[state_keys.UNSAVED_ANSWERS] = {
            **st.session_state.get(state_keys.UNSAVED_ANSWERS, {}),
            **choices_not_saved(token, leaving, stored or {}),
        }
        keep_for_this_run(save_unsaved(token, None if double_click else step))
    except Unavailable:
        st.session_state[state_keys.TRY_AGAIN] = True
        return
    if not double_click:
        st.session_state[state_keys.STEP_OPENED] = (token, step, time.monotonic())
        st.session_state[state_keys.SCROLL_TOP] = True


def go_to_statement(token: str, step: int, item_id: str) -> None:
    """ "Go to step" after a missing answer: open its step and bring the statement itself into view."""
    go_to_step(token, step)
    if st.session_state.pop(state_keys.SCROLL_TOP, False):
        st.session_state[state_keys.SCROLL_TO] = item_id


def try_again_later(token: str) -> None:
    """The database is away: say so plainly; what was saved stays saved, and a click tries again."""
    st.session_state.pop(state_keys.TRY_AGAIN, None)  # said now
    st.error(t("error.try_again"))
    st.button(t("error.try_again_button"), key="try-again", type="primary", on_click=send_kept_answers, args=(token,))


def send_kept_answers(token: str) -> None:
    """The try-again click: send the answers kept meanwhile, so the progress counts them."""
    if st.session_state.get(state_keys.UNSAVED_ANSWERS):
        keep_for_this_run(send_answers(token, {}))


def scroll_to_statement(key: str) -> None:
    """Bring the widget with `key` to the middle of the screen and put the keyboard on it (once it is drawn)."""
    st.html(
        f"""<script>(() => {{ let tries = 0; const go = () => {{
  const el = document.querySelector(".st-key-{key}");
  if (!el) {{ if (tries++ < 40) setTimeout(go, 50); return; }}
  el.scrollIntoView({{block: "center"}});
  const first = el.querySelector("input"); if (first) first.focus({{preventScroll: true}}); }}; go(); }})();</script>""",
        unsafe_allow_javascript=True,
    )


def code_banner() -> None:
    code = st.session_state.get(state_keys.NEW_CODE)
    if code:
        with st.container(border=True):
            st.markdown(t("assess.code_banner", code=code))
            st.code(code, language=None)


def question(draft, number: int, item_id: str, missing: set[str]) -> None:
    instrument = draft.instrument
    options = [*instrument.scale.points, NOT_APPLICABLE]
    labels = {p: localise(instrument.scale.labels[p], language) for p in instrument.scale.points}
    labels[NOT_APPLICABLE] = localise(instrument.scale.not_applicable, language)
    answer = {**draft.answers, **st.session_state.get(state_keys.UNSAVED_ANSWERS, {})}.get(item_id)
    if item_id in missing and answer is None and st.session_state.get(f"item-{item_id}") is None:
        st.markdown(f":orange[**{t('assess.not_answered_marker')}**]")
    # Plain text: Streamlit also uses the label as the group's aria-label, where Markdown is read out.
    st.radio(
        f"{number}. {localise(instrument.question_text(item_id), language)}",
        options,
        index=options.index(answer) if answer in options else None,
        format_func=labels.get,
        horizontal=True,
        key=f"item-{item_id}",
        on_change=save_answer,
        args=(draft.token, item_id),
    )


def show_questionnaire(draft) -> None:
    instrument = draft.instrument
    steps = instrument.steps
    step = steps[draft.step]
    if missed := choices_not_saved(draft.token, step.items, draft.answers):
        draft = send_answers(draft.token, missed) or draft
    step_index = draft.step
    required = instrument.required_ids
    answered = sum(1 for q in required if draft.answers.get(q) is not None)
    missing = set(st.session_state.get(state_keys.MISSING, []))

    if st.session_state.pop(state_keys.SCROLL_TOP, False):
        shell.scroll_to_top(f"step {step_index}")
    st.header(localise(instrument.title, language))
    st.markdown(t("assess.about_intervention", intervention=plain(draft.intervention)))
    code_banner()
    if st.session_state.get(state_keys.NOT_COUNTED, (None,))[0] == draft.token:
        st.warning(t("invite.device_limit", limit=runtime.settings.link_device_limit))
    st.progress(
        answered / len(required),
        text=t("assess.progress", step=step_index + 1, steps=len(steps), answered=answered, total=len(required)),
    )
    if step_index == 0:
        st.info(localise(instrument.intro, language))
    st.subheader(localise(step.title, language))
    if any(q not in required for q in step.items):
        st.caption(t("assess.optional_step"))
    if st.session_state.pop(state_keys.SAVE_ERROR, None) == draft.token:
        st.error(t("error.not_saved"))
    if st.session_state.pop(state_keys.TRY_AGAIN, False):
        try_again_later(draft.token)
    first = sum(len(s.items) for s in steps[:step_index]) + 1
    for offset, item_id in enumerate(step.items):
        question(draft, first + offset, item_id, missing)
    if (target := st.session_state.pop(state_keys.SCROLL_TO, None)) in step.items:
        scroll_to_statement(f"item-{target}")
    shown = {item: st.session_state.get(f"item-{item}") for item in step.items}
    st.session_state[state_keys.SHOWN_ANSWERS] = (draft.token, shown)

    # Keys per step: a second click on "Next" that lands after the first one's run must not skip a step.
    back, forward = st.columns(2)
    if step_index > 0:
        back.button(
            t("assess.back"),
            key=f"step-back-{step_index}",
            on_click=go_to_step,
            args=(draft.token, step_index - 1, step.items, draft.answers),
        )
    if step_index < len(steps) - 1:
        forward.button(
            t("assess.next"),
            type="primary",
            key=f"step-next-{step_index}",
            on_click=go_to_step,
            args=(draft.token, step_index + 1, step.items, draft.answers),
        )
    else:
        fetch_chart_code()  # the results' charts come next: the browser fetches their code while this step is answered
        if forward.button(t("assess.submit"), type="primary", key="submit-assessment"):
            submit(draft)


def submit(draft) -> None:
    try:
        if st.session_state.get(state_keys.UNSAVED_ANSWERS):
            save_unsaved(draft.token, draft.step)
        response_id = questionnaire.submit(runtime, token=draft.token)
    except Unavailable:
        try_again_later(draft.token)
        return
    except IncompleteAnswers as exc:
        st.session_state[state_keys.MISSING] = exc.missing
        show_missing(draft, exc.missing)
        return
    st.session_state.pop(state_keys.MISSING, None)
    owned = shell.owned_results()
    if response_id not in owned:
        owned.append(response_id)
    st.session_state[state_keys.RESULT_ID] = response_id
    if draft.workshop_participant_id is not None:
        st.session_state[state_keys.LATE] = None
        st.session_state[state_keys.WORKSHOP_LATE] = not workshop_join.counted(runtime, response_id)
    else:
        kept, reason = st.session_state.get(state_keys.NOT_COUNTED, (None, None))
        st.session_state[state_keys.LATE] = (
            reason if kept == draft.token else questionnaire.not_counted_reason(runtime, token=draft.token)
        )
        st.session_state.pop(state_keys.WORKSHOP_LATE, None)
        st.session_state.pop(state_keys.WORKSHOP_CODE, None)
    st.session_state.pop(state_keys.DRAFT, None)
    st.session_state.pop(state_keys.INVITE, None)
    st.switch_page(paths.RESULTS, query_params={"lang": language})


def show_missing(draft, missing: list[str]) -> None:
    instrument = draft.instrument
    st.error(t("assess.missing_intro", count=len(missing)))
    number = 0
    for index, step in enumerate(instrument.steps):
        numbers = []
        for item_id in step.items:
            number += 1
            if item_id in missing:
                numbers.append(str(number))
        if numbers:
            first_missing = next(item_id for item_id in step.items if item_id in missing)
            st.markdown(t("assess.missing_step", step=localise(step.title, language), numbers=", ".join(numbers)))
            st.button(
                t("assess.go_to_step", step=index + 1),
                key=f"goto-step-{index}",
                on_click=go_to_statement,
                args=(draft.token, index, first_missing),
            )


shell.write_links_cookie()
token = st.query_params.get("draft") or st.session_state.get(state_keys.DRAFT)
if not token:
    setup_form(runtime, language)
else:
    try:
        draft = this_runs_draft(token)
    except NotFound:
        st.session_state.pop(state_keys.DRAFT, None)
        st.error(t("error.draft_not_found"))
        if st.button(t("assess.start_new"), key="start-new"):
            st.query_params.pop("draft", None)
            st.rerun()
    except Unavailable:
        try_again_later(token)
    else:
        keep_draft_in_url(token)
        if draft.submitted_response_id is not None:
            st.success(t("assess.already_submitted"))
            st.page_link(paths.RESULTS, label=t("nav.results"), query_params={"lang": language})
        else:
            show_questionnaire(draft)
