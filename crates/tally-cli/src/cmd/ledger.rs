use super::Global;

#[derive(clap::Args, Debug)]
pub struct LedgerArgs {}

pub fn run(_a: LedgerArgs, _g: &Global) -> anyhow::Result<()> {
    anyhow::bail!("ledger is being built")
}
