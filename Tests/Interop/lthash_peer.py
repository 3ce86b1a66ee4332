#!/usr/bin/env python3
"""A reference LtHash16 for Tally's dataset hash: a test peer, never part of the product.

Written from the paper (Lewi, Kim, Maykov, Weis, "Securing Update Propagation with Homomorphic
Hashing", ePrint 2019/227: LtHash_{n,d} with n = 1024 lanes of d = 16 bits, elements added lane by
lane modulo 2^d) and the construction in Proto/PROTOCOL.md ("Dataset version and digest"). It shares
no code with the Swift implementation (Sources/TallyCodec/Snapshot/DatasetHash*.swift): SHA-256
comes from Python's hashlib, AES from the `cryptography` package (OpenSSL), the lane arithmetic is
plain integers.

The `lthash` package from PyPI (pinned in requirements.txt) uses another expansion (keyed BLAKE2b,
which swift-crypto lacks), so its hashes cannot be compared with Tally's; its lane arithmetic
(`add16`/`sub16`: little-endian 16-bit lanes modulo 2^16) is the same, and `replay` checks every
state against it as a third, independent opinion on that part.

  lthash_peer.py replay OPS.json     apply {"ops": [["add"|"remove", HEX], ...]} from empty; print
                                     {"checksums": [after each op], "state_hex", "checksum_hex",
                                      "lthash_package": "agrees" | "not installed"}
  lthash_peer.py vectors OUT.json    write the committed vectors (Proto/vectors/lthash16.json)

Exit status 0 on success; 1 with a message on stderr when the lthash package disagrees; 2 on a
usage error.
"""
import hashlib
import json
import os
import struct
import sys

LANES = 1024
STATE_BYTES = 2 * LANES
ELEMENT_TAG = b"tally-lthash16-v2-element"
CHECKSUM_TAG = b"tally-lthash16-v2-checksum"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def key(element: bytes) -> bytes:
    return hashlib.sha256(ELEMENT_TAG + element).digest()


def aes256_ctr_keystream(key_bytes: bytes, length: int) -> bytes:
    """AES-256 in counter mode from a counter block of 16 zero bytes (the block is incremented as
    one 128-bit big-endian integer, NIST SP 800-38A): the keystream is the encryption of zeros."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    encryptor = Cipher(algorithms.AES(key_bytes), modes.CTR(bytes(16))).encryptor()
    return encryptor.update(bytes(length)) + encryptor.finalize()


def expansion(element: bytes) -> bytes:
    """The element's lanes as 2,048 bytes (1,024 little-endian UInt16)."""
    return aes256_ctr_keystream(key(element), STATE_BYTES)


def lanes_of(state_bytes: bytes) -> list:
    return list(struct.unpack("<%dH" % LANES, state_bytes))


def bytes_of(lanes: list) -> bytes:
    return struct.pack("<%dH" % LANES, *lanes)


class LtHash16:
    """A multiset of byte strings as 1,024 lanes modulo 2^16."""

    def __init__(self, state: bytes = bytes(STATE_BYTES)):
        assert len(state) == STATE_BYTES
        self.lanes = lanes_of(state)

    def add(self, element: bytes):
        for i, v in enumerate(lanes_of(expansion(element))):
            self.lanes[i] = (self.lanes[i] + v) % 65536

    def remove(self, element: bytes):
        for i, v in enumerate(lanes_of(expansion(element))):
            self.lanes[i] = (self.lanes[i] - v) % 65536

    def state(self) -> bytes:
        return bytes_of(self.lanes)

    def checksum(self) -> bytes:
        return hashlib.sha256(CHECKSUM_TAG + self.state()).digest()


def replay(ops):
    """Applies ops from empty; cross-checks the lane arithmetic against the lthash package."""
    try:
        from lthash.core import add16, sub16
    except ImportError:
        add16 = sub16 = None
    h = LtHash16()
    other = bytearray(STATE_BYTES)
    checksums = []
    for op, element_hex in ops:
        element = bytes.fromhex(element_hex)
        if op == "add":
            h.add(element)
            if add16:
                add16(other, expansion(element))
        elif op == "remove":
            h.remove(element)
            if sub16:
                sub16(other, expansion(element))
        else:
            raise ValueError(f"unknown op {op!r}")
        checksums.append(h.checksum().hex())
    if add16 and bytes(other) != h.state():
        sys.exit("the lthash package's add16/sub16 disagree with this peer's lane arithmetic")
    return {
        "checksums": checksums,
        "state_hex": h.state().hex(),
        "checksum_hex": h.checksum().hex(),
        "lthash_package": "agrees" if add16 else "not installed",
    }


def golden_figures():
    """Figure encodings made by Google's protobuf from hand-written text (make vectors), not by Tally."""
    names = ["figure.bin", "unknown-enum-figure.bin"]
    return names, [open(os.path.join(ROOT, "Proto", "vectors", n), "rb").read() for n in names]


def vector_sets():
    """Named op sequences covering the cases an implementation can get wrong."""
    abc, empty, big = b"abc".hex(), b"".hex(), bytes(range(256)).hex() * 2
    names, figures = golden_figures()
    return [
        ("one element 'abc'", [["add", abc]]),
        ("the empty element", [["add", empty]]),
        ("order does not matter (a)", [["add", abc], ["add", big], ["add", empty]]),
        ("order does not matter (b)", [["add", empty], ["add", abc], ["add", big]]),
        ("add then remove is empty", [["add", abc], ["add", big], ["remove", abc], ["remove", big]]),
        ("a multiset counts repeats", [["add", abc], ["add", abc], ["add", abc]]),
        ("removing from empty wraps below zero", [["remove", abc]]),
        ("the golden figures " + ", ".join(names), [["add", f.hex()] for f in figures]),
    ]


def write_vectors(path):
    empty = LtHash16()
    sets = []
    for name, ops in vector_sets():
        result = replay(ops)
        sets.append({"name": name, "ops": ops, "state_hex": result["state_hex"], "checksum_hex": result["checksum_hex"]})
    document = {
        "construction": "tally-lthash16-v1, Proto/PROTOCOL.md \"Dataset version and digest\"",
        "generated_by": "Tests/Interop/lthash_peer.py vectors Proto/vectors/lthash16.json (make vectors)",
        "empty": {"state_hex": empty.state().hex(), "checksum_hex": empty.checksum().hex()},
        "expansions": [
            {"element_hex": e.hex(), "key_hex": key(e).hex(), "lanes_hex": expansion(e).hex()}
            for e in [b"", b"abc"]
        ],
        "sets": sets,
    }
    with open(path, "w") as out:
        json.dump(document, out, indent=1)
        out.write("\n")


def main(argv):
    if len(argv) == 3 and argv[1] == "replay":
        with open(argv[2]) as f:
            print(json.dumps(replay(json.load(f)["ops"])))
    elif len(argv) == 3 and argv[1] == "vectors":
        write_vectors(argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
