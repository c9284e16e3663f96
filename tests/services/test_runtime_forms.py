"""The runtime finds short forms by id and by hash, and never offers one as the newest bank."""

import pytest

from services.errors import InvalidInput
from services.runtime import newest


def test_form_none_is_the_full_instrument(runtime):
    assert runtime.form(None) is runtime.instrument


def test_form_by_id_is_the_loaded_form(runtime):
    form = runtime.form("workshop")
    assert form.form_id == "workshop" and form.parent_hash == runtime.instrument.content_hash
    assert runtime.bank(form.content_hash) is form
    assert len(form.items) == 12


def test_unknown_form(runtime):
    with pytest.raises(InvalidInput, match="form_unknown"):
        runtime.form("nope")


def test_newest_is_never_a_form(runtime):
    assert runtime.instrument.form_id is None
    forms_first = dict(sorted(runtime.banks.items(), key=lambda kv: kv[1].form_id is None))
    assert newest(forms_first, "valuematch") is runtime.instrument
