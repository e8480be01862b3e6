"""The build pipeline on three tiny fixture notebooks in a temporary tree (no real sections, no Quarto needed).

Kernel-running tests are marked slow; together they take a few tens of seconds on two cores.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from helpers import pdf_text

from vstudy.publish import book, pipeline, website, worker
from vstudy.publish.sections import Section
from vstudy.publish.state import hash_tree
from vstudy.vocab import LANGS

FIXTURES = Path(__file__).parents[1] / "fixtures" / "pipeline_notebooks"
# The fixture notebooks read their raw tables directly (Section.raw_tables); the study's sections read the
# processed layer (Section.tables, see test_one_raw_table_changes_only_the_sections_that_read_its_processed_table).
SECTIONS = (
    Section("00", "alpha", raw_tables=("t_a",), titles=("Alpha", "Альфа", "Әлфа")),
    Section("01", "beta", raw_tables=("t_b",), titles=("Beta", "Бета", "Бета")),
    Section("02", "gamma", raw_tables=("*",), titles=("Gamma", "Гамма", "Гамма")),
)


def make_tree(root: Path) -> Path:
    """A repository-shaped temporary tree: notebooks/, data/raw/ with two tables, empty data/processed/."""
    shutil.copytree(FIXTURES, root / "notebooks")
    raw = root / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "t_a.csv").write_text("x\n1\n2\n", encoding="utf-8")
    (raw / "t_b.csv").write_text("y\n3\n", encoding="utf-8")
    (root / "data" / "processed").mkdir()
    return root


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path)


def make_config(root: Path, **overrides) -> pipeline.BuildConfig:
    """A build of the fixture sections. One edition (en) unless the test asks for both: every execution starts a
    kernel, and the editions share every mechanism but their parameters (test_parallel_build… builds both)."""
    lines: list[str] = []
    options = dict(root=root, sections=SECTIONS, jobs=2, render=False, prepare=lambda config: [],
                   package_hash="fixed: the package may be edited while tests run", echo=lines.append, langs=("en",))
    options.update(overrides)
    config = pipeline.BuildConfig(**options)
    config.lines = lines  # type: ignore[attr-defined]
    return config


def executed(root: Path, name: str, lang: str = "en") -> Path:
    return root / "reports" / lang / "notebooks" / f"{name}.ipynb"


def units(*names: str, langs: tuple[str, ...] = LANGS) -> list[str]:
    return sorted(f"{lang}/{name}" for name in names for lang in langs)


@pytest.mark.slow
def test_parallel_build_then_noop_then_one_table_then_force(tree: Path) -> None:
    """Both editions: each section executed once per language, in the one pool, cached per (section, lang)."""
    first = pipeline.build(make_config(tree, langs=LANGS))
    assert first.exit_code == 0, first.message
    assert sorted(first.executed) == units("00_alpha", "01_beta", "02_gamma")

    # Each executed notebook records its parameters (papermill metadata, and the state file) relative to the
    # repository root, pointing at its edition's folder of the output tree (not at the staging folder).
    state = json.loads((tree / "reports" / ".vstudy-state.json").read_text(encoding="utf-8"))
    for lang in LANGS:
        nb = nbformat.read(executed(tree, "00_alpha", lang), as_version=4)
        params = nb.metadata["papermill"]["parameters"]
        assert params["data_dir"] == "data/raw" and params["processed_dir"] == "data/processed"
        assert params["output_dir"] == f"reports/{lang}" and params["lang"] == lang
        assert params["seed"] == 20211231  # the defaults of vstudy.present.notebook travel with them
        assert state["sections"][f"{lang}/00_alpha"]["parameters"] == params
        assert nb.metadata["kernelspec"]["name"] == "python3"
        # The edition's copy (present.edition.localize): its language, its Markdown cells, its captions.
        assert nb.metadata["lang"] == lang
        markdown = [c for c in nb.cells if c.cell_type == "markdown"]
        assert [c.metadata["tags"] for c in markdown] == [[f"lang-{lang}"]]
        assert markdown[0].source.split("\n")[0] == {"en": "# Alpha", "ru": "# Альфа", "kk": "# Әлфа"}[lang]
        caption = next(c.source for c in nb.cells if "fig-lines" in c.source)
        assert "#| fig-cap: " + {"en": "Lines", "ru": "Строки", "kk": "Сызықтар"}[lang] in caption
        assert "fig-cap-ru" not in caption and "fig-cap-kk" not in caption
    # The tables and figures the notebooks wrote are in their edition's folder, each recorded with its hash.
    written = {str(p.relative_to(tree / "reports")) for p in (tree / "reports").rglob("*.*")
               if p.parent.name in ("tables", "figures")}
    assert written == {f"{lang}/{rel}" for lang in LANGS for rel in (
        "tables/00_alpha__copy.csv", "figures/00_alpha__copy.svg", "tables/01_beta__copy.csv", "tables/summary.csv")}
    recorded = {rel: digest for entry in state["sections"].values() for rel, digest in entry["outputs"].items()}
    assert recorded == {rel: hashlib.sha256((tree / "reports" / rel).read_bytes()).hexdigest() for rel in written}
    assert (tree / "reports" / "en" / "tables" / "00_alpha__copy.csv").read_text() == "x\n1\n2\n"
    for lang in LANGS:  # the notebook wrote its edition's language into the figure
        assert (tree / "reports" / lang / "figures" / "00_alpha__copy.svg").read_text() == f"<svg><!-- 6 {lang} --></svg>"

    second = pipeline.build(make_config(tree, langs=LANGS))
    assert second.exit_code == 0
    assert second.executed == [] and not second.prepared
    assert sorted(second.up_to_date) == units("00_alpha", "01_beta", "02_gamma")

    # One raw table changed: the sections that read it re-execute, in both editions, and nothing else.
    with open(tree / "data" / "raw" / "t_b.csv", "a", encoding="utf-8") as fh:
        fh.write("4\n")
    third = pipeline.build(make_config(tree, langs=LANGS))
    assert sorted(third.executed) == units("01_beta", "02_gamma")  # gamma reads every table ("*")
    assert sorted(third.up_to_date) == units("00_alpha")

    # One edition only (vstudy build --lang ru, one section of it forced): the other edition's outputs stay as
    # they are.
    en_before = hash_tree(tree / "reports" / "en")
    fourth = pipeline.build(make_config(tree, force=True, langs=("ru",), only=("alpha",)))
    assert fourth.executed == ["ru/00_alpha"]
    assert hash_tree(tree / "reports" / "en") == en_before
    state = json.loads((tree / "reports" / ".vstudy-state.json").read_text(encoding="utf-8"))
    assert sorted(state["sections"]) == units("00_alpha", "01_beta", "02_gamma")

    # A changed notebook source re-executes that section; --only leaves the others alone.
    source = tree / "notebooks" / "00_alpha.ipynb"
    nb = nbformat.read(source, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("print('more')"))
    nbformat.write(nb, source)
    fifth = pipeline.build(make_config(tree, only=("01", "alpha")))
    assert fifth.executed == ["en/00_alpha"] and fifth.up_to_date == ["en/01_beta"]


@pytest.mark.slow
def test_failing_notebook_keeps_previous_outputs(tree: Path) -> None:
    assert pipeline.build(make_config(tree, only=("beta",))).exit_code == 0
    good = executed(tree, "01_beta").read_bytes()
    state_path = tree / "reports" / ".vstudy-state.json"
    entry_before = json.loads(state_path.read_text(encoding="utf-8"))["sections"]["en/01_beta"]

    (tree / "data" / "raw" / "t_b.csv").write_text("y\nboom\n", encoding="utf-8")
    config = make_config(tree, only=("beta",))
    result = pipeline.build(config)
    assert result.exit_code == pipeline.EXIT_FAILED
    assert "01_beta" in result.message
    assert "cell 3" in result.message  # index in the source notebook (markdown, parameters, read, check)
    assert 'if "boom" in text:' in result.message
    assert "ValueError: boom found in the table" in result.message
    partial = tree / "reports" / "failed" / "en" / "01_beta.ipynb"
    assert partial.exists()
    errors = [o for c in nbformat.read(partial, as_version=4).cells for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert errors and errors[0]["ename"] == "ValueError"
    assert executed(tree, "01_beta").read_bytes() == good
    assert json.loads(state_path.read_text(encoding="utf-8"))["sections"]["en/01_beta"] == entry_before
    assert not (tree / "reports" / ".build").exists()

    # Fixed input: the section runs again and the failed copy is cleared.
    (tree / "data" / "raw" / "t_b.csv").write_text("y\n5\n", encoding="utf-8")
    again = pipeline.build(make_config(tree, only=("beta",)))
    assert again.executed == ["en/01_beta"] and not partial.exists()


@pytest.mark.slow
def test_a_cell_that_runs_past_the_timeout_fails_its_section_and_keeps_the_outputs(tree: Path, monkeypatch) -> None:
    """A cell that never ends cannot hold the build (nor CI) for ever: past ``cell_timeout`` the kernel is
    interrupted, the section fails naming the cell, and what was built before stays."""
    assert pipeline.build(make_config(tree, only=("alpha",))).exit_code == 0
    good = executed(tree, "00_alpha").read_bytes()
    (tree / "data" / "raw" / "t_a.csv").write_text("x\n2\n", encoding="utf-8")  # alpha is out of date
    monkeypatch.setenv("VSTUDY_TEST_DELAY", "60")  # alpha's cell sleeps this long
    started = time.monotonic()
    result = pipeline.build(make_config(tree, only=("alpha",), cell_timeout=2))
    assert time.monotonic() - started < 40  # stopped at the limit, not after the minute
    assert result.exit_code == pipeline.EXIT_FAILED
    assert "00_alpha" in result.message and "CellTimeout" in result.message
    assert "longer than 2 s" in result.message and "--cell-timeout" in result.message
    assert "cell 3 ('import os')" in result.message  # the cell that ran too long, by its index and first line
    assert executed(tree, "00_alpha").read_bytes() == good


@pytest.mark.slow
def test_the_build_prints_the_warnings_that_are_no_known_erratum(tmp_path: Path, repo_root: Path) -> None:
    """A researcher who only builds sees what `vstudy validate` would have warned of (here a table file the manifest
    does not declare, which is never read); the report's known errata, the study's subject, are not repeated."""
    data = tmp_path / "mydata"
    shutil.copytree(repo_root / "data" / "examples" / "kz2022-synthetic", data)
    shutil.copy(repo_root / "data" / "raw" / "report_2021" / "info_line_totals.csv", data / "info_line_totals.csv")
    (data / "x\x1b[2J.csv").write_text("a\n", encoding="utf-8")  # a terminal's control sequence in a file name
    lines: list[str] = []
    config = pipeline.BuildConfig(data_dir=data, output_dir=tmp_path / "out", processed_dir=tmp_path / "processed",
                                  only=("07_information_line",), langs=("en",), render=False, jobs=1,
                                  echo=lines.append)
    assert pipeline.build(config).exit_code == 0
    said = "\n".join(lines)
    assert "2 warning(s); `vstudy validate --data" in said
    assert "WARNING info_line_totals.csv [undeclared_file]" in said and "schema: info_line_totals" in said
    assert "WARNING x\\x1b[2J.csv [undeclared_file]" in said and "\x1b" not in said  # printed, never obeyed
    lines.clear()  # the report's transcription: 19 known errata, no other warning, nothing said
    config = pipeline.BuildConfig(output_dir=tmp_path / "out21", processed_dir=tmp_path / "processed21",
                                  only=("07_information_line",), langs=("en",), render=False, jobs=1,
                                  echo=lines.append)
    assert pipeline.build(config).exit_code == 0
    assert not [line for line in lines if "WARNING" in line or "warning(s)" in line], lines


def _worker_pid(root: Path, name: str) -> int:
    nb = nbformat.read(executed(root, name), as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    return int(text.split("worker pid", 1)[1].split()[0])


@pytest.fixture(scope="module")
def built_one_job(tmp_path_factory) -> tuple[Path, pipeline.BuildResult]:
    """A tree built with one job, read by the tests that only look at what that build wrote."""
    tree = make_tree(tmp_path_factory.mktemp("one-job"))
    return tree, pipeline.build(make_config(tree, jobs=1))


@pytest.mark.slow
@pytest.mark.xdist_group("pipeline_one_job")  # one worker builds the tree both read
def test_one_worker_runs_its_notebooks_in_turn(built_one_job) -> None:
    """With one job, one worker process (papermill imported once) executes every notebook, one at a time."""
    tree, result = built_one_job
    assert result.exit_code == 0, result.message
    assert sorted(result.executed) == units("00_alpha", "01_beta", "02_gamma", langs=("en",))
    assert _worker_pid(tree, "00_alpha") == _worker_pid(tree, "02_gamma")
    assert not (tree / "reports" / ".build").exists()  # worker logs, specs and staging are cleaned up


@pytest.mark.slow
def test_longest_notebook_starts_first(tree: Path) -> None:
    """First build: by the sections' hints; later builds: by the seconds they measured."""
    hinted = (Section("00", "alpha", raw_tables=("t_a",), titles=("Alpha", "Альфа"), expected_seconds=1),
              Section("01", "beta", raw_tables=("t_b",), titles=("Beta", "Бета"), expected_seconds=9),
              Section("02", "gamma", raw_tables=("*",), titles=("Gamma", "Гамма"), expected_seconds=5))
    config = make_config(tree, sections=hinted, jobs=1)
    assert pipeline.build(config).exit_code == 0
    done = [line.split()[1] for line in config.lines if line.startswith("✓ en/")]
    assert done == ["en/01_beta", "en/02_gamma", "en/00_alpha"]

    state_path = tree / "reports" / ".vstudy-state.json"
    state = json.loads(state_path.read_text(encoding="utf-8"))
    for name, seconds in (("en/00_alpha", 30.0), ("en/01_beta", 0.5), ("en/02_gamma", 2.0)):
        state["sections"][name]["seconds"] = seconds
    state_path.write_text(json.dumps(state), encoding="utf-8")
    again = make_config(tree, sections=hinted, jobs=1, force=True)
    assert pipeline.build(again).exit_code == 0
    assert [line.split()[1] for line in again.lines if line.startswith("✓ en/")] == ["en/00_alpha", "en/02_gamma",
                                                                                     "en/01_beta"]


