"""Issue 15, the professional's journey: History with look-alike assessments, one number per name, one sign."""

import pytest

from app_pages import paths, state_keys
from services import formatting
from services.respond import questionnaire


def no_exceptions(at):
    assert [e.value for e in at.exception] == []


def submit(runtime, *, intervention="Mood-tracking app", code=None, answers=None):
    """A submitted assessment (with the person's resume code when given): (response id, resume code)."""
    started = questionnaire.start_assessment(
        runtime, language="en", intervention=intervention, role="nurse", resume_code=code
    )
    given = {item_id: (2 if item_id.startswith(("fb", "tp")) else 4) for item_id in runtime.instrument.required_ids}
    given.update(answers or {})
    questionnaire.save_answers(runtime, token=started.draft_token, answers=given, step=0)
    return questionnaire.submit(runtime, token=started.draft_token), started.resume_code or code


def open_with_code(app, code, lang="en"):
    at = app(query={"lang": lang})
    at.text_input(key="resume-code").input(code)
    at.button(key=next(b.key for b in at.button if b.proto.label in ("Open", "Openen"))).click().run()
    return at


def history_columns(at):
    return [str(c) for c in at.dataframe[0].value.columns]


def test_two_assessments_of_one_intervention_on_one_day_open_in_history(app, runtime):
    _first, code = submit(runtime)
    submit(runtime, code=code, answers={"ca1": 1, "ca2": 1})
    at = open_with_code(app, code)
    no_exceptions(at)
    columns = history_columns(at)
    assert len(columns) == 3 and len(set(columns)) == 3, columns  # two assessments and their change
    assert columns[-1] == "Change (same intervention)"
    assert "compared with your previous one of the same intervention" in " ".join(c.value for c in at.caption)


def test_history_does_not_present_two_interventions_as_a_change(app, runtime):
    _first, code = submit(runtime, intervention="Online CBT module")
    submit(runtime, code=code, intervention="Video consultations", answers={"ca1": 1, "ca2": 1})
    at = open_with_code(app, code)
    no_exceptions(at)
    assert "Change (same intervention)" not in history_columns(at)
    assert any("first one of this intervention" in i.value for i in at.info)
    assert not any(m.value.startswith(("Went up", "Went down")) for m in at.markdown)


def test_history_and_results_show_the_index_with_the_same_sign(app, runtime):
    response_id, code = submit(runtime)
    shown = formatting.format_signed(questionnaire.result(runtime, response_id).report.alignment_index, "en")
    assert shown == "+17"
    at = open_with_code(app, code)  # one result: opens Results
    no_exceptions(at)
    assert [m.value for m in at.metric] == [shown]
    at.switch_page(paths.HISTORY).run()
    table = at.dataframe[0].value
    assert table.loc["Alignment index"].tolist() == [shown]


def test_one_rounding_and_one_label_per_number_on_results(app, runtime):
    # rs1 agrees, rs2 (reverse-keyed) is neutral: "Recognising suffering" is exactly 62.5, shown as 63.
    response_id, _code = submit(runtime, answers={"rs1": 4, "rs2": 3})
    view = questionnaire.result(runtime, response_id)
    assert view.report.domain("recognising_suffering").score == 62.5
    at = app("results", state={state_keys.RESULT_ID: response_id, state_keys.OWNED_RESULTS: [response_id]})
    no_exceptions(at)
    labels = [e.label for e in at.expander]
    assert "Recognising suffering: 63 / 100" in labels
    theme_names = {label.split(":")[0] for label in labels}
    lens_table = next(d.value for d in at.dataframe if "Compassion element" in d.value.columns)
    lens_names = set(lens_table["Compassion element"])
    assert len(lens_names) == 5
    assert not lens_names & theme_names  # the lens's rows are not the themes' names
    assert all(name.endswith(", all statements") for name in lens_names)


@pytest.mark.parametrize("lang, suffix", [("nl", ", alle stellingen")])
def test_lens_rows_have_their_own_name_in_dutch(app, runtime, lang, suffix):
    response_id, _code = submit(runtime)
    at = app(
        "results",
        query={"lang": lang},
        state={state_keys.RESULT_ID: response_id, state_keys.OWNED_RESULTS: [response_id]},
    )
    no_exceptions(at)
    lens_table = next(d.value for d in at.dataframe if "Element van compassie" in d.value.columns)
    assert all(name.endswith(suffix) for name in lens_table["Element van compassie"])


def test_the_code_stays_on_results_with_copy_and_save_and_the_pdf_choice_is_off(app, runtime):
    _response_id, code = submit(runtime)
    at = open_with_code(app, code.lower())  # one result: Results opens, the code typed in lower case
    no_exceptions(at)
    assert code in [c.value for c in at.code]
    assert any("vm-copy-code" in h.proto.body for h in at.get("html"))
    downloads = {el.proto.label: el for el in at.get("download_button")}
    assert "Save the code (text file)" in downloads
    assert at.checkbox(key="code-in-pdf").value is False
    assert at.toggle(key="remember-device").value is False


def test_remembering_on_this_device_is_a_choice_with_forget_now(app, runtime):
    from app_pages.respond import keep_way_back
    from services.respond import device_pass

    response_id, code = submit(runtime)
    at = open_with_code(app, code)
    assert state_keys.PASS not in at.session_state
    at.toggle(key="remember-device").set_value(True).run()
    no_exceptions(at)
    token, _ends = at.session_state[state_keys.PASS]
    assert [v.response_id for v in device_pass.results(runtime, token)] == [response_id]
    assert any("remembers your results until" in c.value for c in at.caption)
    assert any(f"vm_remember={token}; path=/; max-age=" in h.proto.body for h in at.get("html"))
    at.button(key="forget-device").click().run()
    no_exceptions(at)
    assert state_keys.PASS not in at.session_state
    assert at.toggle(key="remember-device").value is False
    assert any("vm_remember=; path=/; max-age=0" in h.proto.body for h in at.get("html"))
    assert any("no longer remembers" in s.value for s in at.success)


@pytest.mark.parametrize(
    "lang, fragment",
    [("en", "Enter your resume code on the start page"), ("nl", "Vul dan je hervatcode in op de startpagina")],
)
def test_a_results_page_without_a_result_says_how_to_get_back(app, lang, fragment, texts):
    at = app("results", query={"lang": lang})
    no_exceptions(at)
    assert fragment in texts(at)
