"""The soak's Totals load: h2load (nghttp2's load generator, a client apart from the soak's own)
for a given time at a fixed rate, judged per request from its log file."""
import asyncio
import os
import re


async def h2load_totals(host, port, path, body, seconds, clients, rps, directory, answer_size):
    """One h2load run; returns (latencies in ms, problems). h2load counts any 2xx as a success and
    never reads the end-of-stream status, so the DATA bytes are checked too: every correct answer
    is `answer_size` bytes (+2 as the dataset version's varint grows), an error answer is not."""
    body_file = os.path.join(directory, "totals.bin")
    with open(body_file, "wb") as f:
        f.write(body)
    log_file = os.path.join(directory, "h2load.tsv")
    if os.path.exists(log_file):
        os.remove(log_file)
    per_client = max(1, rps // clients)
    process = await asyncio.create_subprocess_exec(
        "h2load", "-D", str(int(seconds)), "-c", str(clients), "-m", "1", "--rps", str(per_client), "-d", body_file,
        "-H", "content-type: application/tally+proto", f"--log-file={log_file}", f"http://{host}:{port}{path}",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output = (await process.communicate())[0].decode()
    latencies, problems, statuses = [], [], {}
    if os.path.exists(log_file):
        with open(log_file) as f:
            for line in f:
                _, status, micros = line.rstrip("\n").split("\t")
                statuses[status] = statuses.get(status, 0) + 1
                latencies.append(int(micros) / 1000)
    if set(statuses) - {"200"}:
        problems.append(f"h2load: HTTP statuses {statuses}")
    requests = re.search(r"^requests: .*", output, re.M)
    if requests is None or not all(f" 0 {word}" in requests.group(0) for word in ("failed", "errored", "timeout")):
        problems.append(f"h2load: {requests.group(0) if requests else output[-400:]}")
    data = re.search(r"\((\d+)\) data", output)
    if latencies and data:
        low, high = len(latencies) * answer_size, len(latencies) * (answer_size + 2)
        if not low <= int(data.group(1)) <= high:
            problems.append(f"h2load: {data.group(1)} DATA bytes for {len(latencies)} answers of {answer_size}(+2) bytes")
    if not latencies:
        problems.append(f"h2load made no request: {output[-400:]}")
    return latencies, problems
