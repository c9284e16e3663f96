"""Strict checks of a raw question bank: every problem at once, each naming where it is."""

from __future__ import annotations

from typing import Any, TypeGuard

from .checker import INSTRUMENT_ID_PATTERN, MIN_ITEMS_PER_DOMAIN, Checker
from .form_validation import check_forms
from .model import ELEMENTS, SIDES

TOP_KEYS = {
    "id",
    "version",
    "languages",
    "title",
    "intro",
    "scale",
    "sides",
    "elements",
    "domains",
    "steps",
    "items",
    "value_pairs",
    "roles",
    "alignment_bands",
    "forms",
}
TOP_OPTIONAL = {"value_pairs", "roles", "forms"}
SCALE_KEYS = {"min", "max", "labels", "not_applicable"}
DOMAIN_KEYS = {"id", "side", "element", "name", "description", "interpretation"}
INTERPRETATION_KEYS = {"high", "middle", "low", "question"}
ITEM_KEYS = {"id", "domain", "side", "element", "reverse", "text"}
STEP_KEYS = {"id", "title", "items"}
PAIR_KEYS = {"domain", "importance", "support"}
PAIR_QUESTION_KEYS = {"id", "text"}
ROLE_KEYS = {"id", "name"}
ELEMENT_KEYS = {"name", "description"}
BAND_KEYS = {"aligned": {"min", "label", "text"}, "mixed": {"label", "text"}, "misaligned": {"max", "label", "text"}}


def check_bank(raw: Any, source: str) -> list[str]:
    """Every problem in a parsed question bank file; an empty list means valid."""
    if not isinstance(raw, dict):
        return [f"{source}: top level: must be a mapping (the file is empty or not YAML)"]
    languages = raw.get("languages")
    if not (isinstance(languages, list) and languages and all(isinstance(x, str) for x in languages)):
        languages = ["en"]
        bad_languages = True
    else:
        bad_languages = False
    c = Checker(source, languages)
    if bad_languages:
        c.add("top level", "languages", "must be a non-empty list of language codes such as [en, nl]")
    elif "en" not in languages:
        c.add("top level", "languages", "must include 'en'")
    c.keys(raw, TOP_KEYS, "top level", TOP_OPTIONAL)
    if not (isinstance(raw.get("id"), str) and INSTRUMENT_ID_PATTERN.match(raw["id"])):
        c.add("top level", "id", "must be lower-case letters, digits, '-' or '_'")
    if not isinstance(raw.get("version"), str) or not raw.get("version", "").strip():
        c.add("top level", "version", 'must be a quoted text such as "1.0"')
    c.text(raw, "title", "top level")
    c.text(raw, "intro", "top level")
    _check_scale(c, raw.get("scale"))
    _check_sides(c, raw.get("sides"))
    _check_elements(c, raw.get("elements"))
    domains = _check_domains(c, raw.get("domains"))
    item_ids, domain_counts = _check_items(c, raw.get("items"), domains)
    pair_ids = _check_pairs(c, raw.get("value_pairs", []), domains, item_ids)
    _check_steps(c, raw.get("steps"), item_ids, pair_ids)
    for domain_id, count in domain_counts.items():
        if count < MIN_ITEMS_PER_DOMAIN:
            c.add(f"domain '{domain_id}'", "items", f"has {count} item(s); at least {MIN_ITEMS_PER_DOMAIN} needed")
    _check_roles(c, raw.get("roles", []))
    _check_bands(c, raw.get("alignment_bands"))
    check_forms(c, raw.get("forms", []), raw.get("items"), raw.get("value_pairs", []), domains)
    return c.problems


def _check_scale(c: Checker, value: Any) -> None:
    scale = c.mapping(value, "scale", None)
    if not scale:
        return
    c.keys(scale, SCALE_KEYS, "scale")
    lo, hi = scale.get("min"), scale.get("max")
    if not (type(lo) is int and type(hi) is int and lo < hi):
        c.add("scale", "min", "min and max must be whole numbers with min < max")
        return
    labels = c.mapping(scale.get("labels"), "scale", "labels")
    if labels and set(labels) != set(range(lo, hi + 1)):
        c.add("scale", "labels", f"must have exactly one label for each point {lo} to {hi}")
    for point, _ in labels.items():
        c.text(labels, point, f"scale label {point}")
    c.text(scale, "not_applicable", "scale")


