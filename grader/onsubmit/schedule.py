"""Which waiting submission is graded next, and when each can be.

* **The limit**: a student gets ``graded_per_period`` gradings of one assignment in any ``period``; a
  submission over it waits for the next free slot (when the oldest grading of the window leaves it), or for
  the due date, after which there is no limit. A student's submissions of one assignment are graded in the
  order they arrived.
* **Fair share**: a student never has two submissions graded at once, and among the submissions that may
  start, the student with the fewest gradings in the last period goes first (then the one that waited
  longest), so that at a deadline nobody's burst of submissions keeps the others waiting.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable

from .ledger import Entry
from .policy import Rules


def slots(started: list[float], waiting: int, rules: Rules, now: float) -> list[float]:
    """The earliest start times of the next ``waiting`` gradings of one student's assignment, given when the
    earlier ones started (``started``)."""
    taken = sorted(started)
    due = rules.due_seconds()
    out = []
    for _ in range(waiting):
        when = now
        if rules.graded_per_period > 0:
            while True:
                window = [t for t in taken if when - rules.period_seconds < t <= when]
                if len(window) < rules.graded_per_period:
                    break
                when = window[0] + rules.period_seconds
        if due is not None and when > due:
            when = max(now, due)
        out.append(when)
        taken.append(when)
    return out


def plan(entries: list[Entry], rules_of: Callable[[str], Rules], now: float) -> dict[int, float]:
    """When each queued submission may start (entry id -> epoch seconds)."""
    by_owner: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        by_owner[entry.student, entry.assignment].append(entry)
    out = {}
    for (student, assignment), mine in by_owner.items():
        waiting = sorted((e for e in mine if e.state == "queued"), key=lambda e: (e.received, e.id))
        started = [e.started for e in mine if e.started is not None and e.state != "queued"]
        times = slots(started, len(waiting), rules_of(assignment), now)
        out.update({e.id: t for e, t in zip(waiting, times)})
    return out


def next_entries(entries: list[Entry], rules_of: Callable[[str], Rules], now: float, free: int) -> list[Entry]:
    """Up to ``free`` queued submissions to start now, in fair order."""
    if free <= 0:
        return []
    when = plan(entries, rules_of, now)
    busy_students = {e.student for e in entries if e.state in ("grading", "merging")}
    first_of_owner: dict[tuple[str, str], Entry] = {}
    for entry in sorted((e for e in entries if e.state == "queued"), key=lambda e: (e.received, e.id)):
        first_of_owner.setdefault((entry.student, entry.assignment), entry)
    recent: dict[str, int] = defaultdict(int)
    for entry in entries:
        if entry.started is not None and entry.state != "queued" \
                and entry.started > now - rules_of(entry.assignment).period_seconds:
            recent[entry.student] += 1
    ready = [e for e in first_of_owner.values() if when[e.id] <= now and e.student not in busy_students]
    ready.sort(key=lambda e: (recent[e.student], e.received, e.id))
    chosen, students = [], set()
    for entry in ready:
        if entry.student not in students:
            chosen.append(entry)
            students.add(entry.student)
        if len(chosen) == free:
            break
    return chosen
