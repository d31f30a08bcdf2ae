//! A seeded synthetic world for Tally: true persons (Ukrainian and Russian servicemen with
//! realistic, heavy-tailed name frequencies, sexes, birth dates, regions, units, ranks and a
//! history of killed / missing / prisoner / released), and several sources that list them with
//! different, dependent coverage, each in its own conventions (language, script,
//! transliteration standard, name layout, date forms, typos, OCR errors, duplicates, CSV /
//! JSON Lines / XLSX, UTF-8 / Windows-1251), plus the truth: which record is which person.
//!
//! Pure: [`generate`] is a function of its [`Config`] (same seed, same bytes). It returns the
//! files in memory; writing them is the caller's business (`tally-app::synth`).
//!
//! ```
//! use tally_synth::{generate, Config};
//! let w = generate(&Config { persons: 300, seed: 7, ..Config::default() }, &mut |_| {}).unwrap();
//! assert_eq!(w.manifest.sources.len(), 5);
//! assert!(w.files.iter().any(|f| f.name == "truth.csv"));
//! let again = generate(&Config { persons: 300, seed: 7, ..Config::default() }, &mut |_| {}).unwrap();
//! assert_eq!(w.files, again.files);
//! ```
//!
//! The sources, in the order `sources: K` takes them (see [`Manifest`] for what is written
//! about each): an official list of Ukrainian killed (CSV `;`, UTF-8 with BOM, Ukrainian
//! headers); obituaries (JSON Lines, full names in one field, ages, over-covering the west);
//! an English media list of both sides in Latin script under several standards; family
//! reports of the missing (XLSX); a Russian-language tally of Russian dead (CSV, Windows-1251);
//! exchange manifests of released prisoners (JSON Lines); Russian court records of Ukrainian
//! prisoners under Russian name forms (CSV `;`, Windows-1251, OCR errors).

mod data;
mod inflect;
mod noise;
mod person;
mod render;
mod rng;
mod sources;

pub use data::{female_surname, Side, RANKS, SERVICES, UNITS};
pub use person::{Event, Person, Ymd, WAR_START, WORLD_TODAY};
pub use render::{Encoding, Format, Lang};
pub use tally_domain::{Sex, SourceKind, Status};

use serde::{Deserialize, Serialize};

/// Why a world could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SynthError {
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("writing the XLSX source failed: {0}")]
    Xlsx(String),
    #[error("transliteration failed: {0}")]
    Names(String),
}

/// Which scripts the names of a world are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Script {
    /// Each source in its own script: Cyrillic lists plus a Latin media list (cross-script).
    #[default]
    Mixed,
    /// Every source in Latin script, under the standards its publisher would use.
    Latin,
    /// Every source in Cyrillic.
    Cyrillic,
}

impl Script {
    pub fn as_str(self) -> &'static str {
        match self {
            Script::Mixed => "mixed",
            Script::Latin => "latin",
            Script::Cyrillic => "cyrillic",
        }
    }
    pub fn parse(s: &str) -> Option<Script> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mixed" | "cross" | "cross-script" => Some(Script::Mixed),
            "latin" => Some(Script::Latin),
            "cyrillic" => Some(Script::Cyrillic),
            _ => None,
        }
    }
}

/// The number of distinct sources a world can have.
pub const MAX_SOURCES: usize = sources::ORDER.len();

/// What world to make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Config {
    pub persons: usize,
    pub seed: u64,
    /// How many sources, 1..=MAX_SOURCES, taken in the documented order.
    pub sources: usize,
    pub script: Script,
    /// Scale every source's coverage so the world has about this many records per person
    /// (counting persons no source lists). None: the sources' own coverage (about 0.9).
    pub records_per_person: Option<f64>,
    /// Share of Ukrainian servicemen among the persons.
    pub ua_share: f64,
    /// Multiplies every noise rate (typos, OCR errors, look-alikes, missing cells); 0 = clean.
    pub noise: f64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            persons: 50_000,
            seed: 1,
            sources: 5,
            script: Script::Mixed,
            records_per_person: None,
            ua_share: 0.5,
            noise: 1.0,
        }
    }
}

/// One file of a world, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// One row of the truth: record `source_record_id` of `source` is person `person` (index into
/// `World::persons`; its id is `persons[person].person_id()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TruthRow {
    pub source: &'static str,
    pub source_record_id: String,
    pub person: u32,
}

