"""The question bank loader: valid banks load, invalid ones report every problem with its place."""

import copy
from pathlib import Path

import pytest
import yaml

from questions import QuestionBankError, content_hash, load_banks, load_instrument, parse_instrument
from questions.validation import check_bank

MINI = Path(__file__).parents[1] / "fixtures" / "mini-bank.yaml"


@pytest.fixture
def raw():
    return yaml.safe_load(MINI.read_text(encoding="utf-8"))


def test_mini_bank_loads():
    bank = load_instrument(MINI)
    assert bank.label == "mini 0.1"
    assert [d.id for d in bank.domains_on("match")] == ["autonomy", "needs"]
    assert bank.item("a2").reverse is True
    assert bank.question_ids[-2:] == ("imp_helping", "sup_helping")
    assert bank.required_ids == ("a1", "a2", "n1", "n2", "p1", "p2", "h1", "h2", "r1", "r2")


def test_shipped_banks_are_valid():
    banks = [b for b in load_banks().values() if b.form_id is None]  # short forms: tests/questions/test_forms.py
    assert banks, "no shipped question bank"
    for bank in banks:
        assert 20 <= len(bank.items) <= 32
        sides = {d.side for d in bank.domains}
        assert sides == {"match", "mismatch", "value", "compassion"}
        assert {d.element for d in bank.domains_on("compassion")} == {1, 2, 3, 4, 5}
        assert bank.languages == ("en", "nl")


def test_hash_ignores_formatting_but_not_content(raw):
    text = MINI.read_text(encoding="utf-8")
    assert parse_instrument("# comment\n" + text).content_hash == load_instrument(MINI).content_hash
    changed = copy.deepcopy(raw)
    changed["items"][0]["text"]["en"] = "reworded"
    assert content_hash(changed) != content_hash(raw)


def _set(path, value):
    def mutate(raw):
        target = raw
        for key in path[:-1]:
            target = target[key]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return mutate


CASES = [
    ("unknown key on item", _set(["items", 0, "colour"], "red"), "item 'a1', field 'colour': unknown key"),
    ("duplicate item id", _set(["items", 1, "id"], "a1"), "item 'a1', field 'id': duplicate id 'a1'"),
    (
        "missing translation",
        _set(["items", 2, "text"], {"en": "only english"}),
        "item 'n1', field 'text': missing translation 'nl'",
    ),
    ("empty translation", _set(["items", 2, "text"], {"en": "x", "nl": "  "}), "missing translation 'nl'"),
    ("bad reverse flag", _set(["items", 0, "reverse"], "yes"), "item 'a1', field 'reverse': must be true or false"),
    ("missing reverse", _set(["items", 0, "reverse"], KeyError), "item 'a1', field 'reverse': is missing"),
    ("unknown domain", _set(["items", 0, "domain"], "nowhere"), "item 'a1', field 'domain': unknown domain 'nowhere'"),
    ("side differs", _set(["items", 0, "side"], "mismatch"), "item 'a1', field 'side'"),
    ("element out of range", _set(["items", 0, "element"], 9), "item 'a1', field 'element'"),
    (
        "step names unknown item",
        _set(["steps", 0, "items"], ["a1", "a2", "n1", "n2", "p1", "p2", "zz"]),
        "step 'org', field 'items': unknown item 'zz'",
    ),
    (
        "item in no step",
        _set(["steps", 0, "items"], ["a1", "a2", "n1", "n2", "p1"]),
        "item 'p2', field 'steps': is in no step",
    ),
    ("scale labels incomplete", _set(["scale", "labels", 5], KeyError), "scale, field 'labels'"),
    ("value pair on match domain", _set(["value_pairs", 0, "domain"], "autonomy"), "is not a domain with side 'value'"),
    ("bands reversed", _set(["alignment_bands", "aligned", "min"], -50), "alignment_bands"),
    ("version not text", _set(["version"], 1.0), "field 'version'"),
    (
        "compassion domain without element",
        _set(["domains", 4, "element"], KeyError),
        "domain 'recognising', field 'element'",
    ),
]


@pytest.mark.parametrize("name, mutate, expected", CASES, ids=[c[0] for c in CASES])
def test_invalid_bank_names_file_item_and_field(raw, name, mutate, expected):
    mutate(raw)
    problems = check_bank(raw, "bank.yaml")
    assert any(expected in p for p in problems), problems
    assert all(p.startswith("bank.yaml: ") for p in problems)


def test_domain_with_too_few_items(raw):
    raw["items"] = [i for i in raw["items"] if i["id"] != "n2"]
    raw["steps"][0]["items"].remove("n2")
    problems = check_bank(raw, "bank.yaml")
    assert problems == ["bank.yaml: domain 'needs', field 'items': has 1 item(s); at least 2 needed"]


def test_every_problem_reported_at_once(raw):
    raw["items"][0]["reverse"] = "maybe"
    raw["items"][1]["text"] = {"en": "x"}
    raw["items"][2]["surprise"] = 1
    problems = check_bank(raw, "bank.yaml")
    assert len(problems) == 3, problems


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "must be a mapping"),
        ("id: [unclosed", "not valid YAML at line 1"),
        ("- a\n- b\n", "must be a mapping"),
    ],
)
def test_unreadable_files(text, expected):
    with pytest.raises(QuestionBankError) as err:
        parse_instrument(text, "broken.yaml")
    assert expected in str(err.value)


def test_missing_file_named(tmp_path):
    with pytest.raises(QuestionBankError, match="nope.yaml: file not found"):
        load_instrument(tmp_path / "nope.yaml")


def test_load_banks_reports_problems_of_every_file(tmp_path, raw):
    bad1, bad2 = copy.deepcopy(raw), copy.deepcopy(raw)
    bad1["items"][0]["reverse"] = "x"
    bad2["version"] = "0.2"
    bad2["items"][0]["text"] = {"en": "x"}
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(bad1), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(bad2), encoding="utf-8")
    with pytest.raises(QuestionBankError) as err:
        load_banks(tmp_path)
    assert any("a.yaml" in p and "reverse" in p for p in err.value.problems)
    assert any("b.yaml" in p and "missing translation 'nl'" in p for p in err.value.problems)


def test_same_version_twice_is_refused(tmp_path, raw):
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    raw["items"][0]["text"]["en"] = "changed wording, same version"
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(QuestionBankError, match="also defined in"):
        load_banks(tmp_path)
