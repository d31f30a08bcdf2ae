#!/usr/bin/env python3
"""Offline experiment (not part of Tally): link probabilities under "a list names a person about once".

Pairwise Fellegi-Sunter scores each pair alone. This recomputes each kept pair's probability as the local
bipartite posterior

    q = r / ((1 - rho_a + s_a) (1 - rho_b + s_b) + r)

where r is the pair's pairwise odds, s_a the summed odds of a's other pairs into b's list (leaving out b's
cluster), and rho_a the chance that a's person is on b's list at all, taken from the roll's capture patterns:
among persons whose lists, b's list aside, are those of a's person, the share that is also on b's list. The
roll is clustered again at 0.95 with q and the patterns recomputed, ITER times. Labels are read only to
report calibration and links at 0.95 against the pairwise probabilities.

Input: dumps of `calib_probe` that keep pairs down to 1e-6 and carry the parameters, e.g.

    cargo build --release -p tally-linkage --example calib_probe
    KEEP_FLOOR=0.000001 PARAMS_OUT=dumps/c_mixed_s1.json \\
        target/release/examples/calib_probe bench/out/mixed-100000-s1 dumps/c_mixed_s1.csv
    ITER=2 python3 bench/experiments/competition_offline.py dumps      # needs pandas and numpy

Results of the sixth pass are in its note (issue 4).
"""
import glob
import json
import os
import sys
from collections import Counter

import numpy as np
import pandas as pd

MINN=int(os.environ.get('MINN','500')); ITER=int(os.environ.get('ITER','1')); TH=float(os.environ.get('TH','0.95'))
def cal(p,y):
    b=(p*10).clip(0,9.999).astype(int)
    g=pd.DataFrame({'p':p,'y':y,'b':b}).groupby('b').agg(n=('p','size'),pred=('p','mean'),obs=('y','mean'))
    g=g[g.n>=MINN]; gap=g.obs-g.pred
    return gap.abs().max(), ' '.join(f"{k}:{v:+.3f}" for k,v in gap.items())
def posterior(d, r, n, srcs):
    rec=pd.concat([pd.DataFrame({'r':d.a,'c':d.ca}),pd.DataFrame({'r':d.b,'c':d.cb})]).drop_duplicates('r')
    rec['s']=rec.r.str.split(':').str[0]
    comp=rec.groupby('c').s.agg(lambda x: frozenset(x))
    pat=Counter(comp.values); seen=rec.groupby('s').size()
    for s_ in srcs: pat[frozenset([s_])]+=n[s_]-seen.get(s_,0)
    def rho(Y,P):
        P=frozenset(P)-{Y}
        on=pat.get(P|{Y},0); off=pat.get(P,0)
        return on/(on+off) if on+off else 0.0
    L=pd.concat([pd.DataFrame({'me':d.a,'os':d.sb,'oc':d.cb,'r':r}), pd.DataFrame({'me':d.b,'os':d.sa,'oc':d.ca,'r':r})])
    tot=L.groupby(['me','os']).r.sum(); byc=L.groupby(['me','os','oc']).r.sum()
    sA=np.maximum(tot.reindex(pd.MultiIndex.from_arrays([d.a,d.sb])).values-byc.reindex(pd.MultiIndex.from_arrays([d.a,d.sb,d.cb])).values,0)
    sB=np.maximum(tot.reindex(pd.MultiIndex.from_arrays([d.b,d.sa])).values-byc.reindex(pd.MultiIndex.from_arrays([d.b,d.sa,d.ca])).values,0)
    compd=comp.to_dict(); ra=np.zeros(len(d)); rb=np.zeros(len(d)); cache={}
    for i,(x,y,cx,cy) in enumerate(zip(d.sa.values,d.sb.values,d.ca.values,d.cb.values)):
        if x==y: continue
        Pa=compd[cx]; Pb=compd[cy]
        if cx==cy: Pa=Pa-{y}|{x}; Pb=Pb-{x}|{y}
        for key,(Y,P) in (('a',(y,Pa)),('b',(x,Pb))):
            if (Y,P) not in cache: cache[(Y,P)]=min(rho(Y,P),0.98)
        ra[i]=cache[(y,Pa)]; rb[i]=cache[(x,Pb)]
    return r/((1-ra+sA)*(1-rb+sB)+r)
AP=[];AQ=[];AY=[];AY2=[]
for f in sorted(glob.glob(sys.argv[1]+'/c_*.csv')):
    J=json.load(open(f.replace('.csv','.json'))); n={s['source']:s['records'] for s in J['source_tf']}; srcs=sorted(n)
    d=pd.read_csv(f,usecols=['weight','label','a','b','ca','cb'])
    d['sa']=d.a.str.split(':').str[0]; d['sb']=d.b.str.split(':').str[0]
    r=np.exp2(d.weight.clip(-80,80).values)
    for it in range(ITER):
        q=posterior(d,r,n,srcs)
        par={}
        def find(x):
            while par.get(x,x)!=x:
                par[x]=par.get(par[x],par[x]); x=par[x]
            return x
        for a_,b_,qq in zip(d.a.values,d.b.values,q):
            if qq>=TH:
                x_,y_=find(a_),find(b_)
                if x_!=y_: par[x_]=y_
        d['ca']=[find(x) for x in d.a.values]; d['cb']=[find(x) for x in d.b.values]
    p0=1/(1+1/r); y=d.label.values; sel=y>=0
    k0=sel&(p0>=0.2); kq=sel&(q>=0.2)
    a_,b_=cal(p0[k0],y[k0]),cal(q[kq],y[kq])
    print(f.split('/')[-1],'base %.4f'%a_[0],'| bip %.4f %s'%b_,'TP/FP@.95 base',int(((p0>=.95)&(y==1)).sum()),int(((p0>=.95)&(y==0)).sum()),'bip',int(((q>=.95)&(y==1)).sum()),int(((q>=.95)&(y==0)).sum()),flush=True)
    AP.append(p0[k0]);AY.append(y[k0]);AQ.append(q[kq]);AY2.append(y[kq])
print('POOLED base %.4f %s'%cal(np.concatenate(AP),np.concatenate(AY)))
print('POOLED bip  %.4f %s'%cal(np.concatenate(AQ),np.concatenate(AY2)))
