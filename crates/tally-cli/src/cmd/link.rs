//! `tally link` (with `explain` and `eval`) and `tally review`.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use tally_app::link::{self as app, LinkAppError, LinkOptions, ReviewDecision, ReviewItem};
use tally_domain::Record;

use super::Global;

/// Link records into persons.
///
/// Without a subcommand, links what is new since the last run against the existing persons
/// (incrementally: only new records are blocked and scored, and only the persons they touch
/// are clustered again; the result equals a full re-link with the same model). The first run
/// trains the model (m by EM, u from seeded random pairs) and stores it with its seed and a
/// hash of the input. Review decisions (tally review) override the model on every run.
#[derive(clap::Args, Debug)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  tally link\n  tally link --full --retrain --seed 7\n  \
    tally link explain mod_list:1234 obits:88\n  tally link eval --truth world/truth.csv"
)]
pub struct LinkArgs {
    #[command(subcommand)]
    pub cmd: Option<LinkCmd>,
    /// Re-block and re-score every record, not only new ones
    #[arg(long)]
    pub full: bool,
    /// Train a new model (implies --full; the first run always trains)
    #[arg(long)]
    pub retrain: bool,
    /// Link probability threshold (0..1)
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Seed for the random pairs used in training
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Who runs the linkage (for the merge/split log); defaults to $USER
    #[arg(long)]
    pub who: Option<String>,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum LinkCmd {
    /// Explain why two records are (not) linked: each comparison's level, weight and the probability
    Explain(ExplainArgs),
    /// Evaluate the roll against a truth file (pairwise and B-cubed precision/recall/F1, calibration)
    Eval(EvalArgs),
}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// First record, as SOURCE:ID
    pub a: String,
    /// Second record, as SOURCE:ID
    pub b: String,
    /// Print the explanation as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// Truth CSV with columns source,source_record_id,person_id (as `tally synth` writes)
    #[arg(long)]
    pub truth: PathBuf,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
}

/// Review uncertain pairs side by side: accept (same person), reject (different), or skip.
///
/// Interactive by default: shows the next pair of the grey zone with its explanation and reads
/// a, r, s or q from standard input. For scripts, decide one pair with --accept, --reject or
/// --skip. Decisions are kept as must-link / cannot-link with who and when, and take effect on
/// the next `tally link` and every one after.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  tally review\n  tally review --list\n  \
    tally review --accept mod_list:12 obits:7 --who analyst1\n  tally review --reject mod_list:12 media:3 --note \"different fathers\"")]
pub struct ReviewArgs {
    /// Accept a pair (same person)
    #[arg(long, num_args = 2, value_names = ["A", "B"], conflicts_with_all = ["reject", "skip"])]
    pub accept: Option<Vec<String>>,
    /// Reject a pair (different persons)
    #[arg(long, num_args = 2, value_names = ["A", "B"], conflicts_with = "skip")]
    pub reject: Option<Vec<String>>,
    /// Mark a pair as seen without deciding
    #[arg(long, num_args = 2, value_names = ["A", "B"])]
    pub skip: Option<Vec<String>>,
    /// A note kept with the decision
    #[arg(long)]
    pub note: Option<String>,
    /// List the queue instead of reviewing
    #[arg(long)]
    pub list: bool,
    /// Show the next pair without asking (with --json: as JSON)
    #[arg(long)]
    pub next: bool,
    /// Who decides; defaults to $USER
    #[arg(long)]
    pub who: Option<String>,
    /// JSON output for --list and --next
    #[arg(long)]
    pub json: bool,
}

fn who(w: &Option<String>) -> String {
    w.clone().or_else(|| std::env::var("USER").ok()).filter(|s| !s.is_empty()).unwrap_or_else(|| "unknown".into())
}

fn open(db: &Path) -> anyhow::Result<app::Store> {
    if !db.exists() {
        bail!(
            "no database at {}\nhint: import a list first: tally import FILE --source NAME --db {}",
            db.display(),
            db.display()
        );
    }
    app::open(db).with_context(|| format!("opening {}", db.display()))
}

