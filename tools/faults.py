"""`make faults`: faults injected into the production set-up, and nothing lost (issue 19).

The set-up, built fresh in a temporary directory for every run:

- a PostgreSQL cluster of its own (initdb, its own port), so a scenario may restart it;
- the demo as of today (`manage.py demo`), migrated and collected as `make serve-prod` does;
- two production servers (gunicorn with gunicorn.conf.py, DEBUG=0) on two ports, two
  workers each;
- two `tick --loop 1` workers, with the outbox's retry delays and stuck-claim timeout
  shortened to seconds (BAGALAU_NOTIFY_BACKOFF_SECONDS, BAGALAU_NOTIFY_STUCK_SECONDS);
- a fake SMTP relay in this process that records every message it accepts by Message-ID,
  and can refuse connections, answer slowly or bounce one address.

Each scenario prints what it did and what it counted before and after, and ends with
"N lost, M duplicated"; any other figure than 0 and 0 fails the run. This process reads and
counts through the ORM on the same database (DATABASE_URL is set before Django starts).

Run as root (initdb runs as the `postgres` user); about three minutes on two cores.
Usage: python tools/faults.py [scenario ...]   (default: every scenario, in order)
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql") / (
    sorted(os.listdir("/usr/lib/postgresql"))[-1] if Path("/usr/lib/postgresql").is_dir() else "15"
) / "bin"  # fmt: skip
PASSWORD = "bagalau-demo"  # noqa: S105 - the demo's printed password
STUCK_SECONDS = 4
BACKOFF = "1,2,3"


class Failed(Exception):
    pass


def say(text: str) -> None:
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(what: str, check: Callable[[], bool], seconds: float = 60, step: float = 0.2) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(step)
    raise Failed(f"{what}: not within {seconds:.0f} s")


# --- PostgreSQL of our own ---------------------------------------------------------------


class Cluster:
    """A throwaway PostgreSQL cluster on a free port; `restart` is the fault."""

    def __init__(self, base: Path) -> None:
        self.dir = base / "pg"
        self.port = free_port()
        self.log = base / "pg.log"

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True,  # noqa: S603,S607
                       stdout=subprocess.DEVNULL)  # fmt: skip

    def init(self) -> None:
        self.dir.mkdir(parents=True)
        shutil.chown(self.dir, "postgres", "postgres")
        self.log.touch()
        shutil.chown(self.log, "postgres", "postgres")
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.dir), "-U", "postgres",
                          "-A", "trust", "-E", "UTF8", "--no-sync")  # fmt: skip
        with (self.dir / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.dir}'\nfsync = off\n"
                "max_connections = 60\nshared_buffers = 64MB\n"
            )

    def ctl(self, *args: str) -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-l", str(self.log),
                          "-w", "-t", "60", *args)  # fmt: skip

    def start(self) -> None:
        self.ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self.ctl("stop", "-m", mode)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def create(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')


# --- a fake SMTP relay -------------------------------------------------------------------


@dataclass
class Relay:
    """SMTP on a port: accepts, refuses (nothing listens), or bounces an address (550)."""

    port: int = field(default_factory=free_port)
    delay: float = 0.0
    bounce: str = "bounce@"
    received: list[str] = field(default_factory=list)  # the Message-ID of every message
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: socketserver.ThreadingTCPServer | None = None

    def up(self) -> None:
        relay = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self) -> None:
                # A worker killed mid-session (the tick scenario) resets the connection.
                with suppress(ConnectionError):
                    self.session()

            def session(self) -> None:
                self.reply("220 fake relay")
                rcpt_ok = False
                while True:
                    raw = self.rfile.readline()
                    if not raw:
                        return
                    verb = raw.decode("utf-8", "replace").strip()
                    upper = verb.upper()
                    if upper.startswith(("EHLO", "HELO")):
                        self.reply("250 fake relay")
                    elif upper.startswith("MAIL FROM"):
                        rcpt_ok = False
                        self.reply("250 ok")
                    elif upper.startswith("RCPT TO"):
                        rcpt_ok = relay.bounce not in verb
                        self.reply("250 ok" if rcpt_ok else "550 no such mailbox")
                    elif upper == "DATA":
                        if not rcpt_ok:
                            self.reply("554 no valid recipients")
                            continue
                        self.reply("354 go on")
                        lines = []
                        while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                            lines.append(line.decode("utf-8", "replace"))
                        found = re.search(r"^Message-ID:\s*(\S+)", "".join(lines), re.M | re.I)
                        time.sleep(relay.delay)
                        with relay.lock:
                            relay.received.append(found.group(1) if found else "")
                        self.reply("250 queued")
                    elif upper == "RSET" or upper == "NOOP":
                        self.reply("250 ok")
                    elif upper == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("502 not implemented")

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def counts(self) -> Counter[str]:
        with self.lock:
            return Counter(self.received)


# --- the production processes ------------------------------------------------------------


@dataclass
class Rig:
    """The production set-up under test: the cluster, the relay, the servers and ticks."""

    base: Path
    cluster: Cluster
    relay: Relay
    db: str = "bagalau"
    ports: list[int] = field(default_factory=lambda: [free_port(), free_port()])
    servers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    ticks: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.cluster.url(self.db),
            "DEBUG": "0",
            "BAGALAU_HTTPS": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECRET_KEY": SECRET_KEY,
            "BAGALAU_VAR_DIR": str(self.base / "var"),
            "BAGALAU_EVIDENCE_DIR": str(self.base / "evidence"),
            "BAGALAU_SITE_URL": f"http://127.0.0.1:{self.ports[0]}",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.relay.port),
            "EMAIL_TIMEOUT": "5",
            "BAGALAU_NOTIFY_BACKOFF_SECONDS": BACKOFF,
            "BAGALAU_NOTIFY_STUCK_SECONDS": str(STUCK_SECONDS),
            "GUNICORN_WORKERS": "2",
            "GUNICORN_TIMEOUT": "60",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "bagalau.settings",
        }

    def manage(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=self.env(),
            capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise Failed(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start_server(self, index: int) -> None:
        env = {**self.env(), "GUNICORN_BIND": f"127.0.0.1:{self.ports[index]}"}
        log = (self.base / f"web{index}.log").open("ab")
        command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")]
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603
        if index < len(self.servers):
            self.servers[index] = server
        else:
            self.servers.append(server)
        base = f"http://127.0.0.1:{self.ports[index]}"
        wait_for(f"server {index} healthy", lambda: _healthy(base), seconds=90)

    def start_tick(self, name: str) -> None:
        log = (self.base / f"{name}.log").open("ab")
        command = [sys.executable, str(ROOT / "manage.py"), "tick", "--loop", "1",
                   "--worker", name, "--limit", "10"]  # fmt: skip
        self.ticks[name] = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=self.env(), stdout=log, stderr=log
        )

    def base_url(self, index: int = 0) -> str:
        return f"http://127.0.0.1:{self.ports[index]}"

    def workers(self, index: int) -> list[int]:
        """The pids of server `index`'s gunicorn workers (children of its master)."""
        master = self.servers[index].pid
        found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)  # noqa: S603,S607
        return [int(pid) for pid in found.stdout.split()]

    def stop(self) -> None:
        for proc in [*self.servers, *self.ticks.values()]:
            if proc.poll() is None:
                proc.terminate()
        for proc in [*self.servers, *self.ticks.values()]:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


