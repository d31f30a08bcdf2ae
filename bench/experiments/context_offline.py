#!/usr/bin/env python3
"""Offline experiment (not part of Tally): each pair's probability given the roll around it.

Pairwise Fellegi-Sunter scores a pair alone. In a roll, three kinds of evidence sit outside the
pair: other links that already join its two records (transitivity), other records of the same
list in either record's person (a list names a person about once), and how often persons with
each record's pattern of lists appear on the other record's list (capture heterogeneity). This
recomputes each kept pair's probability from the roll `calib_probe` dumped (pairwise clusters at
0.95):

- same person: q = path + (1 - path) p, with `path` the largest product of link probabilities
  over a chain of other links at or above 0.95 joining the two records;
- different persons Ca, Cb: the odds of merging them are L(Ca, Cb) cnt(Pa + Pb) / (cnt(Pa)
  cnt(Pb)), where Pa, Pb are the persons' capture patterns (multisets of lists), cnt counts the
  roll's persons by pattern (singletons outside the dump included), and L is the geometric mean
  of the likelihood ratios of all cross pairs (a cross pair never kept counts at probability
  ABS, 2^-19.93 = 1e-6). For two singletons of lists A and B the prior factor is the bipartite
  one, cnt{AB} / (cnt{A} cnt{B}); a merge that would put two records of one list into a person
  has the small count of such patterns. Competition: q = w / (1 + W_a + W_b - w), with W the
  summed merge odds of each person's candidate persons.

Run: LRAGG=gmean MINN=100 python3 bench/experiments/context_offline.py DUMPS (pandas, numpy);
DUMPS as in competition_offline.py (KEEP_FLOOR=0.000001). Results are in the seventh pass's note
on issue 4. ITER>1 re-clusters at 0.95 with q and recounts the patterns; a pair that then holds its
person together alone (a bridge) gets the merge odds of its two sides. That makes bridges
under-confident (0.75 against 1.00 observed in the grey zone at 100k): the geometric mean counts
cross pairs that were never compared as evidence against, and true matches are often not compared
with every record of their person.
"""
import sys,glob,json,heapq,os
import numpy as np, pandas as pd
from collections import defaultdict, Counter
src=open(os.path.join(os.path.dirname(os.path.abspath(__file__)),'competition_offline.py')).read()
ns={}; exec(src.split('AP=[];AQ=[]')[0].split('"""',2)[2],ns); cal=ns['cal']
ITER=int(os.environ.get('ITER','1'))
COMP=int(os.environ.get('COMP','1')); PC=float(os.environ.get('PC','0.5')); LRAGG=os.environ.get('LRAGG','max')
AP=[];AY=[];rows=[]
def key(c): return tuple(sorted(c.elements()))
for f in sorted(glob.glob(sys.argv[1]+'/c_*.csv')):
    J=json.load(open(f.replace('.csv','.json'))); n={s['source']:s['records'] for s in J['source_tf']}; srcs=sorted(n)
    d=pd.read_csv(f,usecols=['weight','prior','label','a','b','ca','cb'])
    r=np.exp2(d.weight.clip(-80,80).values); p0=1/(1+1/r); LR=np.exp2((d.weight-d.prior).clip(-200,200).values)
    A=d.a.values;B=d.b.values;CA=d.ca.values;CB=d.cb.values
    sa=d.a.str.split(':').str[0].values; sb=d.b.str.split(':').str[0].values
    pg=p0.copy()
    for it in range(ITER):
        mem=defaultdict(set)
        for x,c in zip(A,CA): mem[c].add(x)
        for x,c in zip(B,CB): mem[c].add(x)
        pat={c:Counter(x.split(':')[0] for x in m) for c,m in mem.items()}
        cnt=Counter(key(p) for p in pat.values()); seen=Counter()
        for m in mem.values():
            for x in m: seen[x.split(':')[0]]+=1
        for s_ in srcs: cnt[(s_,)]+=n[s_]-seen.get(s_,0)
        def prior(Pa,Pb):
            ka,kb,ku=key(Pa),key(Pb),key(Pa+Pb)
            den=cnt.get(ka,0)*cnt.get(kb,0)
            if ka==kb: den/=2
            return (cnt.get(ku,0)+PC)/max(den,1)
        # best cross LR between clusters
        cross=defaultdict(float)
        for a,b,l,c1,c2 in zip(A,B,LR,CA,CB):
            if c1==c2: continue
            k=(c1,c2) if c1<c2 else (c2,c1)
            cross[k]=max(cross[k],l) if LRAGG=='max' else cross[k]+l
        sp={}
        for x in J['source_priors']:
            pr=np.log2(x['prior']/(1-x['prior'])); sp[(x['a'],x['b'])]=pr; sp[(x['b'],x['a'])]=pr
        LRd={}
        for a,b,l in zip(A,B,LR): LRd[(a,b)]=l; LRd[(b,a)]=l
        ABS=float(os.environ.get('ABS','-19.93'))
        def gmean_lr(xs,ys):
            """Geometric mean of the likelihood ratios of all pairs across two sets of records; a
            pair never kept counts at probability 2^ABS."""
            ls=[]
            for x in xs:
                for y in ys:
                    l=LRd.get((x,y))
                    if l is None: l=2.0**(ABS-sp.get((x.split(':')[0],y.split(':')[0]),-20))
                    ls.append(np.log2(max(l,1e-300)))
            return 2.0**np.mean(ls)
        if LRAGG=='gmean':
            for k in list(cross):
                cross[k]=gmean_lr(mem[k[0]],mem[k[1]])
        w={k:l*prior(pat[k[0]],pat[k[1]]) for k,l in cross.items()}
        tot=defaultdict(float)
        for (c1,c2),v in w.items(): tot[c1]+=v; tot[c2]+=v
        adj=defaultdict(list)
        for i,(a,b,pp) in enumerate(zip(A,B,pg)):
            if pp>=0.95: adj[a].append((b,pp,i)); adj[b].append((a,pp,i))
        q=p0.copy(); grp=np.empty(len(d),object)
        for i in range(len(d)):
            a,b=A[i],B[i]
            if CA[i]==CB[i]:
                grp[i]='same'
                best={a:1.0}; h=[(-1.0,a)]; pp=0.0
                while h:
                    v,x=heapq.heappop(h); v=-v
                    if x==b: pp=v; break
                    if v<best.get(x,0): continue
                    for y,ww,j in adj[x]:
                        if j==i: continue
                        ww=v*ww
                        if ww>best.get(y,0): best[y]=ww; heapq.heappush(h,(-ww,y))
                if pp==0.0 and it>0:
                    # Held in one person by this link alone: the merge of the two sides.
                    side={a}; st=[a]
                    while st:
                        x=st.pop()
                        for y,_,j in adj[x]:
                            if j!=i and y not in side: side.add(y); st.append(y)
                    other=mem[CA[i]]-side
                    Pa=Counter(x.split(':')[0] for x in side); Pb=Counter(x.split(':')[0] for x in other)
                    v=gmean_lr(side,other)*prior(Pa,Pb)
                    q[i]=v/(1+v); grp[i]='bridge'; continue
                q[i]=pp+(1-pp)*p0[i]; continue
            k=(CA[i],CB[i]) if CA[i]<CB[i] else (CB[i],CA[i])
            v=w[k]
            if COMP: q[i]=v/(1+tot[CA[i]]+tot[CB[i]]-v)
            else: q[i]=v/(1+v)
            la,lb=len(mem[CA[i]]),len(mem[CB[i]])
            grp[i]=('within-' if sa[i]==sb[i] else 'cross-')+('solo' if la==1 and lb==1 else ('one' if min(la,lb)==1 else 'both'))
        if it<ITER-1:
            par={}
            def find(x):
                while par.get(x,x)!=x:
                    par[x]=par.get(par[x],par[x]); x=par[x]
                return x
            for a_,b_,qq in zip(A,B,q):
                if qq>=0.95:
                    x_,y_=find(a_),find(b_)
                    if x_!=y_: par[x_]=y_
            CA=np.array([find(x) for x in A]); CB=np.array([find(x) for x in B])
            pg=q.copy()
    d['q']=q; d['p0']=p0; d['grp']=grp; rows.append(d)
    y=d.label.values; k=(y>=0)&(q>=0.2)
    print(f.split('/')[-1],'ctx %.4f %s'%cal(q[k],y[k]),'TP/FP@.95',int(((q>=.95)&(y==1)).sum()),int(((q>=.95)&(y==0)).sum()),'base',int(((p0>=.95)&(y==1)).sum()),int(((p0>=.95)&(y==0)).sum()),flush=True)
    AP.append(q[k]);AY.append(y[k])
print('POOLED %.4f %s'%cal(np.concatenate(AP),np.concatenate(AY)))
D=pd.concat(rows); D=D[(D.label>=0)]
G=D[(D.p0>=0.2)&(D.p0<0.95)|(D.q>=0.2)&(D.q<0.95)]
print(G.groupby('grp').agg(n=('q','size'),p0=('p0','mean'),q=('q','mean'),obs=('label','mean')).to_string())
G=D[(D.q>=0.2)&(D.q<0.95)]
print(G.groupby('grp').agg(n=('q','size'),p0=('p0','mean'),q=('q','mean'),obs=('label','mean')).to_string())
