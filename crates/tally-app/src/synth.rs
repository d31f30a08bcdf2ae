//! Use case: generate a synthetic world (`tally-synth`, pure) and write its files to a directory.

use std::path::{Path, PathBuf};

pub use tally_synth::{Config, Manifest, ManifestSource, Progress, Script, MAX_SOURCES};

#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error(transparent)]
    Generate(#[from] tally_synth::SynthError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// What was written.
#[derive(Debug, Clone)]
pub struct SynthSummary {
    pub out_dir: PathBuf,
    pub manifest: Manifest,
    /// (file name, size in bytes) in the order written: the sources, then truth.csv,
    /// persons.csv and manifest.json.
    pub files: Vec<(String, u64)>,
}

impl SynthSummary {
    /// Path of a file of the world.
    pub fn path(&self, name: &str) -> PathBuf {
        self.out_dir.join(name)
    }
}

/// Generate the world `cfg` describes and write it into `out_dir` (created if missing; files of
/// the same names are replaced). `progress` receives the generator's progress.
pub fn write_world(
    cfg: &Config,
    out_dir: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<SynthSummary, SynthError> {
    let world = tally_synth::generate(cfg, progress)?;
    let werr = |path: &Path, source| SynthError::Write { path: path.display().to_string(), source };
    std::fs::create_dir_all(out_dir).map_err(|e| werr(out_dir, e))?;
    let mut files = Vec::with_capacity(world.files.len());
    for f in &world.files {
        let p = out_dir.join(&f.name);
        std::fs::write(&p, &f.bytes).map_err(|e| werr(&p, e))?;
        files.push((f.name.clone(), f.bytes.len() as u64));
    }
    Ok(SynthSummary { out_dir: out_dir.to_path_buf(), manifest: world.manifest, files })
}
