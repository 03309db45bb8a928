import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from consultations import routing
from consultations.routing import CaseFacts, Person, Rule, describe, match_rule, route

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
GOGOLIN = 1601


@pytest.fixture(autouse=True)
def _english():
    """These tests read the English messages; the Polish catalogue is checked elsewhere."""
    with translation.override("en"):
        yield


def lawyer(id, **kwargs):
    return Person(id=id, name=f"Lawyer {id}", role="lawyer", **kwargs)


def expert(id, **kwargs):
    return Person(id=id, name=f"Expert {id}", role="expert", **kwargs)


LEGAL = CaseFacts(
    category="legal", topics=frozenset({"housing"}), municipality_id=GOGOLIN, voivodeship="opolskie"
)


def candidate(decision, person_id):
    (entry,) = [e for e in decision.explanation["candidates"] if e["person_id"] == person_id]
    return entry


# Rules


def test_without_rules_legal_questions_go_to_lawyers_and_the_rest_to_experts():
    people = [lawyer(1), expert(2)]
    assert route(LEGAL, rules=[], people=people).person_id == 1
    financing = CaseFacts(category="financing", municipality_id=GOGOLIN)
    decision = route(financing, rules=[], people=people)
    assert decision.person_id == 2
    assert decision.rule.id is None
    assert decision.explanation["rule"]["code"] == routing.DEFAULT_RULE


def test_the_most_specific_matching_rule_wins_then_the_lowest_priority():
    general = Rule(id=1, category="legal", pool="expert", priority=1)
    by_topic = Rule(id=2, category="legal", pool="lawyer", topic="housing", priority=50)
    by_both = Rule(
        id=3, category="legal", pool="expert", topic="housing", voivodeship="opolskie", priority=90
    )
    elsewhere = Rule(id=4, category="legal", pool="lawyer", topic="housing", voivodeship="mazowieckie")
    other_topic = Rule(id=5, category="legal", pool="lawyer", topic="benefits", priority=0)
    assert match_rule(LEGAL, [general, by_topic, elsewhere, other_topic]) == by_topic
    assert match_rule(LEGAL, [general, by_topic, by_both, elsewhere]) == by_both
    twin = replace(by_topic, id=6, priority=10)
    assert match_rule(LEGAL, [general, by_topic, twin]) == twin
    assert match_rule(CaseFacts(category="other"), [general, by_topic]).pool == "expert"


def test_a_rule_can_send_legal_questions_to_experts():
    rules = [Rule(id=7, category="legal", pool="expert", topic="housing")]
    decision = route(LEGAL, rules=rules, people=[lawyer(1), expert(2)])
    assert decision.person_id == 2
    assert decision.explanation["rule"] | {"message": None} == {
        "code": routing.RULE_MATCHED,
        "params": {"pool": "expert", "rule_id": 7},
        "id": 7,
        "category": "legal",
        "pool": "expert",
        "topic": "housing",
        "voivodeship": None,
        "message": None,
    }
    # Only the pool is considered.
    assert [e["person_id"] for e in decision.explanation["candidates"]] == [2]


# Skipping


def test_absent_conflicted_full_and_inactive_people_are_skipped_with_a_reason():
    people = [
        lawyer(1, absent=True),
        lawyer(2, conflicted_municipality_ids=frozenset({GOGOLIN})),
        lawyer(3, open_cases=4, open_case_limit=4),
        lawyer(4, active=False),
        lawyer(5, open_cases=9),
    ]
    decision = route(LEGAL, rules=[], people=people)
    assert decision.person_id == 5
    assert [candidate(decision, i)["code"] for i in (1, 2, 3, 4, 5)] == [
        routing.ABSENT_NO_SUBSTITUTE,
        routing.CONFLICT,
        routing.AT_LIMIT,
        routing.INACTIVE,
        routing.CHOSEN,
    ]
    assert candidate(decision, 3)["message"] == "Skipped: at the limit of open cases (4 of 4)."


def test_nobody_eligible_leaves_the_case_in_the_coordinators_queue():
    people = [lawyer(1, absent=True), lawyer(2, open_cases=1, open_case_limit=1), expert(3)]
    decision = route(LEGAL, rules=[], people=people)
    assert decision.person_id is None
    assert decision.explanation["outcome"]["code"] == routing.QUEUED
    assert {e["person_id"] for e in decision.explanation["candidates"]} == {1, 2}


# Substitutes


def test_the_substitute_of_an_absent_person_stands_in():
    people = [
        lawyer(1, absent=True, substitute_id=2, topics=frozenset({"housing"})),
        lawyer(2, open_cases=5),
        lawyer(3),
    ]
    decision = route(LEGAL, rules=[], people=people)
    # The substitute takes the absentee's place and with it the matching specialisation.
    assert decision.person_id == 2
    assert decision.stands_in_for == (1,)
    assert candidate(decision, 1)["code"] == routing.ABSENT_SUBSTITUTE_STANDS_IN
    assert candidate(decision, 1)["message"] == "Skipped: absent; the substitute Lawyer 2 stands in."
    assert candidate(decision, 2)["stands_in_for"] == [1]
    assert candidate(decision, 3)["code"] == routing.OUTRANKED_SPECIALISATION


