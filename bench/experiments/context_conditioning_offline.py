#!/usr/bin/env python3
"""Offline experiment (not part of Tally, fifteenth pass of issue 4): the pair's context as evidence
with a likelihood under matches fixed by structure, and under non-matches measured per score bin.

Reads dumps of `context_check` (`CTX_DUMP=FILE`, grey pairs with their standing and the number of
cross pairs of their two persons that the chaining guard calls hard conflicts). Contexts: `one`
(joined by other links), `conflict` (a cross pair of the two persons can never be one person),
`held` (a rival of the other's list in the person), `apart` (the rest). For a pair of pairwise
probability p in context c:

    odds' = odds(p) * P(c | M) (1 - p) / (P(c | p) - P(c | M) p)

P(c | p) is the share of context c among the grey pairs of p's bin (ten bins over 0.2-0.95);
P(c | M) is fixed: conflict 0.002, held 0.03 (about the lists' twice-named rates), one the
share of the expected matches (sum of p) that `one` pairs account for, apart the rest. It is
calibrated by construction if the pairwise probability is, within each bin; the truth labels are
read only for the report.

    CTX_DUMP=/tmp/dump.csv target/release/examples/context_check DIRS...
    python3 bench/experiments/context_conditioning_offline.py /tmp/dump.csv     # pandas, numpy
"""
import pandas as pd, numpy as np, sys, warnings
warnings.filterwarnings('ignore')
for f in sys.argv[1:]:
    d=pd.read_csv(f)
    d['ctx']=np.where(d.standing=='One','one',np.where(d.conflicts>0,'conflict',np.where(d.standing=='Held','held','apart')))
    d['bin']=np.minimum(((d.p0-0.2)/0.75*10).astype(int),9)
    tot_m=d.p0.sum()  # expected matches among grey pairs, if pairwise is calibrated in aggregate
    one=(d.ctx=='one'); P_one_M=min(0.999*one.sum()/tot_m,0.99)
    d_rate=0.03
    PM={'one':P_one_M,'held':d_rate,'conflict':0.002}
    PM['apart']=1-sum(PM.values())
    share=d.groupby(['bin','ctx']).size().unstack(fill_value=0)
    share=share.div(share.sum(axis=1),axis=0)
    pbin=d.groupby('bin').p0.mean()
    q=np.zeros(len(d))
    for i,(p,b,c) in enumerate(zip(d.p0.values,d.bin.values,d.ctx.values)):
        pc=share.loc[b,c]; pm=PM[c]
        den=pc-pm*p
        lr = pm*(1-p)/den if den>1e-9 else 1e6
        o=p/(1-p)*lr
        q[i]=o/(1+o)
    d['q']=q
    d['dec']=(d.q*10).astype(int).clip(0,9)
    g=d.groupby('dec').agg(n=('y','size'),pred=('q','mean'),obs=('y','mean'))
    g['gap']=g.obs-g.pred
    print(f, 'P(one|M)=%.3f'%P_one_M)
    print(g.round(3).T.to_string())
    print(d.groupby('ctx').agg(n=('y','size'),p0=('p0','mean'),q=('q','mean'),y=('y','mean')).round(3).T.to_string())
