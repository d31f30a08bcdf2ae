//! `tally name ...`: names across scripts. A thin shell over the pure `tally-names` crate (no database).

use clap::{Args, Subcommand};

use super::Global;

#[derive(Args, Debug)]
pub struct NameArgs {
    #[command(subcommand)]
    cmd: NameCmd,
}

#[derive(Subcommand, Debug)]
enum NameCmd {
    /// Transliterate Cyrillic to Latin under one standard (or every standard with --all)
    Translit(TranslitArgs),
    /// List the transliteration standards: id, language, name
    Standards,
    /// Normalise a name: apostrophes, look-alike letters, ё, case, spacing
    Normalize(TextArgs),
    /// Detect the script and (where possible) the language, uk or ru, of a name
    Detect(TextArgs),
    /// Compare two names: a score (higher: more likely the same person's name), a level and why
    Compare(CompareArgs),
    /// The cross-script blocking key of each name part
    Key(TextArgs),
    /// Bring a declined name phrase to the nominative («Олександром Шевченком» -> Олександр Шевченко)
    Nominative(TextArgs),
    /// Ukrainian <-> Russian forms of a given name or patronymic
    Equivalents(EquivalentsArgs),
    /// Ranked Cyrillic forms of a Latin name (Oleksandr -> Олександр)
    Candidates(CandidatesArgs),
    /// Masculine/feminine and Ukrainian/Russian forms of a surname (ranked where the rules guess)
    Forms(TextArgs),
}

#[derive(Args, Debug)]
struct CandidatesArgs {
    /// Only Ukrainian (uk) or Russian (ru) spellings
    #[arg(long)]
    lang: Option<tally_names::Lang>,
    /// How many candidates to print
    #[arg(long, short, default_value_t = 5)]
    n: usize,
    /// The Latin name (several arguments are joined by spaces)
    #[arg(required = true)]
    text: Vec<String>,
}

#[derive(Args, Debug)]
struct CompareArgs {
    /// First name (whole name, or one part with --part)
    a: String,
    /// Second name
    b: String,
    /// Compare as one part (surname, given, patronymic) instead of as whole names
    #[arg(long)]
    part: Option<tally_names::PartKind>,
    /// Print one JSON object: {"score", "level", "why"}
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct EquivalentsArgs {
    /// Treat the name as a patronymic (default: given name)
    #[arg(long)]
    patronymic: bool,
    /// The name
    name: String,
}

#[derive(Args, Debug)]
struct TranslitArgs {
    /// Standard id, e.g. ua_kmu_2010 or ru_icao_9303 (see `tally name standards`)
    #[arg(long, short, default_value = "ua_kmu_2010", conflicts_with = "all")]
    standard: String,
    /// Print every standard as `id<TAB>latin`
    #[arg(long)]
    all: bool,
    /// The Cyrillic text (several arguments are joined by spaces)
    #[arg(required = true)]
    text: Vec<String>,
}

#[derive(Args, Debug)]
struct TextArgs {
    /// The text (several arguments are joined by spaces)
    #[arg(required = true)]
    text: Vec<String>,
}

pub fn run(a: NameArgs, _g: &Global) -> anyhow::Result<()> {
    match a.cmd {
        NameCmd::Translit(t) => translit(t),
        NameCmd::Standards => {
            for s in tally_names::standards() {
                println!("{}\t{}\t{}", s.id, s.lang, s.name);
            }
            Ok(())
        }
        NameCmd::Normalize(t) => {
            println!("{}", tally_names::normalize(&t.text.join(" ")));
            Ok(())
        }
        NameCmd::Compare(c) => {
            let r = match c.part {
                Some(k) => tally_names::compare_part(k, &c.a, &c.b),
                None => tally_names::compare(&c.a, &c.b),
            };
            if c.json {
                println!("{}", serde_json::to_string(&r)?);
            } else {
                println!("{:.3}\t{}\t{}", r.score, r.level, r.why);
            }
            Ok(())
        }
        NameCmd::Key(t) => {
            for w in t.text.iter().flat_map(|s| s.split_whitespace()) {
                println!("{w}\t{}", tally_names::name_key(w));
            }
            Ok(())
        }
        NameCmd::Nominative(t) => {
            println!("{}", tally_names::to_nominative(&t.text.join(" ")));
            Ok(())
        }
        NameCmd::Equivalents(e) => {
            let kind = if e.patronymic { tally_names::PartKind::Patronymic } else { tally_names::PartKind::Given };
            let eq = tally_names::equivalents(kind, &e.name);
            if eq.is_empty() {
                anyhow::bail!("no Ukrainian/Russian equivalent known for {:?}\nhint: the dictionary covers given names and patronymics; surnames are compared by rule", e.name);
            }
            for (lang, f) in eq {
                println!("{lang}\t{f}");
            }
            Ok(())
        }
        NameCmd::Candidates(c) => {
            let cands = tally_names::to_cyrillic_candidates(&c.text.join(" "), c.lang);
            if cands.is_empty() {
                anyhow::bail!(
                    "no Latin letters to read\nhint: pass a Latin name, e.g. `tally name candidates Oleksandr`"
                );
            }
            for (s, p) in cands.into_iter().take(c.n) {
                println!("{p:.3}\t{s}");
            }
            Ok(())
        }
        NameCmd::Forms(t) => {
            let f = tally_names::surname_forms(&t.text.join(" "));
            if f.uk_m.is_empty() && f.ru_m.is_empty() {
                anyhow::bail!("no Cyrillic surname to read\nhint: pass a surname in Cyrillic, e.g. `tally name forms Ковалевський`");
            }
            for (label, v) in [("uk_m", &f.uk_m), ("uk_f", &f.uk_f), ("ru_m", &f.ru_m), ("ru_f", &f.ru_f)] {
                println!("{label}\t{}", v.join(" | "));
            }
            Ok(())
        }
        NameCmd::Detect(t) => {
            let text = t.text.join(" ");
            let script = tally_names::detect_script(&tally_names::normalize(&text));
            let lang = tally_names::detect_lang(&text).map_or("unknown", |l| l.as_str());
            println!("script: {}\nlang: {lang}", serde_json::to_value(script)?.as_str().unwrap_or("unknown"));
            Ok(())
        }
    }
}

fn translit(t: TranslitArgs) -> anyhow::Result<()> {
    let text = t.text.join(" ");
    if t.all {
        for s in tally_names::standards() {
            println!("{}\t{}", s.id, tally_names::transliterate(&s.id, &text)?);
        }
        return Ok(());
    }
    let out = tally_names::transliterate(&t.standard, &text)
        .map_err(|e| anyhow::anyhow!("{e}\nhint: `tally name standards` lists the ids"))?;
    println!("{out}");
    Ok(())
}
