"""Haven's benchmark (`make bench`): not a test, a measurement to read.

1. Times `haven demo --scale 1` on a fresh SQLite database.
2. Builds (or reuses, keyed by scale) var/bench/scale-N.sqlite3 with `haven migrate` and
   `haven demo --scale N --seed 1` (N = BENCH_SCALE, default 100: about a million intakes at
   BXL), and times the generation.
3. Measures the server time of the intake queue (first page, filtered, searched by pseudonym),
   "since the last shift" and the client search, signed in as BXL's director: median and p95
   of BENCH_REQUESTS requests (default 20) through Django's test client in-process, and the
   SQL queries of one request. Target (issue 3): under 200 ms per page at scale 100 on SQLite.
   Then times the shelter's occupancy figures (haven.shelter.occupancy.figures) for 30 years
   and for one year, after adding 21 rooms × scale and 30 years of stays to BXL if it has no
   rooms (haven.shelter.occupancy_bench). Target (issue 6): 30 years under 1 s on SQLite.
   Then times `haven report` as a subprocess (median of 3 runs, peak memory of the child):
   BXL for 30 years (1995-01-01 to the data's last day) and for the last complete year, and
   every centre added up (--centre ALL) for 30 years. Targets (issue 7): 30 years under 2 s,
   one year under 0.5 s, under 500 MB.
4. The same on a throwaway PostgreSQL cluster when `scripts/with-postgres --bindir` finds one,
   at BENCH_PG_SCALE (default 10, so that it stays quick: the cluster and its data are built
   anew each run). BENCH_PG_SCALE=0 skips it.

On the fresh scale-1 database of step 1, BXL is exported as a dataset (`haven export
--format dataset`) and `haven import DIR --centre HIST` is timed (target: 30 s). A step whose
command does not exist yet is skipped with a message.

Pages are requested with DEBUG off (no query log), time frozen at the moment the data were
generated (so "since the last shift" and the ages mean the same on a reused database). A page
whose URL does not resolve yet is skipped with a message.

    scripts/bench                      everything
    BENCH_SCALE=10 scripts/bench       a smaller SQLite database (var/bench/scale-10.sqlite3)
    scripts/bench --rebuild            generate the SQLite database again
"""

# ruff: noqa: S603 - runs Haven's own commands, with arguments built here
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
HAVEN = Path(sys.executable).parent / "haven"
TARGET_MS = 200.0
OCCUPANCY_TARGET_MS = 1000.0
REPORT_TARGET_S = {"30 years": 2.0, "last year": 0.5}
REPORT_MEMORY_TARGET_MB = 500.0
IMPORT_TARGET_S = 30.0
REPORT_RUNS = 3
SEED = 1
DIRECTOR = "bxl-director"
SEARCH = "Juniper"  # a demo pseudonym: about one client in 64 carries it

