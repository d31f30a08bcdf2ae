#!/usr/bin/env python3
"""Rebuild uk_ru_names.tsv from the names-translator package (MIT, Dmitry Chaplinsky).

Run with the package's wheel unpacked and the pure-python DAWG reader installed:
    pip download --no-deps names-translator==2.1.0 -d /tmp/nt && unzip /tmp/nt/*.whl -d /tmp/nt/x
    pip install DAWG-Python
    python3 build_uk_ru_names.py /tmp/nt/x > uk_ru_names.tsv

What is kept (the package holds ~11,000 given names, ~17,000 patronymics and ~120,000 surnames):
- g: single-word given names that the package's "legacy" ua2ru pool also lists (its compiled
  dictionary of names met in real registers, ~1,500: the common ones), plus every given name whose
  Russian form differs from the Ukrainian one other than by letters (Олександр/Александр, Гліб/Глеб);
  "=" when the Russian form is the same;
- p: common (legacy-pool) patronymics whose Russian form does not follow from the Ukrainian one by the
  regular suffix rules (-ович/-евич, -івна/-овна/-евна with the same stem), which tally-names applies;
- s: surnames whose Russian form differs other than by letters (і/и, є/е, ь, ', о/е after ж ч ш щ,
  -ьов/-ев) or the regular feminine endings (-ська/-ская, -цька/-цкая, adjectival -а/-ая), which
  tally-names applies itself.
Sex of a given name is guessed from its ending (-а/-я feminine) with a list of masculine exceptions;
"-" where unsure.
"""
import sys

sys.path.insert(0, sys.argv[1])
from names_translator.dicts import NameDicts  # noqa: E402

d = NameDicts(path=sys.argv[1] + "/names_translator/data")

TR = {"і": "и", "ї": "и", "є": "е", "ґ": "г", "ы": "и", "э": "е", "й": "и"}


def simple(s):
    s = s.lower().replace("ё", "е")
    for c in "'’ʼь":
        s = s.replace(c, "")
    return "".join(TR.get(c, c) for c in s)


UKP = ["ійович", "ьович", "йович", "ович", "евич", "іївна", "ївна", "івна"]
RUP = ["иевич", "еевич", "ьевич", "евич", "ович", "иевна", "еевна", "ьевна", "евна", "овна"]


def stem(s, suf):
    s = s.lower()
    for x in sorted(suf, key=len, reverse=True):
        if s.endswith(x) and len(s) > len(x) + 1:
            return s[: -len(x)]
    return s


MALE_A = {"микола", "ілля", "лука", "сава", "фома", "хома", "кузьма", "никита", "микита", "данила",
          "гаврила", "мина", "фока", "сила", "кирила", "савва", "илья", "николай", "нікіта", "іллько"}


def sex(uk):
    if uk in MALE_A:
        return "m"
    # Diminutives in -ша/-ня/-ся/-ля/-ка are used for both sexes (Альоша, Женя, Вася): unsure.
    if uk.endswith(("ша", "ня", "ся", "ля", "ка", "ша", "ха", "ра")):
        return "-"
    if uk.endswith(("а", "я")):
        return "f"
    return "m" if uk[-1] not in "оиеуюіїє" else "-"


def fold(s):
    s = simple(s)
    for a in "жчшщ":
        s = s.replace(a + "о", a + "е")
    for a, b in [("ова", "ева"), ("ов", "ев")]:
        if s.endswith(a):
            s = s[: -len(a)] + b
    return s


def fem_rule(uk, ru):
    u, r = fold(uk), fold(ru)
    for a, b in [("ська", "ская"), ("цька", "цкая"), ("зька", "зкая"), ("а", "ая"), ("я", "яя")]:
        if u.endswith(a) and r.endswith(b) and u[: -len(a)] == r[: -len(b)]:
            return True
    return u == r


out = ["# tally-names: Ukrainian -> Russian name forms, trimmed from names-translator 2.1.0 (MIT).",
       "# See README.md in this folder. Columns: kind (g given, p patronymic, s surname), sex (m, f, -),",
       "# Ukrainian form, Russian forms ranked (| separated; = means the same as the Ukrainian form)."]
legacy = d.as_dict("legacy")
for uk, ru in sorted(d.as_dict("first").items()):
    if "-" in uk or " " in uk or not uk.isalpha() or any(c.isascii() for c in uk):
        continue
    if uk not in legacy and all(simple(uk) == simple(r) for r in ru):
        continue
    forms = [r for r in ru[:3] if r.isalpha()]
    cell = "=" if [f.lower() for f in forms] == [uk] else "|".join(forms)
    out.append(f"g\t{sex(uk)}\t{uk.capitalize()}\t{cell}")
for uk, ru in sorted(d.as_dict("patronymic").items()):
    if not uk.isalpha() or any(c.isascii() for c in uk):
        continue
    if uk not in legacy or all(simple(stem(uk, UKP)) == simple(stem(r, RUP)) for r in ru):
        continue
    s = "f" if uk.endswith("на") else "m"
    out.append(f"p\t{s}\t{uk.capitalize()}\t{'|'.join(ru[:3])}")
for uk, ru in sorted(d.as_dict("last").items()):
    if not uk.isalpha() or any(c.isascii() for c in uk):
        continue
    if all(fem_rule(uk, r) for r in ru):
        continue
    out.append(f"s\t-\t{uk.capitalize()}\t{'|'.join(ru[:3])}")
print("\n".join(out))