/// What the manifest says about one source file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestSource {
    pub file: String,
    /// The name to pass to `tally import --source` (the file stem).
    pub source: String,
    pub kind: SourceKind,
    pub format: Format,
    pub encoding: Encoding,
    /// CSV only.
    pub delimiter: Option<String>,
    pub header_language: Lang,
    pub headers: Vec<String>,
    /// Which name forms the source writes: `uk`, `ru`, or `native` (each person's own).
    pub name_forms: String,
    /// `cyrillic` or `latin`.
    pub name_script: String,
    /// Whether the file has a record-id column; if not, the id is the 1-based data-row number.
    pub id_column: bool,
    pub records: usize,
    /// Distinct true persons among the records (records - persons = in-source duplicates).
    pub persons: usize,
    pub description: String,
    /// The command that imports it.
    pub import: String,
}

/// `manifest.json`: how to read every file of a world.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub generator: String,
    pub config: Config,
    /// The factor every source's coverage was multiplied by.
    pub coverage_scale: f64,
    pub persons: usize,
    /// Persons listed by at least one source.
    pub persons_listed: usize,
    pub records: usize,
    pub truth: String,
    pub persons_file: String,
    pub sources: Vec<ManifestSource>,
}

/// A generated world: its files (sources, `truth.csv`, `persons.csv`, `manifest.json`), the
/// manifest, the truth and the persons.
#[derive(Debug, Clone)]
pub struct World {
    pub files: Vec<OutFile>,
    pub manifest: Manifest,
    pub truth: Vec<TruthRow>,
    pub persons: Vec<Person>,
}

/// Where generation is, for progress bars: `stage` is `persons` or `sources`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub stage: &'static str,
    pub done: u64,
    pub total: u64,
}

fn validate(cfg: &Config) -> Result<(), SynthError> {
    if cfg.persons == 0 || cfg.persons > 50_000_000 {
        return Err(SynthError::Config(format!("persons must be 1..=50000000, not {}", cfg.persons)));
    }
    if cfg.sources == 0 || cfg.sources > MAX_SOURCES {
        return Err(SynthError::Config(format!("sources must be 1..={MAX_SOURCES}, not {}", cfg.sources)));
    }
    if !(0.0..=1.0).contains(&cfg.ua_share) {
        return Err(SynthError::Config(format!("ua_share must be within 0..=1, not {}", cfg.ua_share)));
    }
    if !(0.0..=10.0).contains(&cfg.noise) {
        return Err(SynthError::Config(format!("noise must be within 0..=10, not {}", cfg.noise)));
    }
    if let Some(r) = cfg.records_per_person {
        if !(r > 0.0 && r.is_finite()) {
            return Err(SynthError::Config(format!("records per person must be positive, not {r}")));
        }
    }
    Ok(())
}

/// Expected records per person at coverage scale `scale`, estimated on a sample of persons.
fn expected_rpp(t: &data::Tables, sample: &[&Person], srcs: &[sources::Src], scale: f64) -> f64 {
    let mut sum = 0.0;
    for p in sample {
        for &s in srcs {
            if let Some((prob, _)) = sources::coverage(s, t, p) {
                sum += (prob * scale).min(sources::P_MAX) * (1.0 + sources::dup_rate(s));
            }
        }
    }
    sum / sample.len() as f64
}

fn calibrate(t: &data::Tables, persons: &[Person], srcs: &[sources::Src], target: f64) -> Result<f64, SynthError> {
    let step = (persons.len() / 20_000).max(1);
    let sample: Vec<&Person> = persons.iter().step_by(step).collect();
    let max = expected_rpp(t, &sample, srcs, 1e6);
    if target > max * 0.999 {
        return Err(SynthError::Config(format!(
            "at most {max:.2} records per person are possible with {} sources (each lists at most {:.0}% of \
             whom it covers); use more sources or a lower target",
            srcs.len(),
            sources::P_MAX * 100.0
        )));
    }
    let (mut lo, mut hi) = (0.0f64, 1e6f64);
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if expected_rpp(t, &sample, srcs, mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-6 * hi {
            break;
        }
    }
    Ok((lo + hi) / 2.0)
}

