#!/usr/bin/env python3
"""An independent protobuf peer for Tally's codec tests.

Compiles Proto/tally.proto with protoc (from grpcio-tools) and uses Google's Python protobuf runtime,
which shares no code with Tally's hand-written Swift codec.

  protobuf_peer.py check DIR            decode every DIR/<message>.<n>.bin; require every field set,
                                        no unknown fields, and byte-identical re-serialisation
  protobuf_peer.py generate DIR SEED N  write N random messages of every type, every field set
  protobuf_peer.py vectors VECTOR_DIR   (re)build VECTOR_DIR/*.bin from the text-format *.txtpb

Exit status 0 on success; on failure, 1 and one line per problem on stderr.
"""
import importlib
import os
import random
import sys
import tempfile

import grpc_tools
from grpc_tools import protoc
from google.protobuf import descriptor, text_format, unknown_fields

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROTO_DIR = os.path.join(ROOT, "Proto")
FD = descriptor.FieldDescriptor


def compile_schema():
    out = tempfile.mkdtemp(prefix="tally-pb2-")
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    status = protoc.main(["protoc", f"-I{PROTO_DIR}", f"-I{include}", f"--python_out={out}",
                          os.path.join(PROTO_DIR, "tally.proto")])
    if status != 0:
        sys.exit(f"protoc failed with status {status}")
    sys.path.insert(0, out)
    return importlib.import_module("tally_pb2")


def message_class(pb2, full_name):
    prefix = "tally.v1."
    if not full_name.startswith(prefix):
        raise KeyError(full_name)
    return getattr(pb2, full_name[len(prefix):])


def is_repeated(field):
    # protobuf 6+ has is_repeated; `label` is gone from upb's descriptors.
    return field.is_repeated if hasattr(field, "is_repeated") else field.label == FD.LABEL_REPEATED


def is_default(msg, field):
    if is_repeated(field):
        return len(getattr(msg, field.name)) == 0
    if field.type == FD.TYPE_MESSAGE:
        return not msg.HasField(field.name)
    value = getattr(msg, field.name)
    if field.type == FD.TYPE_DOUBLE:
        return value == 0.0 and str(value) != "-0.0"
    return value == field.default_value


def problems_in(msg, path):
    """Fields left at their default (outside oneofs), empty oneofs, and unknown fields, recursively."""
    found = []
    if len(unknown_fields.UnknownFieldSet(msg)) > 0:
        found.append(f"{path}: has unknown fields")
    for oneof in msg.DESCRIPTOR.oneofs:
        if msg.WhichOneof(oneof.name) is None:
            found.append(f"{path}.{oneof.name}: no branch set")
    for field in msg.DESCRIPTOR.fields:
        in_oneof = field.containing_oneof is not None
        if in_oneof:
            if msg.WhichOneof(field.containing_oneof.name) != field.name:
                continue
        elif is_default(msg, field):
            found.append(f"{path}.{field.name}: left at its default")
            continue
        if field.type == FD.TYPE_MESSAGE:
            values = getattr(msg, field.name) if is_repeated(field) else [getattr(msg, field.name)]
            for i, sub in enumerate(values):
                found += problems_in(sub, f"{path}.{field.name}[{i}]")
    return found


def check(pb2, directory):
    failures, count = [], 0
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".bin"):
            continue
        full_name = name.rsplit(".", 2)[0]
        data = open(os.path.join(directory, name), "rb").read()
        msg = message_class(pb2, full_name)()
        try:
            msg.ParseFromString(data)
        except Exception as error:  # noqa: BLE001 - report any parse failure as a test failure
            failures.append(f"{name}: Python could not parse it: {error}")
            continue
        failures += [f"{name}: {p}" for p in problems_in(msg, full_name)]
        again = msg.SerializeToString(deterministic=True)
        if again != data:
            failures.append(f"{name}: re-serialised bytes differ\n  tally:  {data.hex()}\n  python: {again.hex()}")
        count += 1
    return count, failures


