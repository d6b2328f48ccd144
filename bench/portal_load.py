"""Load and faults for the pledge portal (issue 18). Starts `ammr serve` on a free loopback port,
runs three workloads against it, and stops everything by itself.

    python bench/portal_load.py                       # 60 s of checks, then the two others
    python bench/portal_load.py --seconds 10 --clients 4 --workers 2
    python bench/portal_load.py --database postgresql://postgres@127.0.0.1:PORT/NAME

1. checks: `--clients` concurrent clients send pledge checks (POST /api/v1/pledges/check, each
   with new random figures, so no answer can be reused) for `--seconds`; throughput, p50/p99
   latency and errors. The request is the live form's (`?pool=false`: the form shows the pledge's
   verdicts, not the pool report); `--pool` asks for the whole result, pool report included.
   The clients are threads of this process, each on one kept-alive connection over a plain socket
   (RawConnection): a request is made whole (its JSON by json.dumps) before its clock starts, and
   the answer's status line and Content-Length are read, then its body into a reused buffer. The
   client shares the machine's cores with the server, so its own CPU is measured and reported
   beside the server's (client_cpu_ms_per_check, server_cpu_ms_per_check: every server process,
   from /proc): about 0.26 ms a check, against 0.5 ms with http.client.
2. versions: every Member State of the rules (27) submits 20 versions of its pledge at once;
   afterwards the database must hold exactly what was sent, in order: nothing lost or duplicated.
3. kill: the states submit without pause; the server (all its processes) is killed with SIGKILL
   in the middle, and started again on the same database: no partial record, and every
   acknowledged submission present.

Traffic goes to 127.0.0.1 only; every loop is bounded in time and count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interpreter.portal import server, store  # noqa: E402
from interpreter.portal.config import Settings  # noqa: E402
from interpreter.portal.db import PledgeVersion, engine_for, sessions  # noqa: E402

EXAMPLE = ROOT / "examples" / "2026"
YEAR = 2026


# ------------------------------------------------------------------ the server

def serve_command() -> list[str]:
    """`ammr serve` with this interpreter (interpreter.cli.serve has no __main__ of its own)."""
    return [sys.executable, "-m", "interpreter", "serve"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, database: str, workers: int, log: Path):
        self.database, self.workers, self.log = database, workers, log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        out = self.log.open("a")
        # its own process group, so that SIGKILL reaches uvicorn's workers too
        self.process = subprocess.Popen([*serve_command(), "--database", self.database, "--port", str(self.port),
                                         "--workers", str(self.workers), "--no-access-log"],
                                        stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server stopped; see {self.log}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/login")
                if connection.getresponse().status == 200 and self.started_workers() >= self.workers:
                    connection.close()
                    return                          # every worker up (each prepares the rules)
            except OSError:
                time.sleep(0.2)
        raise SystemExit("the server did not start within 90 s")

    def started_workers(self) -> int:
        """How many of the server's processes have said they are ready since it was last started."""
        text = self.log.read_text(errors="replace")
        start = text.rfind("Started parent process" if self.workers > 1 else "Started server process")
        return text[start:].count("Application startup complete") if start >= 0 else 0

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the server's processes: uvicorn's and its workers'
        (its process group, read from /proc; 0 where /proc is not there)."""
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for entry in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = entry.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue                                    # the process ended meanwhile
            if int(fields[2]) == self.process.pid:          # the process group (field 5 of stat)
                total += (int(fields[11]) + int(fields[12])) / tick     # utime, stime
        return total

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def request(connection: http.client.HTTPConnection, method: str, path: str, token: str, body=None):
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def pledge(member_state: str, relocations: int, financial: int) -> dict:
    return {"document": "MemberStatePledge", "member_state": member_state, "pool_year": YEAR,
            "pledge": {"relocations": relocations, "financial_contributions": str(financial)}}


# ------------------------------------------------------------------ 1. checks

class RawConnection:
    """The checks workload's client connection: HTTP/1.1 kept alive on a plain socket. It sends a
    request made in one piece and reads the answer's status and Content-Length, then exactly that
    many bytes into a buffer it reuses; http.client parses every header in Python and copies each
    130 kB answer again, and this client shares the server's two cores."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray(1 << 20)

    def exchange(self, request: bytes) -> tuple[int, int]:
        """Send one request; (status, length of the body) of its answer."""
        self.sock.sendall(request)
        got, end = 0, -1
        while end < 0:
            got += self._receive(got, len(self.buffer))
            end = self.buffer.find(b"\r\n\r\n", 0, got)
        head = bytes(self.buffer[:end]).lower()
        length = int(head.split(b"\r\ncontent-length:", 1)[1].split(b"\r\n", 1)[0])
        total = end + 4 + length
        if total > len(self.buffer):
            self.buffer.extend(bytes(total - len(self.buffer)))
        while got < total:
            got += self._receive(got, total)
        return int(head[9:12]), length

    def _receive(self, at: int, until: int) -> int:
        n = self.sock.recv_into(memoryview(self.buffer)[at:until])
        if n == 0:
            raise ConnectionError("the server closed the connection")
        return n

    def close(self) -> None:
        self.sock.close()


