"""fieldprint benchmarks: each command end to end as a user runs it, at three sizes, beside its
floor (issue 19).

    python benchmarks/run.py                 # full sizes (see SIZES; ~15 minutes on 2 cores)
    python benchmarks/run.py --sizes medium  # a shorter run
    python benchmarks/run.py --quick         # small sizes, a smoke run
    python benchmarks/run.py --only orders equipment-json

Inputs are generated (no downloads) and cached in benchmarks/work/. Each job runs in a fresh
`fieldprint` process, with the bytecode cache pip install writes; printed per job and size:
wall time, CPU time (user + system of the process and every worker it ran), CPU ms per item,
peak RSS of the whole process tree, output size, the floor's CPU time (benchmarks/floors.py)
and the CPU ratio; then, per job, how the cost per item at the largest size compares with the
smallest. Badges and the register are run REPEATS times and their floors measured as many
times, each side keeping its least CPU (another program on the machine only ever adds time; one
run of each moved the badge ratio by 0.1 between two runs of the same code); work orders, far
inside their line, run once. Badges also say what a second core gives: the bound from the main
process's own CPU, and at the largest size the wall time of `--jobs 1` over the default (the
fastest of REPEATS runs each, with the load average). The `startup` job times `fieldprint
--help` and `fieldprint validate examples/*.yaml` (the median of STARTUP_RUNS whole-process
runs) beside `python -c pass`. The same table goes to benchmarks/work/results.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import floors  # noqa: E402
import inputs  # noqa: E402

# Three sizes per job. Badges stop at 1,000 people: each has its own 2-4 MB camera photo.
SIZES = {
    "full": {"badges": (100, 300, 1000), "orders": (1000, 10000, 50000),
             "docx": (50, 200, 500), "equipment-json": (10000, 100000, 500000),
             "equipment-pdf": (10000, 100000, 500000)},
    "medium": {"badges": (30, 100, 300), "orders": (500, 2000, 10000),
               "docx": (20, 50, 200), "equipment-json": (5000, 20000, 100000),
               "equipment-pdf": (2000, 10000, 50000)},
    "quick": {"badges": (10, 20, 40), "orders": (100, 200, 400), "docx": (10, 20, 40),
              "equipment-json": (1000, 2000, 5000), "equipment-pdf": (500, 1000, 2000)},
}
JOBS = (*SIZES["full"], "startup")
STARTUP_RUNS = 15   # start-up: the median of this many whole-process runs
REPEATS = 2         # badges and the register, and their floors: the least CPU of this many


@dataclass
class Row:
    job: str
    items: int
    wall: float
    cpu: float
    peak_mb: float
    out_bytes: int
    floor: float | None = None
    note: str = ""

    @property
    def cpu_ms_per_item(self) -> float:
        return 1000 * self.cpu / self.items


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def _own_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) of the process itself so far, not its children."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return None


LAST_MAIN_CPU: list[float] = [0.0]   # the main process's own CPU in the last run_cli


def _installed_env() -> dict:
    """The environment of a command as a user runs it after pip install: with the bytecode
    cache, which pip writes on install (this machine's PYTHONDONTWRITEBYTECODE would
    otherwise compile every module of fieldprint on every run)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def compile_package() -> None:
    """Write fieldprint's bytecode cache before any run is timed, as pip install does."""
    import compileall
    compileall.compile_dir(HERE.parent / "generator", quiet=1)


def run_cli(args: list, out: Path) -> tuple[float, float, float, int]:
    """Run `fieldprint ARGS` in a fresh process: (wall s, CPU s, peak MB, output bytes).
    CPU is the child's user + system time including the workers it waited for; the main
    process's own share (its last reading before it ended) is left in LAST_MAIN_CPU."""
    cmd = [sys.executable, "-m", "generator.cli", "--quiet", *map(str, args)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=HERE.parent, env=_installed_env())
    peak = 0
    main_cpu = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        main_cpu = _own_cpu(proc.pid) or main_cpu
        time.sleep(0.02)
    LAST_MAIN_CPU[0] = main_cpu
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n"
                         f"{proc.stderr.read().decode()[-3000:]}")
    size = sum(f.stat().st_size for f in out.rglob("*")) if out.is_dir() else out.stat().st_size
    return wall, cpu, peak / 1024, size


