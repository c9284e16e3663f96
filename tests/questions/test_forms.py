"""Short forms: strict checks of the `forms:` section, the derived instrument and the hash rules."""

import copy
from pathlib import Path

import pytest
import yaml

from questions import (
    BANKS_DIR,
    bank_hash,
    content_hash,
    derive_form,
    form_hash,
    load_banks,
    load_instrument,
    parse_instrument,
)
from questions.form_validation import MAX_FORM_ITEMS, MIN_FORM_ITEMS
from questions.validation import check_bank

MINI = Path(__file__).parents[1] / "fixtures" / "mini-bank.yaml"
SHIPPED = BANKS_DIR / "valuematch-1.0.yaml"
SHORT = {
    "id": "short",
    "name": {"en": "Short", "nl": "Kort"},
    "description": {"en": "Six", "nl": "Zes"},
    "items": ["a1", "a2", "n1", "n2", "p1", "p2"],
}


@pytest.fixture
def raw():
    bank = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    bank["forms"] = [copy.deepcopy(SHORT)]
    return bank


@pytest.fixture(scope="module")
def shipped():
    return load_instrument(SHIPPED)


def _form(**changes):
    def mutate(raw):
        for key, value in changes.items():
            if value is KeyError:
                del raw["forms"][0][key]
            else:
                raw["forms"][0][key] = value

    return mutate


def _items(*ids):
    return _form(items=list(ids))


def _second_form(**changes):
    def mutate(raw):
        raw["forms"].append({**copy.deepcopy(SHORT), **changes})

    return mutate


ITEMS_OK = SHORT["items"]
WHERE = "bank.yaml: form 'short', field"
CASES = [
    ("unknown key", _form(colour="red"), [f"{WHERE} 'colour': unknown key (allowed: description, id, items, name)"]),
    ("missing id", _form(id=KeyError), ["bank.yaml: form '#1', field 'id': is missing"]),
    ("missing name", _form(name=KeyError), [f"{WHERE} 'name': is missing"]),
    ("missing description", _form(description=KeyError), [f"{WHERE} 'description': is missing"]),
    ("missing items", _form(items=KeyError), [f"{WHERE} 'items': is missing"]),
    ("items not a list", _form(items="a1"), [f"{WHERE} 'items': must be a non-empty list of item ids"]),
    ("empty items", _form(items=[]), [f"{WHERE} 'items': must be a non-empty list of item ids"]),
    (
        "id pattern",
        _form(id="Short form"),
        ["bank.yaml: form 'Short form', field 'id': must be lower-case letters, digits, '-' or '_'"],
    ),
    ("id with hyphen is fine", _form(id="short-1"), []),
    ("duplicate id", _second_form(), [f"{WHERE} 'id': duplicate id 'short'"]),
    ("missing name translation", _form(name={"en": "Short"}), [f"{WHERE} 'name': missing translation 'nl'"]),
    (
        "empty description translation",
        _form(description={"en": "Six", "nl": " "}),
        [f"{WHERE} 'description': missing translation 'nl'"],
    ),
    ("unknown item", _items(*ITEMS_OK, "zz"), [f"{WHERE} 'items': unknown item 'zz'"]),
    ("item listed twice", _items(*ITEMS_OK, "a1"), [f"{WHERE} 'items': item 'a1' is listed twice"]),
    (
        "pair question alone",
        _items(*ITEMS_OK, "imp_helping"),
        [f"{WHERE} 'items': 'imp_helping' needs its pair question 'sup_helping' in the form too"],
    ),
    ("whole pair is fine", _items(*ITEMS_OK, "sup_helping", "imp_helping"), []),
    (
        "match domain too thin",
        _items("a1", "a2", "n1", "h1", "p1", "p2"),
        [f"{WHERE} 'items': keeps 1 item(s) of domain 'needs'; at least 2 needed"],
    ),
    (
        "mismatch domain missing",
        _items("a1", "a2", "n1", "n2", "h1", "r1"),
        [f"{WHERE} 'items': keeps 0 item(s) of domain 'push'; at least 2 needed"],
    ),
    (
        "too few items",
        _items("a1", "a2", "n1", "n2", "p1"),
        [
            f"{WHERE} 'items': has 5 item(s); a form needs {MIN_FORM_ITEMS} to {MAX_FORM_ITEMS}",
            f"{WHERE} 'items': keeps 1 item(s) of domain 'push'; at least 2 needed",
        ],
    ),
    (
        "pair questions do not count as items",
        _items("a1", "a2", "n1", "n2", "p1", "imp_helping", "sup_helping"),
        [
            f"{WHERE} 'items': has 5 item(s); a form needs {MIN_FORM_ITEMS} to {MAX_FORM_ITEMS}",
            f"{WHERE} 'items': keeps 1 item(s) of domain 'push'; at least 2 needed",
        ],
    ),
]


@pytest.mark.parametrize("name, mutate, expected", CASES, ids=[c[0] for c in CASES])
def test_form_rules(raw, name, mutate, expected):
    mutate(raw)
    assert check_bank(raw, "bank.yaml") == expected


@pytest.mark.parametrize(
    "forms, expected",
    [
        ({"id": "x"}, ["bank.yaml: top level, field 'forms': must be a list"]),
        (["x"], ["bank.yaml: form #1: must be a mapping of keys to values"]),
        ([], []),
    ],
)
def test_forms_section_shape(raw, forms, expected):
    raw["forms"] = forms
    assert check_bank(raw, "bank.yaml")[: len(expected) or None] == expected


