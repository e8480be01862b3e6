"""Every section notebook, as the study's build executes it, on the default data and on the synthetic kz2022 example.

Executing the notebooks is the slowest part of the suite (a kernel per notebook): the tests that read them are marked
``slow`` and run in `make test`. They read the executed notebooks and outputs of one real `vstudy build` per dataset
and edition (``executed`` and ``study_build`` in tests/conftest.py), made once per test run. The checks of the
notebooks' source (thin, no typed years, no outputs) are fast and unmarked.
"""

from __future__ import annotations

import ast
import html as html_lib
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import STUDY_DATASETS, on_build

from vstudy import vocab
from vstudy.publish import sections

ROOT = Path(__file__).resolve().parents[2]
DATASETS = STUDY_DATASETS  # kz2021: data/raw; kz2022: data/examples/kz2022-synthetic


def _errors(nb):
    return [
        (i, out.get("ename"), out.get("evalue"))
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]


# With pytest-xdist (--dist loadgroup) the tests of one dataset's build run on one worker, in turn, while the
# other worker builds the other dataset or runs another group: each dataset is built once, and no worker waits for
# a build the other is making.
SCHEMES = [pytest.param(s, marks=on_build(s)) for s in sorted(DATASETS)]
RU_GROUP = on_build("kz2021")


@pytest.mark.slow
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("section", sections.SECTIONS, ids=lambda s: s.name)
def test_notebook_runs_clean(section, scheme, executed):
    nb, output_dir = executed(section, scheme)
    assert _errors(nb) == []
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "exactly one cell tagged 'parameters'"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    # Every figure cell carries a label, a caption and alt text so Quarto can embed it.
    for cell in nb.cells:
        if cell.cell_type == "code" and "#| label: fig-" in cell.source:
            assert "#| fig-cap:" in cell.source and "#| fig-alt:" in cell.source, cell.source[:80]
    tables = list((output_dir / "tables").glob(f"{section.name}__*.csv"))
    if section.slug not in ("data_quality",):
        assert tables, f"{section.name} wrote no tables"


@pytest.mark.slow
@pytest.mark.parametrize("scheme", [pytest.param("kz2021", marks=RU_GROUP), *[p for p in SCHEMES
                                                                             if p.values[0] != "kz2021"]])
def test_maps_are_interactive_on_the_site_and_static_in_print(scheme, executed):
    """Section 04: each map cell outputs one bundle (text/html for the website, image/png for the PDF), plotly.js
    once per notebook and never from a URL; on the 2021 data the Russian edition's hover texts are Russian."""
    from importlib import resources

    from vstudy.data import regions

    library = (resources.files("plotly") / "package_data" / "plotly.min.js").read_text(encoding="utf-8")
    section = next(s for s in sections.SECTIONS if s.name == "04_maps")
    runs = [("en", executed(section, scheme))] + ([("ru", executed(section, scheme, "ru"))]
                                                  if scheme == "kz2021" else [])
    for lang, (nb, _) in runs:
        bundles = [out["data"] for cell in nb.cells if cell.cell_type == "code" and "#| label: fig-maps" in cell.source
                   for out in cell.get("outputs", []) if "text/html" in out.get("data", {})]
        pages = "".join("".join(b["text/html"]) for b in bundles)
        assert len(bundles) >= 6 and all(set(b) == {"text/html", "image/png"} for b in bundles)
        assert pages.count(library) == 1 and pages.count("plotly.js v") == 1  # embedded once, from the package
        rest = pages.replace(library, "")
        assert not re.search(r"<script[^>]*\bsrc\s*=", rest) and not re.search(r"https?://", rest)
        n = len(regions.codes(scheme))
        rank = {"en": f"1 of {n}<br>", "ru": f"1-е место из {n}<br>"}[lang]
        assert json.dumps(rank)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e") in pages  # as plotly writes it


