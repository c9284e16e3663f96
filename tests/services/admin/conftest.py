"""The admin service tests' set-up: organisation North with two teams and an intervention (the admin `root`
is in tests/services/conftest.py)."""

from __future__ import annotations

import pytest

from services.admin import organisations


@pytest.fixture
def north(runtime, root):
    """Organisation North with teams a (12 people) and b, and one intervention: ids by name."""
    org = organisations.create_organisation(runtime, root, name="North")
    a = organisations.create_team(runtime, root, org.id, name="a", size=12)
    b = organisations.create_team(runtime, root, org.id, name="b")
    cbt = organisations.add_intervention(runtime, root, org.id, name="Online CBT")
    return {"org": org.id, "a": a.id, "b": b.id, "cbt": cbt.id}