SECRET_KEY = secrets.token_urlsafe(50)


def _healthy(base: str) -> bool:
    try:
        return requests.get(f"{base}/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def login(base: str, username: str) -> requests.Session:
    """A browser session: the login form with its CSRF token, as a user signs in."""
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=10)
    token = session.cookies.get("csrftoken", "")
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=20,
    )
    if response.status_code != 302:
        raise Failed(f"{username} could not sign in: {response.status_code}")
    return session


def csrf(session: requests.Session) -> str:
    return str(session.cookies.get("csrftoken", ""))


# --- what the database holds --------------------------------------------------------------


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bagalau.settings")
    os.environ["BAGALAU_NOTIFY_STUCK_SECONDS"] = str(STUCK_SECONDS)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def reconnect() -> None:
    from django.db import connections

    connections.close_all()


def audit_ok(faults: Rig) -> bool:
    out = faults.manage("verify_audit")
    return "broken" not in out.lower()


def invariants() -> dict[str, int]:
    """Half-done work, counted: each figure must stay 0."""
    from django.db.models import Exists, OuterRef

    from bagalau.evaluations.models import DONE_TASK_STATES, Result, SheetLine, Task

    reconnect()
    lines = SheetLine.objects.filter(task=OuterRef("pk"))
    return {
        "sheets without lines": Task.objects.filter(~Exists(lines), kind="differentiation")
        .exclude(state="excluded")
        .count(),
        "submitted differentiation sheets without a result": Task.objects.filter(
            kind="differentiation", state__in=DONE_TASK_STATES, result__isnull=True
        ).count(),
        "results of a sheet not submitted": Result.objects.filter(task__isnull=False)
        .exclude(task__state__in=DONE_TASK_STATES)
        .count(),
    }


def audit_events() -> int:
    from bagalau.core.models import AuditEvent

    reconnect()
    return AuditEvent.objects.count()


@contextmanager
def chain_locked(faults: Rig, body_id: int) -> Iterator[None]:
    """Hold the body's audit chain head, so a request that appends to it waits inside its
    transaction, after its other writes: the moment to kill the worker serving it."""
    import psycopg

    with psycopg.connect(faults.cluster.url(faults.db)) as conn:
        conn.execute(
            "SELECT 1 FROM core_auditchainhead WHERE key = %s FOR UPDATE", [f"body:{body_id}"]
        )
        yield
        conn.rollback()


def waiting_worker(faults: Rig) -> int:
    """The pid of the gunicorn worker whose database session waits for the chain lock."""
    import psycopg

    with psycopg.connect(faults.cluster.url("postgres"), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT client_port FROM pg_stat_activity WHERE datname = %s "
            "AND wait_event_type = 'Lock' AND client_port IS NOT NULL",
            [faults.db],
        ).fetchall()
    for (port,) in rows:
        command = ["ss", "-tnpH", f"sport = :{port}"]  # iproute2's socket list, with pids
        found = subprocess.run(command, capture_output=True, text=True).stdout  # noqa: S603
        match = re.search(r"pid=(\d+)", found)
        if match:
            return int(match.group(1))
    return 0


def report(name: str, lost: int, duplicated: int, **figures: Any) -> None:
    for key, value in figures.items():
        say(f"  {key}: {value}")
    say(f"  {name}: {lost} lost, {duplicated} duplicated")
    if lost or duplicated:
        raise Failed(f"{name}: {lost} lost, {duplicated} duplicated")


BASELINE: dict[str, int] = {}


def check_invariants(name: str) -> None:
    """Half-done work: no figure may grow from what the demo itself holds (BASELINE)."""
    found = invariants()
    for key, value in found.items():
        say(f"  {key}: {value} (the demo: {BASELINE.get(key, 0)})")
    if any(value > BASELINE.get(key, 0) for key, value in found.items()):
        raise Failed(f"{name}: half-done work left: {found}")


# --- scenarios ----------------------------------------------------------------------------