/// Make a world. `progress` is called from this thread only.
pub fn generate(cfg: &Config, progress: &mut dyn FnMut(Progress)) -> Result<World, SynthError> {
    validate(cfg)?;
    let t = data::Tables::get();
    let n = cfg.persons as u64;
    let persons = person::generate(t, cfg.persons, cfg.seed, cfg.ua_share, &mut |done| {
        progress(Progress { stage: "persons", done: done as u64, total: n })
    });
    let srcs: Vec<sources::Src> = sources::ORDER[..cfg.sources].to_vec();
    let scale = match cfg.records_per_person {
        Some(r) => calibrate(t, &persons, &srcs, r)?,
        None => 1.0,
    };
    let specs: Vec<sources::Spec> = srcs.iter().map(|&s| sources::spec(s, cfg.script)).collect();
    let ctx = sources::Ctx { t, persons: &persons, seed: cfg.seed, noise: cfg.noise, scale };
    let total = specs.len() as u64 + 2;
    progress(Progress { stage: "sources", done: 0, total });
    // Each source has its own random streams, so neither selecting nor rendering depends on the
    // scheduling: first every source picks its records (in parallel), then the files, truth.csv
    // and persons.csv are rendered in parallel.
    let selections: Vec<Vec<(u32, Event)>> = std::thread::scope(|sc| {
        let hs: Vec<_> = specs.iter().map(|sp| sc.spawn(|| sources::select(sp, &ctx))).collect();
        hs.into_iter().map(|h| h.join().expect("a selection thread panicked")).collect()
    });
    let mut per_person = vec![0u16; persons.len()];
    let mut truth = Vec::with_capacity(selections.iter().map(Vec::len).sum());
    let mut distinct = Vec::with_capacity(specs.len());
    for (sp, sel) in specs.iter().zip(&selections) {
        let mut ids: Vec<u32> = sel.iter().map(|x| x.0).collect();
        ids.sort_unstable();
        ids.dedup();
        for &pi in &ids {
            per_person[pi as usize] += 1;
        }
        distinct.push(ids.len());
        for (i, &(pi, _)) in sel.iter().enumerate() {
            truth.push(TruthRow { source: sp.name, source_record_id: sources::record_id(sp, i + 1), person: pi });
        }
    }
    let mut done = 0u64;
    let (rendered, truth_bytes, persons_bytes) = std::thread::scope(|sc| {
        let hs: Vec<_> =
            specs.iter().zip(&selections).map(|(sp, sel)| sc.spawn(|| sources::render_source(sp, &ctx, sel))).collect();
        let th = sc.spawn(|| truth_csv(&truth, &persons).into_bytes());
        let ph = sc.spawn(|| persons_csv(t, &persons, &per_person).into_bytes());
        let mut out = Vec::with_capacity(hs.len());
        for h in hs {
            out.push(h.join().unwrap_or_else(|_| Err(SynthError::Config("a source thread panicked".into()))));
            done += 1;
            progress(Progress { stage: "sources", done, total });
        }
        let tb = th.join().expect("truth thread");
        progress(Progress { stage: "sources", done: total - 1, total });
        let pb = ph.join().expect("persons thread");
        progress(Progress { stage: "sources", done: total, total });
        (out, tb, pb)
    });

    let mut files = Vec::new();
    let mut msources = Vec::new();
    for (((sp, sel), r), n_persons) in specs.iter().zip(&selections).zip(rendered).zip(distinct) {
        let bytes = r?;
        let (format, encoding, delim) = sources::actual_format(sp, sel.len());
        let file = format!("{}.{}", sp.name, format.as_str());
        let mut import = format!("tally import {file} --source {} --kind {}", sp.name, sp.kind.as_str());
        if encoding == Encoding::Windows1251 {
            import.push_str(" --encoding windows-1251");
        }
        msources.push(ManifestSource {
            file: file.clone(),
            source: sp.name.to_string(),
            kind: sp.kind,
            format,
            encoding,
            delimiter: (format == Format::Csv).then(|| delim.to_string()),
            header_language: sp.lang,
            headers: sources::header_names(sp).into_iter().map(String::from).collect(),
            name_forms: sp.name_forms.to_string(),
            name_script: if sp.latin { "latin" } else { "cyrillic" }.to_string(),
            id_column: sources::has_id_column(sp),
            records: sel.len(),
            persons: n_persons,
            description: sp.description.split_whitespace().collect::<Vec<_>>().join(" "),
            import,
        });
        files.push(OutFile { name: file, bytes });
    }

    let manifest = Manifest {
        generator: format!("tally-synth {}", env!("CARGO_PKG_VERSION")),
        config: cfg.clone(),
        coverage_scale: (scale * 1e6).round() / 1e6,
        persons: persons.len(),
        persons_listed: per_person.iter().filter(|&&c| c > 0).count(),
        records: truth.len(),
        truth: "truth.csv".into(),
        persons_file: "persons.csv".into(),
        sources: msources,
    };
    files.push(OutFile { name: "truth.csv".into(), bytes: truth_bytes });
    files.push(OutFile { name: "persons.csv".into(), bytes: persons_bytes });
    let mut mj = serde_json::to_string_pretty(&manifest).map_err(|e| SynthError::Config(e.to_string()))?;
    mj.push('\n');
    files.push(OutFile { name: "manifest.json".into(), bytes: mj.into_bytes() });
    Ok(World { files, manifest, truth, persons })
}

