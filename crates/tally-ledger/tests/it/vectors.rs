//! Every vector in test_data/ledger/vectors.json (RFC 6962/9162 Merkle vectors from
//! transparency-dev/merkle, C2SP signed-note example, Go sumdb/note TestSign/TestOpen, and
//! C2SP checkpoint/cosignature/tlog-proof vectors), positive and negative.

use serde_json::Value;
use tally_ledger::checkpoint::{open_checkpoint, Checkpoint};
use tally_ledger::merkle::{
    leaf_hash, verify_consistency, verify_inclusion, Hash, MemoryTree, RootBuilder, EMPTY_HASH,
};
use tally_ledger::note::{cosignature_line, cosignature_message, sign_note, Note, NoteKey, Verifier};
use tally_ledger::proof::TlogProof;
use tally_ledger::LedgerError;

fn vectors() -> Value {
    let p = concat!(env!("CARGO_MANIFEST_DIR"), "/../../test_data/ledger/vectors.json");
    serde_json::from_str(&std::fs::read_to_string(p).expect("read vectors.json")).expect("parse vectors.json")
}

fn h(v: &Value) -> Hash {
    Hash(hex::decode(v.as_str().unwrap()).unwrap().try_into().unwrap())
}

/// A hash as the verifier's caller would decode it: anything but 32 bytes is refused before any
/// proof is checked (several negative vectors use such values).
fn try_h(v: &Value) -> Option<Hash> {
    hex::decode(v.as_str()?).ok()?.try_into().ok().map(Hash)
}

fn try_hashes(v: &Value) -> Option<Vec<Hash>> {
    v.as_array()?.iter().map(try_h).collect()
}

fn hashes(v: &Value) -> Vec<Hash> {
    v.as_array().unwrap().iter().map(h).collect()
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap()
}

fn leaves(v: &Value) -> Vec<Vec<u8>> {
    v["merkle_tree"]["leaves_hex"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| hex::decode(l.as_str().unwrap()).unwrap())
        .collect()
}

#[test]
fn primitives() {
    let v = vectors();
    let p = &v["rfc6962_primitives"];
    assert_eq!(EMPTY_HASH, h(&p["empty_tree_root"]));
    assert_eq!(leaf_hash(b""), h(&p["leaf_hash_of_empty_leaf"]));
    assert_eq!(leaf_hash(b"L123456"), h(&p["leaf_hash_of_ascii_L123456"]));
}

#[test]
fn leaf_hashes_and_roots_by_size() {
    let v = vectors();
    let ls = leaves(&v);
    let want = hashes(&v["merkle_tree"]["leaf_hashes"]);
    for (l, w) in ls.iter().zip(&want) {
        assert_eq!(leaf_hash(l), *w);
    }
    let roots = v["merkle_tree"]["roots_by_size"].as_object().unwrap();
    assert_eq!(roots.len(), 9);
    for (size, root) in roots {
        let size: usize = size.parse().unwrap();
        let t = MemoryTree::from_leaves(ls[..size].iter().map(Vec::as_slice));
        assert_eq!(t.root(), h(root), "root of size {size}");
        let mut rb = RootBuilder::new();
        for l in &ls[..size] {
            rb.push(leaf_hash(l));
        }
        assert_eq!(rb.root(), h(root), "streaming root of size {size}");
    }
}

#[test]
fn inclusion_proofs_positive() {
    let v = vectors();
    let ls = leaves(&v);
    let cases = v["inclusion_proofs"].as_array().unwrap();
    assert_eq!(cases.len(), 36);
    for c in cases {
        let (i, n) = (u(&c["leaf_index"]), u(&c["tree_size"]));
        let proof = hashes(&c["proof"]);
        verify_inclusion(&proof, n, h(&c["root"]), i, h(&c["leaf_hash"])).unwrap_or_else(|e| panic!("{i}/{n}: {e}"));
        let t = MemoryTree::from_leaves(ls[..n as usize].iter().map(Vec::as_slice));
        assert_eq!(t.inclusion_proof(i).unwrap(), proof, "generated proof {i}/{n}");
    }
}

#[test]
fn consistency_proofs_positive() {
    let v = vectors();
    let ls = leaves(&v);
    let cases = v["consistency_proofs"].as_array().unwrap();
    assert_eq!(cases.len(), 28);
    for c in cases {
        let (m, n) = (u(&c["size1"]), u(&c["size2"]));
        let proof = hashes(&c["proof"]);
        verify_consistency(&proof, m, h(&c["root1"]), n, h(&c["root2"])).unwrap_or_else(|e| panic!("{m}->{n}: {e}"));
        let t = MemoryTree::from_leaves(ls[..n as usize].iter().map(Vec::as_slice));
        assert_eq!(t.consistency_proof(m, n).unwrap(), proof, "generated proof {m}->{n}");
    }
}

