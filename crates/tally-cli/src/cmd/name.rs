use super::Global;

#[derive(clap::Args, Debug)]
pub struct NameArgs {}

pub fn run(_a: NameArgs, _g: &Global) -> anyhow::Result<()> {
    anyhow::bail!("name is being built")
}
