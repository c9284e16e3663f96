"""'Remember my results on this device': the pass opens the person's results for a day, and nothing else."""

from datetime import UTC, datetime, timedelta

import pytest

from services.errors import NotFound
from services.respond import device_pass, questionnaire


@pytest.fixture
def two_results(runtime):
    """Two submitted assessments with one resume code: (response ids, code)."""
    ids, code = [], None
    for intervention in ("Online CBT module", "Video consultations"):
        started = questionnaire.start_assessment(
            runtime, language="en", intervention=intervention, role=None, resume_code=code
        )
        code = code or started.resume_code
        answers = {item_id: 3 for item_id in runtime.instrument.required_ids}
        questionnaire.save_answers(runtime, token=started.draft_token, answers=answers, step=0)
        ids.append(questionnaire.submit(runtime, token=started.draft_token))
    return ids, code


def test_a_pass_opens_the_persons_results_and_is_not_the_code(runtime, two_results):
    ids, code = two_results
    token, ends = device_pass.issue(runtime, ids[0])
    assert code.replace("-", "") not in token.replace("-", "").upper()
    assert timedelta(hours=23, minutes=59) < ends - datetime.now(UTC) <= timedelta(hours=24)
    assert [v.response_id for v in device_pass.results(runtime, token)] == ids


def tampered(token: str, part: int, value: str) -> str:
    parts = token.split(".")
    parts[part] = value
    return ".".join(parts)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda token: tampered(token, 1, str(int(token.split(".")[1]) + 3600)),  # stretched by an hour
        lambda token: tampered(token, 0, str(int(token.split(".")[0]) + 1)),  # someone else's results
        lambda token: tampered(token, 2, "0" * 40),  # a made-up seal
        lambda token: token + "x",
        lambda token: "",
        lambda token: "1.2",
        lambda token: "a.b.c",
        lambda token: "9" * 100,
    ],
)
def test_a_spoiled_pass_opens_nothing(runtime, two_results, spoil):
    token, _ends = device_pass.issue(runtime, two_results[0][0])
    with pytest.raises(NotFound):
        device_pass.results(runtime, spoil(token))


def test_a_pass_ends_after_a_day(runtime, two_results):
    issued = datetime.now(UTC) - timedelta(hours=24, seconds=1)
    token, _ends = device_pass.issue(runtime, two_results[0][0], now=issued)
    with pytest.raises(NotFound):
        device_pass.results(runtime, token)
    assert device_pass.results(runtime, token, now=issued + timedelta(hours=23))