def _check_sides(c: Checker, value: Any) -> None:
    sides = c.mapping(value, "sides", None)
    if not sides:
        return
    c.keys(sides, set(SIDES), "sides")
    for side in SIDES:
        if side in sides:
            entry = c.mapping(sides[side], f"side '{side}'", None)
            c.keys(entry, {"name"}, f"side '{side}'")
            c.text(entry, "name", f"side '{side}'")


def _check_elements(c: Checker, value: Any) -> None:
    elements = c.mapping(value, "elements", None)
    if not elements:
        return
    if set(elements) != set(ELEMENTS):
        c.add("elements", None, "must define exactly the compassion elements 1 to 5")
    for number, entry in elements.items():
        where = f"element {number}"
        entry = c.mapping(entry, where, None)
        c.keys(entry, ELEMENT_KEYS, where)
        c.text(entry, "name", where)
        c.text(entry, "description", where)


def _check_domains(c: Checker, value: Any) -> dict[str, str]:
    """Returns domain id -> side for the domains that could be read."""
    if not isinstance(value, list) or not value:
        c.add("top level", "domains", "must be a non-empty list")
        return {}
    seen: set[str] = set()
    domains: dict[str, str] = {}
    elements_used: dict[int, str] = {}
    for index, entry in enumerate(value, 1):
        entry = c.mapping(entry, f"domain #{index}", None)
        where = f"domain '{entry.get('id', f'#{index}')}'"
        c.keys(entry, DOMAIN_KEYS, where, {"element"})
        domain_id = c.identifier(entry, where, seen)
        side = entry.get("side")
        if side not in SIDES:
            c.add(where, "side", f"must be one of {', '.join(SIDES)}")
        c.element(entry, where)
        if side == "compassion":
            number = entry.get("element")
            if number is None:
                c.add(where, "element", "a compassion domain must name its element (1 to 5)")
            elif number in elements_used:
                c.add(where, "element", f"element {number} is already domain '{elements_used[number]}'")
            else:
                elements_used[number] = str(domain_id)
        elif "element" in entry:
            c.add(where, "element", "only compassion domains have an element")
        c.text(entry, "name", where)
        c.text(entry, "description", where)
        interp = c.mapping(entry.get("interpretation"), where, "interpretation")
        if interp:
            c.keys(interp, INTERPRETATION_KEYS, f"{where} interpretation")
            for key in INTERPRETATION_KEYS & set(interp):
                c.text(interp, key, f"{where} interpretation")
        if domain_id and side in SIDES:
            domains[domain_id] = side
    for side in ("match", "mismatch"):
        if side not in domains.values():
            c.add("top level", "domains", f"needs at least one '{side}' domain")
    return domains


def _check_items(c: Checker, value: Any, domains: dict[str, str]) -> tuple[set[str], dict[str, int]]:
    counts = {d: 0 for d in domains}
    seen: set[str] = set()
    if not isinstance(value, list) or not value:
        c.add("top level", "items", "must be a non-empty list")
        return seen, counts
    for index, entry in enumerate(value, 1):
        entry = c.mapping(entry, f"item #{index}", None)
        where = f"item '{entry.get('id', f'#{index}')}'"
        c.keys(entry, ITEM_KEYS, where, {"element"})
        c.identifier(entry, where, seen)
        domain = entry.get("domain")
        if domain not in domains:
            c.add(where, "domain", f"unknown domain '{domain}'")
        else:
            counts[domain] += 1
            if entry.get("side") != domains[domain]:
                c.add(where, "side", f"'{entry.get('side')}' differs from its domain's side '{domains[domain]}'")
        if not isinstance(entry.get("reverse"), bool):
            c.add(where, "reverse", "must be true or false")
        c.element(entry, where)
        c.text(entry, "text", where)
    return seen, counts


