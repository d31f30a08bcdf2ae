//! The demo ledger: replays the 2025-26 agreements, handovers and disputes of
//! `test_data/exchanges/exchange_events.json` as statements signed by Ukraine (UA), Russia (RU)
//! and the ICRC (intermediary), with deterministic demo keys, and returns the reconciliation.
//!
//! How the public record becomes statements (no number is invented):
//! - agreements are stated by UA and confirmed by RU;
//! - a count "to UA" is stated by UA as receiver; where the dataset marks an event "RU side
//!   only", RU states it as deliverer; after the June stages (for which Russia gave only a
//!   cumulative figure) RU confirms UA's per-event statement;
//! - a count "to RU" is stated by RU as receiver (the dataset's to-RU figures come from the
//!   Russian side);
//! - prisoner swaps reported for both directions are confirmed by each deliverer;
//! - the ICRC attests its presence (time) at each repatriation of remains; no ICRC count is public,
//!   so none is logged;
//! - each dispute's claims are logged as disputes by the side that made them, with the
//!   structured statements that would settle them: D1 a schedule RU proposed and UA never signed,
//!   D2 RU's list of 640 and UA's rejection, D3 RU's cumulative totals (6,060 delivered; 78
//!   received, corrected to 79) against UA's per-event counts (6,057), D4 UA's finding of 20
//!   foreign nationals disputed by RU, D5 five listed prisoners returned dead, D6 a 2023
//!   identification superseded when the man returned alive.

use super::statement::*;
use super::{
    attestation_for, cosign, demo_key, init, report, sign_statement, submit_with, LedgerAppError, LedgerState,
    LedgerStateCache, Result,
};
use serde_json::Value;
use tally_domain::days_from_civil;
use tally_ledger::note::NoteKey;
use tally_store::ledger::LedgerStore;

/// The events file shipped with Tally (copied with provenance into test_data/exchanges).
pub const DEMO_EVENTS_JSON: &str = include_str!("../../../../test_data/exchanges/exchange_events.json");

/// The demo log's origin (and key name).
pub const DEMO_ORIGIN: &str = "demo.tally/exchange-ledger";

const UA: &str = "UA";
const RU: &str = "RU";
const ICRC: &str = "ICRC";

/// Noon UTC of a `YYYY-MM-DD` date, as Unix seconds (cosignature timestamps in the demo).
fn noon(date: &str) -> u64 {
    let p: Vec<i32> = date.split('-').filter_map(|x| x.parse().ok()).collect();
    let (y, m, d) =
        (p.first().copied().unwrap_or(1970), p.get(1).copied().unwrap_or(1), p.get(2).copied().unwrap_or(1));
    (days_from_civil(y, m as u8, d as u8) * 86400 + 43200).max(0) as u64
}

struct Demo<'a> {
    store: &'a mut dyn LedgerStore,
    cache: LedgerStateCache,
    keys: [(String, NoteKey); 3],
}

impl Demo<'_> {
    fn key(&self, party: &str) -> &NoteKey {
        &self.keys.iter().find(|(p, _)| p == party).expect("demo party").1
    }

    fn say(&mut self, by: &str, body: Body) -> Result<u64> {
        let bytes = sign_statement(&Statement::new(by, body), &[self.key(by)])?;
        submit_with(self.store, &mut self.cache, &bytes)
    }

    fn attest(
        &mut self,
        by: &str,
        entry: u64,
        verdict: Verdict,
        reason: Option<String>,
        observed: Option<Observed>,
        date: &str,
    ) -> Result<u64> {
        let body = attestation_for(self.store, entry, verdict, reason, observed, date)?;
        self.say(by, body)
    }

    fn cosign_all(&mut self, date: &str) -> Result<()> {
        for p in [UA, RU, ICRC] {
            let k = self.key(p).clone();
            cosign(self.store, p, &k, noon(date))?;
        }
        Ok(())
    }
}

