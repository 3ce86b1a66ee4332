"""A stand-in for a tallyd from before dataset schema 2, for the new client's compatibility test.

Usage: old_server.py [--statusless]
  (prints its port, on 127.0.0.1, as the first line; exits when stdin closes)

It answers the two sync calls the way the first release did, byte for byte in what matters: a
Snapshot starts with a SnapshotHeader of schema_version 1 (SHA-256 digest, one figure to an
envelope after it), and a Changes answer starts with a ChangesHeader that has no schema_version
field (field 6 did not exist). Written with the `h2` package, which shares no code with Tally.

With --statusless it answers every call instead as HAProxy 2.6 does when the server under a
stream dies: response headers, then the stream ended cleanly with no end-of-stream status and no
trailers (HAProxy logs `SD--`). It prints "call PATH" for each, so a test can count the retries.
"""

import hashlib
import select
import socket
import sys
import threading

import h2.config
import h2.connection
import h2.events


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number, wire_type, payload):
    key = varint(number << 3 | wire_type)
    if wire_type == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload


def envelope(payload, flags=0):
    return bytes([flags]) + len(payload).to_bytes(4, "big") + payload


DIGEST = hashlib.sha256(b"schema 1").digest()


def answer(path):
    if path.endswith("/Snapshot"):
        header = field(1, 0, 1) + field(2, 0, 7) + field(3, 2, DIGEST) + field(4, 0, 0)
    elif path.endswith("/Changes"):
        header = field(1, 0, 1) + field(2, 0, 7) + field(3, 2, DIGEST) + field(5, 0, 0)
    else:
        return None
    return envelope(header) + envelope(b"", flags=0x02)


STATUSLESS = "--statusless" in sys.argv


def serve(sock):
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    paths = {}
    while True:
        data = sock.recv(65536)
        if not data:
            return
        for event in conn.receive_data(data):
            if isinstance(event, h2.events.RequestReceived):
                paths[event.stream_id] = dict(event.headers).get(b":path", b"").decode()
            elif isinstance(event, h2.events.DataReceived):
                conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            if isinstance(event, h2.events.StreamEnded):
                path = paths.get(event.stream_id, "")
                body = answer(path)
                if STATUSLESS:
                    print(f"call {path}", flush=True)
                    conn.send_headers(event.stream_id, [(":status", "200"), ("content-type", "application/tally+proto")],
                                      end_stream=True)
                elif body is None:
                    conn.send_headers(event.stream_id, [(":status", "404")], end_stream=True)
                else:
                    conn.send_headers(event.stream_id, [(":status", "200"), ("content-type", "application/tally+proto"),
                                                        ("tally-dataset-version", "7")])
                    conn.send_data(event.stream_id, body)
                    conn.send_headers(event.stream_id, [("tally-status", "0"), ("tally-message", "")], end_stream=True)
        sock.sendall(conn.data_to_send())


def main():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    print(listener.getsockname()[1], flush=True)
    while True:
        readable, _, _ = select.select([listener, sys.stdin], [], [])
        if sys.stdin in readable:
            return
        connection, _ = listener.accept()
        threading.Thread(target=serve_closing, args=(connection,), daemon=True).start()


def serve_closing(connection):
    """One connection on a thread of its own: a client's open watch does not keep out the next."""
    with connection:
        try:
            serve(connection)
        except (ConnectionError, OSError):
            pass


if __name__ == "__main__":
    main()
