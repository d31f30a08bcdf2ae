#!/usr/bin/env python3
"""Offline: "which spelling tells" with Fellegi-Sunter offsets per pair of lists.

Each close pair's surname weight becomes log2(m / u) of its group (lone rarer spelling or not)
within its pair of lists, plus the group's M-centre there (log2 of the mean k over true pairs),
less log2 k (k: the count that tells, less one). u is the group's share among random pairs of that
pair of lists. m and the centre come two ways: "truem" from every pair of one true person in that
pair of lists (an oracle), "postm" label-free from the present model's posteriors over the
candidate pairs of that pair of lists (the group's summed probability over the pair of lists'
summed probability; the centre weighted by probability). "pooled" is "truem" over all pairs of
lists at once; "now" is the present model.

    for w in latin mixed; do for s in 1 2 3; do
        d=bench/out/$w-1000000-s$s
        GROUP_U=2000000 target/release/examples/calib_probe $d /tmp/junk.csv > /tmp/gt-$w-1000000-s$s.txt
        KEEP_FLOOR=0 CLOSE_ALL=1 target/release/examples/calib_probe $d /tmp/probe/$w-1000000-s$s-ca.csv
    done; done
    python3 bench/experiments/close_shape_lists.py latin-1000000-s1 mixed-1000000-s1 ...

(100k worlds: GROUP_U=300000.) Reads /tmp/gt-WORLD.txt and /tmp/probe/WORLD-ca.csv. Stdlib only.
"""
import csv, sys, collections, math, re

worlds = sys.argv[1:]
sig = lambda w: 1 / (1 + 2 ** (-w)) if w > -80 else 0.0
R = {v: collections.defaultdict(lambda: [0, 0.0, 0]) for v in ('now', 'pooled', 'truem', 'postm')}
G = {v: collections.defaultdict(lambda: [0, 0.0, 0]) for v in R}
TF = {v: [0, 0] for v in R}
for wd in worlds:
    L = open(f'/tmp/gt-{wd}.txt').read().splitlines()
    grp = {}; tells = {}
    for l in L:
        m = re.match(r'group (\S+)~(\S+) u\[.*\] n=(\d+) \| m\[.*\] n=(\d+)', l)
        if m: grp['~'.join(sorted([m.group(1), m.group(2)]))] = (int(m.group(3)), int(m.group(4)))
        m = re.match(r'tells (\S+)~(\S+) u (.*) m (.*)', l)
        if m: tells['~'.join(sorted([m.group(1), m.group(2)]))] = (eval(m.group(3)), eval(m.group(4)))
        if l.startswith('global u'): gu = eval(l.split(' ', 2)[2])
        if l.startswith('global m'): gm = eval(l.split(' ', 2)[2])
    wclose = math.log2(gm[3] / gu[3])
    rows = []
    SP = collections.defaultdict(float); SG = collections.defaultdict(lambda: [0.0, 0.0])
    with open(f'/tmp/probe/{wd}-ca.csv') as fh:
        rd = csv.reader(fh); ix = {k: i for i, k in enumerate(next(rd))}
        for r in rd:
            w = float(r[ix['weight']]); lab = int(r[ix['label']]); src = r[ix['src']]; p = sig(w)
            SP[src] += p
            if r[0] == '3':
                rc, cc = int(r[ix['rcount']]), int(r[ix['ccount']]); g = 0 if rc <= 1 else 1
                k = max((cc if g == 0 else rc) - 1, 1)
                a = SG[(src, g)]; a[0] += p; a[1] += p * k
                rows.append((lab, w, src, g, k, w - float(r[ix['close']]) - wclose - math.log2(k)))
            else:
                rows.append((lab, w, src, None, None, None))
    pool = {g: (sum(t[1][g][1] for t in tells.values()) / sum(t[1][g][0] for t in tells.values())) for g in (0, 1)}
    # "pooled": true m and random u over all pairs of lists at once.
    UT = sum(v[0] for v in grp.values()); MT = sum(v[1] for v in grp.values())
    off_pool = {}
    for g in (0, 1):
        un = sum(t[0][g][0] for t in tells.values()); mn = sum(t[1][g][0] for t in tells.values())
        off_pool[g] = math.log2((mn / MT) / (un / UT)) + math.log2(pool[g])
    off_true = {}; off_post = {}
    for key, (up, mp) in grp.items():
        tu, tm = tells[key]
        for g in (0, 1):
            mn, mk = tm[g][0], tm[g][1]; un = tu[g][0]
            Ek = mk / mn if mn >= 5 else pool[g]
            off_true[(key, g)] = math.log2(((mn + 0.5) / max(mp, 1)) / ((un + 0.5) / up)) + math.log2(Ek)
            sp, spk = SG[(key, g)]; tot = SP[key]
            Ekp = spk / sp if sp >= 5 else pool[g]
            off_post[(key, g)] = math.log2(((sp + 0.5) / max(tot, 1)) / ((un + 0.5) / up)) + math.log2(Ekp)
    for lab, w, src, g, k, base in rows:
        if lab < 0: continue
        if g is None:
            if w <= -2.33: continue
            vals = {v: w for v in R}
        else:
            vals = {'now': w, 'pooled': base + off_pool[g], 'truem': base + off_true.get((src, g), -30), 'postm': base + off_post.get((src, g), -30)}
        for v, ww in vals.items():
            p = sig(ww)
            if g is not None and p >= 0.95: TF[v][lab] += 1
            if p < 0.2: continue
            kk = min(int(p * 10), 9)
            a = R[v][kk]; a[0] += 1; a[1] += p; a[2] += lab
            if g is not None and p < 0.95:
                a = G[v][kk]; a[0] += 1; a[1] += p; a[2] += lab
for v in R:
    cells = [(k, (a[2] - a[1]) / a[0], a[0]) for k, a in sorted(R[v].items())]
    print(f"{v:6}: max {max(abs(g) for k, g, n in cells if k < 9):.4f} " + " ".join(f"{k/10:.1f}:{g:+.3f}" for k, g, n in cells) + f"  close t/f {TF[v][1]}/{TF[v][0]}")
    print("   grey close: " + " ".join(f"{k/10:.1f}:{(a[2]-a[1])/a[0]:+.3f}({a[0]})" for k, a in sorted(G[v].items())))
