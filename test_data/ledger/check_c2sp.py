#!/usr/bin/env python3
"""Independent check of `tally ledger` output against the C2SP specs, with no Tally code.

Needs only Python 3 and the `cryptography` package (pip install cryptography). Written from
c2sp.org/signed-note, tlog-checkpoint, tlog-cosignature, tlog-proof and RFC 9162 section 2.1.3.2
(inclusion) and 2.1.4.2 (consistency).

Usage (from a directory with a ledger database, e.g. after `tally --db demo.db ledger demo`):

    tally --db demo.db ledger key show                      > log.vkey
    tally --db demo.db ledger checkpoint                    > checkpoint.txt
    tally --db demo.db ledger prove --index 28              > entry.proof
    tally --db demo.db ledger leaf --index 28               > entry.b64
    tally --db demo.db ledger checkpoint --size 40          > old_checkpoint.txt
    tally --db demo.db ledger consistency --old 40 --new 91 > cons.txt
    tally --db demo.db ledger key show --party UA                 > ua.vkey   (the entry's signer)
    tally --db demo.db ledger key show --party UA --cosignature   (witness keys, for --witness)
    python3 check_c2sp.py log.vkey checkpoint.txt entry.proof entry.b64 [old_checkpoint.txt cons.txt] \
        [--signer ua.vkey] [--witness VKEY ...]

Exits 0 and prints what verified; exits 1 with the reason otherwise.
"""
import base64
import hashlib
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def parse_vkey(vkey):
    # Split on the first two '+' only: the base64 key may contain '+'.
    name, key_id, b64 = vkey.strip().split("+", 2)
    raw = base64.b64decode(b64, validate=True)
    if len(raw) != 33 or raw[0] not in (0x01, 0x04):
        fail("vkey %r: not an Ed25519 (0x01) or cosignature/v1 (0x04) key" % vkey)
    want = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if want.hex() != key_id:
        fail("vkey %r: key id does not match" % vkey)
    return name, bytes.fromhex(key_id), raw[0], Ed25519PublicKey.from_public_bytes(raw[1:])


def parse_note(text):
    if "\n\n" not in text:
        fail("note has no blank line before its signatures")
    body, sigs = text.rsplit("\n\n", 1)
    body += "\n"
    out = []
    for line in sigs.rstrip("\n").split("\n"):
        if not line.startswith("\u2014 "):
            fail("signature line %r does not start with an em dash" % line)
        name, b64 = line[2:].split(" ", 1)
        raw = base64.b64decode(b64, validate=True)
        out.append((name, raw[:4], raw[4:]))
    return body, out


def verify_note(text, keys):
    """Returns names whose signatures verified; fails on a bad signature by a known key."""
    body, sigs = parse_note(text)
    ok = []
    for name, kid, sig in sigs:
        for kname, kkid, alg, pub in keys:
            if kname != name or kkid != kid:
                continue
            if alg == 0x01:
                msg, s = body.encode(), sig
            else:
                ts = int.from_bytes(sig[:8], "big")
                msg, s = ("cosignature/v1\ntime %d\n" % ts).encode() + body.encode(), sig[8:]
            try:
                pub.verify(s, msg)
            except Exception:
                fail("invalid signature by known key %s" % name)
            ok.append(name)
    return body, ok


def leaf_hash(b):
    return hashlib.sha256(b"\x00" + b).digest()


def node(l, r):
    return hashlib.sha256(b"\x01" + l + r).digest()


def verify_inclusion(index, size, leaf, proof, root):
    # RFC 9162 section 2.1.3.2.
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(n1, n2, root1, root2, proof):
    # RFC 9162 section 2.1.4.2.
    if n1 == n2:
        return not proof and root1 == root2
    if n1 == 0 or n1 > n2 or not proof:
        return False
    if n1 & (n1 - 1) == 0:
        proof = [root1] + proof
    fn, sn = n1 - 1, n2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root1 and sr == root2


def parse_checkpoint(body):
    lines = body.split("\n")
    origin, size, root = lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True)
    if str(size) != lines[1] or len(root) != 32:
        fail("malformed checkpoint")
    return origin, size, root


def main(argv):
    witnesses = []
    signer = None
    if "--signer" in argv:
        i = argv.index("--signer")
        signer = open(argv[i + 1]).read().strip()
        argv = argv[:i] + argv[i + 2 :]
    if "--witness" in argv:
        i = argv.index("--witness")
        witnesses, argv = argv[i + 1 :], argv[:i]
    log_vkey_file, cp_file, proof_file, entry_file = argv[:4]
    log = parse_vkey(open(log_vkey_file).read())
    keys = [log] + [parse_vkey(w) for w in witnesses]

    body, ok = verify_note(open(cp_file, encoding="utf-8").read(), keys)
    if log[0] not in ok:
        fail("checkpoint not signed by the log key")
    origin, size, root = parse_checkpoint(body)
    if origin != log[0]:
        fail("checkpoint origin is not the log key name")
    print("checkpoint: %s size %d signed by %s" % (origin, size, ", ".join(ok)))

    text = open(proof_file, encoding="utf-8").read()
    head, cp = text.split("\n\n", 1)
    hl = head.split("\n")
    if hl[0] != "c2sp.org/tlog-proof@v1":
        fail("not a tlog-proof")
    if hl[1].startswith("extra "):
        hl = hl[:1] + hl[2:]
    index = int(hl[1][len("index ") :])
    proof = [base64.b64decode(h, validate=True) for h in hl[2:]]
    pbody, pok = verify_note(cp, keys)
    _, psize, proot = parse_checkpoint(pbody)
    entry = base64.b64decode(open(entry_file).read().strip(), validate=True)
    if not verify_inclusion(index, psize, leaf_hash(entry), proof, proot):
        fail("inclusion proof does not verify")
    if signer:
        _, eok = verify_note(entry.decode("utf-8"), [parse_vkey(signer)])
        if not eok:
            fail("entry is not signed by %s" % signer)
        print("entry: a signed note by %s; first line %r" % (", ".join(eok), entry.decode().split("\n")[0]))
    print("tlog-proof: entry %d included at size %d; checkpoint signed by %s" % (index, psize, ", ".join(pok)))

    if len(argv) >= 6:
        obody, _ = verify_note(open(argv[4], encoding="utf-8").read(), keys)
        _, osize, oroot = parse_checkpoint(obody)
        cons = [base64.b64decode(l, validate=True) for l in open(argv[5]).read().split()]
        if not verify_consistency(osize, size, oroot, root, cons):
            fail("consistency proof %d -> %d does not verify" % (osize, size))
        print("consistency: %d -> %d verifies" % (osize, size))
    print("OK")


if __name__ == "__main__":
    main(sys.argv[1:])
