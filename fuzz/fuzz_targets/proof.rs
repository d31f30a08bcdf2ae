//! tlog-proof parser and verifier, and the raw inclusion/consistency checkers: never panic on any
//! input; a parsed proof re-encodes to the same text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tally_ledger::merkle::{verify_consistency, verify_inclusion, Hash};
use tally_ledger::note::{NoteKey, Verifier};
use tally_ledger::proof::TlogProof;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(p) = TlogProof::parse(s) {
            assert_eq!(p.encode(), s, "parse/encode round trip");
            let k = NoteKey::from_seed("fuzz.tally/log", [5; 32]).unwrap();
            let _ = p.verify(b"entry", &Verifier::parse(&k.vkey()).unwrap(), &[]);
        }
    }
    // Raw proof checkers on arbitrary sizes, indexes and hashes.
    if data.len() >= 16 {
        let a = u64::from_le_bytes(data[..8].try_into().unwrap());
        let b = u64::from_le_bytes(data[8..16].try_into().unwrap());
        let hashes: Vec<Hash> = data[16..].chunks_exact(32).map(|c| Hash(c.try_into().unwrap())).collect();
        let (x, rest) = hashes.split_first().map(|(x, r)| (*x, r)).unwrap_or((Hash([0; 32]), &[]));
        let _ = verify_inclusion(rest, b, x, a, x);
        let _ = verify_consistency(rest, a, x, b, x);
    }
});
