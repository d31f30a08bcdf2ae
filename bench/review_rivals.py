#!/usr/bin/env python3
"""How often the review queue's pairs are matches, with and without a rival, against the truth.

    python3 bench/review_rivals.py bench/out/mixed-100000-s1 bench/out/latin-100000-s1 ...

Each argument is a linked world as `calibration.py` and `splink_side_by_side.py` leave it in
bench/out: `tally.db` after `tally link`, and the world's `truth.csv`. A pair is in the grey zone
when its link probability is in [0.2, 0.9). It has a rival, as `tally review` shows it
(`tally_app::link::review_context`), when one of its records has a kept pair of higher
probability with another record of the other record's list, not in the other record's person.
Pairwise Fellegi-Sunter cannot see that a list names a person about once; this measures what
the rival says that the probability does not. Stdlib only.
"""

from __future__ import annotations

import csv
import sqlite3
import sys
from collections import defaultdict

LOW, HIGH = 0.2, 0.9


def world(d: str, tot: dict) -> None:
    c = sqlite3.connect(f"{d}/tally.db")
    key, src = {}, {}
    for i, s, r in c.execute("select r.id, s.name, r.source_record_id from records r join sources s on s.id = r.source_id"):
        key[i], src[i] = (s, r), s
    person = dict(c.execute("select record_id, person_id from record_person"))
    with open(f"{d}/truth.csv", newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        truth = {(r[0], r[1]): r[2] for r in rows}
    pairs = list(c.execute("select record_a, record_b, probability from link_pairs"))
    by = defaultdict(list)
    for a, b, p in pairs:
        by[a].append((b, p))
        by[b].append((a, p))

    def rival(me: int, other: int, p: float) -> bool:
        return any(
            r != other and q > p and src[r] == src[other] and not (r in person and person.get(r) == person.get(other))
            for r, q in by[me]
        )

    for a, b, p in pairs:
        if not LOW <= p < HIGH:
            continue
        has = rival(a, b, p) or rival(b, a, p)
        ta, tb = truth.get(key[a]), truth.get(key[b])
        t = tot[has]
        t[0] += 1
        t[1] += p
        t[2] += int(ta is not None and ta == tb)


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    tot = defaultdict(lambda: [0, 0.0, 0])
    for d in sys.argv[1:]:
        world(d, tot)
    print(f"grey-zone pairs (probability {LOW} to {HIGH}) of {len(sys.argv) - 1} worlds")
    for has in (True, False):
        n, s, m = tot[has]
        if n:
            print(f"{'with a rival' if has else 'no rival':13s} {n:8d} pairs  predicted {s / n:.3f}  observed {m / n:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
