"""Logistic fit of the truth labels of grey pairs with close surnames on their present log odds
(an offset) and indicators: band of the rarer spelling's roll count, pair of lists, given-name level,
missing place / birth date / patronymic. Prints each indicator's coefficient in bits.

Usage: python3 bench/experiments/close_logit.py DUMP.csv...  (calib_probe dumps with rcount)
Pure Python (Newton steps with a small ridge), no numpy.
"""
import csv,sys,math,collections
# logistic regression with offset = current log-odds; coefficients in bits
def band(c):
    c=int(c)
    return "b1" if c<=1 else "b2" if c==2 else "b3-4" if c<=4 else "b5-16" if c<=16 else "b17+"
rows=[]
for fn in sys.argv[1:]:
    for r in csv.DictReader(open(fn)):
        lab=int(r["label"])
        if lab<0 or r["sur"]!="3": continue
        w=float(r["weight"]); p=1/(1+2**(-w))
        if p<0.05 or p>0.97: continue
        f={"const":1.0}
        b=band(r["rcount"]); 
        if b!="b5-16": f[b]=1.0
        s=tuple(sorted(r["src"].split("~")))
        g="~".join(x[:5] for x in s)
        f["g:"+g]=1.0
        if r["giv"]=="2": f["giv2"]=1.0
        if r["giv"] in ("3","4"): f["giv34"]=1.0
        if r["giv"]=="5": f["giv5"]=1.0
        if r["pl"]=="0": f["pl0"]=1.0
        if r["bd"]=="0": f["bd0"]=1.0
        if r["pat"]=="0": f["pat0"]=1.0
        rows.append((w*math.log(2),f,lab))
# drop group dummies with few rows; make the most common group the baseline
cnt=collections.Counter(k for _,f,_ in rows for k in f)
base=max((k for k in cnt if k.startswith("g:")), key=lambda k:cnt[k])
feats=[k for k in cnt if cnt[k]>=60 and k!=base]
idx={k:i for i,k in enumerate(feats)}
n=len(feats); beta=[0.0]*n
for it in range(30):
    g=[0.0]*n; H=[[0.0]*n for _ in range(n)]
    for off,f,y in rows:
        z=off+sum(beta[idx[k]]*v for k,v in f.items() if k in idx)
        z=max(min(z,30),-30); p=1/(1+math.exp(-z)); wv=p*(1-p)
        ks=[idx[k] for k in f if k in idx]
        for i in ks:
            g[i]+= (y-p)
            for j in ks: H[i][j]+=wv
    for i in range(n): H[i][i]+=1e-3 + 0.5  # ridge
    # solve H d = g
    A=[H[i][:]+[g[i]] for i in range(n)]
    for c in range(n):
        piv=max(range(c,n),key=lambda r:abs(A[r][c])); A[c],A[piv]=A[piv],A[c]
        for r in range(n):
            if r!=c:
                m=A[r][c]/A[c][c]
                for k in range(c,n+1): A[r][k]-=m*A[c][k]
    d=[A[i][n]/A[i][i] for i in range(n)]
    beta=[b+x for b,x in zip(beta,d)]
    if max(abs(x) for x in d)<1e-6: break
print(f"rows {len(rows)} baseline {base}")
for k in sorted(feats, key=lambda k:-cnt[k]):
    print(f"{k:22s} n={cnt[k]:6d} {beta[idx[k]]/math.log(2):+.2f} bits")
