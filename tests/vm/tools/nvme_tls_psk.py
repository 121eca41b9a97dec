#!/usr/bin/env python3
"""NVMe/TCP TLS PSKs, written from the NVMe TCP transport specification (3.6.1)
and RFC 8446 / RFC 5869, independently of nvmetctl's C++ code, so the tests
can check what nvmetctl puts into the .nvme keyring.

  nvme_tls_psk.py interchange HASH KEYHEX    -> NVMeTLSkey-1:HH:<base64>:
  nvme_tls_psk.py derive KEYFILE HOSTNQN SUBNQN -> "<identity> <tls psk hex>"
"""
import base64
import hashlib
import hmac
import struct
import sys
import zlib

HASHES = {1: hashlib.sha256, 2: hashlib.sha384}


def hkdf_expand_label(hash_fn, ikm, label, context, length):
    prk = hmac.new(b"\0" * hash_fn().digest_size, ikm, hash_fn).digest()  # extract, no salt
    full = b"tls13 " + label
    info = struct.pack(">H", length) + bytes([len(full)]) + full + bytes([len(context)]) + context
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hash_fn).digest()
        out += block
        counter += 1
    return out[:length]


def interchange(hash_id, key):
    crc = struct.pack("<I", zlib.crc32(key) & 0xFFFFFFFF)
    return "NVMeTLSkey-1:%02x:%s:" % (hash_id, base64.b64encode(key + crc).decode())


def parse(text):
    prefix, hash_text, body, _ = text.strip().split(":")
    assert prefix == "NVMeTLSkey-1", prefix
    raw = base64.b64decode(body)
    key, crc = raw[:-4], raw[-4:]
    assert struct.pack("<I", zlib.crc32(key) & 0xFFFFFFFF) == crc, "crc"
    return int(hash_text, 16), key


def derive(hash_id, key, hostnqn, subnqn):
    cipher = hash_id if hash_id else {32: 1, 48: 2}[len(key)]
    retained = key if hash_id == 0 else hkdf_expand_label(HASHES[hash_id], key, b"HostNQN", hostnqn.encode(), len(key))
    identity = "NVMe0R%02d %s %s" % (cipher, hostnqn, subnqn)
    return identity, hkdf_expand_label(HASHES[cipher], retained, b"nvme-tls-psk", identity.encode(), len(key))


def main(argv):
    if len(argv) == 4 and argv[1] == "interchange":
        print(interchange(int(argv[2]), bytes.fromhex(argv[3])))
    elif len(argv) == 5 and argv[1] == "derive":
        with open(argv[2]) as f:
            hash_id, key = parse(f.read())
        identity, psk = derive(hash_id, key, argv[3], argv[4])
        print(identity, psk.hex())
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
