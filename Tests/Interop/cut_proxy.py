"""A TCP relay that cuts each connection after a set number of bytes from the server.

Usage: cut_proxy.py UPSTREAM_PORT CUT_BYTES

Listens on 127.0.0.1 (a free port, printed as the first line of stdout), relays every connection
to 127.0.0.1:UPSTREAM_PORT, and passes at most CUT_BYTES of the server's bytes to the client
(-1: no limit). At the limit both sides are closed at once, as a dropped network would: the
client sees its stream end in the middle of whatever frame it was reading. When a connection
ends, a line "relayed N" gives the server bytes passed to the client, so a test can learn how long
an exchange is and then cut it anywhere inside. Runs until its stdin closes (the test ends it).
"""

import asyncio
import sys


async def relay_client_to_server(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        # The client is gone: so is the server connection (and with it the loop below).
        writer.transport.abort()


async def handle(client_reader, client_writer, upstream_port, cut):
    server_reader, server_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
    upward = asyncio.ensure_future(relay_client_to_server(client_reader, server_writer))
    passed = 0
    try:
        while cut < 0 or passed < cut:
            data = await server_reader.read(65536 if cut < 0 else min(65536, cut - passed))
            if not data:
                break
            client_writer.write(data)
            await client_writer.drain()
            passed += len(data)
    except (ConnectionError, OSError):
        pass
    finally:
        upward.cancel()
        for writer in (client_writer, server_writer):
            writer.transport.abort()
        print(f"relayed {passed}", flush=True)


async def main():
    upstream_port, cut = int(sys.argv[1]), int(sys.argv[2])
    server = await asyncio.start_server(lambda r, w: handle(r, w, upstream_port, cut), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    loop = asyncio.get_running_loop()
    stdin_closed = loop.create_future()
    loop.add_reader(sys.stdin.fileno(), lambda: stdin_closed.done() or stdin_closed.set_result(None))
    await stdin_closed
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
