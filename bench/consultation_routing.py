"""Time per routing decision and the spread of open cases: 10,000 cases over 50 people.

Usage: .venv/bin/python bench/consultation_routing.py [--cases 10000] [--seed 7]
A realistic mix (absences with substitutes, conflicts of interest, limits, specialisations, voivodeship rules,
cases closing over time) and a uniform baseline (everyone eligible and unlimited, no specialisations).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from django.utils import translation  # noqa: E402

from consultations.routing import CaseFacts, Person, Rule, route  # noqa: E402

CATEGORIES = ["legal"] * 4 + ["organisation", "services", "financing", "cooperation", "other"] * 1
TOPICS = ["housing", "benefits", "family", "disability", "seniors", "staffing", "budget", "ngo"]
VOIVODESHIPS = ["dolnośląskie", "małopolskie", "mazowieckie", "opolskie", "pomorskie", "śląskie"]
MUNICIPALITIES = {m: VOIVODESHIPS[m % len(VOIVODESHIPS)] for m in range(1, 301)}
T0 = datetime(2026, 1, 5, 8, tzinfo=UTC)


def make_people(rng: random.Random, *, realistic: bool) -> dict[int, Person]:
    people = {}
    for person_id in range(1, 51):
        role = "lawyer" if person_id <= 20 else "expert"
        if not realistic:
            people[person_id] = Person(id=person_id, name=f"Person {person_id}", role=role)
            continue
        people[person_id] = Person(
            id=person_id,
            name=f"Person {person_id}",
            role=role,
            topics=frozenset(rng.sample(TOPICS, rng.randint(0, 3))),
            voivodeship=rng.choice(VOIVODESHIPS),
            conflicted_municipality_ids=frozenset(rng.sample(sorted(MUNICIPALITIES), rng.randint(0, 4))),
            open_case_limit=rng.choice([None, None, None, 8, 12, 20]),
        )
    return people


def reshuffle_absences(rng: random.Random, people: dict[int, Person]) -> None:
    """A new week: about one person in ten is away, most with a colleague of the same role standing in."""
    for person in list(people.values()):
        absent = rng.random() < 0.1
        colleagues = [p.id for p in people.values() if p.role == person.role and p.id != person.id]
        substitute = rng.choice(colleagues) if absent and rng.random() < 0.8 else None
        people[person.id] = replace(person, absent=absent, substitute_id=substitute)


def run(cases: int, seed: int, *, realistic: bool) -> None:
    rng = random.Random(seed)
    people = make_people(rng, realistic=realistic)
    rules = [
        Rule(id=1, category="financing", pool="lawyer", topic="budget", priority=10),
        Rule(id=2, category="legal", pool="lawyer", voivodeship="opolskie", priority=10),
        Rule(id=3, category="services", pool="expert", topic="seniors", voivodeship="śląskie", priority=20),
    ]
    open_until: list[tuple[int, int]] = []  # (step at which the case closes, person id)
    timings = []
    queued = 0
    assigned = dict.fromkeys(people, 0)
    for step in range(cases):
        if realistic and step % 250 == 0:
            reshuffle_absences(rng, people)
        if realistic:
            # Cases close 50-600 submissions after they were assigned, so limits bind and free up again.
            still_open = []
            for closes_at, person_id in open_until:
                if closes_at <= step:
                    person = people[person_id]
                    people[person_id] = replace(person, open_cases=person.open_cases - 1)
                else:
                    still_open.append((closes_at, person_id))
            open_until = still_open
        municipality = rng.choice(sorted(MUNICIPALITIES))
        case = CaseFacts(
            category=rng.choice(CATEGORIES),
            topics=frozenset(rng.sample(TOPICS, rng.randint(1, 2))) if realistic else frozenset(),
            municipality_id=municipality,
            voivodeship=MUNICIPALITIES[municipality],
        )
        snapshot = list(people.values())
        started = time.perf_counter_ns()
        decision = route(case, rules=rules, people=snapshot)
        timings.append((time.perf_counter_ns() - started) / 1000)
        if decision.person_id is None:
            queued += 1
            continue
        chosen = people[decision.person_id]
        assigned[chosen.id] += 1
        people[chosen.id] = replace(
            chosen, open_cases=chosen.open_cases + 1, last_assigned_at=T0 + timedelta(minutes=step)
        )
        if realistic:
            open_until.append((step + rng.randint(50, 600), chosen.id))

    timings.sort()
    print(f"{'realistic mix' if realistic else 'uniform baseline'}: {cases} cases over {len(people)} people")
    print(
        f"  time per decision: mean {statistics.fmean(timings):.0f} µs, "
        f"p50 {timings[len(timings) // 2]:.0f} µs, p95 {timings[int(len(timings) * 0.95)]:.0f} µs"
    )
    print(f"  queued for the coordinator (nobody eligible): {queued}")
    for role in ("lawyer", "expert"):
        loads = [p.open_cases for p in people.values() if p.role == role]
        totals = [assigned[p.id] for p in people.values() if p.role == role]
        print(
            f"  {role}s (n={len(loads)}): open cases max {max(loads)}, min {min(loads)}, "
            f"max-min {max(loads) - min(loads)}; assigned in total max {max(totals)}, min {min(totals)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    # Explanations are rendered in Polish, as on the desk.
    with translation.override("pl"):
        run(args.cases, args.seed, realistic=True)
        run(args.cases, args.seed, realistic=False)


if __name__ == "__main__":
    main()