def test_parameters_cells_match_the_declared_defaults():
    """Every notebook's parameters cell declares exactly vocab.PARAMETER_DEFAULTS, with the same values."""
    import ast

    from vstudy.vocab import PARAMETER_DEFAULTS

    for section in sections.SECTIONS:
        nb = nbformat.read(ROOT / section.notebook, as_version=4)
        cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(cells) == 1, section.notebook
        declared = {}
        for node in ast.parse(cells[0].source).body:
            assert isinstance(node, ast.Assign), f"{section.notebook}: only assignments in the parameters cell"
            declared[node.targets[0].id] = ast.literal_eval(node.value)
        assert declared == PARAMETER_DEFAULTS, section.notebook


def test_source_notebooks_have_no_outputs():
    for section in sections.SECTIONS:
        nb = nbformat.read(ROOT / section.notebook, as_version=4)
        outputs = [c for c in nb.cells if c.cell_type == "code" and (c.outputs or c.execution_count)]
        assert not outputs, f"{section.notebook} is committed with outputs"


# --------------------------------------------------------------------------------------------- the Russian edition
# Every section's notebook is written in every edition's language; the flag (the section registry's
# names_regions) says whether its pages name regions.
RU_SECTIONS: dict[str, bool] = {name: entry.names_regions for name, entry in vocab.SECTIONS.items()}
RU_READY = [pytest.param(s, id=s.name) for s in sections.SECTIONS]

from helpers import _reader_text, english_runs, run_cells  # noqa: E402  (shared with the unit tier)


def test_english_runs_find_sentences_not_names():
    assert english_runs("Доля, % | Birgemiz: Taza Álem | NEET | ProBono") == []
    assert english_runs("Ошибка: the shares add up to more than 100") == ["the shares add up to more than"]
    assert english_runs("`volunteers_by_region` and [CSV](../tables/a_b.csv)") == []


