//! The reconciliation report: per agreement term and side (direction of transfer), what was
//! agreed, delivered (by the deliverer's statements), received (by the receiver's), observed (by
//! the intermediary), confirmed by both sides, disputed, and found by identification; the
//! discrepancies between sides; schedules and whether every party signed them; the timeline.
//!
//! Counts are never merged across authors: a number appears in a column only if the party that
//! column belongs to signed it (directly, by confirming the other side's statement, or by a
//! cumulative total), and corrections by the same author replace the corrected field.

use super::statement::{Body, FindingKind, Handover, Role, Statement, Total, Verdict};
use super::{Entry, LedgerState};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub log_size: u64,
    pub checkpoint_size: u64,
    pub cosigned_by: Vec<String>,
    pub parties: Vec<PartyLine>,
    pub agreements: Vec<AgreementReport>,
    pub schedules: Vec<ScheduleLine>,
    pub discrepancies: Vec<String>,
    pub findings: Vec<FindingLine>,
    pub disputes: Vec<String>,
    pub timeline: Vec<TimelineLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyLine {
    pub id: String,
    pub name: String,
    pub role: String,
    pub key: String,
    pub rotations: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementReport {
    pub id: String,
    pub date: String,
    pub place: Option<String>,
    pub mediator: Option<String>,
    pub stated_by: String,
    pub signed_by: Vec<String>,
    pub unsigned_by: Vec<String>,
    pub terms: Vec<TermReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermReport {
    pub number: u32,
    pub kind: String,
    pub formula: Option<String>,
    pub unit: Option<String>,
    pub categories: Vec<String>,
    pub text: Option<String>,
    pub sides: Vec<SideReport>,
}

/// One direction of transfer under one term. `None` means no statement gave the number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SideReport {
    pub deliverer: String,
    pub receiver: String,
    pub agreed: Option<String>,
    pub events: usize,
    pub delivered: Option<u64>,
    pub delivered_events: usize,
    pub received: Option<u64>,
    pub received_events: usize,
    pub observed: Option<u64>,
    pub observed_events: usize,
    pub confirmed: u64,
    pub disputed: u64,
    pub identified: u64,
    pub foreign_nationals: u64,
    pub listed_returned_dead: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScheduleLine {
    pub entry: u64,
    pub agreement: String,
    pub handover_date: String,
    pub place: Option<String>,
    pub proposed_by: String,
    pub signed_by: Vec<String>,
    pub confirmed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingLine {
    pub entry: u64,
    pub id: String,
    pub by: String,
    pub kind: String,
    pub count: u64,
    pub events: Vec<String>,
    pub superseded_by: Option<u64>,
    pub disputed_by: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineLine {
    pub date: String,
    pub entry: u64,
    pub by: String,
    pub what: String,
}

/// Thousands separators: 6057 -> "6,057".
pub fn num(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn opt(n: Option<u64>) -> String {
    n.map(num).unwrap_or_else(|| "-".into())
}

/// (agreement id, 1-based term number; 0 and "" when absent).
type TermKey = (String, u32);
/// (deliverer, receiver).
type Side = (String, String);
/// Cumulative totals by term and side.
type Totals<'a> = BTreeMap<(TermKey, Side), Vec<(&'a Entry, &'a Total)>>;

/// Attestations on each entry: (author, verdict, observed count).
type Attests = BTreeMap<u64, Vec<(String, Verdict, Option<u64>)>>;

/// Per-author corrected numeric fields: (entry, field) -> value.
fn corrections(state: &LedgerState) -> BTreeMap<(u64, String), u64> {
    let mut out = BTreeMap::new();
    for e in &state.entries {
        if let Body::Correction(c) = &e.statement.body {
            if let Some(v) = c.value.as_u64() {
                out.insert((c.corrects, c.field.clone()), v);
            }
        }
    }
    out
}

fn handover_count(e: &Entry, h: &Handover, fix: &BTreeMap<(u64, String), u64>) -> Option<u64> {
    fix.get(&(e.index, "count".to_string())).copied().or(h.count)
}

fn total_count(e: &Entry, t: &Total, fix: &BTreeMap<(u64, String), u64>) -> u64 {
    fix.get(&(e.index, "count".to_string())).copied().unwrap_or(t.count)
}

fn term_key(agreement: &Option<String>, term: Option<u32>) -> (String, u32) {
    (agreement.clone().unwrap_or_default(), term.unwrap_or(0))
}

/// Builds the reconciliation from a loaded log.
pub fn build(state: &LedgerState, checkpoint_size: u64, cosigned_by: Vec<String>) -> Report {
    let fix = corrections(state);
    let role = |id: &str| state.parties.get(id).map(|p| p.role);
    let mut attests: Attests = BTreeMap::new();
    for e in &state.entries {
        if let Body::Attestation(a) = &e.statement.body {
            attests.entry(a.entry).or_default().push((
                e.statement.by.clone(),
                a.verdict,
                a.observed.as_ref().and_then(|o| o.count),
            ));
        }
    }
    let signed_by = |e: &Entry| -> Vec<String> {
        let mut v = vec![e.statement.by.clone()];
        for (who, verdict, _) in attests.get(&e.index).into_iter().flatten() {
            if matches!(verdict, Verdict::Confirm | Verdict::Reservation) && !v.contains(who) {
                v.push(who.clone());
            }
        }
        v
    };

    // Handover statements grouped by (agreement, term) then (deliverer, receiver) then event.
    type Events<'a> = BTreeMap<String, Vec<(&'a Entry, &'a Handover)>>;
    let mut by_side: BTreeMap<(String, u32), BTreeMap<(String, String), Events<'_>>> = BTreeMap::new();
    for e in &state.entries {
        if let Body::Handover(h) = &e.statement.body {
            let tk = term_key(&h.agreement, h.term);
            let side = (h.deliverer.clone(), h.receiver.clone());
            by_side.entry(tk).or_default().entry(side).or_default().entry(h.event.clone()).or_default().push((e, h));
        }
    }
    let mut totals: Totals<'_> = BTreeMap::new();
    for e in &state.entries {
        if let Body::Total(t) = &e.statement.body {
            let tk = term_key(&Some(t.agreement.clone()), t.term);
            let side = (t.deliverer.clone(), t.receiver.clone());
            by_side.entry(tk.clone()).or_default().entry(side.clone()).or_default();
            totals.entry((tk, side)).or_default().push((e, t));
        }
    }

    // Live findings (not superseded) by event.
    let mut superseded: BTreeMap<u64, u64> = BTreeMap::new();
    for e in &state.entries {
        if let Body::Finding(f) = &e.statement.body {
            if let Some(s) = f.supersedes {
                superseded.insert(s, e.index);
            }
        }
    }

    let mut discrepancies = Vec::new();
    let mut side_report = |tk: &(String, u32), side: &(String, String), events: &Events<'_>, agreed: Option<String>| {
        let (d, r) = side;
        let mut s = SideReport {
            deliverer: d.clone(),
            receiver: r.clone(),
            agreed,
            events: events.len(),
            delivered: None,
            delivered_events: 0,
            received: None,
            received_events: 0,
            observed: None,
            observed_events: 0,
            confirmed: 0,
            disputed: 0,
            identified: 0,
            foreign_nationals: 0,
            listed_returned_dead: 0,
        };
        let add = |slot: &mut Option<u64>, n: u64| *slot = Some(slot.unwrap_or(0) + n);
        let mut per_event_by: BTreeMap<(String, String), u64> = BTreeMap::new();
        for (event, stmts) in events {
            let mut dcount = None;
            let mut rcount = None;
            let mut observed = None;
            for (e, h) in stmts {
                let c = handover_count(e, h, &fix);
                let by = &e.statement.by;
                for (who, verdict, obs) in attests.get(&e.index).into_iter().flatten() {
                    match verdict {
                        Verdict::Confirm | Verdict::Reservation => {
                            // Confirming the other side's count adopts it.
                            if who == d && by == r {
                                dcount = dcount.or(c);
                            }
                            if who == r && by == d {
                                rcount = rcount.or(c);
                            }
                        }
                        Verdict::Dispute => {
                            if (who == d || who == r) && who != by {
                                s.disputed += c.unwrap_or(0);
                            }
                        }
                    }
                    if role(who) == Some(Role::Intermediary) {
                        observed = observed.or(Some(*obs));
                    }
                }
                if by == d {
                    dcount = c.or(dcount);
                }
                if by == r {
                    rcount = c.or(rcount);
                }
            }
            if let Some(c) = dcount {
                add(&mut s.delivered, c);
                s.delivered_events += 1;
                per_event_by.insert((d.clone(), event.clone()), c);
            }
            if let Some(c) = rcount {
                add(&mut s.received, c);
                s.received_events += 1;
                per_event_by.insert((r.clone(), event.clone()), c);
            }
            if let Some(o) = observed {
                s.observed_events += 1;
                if let Some(c) = o {
                    add(&mut s.observed, c);
                }
            }
            match (dcount, rcount) {
                (Some(a), Some(b)) if a == b => s.confirmed += a,
                (Some(a), Some(b)) => discrepancies.push(format!(
                    "{event}: {d} delivered {} but {r} received {} (difference {})",
                    num(a),
                    num(b),
                    num(a.abs_diff(b))
                )),
                _ => {}
            }
        }
        // A cumulative total stands for its author's count over its events, replacing any
        // per-event counts the same author gave for them.
        for (e, t) in totals.get(&(tk.clone(), side.clone())).into_iter().flatten() {
            let by = &e.statement.by;
            let count = total_count(e, t, &fix);
            let mine: Vec<u64> =
                t.events.iter().filter_map(|ev| per_event_by.remove(&(by.clone(), ev.clone()))).collect();
            let (slot, n) = if by == d {
                (&mut s.delivered, &mut s.delivered_events)
            } else {
                (&mut s.received, &mut s.received_events)
            };
            *slot = Some(slot.unwrap_or(0) - mine.iter().sum::<u64>() + count);
            *n += t.events.len() - mine.len();
            for ev in &t.events {
                per_event_by.insert((format!("{by} total"), ev.clone()), 0);
            }
            for (who, verdict, _) in attests.get(&e.index).into_iter().flatten() {
                if *verdict == Verdict::Dispute && who != by {
                    s.disputed += count;
                }
            }
            let other = if by == d { r } else { d };
            let theirs: Vec<u64> =
                t.events.iter().filter_map(|ev| per_event_by.get(&(other.clone(), ev.clone())).copied()).collect();
            let span = match (t.events.first(), t.events.last()) {
                (Some(a), Some(b)) if a != b => format!("{a}..{b} ({} events)", t.events.len()),
                (Some(a), _) => a.clone(),
                _ => "no events".into(),
            };
            let (verb, other_verb) = if by == d { ("delivered", "received") } else { ("received", "delivered") };
            if theirs.len() == t.events.len() {
                let sum: u64 = theirs.iter().sum();
                if sum != count {
                    discrepancies.push(format!(
                        "{span}: {by} says {verb} {} (entry {}), {other} says {other_verb} {} (difference {})",
                        num(count),
                        e.index,
                        num(sum),
                        num(count.abs_diff(sum))
                    ));
                }
            } else {
                discrepancies.push(format!(
                    "{span}: {by} says {verb} {} (entry {}); {other} stated a count for {} of {} events",
                    num(count),
                    e.index,
                    theirs.len(),
                    t.events.len()
                ));
            }
        }
        for e in &state.entries {
            if let Body::Finding(f) = &e.statement.body {
                if superseded.contains_key(&e.index) {
                    continue;
                }
                // Identification is the receiver's work: a finding counts on the side its author received.
                if &e.statement.by != r
                    || !f.events.iter().any(|ev| events.contains_key(ev) || event_in_totals(&totals, tk, side, ev))
                {
                    continue;
                }
                match f.finding {
                    FindingKind::Identified => s.identified += f.count,
                    FindingKind::ForeignNational => s.foreign_nationals += f.count,
                    FindingKind::ListedReturnedDead => s.listed_returned_dead += f.count,
                    _ => {}
                }
            }
        }
        s
    };

    let mut agreements = Vec::new();
    let mut seen_terms = BTreeSet::new();
    for e in &state.entries {
        let Body::Agreement(a) = &e.statement.body else { continue };
        let signed = signed_by(e);
        let unsigned: Vec<String> = a.parties.iter().filter(|p| !signed.contains(p)).cloned().collect();
        let mut terms = Vec::new();
        for (i, t) in a.terms.iter().enumerate() {
            let tk = (a.id.clone(), i as u32 + 1);
            seen_terms.insert(tk.clone());
            let agreed = t.target_per_side().map(num).or_else(|| {
                t.formula.as_deref().map(|f| if f == "all-for-all" { "all".to_string() } else { f.to_string() })
            });
            let mut sides = Vec::new();
            let present = by_side.get(&tk);
            // Both directions between the agreement's parties, then any other pairs seen.
            let mut pairs: Vec<(String, String)> = Vec::new();
            if t.kind != super::statement::TermKind::Other {
                for x in &a.parties {
                    for y in &a.parties {
                        if x != y && role(x) != Some(Role::Intermediary) && role(y) != Some(Role::Intermediary) {
                            pairs.push((x.clone(), y.clone()));
                        }
                    }
                }
            }
            for p in present.into_iter().flat_map(|m| m.keys()) {
                if !pairs.contains(p) {
                    pairs.push(p.clone());
                }
            }
            let empty = BTreeMap::new();
            for p in pairs {
                let events = present.and_then(|m| m.get(&p)).unwrap_or(&empty);
                sides.push(side_report(&tk, &p, events, agreed.clone()));
            }
            terms.push(TermReport {
                number: i as u32 + 1,
                kind: t.kind.label().to_string(),
                formula: t.formula.clone(),
                unit: t.unit.clone(),
                categories: t.categories.clone(),
                text: t.text.clone(),
                sides,
            });
        }
        agreements.push(AgreementReport {
            id: a.id.clone(),
            date: a.date.clone(),
            place: a.place.clone(),
            mediator: a.mediator.clone(),
            stated_by: e.statement.by.clone(),
            signed_by: signed,
            unsigned_by: unsigned,
            terms,
        });
    }
    // Handovers under no logged agreement term.
    let orphans: Vec<_> = by_side.iter().filter(|(tk, _)| !seen_terms.contains(*tk)).collect();
    if !orphans.is_empty() {
        let mut terms = Vec::new();
        for (tk, sides_map) in orphans {
            let sides = sides_map.iter().map(|(p, ev)| side_report(tk, p, ev, None)).collect();
            terms.push(TermReport {
                number: tk.1,
                kind: if tk.0.is_empty() {
                    "no agreement".into()
                } else {
                    format!("agreement {} (not in the log)", tk.0)
                },
                formula: None,
                unit: None,
                categories: vec![],
                text: None,
                sides,
            });
        }
        agreements.push(AgreementReport {
            id: "(none)".into(),
            date: String::new(),
            place: None,
            mediator: None,
            stated_by: String::new(),
            signed_by: vec![],
            unsigned_by: vec![],
            terms,
        });
    }

    let mut schedules = Vec::new();
    for e in &state.entries {
        let Body::Schedule(s) = &e.statement.body else { continue };
        let parties: Vec<String> = state
            .entries
            .iter()
            .find_map(|x| match &x.statement.body {
                Body::Agreement(a) if a.id == s.agreement => Some(a.parties.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let signed = signed_by(e);
        let confirmed = !parties.is_empty() && parties.iter().all(|p| signed.contains(p));
        schedules.push(ScheduleLine {
            entry: e.index,
            agreement: s.agreement.clone(),
            handover_date: s.handover_date.clone(),
            place: s.place.clone(),
            proposed_by: e.statement.by.clone(),
            signed_by: signed,
            confirmed,
        });
    }

    let mut findings = Vec::new();
    for e in &state.entries {
        let Body::Finding(f) = &e.statement.body else { continue };
        let disputed_by = attests
            .get(&e.index)
            .into_iter()
            .flatten()
            .filter(|(_, v, _)| *v == Verdict::Dispute)
            .map(|(w, _, _)| w.clone())
            .collect();
        findings.push(FindingLine {
            entry: e.index,
            id: f.id.clone(),
            by: e.statement.by.clone(),
            kind: f.finding.label().to_string(),
            count: f.count,
            events: f.events.clone(),
            superseded_by: superseded.get(&e.index).copied(),
            disputed_by,
        });
    }

    let mut disputes = Vec::new();
    for e in &state.entries {
        if let Body::Dispute(d) = &e.statement.body {
            let about = if d.about.is_empty() {
                String::new()
            } else {
                format!(" about entries {}", d.about.iter().map(u64::to_string).collect::<Vec<_>>().join(", "))
            };
            disputes.push(format!(
                "{} {} ({}, entry {}){about}: {} says {}",
                d.date, d.id, d.kind, e.index, e.statement.by, d.claim
            ));
        }
    }

    let mut timeline: Vec<TimelineLine> = state
        .entries
        .iter()
        .map(|e| TimelineLine {
            date: e.statement.body.date().to_string(),
            entry: e.index,
            by: e.statement.by.clone(),
            what: describe(state, &e.statement, &fix),
        })
        .collect();
    timeline.sort_by(|a, b| (&a.date, a.entry).cmp(&(&b.date, b.entry)));

    let parties = state
        .parties
        .values()
        .map(|p| PartyLine {
            id: p.id.clone(),
            name: p.name.clone(),
            role: match p.role {
                Role::Party => "party".into(),
                Role::Intermediary => "intermediary".into(),
            },
            key: p.keys[0].vkey(),
            rotations: p.keys.len() - 1,
        })
        .collect();

    Report {
        log_size: state.entries.len() as u64,
        checkpoint_size,
        cosigned_by,
        parties,
        agreements,
        schedules,
        discrepancies,
        findings,
        disputes,
        timeline,
    }
}

fn event_in_totals(totals: &Totals<'_>, tk: &(String, u32), side: &(String, String), ev: &str) -> bool {
    totals.get(&(tk.clone(), side.clone())).into_iter().flatten().any(|(_, t)| t.events.iter().any(|e| e == ev))
}

fn describe(state: &LedgerState, st: &Statement, fix: &BTreeMap<(u64, String), u64>) -> String {
    let _ = fix;
    let kind_of = |i: u64| state.entries.get(i as usize).map(|e| e.statement.body.kind()).unwrap_or("?");
    match &st.body {
        Body::Party(p) => {
            format!("registers as {} ({})", p.name, if p.role == Role::Intermediary { "intermediary" } else { "party" })
        }
        Body::PartyKey(_) => "rotates its key".into(),
        Body::Agreement(a) => format!("states agreement {} ({} terms)", a.id, a.terms.len()),
        Body::Schedule(s) => format!("proposes handover on {} under {}", s.handover_date, s.agreement),
        Body::List(l) => format!("submits list {} of {} to {}", l.id, num(l.count), l.to),
        Body::Decision(d) => format!(
            "{} list entry {}{}: {}",
            match d.decision {
                super::statement::DecisionKind::Accept => "accepts",
                super::statement::DecisionKind::Reject => "rejects",
            },
            d.list,
            d.row.map(|r| format!(" row {r}")).unwrap_or_default(),
            d.reason
        ),
        Body::Handover(h) => {
            let verb = if st.by == h.deliverer { "delivered" } else { "received" };
            format!(
                "{}: {verb} {} ({} to {})",
                h.event,
                h.count.map(num).unwrap_or_else(|| "count not given".into()),
                h.deliverer,
                h.receiver
            )
        }
        Body::Total(t) => {
            let verb = if st.by == t.deliverer { "delivered" } else { "received" };
            let n = t.events.len();
            format!("total over {n} event{}: {verb} {}", if n == 1 { "" } else { "s" }, num(t.count))
        }
        Body::Attestation(a) => {
            let v = match a.verdict {
                Verdict::Confirm => "confirms",
                Verdict::Reservation => "confirms with reservation",
                Verdict::Dispute => "disputes",
            };
            let obs = a
                .observed
                .as_ref()
                .map(|o| {
                    let mut parts = vec![];
                    if let Some(t) = &o.time {
                        parts.push(format!("time {t}"));
                    }
                    if let Some(p) = &o.place {
                        parts.push(format!("place {p}"));
                    }
                    if let Some(c) = o.count {
                        parts.push(format!("count {}", num(c)));
                    }
                    format!(" (observed {})", parts.join(", "))
                })
                .unwrap_or_default();
            let why = a.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default();
            format!("{v} entry {} ({}){obs}{why}", a.entry, kind_of(a.entry))
        }
        Body::Finding(f) => format!(
            "finding {}: {} {}{}",
            f.id,
            num(f.count),
            f.finding.label(),
            f.supersedes.map(|s| format!(" (supersedes entry {s})")).unwrap_or_default()
        ),
        Body::Dispute(d) => format!("dispute {} ({})", d.id, d.kind),
        Body::Correction(c) => format!("corrects entry {} {} to {}: {}", c.corrects, c.field, c.value, c.reason),
    }
}

impl Report {
    /// The plain-text report `tally ledger report` prints.
    pub fn render(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "exchange ledger: {} entries; latest checkpoint at size {}",
            self.log_size, self.checkpoint_size
        );
        if !self.cosigned_by.is_empty() {
            let _ = writeln!(o, "cosigned by: {}", self.cosigned_by.join(", "));
        }
        let _ = writeln!(o, "\nparties");
        for p in &self.parties {
            let rot = if p.rotations > 0 { format!(" ({} key rotations)", p.rotations) } else { String::new() };
            let _ = writeln!(o, "  {:<6} {:<13} {}{rot}", p.id, p.role, p.name);
        }
        o.push_str(&self.render_reconciliation());
        let _ = writeln!(o, "\nfindings");
        if self.findings.is_empty() {
            let _ = writeln!(o, "  none");
        }
        for f in &self.findings {
            let sup = f.superseded_by.map(|s| format!(" [superseded by entry {s}]")).unwrap_or_default();
            let dis = if f.disputed_by.is_empty() {
                String::new()
            } else {
                format!(" [disputed by {}]", f.disputed_by.join(", "))
            };
            let ev = if f.events.is_empty() { String::new() } else { format!(" in {}", f.events.join(", ")) };
            let _ = writeln!(o, "  entry {} {} by {}: {} {}{ev}{sup}{dis}", f.entry, f.id, f.by, num(f.count), f.kind);
        }
        let _ = writeln!(o, "\ndisputes");
        if self.disputes.is_empty() {
            let _ = writeln!(o, "  none");
        }
        for d in &self.disputes {
            let _ = writeln!(o, "  {d}");
        }
        let _ = writeln!(o, "\ntimeline");
        for t in &self.timeline {
            let _ = writeln!(o, "  {:<10} #{:<4} {:<5} {}", t.date, t.entry, t.by, t.what);
        }
        o
    }

    /// The reconciliation alone: per agreement term and side, agreed against delivered,
    /// received, observed, confirmed and disputed; unconfirmed schedules; discrepancies. This is
    /// the part `tally demo` prints.
    pub fn render_reconciliation(&self) -> String {
        let mut o = String::new();
        for a in &self.agreements {
            let _ = writeln!(o);
            if a.id == "(none)" {
                let _ = writeln!(o, "handovers under no logged agreement");
            } else {
                let place = a.place.as_ref().map(|p| format!(", {p}")).unwrap_or_default();
                let med = a.mediator.as_ref().map(|m| format!(", mediator {m}")).unwrap_or_default();
                let _ = writeln!(o, "agreement {} ({}{place}{med})", a.id, a.date);
                let unsigned = if a.unsigned_by.is_empty() {
                    String::new()
                } else {
                    format!("; NOT signed by {}", a.unsigned_by.join(", "))
                };
                let _ = writeln!(o, "  stated by {}; signed by {}{unsigned}", a.stated_by, a.signed_by.join(", "));
            }
            for t in &a.terms {
                let formula = t.formula.as_ref().map(|f| format!(" {f}")).unwrap_or_default();
                let unit = t.unit.as_ref().map(|u| format!(" [{u}]")).unwrap_or_default();
                let _ = writeln!(o, "  term {}: {}{formula}{unit}", t.number, t.kind);
                if !t.categories.is_empty() {
                    let _ = writeln!(o, "    categories: {}", t.categories.join("; "));
                }
                if let Some(x) = &t.text {
                    let _ = writeln!(o, "    {x}");
                }
                if t.sides.is_empty() {
                    continue;
                }
                let _ = writeln!(
                    o,
                    "    {:<10} {:>7} {:>7} {:>15} {:>15} {:>11} {:>9} {:>8} {:>10} {:>8}",
                    "side",
                    "agreed",
                    "events",
                    "delivered",
                    "received",
                    "observed",
                    "confirmed",
                    "disputed",
                    "identified",
                    "foreign"
                );
                for s in &t.sides {
                    let cov = |v: Option<u64>, n: usize| {
                        if v.is_none() {
                            "-".to_string()
                        } else if n < s.events {
                            format!("{} ({n}/{})", opt(v), s.events)
                        } else {
                            opt(v)
                        }
                    };
                    let obs = if s.observed_events == 0 {
                        "-".into()
                    } else if s.observed.is_none() {
                        format!("present {}", s.observed_events)
                    } else {
                        opt(s.observed)
                    };
                    let _ = writeln!(
                        o,
                        "    {:<10} {:>7} {:>7} {:>15} {:>15} {:>11} {:>9} {:>8} {:>10} {:>8}",
                        format!("{}->{}", s.deliverer, s.receiver),
                        s.agreed.clone().unwrap_or_else(|| "-".into()),
                        s.events,
                        cov(s.delivered, s.delivered_events),
                        cov(s.received, s.received_events),
                        obs,
                        num(s.confirmed),
                        num(s.disputed),
                        num(s.identified),
                        num(s.foreign_nationals)
                    );
                    if s.listed_returned_dead > 0 {
                        let _ =
                            writeln!(o, "    {:<10} listed persons returned dead: {}", "", num(s.listed_returned_dead));
                    }
                }
            }
        }
        let _ = writeln!(o, "\nschedules");
        if self.schedules.is_empty() {
            let _ = writeln!(o, "  none");
        }
        for s in &self.schedules {
            let status = if s.confirmed {
                "confirmed by every party".to_string()
            } else {
                format!("UNCONFIRMED: signed only by {}", s.signed_by.join(", "))
            };
            let place = s.place.as_ref().map(|p| format!(" at {p}")).unwrap_or_default();
            let _ = writeln!(
                o,
                "  entry {}: handover on {}{place} under {}, proposed by {}: {status}",
                s.entry, s.handover_date, s.agreement, s.proposed_by
            );
        }
        let _ = writeln!(o, "\ndiscrepancies");
        if self.discrepancies.is_empty() {
            let _ = writeln!(o, "  none");
        }
        for d in &self.discrepancies {
            let _ = writeln!(o, "  {d}");
        }
        o
    }
}

/// Loads the log and builds its report.
pub fn report(store: &dyn tally_store::ledger::LedgerStore) -> super::Result<Report> {
    let state = LedgerState::load(store)?;
    let (size, note) = super::latest_checkpoint(store)?;
    let log = tally_ledger::note::Verifier::parse(&super::log_vkey(store)?)?;
    let cp = tally_ledger::checkpoint::open_checkpoint(&note, &log, &state.witness_vkeys())?;
    Ok(build(&state, size, cp.cosigners.into_iter().map(|(n, _)| n).collect()))
}