def open_sheets() -> tuple[str, int, int, list[Any]]:
    """The evaluator with the most open differentiation sheets in one schedule, and them."""
    from django.db.models import Count

    from bagalau.evaluations.models import OPEN_TASK_STATES, Task

    reconnect()
    best = (
        Task.objects.filter(
            kind="differentiation", state__in=OPEN_TASK_STATES, evaluator_user__isnull=False
        )
        .values("evaluator_user__username", "schedule_id", "body_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if best is None:
        raise Failed("the demo has no open differentiation sheet")
    tasks = list(
        Task.objects.filter(
            kind="differentiation",
            state__in=OPEN_TASK_STATES,
            evaluator_user__username=best["evaluator_user__username"],
            schedule_id=best["schedule_id"],
        ).prefetch_related("lines")
    )
    return best["evaluator_user__username"], best["schedule_id"], best["body_id"], tasks


def token_for(username: str) -> str:
    from bagalau.api.models import ApiToken
    from bagalau.core.models import User

    reconnect()
    _token, key = ApiToken.issue(User.objects.get(username=username), "faults")
    return key


def queue_emails(count: int, *, tag: str, bounce: bool = False) -> tuple[list[int], int]:
    """`count` e-mails due now to demo users (and one to a bouncing address); their ids."""
    from django.utils import timezone

    from bagalau.core.models import User
    from bagalau.notifications.models import Notification
    from bagalau.org.models import Servant

    reconnect()
    users = list(User.objects.exclude(email="").filter(is_active=True).order_by("pk")[:20])
    body_id = Servant.objects.filter(user=users[0]).values_list("body_id", flat=True).first()
    now = timezone.now()
    rows = [
        Notification(
            recipient=users[i % len(users)],
            channel="email",
            kind="faults.test",
            language="en",
            subject=f"{tag} {i}",
            text=f"{tag} message {i}",
            body_id=body_id,
            due_at=now,
        )  # fmt: skip
        for i in range(count)
    ]
    bounced = 0
    if bounce:
        user, _created = User.objects.get_or_create(
            username=f"bounce-{tag}", defaults={"email": f"bounce@{tag}.example.kz"}
        )
        rows.append(
            Notification(recipient=user, channel="email", kind="faults.test", language="en",
                         subject=f"{tag} bounce", text="bounce", body_id=body_id, due_at=now)
        )  # fmt: skip
    made = Notification.objects.bulk_create(rows)
    if bounce:
        bounced = made[-1].pk
        made = made[:-1]
    return [row.pk for row in made], bounced


def statuses(ids: list[int]) -> Counter[str]:
    from bagalau.notifications.models import Notification

    reconnect()
    return Counter(Notification.objects.filter(pk__in=ids).values_list("status", flat=True))


def delivered(relay: Relay, ids: list[int]) -> tuple[int, int]:
    """(distinct messages of `ids` the relay accepted, extra copies with the same Message-ID)."""
    counts = relay.counts()
    mine = {f"<notification-{pk}@localhost>" for pk in ids}
    got = {mid: n for mid, n in counts.items() if mid in mine}
    return len(got), sum(n - 1 for n in got.values())


def scenario_tick_killed(faults: Rig) -> None:
    """kill -9 of a tick worker while it sends: the other one and the restarted one take
    over; the rows the dead one claimed are reclaimed after the stuck timeout."""
    say("== tick killed while sending ==")
    relay = faults.relay
    relay.delay = 0.03
    ids, _ = queue_emails(150, tag="tick")
    say(f"  queued {len(ids)} e-mails; before: {dict(statuses(ids))}")
    wait_for("sending started", lambda: delivered(relay, ids)[0] >= 20, seconds=60, step=0.05)
    victim = faults.ticks["tick-a"]
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    sent_at_kill = delivered(relay, ids)[0]
    say(f"  killed tick-a (pid {victim.pid}) with {sent_at_kill} delivered")
    stuck = statuses(ids)["sending"]
    say(f"  rows left claimed (sending) by the dead worker or in flight: {stuck}")
    time.sleep(1)
    faults.start_tick("tick-a")
    say("  tick-a restarted")
    wait_for("every e-mail sent", lambda: statuses(ids)["sent"] == len(ids), seconds=90)
    relay.delay = 0.0
    distinct, copies = delivered(relay, ids)
    from bagalau.notifications.models import Notification

    reclaimed = Notification.objects.filter(pk__in=ids, last_error="", attempts__gt=1).count()
    report(
        "tick killed", lost=len(ids) - distinct, duplicated=0,
        **{"after": dict(statuses(ids)), "distinct messages delivered": distinct,
           "rows reclaimed from the dead worker and sent": reclaimed,
           "copies resent with the same Message-ID (kept once by mail stores)": copies},
    )  # fmt: skip


def scenario_smtp_down(faults: Rig) -> None:
    """The relay down, then up: every message kept and retried, delivered once it is back;
    a message the relay refuses for good ends "failed" on HR's outbox page."""
    say("== SMTP relay down, then back ==")
    from bagalau.notifications.models import Notification

    relay = faults.relay
    relay.down()
    ids, bounce = queue_emails(30, tag="smtp", bounce=True)
    say(f"  relay down; queued {len(ids)} e-mails and one to a refused address")
    wait_for(
        "every e-mail retried at least twice",
        lambda: Notification.objects.filter(pk__in=ids, attempts__gte=2).count() == len(ids),
        seconds=60,
    )
    while_down = statuses(ids)
    errors = set(Notification.objects.filter(pk__in=ids).values_list("last_error", flat=True))
    say(f"  while down: {dict(while_down)}, errors: {sorted(e.split(':')[0] for e in errors)}")
    if while_down["sent"] or while_down["failed"]:
        raise Failed(f"rows sent or failed while the relay was down: {dict(while_down)}")
    relay.up()
    say("  relay back up")
    wait_for("every e-mail sent", lambda: statuses(ids)["sent"] == len(ids), seconds=60)
    wait_for(
        "the refused one failed",
        lambda: statuses([bounce])["failed"] == 1,
        seconds=60,
    )
    failed = Notification.objects.get(pk=bounce)
    body_id = failed.body_id
    from bagalau.org.models import RoleAssignment

    hr = (
        RoleAssignment.objects.filter(body_id=body_id, role="hr_officer")
        .values_list("user__username", flat=True)
        .first()
    )
    page = login(faults.base_url(1), str(hr)).get(
        f"{faults.base_url(1)}/notifications/outbox/{body_id}/?status=failed", timeout=20
    )
    shown = page.status_code == 200 and f'name="notification" value="{bounce}"' in page.text
    say(f"  the refused message: {failed.status} after {failed.attempts} attempts "
        f"({failed.last_error[:60]}); on {hr}'s outbox page: {shown}")  # fmt: skip
    if not shown:
        raise Failed(f"the failed message is not on the outbox page ({page.status_code})")
    distinct, copies = delivered(relay, ids)
    report(
        "SMTP down", lost=len(ids) - distinct, duplicated=copies,
        **{"after": dict(statuses(ids)), "distinct messages delivered": distinct},
    )  # fmt: skip


class Load:
    """Clients in threads, each request's outcome counted; anything but a 2xx/3xx or a
    clean 503 (the API's {"code": "unavailable"}, the page "Service unavailable") is bad."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.outcomes: Counter[str] = Counter()
        self.bad: list[str] = []

    def count(self, response: requests.Response | None, error: str = "") -> str:
        if response is None:
            kind = "connection failed"
        elif response.status_code < 400:
            kind = "ok"
        elif (
            response.status_code == 503
            and ("unavailable" in response.text or "Service unavailable" in response.text)
            and "Traceback" not in response.text
        ):
            kind = "503 unavailable"
        elif response.status_code == 409 and '"code": "stale"' in response.text:
            # A draft sent with a revision a lost answer had already moved on: the client
            # is told, reads the sheet again and goes on (the concurrency rule of the API).
            kind = "409 stale, read again"
        else:
            kind = f"{response.status_code}"
        with self.lock:
            self.outcomes[kind] += 1
            if kind not in ("ok", "503 unavailable", "connection failed", "409 stale, read again"):
                self.bad.append(f"{kind}: {response.text[:300] if response is not None else error}")
        return kind


def scenario_database_restart(faults: Rig) -> None:
    """PostgreSQL restarted under a load of sheet drafts on both servers: every request in
    flight gets a clean 503 (or its answer), the servers reconnect by themselves, and every
    draft a client was told was saved is in the database."""
    say("== PostgreSQL restarted under load ==")
    username, _schedule, _body, tasks = open_sheets()
    key = token_for(username)
    load = Load()
    stop = threading.Event()
    # Per sheet: the values acknowledged (2xx) and those whose answer was an error.
    acknowledged: dict[int, list[str]] = {t.pk: [] for t in tasks}
    unanswered: dict[int, list[str]] = {t.pk: [] for t in tasks}

    def client(index: int, task: Any) -> None:
        base = faults.base_url(index % 2)
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {key}"
        code = task.lines.all()[0].code
        revision = task.revision
        n = 0
        while not stop.is_set():
            n += 1
            value = f"draft {task.pk}-{n}"
            try:
                response = http.put(
                    f"{base}/api/v1/evaluations/tasks/{task.pk}/sheet",
                    json={"revision": revision, "comments": {code: value}}, timeout=20,
                )  # fmt: skip
            except requests.RequestException as exc:
                load.count(None, str(exc))
                unanswered[task.pk].append(value)
                time.sleep(0.2)
                continue
            kind = load.count(response)
            if kind == "ok":
                acknowledged[task.pk].append(value)
                revision = response.json()["revision"]
            else:
                unanswered[task.pk].append(value)
                if response.status_code == 409:  # a stale revision: read it again
                    got = http.get(f"{base}/api/v1/evaluations/tasks/{task.pk}/sheet", timeout=20)
                    if got.status_code == 200:
                        revision = got.json()["revision"]
                time.sleep(0.2)

    threads = [
        threading.Thread(target=client, args=(i, t), daemon=True) for i, t in enumerate(tasks[:6])
    ]
    for thread in threads:
        thread.start()
    wait_for("the load running", lambda: load.outcomes["ok"] >= 10, seconds=30)
    before = dict(load.outcomes)
    say(f"  {len(threads)} clients saving drafts on both servers; before the restart: {before}")
    started = time.monotonic()
    faults.cluster.stop("fast")
    say("  PostgreSQL stopped (fast: sessions cut, transactions rolled back)")
    time.sleep(2)
    faults.cluster.start()
    say(f"  PostgreSQL started again after {time.monotonic() - started:.1f} s")
    mark = sum(load.outcomes.values())
    wait_for(
        "both servers answering again",
        lambda: (
            load.outcomes["ok"] > before.get("ok", 0) + 10
            and all(_healthy(faults.base_url(i)) for i in (0, 1))
        ),
        seconds=30,
    )
    say(f"  servers reconnected by themselves within {time.monotonic() - started:.1f} s "
        f"of the stop ({sum(load.outcomes.values()) - mark} requests since)")  # fmt: skip
    time.sleep(2)
    stop.set()
    for thread in threads:
        thread.join()
    say(f"  outcomes: {dict(load.outcomes)}")
    if load.bad:
        raise Failed(
            "requests answered neither cleanly nor with a clean 503:\n" + "\n".join(load.bad[:5])
        )
    from bagalau.evaluations.models import SheetLine

    reconnect()
    lost = duplicated = 0
    for task in tasks[:6]:
        code = task.lines.all()[0].code
        saved = SheetLine.objects.get(task_id=task.pk, code=code).comment
        last_ok = acknowledged[task.pk][-1] if acknowledged[task.pk] else None

        # Saved: the last draft the client was told was saved, or one sent after it whose
        # answer was lost (a 503 after the commit); never an older one, never nothing.
        if not (
            saved == last_ok or (saved in unanswered[task.pk] and number(saved) > number(last_ok))
        ):
            lost += 1
            say(f"  sheet {task.pk}: saved {saved!r}, last acknowledged {last_ok!r}")
    check_invariants("database restart")
    report(
        "database restart", lost=lost, duplicated=duplicated,
        **{"acknowledged drafts": sum(len(v) for v in acknowledged.values()),
           "drafts answered 503 or cut": sum(len(v) for v in unanswered.values())},
    )  # fmt: skip


def number(value: str | None) -> int:
    """The sequence number of a draft value ("draft 12-7" → 7; none → 0)."""
    return int(value.rsplit("-", 1)[1]) if value else 0


def killed_mid_request(
    faults: Rig, what: str, body_id: int, send: Callable[[], requests.Response]
) -> str:
    """Send a request, hold it inside its transaction (the audit chain lock), kill -9 the
    worker serving it, release: the database rolls the whole transaction back."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["response"] = send()
        except requests.RequestException as exc:
            outcome["error"] = type(exc).__name__

    with chain_locked(faults, body_id):
        thread = threading.Thread(target=run)
        thread.start()
        pid = 0

        def found() -> bool:
            nonlocal pid
            pid = waiting_worker(faults)
            return pid != 0

        wait_for(f"{what} waiting inside its transaction", found, seconds=60)
        os.kill(pid, signal.SIGKILL)
        thread.join(30)
    say(f"  {what}: worker {pid} killed inside the transaction; the client got "
        f"{outcome.get('error') or outcome['response'].status_code}")  # fmt: skip
    import psycopg

    # The killed worker's session ends once the database notices the client gone.
    def gone() -> bool:
        with psycopg.connect(faults.cluster.url("postgres"), autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state <> 'idle' "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
                [faults.db],
            ).fetchone()
        return bool(row and row[0] == 0)

    wait_for("the killed worker's transaction ended", gone, seconds=30)
    wait_for("the server's worker replaced", lambda: _healthy(faults.base_url(0)), seconds=30)
    return str(outcome.get("error") or outcome["response"].status_code)


def all_or_nothing(
    faults: Rig,
    what: str,
    body_id: int,
    send: Callable[[], requests.Response],
    counts: Callable[[], Any],
) -> tuple[requests.Response, Any]:
    """The shape of every kill scenario: count, kill the worker inside the request's
    transaction, find nothing of it kept, send the same request again, check that no
    half-done work and no broken audit chain is left. Returns the retry and its counts."""
    before = counts()
    say(f"  before: {before}")
    killed_mid_request(faults, what, body_id, send)
    after_kill = counts()
    say(f"  after the kill: {after_kill}")
    if after_kill != before:
        raise Failed(f"half of {what} was kept: {after_kill}")
    retry = send()
    after = counts()
    say(f"  the retry: {retry.status_code}; after: {after}")
    check_invariants(what)
    if not audit_ok(faults):
        raise Failed("verify_audit found a broken chain")
    say("  verify_audit: every chain intact")
    return retry, after


def scenario_bulk_submission_killed(faults: Rig) -> None:
    """kill -9 of a web worker in the middle of a bulk submission of an evaluator's sheets
    (the bulk page's form): none submitted, no result, no audit event; the same form sent
    again submits every one, each with its result and one audit event."""
    say("== web worker killed in a bulk submission ==")
    from bagalau.core.models import AuditEvent
    from bagalau.evaluations.models import Result, Task

    username, schedule_id, body_id, tasks = open_sheets()
    ids = [t.pk for t in tasks]
    session = login(faults.base_url(0), username)
    url = f"{faults.base_url(0)}/evaluations/schedules/{schedule_id}/sheets/"
    reconnect()
    data = {"csrfmiddlewaretoken": csrf(session), "submit": "1", "page": "1"}
    for task in Task.objects.filter(pk__in=ids).prefetch_related("lines"):
        data[f"t{task.pk}-revision"] = str(task.revision)
        for line in task.lines.all():
            data[f"t{task.pk}-score_{line.code}"] = "4"

    def counts() -> dict[str, int]:
        reconnect()
        return {
            "submitted": Task.objects.filter(pk__in=ids, state="submitted").count(),
            "results": Result.objects.filter(task_id__in=ids).count(),
            "audit events": AuditEvent.objects.filter(
                action="task.submit", object_id__in=[str(i) for i in ids]
            ).count(),
        }

    say(f"  {username}'s {len(ids)} open sheets of schedule {schedule_id}")
    _, after = all_or_nothing(
        faults, "the bulk submission", body_id,
        lambda: session.post(url, data=data, headers={"Referer": url}, timeout=60,
                             allow_redirects=False),
        counts,
    )  # fmt: skip
    report(
        "bulk submission killed", lost=len(ids) - after["submitted"],
        duplicated=(after["results"] - len(ids)) + (after["audit events"] - len(ids)),
    )  # fmt: skip


def scenario_approval_killed(faults: Rig) -> None:
    """kill -9 of a web worker in the middle of a schedule approval (the API call of the
    authorized person): no sheet made; the retry makes every sheet with its lines; a second
    approval makes none."""
    say("== web worker killed in a schedule approval ==")
    from bagalau.evaluations.models import Schedule, SheetLine, Task
    from bagalau.org.models import RoleAssignment

    reconnect()
    schedule = Schedule.objects.filter(status="draft").order_by("pk").first()
    if schedule is None:
        raise Failed("the demo has no draft schedule")
    approver = (
        RoleAssignment.objects.filter(body_id=schedule.body_id, role="authorized_person")
        .values_list("user__username", flat=True)
        .first()
    )
    key = token_for(str(approver))
    url = f"{faults.base_url(0)}/api/v1/evaluations/schedules/{schedule.pk}/approve"
    headers = {"Authorization": f"Bearer {key}"}

    def counts() -> dict[str, Any]:
        reconnect()
        return {
            "status": Schedule.objects.get(pk=schedule.pk).status,
            "sheets": Task.objects.filter(schedule=schedule).count(),
            "lines": SheetLine.objects.filter(task__schedule=schedule).count(),
        }

    say(f"  schedule {schedule.pk} of body {schedule.body_id}, approved by {approver}")
    retry, after = all_or_nothing(
        faults, "the approval", schedule.body_id,
        lambda: requests.post(url, headers=headers, timeout=60), counts,
    )  # fmt: skip
    if retry.status_code != 200 or after["status"] != "approved" or not after["sheets"]:
        raise Failed(f"the retried approval did not go through: {retry.text[:300]}")
    again = requests.post(url, headers=headers, timeout=60)
    report(
        "schedule approval killed", lost=0,
        duplicated=counts()["sheets"] - after["sheets"],
        **{"a second approval": again.status_code},
    )  # fmt: skip


def scenario_year_results_killed(faults: Rig) -> None:
    """kill -9 of a web worker in the middle of forming a body's year results (HR's form):
    no result kept; the retry forms every one; forming again adds none."""
    say("== web worker killed while forming the year results ==")
    from bagalau.evaluations.models import Result
    from bagalau.org.models import RoleAssignment

    reconnect()
    year = time.localtime().tm_year
    body_id = (
        Result.objects.filter(year=year, quarter__gt=0)
        .values_list("body_id", flat=True)
        .order_by("body_id")
        .first()
    )
    hr = (
        RoleAssignment.objects.filter(body_id=body_id, role="hr_officer")
        .values_list("user__username", flat=True)
        .first()
    )
    session = login(faults.base_url(0), str(hr))
    url = f"{faults.base_url(0)}/evaluations/bodies/{body_id}/year-results/"

    def post() -> requests.Response:
        data = {"csrfmiddlewaretoken": csrf(session), "year": str(year), "confirm": "1"}
        return session.post(url, data=data, headers={"Referer": url}, timeout=60,
                            allow_redirects=False)  # fmt: skip

    def counts() -> int:
        reconnect()
        return Result.objects.filter(body_id=body_id, year=year, quarter=0).count()

    say(f"  body {body_id}, year {year}, formed by {hr}: the year results")
    retry, formed = all_or_nothing(faults, "the forming", int(body_id or 0), post, counts)
    if retry.status_code != 302 or not formed:
        raise Failed("the retried forming formed nothing")
    again = post()
    after = counts()
    report(
        "year results killed", lost=0, duplicated=after - formed,
        **{"forming again": f"{again.status_code}, {after} year results"},
    )  # fmt: skip


def scenario_excel_import_killed(faults: Rig) -> None:
    """kill -9 of a web worker in the middle of an Excel import of the staff (HR's upload of
    the body's own export, with twenty new units): no unit kept; the retry imports all;
    importing again adds none."""
    say("== web worker killed in an Excel import ==")
    import io

    from openpyxl import load_workbook

    from bagalau.org.models import RoleAssignment, Unit

    reconnect()
    assignment = RoleAssignment.objects.filter(role="hr_officer").order_by("body_id").first()
    if assignment is None:
        raise Failed("the demo has no HR officer")
    body_id, hr = assignment.body_id, assignment.user.username
    session = login(faults.base_url(0), hr)
    exported = session.get(f"{faults.base_url(0)}/bodies/{body_id}/export.xlsx", timeout=60)
    if exported.status_code != 200:
        raise Failed(f"the export failed: {exported.status_code}")
    book = load_workbook(io.BytesIO(exported.content))
    units = book["units"]
    keys = [cell.value for cell in units[1]]
    for i in range(1, 21):
        row = {"code": f"FAULT-{i:02d}", "name_kk": f"Сынақ бөлімі {i}"}
        units.append([row.get(str(key)) for key in keys])
    out = io.BytesIO()
    book.save(out)
    workbook = out.getvalue()
    url = f"{faults.base_url(0)}/bodies/{body_id}/import/"

    def post() -> requests.Response:
        return session.post(
            url, data={"csrfmiddlewaretoken": csrf(session)}, headers={"Referer": url},
            files={"workbook": ("staff.xlsx", workbook,
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
            timeout=120, allow_redirects=False,
        )  # fmt: skip

    def counts() -> int:
        reconnect()
        return Unit.objects.filter(body_id=body_id, code__startswith="FAULT-").count()

    say(f"  body {body_id}, imported by {hr}: the export with 20 new units")
    retry, imported = all_or_nothing(faults, "the import", body_id, post, counts)
    if retry.status_code != 302 or imported != 20:
        raise Failed(f"the retried import did not go through: {retry.text[:300]}")
    again = post()
    after = counts()
    report(
        "Excel import killed", lost=20 - imported, duplicated=after - imported,
        **{"importing again": f"{again.status_code}, {after} new units"},
    )  # fmt: skip


def scenario_disk_full(faults: Rig) -> None:
    """An evidence upload when the disk is full (the evidence directory is a small tmpfs):
    a clear message, no file, no row; with room again the same upload is kept whole."""
    say("== an upload on a full disk ==")
    from bagalau.evaluations.models import OPEN_TASK_STATES, Evidence, Task

    reconnect()
    task = (
        Task.objects.filter(kind="kpi_quarterly", state__in=OPEN_TASK_STATES,
                            evaluator_user__isnull=False)
        .exclude(state="actuals_due")
        .select_related("evaluator_user")
        .order_by("pk")
        .first()
    )  # fmt: skip
    if task is None:
        raise Failed("the demo has no open quarterly KPI sheet")
    code = task.lines.order_by("order").values_list("code", flat=True)[0]
    root = faults.base / "evidence"
    stat = os.statvfs(root)
    filler = root / "filler"
    filler.write_bytes(b"\0" * max(0, stat.f_bavail * stat.f_frsize - 16 * 1024))
    free = os.statvfs(root).f_bavail * os.statvfs(root).f_frsize
    pdf = b"%PDF-1.7\n" + b"0" * 100_000 + b"\n%%EOF\n"
    session = login(faults.base_url(0), task.evaluator_user.username)
    url = f"{faults.base_url(0)}/evaluations/sheets/{task.pk}/evidence/"

    def upload() -> requests.Response:
        return session.post(
            url, data={"csrfmiddlewaretoken": csrf(session), "line": code},
            files={"file": ("есеп.pdf", pdf, "application/pdf")},
            headers={"Referer": url}, timeout=60,
        )  # fmt: skip

    demo_files: set[str] = set()

    def stored() -> list[str]:
        names = {p.name for p in root.rglob("*") if p.is_file() and p != filler}
        return sorted(names - demo_files)

    before = Evidence.objects.filter(task=task).count()
    demo_files = set(stored())  # the demo's own evidence lives there too
    say(
        f"  sheet {task.pk}: {before} files; {free // 1024} KB free, uploading {len(pdf) // 1024} KB"
    )
    page = upload()
    message = "сервердің жады толып қалғандықтан"  # the user's language: Kazakh
    reconnect()
    after = Evidence.objects.filter(task=task).count()
    say(f"  answer: {page.status_code}, the message shown: {message in page.text}; "
        f"files: {after}, on disk besides the filler: {stored()}")  # fmt: skip
    if page.status_code != 200 or message not in page.text or after != before or stored():
        raise Failed("the full disk was not a clean refusal")
    filler.unlink()
    again = upload()
    reconnect()
    kept = Evidence.objects.filter(task=task).count()
    files = stored()
    say(f"  with room again: {again.status_code}, files {kept}, on disk {len(files)}")
    if kept != before + 1 or len(files) != 1:
        raise Failed("the upload with room again was not kept")
    size = next(p.stat().st_size for p in root.rglob(files[0]))
    report("disk full", lost=0, duplicated=kept - before - 1, **{"the stored file's size": size,
           "the upload's size": len(pdf)})  # fmt: skip


def scenario_everything_at_once(faults: Rig) -> None:
    """Both servers and both tick workers under a minute of load (drafts, submissions and a
    queue of e-mails); one server and one tick worker killed -9 midway. Clients of the dead
    server go to the other (as the load balancer does). Everything acknowledged is saved,
    every notification goes out, nothing twice."""
    say("== two servers and two tick workers, one of each killed ==")
    from django.db.models import Count

    from bagalau.evaluations.models import OPEN_TASK_STATES, Task
    from bagalau.notifications.models import Notification

    reconnect()
    first_id = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    pool = list(
        Task.objects.filter(kind="differentiation", state__in=OPEN_TASK_STATES,
                            evaluator_user__isnull=False)
        .select_related("evaluator_user").prefetch_related("lines")
    )  # fmt: skip
    keys = {u: token_for(u) for u in {t.evaluator_user.username for t in pool}}
    emails, _ = queue_emails(100, tag="minute")
    faults.relay.delay = 0.02
    say(f"  {len(pool)} open sheets of {len(keys)} evaluators; {len(emails)} e-mails queued, "
        "10 more every second")  # fmt: skip
    load = Load()
    dead: set[int] = set()
    submitted: dict[int, str] = {}
    seconds = float(os.environ.get("FAULTS_MINUTE", "60"))
    stop = time.monotonic() + seconds

    def call(
        prefer: int, method: str, path: str, key: str, body: dict[str, Any]
    ) -> requests.Response | None:
        for index in (prefer, 1 - prefer):  # the balancer: this client's server, else the other
            if index in dead:
                continue
            try:
                return requests.request(
                    method, f"{faults.base_url(index)}{path}", json=body or None, timeout=30,
                    headers={"Authorization": f"Bearer {key}"},
                )  # fmt: skip
            except requests.RequestException:
                load.count(None)
                dead.add(index)  # the balancer's health check takes it out
        return None

    def client(task: Any) -> None:
        key = keys[task.evaluator_user.username]
        codes = [line.code for line in task.lines.all()]
        prefer = task.pk % 2
        revision = task.revision
        n = 0
        while time.monotonic() < stop:
            n += 1
            if task.pk in submitted:  # done: the evaluator reads the sheet until the end
                got = call(prefer, "GET", f"/api/v1/evaluations/tasks/{task.pk}", key, {})
                if got is not None:
                    load.count(got)
                time.sleep(0.3)
                continue
            body = {"revision": revision, "comments": {codes[0]: f"minute {n}"}}
            last = time.monotonic() > stop - seconds / 3
            if last:
                body["scores"] = dict.fromkeys(codes, "4")
            path = f"/api/v1/evaluations/tasks/{task.pk}/" + ("submit" if last else "sheet")
            response = call(prefer, "POST" if last else "PUT", path, key, body)
            kind = load.count(response) if response is not None else "connection failed"
            if kind == "ok" and response is not None:
                revision = response.json()["revision"]
                if last:
                    submitted[task.pk] = "acknowledged"
            elif response is None or response.status_code in (409, 503):
                got = call(prefer, "GET", f"/api/v1/evaluations/tasks/{task.pk}", key, {})
                if got is not None and got.status_code == 200:
                    revision = got.json()["revision"]
                    if got.json().get("state") == "submitted":
                        submitted[task.pk] = "acknowledged after a lost answer"
            time.sleep(0.3)

    def producer() -> None:
        # A quarter's close: e-mails keep coming while the workers send.
        while time.monotonic() < stop - seconds / 4:
            emails.extend(queue_emails(10, tag="minute")[0])
            time.sleep(1)

    threads = [threading.Thread(target=client, args=(t,), daemon=True) for t in pool]
    threads.append(threading.Thread(target=producer, daemon=True))
    for thread in threads:
        thread.start()
    time.sleep(seconds / 3)
    victim = faults.ticks["tick-b"]
    os.kill(victim.pid, signal.SIGKILL)
    say(f"  {seconds / 3:.0f} s: tick-b killed -9 ({dict(statuses(emails))})")
    time.sleep(seconds / 6)
    server = faults.servers[1]
    workers = faults.workers(1)
    os.kill(server.pid, signal.SIGKILL)
    for pid in workers:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    say(f"  {seconds / 2:.0f} s: server 1 killed -9 (master and {len(workers)} workers); "
        f"outcomes so far {dict(load.outcomes)}")  # fmt: skip
    for thread in threads:
        thread.join(seconds + 60)
    faults.start_tick("tick-b")
    faults.relay.delay = 0.0
    reconnect()
    created = Notification.objects.filter(pk__gt=first_id, channel="email")
    wait_for(
        "every e-mail of the run sent",
        lambda: not created.exclude(status__in=["sent", "failed", "cancelled"]).exists(),
        seconds=90,
    )
    rows = list(created.values_list("pk", flat=True))
    failed = created.filter(status="failed").count()
    distinct, copies = delivered(faults.relay, rows)
    saved = set(
        Task.objects.filter(pk__in=list(submitted), state="submitted").values_list("pk", flat=True)
    )
    twice = (
        Notification.objects.filter(pk__gt=first_id)
        .exclude(object_id="")
        .values("recipient_id", "kind", "object_id", "channel")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    say(f"  outcomes: {dict(load.outcomes)}")
    if load.bad:
        raise Failed("answers neither clean nor a clean 503:\n" + "\n".join(load.bad[:5]))
    check_invariants("everything at once")
    if not audit_ok(faults):
        raise Failed("verify_audit found a broken chain")
    say("  verify_audit: every chain intact")
    report(
        "everything at once",
        lost=(len(submitted) - len(saved)) + (len(rows) - failed - distinct),
        duplicated=twice,
        **{"submissions acknowledged": len(submitted), "submitted in the database": len(saved),
           "e-mails of the run": len(rows), "delivered (distinct Message-IDs)": distinct,
           "failed for HR to see": failed,
           "copies resent with the same Message-ID (kept once by mail stores)": copies},
    )  # fmt: skip


SCENARIOS: dict[str, Callable[[Rig], None]] = {
    "smtp": scenario_smtp_down,
    "tick": scenario_tick_killed,
    "database": scenario_database_restart,
    "bulk": scenario_bulk_submission_killed,
    "approval": scenario_approval_killed,
    "year": scenario_year_results_killed,
    "import": scenario_excel_import_killed,
    "disk": scenario_disk_full,
    "minute": scenario_everything_at_once,
}


def main(argv: list[str]) -> int:
    chosen = argv or list(SCENARIOS)
    unknown = [name for name in chosen if name not in SCENARIOS]
    if unknown:
        say(f"unknown scenarios: {unknown}; known: {list(SCENARIOS)}")
        return 2
    if os.geteuid() != 0 or not (PG_BIN / "initdb").exists():
        say("make faults needs root and PostgreSQL's initdb (it runs a cluster of its own)")
        return 2
    base = Path(tempfile.mkdtemp(prefix="bagalau-faults-"))
    shutil.chown(base, "postgres", "postgres")
    started = time.monotonic()
    cluster = Cluster(base)
    relay = Relay()
    faults = Rig(base, cluster, relay)
    try:
        (base / "evidence").mkdir()
        # The evidence directory on a small tmpfs: the full-disk scenario fills it.
        mount = ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(base / "evidence")]
        subprocess.run(mount, check=True)  # noqa: S603
        cluster.init()
        cluster.start()
        cluster.create(faults.db)
        faults.manage("migrate", "--noinput", "-v0")
        faults.manage("collectstatic", "--noinput", "-v0")
        faults.manage("demo")
        django_setup(cluster.url(faults.db))
        BASELINE.update(invariants())
        relay.up()
        faults.start_server(0)
        faults.start_server(1)
        faults.start_tick("tick-a")
        faults.start_tick("tick-b")
        say(f"set up in {time.monotonic() - started:.0f} s: PostgreSQL on port {cluster.port}, "
            f"servers on {faults.ports}, ticks tick-a and tick-b, relay on {relay.port}")  # fmt: skip
        for name in chosen:
            began = time.monotonic()
            SCENARIOS[name](faults)
            say(f"  ({time.monotonic() - began:.0f} s)")
    except Failed as exc:
        say(f"FAILED: {exc}")
        for log in sorted(base.glob("*.log")):
            say(f"--- {log.name} (last lines)")
            say("\n".join(log.read_text(errors="replace").splitlines()[-15:]))
        return 1
    finally:
        faults.stop()
        relay.down()
        with suppress(subprocess.CalledProcessError):
            cluster.stop("immediate")
        subprocess.run(["umount", str(base / "evidence")], check=False)  # noqa: S603,S607
        shutil.rmtree(base, ignore_errors=True)
    say(f"make faults: every scenario passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