# Runs a command and prints its own CPU seconds, peak RSS (KB) and wall seconds. Started from
# this small process, the command's peak is its own: a child forked straight from the
# benchmark (which holds gigabytes by then) counts the benchmark's memory as its peak.
_MEASURE = """import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(usage.ru_utime + usage.ru_stime, usage.ru_maxrss, wall, code)"""


def _editable_note() -> str:
    """What the start-up rows measure beyond a pip-installed fieldprint: in a development venv
    (`pip install -e`), a .pth file imports the editable install's finder at every start of
    Python - pathlib, re, importlib.util - in the floor's `python -c pass` too."""
    if any(name.startswith("__editable___fieldprint") for name in sys.modules):
        return "; editable install (dev venv): its import finder loads in every run, floor's too"
    return ""


def startup(cmd: list) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB) of a short command: the median of STARTUP_RUNS runs, after
    one that writes the bytecode cache a pip-installed fieldprint has (this machine's
    PYTHONDONTWRITEBYTECODE would otherwise compile every module on every run)."""
    env = _installed_env()
    walls, cpus, peaks = [], [], []
    for _ in range(STARTUP_RUNS + 1):
        out = subprocess.run([sys.executable, "-c", _MEASURE, *map(str, cmd)], cwd=HERE.parent,
                             env=env, capture_output=True, text=True, check=True).stdout
        cpu, peak_kb, wall, code = out.split()
        if code != "0":
            raise SystemExit(f"failed ({code}): {' '.join(map(str, cmd))}")
        walls.append(float(wall))
        cpus.append(float(cpu))
        peaks.append(int(peak_kb) / 1024)
    return (statistics.median(walls[1:]), statistics.median(cpus[1:]), max(peaks[1:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--sizes", choices=tuple(SIZES), default="full")
    parser.add_argument("--only", nargs="*", choices=JOBS, help="jobs to run")
    ns = parser.parse_args()
    sizes = SIZES["quick" if ns.quick else ns.sizes]
    work = HERE / "work"
    out = work / "out"
    out.mkdir(parents=True, exist_ok=True)
    want = [j for j in JOBS if j in set(ns.only or JOBS)]
    cores = floors.cores()
    print(f"generating inputs in {work} (cached) ...", flush=True)
    compile_package()
    people = max(sizes["badges"])
    staff = inputs.make_people(work / f"people-{people}", people)
    company = staff.parent / "company.yaml"
    rows: list[Row] = []

    def add(row: Row) -> None:
        rows.append(row)
        ratio = f"{row.cpu / row.floor:.2f} × floor" if row.floor else ""
        print(f"  {row.job}, {row.items:,}: {row.wall:.2f} s wall, {row.cpu:.2f} s CPU, "
              f"{row.peak_mb:.0f} MB {ratio} {row.note}", flush=True)

    if "badges" in want:
        for n in sizes["badges"]:
            group = inputs.make_people(work / f"people-{n}", n)
            pdf = out / f"badges-{n}.pdf"
            args = ["badges", group, "--side", "both", "--sheet", "a4", "-o", pdf]
            runs = []
            for _ in range(REPEATS):
                runs.append((*run_cli(args, pdf), LAST_MAIN_CPU[0]))
            wall, cpu, mb, size, main = min(runs, key=lambda r: r[1])
            mb = max(r[2] for r in runs)
            # the main process draws while the workers decode: with its own CPU m of the
            # total c, n cores can at best finish in max(m, c / n)
            note = (f"main process {main:.2f} s of the CPU: {cores} cores can give at most "
                    f"{cpu / max(main, cpu / cores):.2f} × one core's speed")
            if n == sizes["badges"][-1] and cores > 1:
                # what the other cores give, measured where it matters: at the largest size,
                # where the fixed costs (start-up, the pool) weigh least. On a shared machine
                # another program's work takes cores from one run and not the other: the
                # default's runs above and as many of --jobs 1 each keep their least disturbed
                # (fastest) run; the load average says how busy the machine was
                load = os.getloadavg()[0]
                alls = [r[0] for r in runs]
                ones = [run_cli([*args, "--jobs", "1"], pdf)[0] for _ in range(REPEATS)]
                load = max(load, os.getloadavg()[0])
                note += (f"; measured (wall, --jobs 1 ÷ {cores} jobs, fastest of {REPEATS} each) "
                         f"{min(ones) / min(alls):.2f} × ({min(ones):.1f} s ÷ "
                         f"{min(alls):.1f} s at {time.strftime('%H:%M')}, load average up "
                         f"to {load:.1f}, this run included)")
            add(Row("badges, both sides, A4", n, wall, cpu, mb, size,
                    floors.badges_floor(group, cores, REPEATS), note))
    if "orders" in want:
        for n in sizes["orders"]:
            orders = inputs.make_orders(work, n, people)
            pdf = out / f"orders-{n}.pdf"
            wall, cpu, mb, size = run_cli(["work-orders", orders, staff, company, "-o", pdf], pdf)
            add(Row("work orders → PDF", n, wall, cpu, mb, size, floors.orders_floor(orders, staff, company)))
    if "docx" in want:
        for n in sizes["docx"]:
            orders = inputs.make_orders(work, n, people)
            folder = out / f"docx-{n}"
            wall, cpu, mb, size = run_cli(["work-orders", orders, staff, company, "--format",
                                           "docx", "-o", f"{folder}/"], folder)
            add(Row("work orders → Word files", n, wall, cpu, mb, size))
    if "equipment-json" in want:
        for n in sizes["equipment-json"]:
            yaml_path, csv_path = inputs.make_equipment(work, n, people)
            floor = floors.yaml_floor(yaml_path, REPEATS)
            for label, src in (("YAML", yaml_path), ("CSV", csv_path)):
                result = out / f"equipment-{n}.json"
                runs = [run_cli(["equipment", src, staff, "--as-of", "2026-11-21", "-o", result],
                                result) for _ in range(REPEATS)]
                wall, cpu, _mb, size = min(runs, key=lambda r: r[1])
                mb = max(r[2] for r in runs)
                add(Row(f"equipment {label} → JSON", n, wall, cpu, mb, size, floor,
                        "" if label == "YAML" else "(floor: the YAML file's event parse)"))
    if "equipment-pdf" in want:
        for n in sizes["equipment-pdf"]:
            _yaml, csv_path = inputs.make_equipment(work, n, people)
            result = out / f"equipment-{n}.pdf"
            wall, cpu, mb, size = run_cli(["equipment", csv_path, staff, "--as-of", "2026-11-21",
                                           "-o", result], result)
            add(Row("equipment CSV → PDF", n, wall, cpu, mb, size))

    if "startup" in want:
        examples = sorted((HERE.parent / "examples").glob("*.yaml"))
        floor = startup([sys.executable, "-c", "pass"])[1]
        for label, args in (("fieldprint --help", ["--help"]),
                            ("fieldprint validate examples/*.yaml", ["validate", *examples])):
            wall, cpu, mb = startup([sys.executable, "-m", "generator.cli", *map(str, args)])
            add(Row(label, 1, wall, cpu, mb, 0, floor,
                    f"median of {STARTUP_RUNS} runs, bytecode cached as after pip install; "
                    "floor: python -c pass" + _editable_note()))

    lines = [f"Machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}, "
             f"{platform.platform()}", "",
             "| job | items | wall s | CPU s | CPU ms/item | peak RSS MB | output MB "
             "| floor CPU s | CPU ratio | |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        floor = f"{r.floor:.2f}" if r.floor else ""
        ratio = f"{r.cpu / r.floor:.2f}" if r.floor else ""
        lines.append(f"| {r.job} | {r.items:,} | {r.wall:.2f} | {r.cpu:.2f} | "
                     f"{r.cpu_ms_per_item:.3f} | {r.peak_mb:.0f} | {r.out_bytes / 1e6:.1f} | "
                     f"{floor} | {ratio} | {r.note} |")
    lines += ["", "Cost per item, largest size ÷ smallest (CPU ms/item; start-up included):"]
    for job in dict.fromkeys(r.job for r in rows):
        mine = [r for r in rows if r.job == job]
        if len(mine) > 1:
            small, big = mine[0], mine[-1]
            lines.append(f"- {job}: {small.cpu_ms_per_item:.3f} at {small.items:,} → "
                         f"{big.cpu_ms_per_item:.3f} at {big.items:,}: "
                         f"{big.cpu_ms_per_item / small.cpu_ms_per_item:.2f} ×")
    text = "\n".join(lines)
    print(text)
    (work / "results.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
