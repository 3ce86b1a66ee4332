#!/usr/bin/env python3
"""Clients at tallyd's connection and descriptor limits, for the Swift tests (which judge the one
JSON object printed on stdout). Loopback only; every wait is bounded.

  limits_peer.py connection-limit HOST PORT HELD
      HELD connections, each proven served by a Health call; one more, and what it gets (the
      GOAWAY's code, last stream id and debug text, or an answer); /metrics asked on a held
      connection; then one held connection closed, and new connections tried until one is served.

  limits_peer.py descriptor-exhaustion HOST PORT PID
      Connections (each with a Health call) until one is not answered within 2 s: tallyd cannot
      accept it. Five more wait in the accept queue. Then tallyd's CPU time over 3 s while its
      descriptors are exhausted, a call on a connection it has, and, after 20 held connections are
      closed, whether the waiting connections are answered (and how soon), and the pauses counted.

Exit status 0 when the scenario ran (the JSON says what happened), 2 on a usage error.
"""
import asyncio
import json
import os
import sys
import time

from h2_async_client import CallFailed, Connection, envelope

HEALTH = "/tally.v1.Tally/Health"
EMPTY = envelope(b"")
MAX_CONNECTIONS = 2000


async def served(connection, timeout):
    """Whether a Health call on the connection is answered with an end-of-stream envelope."""
    try:
        stream = await connection.call(HEALTH, EMPTY, timeout=timeout)
        return stream.end_status is not None
    except CallFailed:
        return False


def metric(text, name):
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return None


async def connection_limit(host, port, held_count):
    held = []
    for _ in range(held_count):
        connection = Connection(host, port)
        await connection.open()
        if not await served(connection, 5):
            return {"error": f"held connection {len(held)} was not served: {connection.closed_reason}"}
        held.append(connection)
    extra = Connection(host, port)
    await extra.open()
    extra_served = await served(extra, 5)
    result = {"held": len(held), "extra_served": extra_served, "extra_goaway": extra.goaway, "extra_closed": extra.closed_reason}
    metrics = (await held[0].get("/metrics")).decode()
    result["refused_total"] = metric(metrics, "tally_connections_refused_total")
    result["open_connections"] = metric(metrics, "tally_open_connections")
    await held.pop().close()
    started, attempts = time.monotonic(), 0
    result["served_after_close"] = False
    while time.monotonic() - started < 10:
        attempts += 1
        retry = Connection(host, port)
        await retry.open()
        if await served(retry, 2):
            result["served_after_close"] = True
            break
        await asyncio.sleep(0.05)
    result["attempts_after_close"] = attempts
    return result


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def descriptor_exhaustion(host, port, pid):
    held = []
    while len(held) < MAX_CONNECTIONS:
        connection = Connection(host, port)
        await connection.open()
        if not await served(connection, 2):
            waiting = [connection]
            break
        held.append(connection)
    else:
        return {"error": f"{MAX_CONNECTIONS} connections were all served: descriptors never ran out"}
    result = {"served": len(held), "descriptors": len(os.listdir(f"/proc/{pid}/fd"))}
    for _ in range(5):
        connection = Connection(host, port)
        await connection.open()
        waiting.append(connection)
    calls = [asyncio.ensure_future(served(connection, 30)) for connection in waiting]
    before = cpu_seconds(pid)
    await asyncio.sleep(3)
    result["cpu_seconds_in_3s"] = round(cpu_seconds(pid) - before, 3)
    result["waiting_answered_while_exhausted"] = sum(call.done() for call in calls)
    result["held_call_ok"] = await served(held[0], 5)
    for connection in held[-20:]:
        await connection.close()
    released = time.monotonic()
    done = await asyncio.gather(*calls)
    result["waiting_answered_after_release"] = sum(done)
    result["seconds_to_answer_after_release"] = round(time.monotonic() - released, 2)
    result["accept_pauses"] = metric((await held[0].get("/metrics")).decode(), "tally_accept_pauses_total")
    for connection in held[:-20] + waiting:
        await connection.close()
    return result


def main(argv):
    if len(argv) != 5 or argv[1] not in ("connection-limit", "descriptor-exhaustion"):
        print(__doc__, file=sys.stderr)
        return 2
    host, port, number = argv[2], int(argv[3]), int(argv[4])
    scenario = connection_limit(host, port, number) if argv[1] == "connection-limit" else descriptor_exhaustion(host, port, number)
    print(json.dumps(asyncio.run(asyncio.wait_for(scenario, 60))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