def random_value(field, rng):
    t = field.type
    if t == FD.TYPE_STRING:
        alphabet = "aZ7 -éёЖ€🦔\n"
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 20)))
    if t == FD.TYPE_BYTES:
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 40)))
    if t == FD.TYPE_BOOL:
        return True
    if t == FD.TYPE_DOUBLE:
        return rng.choice([-0.0, 1e-300, 12.5, -3.75e12, float("inf")])
    if t == FD.TYPE_ENUM:
        defined = [v.number for v in field.enum_type.values if v.number != 0]
        # Open enums: sometimes a number the schema does not define, sometimes a negative one.
        return rng.choice(defined + [99, -5])
    ranges = {
        FD.TYPE_UINT64: (1, 2**64 - 1), FD.TYPE_UINT32: (1, 2**32 - 1),
        FD.TYPE_SINT64: (-2**63, 2**63 - 1), FD.TYPE_SINT32: (-2**31, 2**31 - 1),
        FD.TYPE_INT32: (-2**31, 2**31 - 1),
    }
    lo, hi = ranges[t]
    while True:
        value = rng.choice([rng.randint(lo, hi), rng.randint(max(lo, -300), min(hi, 300)), lo, hi])
        if value != 0:
            return value


def fill(msg, rng, branch):
    for oneof in msg.DESCRIPTOR.oneofs:
        chosen = oneof.fields[branch % len(oneof.fields)]
        set_field(msg, chosen, rng, branch)
    for field in msg.DESCRIPTOR.fields:
        if field.containing_oneof is None:
            set_field(msg, field, rng, branch)


def set_field(msg, field, rng, branch):
    repeated = is_repeated(field)
    if field.type == FD.TYPE_MESSAGE:
        if repeated:
            for _ in range(rng.randint(1, 3)):
                fill(getattr(msg, field.name).add(), rng, branch)
        else:
            sub = getattr(msg, field.name)
            fill(sub, rng, branch)
            sub.SetInParent()
    elif repeated:
        getattr(msg, field.name).extend(random_value(field, rng) for _ in range(rng.randint(1, 4)))
    else:
        setattr(msg, field.name, random_value(field, rng))


def generate(pb2, directory, seed, count):
    rng = random.Random(seed)
    written = 0
    for full_name in sorted(m.full_name for m in pb2.DESCRIPTOR.message_types_by_name.values()):
        cls = message_class(pb2, full_name)
        for n in range(count):
            msg = cls()
            fill(msg, rng, n)
            with open(os.path.join(directory, f"{full_name}.{n}.bin"), "wb") as out:
                out.write(msg.SerializeToString(deterministic=True))
            written += 1
    return written


def vectors(pb2, directory):
    written = 0
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".txtpb"):
            continue
        text = open(os.path.join(directory, name), encoding="utf-8").read()
        header = [line for line in text.splitlines() if line.startswith("# message:")]
        if not header:
            sys.exit(f"{name}: missing '# message: tally.v1.X' header")
        msg = text_format.Parse(text, message_class(pb2, header[0].split(":", 1)[1].strip())())
        with open(os.path.join(directory, name[:-len(".txtpb")] + ".bin"), "wb") as out:
            out.write(msg.SerializeToString(deterministic=True))
        written += 1
    return written


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    pb2 = compile_schema()
    command, directory = argv[1], argv[2]
    if command == "check":
        count, failures = check(pb2, directory)
        for failure in failures:
            print(failure, file=sys.stderr)
        print(f"checked {count} messages, {len(failures)} problems")
        return 1 if failures or count == 0 else 0
    if command == "generate":
        print(f"generated {generate(pb2, directory, int(argv[3]), int(argv[4]))} messages")
        return 0
    if command == "vectors":
        print(f"wrote {vectors(pb2, directory)} vectors")
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