def _shown(nb):
    """(cell index, kind, text) of every Markdown cell and displayed Markdown/HTML output of a notebook."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            yield i, "markdown cell", "".join(cell.source)
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            for kind in ("text/markdown", "text/html"):
                if kind in out.get("data", {}):
                    yield i, kind, "".join(out["data"][kind])


@pytest.mark.parametrize("section", RU_READY)
def test_notebook_holds_both_editions(section):
    """Every prose Markdown cell tagged lang-en or lang-ru, every caption with its Russian twin."""
    from vstudy.present import edition

    nb = json.loads((ROOT / section.notebook).read_text(encoding="utf-8"))
    assert edition.problems(nb) == []


# The Kazakh edition (issue 19): each section helper writes its notebook's kk Markdown cells and kk caption lines.
KK_NOTEBOOKS = ["06_economic_value"]
_KAZAKH = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүІі]")


@pytest.mark.parametrize("name", KK_NOTEBOOKS)
def test_notebook_holds_the_kazakh_edition(name):
    """A lang-kk Markdown cell for each lang-en one, in Kazakh, and a -kk twin in Kazakh for every -ru caption."""
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    cells = nb["cells"]
    tags = [t for c in cells if c["cell_type"] == "markdown" for t in c["metadata"].get("tags", [])]
    assert tags.count("lang-kk") == tags.count("lang-en") == tags.count("lang-ru") > 0
    kk = ["".join(c["source"]) for c in cells if "lang-kk" in c["metadata"].get("tags", [])]
    assert all(_KAZAKH.search(text) and not english_runs(text) for text in kk), kk
    for cell in (c for c in cells if c["cell_type"] == "code"):
        lines = "".join(cell["source"]).splitlines()
        for line in lines:
            m = re.match(r"#\| ([a-z-]+)-ru:", line)
            if m:
                twin = next((x for x in lines if x.startswith(f"#| {m[1]}-kk:")), None)
                assert twin is not None, f"{name}: #| {m[1]}-ru has no #| {m[1]}-kk"
                assert _KAZAKH.search(twin) and not english_runs(twin.split(":", 1)[1]), twin


@pytest.mark.slow
@pytest.mark.parametrize("scheme", [pytest.param("kz2021", marks=RU_GROUP)])
@pytest.mark.parametrize("section", RU_READY)
def test_russian_edition_reads_in_russian(section, scheme, executed):
    """The Russian edition of a section (executed with lang="ru", cut by edition.localize): no English sentence in
    its Markdown or displayed outputs, Russian region names, decimal commas, captions in Russian."""
    from vstudy.data import regions
    from vstudy.present import edition, labels

    nb, _ = executed(section, scheme, "ru")
    assert _errors(nb) == []
    ru = nbformat.from_dict(edition.localize(nb, "ru"))
    shown = list(_shown(ru))
    leaks = [(i, kind, run) for i, kind, text in shown for run in english_runs(text)]
    assert not leaks, leaks[:10]
    text = "\n".join(_reader_text(t) for _, _, t in shown)
    codes = list(regions.units(scheme)["code"])
    english = {labels.region_label(c, "en") for c in codes} - {labels.region_label(c, "ru") for c in codes}
    assert not [name for name in english if re.search(rf"\b{re.escape(name)}\b", text)]
    if RU_SECTIONS[section.name]:
        assert sum(labels.region_label(c, "ru") in text for c in codes) >= len(codes) // 2
    assert re.search(r"\d,\d", text), "no decimal comma"
    assert not re.findall(r"(?<![\w.])\d+\.\d+(?![\w.])", text), re.findall(r".{30}\d+\.\d+.{30}", text)[:5]
    for cell in ru.cells:
        if cell.cell_type == "code":
            for line in cell.source.splitlines():
                if line.startswith(("#| fig-cap:", "#| tbl-cap:", "#| fig-alt:")):
                    assert not english_runs(line.split(":", 1)[1]), line


@pytest.mark.slow
@pytest.mark.parametrize("scheme", SCHEMES)
def test_replication_and_correlation_tables(scheme, executed):
    by_slug = {s.slug: s for s in sections.SECTIONS}
    _, out0 = executed(by_slug["data_quality"], scheme)
    replication = pd.read_csv(out0 / "tables" / "replication.csv")
    assert list(replication.columns) == [
        "claim_id", "section", "claim", "published_value", "published_as_printed", "source_line",
        "recomputed_value", "difference", "status", "note", "claim_ru", "note_ru", "claim_kk", "note_kk",
    ]
    assert replication["claim_id"].is_unique
    assert set(replication["status"]) <= {"reproduced", "consistent", "derived", "differs", "not reproducible"}
    if scheme == "kz2022":  # the synthetic drop carries no published report: nothing to replicate, nothing circular
        assert replication.empty
    if scheme == "kz2021":
        # The 77.15 % share of initiative groups recomputed from the raw national totals.
        headline = pd.read_csv(DATASETS[scheme] / "report_2021" / "headline_figures.csv").set_index("figure_id")
        ngo, groups = headline.loc["ngo_total", "value"], headline.loc["initiative_groups_total", "value"]
        row = replication.set_index("claim_id").loc["initiative_group_share_pct"]
        assert row["recomputed_value"] == pytest.approx(100 * groups / (ngo + groups), abs=0.005)
        assert row["status"] == "reproduced"
        # Without per-region volunteer counts the report's coefficients cannot be recomputed.
        published_r = pd.read_csv(DATASETS[scheme] / "report_2021" / "correlations_published.csv")
        volunteer_claims = replication[replication["claim_id"].str.startswith("r_")]
        assert len(volunteer_claims) == len(published_r)
    _, out3 = executed(by_slug["correlations"], scheme)
    correlations = pd.read_csv(out3 / "tables" / "correlations.csv")
    required = {"family", "x", "y", "method", "n", "r", "ci_low", "ci_high", "p", "p_perm", "p_holm", "p_by"}
    assert required <= set(correlations.columns)
    assert (correlations["n"] >= 0).all()
    # The register (section 00) and section 03 recompute the report's coefficients from the same table.
    report_r = correlations[(correlations["family"] == "report") & (correlations["method"] == "pearson")]
    report_r = report_r.set_index("coef_id")["r"].round(3)
    register_r = replication[replication["claim_id"].str.startswith("r_")]
    register_r = register_r.set_index(register_r["claim_id"].str.removeprefix("r_"))["recomputed_value"]
    pd.testing.assert_series_equal(register_r.sort_index(), report_r.reindex(register_r.index).sort_index(),
                                   check_names=False, check_index_type=False, check_dtype=False)
    if scheme == "kz2021":  # events (reconstructed) × organisations and emissions × eco-events
        assert register_r.notna().sum() == 2
    json.dumps(replication.head().to_dict())  # plain, serialisable values


@pytest.mark.slow
@pytest.mark.parametrize("scheme", [p for p in SCHEMES if p.values[0] == "kz2021"])
def test_every_table_column_and_id_has_a_label_in_both_languages(scheme, executed):
    """A reader meets no internal name: every column of every table the study writes, and every id in the
    columns that hold ids (vstudy.present.labels.ID_COLUMNS), has an English and a Russian label."""
    from vstudy.present import labels

    missing: dict[str, set] = {}
    for output_dir in sorted({executed(section, scheme)[1] for section in sections.SECTIONS}):  # the edition's
        for path in sorted((output_dir / "tables").glob("*.csv")):
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            for column in frame.columns:
                if not labels.has_label(column):
                    missing.setdefault(path.name, set()).add(column)
                if column in labels.ID_COLUMNS:
                    ids = {v for v in frame[column] if v and labels.is_id(v)}
                    missing.setdefault(path.name, set()).update(
                        f"{column}={v}" for v in ids if not labels.has_label(v, "value"))
    assert not {k: v for k, v in missing.items() if v}


# Thin notebooks: narrative, the parameters cell, one set-up cell and short calls into vstudy.
MAX_CODE_LINES = 60
THIN = [pytest.param(s, id=s.name) for s in sections.SECTIONS]


def _code_cells(section):
    nb = nbformat.read(ROOT / section.notebook, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]


def code_lines(source: str) -> int:
    """Lines of code: not blank, not a comment (``#|`` cell options are comments too)."""
    return sum(1 for line in source.splitlines() if line.strip() and not line.strip().startswith("#"))


def test_code_lines_count_code_only():
    assert code_lines("#| label: fig-x\n# a comment\n\nx = 1\n  y = 2  # trailing\n") == 2


@pytest.mark.parametrize("section", THIN)
def test_notebook_is_thin(section):
    """No function, class or lambda, and at most MAX_CODE_LINES lines of code outside the parameters cell."""
    cells = _code_cells(section)
    for cell in cells:
        tree = ast.parse("\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))))
        defined = [type(node).__name__ for node in ast.walk(tree)
                   if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))]
        assert not defined, f"{section.notebook} defines {defined} in a cell starting {cell.source[:60]!r}"
    lines = sum(code_lines(c.source) for c in cells)
    assert lines <= MAX_CODE_LINES, f"{section.notebook}: {lines} lines of code outside the parameters cell"


