//! Keys, notes, checkpoints, witnesses, tlog-proof bundles and manifests: round trips and the
//! failures that matter.

use tally_ledger::checkpoint::{append_signature_lines, open_checkpoint, witness_cosign, Checkpoint, WitnessState};
use tally_ledger::manifest::{verify_row, Manifest};
use tally_ledger::merkle::MemoryTree;
use tally_ledger::note::{sign_note, Note, NoteKey, Verifier};
use tally_ledger::proof::TlogProof;

fn key(name: &str, b: u8) -> NoteKey {
    NoteKey::from_seed(name, [b; 32]).unwrap()
}

#[test]
fn keys_round_trip_and_reject_garbage() {
    let k = key("tally.test/log", 1);
    assert_eq!(NoteKey::parse_skey(&k.skey()).unwrap().vkey(), k.vkey());
    assert_eq!(Verifier::parse(&k.vkey()).unwrap().vkey(), k.vkey());
    assert!(Verifier::parse(&k.cosignature_vkey()).unwrap().is_cosignature());
    assert!(!format!("{k:?}").contains(&k.skey()[20..]), "debug output must not leak the secret");
    for bad in ["", "name", "name+1234abcd", "name+zz+AQ==", "a b+00000000+AQ=="] {
        assert!(Verifier::parse(bad).is_err(), "{bad:?}");
    }
    // Wrong key id.
    let v = k.vkey();
    let (name, rest) = v.split_once('+').unwrap();
    let bad = format!("{name}+00000000{}", &rest[8..]);
    assert!(Verifier::parse(&bad).is_err());
    assert!(NoteKey::from_seed("has space", [0; 32]).is_err());
    assert!(NoteKey::from_seed("has+plus", [0; 32]).is_err());
}

#[test]
fn notes_reject_malformed() {
    let k = key("signer", 2);
    let n = sign_note("hello\nworld\n", &[&k]).unwrap();
    assert!(Note::parse(n.as_bytes()).is_ok());
    assert!(sign_note("no newline", &[&k]).is_err());
    assert!(sign_note("tab\there\n", &[&k]).is_err());
    for bad in [
        "hello\n",                          // no signature block
        "hello\n\n",                        // empty signature block
        "hello\n\n— signer AAAA\n",         // signature too short
        "hello\n\n- signer AAAAAAAAAAAA\n", // hyphen, not em dash
    ] {
        assert!(Note::parse(bad.as_bytes()).is_err(), "{bad:?}");
    }
    // Changing the text breaks the signature.
    let tampered = n.replace("world", "World");
    let vk = Verifier::parse(&k.vkey()).unwrap();
    assert!(Note::parse(tampered.as_bytes()).unwrap().verify(&[vk]).is_err());
}

#[test]
fn checkpoint_parse_is_strict() {
    let t = MemoryTree::from_leaves([&b"a"[..], b"b"]);
    let cp = Checkpoint::new("tally.test/log", 2, t.root());
    assert_eq!(Checkpoint::parse(&cp.text()).unwrap(), cp);
    let mut ext = cp.clone();
    ext.extensions.push("ext line".into());
    assert_eq!(Checkpoint::parse(&ext.text()).unwrap(), ext);
    for bad in [
        cp.text().replace("\n2\n", "\n02\n"),
        cp.text().replace("\n2\n", "\n-2\n"),
        cp.text().replace("\n2\n", "\n\n"),
        "tally.test/log\n2\nAAAA\n".to_string(),
        "\n2\n".to_string(),
        cp.text().trim_end().to_string(),
    ] {
        assert!(Checkpoint::parse(&bad).is_err(), "{bad:?}");
    }
}

