"""The action plan's files in a real browser: a manager prepares the plan as Excel (made and audited at that
click), then downloads it from the session; a changed filter takes the prepared file away. In English and Dutch;
screenshots in artifacts/screenshots/plan-exports-<language>-*.png, in Dutch with no English on them."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from services.accounts import auth
from services.actions import plan
from services.i18n import t
from tests.browser.conftest import wait_for_streamlit
from tests.browser.steps import click, screenshot_on_failure
from tests.browser.test_plan_follow_up_journey import PASSWORD, Journey, open_plan, seed, sign_in
from tests.browser.test_plan_follow_up_journey import site as site  # the fixture, by name

pytestmark = pytest.mark.xdist_group("actions-journeys")

DESCRIPTION = {"en": "Ask clients how they want to use it", "nl": "Vraag cliënten hoe ze het willen gebruiken"}


def theme_label(rt, account, organisation_id: int, language: str) -> str:
    choices = plan.plan_context(rt, account, organisation_id, language=language).targets
    return next(choice.label for choice in choices if choice.target.key == "theme:client_autonomy")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_manager_prepares_the_plan_then_downloads_it(browser, site, language):
    server, rt = site
    organisation_id = seed(rt, language)
    mia = auth.login(rt, "mia", PASSWORD, "seed").account
    plan.create_action(
        rt, mia, organisation_id, target="theme:client_autonomy", kind="act", description=DESCRIPTION[language]
    )
    context, page = sign_in(browser, server, language, "mia")
    with screenshot_on_failure(context, f"plan-exports-{language}"):
        open_plan(page, language)
        prepare = page.locator(".st-key-plan-export-xlsx-make button")
        expect(prepare).to_have_accessible_name(t("actions.prepare_xlsx", language))
        expect(page.locator(".st-key-plan-export-xlsx button")).to_have_count(0)  # nothing made by opening
        click(page, "plan-export-xlsx-make")
        download_button = page.locator(".st-key-plan-export-xlsx button")
        expect(download_button).to_have_accessible_name(t("actions.export_xlsx", language))
        Journey(language, "plan-exports").step(page, "1-prepared")
        with page.expect_download() as download:
            download_button.click()
        assert download.value.suggested_filename.endswith(".xlsx")
        sheet = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True).worksheets[0]
        cells = {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row}
        assert DESCRIPTION[language] in cells

        # Another filter (the action's own theme, so the same row): the file of the old filters is not offered.
        page.locator(".st-key-plan-filter-target input").first.click()
        page.get_by_role("option", name=theme_label(rt, mia, organisation_id, language), exact=True).click()
        wait_for_streamlit(page)
        expect(download_button).to_have_count(0)
        expect(prepare).to_be_visible()