#[test]
fn inclusion_proofs_negative() {
    let v = vectors();
    let cases = v["negative_inclusion"].as_array().unwrap();
    assert_eq!(cases.len(), 81);
    for c in cases {
        assert!(c["want_err"].as_bool().unwrap());
        let (Some(proof), Some(root), Some(leaf)) =
            (try_hashes(&c["proof"]), try_h(&c["root"]), try_h(&c["leaf_hash"]))
        else {
            continue; // refused at decoding: not a 32-byte hash
        };
        let r = verify_inclusion(&proof, u(&c["tree_size"]), root, u(&c["leaf_index"]), leaf);
        assert!(r.is_err(), "{} {:?} must fail", c["desc"], c["base"]);
    }
}

#[test]
fn consistency_proofs_negative_and_edges() {
    let v = vectors();
    let neg = v["negative_consistency"].as_array().unwrap();
    assert_eq!(neg.len(), 70);
    let edges = v["consistency_edge_cases"].as_array().unwrap();
    for c in neg.iter().chain(edges) {
        let (Some(proof), Some(r1), Some(r2)) = (try_hashes(&c["proof"]), try_h(&c["root1"]), try_h(&c["root2"]))
        else {
            assert!(c["want_err"].as_bool().unwrap(), "{}: undecodable input must be a negative case", c["desc"]);
            continue;
        };
        let r = verify_consistency(&proof, u(&c["size1"]), r1, u(&c["size2"]), r2);
        assert_eq!(r.is_err(), c["want_err"].as_bool().unwrap(), "{} {:?}", c["desc"], c["base"]);
    }
}

#[test]
fn c2sp_signed_note_example() {
    let v = vectors();
    let c = &v["signed_notes"]["c2sp_signed_note_example"];
    let vk = Verifier::parse(c["vkey"].as_str().unwrap()).unwrap();
    assert_eq!(vk.name(), c["key_name"].as_str().unwrap());
    assert_eq!(format!("{:08x}", vk.key_id()), c["key_id_hex"].as_str().unwrap());
    assert_eq!(hex::encode(vk.public_key()), c["public_key_hex"].as_str().unwrap());
    assert_eq!(vk.vkey(), c["vkey"].as_str().unwrap());
    let note = Note::parse(c["note"].as_str().unwrap().as_bytes()).unwrap();
    assert_eq!(note.text, c["signed_text"].as_str().unwrap());
    assert_eq!(note.encode(), c["note"].as_str().unwrap());
    assert_eq!(note.verify(&[vk]).unwrap(), vec!["example.com/foo".to_string()]);
}

#[test]
fn go_sumdb_note_two_signers() {
    let v = vectors();
    let c = &v["signed_notes"]["go_sumdb_note_two_signers"];
    let key = NoteKey::parse_skey(c["signer_skey_PeterNeumann"].as_str().unwrap()).unwrap();
    let seed: [u8; 32] = hex::decode(c["ed25519_seed_hex"].as_str().unwrap()).unwrap().try_into().unwrap();
    assert_eq!(key.skey(), NoteKey::from_seed("PeterNeumann", seed).unwrap().skey());
    assert_eq!(key.skey(), c["signer_skey_PeterNeumann"].as_str().unwrap());
    let vkeys: Vec<Verifier> =
        c["vkeys"].as_array().unwrap().iter().map(|k| Verifier::parse(k.as_str().unwrap()).unwrap()).collect();
    assert_eq!(key.vkey(), vkeys[0].vkey());
    // Ed25519 is deterministic: signing the text reproduces Go's note byte for byte.
    let text = c["text"].as_str().unwrap();
    assert_eq!(sign_note(text, &[&key]).unwrap(), c["note_peter_only"].as_str().unwrap());
    let two = Note::parse(c["note_two_signatures"].as_str().unwrap().as_bytes()).unwrap();
    assert_eq!(two.verify(&vkeys).unwrap(), vec!["PeterNeumann".to_string(), "EnochRoot".to_string()]);
    // With only Peter trusted, Enoch's signature is ignored, not an error.
    assert_eq!(two.verify(&vkeys[..1]).unwrap(), vec!["PeterNeumann".to_string()]);
    // Only Enoch's key known and ... no trusted signature when neither is known.
    let other = NoteKey::from_seed("Nobody", [9; 32]).unwrap();
    assert_eq!(two.verify(&[Verifier::parse(&other.vkey()).unwrap()]), Err(LedgerError::NoTrustedSignature));
    let bad = Note::parse(c["negative"]["note"].as_str().unwrap().as_bytes()).unwrap();
    assert_eq!(bad.verify(&vkeys), Err(LedgerError::BadSignature("PeterNeumann+c74f20a3".into())));
}

