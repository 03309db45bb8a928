"""Who answers a consultation: a pure decision over plain data, explained candidate by candidate.

The most specific matching rule picks the pool. Skipped: people not taking cases, absent (their eligible
substitute stands in), in conflict with the municipality, or at their limit. The others rank by matching
specialisation, the rule's voivodeship, fewest open cases, least recently assigned (never first), lowest id.

The caller loads the case, the active routing rules and the people of both pools (with absence, conflict and
load already resolved for the decision date) into the frozen dataclasses below and stores
``Decision.explanation`` (plain JSON) with the assignment. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from consultations.choices import Category, Role

__all__ = [
    "CaseFacts",
    "Decision",
    "Person",
    "Rule",
    "describe",
    "match_rule",
    "route",
]


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What routing needs to know about a case."""

    category: str
    topics: frozenset[str] = frozenset()
    municipality_id: int | None = None
    voivodeship: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    """Category → pool; a set ``topic``/``voivodeship`` narrows the cases it matches and is preferred.

    ``id`` is None only for the built-in default rule (legal → lawyers, anything else → experts).
    """

    category: str
    pool: str
    topic: str | None = None
    voivodeship: str | None = None
    priority: int = 100
    id: int | None = None

    @property
    def specificity(self) -> int:
        return (self.topic is not None) + (self.voivodeship is not None)

    def matches(self, case: CaseFacts) -> bool:
        return (
            self.category == case.category
            and (self.topic is None or self.topic in case.topics)
            and (self.voivodeship is None or self.voivodeship == case.voivodeship)
        )


@dataclass(frozen=True, slots=True)
class Person:
    """A lawyer or an expert as seen on the decision date."""

    id: int
    name: str
    role: str
    topics: frozenset[str] = frozenset()
    voivodeship: str = ""
    conflicted_municipality_ids: frozenset[int] = frozenset()
    absent: bool = False
    substitute_id: int | None = None
    open_cases: int = 0
    open_case_limit: int | None = None
    last_assigned_at: datetime | None = None
    active: bool = True

    @property
    def at_limit(self) -> bool:
        return self.open_case_limit is not None and self.open_cases >= self.open_case_limit


@dataclass(frozen=True, slots=True)
class Decision:
    """The chosen person (None: the case waits in the coordinator's queue) and why, as plain JSON."""

    person_id: int | None
    rule: Rule
    explanation: dict[str, Any] = field(hash=False, compare=False)
    stands_in_for: tuple[int, ...] = ()


# Machine codes of the explanation; each has one translatable message with named placeholders.
RULE_MATCHED = "rule_matched"
DEFAULT_RULE = "default_rule"
ASSIGNED = "assigned"
QUEUED = "queued"
CHOSEN = "chosen"
INACTIVE = "inactive"
ABSENT_SUBSTITUTE_STANDS_IN = "absent_substitute_stands_in"
ABSENT_SUBSTITUTE_UNAVAILABLE = "absent_substitute_unavailable"
ABSENT_NO_SUBSTITUTE = "absent_no_substitute"
CONFLICT = "conflict_of_interest"
AT_LIMIT = "at_limit"
OUTRANKED_SPECIALISATION = "outranked_specialisation"
OUTRANKED_VOIVODESHIP = "outranked_voivodeship"
OUTRANKED_OPEN_CASES = "outranked_open_cases"
OUTRANKED_RECENTLY_ASSIGNED = "outranked_recently_assigned"
OUTRANKED_TIE = "outranked_tie"

