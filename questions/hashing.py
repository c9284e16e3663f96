"""Content hashes: what a stored response names to find the exact questions it was answered on."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def content_hash(raw: Any) -> str:
    """sha256 of the canonical JSON of a parsed bank: formatting and comments do not change it."""
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def bank_hash(raw: dict) -> str:
    """The content hash of a bank. `forms` is left out so that adding a short form to a released bank
    keeps the responses stored against it findable; each form has its own hash (forms.form_hash)."""
    return content_hash({k: v for k, v in raw.items() if k != "forms"})