fn with_hint(e: LinkAppError) -> anyhow::Error {
    match e.hint() {
        Some(h) => anyhow::anyhow!("{e}\nhint: {h}"),
        None => anyhow::Error::new(e),
    }
}

pub fn link(a: LinkArgs, g: &Global) -> anyhow::Result<()> {
    match a.cmd {
        Some(LinkCmd::Explain(e)) => return explain(e, g),
        Some(LinkCmd::Eval(e)) => return eval(e, g),
        None => {}
    }
    let mut store = open(&g.db)?;
    let opts = LinkOptions {
        full: a.full || a.retrain,
        retrain: a.retrain,
        threshold: a.threshold,
        seed: a.seed,
        who: who(&a.who),
        cache: Some(tally_app::link_cache::cache_path(&g.db)),
    };
    if let Some(t) = a.threshold {
        if !(0.0..=1.0).contains(&t) {
            bail!("threshold {t} is not a probability\nhint: use a value between 0 and 1, e.g. --threshold 0.95");
        }
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let s = app::link(&mut store, &opts, &mut |stage| bar.set_message(stage.to_string())).map_err(with_hint)?;
    bar.finish_and_clear();
    let mut out = std::io::stdout().lock();
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&s)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "linked {} records ({} new) into {} persons [{} run {}]",
        s.records, s.new_records, s.persons, s.mode, s.run_id
    )?;
    if let Some(b) = &s.blocking {
        writeln!(
            out,
            "blocking: {} candidate pairs ({:.1} per record), estimated recall {}",
            b.pairs,
            b.pairs_per_record,
            b.estimated_recall.map(|r| format!("{r:.4}")).unwrap_or_else(|| "-".into())
        )?;
        for r in &b.rules {
            write!(out, "  {:<48} {:>10} new pairs, largest block {}", r.rule, r.pairs, r.largest_block)?;
            if r.skipped_blocks > 0 {
                write!(out, "  ({} blocks over the cap skipped: {} pairs)", r.skipped_blocks, r.skipped_pairs)?;
            }
            writeln!(out)?;
        }
    } else {
        writeln!(out, "compared {} new pairs", s.compared_pairs)?;
    }
    writeln!(
        out,
        "model {} ({}; EM {} iterations{})",
        s.params_id,
        if s.trained { "trained now" } else { "stored" },
        s.em_iterations,
        if s.em_converged { "" } else { ", not converged" }
    )?;
    if s.model_version != 0 && s.model_version < app::PARAMS_VERSION {
        writeln!(
            out,
            "note: the model was trained by an older tally (parameters version {}, this one trains {}); it \
             scores as it did, and `tally link --retrain` trains one with this version's comparisons",
            s.model_version,
            app::PARAMS_VERSION
        )?;
    }
    if s.retrained_because_grown {
        writeln!(out, "note: the roll grew by more than a quarter since the model was trained, so it was retrained")?;
    }
    writeln!(
        out,
        "links at p >= {}: {} ({} records in shared persons); merges {}, splits {}",
        s.threshold, s.errors.links, s.linked_records, s.merges, s.splits
    )?;
    writeln!(
        out,
        "estimated (label-free): false links {:.4}, missed links {:.4}",
        s.errors.false_link_rate, s.errors.missed_link_rate
    )?;
    writeln!(
        out,
        "  among kept pairs: {:.1} expected false links of {} links, {:.1} expected matches below p {}",
        s.errors.expected_false_links, s.errors.links, s.errors.expected_missed, s.threshold
    )?;
    if let Some(c) = &s.candidate_errors {
        writeln!(
            out,
            "  among all candidate pairs: {:.1} expected matches below p {} (missed link rate {:.4})",
            c.expected_missed, s.threshold, c.missed_link_rate
        )?;
    }
    if s.refused_merges > 0 || s.flagged_clusters > 0 {
        writeln!(
            out,
            "chaining guard: {} merges refused (conflicting sex, dates or decision, or a record as like two people of \
             one list), {} flagged for review",
            s.refused_merges, s.flagged_clusters
        )?;
    }
    writeln!(
        out,
        "persons formed: {}; wrote {} assignments, {} pairs ({} deleted)",
        s.roll, s.changed_assignments, s.written_pairs, s.deleted_pairs
    )?;
    if !s.linker_cache.is_empty() {
        writeln!(out, "linker cache: {}", s.linker_cache)?;
    }
    writeln!(
        out,
        "time: read {:.2}s, link {:.2}s, cluster {:.2}s, write {:.2}s (total {:.2}s)",
        s.timings.read, s.timings.link, s.timings.cluster, s.timings.write, s.timings.total
    )?;
    if s.review_queue > 0 {
        writeln!(out, "{} pairs await review\nhint: tally review", s.review_queue)?;
    }
    Ok(())
}

