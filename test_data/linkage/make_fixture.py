#!/usr/bin/env python3
"""Writes the small two-source linkage fixture used by crates/tally-cli/tests/link.rs.

Hand-made conventions, seeded: 120 persons, a ministry-style list (mod.csv), an
obituary-style list (obits.csv) that names about half of them again with slips (year-only
birth dates, typos, missing patronymics), and a short media list (media.csv, given name first
in one column order, some persons not named elsewhere) that arrives later. truth.csv maps every record to its person, in the
format `tally synth` writes. Re-run to regenerate; the output is committed.
"""
import csv
import random

random.seed(20240601)
stems = ["Shevch", "Koval", "Bondar", "Tkach", "Kravch", "Moroz", "March", "Lys", "Rud", "Savch", "Petr",
         "Klym", "Pavl", "Kuzm", "Ponomar", "Kharch", "Levch", "Karp", "Vasyl", "Hrytsk", "Melnych", "Boyk"]
suffixes = ["enko", "uk", "yk", "ak", "ets", "iv"]
given = ["Oleksandr", "Serhii", "Andrii", "Volodymyr", "Dmytro", "Mykola", "Ivan", "Yurii", "Vasyl", "Oleksii"]
patr = ["Oleksandrovych", "Serhiiovych", "Andriiovych", "Volodymyrovych", "Mykolaiovych", "Ivanovych"]
places = ["Kyiv", "Lviv", "Poltava", "Sumy", "Chernihiv", "Odesa"]
units = ["A0123", "A1234", "A4567", "A7890"]

def typo(s):
    i = random.randrange(1, len(s) - 2)
    return s[:i] + s[i + 1] + s[i] + s[i + 2:]

header = ["id", "surname", "given_name", "patronymic", "sex", "birth_date", "death_date", "settlement", "unit"]
mod, obits, media, truth = [], [], [], []
for p in range(1, 121):
    s = random.choice(stems) + random.choice(suffixes)
    g, pa = random.choice(given), random.choice(patr)
    y, m, d = random.randrange(1970, 2003), random.randrange(1, 13), random.randrange(1, 29)
    dd = f"2023-{random.randrange(1, 13):02d}-{random.randrange(1, 29):02d}"
    pl, un = random.choice(places), random.choice(units)
    mid = str(1000 + p)
    mod.append([mid, s, g, pa, "male", f"{y}-{m:02d}-{d:02d}", dd, pl, un])
    truth.append(["mod", mid, f"P{p}"])
    if random.random() < 0.5:
        oid = str(len(obits) + 1)
        obits.append([oid, typo(s) if random.random() < 0.2 else s, g,
                      pa if random.random() < 0.6 else "", "male",
                      str(y) if random.random() < 0.3 else f"{y}-{m:02d}-{d:02d}", dd,
                      pl if random.random() < 0.7 else "", ""])
        truth.append(["obits", oid, f"P{p}"])
    if random.random() < 0.15:
        i = str(len(media) + 1)
        media.append([i, s, g, "", "male", str(y), "", pl, ""])
        truth.append(["media", "m" + i, f"P{p}"])
        media[-1][0] = "m" + i
for q in range(121, 126):
    i = str(len(media) + 1)
    media.append(["m" + i, random.choice(stems) + "ovych", random.choice(given), "", "male",
                  str(random.randrange(1970, 2003)), "", random.choice(places), ""])
    truth.append(["media", "m" + i, f"P{q}"])

for name, rows in [("mod.csv", mod), ("obits.csv", obits), ("media.csv", media)]:
    with open(name, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
with open("truth.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["source", "source_record_id", "person_id"])
    w.writerows(truth)
