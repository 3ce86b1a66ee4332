#!/usr/bin/env python3
"""An independent HTTP/2 peer for Tally's server tests.

Speaks cleartext HTTP/2 with prior knowledge (h2c) through the `h2` package from PyPI (with its
`hpack` and `hyperframe`), which shares no code with nghttp2, the library inside `tallyd`. The
Swift test suite runs it as a subprocess and judges the JSON it prints. Loopback addresses only.

  h2_peer.py call HOST PORT PATH [--method POST|GET] [--body-hex HEX] [--header NAME:VALUE ...]
                                 [--read-all] [--timeout S] [--deadline S]
      One request on a new connection; prints status, headers, trailers, DATA (hex and parsed as
      Tally envelopes), END_STREAM / RST_STREAM / GOAWAY outcome and elapsed time.

  h2_peer.py scenario NAME HOST PORT [--param KEY=VALUE ...] [--deadline S]
      too-many-streams    streams=150     concurrent unfinished streams; counts REFUSED_STREAM
      rapid-reset         count=2000      open + RST_STREAM(CANCEL) in a tight loop; GOAWAY?
      slow-reader         path=/tally.v1.Tally/Snapshot window=65535 seconds=2 hold=0
                                          request, then never acknowledge DATA (no WINDOW_UPDATE)
      oversized-headers   bytes=65536     one `x-pad` header of that many bytes
      continuation-flood  frames=100      HEADERS without END_HEADERS, then CONTINUATION frames
      idle                seconds=5       say nothing after the preface; GOAWAY / close, and when
      many-calls          calls=20 path=/tally.v1.Tally/Health body-hex=0000000000 timeout=5
                                          sequential calls on one connection (timeout: per call)

Every command prints exactly one JSON object on stdout. Exit status: 0 when the command ran (even
if the server misbehaved or refused the connection: the JSON says so, in "error" for failures of
the peer itself); 2 on a usage error; 124 when the overall deadline (--deadline, default 20 s)
passes, after printing {"error": "deadline ..."}.
"""
import argparse
import ipaddress
import json
import os
import select
import signal
import socket
import sys
import time

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings
import hpack
import hyperframe.exceptions
from h2.errors import ErrorCodes
from h2.settings import SettingCodes
from hyperframe.frame import ContinuationFrame, DataFrame, HeadersFrame

EXIT_USAGE = 2
EXIT_DEADLINE = 124

CONTENT_TYPE = "application/tally+proto"
HEALTH_PATH = "/tally.v1.Tally/Health"
EMPTY_ENVELOPE_HEX = "0000000000"  # flags 0, length 0: an empty request message
SNAPSHOT_REQUEST_HEX = "00000000020802"  # SnapshotRequest { schema_version: 2 }

# HTTP/2 frame types and flags we inspect ourselves (RFC 9113, section 6).
FRAME_SETTINGS = 0x4
FRAME_GOAWAY = 0x7
FRAME_HEADERS = 0x1
FRAME_CONTINUATION = 0x9
FLAG_ACK = 0x1

ENVELOPE_END_OF_STREAM = 0x02

CONNECT_TIMEOUT = 5.0
SEND_TIMEOUT = 5.0      # a sendall that cannot finish in this long means the server stopped reading
HANDSHAKE_TIMEOUT = 5.0
MAX_RECV_PER_POLL = 64  # bounds one poll() even when the server streams without pause


class UsageError(Exception):
    pass


# ---------------------------------------------------------------------------------------------------
# Deadline and output.

def arm_deadline(seconds, command):
    """A hard stop for the whole command. Every loop below is also bounded by its own count and
    time limit; this is the backstop that turns any hang we did not foresee into a failure the
    Swift test sees (non-zero exit) instead of a stuck test run."""
    def expired(_signum, _frame):
        sys.stdout.write(json.dumps({"error": f"deadline of {seconds:g} s exceeded", "command": command}) + "\n")
        sys.stdout.flush()
        sys.stderr.write(f"h2_peer: deadline of {seconds:g} s exceeded\n")
        sys.stderr.flush()
        os._exit(EXIT_DEADLINE)  # no cleanup: whatever hung must not hang us again
    signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def emit(obj):
    # Disarm first, so the deadline handler cannot print a second JSON object after this one.
    signal.setitimer(signal.ITIMER_REAL, 0)
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def text(value):
    # h2 hands headers over as bytes (header_encoding=None) so nothing is lost or rejected on the way;
    # JSON needs text, and a non-UTF-8 byte shows up escaped rather than breaking the output.
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="backslashreplace")
    return str(value)


def parse_envelopes(data):
    """Splits a response body into Tally envelopes (flags, 4-byte big-endian length, payload).
    Returns (envelopes, None) or (None, reason) if the bytes are not a whole number of envelopes."""
    envelopes = []
    offset = 0
    while offset < len(data):
        if len(data) - offset < 5:
            return None, f"truncated envelope prefix at byte {offset}: {len(data) - offset} of 5 bytes"
        flags = data[offset]
        length = int.from_bytes(data[offset + 1:offset + 5], "big")
        start = offset + 5
        if len(data) - start < length:
            return None, f"envelope at byte {offset} declares {length} bytes, {len(data) - start} present"
        envelopes.append({"flags": flags, "length": length, "payload_hex": data[start:start + length].hex()})
        offset = start + length
    return envelopes, None


# ---------------------------------------------------------------------------------------------------
# The connection.