/// A person's name as (surname, given name, patronymic), in Ukrainian (`ukrainian`) or Russian
/// forms, female forms for women. For later extensions (exchanges, DNA) that need the names of
/// the world's persons without reading its files.
pub fn name_parts(p: &Person, ukrainian: bool) -> (String, String, String) {
    let t = data::Tables::get();
    let form = if ukrainian { 0 } else { 2 } + usize::from(p.female());
    let g = &t.given[usize::from(p.given)];
    (
        t.surnames[p.surname as usize].forms[form].clone(),
        if ukrainian { g.uk.clone() } else { g.ru.clone() },
        t.given[usize::from(p.father)].patr[form].clone(),
    )
}

/// A person's region in Ukrainian, Russian or English.
pub fn region_name(p: &Person, lang: Lang) -> &'static str {
    let r = &data::Tables::get().regions[usize::from(p.region)];
    match lang {
        Lang::Uk => &r.uk,
        Lang::Ru => &r.ru,
        Lang::En => &r.en,
    }
}

/// `truth.csv`: exactly `source,source_record_id,person_id`, one row per record of every source,
/// sources in manifest order, records in file order.
pub fn truth_csv(truth: &[TruthRow], persons: &[Person]) -> String {
    let mut s = String::with_capacity(truth.len() * 32 + 40);
    s.push_str("source,source_record_id,person_id\n");
    for r in truth {
        s.push_str(r.source);
        s.push(',');
        s.push_str(&r.source_record_id);
        s.push_str(",P");
        s.push_str(&persons[r.person as usize].id.to_string());
        s.push('\n');
    }
    s
}

/// `persons.csv`: the true persons in their own language's forms, with their history
/// (`status@date/known;...`) and how many sources list them.
fn persons_csv(t: &data::Tables, persons: &[Person], listed: &[u16]) -> String {
    let mut s = String::with_capacity(persons.len() * 200);
    s.push_str(
        "person_id,side,sex,surname,given_name,patronymic,birth_date,region,settlement,unit,rank,category,\
         status,event_date,history,sources\n",
    );
    for (p, &k) in persons.iter().zip(listed) {
        let uk = p.side == Side::Ua;
        let f = usize::from(p.female());
        let form = if uk { 0 } else { 2 } + f;
        let g = &t.given[usize::from(p.given)];
        let region = &t.regions[usize::from(p.region)];
        let settlement = &region.settlements[usize::from(p.settlement)];
        let last = p.last();
        let push = |s: &mut String, c: &str, first: bool| {
            if !first {
                s.push(',');
            }
            if c.contains(',') || c.contains('"') {
                s.push('"');
                s.push_str(&c.replace('"', "\"\""));
                s.push('"');
            } else {
                s.push_str(c);
            }
        };
        push(&mut s, "P", true);
        s.push_str(&p.id.to_string());
        push(&mut s, p.side.as_str(), false);
        push(&mut s, p.sex.as_str(), false);
        push(&mut s, &t.surnames[p.surname as usize].forms[form], false);
        push(&mut s, if uk { &g.uk } else { &g.ru }, false);
        push(&mut s, &t.given[usize::from(p.father)].patr[form], false);
        push(&mut s, &p.birth.to_string(), false);
        push(&mut s, if uk { &region.uk } else { &region.ru }, false);
        push(&mut s, if uk { &settlement.0 } else { &settlement.1 }, false);
        push(&mut s, UNITS[p.side as usize][usize::from(p.unit)].2, false);
        push(&mut s, RANKS[usize::from(p.rank)].2, false);
        push(&mut s, SERVICES[p.side as usize][usize::from(p.service)].2, false);
        push(&mut s, last.status.as_str(), false);
        push(&mut s, &p.first().date.to_string(), false);
        s.push(',');
        for (i, e) in p.events.iter().enumerate() {
            if i > 0 {
                s.push(';');
            }
            s.push_str(e.status.as_str());
            s.push('@');
            s.push_str(&e.date.to_string());
            s.push('/');
            s.push_str(&e.known.to_string());
        }
        s.push(',');
        s.push_str(&k.to_string());
        s.push('\n');
    }
    s
}
