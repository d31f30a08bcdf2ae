use super::Global;

#[derive(clap::Args, Debug)]
pub struct SynthArgs {}
#[derive(clap::Args, Debug)]
pub struct DemoArgs {}

pub fn synth(_a: SynthArgs, _g: &Global) -> anyhow::Result<()> {
    anyhow::bail!("synth is being built")
}
pub fn demo(_a: DemoArgs, _g: &Global) -> anyhow::Result<()> {
    anyhow::bail!("demo is being built")
}