# The study follows its data: a year, or a count of regions, typed into the narrative or a caption would be wrong
# for another dataset. Numbers that are units or category names (per 100,000; aged 18–29) are not matched.
_TYPED = re.compile(r"\b(19|20)\d\d\b|\b\d+\s+(regions|units|oblasts)\b|\b(seventeen|twenty) regions\b", re.I)


@pytest.mark.parametrize("section", THIN)
def test_narrative_types_no_year_or_region_count(section):
    nb = nbformat.read(ROOT / section.notebook, as_version=4)
    texts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    texts += [line for c in _code_cells(section) for line in c.source.splitlines() if line.startswith("#|")]
    found = [m.group(0) for text in texts for m in _TYPED.finditer(text)]
    assert not found, f"{section.notebook} types {found}"


def _displayed_tables(nb):
    """(cell index, html, markdown) of every table a notebook displays."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            html = "".join(out.get("data", {}).get("text/html", ""))
            if "<table" in html:
                yield i, html, "".join(out.get("data", {}).get("text/markdown", ""))


@pytest.mark.slow
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("section", sections.SECTIONS, ids=lambda s: s.name)
def test_displayed_tables_are_reader_tables(section, scheme, executed):
    """Every table a section shows is a reader table: labelled headers (no internal column names), no index
    column, no NaN; its Markdown (the PDF's) has as many header cells as the HTML (the website's) has or fewer."""
    from vstudy.present import labels

    nb, _ = executed(section, scheme)
    shown = list(_displayed_tables(nb))
    for i, html, markdown in shown:
        assert 'class="reader-table"' in html, (section.name, i, html[:200])
        headers = re.findall(r"<th[^>]*>(.*?)</th>", html)
        assert headers and all(h.strip() for h in headers), (section.name, i, headers)  # no blank index header
        assert not any(re.fullmatch(r"\d+", h) for h in headers)
        assert not [h for h in headers if labels.ID_PATTERN.fullmatch(h) and "_" in h], (section.name, i, headers)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
        assert not [c for c in cells if c in ("NaN", "nan", "None", "<NA>", "True", "False")], (section.name, i)
        assert "NaN" not in markdown and markdown.startswith("| ")
        stubs = [html_lib.unescape(re.sub(r"<[^>]+>", "", row.split("</td>")[0]))
                 for row in html.split("<tr>")[2:] if "<code>" not in row.split("</td>")[0]]
        # the first cell of each body row names its row for a reader (a file or indicator name shows as code)
        assert not [s for s in stubs if re.search(r"[a-z0-9]+_[a-z0-9]+_[a-z0-9_]+", s)], (section.name, i, stubs)
    if section.name in ("03_correlations", "07_information_line") and scheme == "kz2021":
        assert len(shown) >= 5


def test_notebooks_display_tables_through_study_show():
    """A displayed DataFrame goes through study.show (or a present view): no cell ends with a bare name."""
    for section in sections.SECTIONS:
        for cell in _code_cells(section):
            last = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")][-1]
            assert not re.fullmatch(r"[a-z_]+(\.round\(\d\))?", last.strip()), (section.name, last)


@pytest.mark.slow
@pytest.mark.parametrize("scheme", [p for p in SCHEMES if p.values[0] == "kz2021"])
def test_study_document_of_the_2021_build(scheme, executed, tmp_path):
    """The study PDF's source for the 2021 data: every section, every figure and table of the executed notebooks
    numbered once, the summary's numbers those of the build's tables, the appendices; no code, no machine path."""
    import csv
    import os
    import shutil

    from vstudy.publish import book, pipeline, website

    executed_dir, tables = tmp_path / "executed", tmp_path / "tables"
    executed_dir.mkdir()
    tables.mkdir()
    expected_figures, expected_tables = [], []
    for section in sections.SECTIONS:
        nb, output_dir = executed(section, scheme)
        nbformat.write(nb, executed_dir / f"{section.name}.ipynb")
        for path in (output_dir / "tables").glob("*.csv"):
            shutil.copy(path, tables / path.name)
        for cell in nb.cells:  # a labelled cell counts when it produced its figure or its reader table
            match = re.search(r"^#\|\s*label:\s*((fig|tbl)-[\w-]+)", cell.source, re.MULTILINE) \
                if cell.cell_type == "code" else None
            outputs = [o.get("data", {}) for o in cell.get("outputs", [])]
            if match and match.group(2) == "fig" and any("image/png" in d for d in outputs):
                expected_figures.append(match.group(1))
            if match and match.group(2) == "tbl" and any("text/markdown" in d and "text/html" in d for d in outputs):
                expected_tables.append(match.group(1))
    config = pipeline.BuildConfig(root=ROOT, data_dir=DATASETS[scheme], sections=sections.SECTIONS,
                                  package_hash="fixed")
    stage = tmp_path / "stage"
    staged = website.stage_notebooks(config, stage / "notebooks", executed_dir)
    manifest = {"period": {"start": "2021-07-01", "end": "2021-12-31"}, "scheme": scheme,
                "transcribes": "report_2021"}  # the study of the report: its register and errata
    text = book.write_study(stage, "en", staged, manifest, tables, DATASETS[scheme]).read_text(encoding="utf-8")

    headings = re.findall(r"^# (.+?)(?: \{\.unnumbered\}| \{#sec-[a-z0-9-]+\})?$", text, re.MULTILINE)
    assert headings == ["Summary of findings", "Data and methods", "The report and this study",
                        *[s.title_en for s in sections.SECTIONS],
                        "Replication summary", "Appendix A. Errata of the source report",
                        "Appendix B. Sources of the data", "Appendix C. Data dictionary"]
    assert len(expected_figures) >= 20 and book.figure_labels(text) == expected_figures
    assert book.table_labels(text) == [*expected_tables, "tbl-study-replication"]
    for absent in (str(tmp_path), str(ROOT), os.path.expanduser("~") + "/", "notebook.setup(", "import "):
        assert absent not in text, absent
    assert "font" not in text.split("\n---\n", 1)[1].lower()
    # the PDF names no section by the website's number ("section 03"): its chapters are numbered by Quarto
    from helpers import TYPED_SECTION

    assert [m.group(0) for m in TYPED_SECTION.finditer(text)] == []
    assert "the section on correlations" in text  # what the register's notes and section 00 say instead
    # the summary's numbers: counted here from the CSV files the build wrote
    summary = text.split("# Summary of findings {.unnumbered}\n", 1)[1].split("\n# ", 1)[0]
    with (tables / "replication.csv").open(encoding="utf-8") as handle:
        statuses = [row["status"] for row in csv.DictReader(handle)]
    published = [s for s in statuses if s != "derived"]
    assert f"holds **{len(published):,} numbers the report publishes**" in summary
    said = {"reproduced": "reproduce", "consistent": "are consistent", "differs": "differ",
            "not reproducible": "cannot be reproduced"}
    for status in set(published):
        assert f"{published.count(status):,} {said[status]}" in summary, status
    # the correlations: the counts the summary states are the table's (pairs, findings, what the correction ran
    # over, what holds after it), and every finding that survives a correction is there with r and n
    import pandas as pd

    from vstudy.analysis import correlations as cs

    results = pd.read_csv(tables / "correlations.csv")
    summary_counts = cs.study_summary(results, cs.ALPHA)
    assert (f"{summary_counts['pairs_full']} pairs of variables were tested over all regions. They form "
            f"{summary_counts['findings_full']} findings") in summary
    holds = summary_counts["holds"]
    assert (f"Holm's correction ran over {summary_counts['m_study']} findings. "
            f"{'None holds' if holds == 0 else f'{holds} hold' + ('s' if holds == 1 else '')} after it") in summary
    for _, r in cs.mentioned_findings(results, strongest=0).iterrows():
        assert f"r = {float(r['r']):.2f}".replace("-", "\u2212") + f" (n = {int(r['n'])})" in summary


@pytest.mark.parametrize("name", ["05_activities", "07_information_line"])
def test_kazakh_narrative_and_captions_beside_the_russian(name):
    """Sections 05 and 07 carry the kk edition's words in the notebook: a lang-kk Markdown cell (Kazakh letters, the
    glossary's terms) and a `-kk` twin of every Russian caption and alt text, in the same cell."""
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    kk = ["".join(c["source"]) for c in nb["cells"]
          if c["cell_type"] == "markdown" and "lang-kk" in c.get("metadata", {}).get("tags", [])]
    assert len(kk) == 1 and re.search(r"[әғқңөұүһі]", kk[0]) and kk[0].startswith("# ")
    assert {"05_activities": "іс-шара", "07_information_line": "ақпараттық желі"}[name] in kk[0].lower()
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        for key in re.findall(r"^#\| ((?:fig|tbl)-(?:cap|alt))-ru:", source, flags=re.M):
            twin = re.search(rf'^#\| {key}-kk: "(.+)"$', source, flags=re.M)
            assert twin and re.search(r"[әғқңөұүһі]", twin.group(1)), (name, key)
        assert "report" not in "\n".join(ln for ln in source.splitlines() if ln.startswith("#|")).lower()


