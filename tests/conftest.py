"""Shared test fixtures. Tests run offline, in seconds, on the repository's own data."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: every worker computes its own copy
    fcntl = None

# Figures are drawn off-screen; set before any test module imports matplotlib.
os.environ.setdefault("MPLBACKEND", "Agg")
# On every core with pytest-xdist, each worker (and each notebook kernel it starts) computes on one thread: OpenBLAS
# would otherwise start a thread per core in every process, and the permutation tests of one worker would take the
# other worker's core (twice the CPU time for the same result). Set before anything imports numpy.
if os.environ.get("PYTEST_XDIST_WORKER"):
    for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_threads, "1")

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
# The shared helpers beside this file (helpers.py, build_driver.py) import by name from both tiers.
sys.path.insert(0, str(TESTS))

# Two tiers, by folder: tests/unit (no notebook run, no build with notebooks) and tests/integration (notebooks,
# builds, kills, the tutorial). `make test-fast` runs tests/unit; the `slow` marker still picks the slowest tests
# inside the integration tier.

try:  # no per-example deadline: a cold first call (loading the gazetteer) is not a failure of the property
    from hypothesis import settings

    settings.register_profile("vstudy", deadline=None)
    settings.load_profile("vstudy")
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    pass


# ----------------------------------------------------------------------------------------------- speed of the run
# `make test` runs the suite on every core (pytest-xdist, --dist loadgroup). Two things keep the work done once:
#
# * `shared_once`: a result that many tests read (a processed layer, an executed notebook, the correlation table)
#   is computed once per test RUN, by the first worker that asks, in a folder every worker of the run shares; the
#   other workers wait for it and read the same files. Those results are read-only for the tests.
# * module groups: the tests of a module that use one of its module- or class-scoped fixtures are sent to one worker
#   as one unit (an xdist_group named after the module), so that the fixture is computed once, not once per worker
#   or again each time the scheduler interleaves another module's tests; the tests that read one of SHARED_GROUPS
#   form a group too. A test that names its own xdist_group keeps it (the notebook tests group by dataset and
#   edition).


def shared_dir(tmp_path_factory) -> Path:
    """A folder that every worker of this test run shares (the run's base temporary folder)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") and fcntl is not None else base


def shared_once(tmp_path_factory, name: str, make: Callable[[Path], object]) -> Path:
    """The folder ``name`` filled by ``make(folder)`` once per test run, whichever worker asks first; the others
    wait for it under a lock and get the same folder. A ``make`` that raised leaves nothing: the next one tries again."""
    root = shared_dir(tmp_path_factory)
    target, done = root / name, root / f"{name}.done"
    with open(root / f"{name}.lock", "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.is_file():
            if target.exists():
                shutil.rmtree(target)
            target.mkdir()
            try:
                make(target)
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
            done.touch()
    return target


# Session results that take long to compute: the tests that read one (and have no group of their own) form a group,
# so that one worker computes it while the other runs other tests, rather than wait for it under the lock.
SHARED_GROUPS = frozenset({"correlation_results_2021"})


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("xdist_group") is not None:
            continue
        module = item.nodeid.split("::", 1)[0]
        info = getattr(item, "_fixtureinfo", None)
        scopes = {d.scope for defs in (info.name2fixturedefs.values() if info else ()) for d in defs
                  if str(getattr(d, "baseid", "")).startswith(module)}
        if scopes & {"module", "class"}:
            item.add_marker(pytest.mark.xdist_group(Path(module).stem))
        elif set(getattr(item, "fixturenames", ())) & SHARED_GROUPS:
            item.add_marker(pytest.mark.xdist_group(sorted(set(item.fixturenames) & SHARED_GROUPS)[0]))
    _name_the_groups(config, items)


def _name_the_groups(config, items) -> None:
    """What pytest-xdist does for --dist loadgroup, on pytest versions where it no longer takes effect.

    xdist (3.8) puts a test's group into its node id (``path::test@group``), the only thing its scheduler sees, by
    assigning ``item._nodeid``; since pytest 9 a node keeps its id in ``item._id`` (a NodeId), so that assignment
    changes nothing and every group is silently split across the workers. On a worker of a loadgroup run with such a
    pytest, the id is set here the same way xdist would set it (and xdist's own assignment stays without effect)."""
    if not getattr(config.option, "loadgroup", False) or not items or hasattr(items[0], "_nodeid"):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        names = {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")}
        if names:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(sorted(names))}")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture()
def study_style():
    """The study's figure style for one test, restored afterwards; figures left open are closed."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    from vstudy.present import plots

    with mpl.rc_context():
        plots.use_style()
        yield
        plt.close("all")


def _processed_layer(tmp_path_factory, name: str, data_dir: Path, scheme: str) -> Path:
    from vstudy.data import processed

    return shared_once(tmp_path_factory, name, lambda out: processed.prepare_for_build(data_dir, out, scheme))


@pytest.fixture(scope="session")
def raw_2021():
    """data/raw validated once per worker (datasets.load_dataset): read-only for the tests, which check its tables,
    problems and manifest; a test that changes a table works on a copy (dataclasses.replace, frame.copy())."""
    from vstudy.data import datasets

    return datasets.load_dataset(ROOT / "data" / "raw")


@pytest.fixture(scope="session")
def processed_2021(tmp_path_factory) -> Path:
    """The processed layer of data/raw, written once per test session (read-only for the tests)."""
    return _processed_layer(tmp_path_factory, "processed_kz2021", ROOT / "data" / "raw", "kz2021")


@pytest.fixture(scope="session")
def processed_2022(tmp_path_factory) -> Path:
    """The processed layer of the synthetic kz2022 dataset (tests/fixtures/kz2022_dataset: 20 units, volunteer
    counts supplied, no report), written once per test session (read-only for the tests)."""
    return _processed_layer(tmp_path_factory, "processed_kz2022", TESTS / "fixtures" / "kz2022_dataset", "kz2022")


@pytest.fixture(scope="session")
def processed_contract_2022(tmp_path_factory) -> Path:
    """The processed layer of the researcher's kz2022 drop filled from the template (tests/fixtures/kz2022_contract:
    events by direction and per region supplied, no report), written once per test session (read-only)."""
    return _processed_layer(tmp_path_factory, "processed_kz2022_contract", TESTS / "fixtures" / "kz2022_contract",
                            "kz2022")


@pytest.fixture(scope="session")
def correlation_results_2021(processed_2021, tmp_path_factory) -> Path:
    """The correlation table of the 2021 study (as a build's tables/correlations.csv holds it), computed once per
    session with the plan's permutations (one finding sits near the study-level line) and 200 bootstrap samples; the
    frame itself is beside it (``.pkl``, read by tests/unit/test_correlation_study.py)."""
    from vstudy.analysis import correlations as cs
    from vstudy.data import processed as layer

    def make(folder: Path) -> None:
        frame = cs.with_reconstructed_events(layer.read_table("regions_kz2021", processed_2021),
                                             layer.read_table("event_counts_kz2021", processed_2021))
        results = cs.run_correlations(frame, n_boot=200, seed=7)
        results.to_csv(folder / "correlation_results_2021.csv", index=False)
        results.to_pickle(folder / "correlation_results_2021.pkl")  # the frame itself, for the study's own tests

    return shared_once(tmp_path_factory, "correlations_kz2021", make) / "correlation_results_2021.csv"


# ------------------------------------------------------------------------------------- the study built, once per run
# The integration tests that read what the study's sections produce (their executed notebooks, tables, figures and
# the staged pages of every edition) read ONE real `vstudy build` per dataset, made once per test run by the first
# worker that asks (`shared_once`): the report's transcription (data/raw, kz2021) and the synthetic worked example
# of the collection contract (data/examples/kz2022-synthetic, kz2022: 20 units, every breakdown, events by
# direction and hours supplied, no report and no information line). The report's transcription is built in every
# edition; the 2022 example in English only (the edition the tests of its executions read): its Russian and Kazakh
# editions are made without a kernel, the notebooks' own cells run in the test process, by
# tests/integration/test_editions_2022.py, which checks them as the tests of the builds check an edition.
STUDY_DATASETS = {"kz2021": ROOT / "data" / "raw", "kz2022": ROOT / "data" / "examples" / "kz2022-synthetic"}
STUDY_LANGS = ("en", "ru", "kk")
STUDY_EDITIONS = {"kz2021": STUDY_LANGS, "kz2022": ("en",)}  # the editions each dataset's build makes
BUILD_OK = (0, 3)  # built; built up to the render (Quarto is not on the tests' PATH)


def on_build(scheme: str):
    """The xdist group of the tests that read the build of ``scheme``: one worker builds it and runs them, while the
    other worker builds the other dataset (or runs other tests) instead of waiting for the lock."""
    return pytest.mark.xdist_group(f"study_build_{scheme}")


class StudyBuild:
    """One `vstudy build` of a dataset with its editions (``langs``) and no render: ``out`` is its output tree
    (``<lang>/notebooks/<section>.ipynb``, ``<lang>/tables``, ``<lang>/figures``, ``site-src/<lang>``) and
    ``processed`` its processed layer (read-only for the tests)."""

    def __init__(self, scheme: str, folder: Path) -> None:
        self.scheme, self.data, self.langs = scheme, STUDY_DATASETS[scheme], STUDY_EDITIONS[scheme]
        self.out, self.processed = folder / "out", folder / "processed"

    def edition(self, lang: str) -> Path:
        return self.out / lang

    def notebook(self, section: str, lang: str = "en") -> Path:
        return self.out / lang / "notebooks" / f"{section}.ipynb"


def _build_study(scheme: str, folder: Path) -> None:
    """`python -m vstudy.cli build` of the dataset into ``folder`` (out/, processed/), without Quarto on PATH; its
    exit code and output are kept in ``build.log.json`` (a failed build is built once, and each test reports it)."""
    import json
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "PATH"}
    env["PATH"] = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if "quarto" not in p)
    command = [sys.executable, "-m", "vstudy.cli", "build", "--data", str(STUDY_DATASETS[scheme]),
               "--output", str(folder / "out"), "--processed", str(folder / "processed"), "--jobs", "2",
               "--lang", *STUDY_EDITIONS[scheme]]
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    (folder / "build.log.json").write_text(json.dumps({"command": command, "returncode": run.returncode,
                                                       "stdout": run.stdout, "stderr": run.stderr}),
                                           encoding="utf-8")


@pytest.fixture(scope="session")
def study_build(tmp_path_factory) -> Callable[[str], StudyBuild]:
    """``study_build(scheme)``: the build of STUDY_DATASETS[scheme], made once per test run (mark the test
    ``on_build(scheme)``)."""
    import json

    done: dict[str, StudyBuild] = {}

    def get(scheme: str) -> StudyBuild:
        if scheme not in done:
            folder = shared_once(tmp_path_factory, f"study_build_{scheme}",
                                 lambda target: _build_study(scheme, target))
            log = json.loads((folder / "build.log.json").read_text(encoding="utf-8"))
            assert log["returncode"] in BUILD_OK, (
                f"{' '.join(log['command'])} exited with {log['returncode']}\n--- stdout\n{log['stdout'][-4000:]}"
                f"\n--- stderr\n{log['stderr'][-4000:]}")
            done[scheme] = StudyBuild(scheme, folder)
        return done[scheme]

    return get


@pytest.fixture(scope="session")
def executed(study_build):
    """``executed(section, scheme, lang="en")``: the section's executed notebook of that edition in the build of
    ``scheme`` (the edition's copy, as the build writes it) and the edition's output folder (``tables/``,
    ``figures/``), read-only for the tests."""
    import nbformat

    done: dict[tuple[str, str, str], tuple] = {}

    def read(section, scheme: str, lang: str = "en"):
        key = (section.name, scheme, lang)
        if key not in done:
            build = study_build(scheme)
            done[key] = (nbformat.read(build.notebook(section.name, lang), as_version=4), build.edition(lang))
        return done[key]

    return read


@pytest.fixture()
def extra_message(monkeypatch):
    """Add a message to a language's catalogue for one test: ``extra_message("en", "test.x", "…{name}…")``."""
    from vstudy import i18n

    def add(lang: str, msg_id: str, text: str) -> str:
        monkeypatch.setitem(i18n.catalogue(lang), msg_id, text)
        i18n._parsed.cache_clear()
        return msg_id

    yield add
    i18n._parsed.cache_clear()