def check_request(path: str, token: str, body: dict) -> bytes:
    data = json.dumps(body).encode()
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n").encode() + data


def checks(srv: Server, tokens: dict[str, str], seconds: float, clients: int, path: str) -> dict:
    states = sorted(tokens)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    deadline = time.monotonic() + seconds

    def client(n: int) -> None:
        rng = random.Random(n)
        state = states[n % len(states)]
        connection = RawConnection(srv.port)
        while time.monotonic() < deadline:
            body = {"document": pledge(state, rng.randint(0, 5000), rng.randint(0, 100_000_000))}
            request = check_request(path, tokens[state], body)
            start = time.perf_counter()
            try:
                status, length = connection.exchange(request)
            except (OSError, ValueError, IndexError):
                status, length = 0, 0
                connection.close()
                connection = RawConnection(srv.port)
            latencies[n].append(time.perf_counter() - start)
            if status != 200 or length == 0:
                errors[n] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started, server_cpu, client_cpu = time.perf_counter(), srv.cpu_seconds(), time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    server_cpu, client_cpu = srv.cpu_seconds() - server_cpu, time.process_time() - client_cpu
    every = sorted(x for mine in latencies for x in mine)
    return {"requests": len(every), "seconds": round(elapsed, 1), "per_second": round(len(every) / elapsed, 1),
            "p50_ms": round(1000 * statistics.median(every), 1),
            "p99_ms": round(1000 * every[min(len(every) - 1, int(0.99 * len(every)))], 1),
            "max_ms": round(1000 * every[-1], 1), "errors": sum(errors), "clients": clients,
            "server_cpu_ms_per_check": round(1000 * server_cpu / max(1, len(every)), 2),
            "client_cpu_ms_per_check": round(1000 * client_cpu / max(1, len(every)), 2)}


# ------------------------------------------------------------------ 2. versions

