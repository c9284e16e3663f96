"""Strict checks of a bank's short forms: every problem at once, as `<file>: form 'workshop', field 'items': ...`."""

from __future__ import annotations

from typing import Any

from .checker import INSTRUMENT_ID_PATTERN, MIN_ITEMS_PER_DOMAIN, Checker

MIN_FORM_ITEMS = 6  # a short form still needs enough items for an alignment index worth discussing
MAX_FORM_ITEMS = 20  # beyond this a "short" form is no shorter than the full instrument
FORM_KEYS = {"id", "name", "description", "items"}


def check_forms(c: Checker, value: Any, items: Any, pairs: Any, domains: dict[str, str]) -> None:
    if not isinstance(value, list):
        c.add("top level", "forms", "must be a list")
        return
    item_domain = {
        i["id"]: i.get("domain")
        for i in (items if isinstance(items, list) else [])
        if isinstance(i, dict) and isinstance(i.get("id"), str)
    }
    partner = _pair_partners(pairs)
    seen: set[str] = set()
    for index, entry in enumerate(value, 1):
        entry = c.mapping(entry, f"form #{index}", None)
        where = f"form '{entry.get('id', f'#{index}')}'"
        c.keys(entry, FORM_KEYS, where)
        form_id = entry.get("id")
        if "id" not in entry:
            pass  # reported by keys()
        elif not isinstance(form_id, str) or not INSTRUMENT_ID_PATTERN.match(form_id):
            c.add(where, "id", "must be lower-case letters, digits, '-' or '_'")
        elif form_id in seen:
            c.add(where, "id", f"duplicate id '{form_id}'")
        else:
            seen.add(form_id)
        c.text(entry, "name", where)
        c.text(entry, "description", where)
        listed = entry.get("items")
        if not isinstance(listed, list) or not listed:
            if "items" in entry:
                c.add(where, "items", "must be a non-empty list of item ids")
            continue
        _check_form_items(c, where, listed, item_domain, partner, domains)


def _pair_partners(pairs: Any) -> dict[str, str]:
    """Importance question id <-> support question id, both ways."""
    partner: dict[str, str] = {}
    for pair in pairs if isinstance(pairs, list) else []:
        parts = [pair.get(part) if isinstance(pair, dict) else None for part in ("importance", "support")]
        importance, support = (p.get("id") if isinstance(p, dict) else None for p in parts)
        if isinstance(importance, str) and isinstance(support, str):
            partner[importance], partner[support] = support, importance
    return partner


def _check_form_items(
    c: Checker, where: str, listed: list, item_domain: dict[str, Any], partner: dict[str, str], domains: dict[str, str]
) -> None:
    counts = {d: 0 for d, side in domains.items() if side in ("match", "mismatch")}
    seen: set = set()
    for item_id in listed:
        if not isinstance(item_id, str) or (item_id not in item_domain and item_id not in partner):
            c.add(where, "items", f"unknown item '{item_id}'")
            continue
        if item_id in seen:
            c.add(where, "items", f"item '{item_id}' is listed twice")
            continue
        seen.add(item_id)
        if item_id in partner and partner[item_id] not in listed:
            c.add(where, "items", f"'{item_id}' needs its pair question '{partner[item_id]}' in the form too")
        if item_domain.get(item_id) in counts:
            counts[item_domain[item_id]] += 1
    scored = len(seen & set(item_domain))
    if not MIN_FORM_ITEMS <= scored <= MAX_FORM_ITEMS:
        c.add(where, "items", f"has {scored} item(s); a form needs {MIN_FORM_ITEMS} to {MAX_FORM_ITEMS}")
    for domain_id, count in counts.items():
        if count < MIN_ITEMS_PER_DOMAIN:
            c.add(
                where, "items", f"keeps {count} item(s) of domain '{domain_id}'; at least {MIN_ITEMS_PER_DOMAIN} needed"
            )
