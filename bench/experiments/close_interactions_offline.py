"""Offline: the other fields' levels conditioned on the close surname level, among matches and among
strangers, from `calib_probe` with `BANDS=N` (truth over all pairs of one person, N random pairs),
added to the grey close pairs of a dump: does dependence on the surname level explain their gap?

Usage: [BAND=1] python3 bench/experiments/close_interactions_offline.py TAG MODE FIELDS WORLD...
  TAG: the dump tag (reads /tmp/probe/WORLD-TAG.csv); MODE: none, m, u or mu (which class is
  conditioned); FIELDS: e.g. 1,2,3,4,5,6,7,8; reads /tmp/bj2-WORLD.txt (the BANDS output);
  BAND=1 also replaces the level and its adjustment by the true per-band weights.
"""
import csv,sys,collections,math,re
# args: TAG MODE(m|u|mu) FIELDS(e.g. 1,3,5) worlds...
tag=sys.argv[1]; mode=sys.argv[2]; fields=[int(x) for x in sys.argv[3].split(",")]
names=["sur","giv","pat","bd","dd","pl","unit","rank","sex"]
import os
BAND=os.environ.get("BAND")=="1"
def band(c):
    c=int(c)
    return 0 if c<=1 else 1 if c==2 else 2 if c<=4 else 3 if c<=16 else 4 if c<=128 else 5
agg=collections.defaultdict(lambda:[0,0.0,0])
for wd in sys.argv[4:]:
    L=open(f"/tmp/bj2-{wd}.txt").read().splitlines()
    J={}
    for l in L:
        m=re.match(r"(ju|jm) f(\d) sur(\d) \[(.*)\]",l)
        if m: J[(m.group(1),int(m.group(2)),int(m.group(3)))]=[int(x) for x in m.group(4).split(",")]
    up,mp=map(int,re.findall(r"\d+",L[0]))
    ub=eval(L[1].split(" ",1)[1]); mb=eval(L[2].split(" ",1)[1])
    wclose=float(L[3].split()[1])
    wb=[math.log2(((m+0.5)/mp)/((u+0.5)/up)) for m,u in zip(mb,ub)]
    adj={}
    for f in fields:
        for cls in ("jm","ju"):
            if cls[1] not in mode: continue
            rows=[J[(cls,f,s)] for s in range(6)]
            close=rows[3]; allr=[sum(r[l] for r in rows) for l in range(8)]
            nc=sum(close); na=sum(allr)
            for l in range(8):
                if allr[l]==0: continue
                pc=(close[l]+0.5*allr[l]/na*8)/(nc+4); pa=allr[l]/na
                d=math.log2(pc/pa)
                adj[(f,l)]=adj.get((f,l),0)+(d if cls=="jm" else -d)
    for r in csv.DictReader(open(f"/tmp/probe/{wd}-{tag}.csv")):
        lab=int(r["label"])
        if lab<0: continue
        w=float(r["weight"]); g="other"
        if r["sur"]=="3":
            g="close"
            if BAND: w=w-wclose-float(r["close"])+wb[band(r["rcount"])]
            for f in fields: w+=adj.get((f,int(r[names[f]])),0)
        p=1/(1+2**(-w))
        if p<0.2: continue
        k=min(int(p*10),9)
        for gg in (g,"all"):
            a=agg[(gg,k)]; a[0]+=1;a[1]+=p;a[2]+=lab
for g in ["close","all"]:
    vals=[(k,(agg[(g,k)][2]-agg[(g,k)][1])/agg[(g,k)][0],agg[(g,k)][0]) for k in range(2,10) if agg[(g,k)][0]]
    print(g, f"max {max(abs(v[1]) for v in vals[:-1]):.3f}", " ".join(f"{v:+.3f}({n})" for k,v,n in vals))