MESSAGES = {
    RULE_MATCHED: _("Routing rule %(rule_id)s sends this case to the pool: %(pool)s."),
    DEFAULT_RULE: _("No routing rule matched; by default this category goes to the pool: %(pool)s."),
    ASSIGNED: _("Assigned to %(name)s."),
    QUEUED: _("Nobody can take this case now; it waits in the coordinator's queue."),
    CHOSEN: _("Chosen: the best match, with %(open_cases)s open cases."),
    INACTIVE: _("Skipped: not taking new cases."),
    ABSENT_SUBSTITUTE_STANDS_IN: _("Skipped: absent; the substitute %(substitute)s stands in."),
    ABSENT_SUBSTITUTE_UNAVAILABLE: _("Skipped: absent, and the substitute %(substitute)s cannot stand in."),
    ABSENT_NO_SUBSTITUTE: _("Skipped: absent, and no substitute is named."),
    CONFLICT: _("Skipped: conflict of interest with this municipality."),
    AT_LIMIT: _("Skipped: at the limit of open cases (%(open_cases)s of %(limit)s)."),
    OUTRANKED_SPECIALISATION: _("Not chosen: the chosen person specialises in the topic of the case."),
    OUTRANKED_VOIVODESHIP: _("Not chosen: the chosen person works in the preferred voivodeship."),
    OUTRANKED_OPEN_CASES: _(
        "Not chosen: %(open_cases)s open cases, the chosen person has %(chosen_open_cases)s."
    ),
    OUTRANKED_RECENTLY_ASSIGNED: _("Not chosen: as many open cases, but assigned a case more recently."),
    OUTRANKED_TIE: _("Not chosen: a full tie, broken by the order of registration."),
}


def describe(entry: Mapping[str, Any]) -> str:
    """The message of one explanation entry in the active language (for showing a stored explanation)."""
    return _render(entry, {})


def _render(entry: Mapping[str, Any], templates: dict[str, str]) -> str:
    code = entry["code"]
    # One catalogue look-up per distinct message and decision: gettext would dominate the cost otherwise.
    template = templates.get(code) or templates.setdefault(code, str(MESSAGES[code]))
    params = entry.get("params", {})
    if "pool" in params:
        params = {**params, "pool": _pool_label(params["pool"])}
    return template % params


def match_rule(case: CaseFacts, rules: Iterable[Rule]) -> Rule:
    """The most specific matching rule (then the lowest priority number, then id), else the default rule."""
    matching = [rule for rule in rules if rule.matches(case)]
    if not matching:
        pool = Role.LAWYER if case.category == Category.LEGAL else Role.EXPERT
        return Rule(category=case.category, pool=str(pool))
    return min(matching, key=lambda r: (-r.specificity, r.priority, r.id if r.id is not None else -1))


