"""Streamlit's own words (its skip link, sidebar buttons, table toolbar, form hints, ...) in the page's
language. Streamlit 1.67 writes them in English only and offers no setting for them, so a small script in
the page replaces them, in accessible names, tooltips, placeholders and short texts, whenever they appear.

The words are the streamlit.* strings (services/strings/streamlit.<lang>.yaml). On an English page the
script puts back whatever it changed, so switching languages works both ways.
"""

from __future__ import annotations

import json

import streamlit as st

from services import i18n

PREFIX = "streamlit."

# Replaces, in the whole document and in everything added later, each attribute value or short text that
# is one of Streamlit's English phrases ({label} = any text) with the page language's phrase.
_SCRIPT = """<script>
(() => {
  const words = %(words)s;
  const escape = s => s.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&');
  const rules = words.map(([en, local]) => [
    new RegExp('^' + escape(en).replace(escape('{label}'), '(.+)') + '$'), local]);
  const ATTRIBUTES = ['aria-label', 'title', 'placeholder', 'aria-description'];
  const translate = text => {
    const trimmed = (text || '').trim();
    for (const [pattern, local] of rules) {
      const match = pattern.exec(trimmed);
      if (match) return local.replace('{label}', match[1] || '');
    }
    return null;
  };
  const state = window.__vmWords || (window.__vmWords = {changed: new Map(), observer: null, apply: null});
  // node -> {attribute or '#text': [Streamlit's value, ours]}; put back only where ours is still there.
  const restore = () => {
    for (const [node, values] of state.changed) {
      for (const [name, [original, ours]] of Object.entries(values)) {
        if (name === '#text') { if (node.nodeValue === ours) node.nodeValue = original; }
        else if (node.getAttribute(name) === ours) node.setAttribute(name, original);
      }
    }
    state.changed.clear();
  };
  const remember = (node, name, original, ours) => {
    const values = state.changed.get(node) || {};
    values[name] = [original, ours];
    state.changed.set(node, values);
  };
  const visitElement = el => {
    for (const name of ATTRIBUTES) {
      const value = el.getAttribute(name);
      const local = value && translate(value);
      if (local && local !== value) { remember(el, name, value, local); el.setAttribute(name, local); }
    }
  };
  const visitText = node => {
    if (node.nodeValue.length > 80) return;
    const local = translate(node.nodeValue);
    if (local && local !== node.nodeValue.trim()) {
      remember(node, '#text', node.nodeValue, local);
      node.nodeValue = local;
    }
  };
  const visit = root => {
    if (!rules.length || !root) return;
    if (root.nodeType === Node.TEXT_NODE) return visitText(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    visitElement(root);
    root.querySelectorAll('*').forEach(visitElement);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) visitText(node);
  };
  restore();
  state.apply = {visit, visitElement, visitText, active: rules.length > 0};
  if (!state.observer) {
    state.observer = new MutationObserver(mutations => {
      if (!state.apply.active) return;
      for (const m of mutations) {
        if (m.type === 'childList') m.addedNodes.forEach(n => state.apply.visit(n));
        else if (m.type === 'attributes') state.apply.visitElement(m.target);
        else state.apply.visitText(m.target);
      }
    });
    state.observer.observe(document.body, {subtree: true, childList: true, characterData: true,
                                           attributes: true, attributeFilter: ATTRIBUTES});
  }
  visit(document.body);
})();
</script>"""


def words(language: str) -> list[tuple[str, str]]:
    """(Streamlit's English phrase, the phrase in `language`) for every phrase that differs."""
    english, local = i18n.catalogue("en"), i18n.catalogue(i18n.normalise_language(language))
    return [
        (english[key], local[key])
        for key in english
        if key.startswith(PREFIX) and local.get(key, english[key]) != english[key]
    ]


def relabel(language: str) -> None:
    """Put Streamlit's own words on this page into `language` (and back, on an English page)."""
    # json.dumps escapes nothing HTML-special on its own: "</" would end the script early.
    table = json.dumps(words(language), ensure_ascii=False).replace("</", "<\\/")
    st.html(_SCRIPT % {"words": table}, unsafe_allow_javascript=True)