def loopback_addresses(host):
    """The loopback addresses to try for HOST, or a usage error: this peer sends malformed and
    abusive traffic on purpose, so it must never reach anything but a test server on this machine.
    HOST must be a numeric loopback address or "localhost"; names are never resolved, so not even a
    DNS query leaves the machine."""
    if host.lower() == "localhost":
        return [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")]
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        raise UsageError(f"{host!r} is not a numeric address; use 127.0.0.1, ::1 or localhost")
    if not address.is_loopback:
        raise UsageError(f"{host!r} is not a loopback address; this peer only talks to 127.0.0.1 / ::1")
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    return [(family, str(address))]


def connect(host, port):
    # "localhost" is 127.0.0.1, then ::1: a server may listen on only one of them.
    failure = None
    for family, address in loopback_addresses(host):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(CONNECT_TIMEOUT)
        try:
            sock.connect((address, port))
            return sock
        except OSError as error:
            sock.close()
            failure = error
    raise failure


def parse_port(value):
    try:
        port = int(value)
    except ValueError:
        raise UsageError(f"bad port {value!r}")
    if not 0 < port < 65536:
        raise UsageError(f"bad port {value!r}")
    return port


def split_frames(buffer):
    """Removes and returns every complete frame at the front of buffer (a bytearray)."""
    frames = []
    while len(buffer) >= 9:
        size = 9 + int.from_bytes(buffer[0:3], "big")
        if len(buffer) < size:
            break
        frames.append(bytes(buffer[:size]))
        del buffer[:size]
    return frames


class Peer:
    """One client connection: a socket, h2's state machine, and what the server said at connection
    level (its SETTINGS, the ACK of ours, GOAWAYs, closing the socket).

    Received bytes are cut into frames here and given to h2 one frame at a time. h2's receive_data
    raises on the first frame it objects to and drops the events of the frames before it in the same
    call; frame by frame, nothing that arrived before a fault is lost. SETTINGS and GOAWAY are also
    read straight from the bytes, so they are reported even after h2 has given up on the connection
    (or, in raw mode, was never told about the frames we sent)."""

    def __init__(self, host, port, initial_window=None):
        bare = host.strip("[]")
        self.authority = f"[{bare}]:{port}" if ":" in bare else f"{host}:{port}"
        self.sock = connect(host, port)
        self.sock.settimeout(SEND_TIMEOUT)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # Outbound headers go out exactly as given (no lower-casing, no stripping of connection
        # headers): tests use this peer to send what a well-behaved client would not.
        config = h2.config.H2Configuration(client_side=True, header_encoding=None,
                                           validate_outbound_headers=False,
                                           normalize_outbound_headers=False)
        self.conn = h2.connection.H2Connection(config=config)
        if initial_window is not None:
            # A fresh Settings object, not an assignment: assigning to h2's local_settings queues the
            # value until the server ACKs it, and initiate_connection would send the old one.
            self.conn.local_settings = h2.settings.Settings(client=True, initial_values={
                SettingCodes.MAX_CONCURRENT_STREAMS: 100,
                SettingCodes.MAX_HEADER_LIST_SIZE: self.conn.DEFAULT_MAX_HEADER_LIST_SIZE,
                SettingCodes.INITIAL_WINDOW_SIZE: initial_window,
            })
        self.buffer = bytearray()
        self.h2_enabled = True          # False: frames are only inspected raw, never given to h2
        self.keep_streams_after_goaway = False
        self.server_settings = {}       # setting id -> value, from the server's SETTINGS frames
        self.server_settings_received = False
        self.settings_acked = False
        self.goaways = []               # (error_code, last_stream_id, monotonic time, debug data)
        self.closed = False             # the server closed or reset the TCP connection
        self.write_error = None         # we could not write (closed, or the server stopped reading)
        self.protocol_error = None      # h2 rejected something the server sent
        self.handshake_error = None     # the server's SETTINGS or its ACK of ours did not come

    # -- connection-level facts the scenarios report --------------------------------------------

    @property
    def goaway_code(self):
        # The last GOAWAY is the server's final word (a graceful drain sends NO_ERROR twice; an
        # error after a graceful one is the one that matters).
        return self.goaways[-1][0] if self.goaways else None

    @property
    def goaway_debug(self):
        # nghttp2 puts its reason in the GOAWAY's debug data ("request HEADERS: max concurrent
        # streams exceeded"): handy when a test fails.
        return self.goaways[-1][3] if self.goaways else None

    @property
    def goaway_last_stream_id(self):
        return self.goaways[-1][1] if self.goaways else None

    @property
    def usable(self):
        """Whether we can still start something new on this connection."""
        return not (self.closed or self.goaways or self.protocol_error or self.write_error)

    # -- I/O -----------------------------------------------------------------------------------------

    def send_raw(self, data):
        if self.closed or self.write_error:
            return False
        try:
            self.sock.sendall(data)
            return True
        except socket.timeout:
            # Part of a frame may be on the wire: nothing more can be written meaningfully.
            self.write_error = f"send timed out after {SEND_TIMEOUT:g} s (server not reading)"
        except OSError as error:  # EPIPE, ECONNRESET: the server closed the connection
            self.write_error = f"{type(error).__name__}: {error}"
            self.closed = True
        return False

    def flush(self):
        if self.h2_enabled:
            data = self.conn.data_to_send()
            if data:
                return self.send_raw(data)
        return True

    def poll(self, timeout):
        """Waits up to timeout seconds for bytes, reads what is there (bounded), and returns the h2
        events of the complete frames received. Also sends what h2 wants to send in answer
        (SETTINGS ACK, PING ACK, WINDOW_UPDATEs the caller asked for)."""
        if self.closed:
            return []
        events = []
        wait = max(0.0, timeout)
        for _ in range(MAX_RECV_PER_POLL):
            try:
                ready, _, _ = select.select([self.sock], [], [], wait)
            except (OSError, ValueError):
                self.closed = True
                break
            if not ready:
                break
            try:
                chunk = self.sock.recv(65536)
            except (BlockingIOError, socket.timeout):
                break
            except OSError:
                self.closed = True
                break
            if not chunk:
                self.closed = True
                break
            self.buffer += chunk
            wait = 0.0  # after the first read, only take what is already there
        for frame in split_frames(self.buffer):
            events.extend(self._receive_frame(frame))
        if not self.closed:
            self.flush()
        return events

    def _receive_frame(self, frame):
        frame_type, flags = frame[3], frame[4]
        stream_id = int.from_bytes(frame[5:9], "big") & 0x7FFFFFFF
        payload = frame[9:]
        if frame_type == FRAME_SETTINGS and stream_id == 0:
            if flags & FLAG_ACK:
                self.settings_acked = True
            else:
                self.server_settings_received = True
                for i in range(0, len(payload) - len(payload) % 6, 6):
                    self.server_settings[int.from_bytes(payload[i:i + 2], "big")] = \
                        int.from_bytes(payload[i + 2:i + 6], "big")
        elif frame_type == FRAME_GOAWAY and len(payload) >= 8:
            self.goaways.append((int.from_bytes(payload[4:8], "big"),
                                 int.from_bytes(payload[0:4], "big") & 0x7FFFFFFF,
                                 time.monotonic(),
                                 text(payload[8:])))
        if not self.h2_enabled or self.protocol_error is not None:
            return []
        try:
            events = self.conn.receive_data(frame)
        except (h2.exceptions.H2Error, hyperframe.exceptions.HyperframeError, hpack.HPACKError) as error:
            self.protocol_error = f"{type(error).__name__}: {error}"
            return []
        if frame_type == FRAME_GOAWAY and self.keep_streams_after_goaway and self.goaways:
            self._let_streams_finish(self.goaways[-1][1])
        return events

    def _let_streams_finish(self, last_stream_id):
        # A GOAWAY promises that streams up to last_stream_id may still complete (a graceful drain
        # sends 2^31-1 first, then finishes in-flight calls). h2 moves the whole connection to CLOSED
        # on any GOAWAY and would then reject their HEADERS and DATA; putting its state machine back
        # to open lets those streams finish. Callers never open a new stream after a GOAWAY.
        if any(sid <= last_stream_id and stream.open for sid, stream in self.conn.streams.items()):
            self.conn.state_machine.state = h2.connection.ConnectionState.CLIENT_OPEN

    def handshake(self):
        """Sends the client preface and our SETTINGS, then waits (bounded) for the server's SETTINGS
        and its ACK of ours, so scenarios start from a settled connection and know the server's
        limits. Returns whether both arrived."""
        self.conn.initiate_connection()
        self.flush()
        end = time.monotonic() + HANDSHAKE_TIMEOUT
        while not (self.server_settings_received and self.settings_acked):
            remaining = end - time.monotonic()
            if remaining <= 0 or self.closed or self.protocol_error or self.write_error:
                break
            self.poll(remaining)
        why = "the connection closed" if self.closed else f"none within {HANDSHAKE_TIMEOUT:g} s"
        if not self.server_settings_received:
            self.handshake_error = f"no SETTINGS from the server ({why})"
        elif not self.settings_acked:
            self.handshake_error = f"no ACK of our SETTINGS from the server ({why})"
        return self.handshake_error is None

    @property
    def error(self):
        """What went wrong on our side of the connection, for the JSON's "error", or None."""
        return self.protocol_error or self.handshake_error

    def close(self, polite=False):
        if polite and self.usable and self.h2_enabled:
            try:
                self.conn.close_connection()
                self.flush()
            except h2.exceptions.H2Error:
                pass
        try:
            self.sock.close()
        except OSError:
            pass


def lift_local_stream_limit(conn):
    """h2 refuses, on its own side, to open more streams than the server's
    SETTINGS_MAX_CONCURRENT_STREAMS allows (TooManyStreamsError). To test the *server's* enforcement
    we overwrite h2's copy of that setting with the protocol maximum.

    Chosen over writing raw HEADERS frames for the extra streams: those would keep HPACK in step (if
    encoded with conn.encoder) but h2 would not know the streams, so the server's RST_STREAM or
    HEADERS on them would look like frames on idle streams and make h2 fail the connection. This
    way h2 tracks every stream and reports each RST_STREAM as a StreamReset event. If the server
    sends its SETTINGS again, h2 takes the real value back and the caller lifts it again."""
    conn.remote_settings[SettingCodes.MAX_CONCURRENT_STREAMS] = 2**31 - 1
    conn.remote_settings.acknowledge()  # remote settings take effect on acknowledge()


def open_stream(peer, headers, end_stream):
    """Sends HEADERS on a new stream even past the server's advertised stream limit. Returns
    (stream_id, whether h2's local limit had to be lifted)."""
    stream_id = peer.conn.get_next_available_stream_id()
    try:
        peer.conn.send_headers(stream_id, headers, end_stream=end_stream)
        return stream_id, False
    except h2.exceptions.TooManyStreamsError:
        lift_local_stream_limit(peer.conn)
        peer.conn.send_headers(stream_id, headers, end_stream=end_stream)
        return stream_id, True


# ---------------------------------------------------------------------------------------------------
# Requests.

def parse_header_arg(arg):
    # Split at the first ':' after the name, so pseudo-headers work: ":authority:example:80".
    colon = arg.find(":", 1 if arg.startswith(":") else 0)
    if colon <= 0:
        raise UsageError(f"--header wants NAME:VALUE, got {arg!r}")
    return arg[:colon], arg[colon + 1:].strip(" \t")


def request_headers(authority, method, path, extra=()):
    """The request's header list: pseudo-headers, content-type for POST, then --header values.
    A --header naming a default (case-insensitively) replaces it; a second one with the same name
    is added as a repeat. Added pseudo-headers join the pseudo-header block, so the list stays valid
    HTTP/2 unless the test asks for something invalid on purpose."""
    pseudo = [[":method", method], [":scheme", "http"], [":authority", authority], [":path", path]]
    regular = [["content-type", CONTENT_TYPE]] if method == "POST" else []
    replaced = set()
    for name, value in extra:
        key = name.lower()
        block = pseudo if name.startswith(":") else regular
        slot = next((h for h in block if h[0].lower() == key), None)
        if slot is not None and key not in replaced:
            slot[0], slot[1] = name, value
            replaced.add(key)
        else:
            block.append([name, value])
    return [(n.encode(), v.encode()) for n, v in pseudo + regular]


class Response:
    """What came back on one stream."""

    def __init__(self, stream_id):
        self.stream_id = stream_id
        self.status = None
        self.headers = []
        self.trailers = []
        self.data = bytearray()
        self.end_stream = False
        self.reset_code = None        # RST_STREAM from the server
        self.local_reset_code = None  # h2 reset the stream itself (e.g. malformed response headers)

    @property
    def done(self):
        return self.end_stream or self.reset_code is not None or self.local_reset_code is not None

    def take(self, events, peer, acknowledge):
        for event in events:
            if getattr(event, "stream_id", None) != self.stream_id:
                continue
            if isinstance(event, h2.events.ResponseReceived):
                self.headers = [[text(n), text(v)] for n, v in event.headers]
                for name, value in event.headers:
                    if name == b":status":
                        try:
                            self.status = int(value)
                        except ValueError:
                            pass
            elif isinstance(event, h2.events.TrailersReceived):
                self.trailers = [[text(n), text(v)] for n, v in event.headers]
            elif isinstance(event, h2.events.DataReceived):
                self.data += event.data
                if acknowledge:
                    # Give the window back as we consume, so a long response never stalls on us.
                    peer.conn.acknowledge_received_data(event.flow_controlled_length, self.stream_id)
            elif isinstance(event, h2.events.StreamEnded):
                self.end_stream = True
            elif isinstance(event, h2.events.StreamReset):
                if event.remote_reset:
                    self.reset_code = int(event.error_code)
                else:
                    self.local_reset_code = int(event.error_code)

    def envelopes(self):
        return parse_envelopes(bytes(self.data))


def abandoned_by_goaway(peer, stream_id):
    # A GOAWAY whose last_stream_id is below ours says the server never processed our stream.
    return bool(peer.goaways) and peer.goaway_last_stream_id < stream_id


# Bytes per second a call reads at (`call --read-rate`); None: as fast as they come. Reading, and so
# acknowledging, slowly keeps the server within one flow-control window of what was read: a call
# that is slow on the server's side too, not only in the kernel's buffers.
READ_RATE = None


def wait_for(peer, response, until, acknowledge):
    """Reads until the stream is done, the connection ends, or the monotonic time `until`."""
    started = time.monotonic()
    while not response.done:
        remaining = until - time.monotonic()
        if remaining <= 0 or peer.closed or peer.protocol_error or abandoned_by_goaway(peer, response.stream_id):
            return
        response.take(peer.poll(remaining), peer, acknowledge)
        peer.flush()  # the WINDOW_UPDATEs just queued by acknowledge_received_data
        if READ_RATE:
            ahead = len(response.data) / READ_RATE - (time.monotonic() - started)
            if ahead > 0:
                time.sleep(min(ahead, max(0.0, until - time.monotonic())))


def exchange(peer, headers, body, until, acknowledge=True):
    """One request on a new stream of peer: HEADERS, the body under flow control, then the response
    until END_STREAM, RST_STREAM, a GOAWAY that excludes the stream, the connection closing, or
    `until`. Returns the Response, or None if the stream could not be opened."""
    try:
        stream_id, _ = open_stream(peer, headers, end_stream=not body)
    except h2.exceptions.H2Error as error:
        peer.protocol_error = peer.protocol_error or f"cannot open stream: {type(error).__name__}: {error}"
        return None
    peer.flush()
    response = Response(stream_id)
    offset = 0
    while offset < len(body) and not response.done:
        # A graceful GOAWAY that still covers our stream is no reason to stop uploading.
        if (time.monotonic() >= until or peer.closed or peer.protocol_error or peer.write_error
                or abandoned_by_goaway(peer, stream_id)):
            break
        try:
            window = min(peer.conn.local_flow_control_window(stream_id), peer.conn.max_outbound_frame_size)
        except h2.exceptions.H2Error:
            break  # the server closed or reset the stream while we were sending
        if window <= 0:
            # Wait for a WINDOW_UPDATE; the server may also answer early (e.g. 429 from the prefix).
            response.take(peer.poll(min(0.5, until - time.monotonic())), peer, acknowledge)
            peer.flush()
            if peer.closed or peer.protocol_error:
                break
            continue
        chunk = body[offset:offset + window]
        offset += len(chunk)
        try:
            peer.conn.send_data(stream_id, chunk, end_stream=offset == len(body))
        except h2.exceptions.H2Error:
            break
        peer.flush()
        # Take what already arrived, without waiting, so an early answer stops the upload.
        response.take(peer.poll(0), peer, acknowledge)
        peer.flush()
    wait_for(peer, response, until, acknowledge)
    return response


def response_fields(response, peer):
    """The JSON fields of one call, in the order the Swift tests document them."""
    data = bytes(response.data) if response else b""
    out = {
        "status": response.status if response else None,
        "headers": response.headers if response else [],
        "trailers": response.trailers if response else [],
        "data_hex": data.hex(),
    }
    envelopes, problem = parse_envelopes(data)
    out["envelopes"] = envelopes
    if problem:
        out["envelope_error"] = problem
    out["end_stream"] = response.end_stream if response else False
    out["reset_code"] = response.reset_code if response else None
    out["goaway_code"] = peer.goaway_code if peer else None
    return out


# ---------------------------------------------------------------------------------------------------
# Commands.

def command_call(args):
    global READ_RATE
    READ_RATE = args.read_rate
    body = parse_hex(args.body_hex, "--body-hex")
    if args.body_file:
        with open(args.body_file, "rb") as source:
            body = source.read()
    extra = [parse_header_arg(h) for h in args.header or []]
    port = parse_port(args.port)
    loopback_addresses(args.host)  # a usage error before anything else happens
    started = time.monotonic()
    peer = None
    response = None
    error = None
    timed_out = False
    try:
        peer = Peer(args.host, port)
        peer.keep_streams_after_goaway = True
        peer.handshake()
        headers = request_headers(peer.authority, args.method, args.path, extra)
        started = time.monotonic()  # elapsed_ms measures the call, not the connection set-up
        until = started + args.timeout
        response = exchange(peer, headers, body, until)
        timed_out = response is not None and not response.done and time.monotonic() >= until
        elapsed = (time.monotonic() - started) * 1000
        if args.read_all and response is not None:
            # See what follows the response on the connection (a GOAWAY after a drain, a close):
            # read until the server closes it, one second past its GOAWAY, or the timeout.
            while not peer.closed and not peer.protocol_error:
                now = time.monotonic()
                stop = until if not peer.goaways else min(until, peer.goaways[-1][2] + 1.0)
                if now >= stop:
                    break
                response.take(peer.poll(stop - now), peer, True)
                peer.flush()
    except OSError as e:
        error = f"{type(e).__name__}: {e}"
        elapsed = (time.monotonic() - started) * 1000
    out = response_fields(response, peer)
    out["elapsed_ms"] = round(elapsed, 3)
    out["stream_id"] = response.stream_id if response else None
    out["goaway_last_stream_id"] = peer.goaway_last_stream_id if peer else None
    out["goaway_debug"] = peer.goaway_debug if peer else None
    out["connection_closed"] = peer.closed if peer else None
    out["timed_out"] = timed_out
    if response is not None and response.local_reset_code is not None:
        out["local_reset_code"] = response.local_reset_code
    error = error or (peer.error if peer else None)
    if error:
        out["error"] = error
    if peer:
        peer.close(polite=True)
    return out


def scenario_too_many_streams(host, port, params):
    count = params.int("streams", 150, minimum=1, maximum=100000)
    peer = Peer(host, port)
    peer.handshake()
    headers = request_headers(peer.authority, "POST", HEALTH_PATH)
    tallies = {"refused": 0, "reset_other": 0, "responses": 0}

    def tally(events):
        for event in events:
            if isinstance(event, h2.events.StreamReset) and event.remote_reset:
                key = "refused" if event.error_code == ErrorCodes.REFUSED_STREAM else "reset_other"
                tallies[key] += 1
            elif isinstance(event, h2.events.ResponseReceived):
                tallies["responses"] += 1

    opened = 0       # streams whose HEADERS reached the socket
    batch = 0        # streams handed to h2 and not yet written
    lifted = False

    def write_batch():
        nonlocal opened, batch
        if peer.flush():
            opened += batch
        batch = 0

    for i in range(count):
        if not peer.usable:
            break
        # HEADERS only, never END_STREAM: every stream stays open on the server's side.
        try:
            _, was_lifted = open_stream(peer, headers, end_stream=False)
        except h2.exceptions.H2Error:
            break
        batch += 1
        lifted = lifted or was_lifted
        if batch == 16:
            write_batch()
            tally(peer.poll(0))
    write_batch()
    end = time.monotonic() + 3.0
    while time.monotonic() < end and not peer.closed and not peer.protocol_error:
        tally(peer.poll(end - time.monotonic()))
    out = {
        "opened": opened,
        "refused": tallies["refused"],
        "reset_other": tallies["reset_other"],
        "goaway_code": peer.goaway_code,
        "max_concurrent_streams_setting": peer.server_settings.get(int(SettingCodes.MAX_CONCURRENT_STREAMS)),
        "h2_limit_lifted": lifted,  # h2 alone would have stopped at the advertised limit
        "responses": tallies["responses"],
        "connection_closed": peer.closed,
        "goaway_debug": peer.goaway_debug,
    }
    return finish(peer, out)


def scenario_rapid_reset(host, port, params):
    count = params.int("count", 2000, minimum=1, maximum=1000000)
    peer = Peer(host, port)
    peer.handshake()
    headers = request_headers(peer.authority, "POST", HEALTH_PATH)
    sent = 0   # open + reset pairs that reached the socket
    batch = 0  # pairs handed to h2 and not yet written
    for _ in range(count):
        if not peer.usable:
            break
        try:
            # Reset before the next open, so at most one stream is ever open and h2's own limit is
            # not reached; open_stream lifts it anyway if the server advertised 0 or 1.
            stream_id, _ = open_stream(peer, headers, end_stream=False)
            peer.conn.reset_stream(stream_id, error_code=ErrorCodes.CANCEL)
        except h2.exceptions.H2Error:
            break
        batch += 1
        if batch == 50:
            # Write in batches for speed; read what is there, so we stop at the server's GOAWAY
            # and neither side blocks on a full socket buffer.
            sent += batch if peer.flush() else 0
            batch = 0
            peer.poll(0)
    sent += batch if peer.flush() else 0
    end = time.monotonic() + 3.0
    while time.monotonic() < end and not peer.closed:
        peer.poll(end - time.monotonic())
    out = {
        "sent": sent,
        "goaway_code": peer.goaway_code,
        "goaway_received": bool(peer.goaways),
        "connection_closed": peer.closed,
        "goaway_debug": peer.goaway_debug,
    }
    return finish(peer, out)


def scenario_slow_reader(host, port, params):
    path = params.str("path", "/tally.v1.Tally/Snapshot")
    window = params.int("window", 65535, minimum=0, maximum=2**31 - 1)
    seconds = params.float("seconds", 2.0, minimum=0.0, maximum=600.0)
    hold = params.float("hold", 0.0, minimum=0.0, maximum=600.0)
    # `window` is our SETTINGS_INITIAL_WINDOW_SIZE (per stream); the connection window stays at the
    # protocol's 65535. We never acknowledge DATA, so h2 never sends a WINDOW_UPDATE: once the
    # server has filled the window, the response can only stall.
    peer = Peer(host, port, initial_window=window)
    peer.handshake()
    headers = request_headers(peer.authority, "POST", path)
    # A Snapshot names the dataset schema it reads (field 1 = 2); other calls take an empty message.
    body = bytes.fromhex(SNAPSHOT_REQUEST_HEX if path.endswith("/Snapshot") else EMPTY_ENVELOPE_HEX)
    response = exchange(peer, headers, body, time.monotonic() + seconds, acknowledge=False)
    if response is not None and hold > 0:
        # Keep the stalled connection open longer, still not reading-to-acknowledge, while the
        # test checks that the server goes on serving other connections.
        end = time.monotonic() + hold
        while time.monotonic() < end and not peer.closed:
            response.take(peer.poll(end - time.monotonic()), peer, False)
    out = {
        "bytes_received": len(response.data) if response else 0,
        "status": response.status if response else None,
        "still_open": not peer.closed and not peer.goaways and not peer.protocol_error,
        "end_stream": response.end_stream if response else False,
        "reset_code": response.reset_code if response else None,
        "goaway_code": peer.goaway_code,
        "goaway_debug": peer.goaway_debug,
    }
    # An "error" of FlowControlError here means the server overran our window.
    return finish(peer, out)


def scenario_oversized_headers(host, port, params):
    size = params.int("bytes", 65536, minimum=0, maximum=16 * 1024 * 1024)
    peer = Peer(host, port)
    peer.handshake()
    headers = request_headers(peer.authority, "POST", HEALTH_PATH, [("x-pad", "a" * size)])
    # Count how h2 cut the header block (HEADERS + CONTINUATIONs at the server's max frame size):
    # the server limits CONTINUATION frames per block too, and the test may want to know which
    # limit it hit.
    stream_id, _ = open_stream(peer, headers, end_stream=False)
    pending = peer.conn.data_to_send()
    header_frames = sum(1 for f in split_frames(bytearray(pending)) if f[3] in (FRAME_HEADERS, FRAME_CONTINUATION))
    peer.send_raw(pending)
    response = Response(stream_id)
    try:
        peer.conn.send_data(stream_id, bytes.fromhex(EMPTY_ENVELOPE_HEX), end_stream=True)
        peer.flush()
    except h2.exceptions.H2Error:
        pass
    wait_for(peer, response, time.monotonic() + 3.0, acknowledge=True)
    # A stream reset leaves the connection usable, a GOAWAY does not: check with a PING.
    alive = False
    if peer.usable:
        peer.conn.ping(b"tallyh2p")
        peer.flush()
        end = time.monotonic() + 1.0
        while not alive and time.monotonic() < end and not peer.closed and not peer.protocol_error:
            alive = any(isinstance(e, h2.events.PingAckReceived) for e in peer.poll(end - time.monotonic()))
    out = {
        "status": response.status,
        "reset_code": response.reset_code,
        "goaway_code": peer.goaway_code,
        "connection_closed": peer.closed,
        "header_frames_sent": header_frames,
        "connection_alive": alive,
        "goaway_debug": peer.goaway_debug,
    }
    return finish(peer, out)


def scenario_continuation_flood(host, port, params):
    count = params.int("frames", 100, minimum=0, maximum=1000000)
    peer = Peer(host, port)
    peer.handshake()
    # From here on, frames go straight to the socket and h2 is kept out of it: its state machine
    # would refuse to produce a header block that never ends, and would not know stream 1 when the
    # server answers. Incoming frames are only inspected raw (GOAWAY, close).
    peer.flush()
    peer.h2_enabled = False
    stream_id = peer.conn.get_next_available_stream_id()
    block = peer.conn.encoder.encode(request_headers(peer.authority, "POST", HEALTH_PATH))
    # Each fragment is a complete header field on its own, "x-a: b" as a literal without indexing
    # with a new name (RFC 7541, 6.2.2), so the block is valid however many there are and leaves
    # the server's HPACK dynamic table alone.
    fragment = b"\x00\x03x-a\x01b"
    if not peer.send_raw(HeadersFrame(stream_id, data=block).serialize()):  # no END_HEADERS
        count = 0
    frames_sent = 0
    for _ in range(count):
        # Stop as soon as the server has given up on us; keep going otherwise, never END_HEADERS.
        peer.poll(0)
        if peer.closed or peer.goaways:
            break
        if not peer.send_raw(ContinuationFrame(stream_id, data=fragment).serialize()):
            break
        frames_sent += 1
    end = time.monotonic() + 3.0
    while time.monotonic() < end and not peer.closed:
        peer.poll(end - time.monotonic())
    out = {
        "goaway_code": peer.goaway_code,
        "connection_closed": peer.closed,
        "frames_sent": frames_sent,  # CONTINUATION frames, after the one HEADERS frame
        "goaway_debug": peer.goaway_debug,
    }
    return finish(peer, out)


def scenario_reused_stream_id(host, port, params):
    """A request on stream 5, then a new request on stream 3, an id lower than one already used:
    RFC 9113 section 5.1.1 makes that a connection error of type PROTOCOL_ERROR."""
    peer = Peer(host, port)
    peer.handshake()
    # Raw from here: h2 will not send a lower stream id, and must not see the server's answers to
    # streams it does not know.
    peer.flush()
    peer.h2_enabled = False
    body = bytes.fromhex(EMPTY_ENVELOPE_HEX)
    sent = []
    for stream_id in (5, 3):
        block = peer.conn.encoder.encode(request_headers(peer.authority, "POST", HEALTH_PATH))
        frames = HeadersFrame(stream_id, data=block, flags=["END_HEADERS"]).serialize()
        frames += DataFrame(stream_id, data=body, flags=["END_STREAM"]).serialize()
        if peer.send_raw(frames):
            sent.append(stream_id)
        # The first stream is answered before the second is opened.
        end = time.monotonic() + 0.5
        while time.monotonic() < end and not peer.closed and not peer.goaways:
            peer.poll(end - time.monotonic())
    end = time.monotonic() + 3.0
    while time.monotonic() < end and not peer.closed:
        peer.poll(end - time.monotonic())
    out = {
        "streams_sent": sent,
        "goaway_code": peer.goaway_code,
        "goaway_last_stream_id": peer.goaway_last_stream_id,
        "connection_closed": peer.closed,
        "goaway_debug": peer.goaway_debug,
    }
    return finish(peer, out)


def scenario_latency_probe(host, port, params):
    """For `seconds`, every `interval`: a PING and a Health call on one connection, each timed to
    its answer. A server whose event loop is blocked (by a disk, a lock, a long computation) answers
    both late; reports the slowest and the median of each, in milliseconds."""
    seconds = params.float("seconds", 5.0, minimum=0.1, maximum=120.0)
    interval = params.float("interval", 0.02, minimum=0.001, maximum=5.0)
    per_call = params.float("timeout", 10.0, minimum=0.1, maximum=60.0)
    peer = Peer(host, port)
    peer.handshake()
    headers = request_headers(peer.authority, "POST", HEALTH_PATH, [("content-type", CONTENT_TYPE)])
    body = bytes.fromhex(EMPTY_ENVELOPE_HEX)
    pings, calls, failures = [], [], 0
    end = time.monotonic() + seconds
    sequence = 0
    while time.monotonic() < end and not peer.closed:
        sequence += 1
        opaque = sequence.to_bytes(8, "big")
        started = time.monotonic()
        peer.conn.ping(opaque)
        peer.flush()
        acked = None
        until = started + per_call
        while acked is None and time.monotonic() < until and not peer.closed:
            for event in peer.poll(until - time.monotonic()):
                if isinstance(event, h2.events.PingAckReceived) and event.ping_data == opaque:
                    acked = time.monotonic()
        if acked is None:
            failures += 1
            break
        pings.append((acked - started) * 1000)
        started = time.monotonic()
        response = exchange(peer, headers, body, started + per_call)
        if response is None or response.status != 200 or not response.end_stream:
            failures += 1
            break
        calls.append((time.monotonic() - started) * 1000)
        time.sleep(max(0.0, interval - (time.monotonic() - started)))

    def summary(values):
        ordered = sorted(values)
        return {"count": len(ordered), "max_ms": round(ordered[-1], 3) if ordered else None,
                "p50_ms": round(ordered[len(ordered) // 2], 3) if ordered else None}
    out = {"pings": summary(pings), "calls": summary(calls), "failures": failures}
    return finish(peer, out)


def scenario_idle(host, port, params):
    seconds = params.float("seconds", 5.0, minimum=0.0, maximum=3600.0)
    peer = Peer(host, port)
    peer.handshake()
    # Times are measured from the end of the SETTINGS exchange: from then on we send nothing but
    # the ACKs the protocol requires (h2 answers PING and SETTINGS by itself).
    settled = time.monotonic()
    end = settled + seconds + 3.0
    while not peer.closed:
        stop = end if not peer.goaways else min(end, peer.goaways[0][2] + 2.0)
        remaining = stop - time.monotonic()
        if remaining <= 0:
            break
        peer.poll(remaining)
    out = {
        "goaway_code": peer.goaway_code,
        "goaway_received_after_ms": round((peer.goaways[0][2] - settled) * 1000, 3) if peer.goaways else None,
        "connection_closed": peer.closed,
        "goaway_debug": peer.goaway_debug,
    }
    return finish(peer, out)


def scenario_many_calls(host, port, params):
    calls = params.int("calls", 20, minimum=0, maximum=100000)
    path = params.str("path", HEALTH_PATH)
    body = parse_hex(params.str("body-hex", EMPTY_ENVELOPE_HEX), "body-hex")
    per_call = params.float("timeout", 5.0, minimum=0.0, maximum=600.0)
    peer = Peer(host, port)
    peer.keep_streams_after_goaway = True
    peer.handshake()
    headers = request_headers(peer.authority, "POST", path)
    statuses, reset_codes = [], []
    all_eos = True
    for _ in range(calls):
        if not peer.usable:
            break
        response = exchange(peer, headers, body, time.monotonic() + per_call)
        if response is None:
            break
        statuses.append(response.status)
        reset_codes.append(response.reset_code)
        envelopes, _ = response.envelopes()
        if not response.end_stream or not envelopes or not envelopes[-1]["flags"] & ENVELOPE_END_OF_STREAM:
            all_eos = False
    out = {
        "statuses": statuses,
        # True only if every requested call completed, each ending with an end-of-stream envelope.
        "all_ended_with_eos_envelope": all_eos and len(statuses) == calls,
        "completed": len(statuses),
        "reset_codes": reset_codes,
        "goaway_code": peer.goaway_code,
        "goaway_debug": peer.goaway_debug,
    }
    return finish(peer, out, polite=True)


def finish(peer, out, polite=False):
    """Closes the scenario's connection and adds "error" if our side of it went wrong."""
    if peer.error:
        out["error"] = peer.error
    peer.close(polite=polite)
    return out


SCENARIOS = {
    "too-many-streams": (scenario_too_many_streams, {"streams"}),
    "rapid-reset": (scenario_rapid_reset, {"count"}),
    "slow-reader": (scenario_slow_reader, {"path", "window", "seconds", "hold"}),
    "oversized-headers": (scenario_oversized_headers, {"bytes"}),
    "continuation-flood": (scenario_continuation_flood, {"frames"}),
    "idle": (scenario_idle, {"seconds"}),
    "reused-stream-id": (scenario_reused_stream_id, set()),
    "latency-probe": (scenario_latency_probe, {"seconds", "interval", "timeout"}),
    "many-calls": (scenario_many_calls, {"calls", "path", "body-hex", "timeout"}),
}


class Params:
    """--param KEY=VALUE values, checked against the scenario's keys and ranges."""

    def __init__(self, pairs, allowed):
        self.values = {}
        for pair in pairs or []:
            key, sep, value = pair.partition("=")
            if not sep:
                raise UsageError(f"--param wants KEY=VALUE, got {pair!r}")
            if key not in allowed:
                raise UsageError(f"unknown param {key!r}; this scenario takes {', '.join(sorted(allowed))}")
            self.values[key] = value

    def str(self, key, default):
        return self.values.get(key, default)

    def _number(self, key, default, kind, minimum, maximum):
        if key not in self.values:
            return default
        try:
            value = kind(self.values[key])
        except ValueError:
            raise UsageError(f"param {key} wants a number, got {self.values[key]!r}")
        if not minimum <= value <= maximum:
            raise UsageError(f"param {key}={value} out of range {minimum}..{maximum}")
        return value

    def int(self, key, default, minimum, maximum):
        return self._number(key, default, int, minimum, maximum)

    def float(self, key, default, minimum, maximum):
        return self._number(key, default, float, minimum, maximum)


def parse_hex(value, what):
    try:
        return bytes.fromhex(value or "")
    except ValueError:
        raise UsageError(f"{what} is not hex: {value!r}")


def command_scenario(args):
    if args.name not in SCENARIOS:
        raise UsageError(f"unknown scenario {args.name!r}; known: {', '.join(SCENARIOS)}")
    function, allowed = SCENARIOS[args.name]
    params = Params(args.param, allowed)
    port = parse_port(args.port)
    loopback_addresses(args.host)
    try:
        out = function(args.host, port, params)
    except OSError as error:  # connection refused, reset during the handshake, ...
        out = {"error": f"{type(error).__name__}: {error}"}
    return {"scenario": args.name, **out}


def command_sequence(args):
    """Several different calls, one after another, on ONE connection: how the tests show that a
    failed call (bad envelope, bad route, ...) leaves its connection serving the next one."""
    try:
        calls = json.loads(args.calls)
    except ValueError as error:
        raise UsageError(f"CALLS is not JSON: {error}")
    if not isinstance(calls, list) or len(calls) > 1000:
        raise UsageError("CALLS must be a JSON list of at most 1000 calls")
    port = parse_port(args.port)
    loopback_addresses(args.host)
    peer = Peer(args.host, port)
    peer.keep_streams_after_goaway = True
    peer.handshake()
    results = []
    for call in calls:
        if not peer.usable:
            break
        extra = [(str(n), str(v)) for n, v in call.get("headers", [])]
        headers = request_headers(peer.authority, call.get("method", "POST"), call["path"], extra)
        body = parse_hex(call.get("body_hex", ""), "body_hex")
        response = exchange(peer, headers, body, time.monotonic() + args.timeout)
        results.append(response_fields(response, peer))
    out = {"results": results, "completed": len(results), "goaway_code": peer.goaway_code,
           "goaway_debug": peer.goaway_debug, "connection_closed": peer.closed}
    return finish(peer, out, polite=True)


def main(argv):
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--deadline", type=float, default=20.0,
                        help="overall limit in seconds; exit 124 past it (default 20)")
    parser = argparse.ArgumentParser(description="Independent HTTP/2 (h2c) peer for Tally's tests.")
    commands = parser.add_subparsers(dest="command", required=True)

    call = commands.add_parser("call", parents=[common], help="one request on a new connection")
    call.add_argument("host")
    call.add_argument("port")
    call.add_argument("path")
    call.add_argument("--method", default="POST", choices=["POST", "GET"])
    call.add_argument("--body-hex", default="")
    call.add_argument("--body-file", help="read the request body from this file (for bodies too large for argv)")
    call.add_argument("--header", action="append", metavar="NAME:VALUE")
    call.add_argument("--read-all", action="store_true",
                      help="after the response, keep reading until the server closes the connection, "
                           "1 s past its GOAWAY, or the timeout")
    call.add_argument("--read-rate", type=int, default=None,
                      help="read (and acknowledge) at most this many bytes per second")
    call.add_argument("--timeout", type=float, default=10.0,
                      help="seconds to wait for the response (default 10)")

    scenario = commands.add_parser("scenario", parents=[common], help="an abuse or load scenario")
    scenario.add_argument("name", help=", ".join(SCENARIOS))
    scenario.add_argument("host")
    scenario.add_argument("port")
    scenario.add_argument("--param", action="append", metavar="KEY=VALUE")

    sequence = commands.add_parser("sequence", parents=[common], help="several calls on one connection")
    sequence.add_argument("host")
    sequence.add_argument("port")
    sequence.add_argument("calls", help='JSON list of {"path", "method", "body_hex", "headers": [[name, value], ...]}')
    sequence.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each response (default 10)")

    args = parser.parse_args(argv)  # exits 2 on a usage error
    if not 0 < args.deadline <= 3600:
        parser.error("--deadline must be in (0, 3600]")
    if args.command == "call" and args.timeout < 0:
        parser.error("--timeout must not be negative")
    try:
        arm_deadline(args.deadline, args.command)
        commands_by_name = {"call": command_call, "scenario": command_scenario, "sequence": command_sequence}
        out = commands_by_name[args.command](args)
    except UsageError as error:
        signal.setitimer(signal.ITIMER_REAL, 0)
        sys.stderr.write(f"h2_peer: {error}\n")
        return EXIT_USAGE
    emit(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