def route(case: CaseFacts, *, rules: Iterable[Rule], people: Sequence[Person]) -> Decision:
    """Choose who answers ``case``: the best-ranked eligible person of the matching rule's pool, or nobody.

    ``people`` holds everyone who may be asked (both pools), so a substitute from the other pool is found.
    """
    by_id = {person.id: person for person in people}
    if len(by_id) != len(people):
        raise ValueError("person ids must be unique")
    rule = match_rule(case, rules)
    pool = [person for person in people if person.role == rule.pool]
    pool_ids = {person.id for person in pool}

    def skip_code(person: Person) -> str | None:
        if not person.active:
            return INACTIVE
        if person.absent:
            return ABSENT_NO_SUBSTITUTE
        if case.municipality_id is not None and case.municipality_id in person.conflicted_municipality_ids:
            return CONFLICT
        if person.at_limit:
            return AT_LIMIT
        return None

    def specialised(person: Person) -> bool:
        return not person.topics.isdisjoint(case.topics)

    def in_region(person: Person) -> bool:
        return rule.voivodeship is not None and person.voivodeship == rule.voivodeship

    candidates = list(pool)
    candidate_ids = set(pool_ids)
    skipped: dict[int, tuple[str, dict[str, Any]]] = {}
    stands_in_for: dict[int, list[int]] = {}
    # A substitute takes the absent person's place: they rank with the better of their own preferences
    # and the absentee's. Substitution is not transitive, so cycles and chains cannot arise.
    inherited: dict[int, tuple[bool, bool]] = {}
    for person in pool:
        code = skip_code(person)
        if code is None:
            continue
        params: dict[str, Any] = {}
        if code == ABSENT_NO_SUBSTITUTE and person.substitute_id is not None:
            substitute = by_id.get(person.substitute_id)
            params["substitute"] = substitute.name if substitute else f"#{person.substitute_id}"
            if substitute is not None and skip_code(substitute) is None:
                code = ABSENT_SUBSTITUTE_STANDS_IN
                stands_in_for.setdefault(substitute.id, []).append(person.id)
                own = inherited.get(substitute.id, (False, False))
                inherited[substitute.id] = (own[0] or specialised(person), own[1] or in_region(person))
                if substitute.id not in candidate_ids:
                    candidates.append(substitute)
                    candidate_ids.add(substitute.id)
            else:
                code = ABSENT_SUBSTITUTE_UNAVAILABLE
        elif code == AT_LIMIT:
            params = {"open_cases": person.open_cases, "limit": person.open_case_limit}
        skipped[person.id] = (code, params)

    def rank_key(person: Person) -> tuple:
        spec, region = inherited.get(person.id, (False, False))
        return (
            not (specialised(person) or spec),
            not (in_region(person) or region),
            person.open_cases,
            person.last_assigned_at is not None,
            person.last_assigned_at or datetime.min,
            person.id,
        )

    keys = {person.id: rank_key(person) for person in candidates}
    eligible = sorted((p for p in candidates if p.id not in skipped), key=lambda p: keys[p.id])
    chosen = eligible[0] if eligible else None

    entries = []
    for position, person in enumerate(eligible):
        if position == 0:
            code, params = CHOSEN, {"open_cases": person.open_cases}
        else:
            code, params = _outranked(keys[person.id], keys[chosen.id], person, chosen)
        entries.append(_entry(person, code, params, keys[person.id], stands_in_for, pool_ids))
    for person in sorted((p for p in candidates if p.id in skipped), key=lambda p: p.id):
        code, params = skipped[person.id]
        entries.append(_entry(person, code, params, keys[person.id], stands_in_for, pool_ids))

    rule_code = DEFAULT_RULE if rule.id is None else RULE_MATCHED
    rule_params = {"pool": rule.pool} if rule.id is None else {"pool": rule.pool, "rule_id": rule.id}
    if chosen is not None:
        outcome = {"code": ASSIGNED, "params": {"name": chosen.name}, "person_id": chosen.id}
    else:
        outcome = {"code": QUEUED, "params": {}, "person_id": None}
    explanation = {
        "rule": {
            "code": rule_code,
            "params": rule_params,
            "id": rule.id,
            "category": rule.category,
            "pool": rule.pool,
            "topic": rule.topic,
            "voivodeship": rule.voivodeship,
        },
        "outcome": outcome,
        "candidates": entries,
    }
    templates: dict[str, str] = {}
    for part in (explanation["rule"], outcome, *entries):
        part["message"] = _render(part, templates)
    return Decision(
        person_id=chosen.id if chosen else None,
        rule=rule,
        explanation=explanation,
        stands_in_for=tuple(stands_in_for.get(chosen.id, ())) if chosen else (),
    )


def _pool_label(pool: str) -> str:
    try:
        return str(Role(pool).label)
    except ValueError:
        return pool


def _outranked(key: tuple, chosen_key: tuple, person: Person, chosen: Person) -> tuple[str, dict[str, Any]]:
    """The first ranking criterion on which ``person`` lost to the chosen person."""
    if key[0] != chosen_key[0]:
        return OUTRANKED_SPECIALISATION, {}
    if key[1] != chosen_key[1]:
        return OUTRANKED_VOIVODESHIP, {}
    if key[2] != chosen_key[2]:
        return OUTRANKED_OPEN_CASES, {"open_cases": person.open_cases, "chosen_open_cases": chosen.open_cases}
    if key[3:5] != chosen_key[3:5]:
        return OUTRANKED_RECENTLY_ASSIGNED, {}
    return OUTRANKED_TIE, {}


def _entry(
    person: Person,
    code: str,
    params: dict[str, Any],
    key: tuple,
    stands_in_for: Mapping[int, list[int]],
    pool_ids: set[int],
) -> dict[str, Any]:
    return {
        "person_id": person.id,
        "name": person.name,
        "code": code,
        "params": params,
        "specialisation": not key[0],
        "preferred_voivodeship": not key[1],
        "open_cases": person.open_cases,
        "last_assigned_at": person.last_assigned_at.isoformat() if person.last_assigned_at else None,
        "in_pool": person.id in pool_ids,
        "stands_in_for": list(stands_in_for.get(person.id, ())),
    }
