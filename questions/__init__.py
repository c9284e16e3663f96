"""The versioned question bank: model, strict loader and content hash. Pure Python."""
from .errors import QuestionBankError
from .loader import BANKS_DIR, content_hash, load_banks, load_instrument, parse_instrument
from .model import NOT_APPLICABLE, SIDES, Instrument, Item, localise

__all__ = ["BANKS_DIR", "NOT_APPLICABLE", "SIDES", "Instrument", "Item", "QuestionBankError",
           "content_hash", "load_banks", "load_instrument", "localise", "parse_instrument"]
