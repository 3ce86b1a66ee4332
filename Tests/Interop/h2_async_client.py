"""A small asyncio HTTP/2 client (h2c, prior knowledge) for the soak and the limits peer: many
connections in one process, each with any number of streams, over the `h2` package from PyPI (no
code shared with nghttp2, the library inside tallyd). Responses are Tally envelopes; the end-of-stream envelope
(flag 0x02) carries the call's Status.
"""
import asyncio
import struct

import h2.config
import h2.connection
import h2.events

CONTENT_TYPE = "application/tally+proto"
END_OF_STREAM = 0x02


def envelope(payload: bytes, flags: int = 0) -> bytes:
    return struct.pack(">BI", flags, len(payload)) + payload


class CallFailed(Exception):
    """A call that did not end with an ok end-of-stream status (reset, closed, HTTP error, timeout)."""


class Stream:
    """One request's response: headers, then envelopes as they complete, then the end."""

    def __init__(self, on_message=None):
        self.headers = None
        self.buffer = bytearray()
        self.messages = []          # payloads of ordinary envelopes, unless on_message takes them
        self.end_status = None      # payload of the end-of-stream envelope
        self.on_message = on_message
        self.done = asyncio.get_running_loop().create_future()

    def data(self, chunk: bytes):
        self.buffer += chunk
        while len(self.buffer) >= 5:
            flags, length = struct.unpack_from(">BI", self.buffer)
            if len(self.buffer) < 5 + length:
                return
            payload = bytes(self.buffer[5:5 + length])
            del self.buffer[:5 + length]
            if flags & END_OF_STREAM:
                self.end_status = payload
            elif self.on_message:
                self.on_message(payload)
            else:
                self.messages.append(payload)

    def finish(self, error=None):
        if not self.done.done():
            if error:
                self.done.set_exception(CallFailed(error))
            else:
                self.done.set_result(None)


class Connection:
    """One h2c connection; `request` opens a stream and returns its `Stream`."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.streams = {}
        self.closed_reason = None
        self.goaway = None  # (error code, last stream id, debug data) of the server's GOAWAY

    async def open(self, timeout: float = 10):
        self.reader, self.writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), timeout)
        self.h2 = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.h2.initiate_connection()
        # A large connection window: a watcher never makes the server wait for WINDOW_UPDATEs.
        self.h2.increment_flow_control_window(16 << 20)
        self.flush()
        self.reader_task = asyncio.create_task(self.read_loop())

    def flush(self):
        data = self.h2.data_to_send()
        if data:
            self.writer.write(data)

    def request(self, path: str, body: bytes, headers=(), on_message=None) -> Stream:
        if self.closed_reason:
            raise CallFailed(f"connection closed: {self.closed_reason}")
        stream_id = self.h2.get_next_available_stream_id()
        stream = Stream(on_message)
        self.streams[stream_id] = stream
        self.h2.send_headers(stream_id, [(":method", "POST"), (":scheme", "http"), (":authority", f"{self.host}:{self.port}"),
                                         (":path", path), ("content-type", CONTENT_TYPE), *headers])
        self.h2.send_data(stream_id, body, end_stream=True)
        self.flush()
        return stream

    async def call(self, path: str, body: bytes, headers=(), timeout: float = 10) -> Stream:
        stream = self.request(path, body, headers)
        try:
            await asyncio.wait_for(asyncio.shield(stream.done), timeout)
        except asyncio.TimeoutError:
            raise CallFailed(f"{path}: no answer within {timeout} s")
        return stream

    async def get(self, path: str, timeout: float = 10) -> bytes:
        stream_id = self.h2.get_next_available_stream_id()
        stream = Stream()
        stream.raw = bytearray()
        stream.data = stream.raw.extend
        self.streams[stream_id] = stream
        self.h2.send_headers(stream_id, [(":method", "GET"), (":scheme", "http"), (":authority", f"{self.host}:{self.port}"),
                                         (":path", path)], end_stream=True)
        self.flush()
        await asyncio.wait_for(stream.done, timeout)
        return bytes(stream.raw)

    async def read_loop(self):
        try:
            while True:
                data = await self.reader.read(1 << 16)
                if not data:
                    self.fail("closed by the server")
                    return
                for event in self.h2.receive_data(data):
                    self.handle(event)
                self.flush()
        except (ConnectionError, OSError) as error:
            self.fail(f"{type(error).__name__}: {error}")
        except Exception as error:  # an h2 protocol error is a finding, not a crash of the soak
            self.fail(f"{type(error).__name__}: {error}")

    def handle(self, event):
        stream = self.streams.get(getattr(event, "stream_id", None))
        if isinstance(event, h2.events.ResponseReceived) and stream:
            stream.headers = dict(event.headers)
        elif isinstance(event, h2.events.DataReceived):
            self.h2.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            if stream:
                stream.data(event.data)
        elif isinstance(event, h2.events.StreamEnded) and stream:
            del self.streams[event.stream_id]
            stream.finish()
        elif isinstance(event, h2.events.StreamReset) and stream:
            del self.streams[event.stream_id]
            stream.finish(f"stream reset, error code {event.error_code}")
        elif isinstance(event, h2.events.ConnectionTerminated):
            self.goaway = (int(event.error_code), event.last_stream_id, (event.additional_data or b"").decode(errors="replace"))
            self.fail(f"GOAWAY error code {event.error_code} last stream {event.last_stream_id} {event.additional_data!r}")

    def fail(self, reason: str):
        self.closed_reason = self.closed_reason or reason
        for stream in self.streams.values():
            stream.finish(reason)
        self.streams.clear()

    async def close(self):
        if self.closed_reason is None:
            self.closed_reason = "closed by the soak"
            try:
                self.h2.close_connection()
                self.flush()
                self.writer.close()
            except Exception:
                pass
        self.reader_task.cancel()
