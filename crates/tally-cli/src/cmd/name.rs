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