def test_a_substitute_from_the_other_pool_is_brought_in_and_explained():
    people = [lawyer(1, absent=True, substitute_id=9), expert(9)]
    decision = route(LEGAL, rules=[], people=people)
    assert decision.person_id == 9
    entry = candidate(decision, 9)
    assert entry["in_pool"] is False
    assert entry["stands_in_for"] == [1]


@pytest.mark.parametrize(
    "substitute",
    [
        lawyer(2, conflicted_municipality_ids=frozenset({GOGOLIN})),
        lawyer(2, open_cases=2, open_case_limit=2),
        lawyer(2, active=False),
        # Substitution is not transitive: an absent substitute's own substitute does not step in.
        expert(2, absent=True, substitute_id=3),
    ],
)
def test_an_ineligible_substitute_does_not_stand_in(substitute):
    people = [lawyer(1, absent=True, substitute_id=2), substitute, expert(3)]
    decision = route(LEGAL, rules=[], people=people)
    assert decision.person_id is None
    assert candidate(decision, 1)["code"] == routing.ABSENT_SUBSTITUTE_UNAVAILABLE


def test_a_substitute_missing_from_the_people_is_unavailable():
    decision = route(LEGAL, rules=[], people=[lawyer(1, absent=True, substitute_id=42), lawyer(2)])
    assert decision.person_id == 2
    assert candidate(decision, 1)["message"] == "Skipped: absent, and the substitute #42 cannot stand in."


# Ranking


def test_a_matching_specialisation_beats_a_lighter_load():
    people = [lawyer(1, open_cases=0), lawyer(2, open_cases=7, topics=frozenset({"housing", "benefits"}))]
    decision = route(LEGAL, rules=[], people=people)
    assert decision.person_id == 2
    assert candidate(decision, 1)["code"] == routing.OUTRANKED_SPECIALISATION


def test_the_rules_voivodeship_is_preferred_after_the_specialisation():
    rules = [Rule(id=1, category="legal", pool="lawyer", voivodeship="opolskie")]
    people = [
        lawyer(1, voivodeship="mazowieckie"),
        lawyer(2, voivodeship="opolskie", open_cases=3),
        lawyer(3, voivodeship="mazowieckie", open_cases=6, topics=frozenset({"housing"})),
    ]
    decision = route(LEGAL, rules=rules, people=people)
    assert decision.person_id == 3
    without_specialist = route(LEGAL, rules=rules, people=people[:2])
    assert without_specialist.person_id == 2
    assert candidate(without_specialist, 1)["code"] == routing.OUTRANKED_VOIVODESHIP
    # Without a voivodeship in the rule, the person's voivodeship plays no part.
    assert route(LEGAL, rules=[], people=people[:2]).person_id == 1


def test_fewest_open_cases_then_least_recently_assigned_then_lowest_id():
    people = [
        lawyer(1, open_cases=3),
        lawyer(2, open_cases=2, last_assigned_at=T0),
        lawyer(3, open_cases=2, last_assigned_at=T0 - timedelta(days=1)),
        lawyer(4, open_cases=2, last_assigned_at=T0 - timedelta(days=1)),
    ]
    decision = route(LEGAL, rules=[], people=people)
    assert decision.person_id == 3
    assert candidate(decision, 1)["code"] == routing.OUTRANKED_OPEN_CASES
    assert candidate(decision, 1)["message"] == "Not chosen: 3 open cases, the chosen person has 2."
    assert candidate(decision, 2)["code"] == routing.OUTRANKED_RECENTLY_ASSIGNED
    assert candidate(decision, 4)["code"] == routing.OUTRANKED_TIE
    # Someone never assigned goes before anyone assigned before.
    newcomer = lawyer(9, open_cases=2)
    assert route(LEGAL, rules=[], people=[*people, newcomer]).person_id == 9


def test_the_explanation_is_json_and_lists_eligible_people_in_rank_order():
    people = [
        lawyer(3, open_cases=1),
        lawyer(1, open_cases=2),
        lawyer(2, absent=True),
        lawyer(4, open_cases=0),
    ]
    decision = route(LEGAL, rules=[], people=people)
    explanation = json.loads(json.dumps(decision.explanation))
    assert [e["person_id"] for e in explanation["candidates"]] == [4, 3, 1, 2]
    assert explanation["outcome"] == {
        "code": routing.ASSIGNED,
        "params": {"name": "Lawyer 4"},
        "person_id": 4,
        "message": "Assigned to Lawyer 4.",
    }
    # A stored entry renders again from its code and parameters.
    assert all(describe(e) == e["message"] for e in explanation["candidates"])


def test_duplicate_person_ids_are_refused():
    with pytest.raises(ValueError):
        route(LEGAL, rules=[], people=[lawyer(1), expert(1)])


# Properties

TOPICS = ["housing", "benefits", "staffing"]
MUNICIPALITIES = [GOGOLIN, 1202, 1203]