@pytest.mark.slow
def test_a_dead_worker_fails_its_section_and_a_new_worker_carries_on(tree: Path) -> None:
    (tree / "data" / "raw" / "t_b.csv").write_text("y\ndie\n", encoding="utf-8")
    result = pipeline.build(make_config(tree, only=("beta",)))
    assert result.exit_code == pipeline.EXIT_FAILED
    assert result.failures and result.failures[0].section == "01_beta"
    assert result.failures[0].ename == "WorkerError"
    assert "the worker process died (killed by SIGKILL)" in result.failures[0].evalue
    assert "section 01_beta (en edition) failed" in result.message
    assert not executed(tree, "01_beta").exists()

    (tree / "data" / "raw" / "t_b.csv").write_text("y\n6\n", encoding="utf-8")
    again = pipeline.build(make_config(tree, only=("beta", "alpha"), jobs=1))
    assert again.exit_code == 0, again.message
    assert sorted(again.executed) == ["en/00_alpha", "en/01_beta"]


@pytest.mark.slow
@pytest.mark.xdist_group("pipeline_one_job")  # one worker builds the tree both read
def test_injected_parameters_cell_is_hidden(built_one_job) -> None:
    tree, result = built_one_job
    assert result.exit_code == 0, result.message
    nb = nbformat.read(executed(tree, "00_alpha"), as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    cell = injected[0]
    assert cell.source.startswith("#| include: false\n")  # Quarto drops the cell from every format
    assert "remove-cell" in cell.metadata["tags"]
    assert cell.metadata["jupyter"]["source_hidden"] is True
    # The author's own defaults cell is untouched.
    defaults = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert defaults and not defaults[0].source.startswith("#|")


def test_hide_injected_parameters_is_idempotent() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("a = 1", metadata={"tags": ["injected-parameters"]})])
    assert worker.hide_injected_parameters(nb)
    assert worker.hide_injected_parameters(nb)
    assert nb.cells[0].source == "#| include: false\na = 1"
    assert nb.cells[0].metadata["tags"] == ["injected-parameters", "remove-cell"]