def _check_pairs(c: Checker, value: Any, domains: dict[str, str], item_ids: set[str]) -> set[str]:
    ids: set[str] = set()
    if not isinstance(value, list):
        c.add("top level", "value_pairs", "must be a list")
        return ids
    seen_domains: set[str] = set()
    seen_ids = set(item_ids)
    for index, entry in enumerate(value, 1):
        entry = c.mapping(entry, f"value pair #{index}", None)
        where = f"value pair '{entry.get('domain', f'#{index}')}'"
        c.keys(entry, PAIR_KEYS, where)
        domain = entry.get("domain")
        if not isinstance(domain, str) or domains.get(domain) != "value":
            # not a str: a list or mapping here would be unhashable for the lookups below
            c.add(where, "domain", f"'{domain}' is not a domain with side 'value'")
        elif domain in seen_domains:
            c.add(where, "domain", "has a second pair")
        else:
            seen_domains.add(domain)
        for part in ("importance", "support"):
            question = c.mapping(entry.get(part), where, part)
            if question:
                c.keys(question, PAIR_QUESTION_KEYS, f"{where} {part}")
                qid = c.identifier(question, f"{where} {part}", seen_ids)
                c.text(question, "text", f"{where} {part}")
                if qid:
                    ids.add(qid)
    return ids


def _check_steps(c: Checker, value: Any, item_ids: set[str], pair_ids: set[str]) -> None:
    if not isinstance(value, list) or not value:
        c.add("top level", "steps", "must be a non-empty list")
        return
    placed: dict[str, str] = {}
    seen: set[str] = set()
    for index, entry in enumerate(value, 1):
        entry = c.mapping(entry, f"step #{index}", None)
        where = f"step '{entry.get('id', f'#{index}')}'"
        c.keys(entry, STEP_KEYS, where)
        step_id = c.identifier(entry, where, seen)
        c.text(entry, "title", where)
        items = entry.get("items")
        if not isinstance(items, list) or not items:
            c.add(where, "items", "must be a non-empty list of item ids")
            continue
        for item_id in items:
            if item_id not in item_ids and item_id not in pair_ids:
                c.add(where, "items", f"unknown item '{item_id}'")
            elif item_id in placed:
                c.add(where, "items", f"item '{item_id}' is already in step '{placed[item_id]}'")
            else:
                placed[item_id] = str(step_id)
    for item_id in sorted((item_ids | pair_ids) - set(placed)):
        c.add(f"item '{item_id}'", "steps", "is in no step")


def _check_roles(c: Checker, value: Any) -> None:
    if not isinstance(value, list):
        c.add("top level", "roles", "must be a list")
        return
    seen: set[str] = set()
    for index, entry in enumerate(value, 1):
        entry = c.mapping(entry, f"role #{index}", None)
        where = f"role '{entry.get('id', f'#{index}')}'"
        c.keys(entry, ROLE_KEYS, where)
        c.identifier(entry, where, seen)
        c.text(entry, "name", where)


def _check_bands(c: Checker, value: Any) -> None:
    bands = c.mapping(value, "alignment_bands", None)
    if not bands:
        return
    c.keys(bands, set(BAND_KEYS), "alignment_bands")
    for band, keys in BAND_KEYS.items():
        entry = c.mapping(bands.get(band, {}), f"alignment band '{band}'", None)
        c.keys(entry, keys, f"alignment band '{band}'")
        c.text(entry, "label", f"alignment band '{band}'")
        c.text(entry, "text", f"alignment band '{band}'")
    lo = bands.get("misaligned", {}).get("max") if isinstance(bands.get("misaligned"), dict) else None
    hi = bands.get("aligned", {}).get("min") if isinstance(bands.get("aligned"), dict) else None
    if not (_is_number(lo) and _is_number(hi) and -100 <= lo < hi <= 100):
        c.add("alignment_bands", "min", "need misaligned max < aligned min, both within -100..100")


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
