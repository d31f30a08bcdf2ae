//! Signed-note parser and verifier: never panics; whatever parses re-encodes to the same bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tally_ledger::note::{Note, NoteKey, Verifier};

fuzz_target!(|data: &[u8]| {
    if let Ok(n) = Note::parse(data) {
        assert_eq!(n.encode().as_bytes(), data, "parse/encode round trip");
        let k = NoteKey::from_seed("fuzz.tally/key", [3; 32]).unwrap();
        let v = Verifier::parse(&k.vkey()).unwrap();
        let _ = n.verify(&[v]);
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = Verifier::parse(s);
        let _ = NoteKey::parse_skey(s);
    }
});
