"""Cleaning of HTML that users type: only a small, safe set of tags survives (bleach)."""

import html
import re

import bleach
from django.utils.html import escape, linebreaks

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "ul",
        "ol",
        "li",
        "a",
        "blockquote",
        "h3",
        "h4",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "th": ["scope"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def clean_html(text: str) -> str:
    """Safe HTML from user input: plain text becomes paragraphs; markup is reduced to the allowed tags."""
    text = (text or "").strip()
    if not TAG.search(text):
        return linebreaks(escape(text))
    cleaned = bleach.clean(
        text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True
    )
    return bleach.linkify(cleaned, callbacks=[bleach.callbacks.nofollow])


def html_to_text(markup: str) -> str:
    """Text of sanitised HTML, for e-mails and search."""
    spaced = re.sub(r"</(p|li|h3|h4|blockquote|tr)>", "\n\n", markup).replace("<br>", "\n")
    text = html.unescape(bleach.clean(spaced, tags=set(), strip=True))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