def test_without_quarto_the_build_exits_3_with_instructions(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(website.shutil, "which", lambda name, *a, **k: None)
    result = pipeline.build(make_config(tree, sections=(), render=True, langs=LANGS))
    assert result.exit_code == pipeline.EXIT_NO_QUARTO == 3
    assert "quarto" in result.message.lower()
    assert "pip install quarto-cli" in result.message and "environment.yml" in result.message
    assert "reports/en/notebooks and reports/ru/notebooks" in result.message
    # The pages of both editions were still generated, ready for a later render, from the top-level _quarto.yml
    # without the hook that guards the repository root.
    import yaml

    for lang in LANGS:
        staged = tree / "reports" / "site-src" / lang
        project = yaml.safe_load((staged / "_quarto.yml").read_text(encoding="utf-8"))
        assert project["project"]["type"] == "website" and "pre-render" not in project["project"]
        assert project["lang"] == lang
        assert (staged / "index.qmd").exists() and not (staged / "not-here.py").exists()


def test_quarto_render_at_the_repository_root_stops_with_an_explanation(repo_root: Path) -> None:
    import subprocess
    import sys

    import yaml

    hook = yaml.safe_load((repo_root / "_quarto.yml").read_text(encoding="utf-8"))["project"]["pre-render"]
    out = subprocess.run([sys.executable, str(repo_root / hook)], capture_output=True, text=True)
    assert out.returncode == 1
    assert "make report" in out.stderr and "quarto preview reports/site-src" in out.stderr


def test_cli_reports_exit_3_without_quarto(tree: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from vstudy import cli

    monkeypatch.setattr(website.shutil, "which", lambda name, *a, **k: None)
    monkeypatch.setattr(pipeline.BuildConfig, "__init__", _patched_init(tree), raising=True)
    code = cli.main(["build", "--data", str(tree / "data" / "raw")])
    assert code == 3
    assert "Quarto is not installed" in capsys.readouterr().err


def _patched_init(tree: Path):
    """BuildConfig.__init__ bound to the temporary tree and no sections (the CLI has no --root option)."""
    original = pipeline.BuildConfig.__init__

    def init(self, **kwargs):
        kwargs.update(root=tree, sections=(), prepare=lambda config: [])
        original(self, **kwargs)

    return init


def test_unknown_section_is_a_usage_error(tree: Path) -> None:
    result = pipeline.build(make_config(tree, only=("nope",)))
    assert result.exit_code == pipeline.EXIT_FAILED and "unknown section 'nope'" in result.message


def test_manifest_maps_tables_to_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.csv").write_text("x\n", encoding="utf-8")
    (tmp_path / "other.csv").write_text("x\n", encoding="utf-8")
    # Without a manifest, every CSV is a table named by its stem.
    assert pipeline.read_manifest(tmp_path)["tables"] == {"a": tmp_path / "sub" / "a.csv",
                                                          "other": tmp_path / "other.csv"}
    # With one, exactly the declared tables: a file's stem is not a table name.
    (tmp_path / "manifest.yml").write_text(
        "period: {start: 2022-01-01, end: 2022-06-30, label: 2022-H1}\n"
        "tables:\n  alias: {file: other.csv}\n  outside: {file: ../elsewhere.csv}\n", encoding="utf-8")
    info = pipeline.read_manifest(tmp_path)
    assert info["period"] == "2022-H1"
    # A file outside the dataset directory is never a table (validation reports it).
    assert info["tables"] == {"alias": (tmp_path / "other.csv").resolve()}


def test_sections_read_tables_the_data_layer_declares(repo_root: Path) -> None:
    """A misspelt table name in vstudy.publish.sections would silently drop that table from the rebuild decision."""
    from vstudy.data import processed, schemas
    from vstudy.publish.sections import SECTIONS as STUDY_SECTIONS

    known = set(schemas.PROCESSED) | set(processed.PASS_THROUGH) | {"dataset.json", "manifest.json", "*"}
    declared = set(pipeline.read_manifest(repo_root / "data" / "raw")["tables"])
    for section in STUDY_SECTIONS:
        assert section.tables, f"{section.name} declares no processed table"
        unknown = set(section.tables) - known
        assert not unknown, f"{section.name} reads tables the processed layer does not have: {sorted(unknown)}"
        unknown = set(section.raw_tables) - declared - {"*"}
        assert not unknown, f"{section.name} reads raw tables no manifest declares: {sorted(unknown)}"
    # The thin notebooks read nothing raw.
    assert {s.name for s in STUDY_SECTIONS if s.raw_tables} <= {"00_data_quality", "03_correlations",
                                                                 "06_economic_value"}


def _study_inputs(repo_root: Path, data: Path, processed_dir: Path) -> dict[str, dict]:
    from vstudy.data import processed
    from vstudy.publish.sections import SECTIONS as STUDY_SECTIONS

    processed.prepare_for_build(data, processed_dir, "kz2021")
    config = pipeline.BuildConfig(root=repo_root, data_dir=data, processed_dir=processed_dir, scheme="kz2021",
                                  package_hash="fixed")
    manifest = pipeline.read_manifest(data)
    files = pipeline.processed_files(processed_dir)
    return {s.name: pipeline.section_inputs(config, s, manifest, files, {}) for s in STUDY_SECTIONS}


def test_one_raw_table_changes_only_the_sections_that_read_its_processed_table(repo_root: Path,
                                                                                tmp_path: Path) -> None:
    data = tmp_path / "raw"
    shutil.copytree(repo_root / "data" / "raw", data)
    before = _study_inputs(repo_root, data, tmp_path / "processed")
    assert before["04_maps"]["processed"].keys() == {"regions_kz2021.csv", "regions_kz2021.parquet"}
    assert before["07_information_line"]["raw"] == {}
    table = data / "report_2021" / "info_line_monthly.csv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines[1].split(",")
    first[3] = str(int(first[3]) + 1)  # requests_count of the first observation
    table.write_text("".join([lines[0], ",".join(first), *lines[2:]]), encoding="utf-8")
    after = _study_inputs(repo_root, data, tmp_path / "processed")
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == ["00_data_quality", "07_information_line"]


def test_a_declared_table_the_dataset_lacks_is_recorded(tmp_path: Path) -> None:
    processed_dir = tmp_path / "processed"
    processed_dir.mkdir()
    (processed_dir / "regions_kz2022.parquet").write_bytes(b"x")
    config = pipeline.BuildConfig(root=tmp_path, processed_dir=processed_dir, scheme="kz2022", package_hash="p")
    section = Section("01", "beta", ("regions", "info_line_totals"), titles=("Beta", "Бета"))
    inputs = pipeline.section_inputs(config, section, {"tables": {}}, pipeline.processed_files(processed_dir), {})
    assert inputs["processed"]["info_line_totals"] is None
    assert set(inputs["processed"]) == {"regions_kz2022.parquet", "info_line_totals"}


@pytest.mark.quarto
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("quarto") is None,
                    reason="quarto CLI not on PATH: install it (environment.yml, pip install quarto-cli, quarto.org)")
def test_render_site_and_pdf(tree: Path) -> None:
    config = make_config(tree, render=True, langs=LANGS)
    result = pipeline.build(config)
    assert result.exit_code == 0, result.message
    site = tree / "reports" / "site"
    assert (site / "index.html").exists()
    for lang in LANGS:
        section_page = site / lang / "notebooks" / "00_alpha.html"
        html = section_page.read_text(encoding="utf-8")
        assert {"en": "Alpha", "ru": "Альфа", "kk": "Әлфа"}[lang] in html
        assert "injected-parameters" not in html and "output_dir = " not in html
        for other in (o for o in LANGS if o != lang):  # the language switch: the same page in each other edition
            assert f'href="../../{other}/notebooks/00_alpha.html"' in html, (lang, other)
        for page in ("data.html", "reproducibility.html"):
            assert (site / lang / page).exists(), page
        pdf = site / lang / f"study-{lang}.pdf"  # the whole study (vstudy.publish.book), named for its edition
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
        text = pdf_text(pdf)
        for letter in "әғқңөұүһі":
            assert letter in text, letter
        for heading in (book.word(lang, "summary"), {"en": "Alpha", "ru": "Альфа", "kk": "Әлфа"}[lang]):
            assert heading in text, heading
    for page in site.rglob("*.html"):  # no page names a folder of the machine that built it
        assert str(tree) not in page.read_text(encoding="utf-8"), page
    assert pipeline.build(make_config(tree, render=True, langs=LANGS)).render.status == "skipped"
    # One raw table changed: its sections' pages and the pages that embed them are rendered again, nothing else.
    with open(tree / "data" / "raw" / "t_b.csv", "a", encoding="utf-8") as fh:
        fh.write("4\n")
    again = pipeline.build(make_config(tree, render=True, langs=LANGS))
    assert again.render.status == "rendered"
    rendered = set(again.render.pages)
    assert {f"{lang}/notebooks/{name}.ipynb" for lang in LANGS for name in ("01_beta", "02_gamma")} <= rendered
    assert not any(page.endswith("00_alpha.ipynb") or page.endswith("data.qmd") for page in rendered)


def test_command_line_and_up_to_date_checks_do_not_import_pandas(tmp_path: Path) -> None:
    """A no-op rebuild only hashes files; importing pandas alone would cost it most of a second."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from vstudy import cli\nfrom vstudy.publish import pipeline, website\n"
        "args = cli.build_parser().parse_args(['build', '--no-render'])\n"
        f"config = pipeline.BuildConfig(root=Path({str(tmp_path)!r}))\n"
        "pipeline.parameters_for(config, pipeline.read_manifest(config.data_dir))\n"
        "pipeline.package_hash()\n"
        "print(sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'papermill') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