# (label, URL name, query string); each on a fresh session (the queue remembers its filters).
QUEUE, NIGHT, CLIENTS = "intake:queue", "intake:since_last_shift", "clients:list"
PAGES = [
    ("intake queue: first page (open intakes)", QUEUE, ""),
    ("intake queue: all, phone, judicial", QUEUE, "outcome=all&channel=phone&referrer=judicial"),
    ("intake queue: open, on call", QUEUE, "on_call=yes"),
    ("intake queue: search pseudonym (open)", QUEUE, f"q={SEARCH}"),
    ("intake queue: search pseudonym (all)", QUEUE, f"outcome=all&q={SEARCH}"),
    ("since the last shift", NIGHT, ""),
    ("client search: pseudonym", CLIENTS, f"q={SEARCH}"),
    ("client search: part of a file code", CLIENTS, "q=BXL-2024-01"),
    ("client search: whole file code", CLIENTS, "q=BXL-2024-0100"),
    ("client list: first page", CLIENTS, ""),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="generate the SQLite data again")
    parser.add_argument("--measure", metavar="LABEL", help=argparse.SUPPRESS)
    parser.add_argument("--postgres-run", type=float, metavar="SCALE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(args.measure)
    if args.postgres_run is not None:
        return postgres_run(args.postgres_run)

    scale = float(os.environ.get("BENCH_SCALE", "100"))
    pg_scale = float(os.environ.get("BENCH_PG_SCALE", "10"))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    # Commands are timed as an installation runs them: from compiled modules (with
    # PYTHONDONTWRITEBYTECODE set, every child would compile Haven's 400 modules again).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "haven")], check=True)

    heading("Generation at scale 1 (fresh SQLite database)")
    with tempfile.TemporaryDirectory(dir=BENCH_DIR) as tmp:
        url = f"sqlite:///{Path(tmp) / 'scale-1.sqlite3'}"
        haven(url, "migrate", "-v0")
        seconds, history = timed_demo(url, 1)
        print(f"  haven demo --scale 1: {seconds:.1f} s in all; {history}")
        timed_import(url, Path(tmp))

    heading(f"SQLite at scale {scale:g}")
    database = BENCH_DIR / f"scale-{scale:g}.sqlite3"
    ready = database.with_suffix(".ready.json")
    url = f"sqlite:///{database}"
    if args.rebuild or not ready.exists():
        for stale in (database, ready, *database.parent.glob(f"{database.name}-*")):
            stale.unlink(missing_ok=True)
        haven(url, "migrate", "-v0")
        generated_at = datetime.datetime.now(datetime.UTC).isoformat()
        seconds, history = timed_demo(url, scale)
        info = {"scale": scale, "seed": SEED, "seconds": seconds, "generated_at": generated_at}
        ready.write_text(json.dumps(info))
        print(f"  haven demo --scale {scale:g}: {seconds:.1f} s in all; {history}")
    else:
        info = json.loads(ready.read_text())
        haven(url, "migrate", "-v0")  # the models may have moved on since
        print(
            f"  reusing {database.relative_to(ROOT)} (generated {info['generated_at'][:16]} "
            f"in {info['seconds']:.1f} s; --rebuild to generate again)"
        )
    print(f"  database size: {database.stat().st_size / 1e6:,.0f} MB")
    env: dict[str, str] = {
        "HAVEN_DATABASE_URL": url,
        "BENCH_NOW": str(info["generated_at"]),
        "BENCH_DATA_SCALE": f"{scale:g}",
    }
    run([sys.executable, __file__, "--measure", f"SQLite, scale {scale:g}"], env)
    timed_reports(url, datetime.datetime.fromisoformat(str(info["generated_at"])).date())

    heading(f"PostgreSQL at scale {pg_scale:g}")
    with_postgres = ROOT / "scripts" / "with-postgres"
    found = subprocess.run([with_postgres, "--bindir"], capture_output=True, check=False)
    if pg_scale <= 0:
        print("  skipped (BENCH_PG_SCALE=0)")
    elif found.returncode != 0:
        print("  skipped: no PostgreSQL server binaries (apt-get install postgresql)")
    else:
        run([with_postgres, sys.executable, __file__, "--postgres-run", str(pg_scale)], {})
    return 0


def heading(text: str) -> None:
    print(f"\n== {text}", flush=True)


def run(command: list, env: dict[str, str]) -> None:
    subprocess.run(command, env={**os.environ, **env}, cwd=ROOT, check=True)


def haven(url: str, *args: str) -> str:
    result = subprocess.run(
        [HAVEN, *args],
        env={**os.environ, "HAVEN_DATABASE_URL": url},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def timed_demo(url: str, scale: float) -> tuple[float, str]:
    """Wall time of `haven demo` (accounts and history), and what it says of the history."""
    started = time.monotonic()
    output = haven(url, "demo", "--scale", f"{scale:g}", "--seed", str(SEED))
    seconds = time.monotonic() - started
    lines = output.splitlines()
    total = next((line for line in lines if line.startswith("History:")), "History: ?")
    centres = [line for line in lines if line[:4] in ("BXL:", "ANT:", "LIE:")]
    return seconds, "\n    ".join([f"history {total.removeprefix('History: ')}", *centres])


def postgres_run(scale: float) -> int:
    """Inside scripts/with-postgres: build the data, then measure."""
    url = os.environ["HAVEN_DATABASE_URL"]
    haven(url, "migrate", "-v0")
    generated_at = datetime.datetime.now(datetime.UTC).isoformat()
    seconds, history = timed_demo(url, scale)
    print(f"  haven demo --scale {scale:g}: {seconds:.1f} s in all; {history}")
    run(
        [sys.executable, __file__, "--measure", f"PostgreSQL, scale {scale:g}"],
        {"BENCH_NOW": generated_at, "BENCH_DATA_SCALE": f"{scale:g}"},
    )
    timed_reports(url, datetime.datetime.fromisoformat(generated_at).date())
    return 0


def has_command(url: str, name: str) -> bool:
    """Whether `haven NAME` exists yet (a command in the making may not)."""
    found = subprocess.run(
        [HAVEN, "help", name],
        env={**os.environ, "HAVEN_DATABASE_URL": url},
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    return found.returncode == 0


def timed_child(url: str, *args: str) -> tuple[float, float]:
    """Wall time (s) and peak memory (MB) of one `haven ...` child, its output discarded."""
    with tempfile.TemporaryFile() as errors:
        started = time.monotonic()
        child = subprocess.Popen(
            [HAVEN, *args],
            env={**os.environ, "HAVEN_DATABASE_URL": url},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        _pid, status, usage = os.wait4(child.pid, 0)  # the rusage of this child alone
        seconds = time.monotonic() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait
        if child.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"haven {' '.join(args)} failed: {errors.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024  # kilobytes on Linux


def timed_reports(url: str, today: datetime.date) -> None:
    """`haven report` as a user runs it (a process of its own, JSON discarded): median wall
    time of REPORT_RUNS runs and the peak memory of the largest, against the targets."""
    print()
    if not has_command(url, "report"):
        print("  haven report: skipped (the command does not exist yet)")
        return
    periods = [
        ("BXL", "30 years", datetime.date(1995, 1, 1), today),
        (
            "BXL",
            "last year",
            datetime.date(today.year - 1, 1, 1),
            datetime.date(today.year - 1, 12, 31),
        ),
        ("ALL", "30 years", datetime.date(1995, 1, 1), today),
    ]
    print(f"  {'haven report':<48} {'median':>8} {'peak':>8}  target")
    for centre, title, start, end in periods:
        args = ["report", "--centre", centre, "--from", f"{start}", "--to", f"{end}"]
        runs = [timed_child(url, *args) for _ in range(REPORT_RUNS)]
        median = statistics.median(seconds for seconds, _mb in runs)
        peak = max(mb for _s, mb in runs)
        target = REPORT_TARGET_S[title] if centre == "BXL" else None
        flag = ""
        if (target is not None and median > target) or peak > REPORT_MEMORY_TARGET_MB:
            flag = " over target"
        wanted = f"< {target:g} s, " if target is not None else ""
        label = f"--centre {centre}, {title} ({start}..{end})"
        print(
            f"  {label:<48} {median:>7.2f}s {peak:>6.0f}MB  "
            f"{wanted}< {REPORT_MEMORY_TARGET_MB:.0f} MB{flag}"
        )


def timed_import(url: str, tmp: Path) -> None:
    """Export BXL of the fresh scale-1 database as a dataset and time importing it into a new
    centre HIST (the export is not timed)."""
    if not (has_command(url, "export") and has_command(url, "import")):
        print("  history import: skipped (haven export / haven import do not exist yet)")
        return
    dataset = tmp / "dataset-bxl"
    try:
        haven(url, "export", "--centre", "BXL", "--format", "dataset", "-o", str(dataset))
    except subprocess.CalledProcessError as failed:
        print(f"  history import: skipped (the export failed: {failed.stderr.strip()[-300:]})")
        return
    rows = sum(max(len(f.read_text().splitlines()) - 1, 0) for f in dataset.glob("*.csv"))
    try:
        seconds, peak = timed_child(url, "import", str(dataset), "--centre", "HIST")
    except RuntimeError as failed:
        print(f"  haven import: failed: {str(failed)[-500:]}")
        return
    flag = " over target" if seconds > IMPORT_TARGET_S else ""
    print(
        f"  haven import of BXL's export ({rows:,} rows) into HIST: {seconds:.1f} s, "
        f"{peak:.0f} MB (target < {IMPORT_TARGET_S:.0f} s){flag}"
    )


# --- measuring, in a process of its own per database --------------------------------------


def measure(label: str) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import logging

    import time_machine
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from haven.accounts.models import User
    from haven.clients.models import Client as Person
    from haven.intake.models import Intake

    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per sign-in otherwise
    settings.DEBUG = False  # as in production: no query log, templates without debug info
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    requests = int(os.environ.get("BENCH_REQUESTS", "20"))
    now = datetime.datetime.fromisoformat(os.environ["BENCH_NOW"])

    director = User.objects.get(username=DIRECTOR)
    device = TOTPDevice.objects.filter(user=director, confirmed=True).first()
    assert device is not None, "the demo director has no authenticator"

    def signed_in() -> Client:
        """A session past both factors (as haven.conftest.sign_in)."""
        http = Client(raise_request_exception=False)  # a page in the making may fail: say so
        http.force_login(director)
        session = http.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return http

    centre = director.centre
    assert centre is not None, "the demo director belongs to no centre"
    intakes = Intake.objects.filter(centre=centre).count()
    people = Person.objects.filter(centre=centre).count()
    print(f"  {label}: {centre.code} holds {intakes:,} intakes and {people:,} clients")
    print(f"  {requests} requests a page after 2 warm-up ones; time frozen at {now:%Y-%m-%d %H:%M}")
    print()
    print(f"  {'page':<48} {'median':>8} {'p95':>8} {'queries':>8}")
    over = []
    with time_machine.travel(now, tick=True):
        for title, name, query in PAGES:
            try:
                url = reverse(name)
            except NoReverseMatch:
                print(f"  {title:<48} skipped: URL {name} does not resolve (view not built yet)")
                continue
            if query:
                url = f"{url}?{query}"
            http = signed_in()
            status = [http.get(url).status_code for _ in range(2)]
            if status[-1] != 200:
                print(f"  {title:<48} skipped: {url} answered {status[-1]}")
                continue
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                response = http.get(url)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                http.get(url)
            median = statistics.median(times)
            p95 = statistics.quantiles(times, n=20, method="inclusive")[-1]
            flag = " over target" if p95 > TARGET_MS else ""
            print(f"  {title:<48} {median:>6.1f}ms {p95:>6.1f}ms {len(queries):>8}{flag}")
            if p95 > TARGET_MS:
                over.append(title)
    print()
    if over:
        print(f"  over {TARGET_MS:.0f} ms (p95): " + "; ".join(over))
    else:
        print(f"  every page measured stays under {TARGET_MS:.0f} ms (p95)")
    scale = float(os.environ.get("BENCH_DATA_SCALE", "100"))
    measure_occupancy(centre, now.date(), scale, requests)
    measure_report(centre, now.date())
    return 0


def measure_report(centre: Any, today: datetime.date) -> None:
    """The report's figures computed in this process (no process start, no Django set-up):
    median of REPORT_RUNS, for 30 years and the last whole year, against the targets."""
    from haven.reports import figures

    print()
    print(f"  {'report figures, in process':<48} {'median':>8}  target")
    periods = [
        ("30 years", datetime.date(1995, 1, 1), today),
        ("last year", datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)),
    ]
    for title, start, end in periods:
        times = []
        for _ in range(REPORT_RUNS):
            started = time.perf_counter()
            figures.report(centre, start, end)
            times.append(time.perf_counter() - started)
        median = statistics.median(times)
        target = REPORT_TARGET_S[title]
        flag = " over target" if median > target else ""
        label = f"{centre.code}, {title} ({start}..{end})"
        print(f"  {label:<48} {median:>7.2f}s  < {target:g} s{flag}")


def measure_occupancy(centre: Any, today: datetime.date, scale: float, requests: int) -> None:
    """Time the occupancy figures for 30 years and for the last whole year (median, p95)."""
    from haven.shelter import occupancy
    from haven.shelter.models import Assignment, Room
    from haven.shelter.occupancy_bench import ensure_shelter_history

    print()
    started = time.perf_counter()
    generated = ensure_shelter_history(centre, scale, today)
    if generated is not None:
        print(
            f"  shelter history added to {centre.code}: {generated.rooms:,} rooms, "
            f"{generated.stays:,} stays in {time.perf_counter() - started:.1f} s"
        )
    rooms = Room.objects.filter(centre=centre).count()
    assignments = Assignment.objects.filter(centre=centre).count()
    print(f"  occupancy of {centre.code}: {rooms:,} rooms, {assignments:,} room assignments")
    periods = [
        ("occupancy: 30 years", datetime.date(today.year - 30, 1, 1), today),
        (
            "occupancy: last year",
            datetime.date(today.year - 1, 1, 1),
            datetime.date(today.year - 1, 12, 31),
        ),
    ]
    print(f"  {'figures':<48} {'median':>8} {'p95':>8}")
    for title, start, end in periods:
        occupancy.figures(centre, start, end)  # warm-up
        times = []
        for _ in range(max(requests // 4, 3)):
            began = time.perf_counter()
            figures = occupancy.figures(centre, start, end)
            times.append((time.perf_counter() - began) * 1000)
        median = statistics.median(times)
        p95 = statistics.quantiles(times, n=20, method="inclusive")[-1]
        flag = " over target" if p95 > OCCUPANCY_TARGET_MS else ""
        print(f"  {title:<48} {median:>6.1f}ms {p95:>6.1f}ms{flag}")
        print(
            f"    nights {figures['nights']:,}, room-nights {figures['room_nights']:,}, "
            f"occupancy {figures['occupancy_rate']}, stays ended {figures['stays_ended']:,}"
        )


if __name__ == "__main__":
    sys.exit(main())