def submit_all(srv: Server, tokens: dict[str, str], versions: int, first: int, stop: threading.Event | None = None):
    """Each state submits `versions` pledges in order (relocations = first, first + 1, ...), one
    after the other; returns what was sent and what was acknowledged, by state."""
    sent: dict[str, list[int]] = {s: [] for s in tokens}
    acknowledged: dict[str, list[tuple[int, int]]] = {s: [] for s in tokens}     # (relocations, version)

    def state(member_state: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        for n in range(versions):
            if stop is not None and stop.is_set():
                return
            relocations = first + n
            sent[member_state].append(relocations)
            try:
                status, body = request(connection, "POST", "/api/v1/pledges", tokens[member_state],
                                       {"document": pledge(member_state, relocations, 1_000_000)})
            except OSError:
                return                                  # the server is gone: this state stops sending
            if status == 201:
                acknowledged[member_state].append((relocations, json.loads(body)["version"]))

    threads = [threading.Thread(target=state, args=(s,)) for s in tokens]
    for t in threads:
        t.start()
    return threads, sent, acknowledged


def stored(database: str) -> dict[str, list[PledgeVersion]]:
    engine = engine_for(database)
    try:
        made = sessions(engine)
        with made() as s:
            rows = s.query(PledgeVersion).filter(PledgeVersion.pool_year == YEAR) \
                .order_by(PledgeVersion.member_state, PledgeVersion.version).all()
        out: dict[str, list[PledgeVersion]] = {}
        for row in rows:
            out.setdefault(row.member_state, []).append(row)
        return out
    finally:
        engine.dispose()


def complete(row: PledgeVersion) -> bool:
    """A whole record: its result is the ammr-check/1 document its hash names."""
    try:
        return store.sha256(row.result) == row.result_sha256 and json.loads(row.result)["schema"] == "ammr-check/1" \
            and json.loads(row.document)["member_state"] == row.member_state
    except (ValueError, KeyError):
        return False


def versions_workload(srv: Server, tokens: dict[str, str], versions: int) -> dict:
    start = time.perf_counter()
    threads, sent, acknowledged = submit_all(srv, tokens, versions, first=1)
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    rows = stored(srv.database)
    problems = []
    for member_state, relocations in sent.items():
        mine = rows.get(member_state, [])
        got = [json.loads(r.document)["pledge"]["relocations"] for r in mine]
        if got != relocations:
            problems.append(f"{member_state}: sent {relocations}, stored {got}")
        if [r.version for r in mine] != list(range(1, len(mine) + 1)):
            problems.append(f"{member_state}: versions {[r.version for r in mine]}")
        if [v for _, v in acknowledged[member_state]] != list(range(1, versions + 1)):
            problems.append(f"{member_state}: acknowledged {acknowledged[member_state]}")
        problems += [f"{member_state} v{r.version}: incomplete" for r in mine if not complete(r)]
    return {"states": len(sent), "sent": sum(map(len, sent.values())),
            "acknowledged": sum(map(len, acknowledged.values())), "stored": sum(map(len, rows.values())),
            "seconds": round(elapsed, 1), "problems": problems}


# ------------------------------------------------------------------ 3. kill

def kill_workload(srv: Server, tokens: dict[str, str], after: float) -> dict:
    before = {s: len(rows) for s, rows in stored(srv.database).items()}
    stop = threading.Event()
    threads, sent, acknowledged = submit_all(srv, tokens, 1000, first=100_000, stop=stop)
    time.sleep(after)
    srv.kill()
    stop.set()
    for t in threads:
        t.join()
    srv.start()                                    # the same database: migrations, then serve
    rows = stored(srv.database)
    problems = []
    added = 0
    for member_state in tokens:
        mine = rows.get(member_state, [])[before.get(member_state, 0):]
        added += len(mine)
        got = [(json.loads(r.document)["pledge"]["relocations"], r.version) for r in mine]
        missing = [a for a in acknowledged[member_state] if a not in got]
        if missing:
            problems.append(f"{member_state}: acknowledged but not stored {missing}")
        if [g[0] for g in got] != sent[member_state][:len(got)]:
            problems.append(f"{member_state}: stored {got} is not a prefix of what was sent")
        problems += [f"{member_state} v{r.version}: incomplete" for r in mine if not complete(r)]
    connection = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    check_after, _ = request(connection, "POST", "/api/v1/pledges/check", tokens["NL"],
                             {"document": pledge("NL", 1, 1)})
    return {"killed_after_s": after, "sent": sum(map(len, sent.values())),
            "acknowledged": sum(map(len, acknowledged.values())), "stored": added,
            "check_after_restart": check_after, "problems": problems}


# ------------------------------------------------------------------ main

def setup(database: str) -> dict[str, str]:
    """Accounts for every Member State of the rules and the Coordinator; the 2026 cycle recorded."""
    from interpreter.portal.checking import PortalChecker
    settings = Settings(database=database)
    server.prepare_database(settings)
    checker = PortalChecker()
    engine = engine_for(database)
    made = sessions(engine)
    tokens = {}
    for code in checker.rules.program.member_states:
        store.add_user(made, f"bench-{code}", "member_state", code, None)
        tokens[code] = store.issue_token(made, f"bench-{code}")
    for _, data in server.example_documents(EXAMPLE):
        if data["document"] not in ("MemberStatePledge", "AnnualReport"):
            store.record_cycle_document(made, None, YEAR, data["document"], data)
    engine.dispose()
    return tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the checks workload")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients of the checks workload")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--versions", type=int, default=20, help="versions per state in the versions workload")
    parser.add_argument("--kill-after", type=float, default=3.0, help="seconds of submissions before SIGKILL")
    parser.add_argument("--database", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--pool", action="store_true", help="checks ask for the pool report too")
    parser.add_argument("--only", nargs="*", choices=["checks", "versions", "kill"])
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ammr-portal-load-"))
    database = args.database or f"sqlite:///{folder / 'portal.sqlite3'}"
    tokens = setup(database)
    path = "/api/v1/pledges/check" + ("" if args.pool else "?pool=false")
    srv = Server(database, args.workers, folder / "server.log")
    results = {"database": database.split(":", 1)[0], "workers": args.workers, "cores": os.cpu_count(),
               "check_request": path, "load_average_before": os.getloadavg()}
    chosen = args.only or ["checks", "versions", "kill"]
    try:
        srv.start()
        if "checks" in chosen:
            results["checks"] = checks(srv, tokens, args.seconds, args.clients, path)
            print(json.dumps({"checks": results["checks"]}), flush=True)
        if "versions" in chosen:
            results["versions"] = versions_workload(srv, tokens, args.versions)
            print(json.dumps({"versions": results["versions"]}), flush=True)
        if "kill" in chosen:
            results["kill"] = kill_workload(srv, tokens, args.kill_after)
            print(json.dumps({"kill": results["kill"]}), flush=True)
    finally:
        srv.stop()
    results["load_average_after"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    failed = [name for name in ("versions", "kill") if results.get(name, {}).get("problems")]
    sys.exit(1 if failed or results.get("checks", {}).get("errors") else 0)


if __name__ == "__main__":
    main()