@st.composite
def people_lists(draw):
    count = draw(st.integers(min_value=0, max_value=10))
    people = []
    for person_id in range(1, count + 1):
        limit = draw(st.none() | st.integers(min_value=0, max_value=4))
        people.append(
            Person(
                id=person_id,
                name=f"Person {person_id}",
                role=draw(st.sampled_from(["lawyer", "expert"])),
                topics=frozenset(draw(st.sets(st.sampled_from(TOPICS)))),
                voivodeship=draw(st.sampled_from(["opolskie", "małopolskie"])),
                conflicted_municipality_ids=frozenset(
                    draw(st.sets(st.sampled_from(MUNICIPALITIES), max_size=1))
                ),
                absent=draw(st.booleans()),
                substitute_id=draw(st.none() | st.integers(min_value=1, max_value=count + 1)),
                open_cases=draw(st.integers(min_value=0, max_value=5)),
                open_case_limit=limit,
                last_assigned_at=draw(st.none() | st.sampled_from([T0, T0 - timedelta(hours=1)])),
                active=draw(st.booleans() | st.just(True)),
            )
        )
    return people


cases = st.builds(
    CaseFacts,
    category=st.sampled_from(["legal", "financing", "other"]),
    topics=st.frozensets(st.sampled_from(TOPICS), max_size=2),
    municipality_id=st.sampled_from(MUNICIPALITIES),
    voivodeship=st.sampled_from(["opolskie", "małopolskie"]),
)
rule_lists = st.lists(
    st.builds(
        Rule,
        category=st.sampled_from(["legal", "financing"]),
        pool=st.sampled_from(["lawyer", "expert"]),
        topic=st.none() | st.sampled_from(TOPICS),
        voivodeship=st.none() | st.just("opolskie"),
        priority=st.integers(min_value=0, max_value=3),
        id=st.integers(min_value=1, max_value=1000),
    ),
    max_size=4,
)


def can_take(person, case):
    return (
        person.active
        and not person.absent
        and case.municipality_id not in person.conflicted_municipality_ids
        and (person.open_case_limit is None or person.open_cases < person.open_case_limit)
    )


@settings(max_examples=300)
@given(cases, rule_lists, people_lists())
def test_routing_properties(case, rules, people):
    decision = route(case, rules=rules, people=people)
    by_id = {p.id: p for p in people}
    pool = [p for p in people if p.role == decision.rule.pool]
    stand_ins = {
        p.substitute_id
        for p in pool
        if p.active and p.absent and p.substitute_id in by_id and can_take(by_id[p.substitute_id], case)
    }
    eligible = {p.id for p in pool if can_take(p, case)} | stand_ins

    # Never an absent, conflicted, full or inactive person; someone whenever someone can take it.
    if eligible:
        assert decision.person_id in eligible
        assert can_take(by_id[decision.person_id], case)
    else:
        assert decision.person_id is None

    # The explanation covers the whole pool and everyone brought in, exactly once, as JSON.
    explanation = json.loads(json.dumps(decision.explanation))
    listed = [e["person_id"] for e in explanation["candidates"]]
    assert sorted(listed) == sorted({p.id for p in pool} | stand_ins)
    chosen = [e for e in explanation["candidates"] if e["code"] == routing.CHOSEN]
    assert [e["person_id"] for e in chosen] == ([decision.person_id] if decision.person_id else [])
    assert all(e["message"] for e in explanation["candidates"])

    # Nobody eligible is preferred on the first criterion over the chosen person.
    if chosen and any(e["specialisation"] for e in explanation["candidates"] if e["person_id"] in eligible):
        assert chosen[0]["specialisation"]


def simulate(people, submissions, case=LEGAL):
    """Route one case after another, as the desk would, updating loads and last-assignment times."""
    people = {p.id: p for p in people}
    for n in range(submissions):
        decision = route(case, rules=[], people=list(people.values()))
        chosen = people[decision.person_id]
        people[chosen.id] = replace(
            chosen, open_cases=chosen.open_cases + 1, last_assigned_at=T0 + timedelta(minutes=n)
        )
    return people


@given(
    st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=12),
    st.integers(min_value=0, max_value=200),
)
def test_open_cases_spread_evenly_over_many_submissions(initial_loads, extra):
    people = [lawyer(i, open_cases=load) for i, load in enumerate(initial_loads, start=1)]
    catch_up = sum(max(initial_loads) - load for load in initial_loads)
    final = simulate(people, catch_up + extra)
    loads = [p.open_cases for p in final.values()]
    assert max(loads) - min(loads) <= 1


def test_equal_loads_take_turns():
    final = simulate([lawyer(1), lawyer(2), lawyer(3)], 3)
    assert [p.open_cases for p in final.values()] == [1, 1, 1]
    # The fourth case goes to whoever was assigned longest ago: the first one.
    assert route(LEGAL, rules=[], people=list(final.values())).person_id == 1


def test_limits_stop_assignments_and_then_the_queue_takes_over():
    final = simulate([lawyer(1, open_case_limit=2), lawyer(2, open_case_limit=3)], 5)
    assert [p.open_cases for p in final.values()] == [2, 3]
    assert route(LEGAL, rules=[], people=list(final.values())).person_id is None
