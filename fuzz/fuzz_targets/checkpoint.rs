//! Checkpoint body parser and signed-checkpoint opener: never panic; a parsed checkpoint
//! re-encodes to the same text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tally_ledger::checkpoint::{open_checkpoint, Checkpoint};
use tally_ledger::note::{NoteKey, Verifier};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(c) = Checkpoint::parse(s) {
        assert_eq!(c.text(), s, "parse/encode round trip");
    }
    let k = NoteKey::from_seed("fuzz.tally/log", [4; 32]).unwrap();
    let log = Verifier::parse(&k.vkey()).unwrap();
    let w = Verifier::parse(&k.cosignature_vkey()).unwrap();
    let _ = open_checkpoint(s, &log, &[w]);
});
