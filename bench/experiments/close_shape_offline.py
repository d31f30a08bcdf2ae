"""Offline: the close-surname adjustment shaped by which spelling tells. A lone rarer spelling (a slip)
takes the commoner spelling's frequency (its strangers are other slips of that name), two spellings
held by others take the rarer one's (two names of their own). Frequencies as -SLOPE*log2(max(c-1,1)).
The two offsets (lone / not) are set on the labels so that the summed probability of each group of
close candidate pairs equals its matches: the best any centring could do, to measure the shape alone.

Usage: python3 bench/experiments/close_shape_offline.py SLOPE DUMP.csv...
DUMPs: calib_probe with KEEP_FLOOR=0 CLOSE_ALL=1 (every candidate pair with close surnames).
"""
import csv,sys,collections,math
# oracle: shape lone->commoner tf, other->rarer tf (approx -log2(max(c-1,1))), offsets per subgroup by count matching
slope=float(sys.argv[1])
rows=[];other=[]
for fn in sys.argv[2:]:
    for r in csv.DictReader(open(fn)):
        lab=int(r["label"])
        if lab<0: continue
        w=float(r["weight"])
        if r["sur"]=="3":
            rc=int(r["rcount"]); cc=int(r["ccount"])
            lone=rc<=1
            shape=-slope*math.log2(max((cc if lone else rc)-1,1))
            rows.append((w-float(r["close"])+shape,lab,lone))
        elif 1/(1+2**(-w))>=0.2: other.append((w,lab))
off={}
for sub in (True,False):
    rs=[(w,l) for w,l,s in rows if s==sub]; y=sum(l for _,l in rs)
    lo,hi=-30,30
    for _ in range(60):
        mid=(lo+hi)/2
        t=sum(1/(1+2**(-(w+mid))) for w,_ in rs)
        if t<y: lo=mid
        else: hi=mid
    off[sub]=(lo+hi)/2
    print(f"lone={sub}: {len(rs)} pairs, {y} matches, offset {off[sub]:+.2f}")
agg=collections.defaultdict(lambda:[0,0.0,0]); tf=[0,0]
for w,lab,s in rows:
    p=1/(1+2**(-(w+off[s])))
    if p>=0.95: tf[lab]+=1
    if p<0.2: continue
    k=min(int(p*10),9)
    for gg in ("close","all"):
        a=agg[(gg,k)]; a[0]+=1;a[1]+=p;a[2]+=lab
for w,lab in other:
    p=1/(1+2**(-w)); k=min(int(p*10),9)
    a=agg[("all",k)]; a[0]+=1;a[1]+=p;a[2]+=lab
for g in ["close","all"]:
    vals=[(k,(agg[(g,k)][2]-agg[(g,k)][1])/agg[(g,k)][0],agg[(g,k)][0]) for k in range(2,10) if agg[(g,k)][0]]
    print(g, f"max {max(abs(v[1]) for v in vals[:-1]):.4f}", " ".join(f"{v:+.3f}({n})" for k,v,n in vals))
print("close true/false at 0.95:", tf[1], tf[0])
