"""Pages, driven through streamlit.testing.v1.AppTest on the real app and a real SQLite database."""

from datetime import UTC

import pytest
from sqlalchemy import func, select

from app_pages import paths, state_keys
from db.models import Response
from services.respond import questionnaire
from tests.support.downloads import download_button, record_media, served


def no_exceptions(at):
    assert [e.value for e in at.exception] == []


@pytest.mark.parametrize("lang, title_word", [("en", "values"), ("nl", "waarden")])
def test_start_page_in_both_languages(app, lang, title_word, texts):
    at = app(query={"lang": lang})
    no_exceptions(at)
    assert title_word in at.title[0].value
    assert "5" in texts(at)  # the minimum group size is shown before anyone answers
    assert at.query_params["lang"] == [lang] or at.query_params["lang"] == lang


def test_unknown_language_gets_a_message_and_english(app, texts):
    at = app(query={"lang": "xx"})
    no_exceptions(at)
    assert "'xx' is not available" in texts(at)


def test_language_switch_changes_every_string(app):
    at = app(query={"lang": "en"})
    at.segmented_control(key="language-switch").set_value("nl").run()
    no_exceptions(at)
    assert "waarden" in at.title[0].value


def test_starting_needs_an_intervention(app, texts):
    at = app("assessment")
    at.button(key="setup-begin").click().run()
    no_exceptions(at)
    assert "choose or type the digital intervention" in texts(at)
    assert "draft" not in at.query_params


def test_start_shows_code_first_step_and_keeps_draft_in_url(app, runtime):
    at = app("assessment")
    at.selectbox(key="setup-intervention").set_value("Video consultations").run()
    at.selectbox(key="setup-role").set_value("psychologist").run()
    at.button(key="setup-begin").click().run()
    no_exceptions(at)
    first_step = runtime.instrument.steps[0].items
    assert [r.key for r in at.radio] == [f"item-{i}" for i in first_step]
    code = at.session_state[state_keys.NEW_CODE]
    assert code in [c.value for c in at.code]
    assert at.query_params["draft"]


def test_answers_survive_a_reload(app, runtime):
    at = app("assessment")
    at.selectbox(key="setup-intervention").set_value("Video consultations").run()
    at.button(key="setup-begin").click().run()
    at.radio(key="item-ca1").set_value(5).run()
    at.radio(key="item-fb1").set_value("na").run()
    token = at.session_state[state_keys.DRAFT]
    reloaded = app("assessment", query={"draft": token})  # a new browser session, same URL
    no_exceptions(reloaded)
    assert reloaded.radio(key="item-ca1").value == 5
    assert reloaded.radio(key="item-fb1").value == "na"
    assert reloaded.radio(key="item-tn1").value is None


@pytest.mark.parametrize(
    "window, answer_first, steps",
    [
        ("10", False, [1, 1]),  # the second click of a double click: ignored
        ("10", True, [1, 2]),  # a quick person who answered on the step: goes on
        ("0", False, [1, 2]),  # the guard turned off
    ],
)
def test_a_double_click_on_next_moves_one_step(app, runtime, monkeypatch, window, answer_first, steps):
    """The second click of a double click lands on the next step's Next, at the same place: within the
    double-click window, with nothing answered on that step, it is ignored (a window of 10 s, the most
    allowed, makes the timing certain here)."""
    monkeypatch.setenv("VM_DOUBLE_CLICK_SECONDS", window)
    at = app("assessment")
    at.selectbox(key="setup-intervention").set_value("Video consultations").run()
    at.button(key="setup-begin").click().run()
    token = at.session_state[state_keys.DRAFT]
    at.button(key="step-next-0").click().run()
    reached = [questionnaire.load_draft(runtime, token).step]
    if answer_first:
        item = next(radio.key for radio in at.radio if radio.key.startswith("item-"))
        at.radio(key=item).set_value(4).run()
    at.button(key="step-next-1").click().run()
    no_exceptions(at)
    reached.append(questionnaire.load_draft(runtime, token).step)
    assert reached == steps
    assert [b.key for b in at.button if b.key.startswith("step-next-")] == [f"step-next-{steps[-1]}"]
    at.button(key=f"step-back-{steps[-1]}").click().run()
    assert questionnaire.load_draft(runtime, token).step == steps[-1] - 1  # Back is never held up


