//! `tally ledger`: the exchange ledger. Keys, parties, agreements, schedules, handovers,
//! attestations, checkpoints, cosignatures, proofs, verification and the reconciliation report.
//! Everything printed that is a key, checkpoint or proof is byte-exact C2SP.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use tally_app::ledger::statement::{
    Agreement, Body, Observed, Party, PartyKey, Role, Schedule, Statement, Term, TermKind, Verdict,
};
use tally_app::ledger::{self as app, NoteKey, SqliteStore};

use super::Global;

#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  tally ledger demo --db demo.db && tally ledger report --db demo.db\n  \
    tally ledger init --origin example.org/exchange-ledger\n  \
    tally ledger key gen --name example.org/ua --out ua.key\n  \
    tally ledger party add --id UA --name Ukraine --key ua.key\n  \
    tally ledger prove --index 3 > entry3.proof && tally ledger leaf --index 3 > entry3.b64\n  \
    tally ledger verify --bundle entry3.proof --entry entry3.b64")]
pub struct LedgerArgs {
    #[command(subcommand)]
    pub cmd: LedgerCmd,
}

#[derive(clap::Subcommand, Debug)]
pub enum LedgerCmd {
    /// Create the log in the database, with a new log key (kept in the database)
    Init {
        /// The log's origin, also its key name (e.g. example.org/exchange-ledger)
        #[arg(long)]
        origin: String,
    },
    /// Signing keys: generate one, or show a verifier key
    Key {
        #[command(subcommand)]
        cmd: KeyCmd,
    },
    /// Register a party (or the intermediary), or rotate its key
    Party {
        #[command(subcommand)]
        cmd: PartyCmd,
    },
    /// State an agreement and its terms
    Agreement {
        #[command(subcommand)]
        cmd: AgreementCmd,
    },
    /// Propose a handover date, or sign a proposal (confirmed once every party signed)
    Schedule {
        #[command(subcommand)]
        cmd: ScheduleCmd,
    },
    /// State a handover from a JSON file; its manifest rows stay private, only their root is logged
    Handover {
        #[command(subcommand)]
        cmd: HandoverCmd,
    },
    /// Append any statement from a JSON file ({"kind": "finding", ...}; lists may carry manifest_rows)
    Add(SignerArgs),
    /// Confirm, confirm with reservation, or dispute an entry (the intermediary: what it observed)
    Attest(AttestArgs),
    /// Print the latest signed checkpoint with its cosignatures
    Checkpoint {
        /// An earlier checkpoint, by tree size
        #[arg(long)]
        size: Option<u64>,
    },
    /// Cosign the latest checkpoint as a witness, after checking consistency with the last one cosigned
    Cosign {
        /// Party id of the witness
        #[arg(long = "as")]
        party: String,
        /// The witness's signer key file
        #[arg(long)]
        key: PathBuf,
        /// Timestamp (Unix seconds); now when absent
        #[arg(long)]
        time: Option<u64>,
    },
    /// Print entry N's bytes, base64
    Leaf {
        #[arg(long)]
        index: u64,
    },
    /// Print a C2SP tlog-proof for entry N against the latest checkpoint
    Prove {
        #[arg(long)]
        index: u64,
    },
    /// Print the consistency proof between two tree sizes, base64 hashes one per line
    Consistency {
        #[arg(long)]
        old: u64,
        #[arg(long)]
        new: u64,
    },
    /// Verify the whole log, or an offline proof bundle
    Verify(VerifyArgs),
    /// Print the reconciliation: per agreement term and side, agreed vs delivered vs received
    Report {
        /// JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Disclose one manifest row with its proof (what a family is shown), as JSON
    Row {
        /// The entry that logged the manifest
        #[arg(long)]
        entry: u64,
        /// Row number (0-based)
        #[arg(long)]
        row: u64,
    },
    /// Check a disclosed row (from `tally ledger row`) against its manifest root
    VerifyRow { file: PathBuf },
    /// Replay the 2025-26 exchanges (built-in data or --events FILE) into an empty ledger and report
    Demo {
        /// Events file in the format of test_data/exchanges/exchange_events.json
        #[arg(long)]
        events: Option<PathBuf>,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum KeyCmd {
    /// Generate a signer key; writes it to FILE and prints the verifier key
    Gen {
        /// Key name (e.g. example.org/ua); no spaces or '+'
        #[arg(long)]
        name: String,
        /// Where to write the secret signer key
        #[arg(long)]
        out: PathBuf,
    },
    /// Print a C2SP verifier key: the log's, a signer key file's, or a registered party's
    Show {
        #[arg(long, conflicts_with = "party")]
        key: Option<PathBuf>,
        /// A party's current key, from the log
        #[arg(long)]
        party: Option<String>,
        /// The witness cosignature key (type 0x04) instead of the note key
        #[arg(long)]
        cosignature: bool,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum PartyCmd {
    /// Register a party, signed by its own key
    Add {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["party", "intermediary"], default_value = "party")]
        role: String,
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        date: Option<String>,
    },
    /// Rotate a party's key (signed by the current and the new key)
    Rotate {
        #[arg(long)]
        id: String,
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        new_key: PathBuf,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum AgreementCmd {
    /// State an agreement
    Add {
        #[arg(long)]
        id: String,
        #[arg(long)]
        date: String,
        #[arg(long)]
        place: Option<String>,
        #[arg(long)]
        mediator: Option<String>,
        /// Party ids bound by it, comma-separated
        #[arg(long, value_delimiter = ',', required = true)]
        parties: Vec<String>,
        /// A term: kind=remains;formula=6000-for-6000;unit=bodies;target=6000;categories=a|b;text=...
        #[arg(long = "term", required = true)]
        terms: Vec<String>,
        #[command(flatten)]
        signer: Signer,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum ScheduleCmd {
    /// Propose a handover date
    Propose {
        #[arg(long)]
        agreement: String,
        #[arg(long)]
        term: Option<u32>,
        /// The proposed handover date
        #[arg(long)]
        handover_date: String,
        #[arg(long)]
        place: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        date: Option<String>,
        #[command(flatten)]
        signer: Signer,
    },
    /// Sign (confirm) a proposed schedule entry
    Sign {
        entry: u64,
        #[arg(long)]
        date: Option<String>,
        #[command(flatten)]
        signer: Signer,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum HandoverCmd {
    /// State a handover from FILE (JSON: event, agreement, term, date, place, deliverer, receiver,
    /// containers, count, by_category, note, and optional manifest_rows)
    Add {
        file: PathBuf,
        #[command(flatten)]
        signer: Signer,
    },
}

#[derive(clap::Args, Debug)]
pub struct Signer {
    /// Party id making the statement
    #[arg(long = "as")]
    pub party: String,
    /// Its signer key file
    #[arg(long)]
    pub key: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct SignerArgs {
    /// JSON statement file
    pub file: PathBuf,
    #[command(flatten)]
    pub signer: Signer,
}

#[derive(clap::Args, Debug)]
pub struct AttestArgs {
    /// Entry index attested
    pub entry: u64,
    #[command(flatten)]
    pub signer: Signer,
    #[arg(long, value_parser = ["confirm", "reservation", "dispute"], default_value = "confirm")]
    pub verdict: String,
    #[arg(long)]
    pub reason: Option<String>,
    #[arg(long)]
    pub observed_time: Option<String>,
    #[arg(long)]
    pub observed_place: Option<String>,
    #[arg(long)]
    pub observed_count: Option<u64>,
    #[arg(long)]
    pub observed_containers: Option<u64>,
    #[arg(long)]
    pub date: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// A tlog-proof file to check offline
    #[arg(long)]
    pub bundle: Option<PathBuf>,
    /// The entry the bundle proves, base64 (as `tally ledger leaf` prints); from the database when absent
    #[arg(long, requires = "bundle")]
    pub entry: Option<PathBuf>,
    /// The log's verifier key; from the database when absent
    #[arg(long)]
    pub log_vkey: Option<String>,
    /// Witness cosignature keys to check; the parties' keys from the database when absent
    #[arg(long)]
    pub witness: Vec<String>,
    /// Skip checking each entry's signature and rules (hashes, tree and checkpoints only)
    #[arg(long)]
    pub no_statements: bool,
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn today(d: Option<String>) -> String {
    d.unwrap_or_else(|| app::date_from_unix(now()))
}

fn read_key(path: &Path) -> anyhow::Result<NoteKey> {
    let s = std::fs::read_to_string(path).with_context(|| format!("reading key file {}", path.display()))?;
    NoteKey::parse_skey(&s).with_context(|| format!("key file {}", path.display()))
}

fn open(g: &Global) -> anyhow::Result<SqliteStore> {
    app::open_store(&g.db).with_context(|| format!("opening {}", g.db.display()))
}

fn say(store: &mut SqliteStore, signer: &Signer, body: Body) -> anyhow::Result<()> {
    let key = read_key(&signer.key)?;
    let bytes = app::sign_statement(&Statement::new(&signer.party, body), &[&key])?;
    let i = app::submit(store, &bytes)?;
    println!("entry {i}");
    Ok(())
}

fn parse_term(spec: &str) -> anyhow::Result<Term> {
    let mut t = Term { kind: TermKind::Other, formula: None, categories: vec![], target: None, unit: None, text: None };
    let mut kind = None;
    for part in spec.split(';').filter(|p| !p.trim().is_empty()) {
        let (k, v) = part.split_once('=').with_context(|| format!("term {spec:?}: {part:?} is not key=value"))?;
        let v = v.trim().to_string();
        match k.trim() {
            "kind" => {
                kind = Some(match v.as_str() {
                    "pow" | "prisoners" => TermKind::Pow,
                    "civilians" => TermKind::Civilians,
                    "remains" => TermKind::Remains,
                    "other" => TermKind::Other,
                    o => bail!("term {spec:?}: unknown kind {o:?}\nhint: pow, civilians, remains or other"),
                })
            }
            "formula" => t.formula = Some(v),
            "unit" => t.unit = Some(v),
            "target" => t.target = Some(v.parse().with_context(|| format!("term {spec:?}: target {v:?}"))?),
            "categories" => t.categories = v.split('|').map(|c| c.trim().to_string()).collect(),
            "text" => t.text = Some(v),
            o => bail!("term {spec:?}: unknown field {o:?}\nhint: kind, formula, unit, target, categories, text"),
        }
    }
    t.kind = kind.with_context(|| format!("term {spec:?}: kind=... is required"))?;
    Ok(t)
}

pub fn run(a: LedgerArgs, g: &Global) -> anyhow::Result<()> {
    match a.cmd {
        LedgerCmd::Init { origin } => {
            let mut store = open(g)?;
            let key = app::generate_key(&origin)?;
            let vkey = app::init(&mut store, &key)?;
            println!("{vkey}");
        }
        LedgerCmd::Key { cmd: KeyCmd::Gen { name, out } } => {
            if out.exists() {
                bail!("{} exists; not overwriting a key", out.display());
            }
            let key = app::generate_key(&name)?;
            write_private(&out, &format!("{}\n", key.skey()))?;
            println!("{}", key.vkey());
        }
        LedgerCmd::Key { cmd: KeyCmd::Show { key, party, cosignature } } => {
            let vkey = match (key, party) {
                (None, Some(id)) => app::party_vkey(&open(g)?, &id, cosignature)?,
                (Some(p), _) => {
                    let k = read_key(&p)?;
                    if cosignature {
                        k.cosignature_vkey()
                    } else {
                        k.vkey()
                    }
                }
                (None, None) => {
                    let v = app::log_vkey(&open(g)?)?;
                    if cosignature {
                        bail!("the log key makes no cosignatures\nhint: pass --key FILE for a witness key");
                    }
                    v
                }
            };
            println!("{vkey}");
        }
        LedgerCmd::Party { cmd: PartyCmd::Add { id, name, role, key, date } } => {
            let mut store = open(g)?;
            let k = read_key(&key)?;
            let role = if role == "intermediary" { Role::Intermediary } else { Role::Party };
            let body = Body::Party(Party { id: id.clone(), name, role, vkey: k.vkey(), date: today(date) });
            let bytes = app::sign_statement(&Statement::new(&id, body), &[&k])?;
            println!("entry {}", app::submit(&mut store, &bytes)?);
        }
        LedgerCmd::Party { cmd: PartyCmd::Rotate { id, key, new_key, reason, date } } => {
            let mut store = open(g)?;
            let (old, new) = (read_key(&key)?, read_key(&new_key)?);
            let body = Body::PartyKey(PartyKey { party: id.clone(), vkey: new.vkey(), date: today(date), reason });
            let bytes = app::sign_statement(&Statement::new(&id, body), &[&old, &new])?;
            println!("entry {}", app::submit(&mut store, &bytes)?);
        }
        LedgerCmd::Agreement { cmd: AgreementCmd::Add { id, date, place, mediator, parties, terms, signer } } => {
            let mut store = open(g)?;
            let terms = terms.iter().map(|t| parse_term(t)).collect::<anyhow::Result<Vec<_>>>()?;
            let body =
                Body::Agreement(Agreement { id, date, place, mediator, parties, terms, notes: None, sources: vec![] });
            say(&mut store, &signer, body)?;
        }
        LedgerCmd::Schedule {
            cmd: ScheduleCmd::Propose { agreement, term, handover_date, place, note, date, signer },
        } => {
            let mut store = open(g)?;
            let body = Body::Schedule(Schedule { agreement, term, handover_date, place, date: today(date), note });
            say(&mut store, &signer, body)?;
        }
        LedgerCmd::Schedule { cmd: ScheduleCmd::Sign { entry, date, signer } } => {
            let mut store = open(g)?;
            let kind = store_kind(&store, entry)?;
            if kind != "schedule" {
                bail!("entry {entry} is a {kind}, not a schedule\nhint: use `tally ledger attest` for other entries");
            }
            let body = app::attestation_for(&store, entry, Verdict::Confirm, None, None, &today(date))?;
            say(&mut store, &signer, body)?;
        }
        LedgerCmd::Handover { cmd: HandoverCmd::Add { file, signer } } => {
            let mut store = open(g)?;
            let json = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let key = read_key(&signer.key)?;
            let (i, m) = app::add_statement_json(&mut store, &json, &signer.party, &key, Some("handover"), None)
                .with_context(|| format!("handover file {}", file.display()))?;
            match m {
                Some(m) => println!("entry {i}\nmanifest {} ({} rows, kept private)", m.root, m.rows),
                None => println!("entry {i}"),
            }
        }
        LedgerCmd::Add(SignerArgs { file, signer }) => {
            let mut store = open(g)?;
            let json = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let key = read_key(&signer.key)?;
            let (i, m) = app::add_statement_json(&mut store, &json, &signer.party, &key, None, None)
                .with_context(|| format!("statement file {}", file.display()))?;
            match m {
                Some(m) => println!("entry {i}\nmanifest {} ({} rows, kept private)", m.root, m.rows),
                None => println!("entry {i}"),
            }
        }
        LedgerCmd::Attest(x) => {
            let mut store = open(g)?;
            let verdict = match x.verdict.as_str() {
                "reservation" => Verdict::Reservation,
                "dispute" => Verdict::Dispute,
                _ => Verdict::Confirm,
            };
            let observed = Observed {
                time: x.observed_time,
                place: x.observed_place,
                count: x.observed_count,
                containers: x.observed_containers,
            };
            let observed = (observed != Observed::default()).then_some(observed);
            let body = app::attestation_for(&store, x.entry, verdict, x.reason, observed, &today(x.date))?;
            say(&mut store, &x.signer, body)?;
        }
        LedgerCmd::Checkpoint { size } => {
            let store = open(g)?;
            let note = match size {
                Some(n) => app::checkpoint_at(&store, n)?,
                None => app::latest_checkpoint(&store)?.1,
            };
            print!("{note}");
        }
        LedgerCmd::Cosign { party, key, time } => {
            let mut store = open(g)?;
            let k = read_key(&key)?;
            let note = app::cosign(&mut store, &party, &k, time.unwrap_or_else(now))?;
            print!("{note}");
        }
        LedgerCmd::Leaf { index } => {
            let bytes = app::leaf(&open(g)?, index)?;
            println!("{}", app::base64_encode(&bytes));
        }
        LedgerCmd::Prove { index } => {
            print!("{}", app::prove(&open(g)?, index)?.encode());
        }
        LedgerCmd::Consistency { old, new } => {
            for h in app::consistency(&open(g)?, old, new)? {
                println!("{h}");
            }
        }
        LedgerCmd::Verify(v) => verify(v, g)?,
        LedgerCmd::Report { json } => {
            let r = app::report::report(&open(g)?)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                print!("{}", r.render());
            }
        }
        LedgerCmd::Row { entry, row } => {
            let d = app::disclose_row(&open(g)?, entry, row)?;
            println!("{}", serde_json::to_string_pretty(&d)?);
        }
        LedgerCmd::VerifyRow { file } => {
            let s = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let d: app::RowDisclosure = serde_json::from_str(&s).with_context(|| format!("{}", file.display()))?;
            app::verify_disclosure(&d).with_context(|| format!("{}", file.display()))?;
            println!(
                "ok: row {} of {} is in manifest {} (logged in entry {})",
                d.index, d.rows, d.manifest_root, d.entry
            );
        }
        LedgerCmd::Demo { events } => {
            let json = match events {
                Some(p) => std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?,
                None => app::DEMO_EVENTS_JSON.to_string(),
            };
            let mut store = open(g)?;
            let r = app::replay_demo(&mut store, &json)?;
            print!("{}", r.render());
        }
    }
    Ok(())
}

fn store_kind(store: &SqliteStore, entry: u64) -> anyhow::Result<String> {
    let bytes = app::leaf(store, entry)?;
    let note = tally_app::ledger::Note::parse(&bytes)?;
    Ok(Statement::from_text(&note.text)?.body.kind().to_string())
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(path).with_context(|| format!("creating {}", path.display()))?;
    f.write_all(text.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn verify(v: VerifyArgs, g: &Global) -> anyhow::Result<()> {
    if let Some(bundle) = v.bundle {
        let text = std::fs::read_to_string(&bundle).with_context(|| format!("reading {}", bundle.display()))?;
        let proof = tally_app::ledger::TlogProof::parse(&text).with_context(|| format!("{}", bundle.display()))?;
        let db_needed = v.entry.is_none() || v.log_vkey.is_none() || v.witness.is_empty();
        let store = if db_needed && g.db.exists() { Some(open(g)?) } else { None };
        let entry = match &v.entry {
            Some(p) => {
                let s = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
                app::base64_decode(s.trim()).with_context(|| format!("{}: not base64", p.display()))?
            }
            None => match &store {
                Some(s) => app::leaf(s, proof.index)?,
                None => bail!("no entry to check\nhint: pass --entry FILE (base64, as `tally ledger leaf` prints)"),
            },
        };
        let log_vkey = match (v.log_vkey, &store) {
            (Some(k), _) => k,
            (None, Some(s)) => app::log_vkey(s)?,
            (None, None) => bail!("no log key\nhint: pass --log-vkey KEY"),
        };
        let witnesses = match (v.witness.is_empty(), &store) {
            (false, _) | (true, None) => v.witness,
            (true, Some(s)) => app::witness_vkeys(s)?,
        };
        let (size, cosigners) = app::verify_bundle(&text, &entry, &log_vkey, &witnesses)
            .with_context(|| format!("{}: proof does not verify", bundle.display()))?;
        let cos = if cosigners.is_empty() {
            "no witness cosignatures".to_string()
        } else {
            format!("cosigned by {}", cosigners.join(", "))
        };
        println!("ok: entry {} is in the log at size {size}; {cos}", proof.index);
        return Ok(());
    }
    let store = open(g)?;
    let r = app::verify(&store, !v.no_statements)?;
    for p in &r.problems {
        eprintln!("problem: {p}");
    }
    if let Some((i, why)) = &r.first_bad {
        bail!("first bad entry: {i}: {why}");
    }
    if !r.problems.is_empty() {
        bail!("{} problems", r.problems.len());
    }
    let cos =
        r.cosigned.last().map(|(s, w)| format!("; checkpoint {s} cosigned by {}", w.join(", "))).unwrap_or_default();
    println!("ok: {} entries, {} checkpoints verified{cos}", r.size, r.checkpoints);
    Ok(())
}