#[test]
fn witness_checks_consistency_with_what_it_cosigned() {
    let log = key("tally.test/log", 3);
    let w = key("tally.test/witness", 4);
    let lv = Verifier::parse(&log.vkey()).unwrap();
    let mut t = MemoryTree::new();
    for i in 0..10u32 {
        t.push(&i.to_be_bytes());
    }
    let n10 = Checkpoint::new(log.name(), 10, t.root()).sign(&log).unwrap();
    let first = witness_cosign(&w, &lv, None, &n10, &[], 100).unwrap();
    let state = WitnessState { size: 10, root: t.root() };
    for i in 10..25u32 {
        t.push(&i.to_be_bytes());
    }
    let n25 = Checkpoint::new(log.name(), 25, t.root()).sign(&log).unwrap();
    let proof = t.consistency_proof(10, 25).unwrap();
    let line = witness_cosign(&w, &lv, Some(state), &n25, &proof, 200).unwrap();
    let cosigned = append_signature_lines(&n25, &[line.clone(), line]).unwrap();
    let wv = Verifier::parse(&w.cosignature_vkey()).unwrap();
    let opened = open_checkpoint(&cosigned, &lv, &[wv]).unwrap();
    assert_eq!(opened.cosigners, vec![("tally.test/witness".to_string(), 200)]);
    assert_eq!(Note::parse(cosigned.as_bytes()).unwrap().signatures.len(), 2, "duplicate line added once");
    assert!(first.starts_with("— tally.test/witness "));
    // A fork: a different tree of 25 leaves is refused.
    let mut fork = MemoryTree::new();
    for i in 0..25u32 {
        fork.push(&(i + 1).to_be_bytes());
    }
    let forked = Checkpoint::new(log.name(), 25, fork.root()).sign(&log).unwrap();
    assert!(witness_cosign(&w, &lv, Some(state), &forked, &proof, 300).is_err());
    // A rollback to a smaller tree is refused.
    let state25 = WitnessState { size: 25, root: t.root() };
    assert!(witness_cosign(&w, &lv, Some(state25), &n10, &[], 300).is_err());
    // A checkpoint not signed by the log is refused.
    let other = key("tally.test/log", 5);
    let unsigned = Checkpoint::new(log.name(), 25, t.root()).sign(&other).unwrap();
    assert!(witness_cosign(&w, &lv, Some(state), &unsigned, &proof, 300).is_err());
}

#[test]
fn tlog_proof_round_trip_and_rejects() {
    let log = key("tally.test/log", 6);
    let lv = Verifier::parse(&log.vkey()).unwrap();
    let entries: Vec<Vec<u8>> = (0..37u32).map(|i| format!("entry {i}\n").into_bytes()).collect();
    let t = MemoryTree::from_leaves(entries.iter().map(Vec::as_slice));
    let note = Checkpoint::new(log.name(), t.size(), t.root()).sign(&log).unwrap();
    let p = TlogProof {
        extra: Some(b"app data".to_vec()),
        index: 20,
        proof: t.inclusion_proof(20).unwrap(),
        checkpoint: note,
    };
    let text = p.encode();
    let q = TlogProof::parse(&text).unwrap();
    assert_eq!(q, p);
    q.verify(&entries[20], &lv, &[]).unwrap();
    assert!(q.verify(&entries[21], &lv, &[]).is_err());
    let other = Verifier::parse(&key("tally.test/log", 7).vkey()).unwrap();
    assert!(q.verify(&entries[20], &other, &[]).is_err());
    for bad in [
        text.replace("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2"),
        text.replace("index 20", "index 020"),
        text.replace("index 20", "index x"),
        text.replacen("\n\n", "\n", 1),
    ] {
        assert!(
            TlogProof::parse(&bad).is_err() || TlogProof::parse(&bad).unwrap().verify(&entries[20], &lv, &[]).is_err()
        );
    }
    let wrong_index = text.replace("index 20", "index 21");
    assert!(TlogProof::parse(&wrong_index).unwrap().verify(&entries[20], &lv, &[]).is_err());
}

#[test]
fn manifest_discloses_one_row() {
    let rows: Vec<([u8; 32], Vec<u8>)> =
        (0..9u8).map(|i| ([i; 32], format!("{{\"tag\":\"T-{i}\"}}").into_bytes())).collect();
    let m = Manifest::build(rows.iter().map(|(s, r)| (s, r.as_slice())));
    let root = m.root();
    let p = m.row_proof(4).unwrap();
    verify_row(root, 9, 4, &rows[4].0, &rows[4].1, &p).unwrap();
    // Without the right salt, a guessed row does not verify.
    assert!(verify_row(root, 9, 4, &[0; 32], &rows[4].1, &p).is_err());
    assert!(verify_row(root, 9, 4, &rows[4].0, b"{\"tag\":\"T-5\"}", &p).is_err());
    assert!(verify_row(root, 9, 5, &rows[4].0, &rows[4].1, &p).is_err());
}