@pytest.mark.parametrize("then", ["next run", "next step at once"])
def test_a_choice_whose_save_was_cut_short_is_saved_later(app, runtime, monkeypatch, then):
    """Streamlit stops a run, callbacks included, when the next click arrives: the choice shown on
    the page is saved by the next run or by the click on "Next", not lost."""
    started = questionnaire.start_assessment(runtime, language="en", intervention="App", role=None)
    at = app("assessment", query={"draft": started.draft_token})
    save, cut = questionnaire.save_answers, []

    def cut_short_once(rt, *, token, answers, step):
        if not cut:
            cut.append(answers)
            return None
        return save(rt, token=token, answers=answers, step=step)

    monkeypatch.setattr(questionnaire, "save_answers", cut_short_once)
    at.radio(key="item-ca1").set_value(5)
    if then == "next step at once":
        at.button(key="step-next-0").click()
    at.run()
    no_exceptions(at)
    assert cut == [{"ca1": 5}]
    draft = questionnaire.load_draft(runtime, started.draft_token)
    assert draft.answers == {"ca1": 5}
    assert draft.step == (1 if then == "next step at once" else 0)


def test_unanswered_items_are_pointed_out_and_nothing_is_stored(app, runtime, texts):
    started = questionnaire.start_assessment(runtime, language="en", intervention="App", role=None)
    questionnaire.save_answers(
        runtime, token=started.draft_token, answers={"ca1": 3}, step=len(runtime.instrument.steps) - 1
    )
    at = app("assessment", query={"draft": started.draft_token})
    at.button(key="submit-assessment").click().run()
    no_exceptions(at)
    assert "still need an answer" in texts(at)
    assert any(b.key == "goto-step-0" for b in at.button)
    with runtime.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Response)) == 0


def test_complete_submit_goes_to_results_and_double_click_stores_one(app, runtime, texts):
    started = questionnaire.start_assessment(runtime, language="en", intervention="App", role=None)
    answers = {item_id: 3 for item_id in runtime.instrument.required_ids}
    questionnaire.save_answers(
        runtime, token=started.draft_token, answers=answers, step=len(runtime.instrument.steps) - 1
    )
    at = app("assessment", query={"draft": started.draft_token})
    at.button(key="submit-assessment").click().run()
    no_exceptions(at)
    assert "Your value match" in texts(at)
    again = app("assessment", query={"draft": started.draft_token})  # the same submit sent again
    no_exceptions(again)
    assert "has been submitted" in texts(again)
    with runtime.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Response)) == 1


def test_bogus_draft_link_gets_a_clear_message(app, texts):
    at = app("assessment", query={"draft": "<script>alert(1)</script>"})
    no_exceptions(at)
    assert "link is not valid" in texts(at)


def test_results_page_shows_everything_with_stable_keys(app, submitted, texts):
    response_id, _code = submitted
    at = app("results", state={state_keys.RESULT_ID: response_id, state_keys.OWNED_RESULTS: [response_id]})
    no_exceptions(at)
    page = texts(at)
    assert "tracking app" in page
    assert any(m.label == "Alignment index" for m in at.metric)
    assert "not norms" in page or "no norms" in page
    charts = at.get("plotly_chart")
    assert len(charts) >= 4
    assert len(at.dataframe) == len(charts)  # a table alternative for every chart
    chart_ids = " ".join(c.proto.id for c in charts)
    for name in ("match_vs_mismatch", "themes_radar", "compassion_lens", "value_gap"):
        assert f"chart-{name}" in chart_ids, name
    downloads = {el.proto.label for el in at.get("download_button")}
    assert downloads == {"My answers (CSV)", "My answers (JSON)"}  # the report is made at its own click
    assert at.button(key="download-pdf-make").label == "Prepare report (PDF)"


@pytest.mark.parametrize(
    "lang, make_label, label",
    [("en", "Prepare report (PDF)", "Report (PDF)"), ("nl", "Rapport klaarmaken (pdf)", "Rapport (pdf)")],
)
def test_the_report_is_made_at_its_click_and_again_when_the_code_in_it_changes(
    app, submitted, monkeypatch, lang, make_label, label
):
    media = record_media(monkeypatch)
    response_id, code = submitted
    state = {state_keys.RESULT_ID: response_id, state_keys.OWNED_RESULTS: [response_id], state_keys.RESUME_CODE: code}
    at = app("results", query={"lang": lang}, state=state)
    assert download_button(at, "download-pdf") is None
    assert at.button(key="download-pdf-make").label == make_label
    at.button(key="download-pdf-make").click().run()
    no_exceptions(at)
    report = download_button(at, "download-pdf")
    assert report is not None and report.proto.label == label
    assert served(media, report).startswith(b"%PDF-")
    at.checkbox(key="code-in-pdf").check().run()  # a report without the code is not handed out as one with it
    assert download_button(at, "download-pdf") is None
    at.button(key="download-pdf-make").click().run()
    assert served(media, download_button(at, "download-pdf")).startswith(b"%PDF-")