def test_too_many_items_for_a_form():
    raw = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    raw["forms"][0]["items"] = [i["id"] for i in raw["items"]][: MAX_FORM_ITEMS + 1]
    expected = (
        f"bank.yaml: form 'workshop', field 'items': has {MAX_FORM_ITEMS + 1} item(s); "
        f"a form needs {MIN_FORM_ITEMS} to {MAX_FORM_ITEMS}"
    )
    assert check_bank(raw, "bank.yaml") == [expected]


def test_every_form_problem_reported_at_once(raw):
    raw["forms"][0].update(colour="red", name={"en": "Short"}, items=["a1", "a1", "zz"])
    raw["forms"].append({**copy.deepcopy(SHORT), "id": "Bad"})
    problems = check_bank(raw, "bank.yaml")
    assert len(problems) == 9, problems  # colour, nl, twice, zz, count, needs, push, autonomy, id


# --- the derived instrument -------------------------------------------------------------------


def test_workshop_form_of_the_shipped_bank(shipped):
    form = derive_form(shipped, shipped.form("workshop"))
    assert form.label == "valuematch 1.0 (workshop)"
    assert (form.id, form.version, form.form_id, form.forms) == ("valuematch", "1.0", "workshop", ())
    assert form.parent_hash == shipped.content_hash != form.content_hash
    assert form.required_ids == ("ca1", "ca3", "tn1", "tn2", "fb1", "fb2", "tp1", "tp3", "rs1", "un1", "fp1", "td1")
    # Steps keep the bank's order, and their own item order; the value and importance steps go.
    assert [(s.id, s.items) for s in form.steps] == [
        ("organisation", ("ca1", "fb1", "tn1", "tp1", "ca3", "tp3", "fb2", "tn2")),
        ("compassion", ("rs1", "un1", "td1", "fp1")),
    ]
    assert form.value_pairs == ()
    assert [d.id for d in form.domains] == [
        "client_autonomy",
        "treatment_needs",
        "financial_benefit",
        "technology_push",
        "recognising_suffering",
        "universality",
        "feeling_for_the_person",
        "tolerating_discomfort",
    ]
    assert [i.id for i in form.items_in("financial_benefit")] == ["fb1", "fb2"]
    assert {n: [i.id for i in form.lens_items(n)] for n in form.elements} == {
        1: ["rs1"],
        2: ["un1"],
        3: ["fb2", "fp1"],
        4: ["td1"],
        5: ["tn1"],
    }
    assert form.title == shipped.title and form.scale == shipped.scale and form.roles == shipped.roles


def test_shipped_forms_are_short_and_cover_every_theme_and_element():
    banks = load_banks()
    forms = [b for b in banks.values() if b.form_id is not None]
    assert [f.label for f in forms] == ["valuematch 1.0 (workshop)"]
    for form in forms:
        parent = banks[form.parent_hash]
        assert 8 <= len(form.items) <= 12
        for domain in parent.domains_on("match") + parent.domains_on("mismatch"):
            assert len(form.items_in(domain.id)) >= 2, domain.id
        assert all(form.lens_items(n) for n in parent.elements)


def test_a_pair_is_kept_with_its_domain(raw):
    raw["forms"][0]["items"] = ["a1", "a2", "n1", "n2", "p1", "p2", "imp_helping", "sup_helping"]
    bank = parse_instrument(yaml.safe_dump(raw, allow_unicode=True), "bank.yaml")
    form = derive_form(bank, bank.forms[0])
    assert [p.domain for p in form.value_pairs] == ["helping"]
    assert [d.id for d in form.domains] == ["autonomy", "needs", "push", "helping"]
    assert form.items_in("helping") == ()
    assert form.question_ids == ("a1", "a2", "n1", "n2", "p1", "p2", "imp_helping", "sup_helping")


# --- hashes and loading -----------------------------------------------------------------------


def test_forms_leave_the_bank_hash_alone(raw, shipped):
    without = {k: v for k, v in raw.items() if k != "forms"}
    assert bank_hash(raw) == content_hash(without)
    assert load_instrument(MINI).content_hash == content_hash(without)
    text = SHIPPED.read_text(encoding="utf-8")
    stripped = text[: text.index("\nforms:")]
    assert parse_instrument(stripped).content_hash == shipped.content_hash


def test_form_hash_is_its_bank_hash_and_entry(raw):
    bank = parse_instrument(yaml.safe_dump(raw, allow_unicode=True))
    expected = content_hash({"bank": bank.content_hash, "form": SHORT})
    assert form_hash(bank.content_hash, bank.forms[0]) == expected
    assert derive_form(bank, bank.forms[0]).content_hash == expected
    raw["forms"][0]["name"]["en"] = "Renamed"
    renamed = parse_instrument(yaml.safe_dump(raw, allow_unicode=True))
    assert renamed.content_hash == bank.content_hash
    assert derive_form(renamed, renamed.forms[0]).content_hash != expected


def test_load_banks_adds_each_form_after_its_bank(tmp_path, raw):
    (tmp_path / "mini.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    banks = load_banks(tmp_path)
    bank, form = banks.values()
    assert (bank.form_id, form.form_id) == (None, "short")
    assert list(banks) == [bank.content_hash, form.content_hash]
    assert form.parent_hash == bank.content_hash and bank.forms[0].id == "short"
