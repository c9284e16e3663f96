"""The versioned question bank: model, strict loader and content hash. Pure Python."""

from .errors import QuestionBankError
from .forms import derive_form, derive_forms, form_hash
from .hashing import bank_hash, content_hash
from .loader import BANKS_DIR, load_banks, load_instrument, parse_instrument
from .model import NOT_APPLICABLE, SIDES, Form, Instrument, Item, localise

__all__ = [
    "BANKS_DIR",
    "NOT_APPLICABLE",
    "SIDES",
    "Form",
    "Instrument",
    "Item",
    "QuestionBankError",
    "bank_hash",
    "content_hash",
    "derive_form",
    "derive_forms",
    "form_hash",
    "load_banks",
    "load_instrument",
    "localise",
    "parse_instrument",
]