def test_results_are_private_to_the_session(app, submitted, texts):
    response_id, _code = submitted
    at = app("results", state={state_keys.RESULT_ID: response_id})  # not owned by this session
    no_exceptions(at)
    assert "no result to show" in texts(at)
    assert not at.metric


@pytest.mark.parametrize(
    "typed, expected",
    [
        (lambda code: code.lower().replace("-", " "), "Your value match"),
        (lambda code: "AAAA-AAAA-AAAA-AAAA", "No assessment was found"),
    ],
)
def test_resume_code_on_start_page(app, submitted, texts, typed, expected):
    _response_id, code = submitted
    at = app()
    at.text_input(key="resume-code").input(typed(code))
    next(b for b in at.button if b.proto.label == "Open").click().run()
    no_exceptions(at)
    assert expected in texts(at)


@pytest.mark.parametrize("lang, heading", [("en", "Where it comes from"), ("nl", "Waar het vandaan komt")])
def test_about_page(app, lang, heading):
    at = app("about", query={"lang": lang})
    no_exceptions(at)
    assert heading in [s.value for s in at.subheader]


def test_free_text_is_never_rendered_as_markup(app, runtime):
    started = questionnaire.start_assessment(
        runtime, language="en", role=None, intervention="<img src=x onerror=alert(1)> [link](http://evil.example)"
    )
    at = app("assessment", query={"draft": started.draft_token})
    no_exceptions(at)
    about = next(m.value for m in at.markdown if "img" in m.value)
    assert "\\<img" in about and "\\[link\\]" in about


def test_unwritable_database_stops_the_app_with_the_path(app, tmp_path, monkeypatch, texts):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{blocker / 'vm.db'}")
    at = app()
    no_exceptions(at)
    assert "cannot start" in texts(at)
    assert str(blocker) in "\n".join(c.value for c in at.code)
    assert not at.button


def test_invalid_question_bank_stops_the_app_listing_every_problem(app, tmp_path, monkeypatch, repo_root):
    banks = tmp_path / "banks"
    banks.mkdir()
    text = (repo_root / "questions/banks/valuematch-1.0.yaml").read_text(encoding="utf-8")
    broken = text.replace("reverse: false", "reverse: maybe", 1).replace("id: ca2", "id: ca1", 1)
    (banks / "valuematch-1.0.yaml").write_text(broken, encoding="utf-8")
    monkeypatch.setenv("VM_QUESTION_BANKS_DIR", str(banks))
    at = app()
    no_exceptions(at)
    message = "\n".join(c.value for c in at.code)
    assert "field 'reverse': must be true or false" in message
    assert "duplicate id 'ca1'" in message
    assert not at.button


def test_invitation_link_shows_who_invites_and_fixes_the_intervention(app, runtime, texts):
    from datetime import datetime, timedelta, timezone

    from db import interventions as db_interventions
    from db import organisations as db_organisations

    now = datetime.now(UTC)
    with runtime.sessions.begin() as session:
        org = db_organisations.create_organisation(session, name="GGZ Oost", min_group_size=7)
        team = db_organisations.create_team(session, organisation_id=org.id, name="Team Noord")
        intervention = db_interventions.add_intervention(session, name="Beeldbellen", organisation_id=org.id)
        _, tokens = db_organisations.create_round(
            session,
            organisation_id=org.id,
            intervention_id=intervention.id,
            name="Voorjaar",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=9),
            instrument_hash=runtime.instrument.content_hash,
            team_ids=[team.id],
        )
    at = app(query={"invite": tokens[team.id]})
    no_exceptions(at)
    assert "Team Noord" in texts(at) and "**7**" in texts(at)
    at.switch_page(paths.QUESTIONNAIRE).run()
    no_exceptions(at)
    assert not any(s.key == "setup-intervention" for s in at.selectbox)
    at.button(key="setup-begin").click().run()
    no_exceptions(at)
    draft = questionnaire.load_draft(runtime, at.session_state[state_keys.DRAFT])
    assert draft.team_id == team.id and draft.intervention == "Beeldbellen"


def test_wrong_invitation_link_says_so_and_offers_a_personal_assessment(app, texts):
    at = app(query={"invite": "no-such-link"})
    no_exceptions(at)
    assert "invitation link is not valid" in texts(at)
