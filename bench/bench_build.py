"""Benchmark ``vstudy build`` of every edition against plain sequential papermill (``make bench``; prints figures,
asserts nothing).

Measured in one run, in a temporary copy of the repository's notebooks, data and site templates (the user's
``reports/`` and ``data/processed/`` are never touched), for every edition the build makes (``vstudy build``
without ``--lang``: vstudy.vocab.LANGS, en, ru and kk; the baseline takes the editions the clean build made):

1. clean full build (``vstudy build --force``): every section executed once per edition in one worker pool, and
   every edition's site and PDF rendered (the editions at the same time) when Quarto is on PATH;
2. no-op rebuild (nothing changed: only hashes are checked);
3. rebuild after one raw table changed (one more request in the first row of ``report_2021/info_line_monthly.csv``:
   the data change and stay valid, so its processed table changes) — only ``07_information_line``, which reads
   that processed table, and ``00_data_quality``, which reads everything, should re-execute, in every edition,
   and only the pages whose inputs changed (and the PDF that includes them) should be rendered again, by one
   Quarto call per edition;
4. baseline: every notebook of every edition in sequence with plain papermill, then one ``quarto render`` of each
   edition's whole site (the same pages) when Quarto is present.

Prints each time (wall seconds, and the CPU seconds — user + system — of every process the run waited for, which a
busy machine changes far less than the wall time; with the load average), the ratios against the targets (clean
≤ 0.6 × baseline on 2 cores, one table ≤ 0.35 × clean, no-op ≤ 1 s; each also in CPU seconds), the pages rendered
again after the change and the Quarto calls that rendered them, and the peak resident memory of the build's child
processes (kernels included, via ``getrusage(RUSAGE_CHILDREN)``). Without Quarto it says so and prints the execution
figures only.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vstudy.vocab import LANGS

ROOT = Path(__file__).resolve().parents[1]
VSTUDY = Path(sys.executable).with_name("vstudy")
COPY = ("notebooks", "data/raw", "site", "requirements", "_quarto.yml")


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process ended and waited for so far, with their own waited-for
    children (the build's workers, kernels and Quarto calls)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd: list[str], cwd: Path, env: dict) -> tuple[float, int, str, float]:
    """Run ``cmd``; return its wall seconds, exit code, output and CPU seconds (:func:`children_cpu`)."""
    cpu, start = children_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, proc.returncode, proc.stdout + proc.stderr, children_cpu() - cpu


def build(work: Path, env: dict, *extra: str) -> tuple[float, int, str, dict, float]:
    cmd = [str(VSTUDY), "build", "--data", str(work / "data" / "raw"), *extra]
    if shutil.which("quarto") is None:
        cmd.append("--no-render")  # without Quarto the build would exit 3 after the same work
    seconds, code, log, cpu = run(cmd, work, env)
    state = json.loads((work / "reports" / ".vstudy-state.json").read_text(encoding="utf-8"))
    return seconds, code, log, state, cpu


def executed_in(log: str) -> list[str]:
    """The executions a build's progress lines report (``✓ en/07_information_line   6.1 s``)."""
    return sorted(line.split()[1] for line in log.splitlines()
                  if line.startswith("✓ ") and line.split()[1].split("/")[0] in LANGS)


def rendered_in(log: str) -> tuple[float, str]:
    """The render step's time and the pages it rendered, from the build's progress line
    (``✓ render (quarto)   37.3 s  4 page(s): en/index.qmd, …``)."""
    for line in log.splitlines():
        if "render (quarto)" in line and line.startswith("✓"):
            rest = line.split("render (quarto)")[1].split(None, 2)
            return float(rest[0]), rest[2] if len(rest) > 2 else ""
    return 0.0, ""


def rendered_pages(state: dict) -> tuple[int, list[str]]:
    """The Quarto calls of a build's render and the pages they rendered (``<lang>/<page>``), from each edition's
    record in the state: ``rendered`` is ``all`` or the list of pages (empty: no page changed, no call)."""
    editions = (state.get("site") or {}).get("editions") or {}
    calls, pages = 0, []
    for lang, record in editions.items():
        done = record.get("rendered")
        calls += bool(done)
        pages += [f"{lang}/{page}" for page in (record.get("pages") or {} if done == "all" else done or [])]
    return calls, pages


def baseline(work: Path, env: dict, langs: list[str]) -> tuple[float, float, float]:
    """Every section notebook of each edition of ``langs`` in sequence with plain papermill (one process), then one
    ``quarto render`` of each edition's staged site.

    Returns (seconds executing, seconds rendering, CPU seconds of both); the render is 0 without Quarto. The CPU
    seconds are the kernels' and Quarto's plus this process's own while it ran papermill.
    """
    import papermill as pm

    from vstudy.publish.sections import PARAMETER_DEFAULTS, SECTIONS

    own = resource.getrusage(resource.RUSAGE_SELF)
    cpu, start = children_cpu() + own.ru_utime + own.ru_stime, time.perf_counter()
    os.environ["VSTUDY_ROOT"] = str(work)
    for lang in langs:
        out = work / "baseline" / lang
        (out / "notebooks").mkdir(parents=True, exist_ok=True)
        params = dict(PARAMETER_DEFAULTS, data_dir=str(work / "data" / "raw"), lang=lang,
                      processed_dir=str(work / "data" / "processed"), output_dir=str(out))
        for section in SECTIONS:
            source = work / section.notebook
            if source.exists():
                pm.execute_notebook(str(source), str(out / "notebooks" / f"{section.name}.ipynb"),
                                    parameters=params, kernel_name="python3", cwd=str(work), progress_bar=False)
    executed = time.perf_counter() - start
    rendered = 0.0
    if shutil.which("quarto"):
        start = time.perf_counter()
        for lang in langs:
            project = work / "reports" / "site-src" / lang
            shutil.rmtree(project / "_site", ignore_errors=True)
            subprocess.run(["quarto", "render"], cwd=project, capture_output=True)
        rendered = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF)
    return executed, rendered, children_cpu() + own.ru_utime + own.ru_stime - cpu


