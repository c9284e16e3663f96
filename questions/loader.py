"""Reading question bank files: strict validation, then immutable objects and a content hash."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from .errors import QuestionBankError
from .forms import derive_forms
from .hashing import bank_hash
from .model import (
    AlignmentBands,
    Band,
    Domain,
    Element,
    Form,
    Instrument,
    Interpretation,
    Item,
    PairQuestion,
    Role,
    Scale,
    Step,
    ValuePair,
)
from .validation import check_bank
from .yaml_file import parse_yaml, read_text

BANKS_DIR = Path(__file__).parent / "banks"


def load_instrument(path: str | Path) -> Instrument:
    """Read and validate one bank file; raises QuestionBankError listing every problem."""
    text, source = read_text(path, QuestionBankError)
    return parse_instrument(text, source)


def parse_instrument(text: str, source: str = "<text>") -> Instrument:
    """Validate and build an instrument from YAML text."""
    raw = parse_yaml(text, source, QuestionBankError)
    problems = check_bank(raw, source)
    if problems:
        raise QuestionBankError(source, problems)
    return _build(raw, source)


def load_banks(directory: str | Path = BANKS_DIR) -> dict[str, Instrument]:
    """Every bank in a folder, each followed by its derived forms, by content hash; all files are checked
    and all problems reported together."""
    directory = Path(directory)
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not files:
        raise QuestionBankError(str(directory), [f"{directory}: no question bank (*.yaml) found"])
    banks: dict[str, Instrument] = {}
    problems: list[str] = []
    seen_versions: dict[tuple[str, str], str] = {}
    for path in files:
        try:
            instrument = load_instrument(path)
        except QuestionBankError as exc:
            problems.extend(exc.problems)
            continue
        key = (instrument.id, instrument.version)
        if key in seen_versions:
            problems.append(
                f"{path}: top level, field 'version': {instrument.label} is also defined in {seen_versions[key]}"
            )
            continue
        seen_versions[key] = str(path)
        banks[instrument.content_hash] = instrument
        for form in derive_forms(instrument):
            banks[form.content_hash] = form
    if problems:
        raise QuestionBankError(str(directory), problems)
    return banks


def _text(value: dict) -> MappingProxyType:
    return MappingProxyType({str(k): str(v) for k, v in value.items()})


def _build(raw: dict, source: str) -> Instrument:
    scale = raw["scale"]
    bands = raw["alignment_bands"]
    return Instrument(
        id=raw["id"],
        version=raw["version"],
        languages=tuple(raw["languages"]),
        title=_text(raw["title"]),
        intro=_text(raw["intro"]),
        scale=Scale(
            min=scale["min"],
            max=scale["max"],
            labels=MappingProxyType({int(k): _text(v) for k, v in sorted(scale["labels"].items())}),
            not_applicable=_text(scale["not_applicable"]),
        ),
        sides=MappingProxyType({k: _text(v["name"]) for k, v in raw["sides"].items()}),
        elements=MappingProxyType(
            {
                int(k): Element(int(k), _text(v["name"]), _text(v["description"]))
                for k, v in sorted(raw["elements"].items())
            }
        ),
        domains=tuple(
            Domain(
                id=d["id"],
                side=d["side"],
                name=_text(d["name"]),
                description=_text(d["description"]),
                element=d.get("element"),
                interpretation=Interpretation(**{k: _text(v) for k, v in d["interpretation"].items()}),
            )
            for d in raw["domains"]
        ),
        steps=tuple(Step(id=s["id"], title=_text(s["title"]), items=tuple(s["items"])) for s in raw["steps"]),
        items=tuple(
            Item(
                id=i["id"],
                domain=i["domain"],
                side=i["side"],
                reverse=i["reverse"],
                text=_text(i["text"]),
                element=i.get("element"),
            )
            for i in raw["items"]
        ),
        value_pairs=tuple(
            ValuePair(
                domain=p["domain"],
                importance=PairQuestion(p["importance"]["id"], _text(p["importance"]["text"])),
                support=PairQuestion(p["support"]["id"], _text(p["support"]["text"])),
            )
            for p in raw.get("value_pairs", [])
        ),
        roles=tuple(Role(r["id"], _text(r["name"])) for r in raw.get("roles", [])),
        alignment_bands=AlignmentBands(
            aligned_min=float(bands["aligned"]["min"]),
            misaligned_max=float(bands["misaligned"]["max"]),
            **{
                name: Band(name, _text(bands[name]["label"]), _text(bands[name]["text"]))
                for name in ("aligned", "mixed", "misaligned")
            },
        ),
        content_hash=bank_hash(raw),
        source=source,
        forms=tuple(
            Form(f["id"], _text(f["name"]), _text(f["description"]), tuple(f["items"])) for f in raw.get("forms", [])
        ),
    )