# ------------------------------------------------------------ section 07 on a 2022 dataset with an information line
# The builds' 2022 dataset (the synthetic worked example) has no information line, so section 07 runs there on its
# "absent" path only. The kz2022 test fixture (tests/fixtures/kz2022_dataset) supplies one (totals and channels, no
# report): the notebook's own cells run here on its processed layer, in this process (no kernel), in every edition.
FIXTURE_2022 = ROOT / "tests" / "fixtures" / "kz2022_dataset"
_KZ_LETTERS = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүІі]")
# "the report" (the glossary's report: en report, ru отчёт, kk есеп) in its forms; not «есептеу» (to count)
_REPORT_WORD = re.compile(r"\breport|\bотч[её]т|\b(?:есеп|есебі\w*|есептің|есепте|есепке|есептен)\b", re.I)


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_information_line_of_a_2022_dataset_in_every_edition(lang, processed_2022, tmp_path,
                                                             study_style):
    """Section 07's cells on the kz2022 fixture's information line: they run, write the section's tables with the
    fixture's numbers, show reader tables that fit the A4 page (the checks of test_displayed_tables_are_reader_tables
    and test_pages_fit_builds.py), and every sentence is in the edition's language, with no word about the report."""
    import matplotlib.pyplot as plt

    from vstudy.i18n import formats
    from vstudy.present import tables

    section = next(s for s in sections.SECTIONS if s.name == "07_information_line")
    runs = run_cells(nbformat.read(ROOT / section.notebook, as_version=4),
                     {"data_dir": str(FIXTURE_2022), "processed_dir": str(processed_2022), "scheme": "kz2022",
                      "output_dir": str(tmp_path), "lang": lang}, section.notebook)
    # what it showed: each display() argument and each cell's last expression that is not None, in order
    shown = [x for run in runs for x in [*(obj for obj, _ in run.shown), *([run.value] if run.value is not None
                                                                          else [])]]
    plt.close("all")
    written = {p.name.split("__", 1)[1] for p in (tmp_path / "tables").glob(f"{section.name}__*.csv")}
    assert {"inputs.csv", "totals.csv", "checks.csv", "channels.csv"} <= written, written
    channels = pd.read_csv(tmp_path / "tables" / f"{section.name}__channels.csv").set_index("channel")
    raw = pd.read_csv(FIXTURE_2022 / "survey" / "info_line_channels.csv").set_index("channel")["value"]
    assert channels.loc["whatsapp", "share_of_channel_contacts_pct"] == pytest.approx(
        100 * raw["whatsapp"] / raw[raw.index.isin(["phone_call", "whatsapp", "telegram"])].sum(), abs=0.01)

    views = [obj for obj in shown if isinstance(obj, tables.ReaderTable)]
    assert len(views) >= 3
    for view in views:
        html, markdown = view._repr_html_(), view._repr_markdown_()
        assert 'class="reader-table"' in html
        cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
        assert not [c for c in cells if c in ("NaN", "nan", "None", "<NA>", "True", "False")], html[:300]
        assert markdown.startswith("| ") and markdown.splitlines()[0].count(" | ") + 1 == len(
            re.findall(r"<th[ >]", html))
        rule = next(line for line in markdown.splitlines() if re.fullmatch(r"\|(:?-+:?\|)+", line))
        assert sum(len(seg.strip(":")) for seg in rule.strip("|").split("|")) <= tables.MAX_WIDTH_CHARS
    text = "\n".join(obj.data for obj in shown if type(obj).__name__ == "Markdown")
    assert formats.integer(int(pd.read_csv(FIXTURE_2022 / "survey" / "info_line_totals.csv")
                               .set_index("metric").loc["requests_total", "value"]), lang) in text
    prose = _reader_text(text)
    assert not _REPORT_WORD.search(prose), prose[:500]
    if lang != "en":
        assert not english_runs(text), english_runs(text)
    if lang == "kk":
        assert _KZ_LETTERS.search(prose)