def main() -> int:
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="vstudy-bench-") as tmp:
        work = Path(tmp)
        for rel in COPY:
            if (ROOT / rel).is_dir():
                shutil.copytree(ROOT / rel, work / rel)
            elif (ROOT / rel).is_file():
                shutil.copy2(ROOT / rel, work / rel)
        (work / "data" / "processed").mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, VSTUDY_ROOT=str(work))
        quarto = shutil.which("quarto") is not None
        print(f"vstudy build benchmark — {cores} core(s), editions: {', '.join(LANGS)}, "
              f"quarto: {shutil.which('quarto') or 'not on PATH'}")
        if not quarto:
            print("Quarto is not on PATH: the figures below are the executions only (validate, process, notebooks);\n"
                  "the render figures (clean build with every edition's render, pages rendered again after one\n"
                  "change, the baseline's render) need Quarto — run `make bench` again where `quarto` is installed.")
        print(f"work tree: {work}\n")

        clean, code, log, state, clean_cpu = build(work, env, "--force")
        if code not in (0, 3):
            print(log)
            if "failed in cell" in log or not state["sections"]:
                print(f"clean build failed (exit {code}); the figures below would be meaningless")
                return 1
            print(f"(clean build exit {code}: some section notebooks are missing; timing the ones present)\n")
        noop, _, noop_log, _, noop_cpu = build(work, env)
        table = work / "data" / "raw" / "report_2021" / "info_line_monthly.csv"
        rows = table.read_text(encoding="utf-8").splitlines(keepends=True)
        first = rows[1].split(",")
        first[3] = str(int(first[3]) + 1)  # requests_count of the first dated observation
        table.write_text("".join([rows[0], ",".join(first), *rows[2:]]), encoding="utf-8")
        one, _, one_log, one_state, one_cpu = build(work, env)
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        langs = [lang for lang in LANGS if any(unit.startswith(f"{lang}/") for unit in state["sections"])]
        base_exec, base_render, base_cpu = baseline(work, env, langs)
        base = base_exec + base_render
        render, _ = rendered_in(log)
        one_render, _ = rendered_in(one_log)
        one_calls, one_pages = rendered_pages(one_state)

        n = len(state["sections"])
        editions = f"{len(langs)} editions ({', '.join(langs)})"
        rows = [
            (f"clean build, {editions}", clean, clean_cpu,
             f"{n} notebooks executed" + (f"; render {render:.1f} s" if quarto else " (no render: no Quarto)")),
            ("no-op rebuild", noop, noop_cpu, f"executed: {', '.join(executed_in(noop_log)) or 'nothing'}"),
            ("one raw table changed", one, one_cpu, f"executed: {', '.join(executed_in(one_log)) or 'nothing'}"),
            (f"baseline: papermill in sequence, {len(langs)} editions" + (" + quarto render" if quarto else ""), base,
             base_cpu, f"render {base_render:.1f} s" if quarto else "(no render: no Quarto)"),
        ]
        load = os.getloadavg()
        print(f"{'':<52} {'wall':>10}   {'CPU':>8}   (CPU: user + system seconds of every process the run waited "
              f"for; load average now {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f})")
        for label, seconds, cpu, note in rows:
            print(f"{label:<52} {seconds:8.2f} s {cpu:8.1f} s   {note}")
        if quarto:
            print(f"{'  pages rendered again after the change':<52} {one_render:8.2f} s {'':>10}   "
                  f"{len(one_pages)}: {', '.join(one_pages) or 'none'}")
            print(f"{'  Quarto calls that rendered them':<52} {one_calls:8d}   {'':>10}   (one per edition with a "
                  f"changed page; the clean build: {rendered_pages(state)[0]})")
        print()
        what = "with every edition's render" if quarto else "executions only"
        print(f"clean / baseline        = {clean / base:5.2f}   (target ≤ 0.60 on 2 cores; {what}; "
              f"CPU {clean_cpu / base_cpu:.2f})")
        if quarto:
            print(f"  without the render    = {(clean - render) / base_exec:5.2f}   "
                  f"(validate + process + notebooks, against the notebooks in sequence)")
        print(f"no-op                   = {noop:5.2f} s (target ≤ 1 s)")
        print(f"one table / clean       = {one / clean:5.2f}   (target ≤ 0.35; expected: 00_data_quality and "
              f"07_information_line in each edition; {what}; CPU {one_cpu / clean_cpu:.2f})")
        if not quarto:
            print("render figures: not measured — Quarto is not installed here")
        print(f"peak RSS of one child process (kernel or worker): {peak_kib / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