fn explain(a: ExplainArgs, g: &Global) -> anyhow::Result<()> {
    let store = open(&g.db)?;
    let ka = app::parse_record_name(&a.a).map_err(with_hint)?;
    let kb = app::parse_record_name(&a.b).map_err(with_hint)?;
    let e = app::explain(&store, &ka, &kb).map_err(with_hint)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&e)?)?;
    } else {
        write!(out, "{}", e.render())?;
    }
    Ok(())
}

fn eval(a: EvalArgs, g: &Global) -> anyhow::Result<()> {
    let store = open(&g.db)?;
    let r = app::eval(&store, &a.truth).map_err(with_hint)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&r)?)?;
        return Ok(());
    }
    let e = &r.evaluation;
    writeln!(
        out,
        "records scored {} (truth has {}, {} not in the roll; {} roll records not in the truth)",
        e.records, r.truth_records, r.missing_from_roll, e.unlabelled
    )?;
    writeln!(out, "persons: predicted {}, true {}", e.predicted_persons, e.true_persons)?;
    writeln!(out, "pairs: predicted {}, true {}, correct {}", e.predicted_pairs, e.true_pairs, e.correct_pairs)?;
    writeln!(out, "{:<10} {:>10} {:>10} {:>10}", "", "precision", "recall", "f1")?;
    for (name, p) in [("pairwise", e.pairwise), ("b-cubed", e.bcubed)] {
        // With no pair predicted (or none true) a rate of 1 is a convention, not a finding: say so.
        let rate = |v: f64, of: u64| if name == "pairwise" && of == 0 { "n/a".to_string() } else { format!("{v:.4}") };
        let (pr, rc) = (rate(p.precision, e.predicted_pairs), rate(p.recall, e.true_pairs));
        let f1 = if pr == "n/a" || rc == "n/a" { "n/a".to_string() } else { format!("{:.4}", p.f1) };
        writeln!(out, "{name:<10} {pr:>10} {rc:>10} {f1:>10}")?;
    }
    if let Some(x) = &r.cross_script {
        writeln!(
            out,
            "cross-script pairs (Latin-Cyrillic; {} Latin, {} Cyrillic records): true {}, linked {}, correct {}",
            x.latin_records, x.cyrillic_records, x.true_pairs, x.predicted_pairs, x.correct_pairs
        )?;
        writeln!(out, "{:<10} {:>10.4} {:>10.4}", "x-script", x.precision, x.recall)?;
    }
    writeln!(out, "calibration of kept pairs by decile (predicted vs observed match rate):")?;
    for b in r.calibration.iter().filter(|b| b.pairs > 0) {
        writeln!(
            out,
            "  {:.1}-{:.1} {:>9} pairs  predicted {:.3}  observed {:.3}  gap {:+.3}",
            b.from,
            b.to,
            b.pairs,
            b.mean_predicted,
            b.observed,
            b.observed - b.mean_predicted
        )?;
    }
    writeln!(out, "largest calibration gap (bins with >= 20 pairs): {:.3}", r.max_calibration_gap)?;
    if r.calibration_by_context.iter().any(|c| c.pairs > 0) {
        writeln!(
            out,
            "grey pairs ({:.2} to {:.2}) by where they stand in the roll:",
            tally_app::link::GREY_FROM,
            tally_app::link::GREY_TO
        )?;
        for c in r.calibration_by_context.iter().filter(|c| c.pairs > 0) {
            writeln!(
                out,
                "  {:<56} {:>7} pairs  predicted {:.3}  observed {:.3}  gap {:+.3}",
                c.context.describe(),
                c.pairs,
                c.mean_predicted,
                c.observed,
                c.observed - c.mean_predicted
            )?;
        }
    }
    Ok(())
}