fn s(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

fn bad(what: &str) -> LedgerAppError {
    LedgerAppError::Input(format!("exchange events: {what}"))
}

/// Replays `events_json` (the format of exchange_events.json) into an empty ledger in `store` and
/// returns the reconciliation. If `store` already holds this demo's ledger, returns its report.
pub fn replay_demo(store: &mut dyn LedgerStore, events_json: &str) -> Result<report::Report> {
    if let Some(origin) = store.ledger_meta("origin")? {
        if origin == DEMO_ORIGIN && store.ledger_size()? > 0 {
            return report::report(store);
        }
        return Err(LedgerAppError::AlreadyInitialised(origin));
    }
    let data: Value = serde_json::from_str(events_json).map_err(|e| bad(&e.to_string()))?;
    init(store, &demo_key(DEMO_ORIGIN))?;
    let keys = [
        (UA.to_string(), demo_key("demo.tally/ua")),
        (RU.to_string(), demo_key("demo.tally/ru")),
        (ICRC.to_string(), demo_key("demo.tally/icrc")),
    ];
    let mut d = Demo { store, cache: LedgerStateCache(LedgerState::default()), keys };

    let first = data["agreements"][0]["date"].as_str().unwrap_or("2025-05-16").to_string();
    for (id, name, role) in [
        (UA, "Ukraine (Coordination Headquarters for the Treatment of POWs)", Role::Party),
        (RU, "Russia (Ministry of Defence)", Role::Party),
        (ICRC, "International Committee of the Red Cross", Role::Intermediary),
    ] {
        let vkey = d.key(id).vkey();
        d.say(id, Body::Party(Party { id: id.into(), name: name.into(), role, vkey, date: first.clone() }))?;
    }

    // D6's identification predates everything else; it is logged first so it can be superseded.
    let mut d6_identification = None;
    if data["disputes"].as_array().into_iter().flatten().any(|x| x["id"] == "D6") {
        d6_identification = Some(d.say(
            UA,
            Body::Finding(Finding {
                id: "F-D6-2023".into(),
                finding: FindingKind::Identified,
                events: vec![],
                count: 1,
                method: Some("DNA".into()),
                reference_relatives: Some(1),
                lab: None,
                supersedes: None,
                date: "2023".into(),
                note: Some("identified with one reference relative (match 99.99987%) and buried".into()),
            }),
        )?);
    }

    let mut agreement_terms: Vec<(String, Vec<Term>)> = Vec::new();
    for a in data["agreements"].as_array().ok_or_else(|| bad("no agreements"))? {
        let id = s(&a["id"]).ok_or_else(|| bad("agreement without id"))?;
        let date = s(&a["date"]).ok_or_else(|| bad("agreement without date"))?;
        let terms: Vec<Term> = a["terms"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| {
                let kind = match t["kind"].as_str() {
                    Some("pow") => TermKind::Pow,
                    Some("remains") => TermKind::Remains,
                    Some("civilians") => TermKind::Civilians,
                    _ => TermKind::Other,
                };
                Term {
                    kind,
                    formula: s(&t["formula"]),
                    categories: strings(&t["categories"]),
                    target: None,
                    unit: match kind {
                        TermKind::Remains => Some("bodies".into()),
                        TermKind::Pow | TermKind::Civilians => Some("persons".into()),
                        TermKind::Other => None,
                    },
                    text: s(&t["text"]),
                }
            })
            .collect();
        let e = d.say(
            UA,
            Body::Agreement(Agreement {
                id: id.clone(),
                date: date.clone(),
                place: s(&a["place"]),
                mediator: s(&a["mediator"]),
                parties: vec![UA.into(), RU.into()],
                terms: terms.clone(),
                notes: s(&a["notes"]),
                sources: strings(&a["sources"]),
            }),
        )?;
        d.attest(RU, e, Verdict::Confirm, None, None, &date)?;
        agreement_terms.push((id, terms));
    }
    let term_of = |agreement: &Option<String>, kind: TermKind| -> Option<u32> {
        let (_, terms) = agreement_terms.iter().find(|(id, _)| Some(id) == agreement.as_ref())?;
        terms.iter().position(|t| t.kind == kind).map(|i| i as u32 + 1)
    };
    d.cosign_all(&first)?;

    // Everything dated, in date order; handovers before disputes of the same day.
    let mut items: Vec<(String, u8, Value)> = Vec::new();
    for (key, rank) in [("pow_exchanges", 0u8), ("remains_handovers", 0), ("disputes", 1)] {
        for x in data[key].as_array().into_iter().flatten() {
            let date = s(&x["date"]).ok_or_else(|| bad(&format!("{key} item without date")))?;
            items.push((date, rank, x.clone()));
        }
    }
    items.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));

    let mut handover_entries: Vec<(String, String, u64)> = Vec::new(); // (event, date, entry)
    let mut june_ua_events: Vec<String> = Vec::new();
    let mut june_ru_events: Vec<String> = Vec::new();
    let mut june_last = String::new();
    let mut foreign_finding = None;
    let mut cosigned_june = false;
    for (date, _, x) in &items {
        if !cosigned_june && date.as_str() > "2025-06-30" {
            d.cosign_all("2025-06-30")?;
            cosigned_june = true;
        }
        let is_dispute = x.get("claims").is_some();
        if !is_dispute {
            let remains = x["kind"] == "remains";
            let kind = if remains { TermKind::Remains } else { TermKind::Pow };
            let agreement = s(&x["agreement"]);
            let term = term_of(&agreement, kind);
            let event = format!("{}-{date}", if remains { "HND" } else { "POW" });
            let june = remains && date.as_str() <= "2025-06-30";
            let ru_only = x["reported_by"] == "RU side only";
            let base = |deliverer: &str, receiver: &str, count: Option<u64>| Handover {
                event: event.clone(),
                agreement: agreement.clone(),
                term,
                date: date.clone(),
                place: None,
                deliverer: deliverer.into(),
                receiver: receiver.into(),
                containers: None,
                count,
                by_category: Default::default(),
                manifest: None,
                note: s(&x["note"]),
                sources: strings(&x["sources"]),
            };
            let to_ua = x["to_UA"].as_u64();
            let to_ru = x["to_RU"].as_u64();
            let mut first_entry = None;
            if to_ua.is_some() || (to_ru.is_none() && !remains) {
                let (by, e) = if ru_only {
                    (RU, d.say(RU, Body::Handover(base(RU, UA, to_ua)))?)
                } else {
                    (UA, d.say(UA, Body::Handover(base(RU, UA, to_ua)))?)
                };
                first_entry = Some(e);
                handover_entries.push((event.clone(), date.clone(), e));
                if june && to_ua.is_some() {
                    june_ua_events.push(event.clone());
                    june_last = date.clone();
                }
                let both_reported = to_ua.is_some() && to_ru.is_some();
                if by == UA && ((remains && !june) || (!remains && both_reported)) {
                    d.attest(RU, e, Verdict::Confirm, None, None, date)?;
                }
            }
            if let Some(n) = to_ru {
                let e = d.say(RU, Body::Handover(base(UA, RU, Some(n))))?;
                first_entry = first_entry.or(Some(e));
                if june {
                    june_ru_events.push(event.clone());
                }
                if !remains && to_ua.is_some() {
                    d.attest(UA, e, Verdict::Confirm, None, None, date)?;
                }
            }
            if remains {
                if let (Some(e), Some(_)) = (first_entry, s(&x["intermediary"])) {
                    let observed = Observed { time: Some(date.clone()), ..Observed::default() };
                    d.attest(ICRC, e, Verdict::Confirm, None, Some(observed), date)?;
                }
            }
            continue;
        }

        // A dispute: structured statements first, then each side's claim.
        let id = s(&x["id"]).unwrap_or_default();
        let kind = s(&x["type"]).unwrap_or_default();
        let sources = strings(&x["sources"]);
        let mut about: Vec<u64> = Vec::new();
        let remains_term = term_of(&Some("AGR-2025-06-02-IST".into()), TermKind::Remains);
        let pow_term = term_of(&Some("AGR-2025-06-02-IST".into()), TermKind::Pow);
        match id.as_str() {
            "D1" => {
                let e = d.say(
                    RU,
                    Body::Schedule(Schedule {
                        agreement: "AGR-2025-06-02-IST".into(),
                        term: remains_term,
                        handover_date: date.clone(),
                        place: Some("exchange area".into()),
                        date: date.clone(),
                        note: Some("first repatriation of remains under the 2 June agreement".into()),
                    }),
                )?;
                about.push(e);
            }
            "D2" => {
                let e = d.say(
                    RU,
                    Body::List(List {
                        id: "LIST-RU-2025-06-07-POW".into(),
                        agreement: "AGR-2025-06-02-IST".into(),
                        term: pow_term,
                        to: UA.into(),
                        category: Some("seriously wounded; seriously ill; aged 18-25".into()),
                        count: 640,
                        manifest: None,
                        date: date.clone(),
                    }),
                )?;
                let reason = x["claims"]["UA"].as_str().unwrap_or("lists do not match the agreed categories");
                let r = d.say(
                    UA,
                    Body::Decision(Decision {
                        list: e,
                        row: None,
                        decision: DecisionKind::Reject,
                        reason: reason.into(),
                        date: date.clone(),
                    }),
                )?;
                about.extend([e, r]);
            }
            "D3" => {
                // Russia's cumulative figures for the June stages (TASS, 16 June 2025).
                let delivered = d.say(
                    RU,
                    Body::Total(Total {
                        agreement: "AGR-2025-06-02-IST".into(),
                        term: remains_term,
                        events: june_ua_events.clone(),
                        deliverer: RU.into(),
                        receiver: UA.into(),
                        count: 6060,
                        date: june_last.clone(),
                        note: Some("cumulative for the June stages".into()),
                        sources: sources.clone(),
                    }),
                )?;
                let received = d.say(
                    RU,
                    Body::Total(Total {
                        agreement: "AGR-2025-06-02-IST".into(),
                        term: remains_term,
                        // Russia's "78 received" covers all June stages, not only those with a
                        // per-stage figure.
                        events: june_ua_events.clone(),
                        deliverer: UA.into(),
                        receiver: RU.into(),
                        count: 78,
                        date: june_last.clone(),
                        note: Some("cumulative for the June stages".into()),
                        sources: sources.clone(),
                    }),
                )?;
                d.say(
                    RU,
                    Body::Correction(Correction {
                        corrects: received,
                        field: "count".into(),
                        value: Value::from(79u64),
                        reason: "later Russian statement".into(),
                        date: date.clone(),
                    }),
                )?;
                let reason = x["claims"]["UA"].as_str().map(str::to_string);
                d.attest(UA, delivered, Verdict::Dispute, reason, None, date)?;
                about.extend([delivered, received]);
            }
            "D4" => {
                let f = d.say(
                    UA,
                    Body::Finding(Finding {
                        id: "F-D4-2025-06-21".into(),
                        finding: FindingKind::ForeignNational,
                        events: june_ua_events.clone(),
                        count: 20,
                        method: Some("documents, insignia, passports".into()),
                        reference_relatives: None,
                        lab: None,
                        supersedes: None,
                        date: date.clone(),
                        note: Some("bodies handed over as Ukrainian were Russian".into()),
                    }),
                )?;
                let reason = x["claims"]["RU"].as_str().map(str::to_string);
                d.attest(RU, f, Verdict::Dispute, reason, None, date)?;
                foreign_finding = Some(f);
                about.push(f);
            }
            "D5" => {
                let events: Vec<String> =
                    handover_entries.iter().filter(|(_, dt, _)| dt == date).map(|(ev, _, _)| ev.clone()).collect();
                let f = d.say(
                    UA,
                    Body::Finding(Finding {
                        id: "F-D5-2025-08-19".into(),
                        finding: FindingKind::ListedReturnedDead,
                        events,
                        count: 5,
                        method: None,
                        reference_relatives: None,
                        lab: None,
                        supersedes: None,
                        date: date.clone(),
                        note: Some("on the 'seriously wounded/ill' exchange lists; died in captivity".into()),
                    }),
                )?;
                about.push(f);
            }
            "D6" => {
                if let Some(prev) = d6_identification {
                    let f = d.say(
                        UA,
                        Body::Finding(Finding {
                            id: "F-D6-2026-02-05".into(),
                            finding: FindingKind::Misidentified,
                            events: vec![],
                            count: 1,
                            method: Some("returned alive from captivity".into()),
                            reference_relatives: Some(2),
                            lab: None,
                            supersedes: Some(prev),
                            date: date.clone(),
                            note: Some("rule since: two reference relatives or two DNA methods".into()),
                        }),
                    )?;
                    about.extend([prev, f]);
                }
            }
            _ => {}
        }
        let claims = x["claims"].as_object().cloned().unwrap_or_default();
        for (side, claim) in claims {
            if side != UA && side != RU {
                continue;
            }
            d.say(
                &side,
                Body::Dispute(Dispute {
                    id: id.clone(),
                    kind: kind.clone(),
                    about: about.clone(),
                    claim: claim.as_str().unwrap_or_default().to_string(),
                    date: date.clone(),
                    sources: sources.clone(),
                }),
            )?;
        }
    }
    let _ = foreign_finding;
    let last = items.last().map(|i| i.0.clone()).unwrap_or(first);
    d.cosign_all(&last)?;
    report::report(d.store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        // 1749600000 = 2025-06-11 00:00:00 UTC (the cosignature vector's timestamp).
        assert_eq!(days_from_civil(2025, 6, 11) * 86400, 1_749_600_000);
        assert_eq!(noon("2025-06-11"), 1_749_643_200);
    }
}
