use super::Global;

#[derive(clap::Args, Debug)]
pub struct ImportArgs {}
#[derive(clap::Args, Debug)]
pub struct ExportArgs {}
#[derive(clap::Args, Debug)]
pub struct RejectsArgs {}
#[derive(clap::Args, Debug)]
pub struct SourcesArgs {}

pub fn import(_a: ImportArgs, _g: &Global) -> anyhow::Result<()> {
    anyhow::bail!("import is being built")
}
pub fn export(_a: ExportArgs, _g: &Global) -> anyhow::Result<()> {
    anyhow::bail!("export is being built")
}
pub fn rejects(_a: RejectsArgs, _g: &Global) -> anyhow::Result<()> {
    anyhow::bail!("rejects is being built")
}
pub fn sources(_a: SourcesArgs, _g: &Global) -> anyhow::Result<()> {
    anyhow::bail!("sources is being built")
}