#[test]
fn checkpoint_with_cosignature() {
    let v = vectors();
    let c = &v["signed_notes"]["checkpoint_with_cosignature_selfgenerated"];
    let log = NoteKey::parse_skey(c["log_skey"].as_str().unwrap()).unwrap();
    let witness = NoteKey::parse_skey(c["witness_skey"].as_str().unwrap()).unwrap();
    assert_eq!(log.vkey(), c["log_vkey"].as_str().unwrap());
    assert_eq!(witness.cosignature_vkey(), c["witness_vkey_cosig_v1"].as_str().unwrap());
    let roots = &v["merkle_tree"]["roots_by_size"];
    let cp = Checkpoint::new("Log", 8, h(&roots["8"]));
    assert_eq!(cp.text(), c["checkpoint_body"].as_str().unwrap());
    assert_eq!(Checkpoint::parse(&cp.text()).unwrap(), cp);
    let t = u(&c["cosignature_timestamp"]);
    assert_eq!(
        String::from_utf8(cosignature_message(t, cp.text().as_bytes())).unwrap(),
        c["cosignature_signed_message"].as_str().unwrap()
    );
    let note = cp.sign(&log).unwrap() + &cosignature_line(&witness, t, &cp.text()).unwrap();
    assert_eq!(note, c["checkpoint_note"].as_str().unwrap());
    let lv = Verifier::parse(&log.vkey()).unwrap();
    let wv = Verifier::parse(&witness.cosignature_vkey()).unwrap();
    let opened = open_checkpoint(&note, &lv, std::slice::from_ref(&wv)).unwrap();
    assert_eq!(opened.cosigners, vec![("KnownAgain".to_string(), t)]);
    // A witness key with type 0x01 does not check a cosignature (key IDs differ).
    let wrong = Verifier::parse(&witness.vkey()).unwrap();
    assert!(open_checkpoint(&note, &lv, &[wrong]).unwrap().cosigners.is_empty());
    // A cosignature over a changed timestamp fails.
    let mut tampered = Note::parse(note.as_bytes()).unwrap();
    tampered.signatures[1].signature[7] ^= 1;
    assert!(open_checkpoint(&tampered.encode(), &lv, &[wv]).is_err());

    // The tlog-proof for leaf 5.
    let text = c["tlog_proof_for_leaf_5"].as_str().unwrap();
    let p = TlogProof::parse(text).unwrap();
    assert_eq!(p.index, 5);
    assert_eq!(p.encode(), text);
    let ls = leaves(&v);
    let tree = MemoryTree::from_leaves(ls.iter().map(Vec::as_slice));
    assert_eq!(p.proof, tree.inclusion_proof(5).unwrap());
    let wv = Verifier::parse(&witness.cosignature_vkey()).unwrap();
    let ok = p.verify(&ls[5], &lv, std::slice::from_ref(&wv)).unwrap();
    assert_eq!(ok.cosigners.len(), 1);
    assert!(p.verify(&ls[4], &lv, &[wv]).is_err());
    let rebuilt = TlogProof { extra: None, index: 5, proof: tree.inclusion_proof(5).unwrap(), checkpoint: note };
    assert_eq!(rebuilt.encode(), text);
}

#[test]
fn three_party_handover_note() {
    use sha2::{Digest, Sha256};
    let v = vectors();
    let c = &v["signed_notes"]["three_party_handover_note_selfgenerated"];
    let vkeys: Vec<Verifier> =
        c["vkeys"].as_array().unwrap().iter().map(|k| Verifier::parse(k.as_str().unwrap()).unwrap()).collect();
    // Seeds as the vector documents: SHA-256("exchange-ledger TEST ONLY seed " || key name).
    let keys: Vec<NoteKey> = vkeys
        .iter()
        .map(|vk| {
            let seed: [u8; 32] = Sha256::digest(format!("exchange-ledger TEST ONLY seed {}", vk.name())).into();
            NoteKey::from_seed(vk.name(), seed).unwrap()
        })
        .collect();
    for (k, vk) in keys.iter().zip(&vkeys) {
        assert_eq!(k.vkey(), vk.vkey());
    }
    let text = c["text"].as_str().unwrap();
    let refs: Vec<&NoteKey> = keys.iter().collect();
    assert_eq!(sign_note(text, &refs).unwrap(), c["note"].as_str().unwrap());
    let note = Note::parse(c["note"].as_str().unwrap().as_bytes()).unwrap();
    assert_eq!(note.verify(&vkeys).unwrap().len(), 3);
    for drop in 0..3 {
        let mut n = note.clone();
        n.signatures.remove(drop);
        assert_eq!(n.verify(&vkeys).unwrap().len(), 2);
    }
}
