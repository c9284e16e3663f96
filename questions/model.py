"""The question bank as immutable Python objects (built only from a validated file)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

SIDES = ("match", "mismatch", "value", "compassion")
ELEMENTS = (1, 2, 3, 4, 5)
NOT_APPLICABLE = "na"

Text = Mapping[str, str]
"""A text in every language of the instrument: language code -> text."""


@dataclass(frozen=True)
class Scale:
    min: int
    max: int
    labels: Mapping[int, Text]
    not_applicable: Text

    @property
    def points(self) -> tuple[int, ...]:
        return tuple(range(self.min, self.max + 1))


@dataclass(frozen=True)
class Element:
    number: int
    name: Text
    description: Text


@dataclass(frozen=True)
class Interpretation:
    high: Text
    middle: Text
    low: Text
    question: Text


@dataclass(frozen=True)
class Domain:
    id: str
    side: str
    name: Text
    description: Text
    interpretation: Interpretation
    element: int | None = None


@dataclass(frozen=True)
class Item:
    id: str
    domain: str
    side: str
    reverse: bool
    text: Text
    element: int | None = None


@dataclass(frozen=True)
class Step:
    id: str
    title: Text
    items: tuple[str, ...]


@dataclass(frozen=True)
class PairQuestion:
    id: str
    text: Text


@dataclass(frozen=True)
class ValuePair:
    domain: str
    importance: PairQuestion
    support: PairQuestion


@dataclass(frozen=True)
class Role:
    id: str
    name: Text


@dataclass(frozen=True)
class Band:
    id: str
    label: Text
    text: Text


@dataclass(frozen=True)
class AlignmentBands:
    aligned_min: float
    misaligned_max: float
    aligned: Band
    mixed: Band
    misaligned: Band


@dataclass(frozen=True)
class Form:
    """A named subset of a bank's items (e.g. a short workshop form), in the bank's wording."""

    id: str
    name: Text
    description: Text
    items: tuple[str, ...]


@dataclass(frozen=True)
class Instrument:
    """One version of the questionnaire, with everything needed to show and score it."""

    id: str
    version: str
    languages: tuple[str, ...]
    title: Text
    intro: Text
    scale: Scale
    sides: Mapping[str, Text]
    elements: Mapping[int, Element]
    domains: tuple[Domain, ...]
    steps: tuple[Step, ...]
    items: tuple[Item, ...]
    value_pairs: tuple[ValuePair, ...]
    roles: tuple[Role, ...]
    alignment_bands: AlignmentBands
    content_hash: str
    source: str = ""
    forms: tuple[Form, ...] = ()
    form_id: str | None = None  # set on an instrument derived from one of its bank's forms
    parent_hash: str | None = None  # content hash of that bank
    _items_by_id: Mapping[str, Item] = field(init=False, repr=False, compare=False)
    _domains_by_id: Mapping[str, Domain] = field(init=False, repr=False, compare=False)
    _items_by_domain: Mapping[str, tuple[Item, ...]] = field(init=False, repr=False, compare=False)
    _lens_items: Mapping[int, tuple[Item, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Looked up many times per scored response: built once per instrument.
        object.__setattr__(self, "_items_by_id", MappingProxyType({i.id: i for i in self.items}))
        object.__setattr__(self, "_domains_by_id", MappingProxyType({d.id: d for d in self.domains}))
        object.__setattr__(
            self,
            "_items_by_domain",
            MappingProxyType({d.id: tuple(i for i in self.items if i.domain == d.id) for d in self.domains}),
        )
        object.__setattr__(
            self,
            "_lens_items",
            MappingProxyType(
                {number: tuple(i for i in self.items if self.lens_element(i) == number) for number in self.elements}
            ),
        )

    @property
    def label(self) -> str:
        base = f"{self.id} {self.version}"
        return f"{base} ({self.form_id})" if self.form_id else base

    def form(self, form_id: str) -> Form:
        """One of the bank's forms by id; KeyError when there is none."""
        for form in self.forms:
            if form.id == form_id:
                return form
        raise KeyError(form_id)

    def item(self, item_id: str) -> Item:
        return self._items_by_id[item_id]

    def domain(self, domain_id: str) -> Domain:
        return self._domains_by_id[domain_id]

    def domains_on(self, side: str) -> tuple[Domain, ...]:
        return tuple(d for d in self.domains if d.side == side)

    def items_in(self, domain_id: str) -> tuple[Item, ...]:
        found = self._items_by_domain.get(domain_id)
        return found if found is not None else tuple(i for i in self.items if i.domain == domain_id)

    def lens_element(self, item: Item) -> int | None:
        """The compassion element an item speaks to: its own tag, else its compassion domain's."""
        if item.element is not None:
            return item.element
        domain = self._domains_by_id.get(item.domain)
        return domain.element if domain is not None else None

    def lens_items(self, number: int) -> tuple[Item, ...]:
        """The items read through compassion element `number`."""
        return self._lens_items.get(number, ())

    def pair_questions(self) -> dict[str, PairQuestion]:
        """Importance and support questions by id."""
        out: dict[str, PairQuestion] = {}
        for pair in self.value_pairs:
            out[pair.importance.id] = pair.importance
            out[pair.support.id] = pair.support
        return out

    def question_text(self, question_id: str) -> Text:
        """Text of an item or of an importance/support question."""
        if question_id in self._items_by_id:
            return self._items_by_id[question_id].text
        return self.pair_questions()[question_id].text

    @property
    def question_ids(self) -> tuple[str, ...]:
        """Every answerable question, in questionnaire order."""
        return tuple(q for step in self.steps for q in step.items)

    @property
    def required_ids(self) -> tuple[str, ...]:
        """Scored items; importance/support questions are optional."""
        return tuple(i.id for i in self.items)


def localise(text: Text, language: str) -> str:
    """The text in `language`, falling back to English, then to any language present."""
    return text.get(language) or text.get("en") or next(iter(text.values()), "")