fn fields(r: &Record) -> Vec<(&'static str, String)> {
    let f = &r.fields;
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let d = |v: &Option<tally_domain::PartialDate>| v.map(|d| d.to_string()).unwrap_or_default();
    vec![
        ("record", format!("{}:{} (line {})", r.key.source, r.key.source_record_id, r.line)),
        ("surname", s(&f.surname)),
        ("given name", s(&f.given_name)),
        ("patronymic", s(&f.patronymic)),
        ("sex", f.sex.map(|x| x.as_str().to_string()).unwrap_or_default()),
        ("birth date", d(&f.birth_date)),
        ("death date", d(&f.death_date)),
        ("settlement", s(&f.settlement)),
        ("region", s(&f.region)),
        ("unit", s(&f.unit)),
        ("rank", s(&f.rank)),
        ("status", f.status.map(|x| x.to_string()).unwrap_or_default()),
    ]
}

/// The first three of `names`, and how many more there are.
fn some_of(names: &[&String]) -> String {
    let shown: Vec<&str> = names.iter().take(3).map(|s| s.as_str()).collect();
    let more = if names.len() > 3 { format!(", +{} more", names.len() - 3) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

fn show(out: &mut impl Write, item: &ReviewItem) -> std::io::Result<()> {
    writeln!(out, "pair with probability {:.4} ({} in the queue)", item.probability, item.remaining)?;
    for ((name, va), (_, vb)) in fields(&item.a).into_iter().zip(fields(&item.b)) {
        let mark = if va.is_empty() || vb.is_empty() || va == vb { ' ' } else { '*' };
        writeln!(out, "{mark} {:<11} {:<36} {}", name, va, vb)?;
    }
    let person = |p: &app::ReviewPerson| match p.person {
        None => "not linked yet".to_string(),
        Some(id) if p.others.is_empty() => format!("{id}, no other record"),
        Some(id) => format!("{id}, also {}", some_of(&p.others.iter().collect::<Vec<_>>())),
    };
    if item.withdrawn.iter().any(Option::is_some) {
        let w = |x: &Option<String>| x.as_ref().map(|f| format!("withdrawn by {f}")).unwrap_or_default();
        writeln!(out, "! {:<11} {:<36} {}", "list", w(&item.withdrawn[0]), w(&item.withdrawn[1]))?;
    }
    let [pa, pb] = &item.persons;
    match pa.person {
        Some(id) if pa.person == pb.person => {
            let b = app::record_name(&item.b.key);
            let others: Vec<&String> = pa.others.iter().filter(|r| **r != b).collect();
            let with = if others.is_empty() { String::new() } else { format!(", with {}", some_of(&others)) };
            writeln!(out, "  {:<11} both in {id}{with}", "person")?;
        }
        _ => writeln!(out, "* {:<11} {:<36} {}", "person", person(pa), person(pb))?,
    }
    for r in &item.rivals {
        let roll = if r.same_person { ", one person in the roll" } else { "" };
        writeln!(
            out,
            "! rival: {} is linked more strongly to {} (p {:.4}{roll}), of the same list as the other record",
            r.of, r.rival, r.probability
        )?;
    }
    if !item.rivals.is_empty() {
        writeln!(out, "  a list names a person about once: a rival makes this pair less likely than its probability")?;
    }
    if let Some(c) = &item.conflict {
        writeln!(
            out,
            "! conflict: accepting puts {} and {} in one person, and they cannot be one (two sexes, or birth or death dates too far apart)",
            c.a, c.b
        )?;
    }
    writeln!(out)?;
    write!(out, "{}", item.explanation.render())
}

pub fn review(a: ReviewArgs, g: &Global) -> anyhow::Result<()> {
    let mut store = open(&g.db)?;
    let who = who(&a.who);
    let mut out = std::io::stdout().lock();
    let one = [(&a.accept, ReviewDecision::Must), (&a.reject, ReviewDecision::Cannot), (&a.skip, ReviewDecision::Skip)];
    for (pair, decision) in one {
        if let Some(p) = pair {
            let ka = app::parse_record_name(&p[0]).map_err(with_hint)?;
            let kb = app::parse_record_name(&p[1]).map_err(with_hint)?;
            let id = app::review_decide(&mut store, &ka, &kb, decision, a.note.as_deref(), &who).map_err(with_hint)?;
            writeln!(out, "decision {id}: {} {} {} (by {who})", decision.as_str(), p[0], p[1])?;
            if decision != ReviewDecision::Skip {
                writeln!(out, "hint: run `tally link` to apply it")?;
            }
            return Ok(());
        }
    }
    if a.list {
        let q = app::review_queue_marked(&store).map_err(with_hint)?;
        if a.json {
            let v: Vec<_> = q
                .iter()
                .map(|e| {
                    serde_json::json!({"a": app::record_name(&e.a), "b": app::record_name(&e.b),
                        "probability": e.probability, "rival": e.rival, "same_person": e.same_person,
                        "conflict": e.conflict})
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        } else {
            for e in &q {
                let marks: Vec<&str> = [(e.rival, "rival"), (e.same_person, "same person"), (e.conflict, "conflict")]
                    .into_iter()
                    .filter_map(|(on, m)| on.then_some(m))
                    .collect();
                let mark = if marks.is_empty() { String::new() } else { format!("  {}", marks.join(", ")) };
                writeln!(
                    out,
                    "{:.4}  {}:{}  {}:{}{mark}",
                    e.probability, e.a.source, e.a.source_record_id, e.b.source, e.b.source_record_id
                )?;
            }
            let rivals = q.iter().filter(|e| e.rival).count();
            let settled = q.iter().filter(|e| e.same_person).count();
            let conflicts = q.iter().filter(|e| e.conflict).count();
            let mut why = Vec::new();
            if rivals > 0 {
                why.push(format!("{rivals} with a rival: see `tally review --next`"));
            }
            if conflicts > 0 {
                why.push(format!("{conflicts} would join records that cannot be one person, listed after the others"));
            }
            if settled > 0 {
                why.push(format!("{settled} already in one person through other links, listed last"));
            }
            if why.is_empty() {
                writeln!(out, "{} pairs await review", q.len())?;
            } else {
                writeln!(out, "{} pairs await review ({})", q.len(), why.join("; "))?;
            }
        }
        return Ok(());
    }
    if a.next {
        match app::review_next(&store).map_err(with_hint)? {
            None => writeln!(out, "nothing to review")?,
            Some(item) if a.json => writeln!(out, "{}", serde_json::to_string_pretty(&item)?)?,
            Some(item) => show(&mut out, &item)?,
        }
        return Ok(());
    }
    // Interactive.
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut seen = std::collections::HashSet::new();
    let mut decided = 0;
    loop {
        let Some(item) = app::review_next(&store).map_err(with_hint)? else {
            writeln!(out, "nothing (more) to review")?;
            break;
        };
        if !seen.insert((item.a.key.clone(), item.b.key.clone())) {
            writeln!(out, "only skipped pairs are left")?;
            break;
        }
        show(&mut out, &item)?;
        let decision = loop {
            write!(out, "[a]ccept (same person), [r]eject (different), [s]kip, [q]uit: ")?;
            out.flush()?;
            let Some(line) = lines.next() else { break None };
            match line?.trim() {
                "a" | "accept" => break Some(ReviewDecision::Must),
                "r" | "reject" => break Some(ReviewDecision::Cannot),
                "s" | "skip" => break Some(ReviewDecision::Skip),
                "q" | "quit" | "" => break None,
                other => writeln!(out, "{other:?}: type a, r, s or q")?,
            }
        };
        let Some(d) = decision else { break };
        app::review_decide(&mut store, &item.a.key, &item.b.key, d, a.note.as_deref(), &who).map_err(with_hint)?;
        if d != ReviewDecision::Skip {
            decided += 1;
        }
        writeln!(out)?;
    }
    if decided > 0 {
        writeln!(out, "{decided} decisions recorded\nhint: run `tally link` to apply them")?;
    }
    Ok(())
}
