"""Short forms: instruments derived from a bank by keeping only a form's items."""

from __future__ import annotations

from dataclasses import replace

from .hashing import content_hash
from .model import Form, Instrument


def form_as_data(form: Form) -> dict:
    """The form entry as written in the bank file (every key is required there, so nothing is lost)."""
    return {"id": form.id, "name": dict(form.name), "description": dict(form.description), "items": list(form.items)}


def form_hash(bank_hash: str, form: Form) -> str:
    """sha256 of the canonical JSON of {"bank": bank hash, "form": form entry}."""
    return content_hash({"bank": bank_hash, "form": form_as_data(form)})


def derive_form(instrument: Instrument, form: Form) -> Instrument:
    """The instrument a form makes of its bank: same wording, scale and bands, only the form's items.

    Steps keep the bank's order (and their own item order), empty ones dropped; domains and value pairs
    that keep no question are dropped.
    """
    listed = set(form.items)
    items = tuple(i for i in instrument.items if i.id in listed)
    pairs = tuple(p for p in instrument.value_pairs if {p.importance.id, p.support.id} <= listed)
    kept_domains = {i.domain for i in items} | {p.domain for p in pairs}
    steps = tuple(replace(s, items=tuple(q for q in s.items if q in listed)) for s in instrument.steps)
    return replace(
        instrument,
        domains=tuple(d for d in instrument.domains if d.id in kept_domains),
        steps=tuple(s for s in steps if s.items),
        items=items,
        value_pairs=pairs,
        content_hash=form_hash(instrument.content_hash, form),
        forms=(),
        form_id=form.id,
        parent_hash=instrument.content_hash,
    )


def derive_forms(instrument: Instrument) -> tuple[Instrument, ...]:
    """Every form of a bank as its own instrument, in the bank's order."""
    return tuple(derive_form(instrument, form) for form in instrument.forms)
