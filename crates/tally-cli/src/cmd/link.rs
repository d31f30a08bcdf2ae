use super::Global;

#[derive(clap::Args, Debug)]
pub struct LinkArgs {}
#[derive(clap::Args, Debug)]
pub struct ReviewArgs {}

pub fn link(_a: LinkArgs, _g: &Global) -> anyhow::Result<()> {
    anyhow::bail!("link is being built")
}
pub fn review(_a: ReviewArgs, _g: &Global) -> anyhow::Result<()> {
    anyhow::bail!("review is being built")
}
