"""Parse and validate JSON Lines of knowledge content before anything is written.

The format is the search-evaluation corpus format (id, type, title, summary, body, topics, date, …) with
optional type-specific keys. Validation runs over the whole file first, so a bad line changes nothing.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape

from django.utils.translation import gettext as _

from knowledge.choices import (
    CreationMode,
    EventMode,
    Funding,
    InterpretationStatus,
    MaterialFormat,
    MaterialLevel,
    MunicipalityKind,
    PartnerKind,
    Voivodeship,
)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CITATION_RE = re.compile(
    r"^\s*art\.?\s*(?P<article>\d+[a-z]*)"
    r"(?:\s+ust\.?\s*(?P<paragraph>\d+[a-z]*))?"
    r"(?:\s+pkt\.?\s*(?P<point>\d+[a-z]*))?"
    r"\s*(?P<act>.*)$",
    re.IGNORECASE,
)
TYPES = {
    "training_material",
    "good_practice",
    "legal_interpretation",
    "article",
    "explanation",
    "news",
    "event",
}

# Polish labels accepted alongside the internal values, so editors can write files by hand.
FORMAT_ALIASES = {
    "poradnik": MaterialFormat.GUIDE,
    "prezentacja": MaterialFormat.PRESENTATION,
    "nagranie webinarium": MaterialFormat.WEBINAR,
    "webinarium": MaterialFormat.WEBINAR,
    "lista kontrolna": MaterialFormat.CHECKLIST,
    "wzór dokumentu": MaterialFormat.TEMPLATE,
}
LEVEL_ALIASES = {
    "podstawowy": MaterialLevel.BASIC,
    "średniozaawansowany": MaterialLevel.INTERMEDIATE,
    "zaawansowany": MaterialLevel.ADVANCED,
}


class ImportLineError(Exception):
    def __init__(self, line_number: int, reason: str):
        super().__init__(f"line {line_number}: {reason}")
        self.line_number = line_number
        self.reason = reason


@dataclass
class ImportItem:
    line_number: int
    slug: str
    type: str
    fields: dict
    topics: list[str] = field(default_factory=list)
    relations: dict = field(default_factory=dict)


def _str(data, key, *, required=False, max_length=None, default=""):
    value = data.get(key)
    if value is None:
        if required:
            raise ValueError(_("“%(key)s” is required") % {"key": key})
        return default
    if not isinstance(value, str):
        raise ValueError(_("“%(key)s” must be text") % {"key": key})
    value = value.strip()
    if required and not value:
        raise ValueError(_("“%(key)s” must not be empty") % {"key": key})
    if max_length and len(value) > max_length:
        raise ValueError(_("“%(key)s” is longer than %(n)d characters") % {"key": key, "n": max_length})
    return value


def _date(data, key, *, required=False):
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise ValueError(_("“%(key)s” is required") % {"key": key})
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(
            _("“%(key)s” must be a date YYYY-MM-DD, got %(value)r") % {"key": key, "value": value}
        ) from None


def _datetime(data, key):
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(
            _("“%(key)s” must be a date and time with an offset, e.g. 2023-04-27T10:00:00+02:00")
            % {"key": key}
        ) from None
    if parsed.tzinfo is None:
        raise ValueError(_("“%(key)s” needs a time zone offset, e.g. +02:00") % {"key": key})
    return parsed


def _choice(value, choices, key, aliases=None):
    if value in (None, ""):
        return ""
    if aliases and value in aliases:
        return aliases[value]
    if value in choices.values:
        return value
    raise ValueError(_("“%(key)s” has an unknown value %(value)r") % {"key": key, "value": value})


def _int(data, key):
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(_("“%(key)s” must be a whole number ≥ 0") % {"key": key})
    return value


def _str_list(data, key):
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(_("“%(key)s” must be a list of texts") % {"key": key})
    return [v.strip() for v in value]


SITE_LINK = re.compile(r"\[([^\]]+)\]\((/[^)\s\"'<>]*)\)")


def _inline(text: str) -> str:
    """Escaped text in which [words](/path) become links; only links within the site become markup."""
    return SITE_LINK.sub(r'<a href="\2">\1</a>', escape(text))


def text_to_blocks(text: str) -> list[dict]:
    """Plain text with blank-line paragraphs ('## ' headings, '- ' lists, '> ' quotes) as StreamField data."""
    blocks: list[dict] = []
    html_run: list[str] = []

    def flush():
        if html_run:
            blocks.append({"type": "paragraph", "value": "".join(html_run)})
            html_run.clear()

    for para in (p.strip() for p in re.split(r"\n\s*\n", text or "")):
        if not para:
            continue
        lines = [line.strip() for line in para.splitlines() if line.strip()]
        if para.startswith("## "):
            flush()
            blocks.append({"type": "heading", "value": {"text": para[3:].strip(), "level": "h2"}})
        elif para.startswith("> "):
            flush()
            quote = " ".join(line.removeprefix("> ").removeprefix(">") for line in lines)
            blocks.append({"type": "quote", "value": {"text": quote.strip(), "attribution": ""}})
        elif all(line.startswith("- ") for line in lines):
            html_run.append(
                "<ul>" + "".join(f"<li>{_inline(line[2:].strip())}</li>" for line in lines) + "</ul>"
            )
        else:
            html_run.append("<p>" + "<br/>".join(_inline(line) for line in lines) + "</p>")
    flush()
    return blocks


def text_to_html(text: str) -> str:
    return "".join(
        "<p>" + escape(p.strip()).replace("\n", "<br/>") + "</p>"
        for p in re.split(r"\n\s*\n", text or "")
        if p.strip()
    )


def parse_citation(value) -> dict:
    if isinstance(value, dict):
        article = value.get("article")
        if article is not None and not isinstance(article, str | int):
            raise ValueError(_("a legal basis entry has an invalid article"))
        return {
            "act": str(value.get("act") or "").strip() or None,
            "article": str(article or "").strip(),
            "paragraph": str(value.get("paragraph") or "").strip(),
            "point": str(value.get("point") or "").strip(),
        }
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_("“legal_basis” entries must be texts or objects"))
    match = CITATION_RE.match(value)
    if not match:
        return {"act": value.strip(), "article": "", "paragraph": "", "point": ""}
    act = match["act"].strip().rstrip(".")
    if act.startswith("ustawy "):
        act = "ustawa " + act.removeprefix("ustawy ")
    return {
        "act": act or None,
        "article": match["article"],
        "paragraph": match["paragraph"] or "",
        "point": match["point"] or "",
    }


def _parse_type_fields(kind: str, data: dict, item: ImportItem):
    f = item.fields
    if kind == "training_material":
        f["format"] = _choice(data.get("format") or "guide", MaterialFormat, "format", FORMAT_ALIASES)
        f["level"] = _choice(data.get("level") or "basic", MaterialLevel, "level", LEVEL_ALIASES)
        f["trainer"] = _str(data, "trainer", max_length=200)
        f["duration_minutes"] = _int(data, "duration_minutes")
        item.relations["audience"] = _str_list(data, "audience")
    elif kind == "good_practice":
        municipality = data.get("municipality")
        if isinstance(municipality, str):
            municipality = {"name": municipality, "voivodeship": data.get("voivodeship")}
        if municipality is not None:
            if not isinstance(municipality, dict) or not str(municipality.get("name") or "").strip():
                raise ValueError(_("“municipality” must be a name or an object with a name"))
            item.relations["municipality"] = {
                "name": municipality["name"].strip(),
                "teryt": municipality.get("teryt") or None,
                "kind": _choice(municipality.get("kind"), MunicipalityKind, "municipality.kind"),
                "voivodeship": _choice(
                    municipality.get("voivodeship"), Voivodeship, "municipality.voivodeship"
                ),
                "population": _int(municipality, "population"),
            }
            if item.relations["municipality"]["teryt"] and not re.fullmatch(
                r"\d{7}", str(item.relations["municipality"]["teryt"])
            ):
                raise ValueError(_("“municipality.teryt” must have exactly 7 digits"))
        f["established"] = _date(data, "established")
        f["creation_mode"] = _choice(data.get("creation_mode"), CreationMode, "creation_mode")
        f["funding"] = _choice(data.get("funding"), Funding, "funding")
        f["funding_note"] = _str(data, "funding_note", max_length=300)
        figures = data.get("figures") or {}
        if not isinstance(figures, dict):
            raise ValueError(_("“figures” must be an object"))
        for key in ("posts_created", "people_served", "budget_pln"):
            f[key] = _int(figures, key)
        f["worked"] = text_to_html(_str(data, "worked"))
        f["pitfalls"] = text_to_html(_str(data, "pitfalls"))
        f["contact"] = _str(data, "contact")
        item.relations["services"] = _str_list(data, "services")
        partners = data.get("partners") or []
        if not isinstance(partners, list):
            raise ValueError(_("“partners” must be a list"))
        parsed = []
        for partner in partners:
            if isinstance(partner, str) and partner.strip():
                parsed.append({"name": partner.strip(), "kind": PartnerKind.NGO})
            elif isinstance(partner, dict) and str(partner.get("name") or "").strip():
                parsed.append(
                    {
                        "name": partner["name"].strip(),
                        "kind": _choice(partner.get("kind") or "ngo", PartnerKind, "partners.kind"),
                    }
                )
            else:
                raise ValueError(_("each partner must be a name or an object with a name"))
        item.relations["partners"] = parsed
    elif kind == "legal_interpretation":
        body = _str(data, "body")
        question = _str(data, "question") or f["summary"] or f["title"]
        answer = _str(data, "answer") or body
        if not answer:
            raise ValueError(_("a legal interpretation needs an “answer” (or a “body”)"))
        f["question"] = text_to_html(question)
        f["answer"] = text_to_blocks(answer)
        # Undated legal texts (seen in migrated content) count as issued on the day they are imported.
        f["issued"] = _date(data, "issued") or f["date"] or date.today()
        f["law_as_at"] = _date(data, "law_as_at") or f["issued"]
        f["author"] = _str(data, "author", max_length=200) or "Obserwatorium CUS"
        f["author_role"] = _str(data, "author_role", max_length=200)
        f["status"] = _choice(data.get("status") or "current", InterpretationStatus, "status")
        superseded_by = data.get("superseded_by")
        if f["status"] == InterpretationStatus.SUPERSEDED and not superseded_by:
            raise ValueError(_("a superseded interpretation needs “superseded_by”"))
        item.relations["superseded_by"] = superseded_by or None
        basis = data.get("legal_basis") or []
        if not isinstance(basis, list):
            raise ValueError(_("“legal_basis” must be a list"))
        item.relations["legal_basis"] = [parse_citation(entry) for entry in basis]
        changes = data.get("changes") or []
        if not isinstance(changes, list):
            raise ValueError(_("“changes” must be a list"))
        item.relations["changes"] = [
            {"date": _date(change, "date", required=True), "text": _str(change, "text", required=True)}
            for change in changes
        ]
    elif kind == "event":
        start = _datetime(data, "start")
        end = _datetime(data, "end")
        if start is None:
            day = f["date"]
            if day is None:
                raise ValueError(_("an event needs “start” or “date”"))
            from zoneinfo import ZoneInfo

            start = datetime(day.year, day.month, day.day, 10, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
        if end is None:
            from datetime import timedelta

            end = start + timedelta(hours=2)
        if end < start:
            raise ValueError(_("an event cannot end before it starts"))
        f["start"], f["end"] = start, end
        f["venue"] = _str(data, "venue")
        f["online_url"] = _str(data, "online_url", max_length=200)
        f["organiser"] = _str(data, "organiser", max_length=200) or "Obserwatorium CUS"
        f["registration_deadline"] = _datetime(data, "registration_deadline")
        mode = data.get("mode")
        if not mode:
            mode = (
                EventMode.HYBRID
                if f["venue"] and f["online_url"]
                else (EventMode.ONLINE if f["online_url"] else EventMode.IN_PERSON)
            )
        f["mode"] = _choice(mode, EventMode, "mode")
        item.relations["audience"] = _str_list(data, "audience")
        programme = data.get("programme") or []
        if not isinstance(programme, list):
            raise ValueError(_("“programme” must be a list"))
        item.relations["programme"] = [
            {
                "time": _str(entry, "time", required=True, max_length=20),
                "item": _str(entry, "item", required=True),
            }
            for entry in programme
        ]
    if kind in ("article", "explanation"):
        f["author"] = _str(data, "author", max_length=200)
    if kind != "legal_interpretation":
        f["body"] = text_to_blocks(_str(data, "body"))


def parse_line(line_number: int, raw: str) -> ImportItem:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ImportLineError(line_number, _("not valid JSON (%(error)s)") % {"error": exc.msg}) from None
    if not isinstance(data, dict):
        raise ImportLineError(line_number, _("each line must be a JSON object"))
    try:
        slug = _str(data, "id", required=True, max_length=80)
        if not SLUG_RE.match(slug):
            raise ValueError(
                _("“id” must be lowercase letters, digits and hyphens, got %(id)r") % {"id": slug}
            )
        kind = _str(data, "type", required=True)
        if kind not in TYPES:
            raise ValueError(
                _("unknown “type” %(type)r; expected one of: %(types)s")
                % {"type": kind, "types": ", ".join(sorted(TYPES))}
            )
        fields = {
            "title": _str(data, "title", required=True, max_length=255),
            "summary": _str(data, "summary"),
            "date": _date(data, "date"),
            "review_date": _date(data, "review_date"),
            "source_url": _str(data, "source", max_length=500),
        }
        item = ImportItem(
            line_number=line_number, slug=slug, type=kind, fields=fields, topics=_str_list(data, "topics")
        )
        _parse_type_fields(kind, data, item)
    except ValueError as exc:
        raise ImportLineError(line_number, str(exc)) from None
    return item


def parse_lines(lines) -> list[ImportItem]:
    """Parse every line; the first problem raises ImportLineError with its line number."""
    items: list[ImportItem] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        item = parse_line(number, raw)
        if item.slug in seen:
            raise ImportLineError(
                number, _("“id” %(id)r repeats line %(line)d") % {"id": item.slug, "line": seen[item.slug]}
            )
        seen[item.slug] = number
        items.append(item)
    for item in items:
        target = item.relations.get("superseded_by")
        if target and target not in seen:
            from knowledge.models import LegalInterpretationPage

            if not LegalInterpretationPage.objects.filter(slug=target).exists():
                raise ImportLineError(
                    item.line_number,
                    _("“superseded_by” names %(id)r, which is neither in the file nor on the site")
                    % {"id": target},
                )
    return items
