"""The questionnaire's first screen: intervention, role, resume code; on a shared computer, is this someone else."""

import streamlit as st

from app_pages import paths, shell, state_keys
from app_pages.shell import plain, t
from questions import localise
from services.errors import InvalidInput, NotFound, TooManyAttempts, Unavailable
from services.respond import counting_rules, questionnaire
from services.runtime import Runtime


def keep_draft_in_url(token: str) -> None:
    st.session_state[state_keys.DRAFT] = token
    if st.query_params.get("draft") != token:
        st.query_params["draft"] = token


def someone_else(runtime: Runtime, language: str, marker: str) -> bool:
    """A browser answered through this team link before (a shared computer): whether the person said they
    are someone else. Until then the question is shown, and the one who answered before gets their result
    or their resume code instead of a second counted answer."""
    answer = st.session_state.get(state_keys.DEVICE_ANSWER)
    if answer == (marker, "someone_else"):
        return True
    st.markdown(t("invite.device_question"))
    other, same = st.columns(2)
    other.button(
        t("invite.device_someone_else"),
        key="device-someone-else",
        on_click=st.session_state.update,
        args=({state_keys.DEVICE_ANSWER: (marker, "someone_else")},),
    )
    same.button(
        t("invite.device_same_person"),
        key="device-same-person",
        on_click=st.session_state.update,
        args=({state_keys.DEVICE_ANSWER: (marker, "same")},),
    )
    if answer == (marker, "same"):
        same_person(runtime, language)
    return False


def same_person(runtime: Runtime, language: str) -> None:
    st.info(t("invite.device_same_lead"))
    owned = shell.owned_results()
    if owned:
        st.session_state[state_keys.RESULT_ID] = owned[-1]
        st.page_link(
            paths.your_results_or_history(len(owned)),
            label=t("invite.device_open_result"),
            query_params={"lang": language},
        )
    found = shell.resume_form(runtime, "device-resume-code")
    if found and found.open_drafts:
        keep_draft_in_url(found.open_drafts[0])
        st.rerun()
    if found:
        st.session_state[state_keys.RESULT_ID] = found.results[-1].response_id if found.results else None
        st.switch_page(paths.your_results_or_history(len(found.results)), query_params={"lang": language})


def setup_form(runtime: Runtime, language: str) -> None:
    st.title(t("assess.setup_title"))
    invitation = shell.invitation(runtime)
    device = marker = None
    again = False
    if invitation:
        device = shell.device_key()
        marker = counting_rules.device_marker(device, invitation.round_id, invitation.team_id)
        again = marker in shell.answered_links()
        if again and not someone_else(runtime, language, marker):
            return
        st.markdown(t("invite.counted", team=plain(invitation.team), k=invitation.min_group_size))
        st.markdown(t("assess.about_intervention", intervention=plain(invitation.intervention)))
        intervention = invitation.intervention
        known = []
    else:
        st.markdown(t("assess.setup_lead"))
        known = questionnaire.list_interventions(runtime) or t("assess.intervention_examples").split("|")
        intervention = st.selectbox(
            t("assess.intervention_label"),
            known,
            index=None,
            accept_new_options=True,
            placeholder=t("assess.intervention_placeholder"),
            help=t("assess.intervention_help"),
            key="setup-intervention",
        )
    roles = {r.id: localise(r.name, language) for r in runtime.instrument.roles}
    role = st.selectbox(
        t("assess.role_label"),
        list(roles),
        format_func=roles.__getitem__,
        index=None,
        placeholder=t("assess.role_placeholder"),
        key="setup-role",
    )
    with st.expander(t("assess.have_code")):
        code = st.text_input(
            t("assess.have_code_label"), key="setup-code", max_chars=40, placeholder="XXXX-XXXX-XXXX-XXXX"
        )
    pending = st.session_state.get(state_keys.NEAR_INTERVENTION)
    if pending and pending[0] != (intervention or ""):
        # The name was changed meanwhile: asked afresh on the next Begin.
        st.session_state.pop(state_keys.NEAR_INTERVENTION)
        pending = None
    if st.button(t("assess.begin"), type="primary", key="setup-begin"):
        typed = intervention or ""
        chosen = typed if typed in known else questionnaire.same_name(typed, known) or typed
        near = [] if chosen in known else questionnaire.near_matches(chosen, known)
        if near:
            st.session_state[state_keys.NEAR_INTERVENTION] = pending = (typed, near[0])
        else:
            begin(runtime, language, chosen, role, code, invitation, device, marker, again)
            return
    if pending:
        typed, suggestion = pending
        st.warning(t("assess.did_you_mean", typed=plain(typed), suggestion=plain(suggestion)))
        yes, no = st.columns(2)
        if yes.button(t("assess.use_suggestion", suggestion=plain(suggestion)), key="near-use-known"):
            begin(runtime, language, suggestion, role, code, invitation, device, marker, again)
        elif no.button(t("assess.keep_typed", typed=plain(typed)), key="near-keep-typed"):
            begin(runtime, language, typed, role, code, invitation, device, marker, again)


def begin(runtime: Runtime, language: str, intervention, role, code, invitation, device, marker, again) -> None:
    """Open the draft (issuing a resume code when none was given) and go to the first step."""
    st.session_state.pop(state_keys.NEAR_INTERVENTION, None)
    try:
        started = questionnaire.start_assessment(
            runtime,
            language=language,
            intervention=intervention or "",
            role=role,
            resume_code=code.strip() or None,
            client_key=shell.client_key(),
            invite_token=invitation.token if invitation else None,
            device_key=device,
            again_on_device=again,
        )
    except InvalidInput as exc:
        st.error(t(f"error.{exc}"))
    except TooManyAttempts as exc:
        st.error(t("error.too_many_attempts", seconds=exc.wait_seconds))
    except Unavailable:
        st.error(t("error.try_again"))
    except NotFound:
        st.error(t("error.resume_not_found"))
    else:
        st.session_state[state_keys.NEW_CODE] = started.resume_code
        if marker:
            shell.remember_link(marker)
            st.session_state.pop(state_keys.DEVICE_ANSWER, None)  # whoever comes next is asked again
        if started.device_limit_reached:
            st.session_state[state_keys.NOT_COUNTED] = (started.draft_token, "device_limit")
        if code.strip():
            st.session_state[state_keys.RESUME_CODE] = code.strip()
        keep_draft_in_url(started.draft_token)
        st.rerun()
