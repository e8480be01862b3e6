"""What the generated pages say, in each edition's language: the home page, the findings, the downloads, the data
page and its parts (origin records, data dictionary, errata, tables), the reproducibility facts, the study's
methods, and the site's page files themselves (:func:`page_qmd`).

Every function takes the edition ``lang`` (:data:`vstudy.vocab.LANGS`) and returns Markdown; its words are the
``pages`` message catalogue (``src/vstudy/i18n/catalogues/<lang>/pages.yml``), filled with facts this module
computes from the build's tables, the dataset and its manifest. Numbers, periods and lists are written by CLDR
(:mod:`vstudy.i18n.formats`); terms and region names come from :mod:`vstudy.present.labels` and the gazetteer.
Every string that comes from the dataset is escaped (:func:`vstudy.present.text.escape`, through
:func:`vstudy.present.words.t`), so no HTML, Markdown link, math, citation or Quarto shortcode from data is ever
live. :mod:`vstudy.publish.website` stages the pages into the Quarto project; :mod:`vstudy.publish.book` assembles the
study document from them.

**What a dataset is.** The home page and the PDF open with the dataset's own manifest — its title in the
edition's language (``title``, ``title_ru``, ``title_kk``; without one, the period and scheme alone name it), its
period and regional scheme — and say that the study rebuilds the 2021 analytical report, transcribed from its text,
only for a dataset whose manifest declares ``transcribes: report_2021`` (:func:`transcribes_report`); so do the
methods, the replication register's parts and the errata.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import importlib.metadata
import math
import platform
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from vstudy import i18n, vocab
from vstudy.data import errata as dataset_errata
from vstudy.data import manifest as dataset_manifest
from vstudy.data import provenance
from vstudy.i18n import check_lang as _check
from vstudy.i18n import formats
from vstudy.present.text import escape
from vstudy.present.words import plain
from vstudy.publish.quarto import quarto_path, quarto_version
from vstudy.publish.state import hash_tree
from vstudy.vocab import SCHEMES

NUMBER_PREFIX = re.compile(r"^[0-9]+[.]\s*")  # "01. " of a section title
KEY_PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "pingouin", "matplotlib", "seaborn", "plotly",
                "geopandas", "shapely", "pyogrio", "mapclassify", "pyarrow", "papermill", "nbclient", "ipykernel",
                "pyyaml", "openpyxl", "xlrd")
HOME_FIGURES_SHOWN = 2  # key figures of the sections (vocab.SECTIONS) on the home page
# The replication register's statuses (vstudy.analysis.replication.STATUS_ORDER) as message keys.
STATUS_KEYS = {"not reproducible": "not_reproducible"}

# The study PDF of each edition, as linked from a page at the root of an edition's site. One place: the build
# decides where each edition's PDF lands (each edition is its own site, ``<site>/en/``, ``<site>/ru/`` …) and what
# it is called: each edition's PDF has a name of its own (``study-kk.pdf``), so that a reader who downloads
# several keeps them all.
STUDY_NAME = "study"


def study_document(edition: str) -> str:
    """The name (without suffix) of the study document of ``edition``: ``study-kk`` (``study-kk.qmd`` → PDF)."""
    _check(edition)
    return f"{STUDY_NAME}-{edition}"


def study_pdf(edition: str) -> str:
    """The file name of the study PDF of ``edition`` (``study-kk.pdf``), at the root of the edition's site."""
    return f"{study_document(edition)}.pdf"
# The report the default dataset transcribes: a manifest that declares ``transcribes: report_2021`` is the
# report's own data (its errata, its published lists, its replication register apply).
REPORT_ID = dataset_manifest.REPORT_ID


def study_pdf_href(edition: str) -> str:
    """The link from a root page of any edition's site to the study PDF of ``edition``."""
    _check(edition)
    return f"../{edition}/{study_pdf(edition)}"


# ----------------------------------------------------------------------------------------------- the dataset


transcribes_report = dataset_manifest.transcribes_report  # the pages and the study PDF ask here


def dataset_title(manifest: dict, lang: str) -> str:
    """The dataset's title in ``lang`` as Markdown: its manifest's ``title`` (English), ``title_ru``, ``title_kk``
    in «…»; "" without one in the edition's language (:func:`vstudy.data.manifest.title_in`: never another
    language's title, never the dataset's id) — the sentences then name the dataset by its period and scheme."""
    _check(lang)
    title = dataset_manifest.title_in(manifest, lang)
    return f"«{escape(title)}»" if title else ""


def period_label(period: object, lang: str = "en") -> str:
    """The dataset's period (its manifest's ``period``: ``start``, ``end``) as CLDR writes an interval of months
    in ``lang``; the manifest's ``label`` when it has no dates; "" without a period."""
    period = period if isinstance(period, dict) else {}
    try:
        start, end = (dt.date.fromisoformat(str(period[k])) for k in ("start", "end"))
    except (KeyError, ValueError):
        return str(period.get("label", "") or "")
    return formats.period(start, end, lang)


def region_count(manifest: dict) -> int | None:
    """The number of regions of the dataset's scheme (None for an unknown scheme)."""
    return SCHEMES.get(str(manifest.get("scheme", "")))


def page_title(base: str, manifest: dict, lang: str = "en") -> str:
    """A page title followed by the dataset's period (plain text: a YAML title, a navbar)."""
    period = period_label(manifest.get("period"), lang)
    return plain(lang, "pages.title_with_period", title=base, period=period) if period else base


def study_title(lang: str) -> str:
    """The study's title in the edition's language (no period: :func:`page_title` adds the dataset's)."""
    return plain(lang, "pages.study_title")


def intro_markdown(manifest: dict, lang: str = "en", site: bool = True) -> str:
    """The home page's (and the PDF's) first paragraph: what the study is and what data it reads — the report's
    transcription, or the dataset its manifest describes (title, period, scheme). ``site``: with the sentence's
    close about the section pages."""
    period = period_label(manifest.get("period"), lang)
    facts = {"n": region_count(manifest) or 0, "has_period": bool(period), "period": period, "site": site}
    if transcribes_report(manifest):
        return md(lang, "intro.report", **facts) + "\n"
    title = dataset_title(manifest, lang)
    return md(lang, "intro.dataset", raw=("title", "scheme"), title=title, has_title=bool(title),
              scheme=str(manifest.get("scheme", "")), **facts) + "\n"


def md(lang: str, msg_id: str, /, raw: tuple[str, ...] = (), **facts: object) -> str:
    """The message ``pages.<msg_id>`` in ``lang`` as Markdown: every text fact (and each text of a list fact) is
    escaped, except the facts named in ``raw`` — Markdown this module wrote, or a select's key."""
    return _markdown_message("pages", lang, msg_id, raw, facts)


def _markdown_message(domain: str, lang: str, msg_id: str, raw: tuple[str, ...], facts: dict) -> str:
    def safe(name: str, value: object) -> object:
        if name in raw:
            return value
        if isinstance(value, str):
            return escape(value)
        if isinstance(value, (list, tuple)):
            return [escape(v) if isinstance(v, str) else v for v in value]
        return value

    return i18n.text(lang, f"{domain}.{msg_id}", **{name: safe(name, value) for name, value in facts.items()})


# ----------------------------------------------------------------------------------------------- words


def _labels():
    from vstudy.present import labels  # imported when a page is written: `vstudy build` checks stay light

    return labels


def label_of(key: str, lang: str = "en", default: str | None = None) -> str:
    """The label of an id in ``lang`` (:mod:`vstudy.present.labels`); ``default`` where it has none."""
    try:
        return _labels().value_label(key, lang, default=default)
    except (KeyError, ValueError):
        if default is None:
            raise
        return default


def region_name(code: object, lang: str = "en") -> str:
    try:
        return _labels().region_label(str(code), lang)
    except (KeyError, ValueError):
        return str(code)


def status_label(status: str, lang: str) -> str:
    """A replication status in words (the ``pages.status`` messages; an unknown status as it is)."""
    key = STATUS_KEYS.get(status, status)
    return plain(lang, f"pages.status.{key}.label") if i18n.has(lang, f"pages.status.{key}.label") else status


def section_title(section_id: str, lang: str) -> str:
    """A section's title in ``lang`` (the ``sections`` catalogue)."""
    return plain(lang, vocab.SECTIONS[section_id].title_id)


def appendices(manifest: dict) -> dict[str, int]:
    """The study PDF's appendices in order, numbered from 1: the errata only for the report's transcription."""
    names = (["errata"] if transcribes_report(manifest) else []) + ["sources", "dictionary"]
    return {name: i + 1 for i, name in enumerate(names)}


def appendix_letters(manifest: dict, lang: str) -> dict[str, str]:
    return {name: plain(lang, "pages.appendix_letter", i=str(i)) for name, i in appendices(manifest).items()}


# ----------------------------------------------------------------------------------------------- findings


def _read_csv(path: Path):
    import pandas as pd

    try:
        return pd.read_csv(path, keep_default_na=True)
    except (OSError, ValueError):
        return None


def _truth(value: object) -> bool:
    return str(value).strip().lower() == "true"


def _finite(value: object) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


# The section a headline fact links to (its table is there: vstudy.analysis.headline).
FACT_SECTION = {"volunteers": "01_demographics", "mix": "01_demographics", "organisations": "02_organisations",
                "events": "05_activities", "hours": "06_economic_value", "value": "06_economic_value",
                "info_line": "07_information_line", "correlations": "03_correlations"}


def home(lang: str, msg_id: str, /, raw: tuple[str, ...] = (), **facts: object) -> str:
    """The message ``home.<msg_id>`` in ``lang`` as Markdown, escaped as :func:`md` escapes."""
    return _markdown_message("home", lang, msg_id, raw, facts)


def _see(section: str, lang: str, sections: object) -> str:
    """`` → [title](notebooks/<section>.ipynb)`` after a line, when the site has that section (``sections``: the
    sections the site shows; None for the study PDF, which drops the links)."""
    if sections is None or section not in sections or section not in vocab.SECTIONS:
        return ""
    return " " + home(lang, "see", raw=("href",), title=section_title(section, lang),
                      href=f"notebooks/{quote(section)}.ipynb")


def processed_reader(config=None, processed: Path | None = None, manifest: dict | None = None,
                     scheme: str | None = None):
    """A reader of the build's processed tables (``<name>_<scheme>`` or ``<name>``, as a notebook's
    ``study.table``): the folder ``processed`` (else the build's, ``config.processed_dir``), the scheme ``scheme``
    (else the build's, else the manifest's); None when there is no processed layer."""
    from vstudy.analysis import headline as hl

    folder = processed if processed is not None else getattr(config, "processed_dir", None)
    if folder is None or not Path(folder).is_dir():
        return None
    scheme = scheme or getattr(config, "scheme", None) or (manifest or {}).get("scheme") or "kz2021"
    return hl.processed_tables(folder, str(scheme))


def headline_markdown(facts, manifest: dict, lang: str = "en", sections: object = None) -> str:
    """What the data show, in figures (:class:`vstudy.analysis.headline.Headline`): volunteers, the gender split,
    the largest age and social groups, the organisations and the share of initiative groups, events and hours,
    their money value (beside the value the report published, for the report's transcription only) and the
    information line's requests — one line each, only for the facts the dataset has, each linked to the section
    whose table shows it (``sections``: the sections on the site; None drops the links)."""
    _check(lang)
    groups: list[tuple[str, list[str]]] = []  # (the fact's key, its sentences): one line, one link each

    def add(key: str, *sentences: str) -> None:
        groups.append((key, [s for s in sentences if s]))

    vol = facts.volunteers
    if vol is not None:
        period = period_label(manifest.get("period"), lang)
        add("volunteers", home(lang, "facts.volunteers", n=int(round(vol.total)), published=vol.published,
                               k=vol.regions, has_period=bool(period), period=period))
    mix = facts.mix
    if mix is not None:
        female, male = mix.share("gender", "female"), mix.share("gender", "male")
        said = [home(lang, "facts.gender", female=female, male=male) if female is not None and male is not None
                else ""]
        for key, dimension, known in (("age", "age_group", vocab.AGE_GROUPS), ("status", "status", vocab.STATUSES)):
            largest = mix.largest(dimension)
            if largest is not None and largest[0] in known:
                said.append(home(lang, f"facts.{key}", raw=("group",), group=largest[0], share=largest[1],
                                 implied=mix.implied))
        add("mix", *said)
    org = facts.organisations
    if org is not None:
        add("organisations", home(lang, "facts.organisations", total=int(round(org.total)), ngo=int(round(org.ngo)),
                                  groups=int(round(org.groups)), share=org.group_share_pct))
    act = facts.activity
    if act is not None and act.events is not None:
        regions = region_count(manifest)
        add("events", home(lang, "facts.events", n=int(round(act.events)), k=act.event_regions,
                           all=regions is None or act.event_regions >= regions, months=_months(act.months)))
    hours = ""
    if act is not None and act.hours is not None:
        hours = home(lang, "facts.hours", n=int(round(act.hours)), months=_months(act.months),
                     published=act.hours_published)
    val = facts.value
    value = ""
    if val is not None:
        report = transcribes_report(manifest) and val.published_bn is not None
        value = home(lang, "facts.value", lo=val.lo_bn, hi=val.hi_bn, cases=val.cases, report=report,
                     published=val.published_bn or 0.0, reaching=val.reaching)
    if hours or value:
        add("hours", hours, value)
    line = facts.info_line
    if line is not None:
        add("info_line", home(lang, "facts.info_line", n=int(round(line.requests)),
                              has_months=line.months is not None, months=_months(line.months or 0)))
    lines = [" ".join(said) + _see(FACT_SECTION[key], lang, sections) for key, said in groups if said]
    if not lines:
        return ""
    return home(lang, "facts.heading") + "\n\n" + "\n".join(f"- {text}" for text in lines) + "\n"


def _months(months: float) -> int | float:
    """Months as a count (6, 12), or with their fraction for a period that is not whole months."""
    return int(months) if float(months).is_integer() else round(float(months), 1)


def replication_markdown(register, lang: str = "en", coefficients: dict | None = None,
                         sections: object = None, links: bool = True) -> str:
    """The replication verdict: the register's published numbers by status (the counts section 00 states, from
    :func:`vstudy.analysis.headline.register_counts`), one line per section of the report — for the correlations,
    the report's coefficients tested as published (``coefficients``:
    :func:`vstudy.analysis.headline.report_coefficients`); "" without a register of published numbers."""
    from vstudy.analysis import headline as hl

    total = hl.register_counts(register)
    if not total["published"]:
        return ""

    def items(counts: dict) -> list[str]:
        return [home(lang, f"replication.item.{STATUS_KEYS.get(s, s)}", n=n) for s, n in counts["by_status"].items()
                if n and i18n.has(lang, f"home.replication.item.{STATUS_KEYS.get(s, s)}")]

    out = [home(lang, "replication.heading") + "\n",
           home(lang, "replication.total", published=total["published"], derived=total["derived"],
                has_derived=bool(total["derived"]),
                items=items(total), raw=("items",)) + "\n"]
    lines = []
    for section, counts in hl.register_by_section(register, list(vocab.SECTIONS)):
        if not counts["published"]:
            continue
        title = section_title(section, lang) if section in vocab.SECTIONS else section
        lines.append(home(lang, "replication.section", title=title, n=counts["published"], items=items(counts),
                          raw=("items",))
                     + _see(section, lang, sections))
        if section == FACT_SECTION["correlations"] and coefficients:
            lines.append(home(lang, "replication.coefficients", n=coefficients["n"], significant=coefficients["raw"],
                              holm=coefficients["holm"], regions=coefficients["n_regions"]))
    out.append("\n".join(lines) + "\n")
    if links:
        out.append(home(lang, "replication.link") + "\n")
    return "\n".join(out)


def findings_markdown(tables: Path, lang: str = "en", *, heading: str | None = None, links: bool = True,
                      data=None, sections: object = None, manifest: dict | None = None) -> str:
    """The findings a reviewer comes for, from the build's tables: the replication verdict (``replication.csv``,
    :func:`replication_markdown`; with ``data``, a reader of the processed tables, the report's coefficients
    tested as published) and the correlations that hold after the study-level correction, with their caveats
    (``correlations.csv``, :func:`vstudy.present.prose.correlations.home_findings_markdown`).

    ``heading``: a heading above both (the study PDF's chapter); ``links``: the links to the CSV files and (with
    ``sections``, the sections on the site) to the sections; ``manifest``: the dataset's — the verdict on the
    report only for the report's transcription (:func:`transcribes_report`; without a manifest, whenever the
    build has a register).
    """
    from vstudy.analysis import headline as hl

    _check(lang)
    out = [heading] if heading is not None else []
    report = manifest is None or transcribes_report(manifest)
    register = _read_csv(tables / "replication.csv") if report else None
    coefficients = None
    if data is not None and report:
        regions = data("regions")
        coefficients = hl.report_coefficients(data("correlations_published"), 0 if regions is None else len(regions))
    verdict = replication_markdown(register, lang, coefficients, sections if links else None, links)
    if verdict:
        out.append(verdict)
    out.append(home(lang, "correlations.heading") + "\n")
    results = _read_csv(tables / "correlations.csv")
    if results is None or not {"p_holm_study", "plan_role", "holds_after_correction"} <= set(results.columns):
        out.append(home(lang, "correlations.none") + "\n")
        return "\n".join(out) + "\n"
    from vstudy.present.prose import correlations as correlation_prose

    lines = [str(line) for line in correlation_prose.home_findings_markdown(results, lang)]
    # a list starts after a blank line (Pandoc): the count line is a paragraph of its own
    out.append(lines[0] + "\n")
    if len(lines) > 1:
        out.append("\n".join(lines[1:]) + "\n")
    if links:
        out.append(home(lang, "correlations.link") + _see(FACT_SECTION["correlations"], lang, sections) + "\n")
    return "\n".join(out) + "\n"


def summary_markdown(tables: Path | None, manifest: dict, lang: str = "en", *, data=None, heading: str | None = None,
                     links: bool = True, sections: object = None) -> str:
    """What was learned — the home page's findings and the study PDF's summary, the same text: the headline
    figures (:func:`headline_markdown`, from the processed tables ``data`` reads), the replication verdict and the
    correlations that hold (:func:`findings_markdown`, from the build's ``tables``). ``links`` False drops every
    link (the PDF)."""
    from vstudy.analysis import headline as hl

    out = [heading] if heading is not None else []
    shown = sections if links else None
    if data is not None:
        facts = headline_markdown(hl.headline(data, manifest), manifest, lang, shown)
        if facts:
            out.append(facts)
    if tables is not None:
        out.append(findings_markdown(tables, lang, links=links, data=data, sections=shown, manifest=manifest))
    return "\n".join(out) + "\n"


def downloads_markdown(lang: str = "en", manifest: dict | None = None) -> str:
    """Where to get the study: the study PDF of every edition (its own first), the tables, the data dictionary,
    the replication register (the report's transcription only) and the dataset template."""
    _check(lang)
    lines = [md(lang, "downloads.heading") + "\n", md(lang, "downloads.pdf", raw=("href",), href=study_pdf_href(lang))]
    lines += [md(lang, "downloads.pdf_other", raw=("href", "other"), other=other, href=study_pdf_href(other))
              for other in vocab.LANGS if other != lang]
    lines += [md(lang, "downloads.tables"), md(lang, "downloads.dictionary")]
    if manifest is None or transcribes_report(manifest):
        lines.append(md(lang, "downloads.register"))
    lines.append(md(lang, "downloads.template"))
    return "\n".join(lines) + "\n"


def home_figures(labels: dict[str, list[str]], shown: int = HOME_FIGURES_SHOWN) -> list[tuple[str, str]]:
    """The key figures of the sections (:data:`vstudy.vocab.SECTIONS`, ``figures``) that the executed notebooks
    declare (``labels``: section → its figure labels), in reading order, at most ``shown``."""
    found = [(name, label) for name, section in vocab.SECTIONS.items() for label in section.figures
             if label in labels.get(name, [])]
    return found[:shown]


def home_markdown(config, pages: dict, labels: dict[str, list[str]], tables: Path | None = None,
                  manifest: dict | None = None, lang: str = "en", processed: Path | None = None,
                  coverage_page: bool = False) -> str:
    """The home page: what the study is, what the data show (the headline figures, from the processed tables in
    ``processed``, by default the build's), whether the report replicates and the correlations that hold (with a
    link to the page on the report's chapters when the site has it: ``coverage_page``), the downloads, the key
    figures and the sections."""
    manifest = manifest if manifest is not None else {}
    out = [intro_markdown(manifest, lang)]
    data = processed_reader(config, processed, manifest)
    sections = list(pages) if pages else []
    out.append(summary_markdown(tables, manifest, lang, data=data, sections=sections))
    if coverage_page:  # the report's chapters: which the study takes up, which not (vstudy.publish.coverage)
        out.append(home(lang, "coverage_link") + "\n")
    if tables is not None:
        out.append(downloads_markdown(lang, manifest))
    out += [_embed(name, label) + "\n" for name, label in home_figures(labels)]
    if pages:
        out.append(md(lang, "home.sections") + "\n")
        out += [f"{i + 1}. [{escape(title)}](notebooks/{quote(name)}.ipynb)"
                for i, (name, (_, title)) in enumerate(pages.items())]
    return "\n".join(out) + "\n"


def _embed(name: str, label: str) -> str:
    return f"{{{{< embed notebooks/{name}.ipynb#{label} >}}}}"


# ----------------------------------------------------------------------------------------------- the page files

# The site's pages (the render list of _quarto.yml), written for each edition from the ``pages`` catalogue; the
# parts generated from the data are included from ``_generated/``.
PAGES = ("index.qmd", "data.qmd", "reproducibility.qmd")


def page_qmd(page: str, lang: str, manifest: dict) -> str:
    """The Quarto source of the site's page ``page`` (:data:`PAGES`) in edition ``lang``: its title (the home
    page's with the dataset's period), its words, and the includes of its generated parts (the home page ends
    with "How to cite", :func:`cite_markdown`). Headings keep the same anchors in every edition (the downloads
    link to them)."""
    import yaml

    _check(lang)
    report = transcribes_report(manifest)
    if page == "index.qmd":
        title = page_title(study_title(lang), manifest, lang)
        body = ["{{< include _generated/home.md >}}", "",
                md(lang, "home.closing", raw=("pdf",), transcribes=report, pdf=study_pdf(lang)), "",
                "{{< include _generated/cite.md >}}"]
    elif page == "data.qmd":
        title = plain(lang, "pages.data_page.title")
        body = [md(lang, "data_page.intro"), "",
                f"## {md(lang, 'data_page.sources')} {{#sources-and-licences}}", "",
                "{{< include _generated/sources.md >}}", "",
                f"## {md(lang, 'data_page.dictionary')} {{#data-dictionary}}", "",
                "{{< include _generated/dictionary.md >}}", ""]
        if report:
            body += [f"## {md(lang, 'data_page.errata')} {{#errata-in-the-source-report}}", "",
                     md(lang, "data_page.errata_intro"), "", "{{< include _generated/errata.md >}}", ""]
        body += [f"## {md(lang, 'data_page.tables')} {{#tables-produced-by-the-study}}", "",
                 "{{< include _generated/tables.md >}}"]
    elif page == "reproducibility.qmd":
        title = plain(lang, "pages.reproducibility_page.title")
        body = [md(lang, "reproducibility_page.intro"), "", "{{< include _generated/reproducibility.md >}}"]
    else:
        raise KeyError(f"no page {page!r}; the site's pages: {', '.join(PAGES)}")
    front = yaml.safe_dump({"title": title}, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n\n" + "\n".join(body) + "\n"


# ----------------------------------------------------------------------------------------------- data page


def dataset_table(data_dir: Path, schema: str) -> list[dict[str, str]]:
    """The rows of the dataset's table declared with ``schema`` (via its manifest; [] when it has none), read
    safely: inside the dataset directory, a regular file, size-limited, UTF-8."""
    man = dataset_manifest.read_manifest(data_dir)
    for spec in man.tables.values():
        if spec.schema != schema:
            continue
        try:
            text = dataset_manifest.read_file(dataset_manifest.locate(data_dir, spec.file)).decode("utf-8-sig")
        except (dataset_manifest.Refused, UnicodeDecodeError):
            return []
        return list(csv.DictReader(text.splitlines()))
    return []


class Markup(str):
    """Markdown written by the study (a code span of a checksum, a link it built): put on the page as it is."""


def _cell(value: object) -> str:
    """A table cell: markup the study wrote stays; anything else (from data) is escaped."""
    if isinstance(value, Markup):
        return str(value)
    return "" if value is None or value == "" else escape(value)


def md_table(rows: list[dict], columns: list[str], headers: list[str] | None = None, lang: str = "en") -> str:
    """A pipe table; every cell is escaped unless it is :class:`Markup`."""
    if not rows:
        return md(lang, "none") + "\n"
    head = headers or columns
    lines = ["| " + " | ".join(escape(h) for h in head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(_cell(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _value(value: object, lang: str) -> provenance.Text | None:
    """An origin-record value as one line for an edition in ``lang``, with the language it is in where known: a text
    mapping ``{en, ru, kk}`` gives the edition's text (:func:`vstudy.data.provenance.pick`); a period
    (``start``, ``end``, ``note``) is written by CLDR; a licence's ``statement`` stands for it; other mappings and
    lists are joined; a plain string is shown as given."""
    if provenance.is_translated(value):
        return provenance.pick(value, lang)
    if isinstance(value, dict):
        if "statement" in value:
            return _value(value["statement"], lang)
        if "start" in value and "end" in value:
            period = provenance.Text(period_label(value, lang), None)
            note = _value(value.get("note"), lang)
            if note is None:
                return period
            return provenance.Text(plain(lang, "provenance.period_note", period=period.text,
                                         note=_foreign(note, lang)), None)
        parts = [(key, _value(v, lang)) for key, v in value.items()]
        joined = "; ".join(f"{key}: {part.text}" for key, part in parts if part is not None)
        return provenance.Text(joined, provenance.guess_language(joined)) if joined else None
    if isinstance(value, list):
        parts = [part for part in (_value(v, lang) for v in value) if part is not None]
        languages = {part.lang for part in parts}
        return provenance.Text("; ".join(part.text for part in parts),
                               languages.pop() if len(languages) == 1 else None) if parts else None
    return provenance.pick(value, lang)


def _foreign(text: provenance.Text, lang: str) -> str:
    """A text for a page of ``lang``, its language named when it is another (``provenance.in_language``)."""
    if text.foreign_to(lang):
        return plain(lang, "provenance.in_language", text=text.text, language=text.lang)
    return text.text


def _text(value: object, lang: str = "en", named: bool = False) -> str:
    """An origin-record value as one line for a page of ``lang``; ``named``: a name (a title, an address, a file,
    a checksum) is shown in the language it has, without a note."""
    found = _value(value, lang)
    if found is None:
        return ""
    return found.text if named else _foreign(found, lang)


# What a reader of the data page needs of each cited source, and of each origin record, in this order (their
# names: the ``pages.field`` and ``provenance.field`` messages). Names are shown in their own language. A record's
# title heads it (:func:`record_heading`) and is not repeated below.
SOURCE_FIELDS = ("producer", "title", "url", "original_url", "mirror_of", "republished_by", "where", "indicators",
                 "used_for", "licence", "date_accessed", "original_file", "sha256")
RECORD_FIELDS = ("description", "producer", "period_covered", "date_accessed", "date_accessed_default", "licence")
NAME_FIELDS = frozenset({"title", "url", "original_url", "mirror_of", "indicators", "date_accessed",
                         "date_accessed_default", "original_file", "sha256", "id"})


def _field(key: str, lang: str) -> str:
    key = key.removesuffix("_default")
    return plain(lang, f"provenance.field.{key}") if i18n.has(lang, f"provenance.field.{key}") \
        else plain(lang, f"pages.field.{key}")


def _file_description(value: object, lang: str) -> str:
    """What a file of an origin record holds: its ``description`` (a text mapping or a string), or a
    ``description_<lang>`` / ``description_en`` key of older records, or the value itself when it is a string."""
    if not isinstance(value, dict) or provenance.is_translated(value):
        return _text(value, lang)
    if "description" in value:
        return _text(value["description"], lang)
    return _text({code: value[f"description_{code}"] for code in i18n.LANGS if f"description_{code}" in value},
                 lang)


def sources_markdown(data_dir: Path, lang: str = "en", level: int = 3) -> str:
    """Every ``source.yml`` of the dataset: producer, title, period, licence, cited sources, files.

    Read with the data layer's safe YAML reader; every value is escaped. Each record is headed by its title in the
    edition's language, or by what it declares (:func:`record_heading`), never by its folder's name; a record that
    cannot be read is headed as such and its reason given, never quoted. ``level`` is the heading level of each
    record. Each text is the edition's
    (the records' ``{en, ru, kk}`` mappings, :mod:`vstudy.data.provenance`); a text a record gives only in another
    language — a user's plain string — is shown as given, its language named where it can be told.
    """
    _check(lang)
    out: list[str] = [i18n.text(lang, "provenance.note", escape=escape) + "\n"]
    for record in dataset_manifest.origin_records(data_dir):
        try:
            data = dataset_manifest.read_yaml(data_dir, record)
        except dataset_manifest.Refused as exc:
            out.append(f"{'#' * level} {escape(plain(lang, 'provenance.heading.unreadable'))}\n")
            out.append(md(lang, "sources.unreadable", rule=exc.rule) + "\n")
            continue
        if not isinstance(data, dict):
            out.append(f"{'#' * level} {escape(plain(lang, 'provenance.heading.unreadable'))}\n")
            out.append(md(lang, "sources.not_mapping") + "\n")
            continue
        out.append(f"{'#' * level} {escape(record_heading(data, lang))}\n")
        for key in RECORD_FIELDS:
            value = _text(data.get(key), lang, named=key in NAME_FIELDS)
            if value:
                out.append(md(lang, "sources.item", field=_field(key, lang), value=value))
        out.append("")
        # One block per cited source, not a table: titles, URLs and cell references are too long for columns.
        sources = data.get("sources") if isinstance(data.get("sources"), list) else []
        for source in sources:
            if not isinstance(source, dict):
                continue
            # The source's title heads it (its id where it has none); the title is not repeated below.
            title = _text(source.get("title"), lang, named=True) or _text(source.get("id"), lang, named=True)
            out.append(f"{'#' * (level + 1)} {escape(title)}\n")
            for key in SOURCE_FIELDS:
                if key == "title" or key in READER_HIDDEN:
                    continue
                if key in LINK_FIELDS and _text(source.get(key), lang, named=True):
                    out.append(md(lang, "sources.item", raw=("value",), field=_field(key, lang),
                                  value=_address(_text(source.get(key), lang, named=True))))
                    continue
                value = indicator_list(source.get(key), (data_dir / record).parent, lang) if key == "indicators" \
                    else _text(source.get(key), lang, named=key in NAME_FIELDS)
                if value:
                    out.append(md(lang, "sources.item", field=_field(key, lang), value=value))
            out.append("")
        files = data.get("files") or {}
        if isinstance(files, dict) and files:
            rows = [{"file": (_text(v.get("label"), lang) if isinstance(v, dict) and v.get("label") else "")
                     or file_label(str(name), lang), "about": _file_description(v, lang)}
                    for name, v in files.items()]
            shown = ["file", "about"] if any(row["about"] for row in rows) else ["file"]
            out.append(md_table(rows, shown, [plain(lang, "pages.sources.file"),
                                              plain(lang, "pages.sources.contents")][:len(shown)], lang))
    declared = declared_sources(data_dir)
    if not any(line.startswith("#") for line in out):  # no origin record: no note on origin records either
        if not declared:
            return md(lang, "sources.none") + "\n"
        out = []
    if declared:  # the sources the manifest gives column by column: listed with the data dictionary
        out.append(md(lang, "sources.declared_see", sources=len(declared),
                      columns=sum(len(columns) for _, columns in declared)) + "\n")
    return "\n".join(out) + "\n"


def declared_sources_markdown(data_dir: Path, lang: str, level: int = 3) -> str:
    """The sources the dataset's manifest declares for its columns (:func:`declared_sources`), each with the
    columns taken from it by their labels in ``lang`` and their reference periods; "" when it declares none. Part
    of the data dictionary: a source is quoted as the manifest gives it, file references included."""
    declared = declared_sources(data_dir)
    if not declared:
        return ""
    out = [f"{'#' * level} {escape(plain(lang, 'pages.sources.declared'))}\n",
           md(lang, "sources.declared_note") + "\n"]
    for source, columns in declared:
        names = [column_name(column, lang, default=column) + (f" ({period})" if period else "")
                 for column, period in columns]  # a column of two tables (events_count) is named once
        out.append(md(lang, "sources.declared_item", source=source, columns=list(dict.fromkeys(names))))
    return "\n".join(out) + "\n"


def declared_sources(data_dir: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """The sources the dataset's manifest declares for its columns (``tables.<name>.columns.<column>: {source,
    ref_period}``, the collection contract's): each distinct source text, in the order it first appears, with the
    columns taken from it and each column's reference period ("" where none is given). Empty when the manifest
    declares none or cannot be read (the validation reports that)."""
    try:
        raw = dataset_manifest.read_manifest(data_dir).raw
    except (OSError, dataset_manifest.Refused):
        return []
    tables = raw.get("tables") if isinstance(raw, dict) else None
    found: dict[str, list[tuple[str, str]]] = {}
    for spec in (tables.values() if isinstance(tables, dict) else ()):
        columns = spec.get("columns") if isinstance(spec, dict) else None
        for column, meta in (columns.items() if isinstance(columns, dict) else ()):
            source = " ".join(str(meta.get("source") or "").split()) if isinstance(meta, dict) else ""
            if source:
                period = " ".join(str(meta.get("ref_period") or "").split())
                found.setdefault(source, []).append((str(column), period))
    return list(found.items())


def record_heading(record: dict, lang: str) -> str:
    """The heading of an origin record in ``lang``, never its folder's name (a machine name): its ``title`` (the
    edition's text of a ``{en, ru, kk}`` mapping, or a researcher's plain string as given); a record without one
    (or with one :func:`vstudy.data.manifest.record_title_problem` refuses) is headed by what it declares — its
    producer, else its files by their labels, else the words for a record without a title."""
    title = record.get("title")
    if title is not None and dataset_manifest.record_title_problem(title) is None:
        found = _text(title, lang, named=True)
        if found:
            return found
    producer = _text(record.get("producer"), lang, named=True)
    if producer:
        return plain(lang, "provenance.heading.producer", producer=producer)
    files = record.get("files")
    names = [(_text(spec.get("label"), lang, named=True) if isinstance(spec, dict) else "")
             or file_label(str(name), lang) for name, spec in files.items()] if isinstance(files, dict) else []
    if names:
        return plain(lang, "provenance.heading.files", files=names)
    return plain(lang, "provenance.heading.untitled")


# Fields of a cited source shown as a link whose text is the address's host (the address stays the link's target),
# and fields a reader's page leaves to the record itself (a path inside the repository).
LINK_FIELDS = frozenset({"url", "original_url", "mirror_of"})
READER_HIDDEN = frozenset({"original_file"})


def _address(url: str) -> Markup:
    """A source's address as a Markdown link whose text is its host (``stat.gov.kz``): a reader sees where it is,
    not a path of file names; the link keeps the whole address."""
    from urllib.parse import urlsplit

    host = urlsplit(url).netloc or url
    return Markup(f"[{escape(host)}](<{url.replace('>', '%3E').replace(' ', '%20')}>)")


def file_label(name: str, lang: str) -> str:
    """A dataset file as a reader names it (where its origin record gives no ``label``): the label of its table (the ``labels`` catalogue: ``age_by_region.csv``
    → "Volunteers by age group and region"), else the file's name as given."""
    from vstudy.data import schemas

    stem = name.rsplit("/", 1)[-1].split(".", 1)[0]
    return label_of(stem, lang, default=name) if "." in name and f"raw.{stem}" in schemas.all_schemas() else name


def files_label(names: object, lang: str) -> str:
    """The ``file`` cell of an errata row (names joined by ``;``) as table labels, in the edition's list style."""
    parts = [p.strip() for p in str(names or "").split(";") if p.strip()]
    return "; ".join(file_label(p, lang) for p in parts)


def _indicator_meta(folder: Path) -> dict[str, dict[str, str]]:
    path = folder / "indicators_meta.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row.get("indicator", ""): row for row in csv.DictReader(handle)}


def indicator_list(value: object, folder: Path, lang: str) -> str:
    """A cited source's indicators by their labels in ``lang`` (the folder's ``indicators_meta.csv``
    ``label_<lang>``, else the study's label of the id, else the id)."""
    ids = [str(v) for v in value] if isinstance(value, list) else \
        [p.strip() for p in re.split(r"[;,]", str(value or "")) if p.strip()]
    if not ids:
        return ""
    meta = _indicator_meta(folder)
    names = []
    for indicator in ids:
        given = (meta.get(indicator) or {}).get(f"label_{lang}") or ""
        names.append(given.strip() or label_of(indicator, lang, default=indicator))
    return "; ".join(names)


# Dtypes of the declared schemas as the ``pages.dtype`` message keys.
DTYPE_KEYS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


# The processed table of the numbers a dataset carries from a published report, each with its line in the report's
# text: only a raw table with a ``source_line`` column can give one (vstudy.data.processed._published_values).
PUBLISHED_VALUES = "processed.published_values"


def dictionary_keys(manifest: dict | None) -> set[str] | None:
    """The declared tables a dataset's data dictionary lists: the raw tables its manifest names (by their schema) and
    every processed table it can have; None (every declared table) without a manifest. A researcher's dictionary has
    no table of the 2021 report's transcription, and the report's none of the tables a researcher fills; the table of
    published values (its columns speak of a report's lines) only where a table of the dataset can carry a published
    number's line (a ``source_line`` column), so not for a dataset of the collection contract alone; a processed table
    made only from raw tables the manifest does not name (:data:`vstudy.data.dictionary.PROCESSED_FROM`: the
    organisations reconstructed from published shares, the errata register evaluated, …) not at all."""
    from vstudy.data import schemas

    if not isinstance(manifest, dict) or not isinstance(manifest.get("tables"), dict):
        return None
    from vstudy.data.dictionary import PROCESSED_FROM

    declared = schemas.all_schemas()
    raw = {f"raw.{spec.get('schema', name)}" for name, spec in manifest["tables"].items() if isinstance(spec, dict)}
    processed = {key for key in declared if key.startswith("processed.")
                 and (key not in PROCESSED_FROM or raw & set(PROCESSED_FROM[key]))}
    if not any(key in declared and "source_line" in declared[key].names for key in raw):
        processed.discard(PUBLISHED_VALUES)
    return raw | processed


def dictionary_markdown(lang: str = "en", level: int = 3, compact: bool = False, manifest: dict | None = None,
                        data_dir: Path | None = None) -> str:
    """The data dictionary (:func:`_dictionary_markdown`), followed by the sources the manifest of the dataset in
    ``data_dir`` declares for its columns (:func:`declared_sources_markdown`), where it declares any."""
    text = _dictionary_markdown(lang, level, compact, manifest)
    declared = declared_sources_markdown(data_dir, lang, level + 1) if data_dir is not None else ""
    return text.rstrip("\n") + "\n\n" + declared if declared else text


def _dictionary_markdown(lang: str, level: int, compact: bool, manifest: dict | None) -> str:
    """The data dictionary: the one rendering of the declared schemas (vstudy.data.schemas), of the tables the
    dataset of ``manifest`` has (:func:`dictionary_keys`; every declared table without one).

    English: as the processed layer's ``data_dictionary.md`` has it, with its headings under the page's own
    (``level``). The other editions: one table per declared table with each column's name in the edition's
    language (from :mod:`vstudy.present.labels`), type and unit; the declarations' descriptions are written in
    English and stay in the English edition. ``compact`` (the study PDF): in English, each table's columns as a
    list instead of a six-column table, which an A4 page cannot hold.
    """
    from vstudy.data import dictionary

    _check(lang)
    keys = dictionary_keys(manifest)
    report = not isinstance(manifest, dict) or transcribes_report(manifest)  # the declarations' own words
    if lang == "en" and compact:
        return _dictionary_list(level, keys, report)
    if lang == "en":
        return dictionary.data_dictionary_markdown(level=level, title=False, keys=keys, report=report,
                                                   label=lambda name: column_name(name, lang, default=""))
    out = [md(lang, "dictionary.intro") + "\n"]
    for key, schema in dictionary.declared(keys):
        out.append(f"{'#' * (level + 1)} `{key}`\n")
        if schema.keys:
            out.append(md(lang, "dictionary.key", raw=("keys",),
                          keys=", ".join(f"`{k}`" for k in schema.keys)) + "\n")
        rows = []
        for col in schema.columns:
            dtype = DTYPE_KEYS.get(col.dtype, col.dtype)
            rows.append({"column": Markup(f"`{col.name}`"), "name": column_name(col.name, lang),
                         "type": plain(lang, f"pages.dtype.{dtype}") if i18n.has(lang, f"pages.dtype.{dtype}")
                         else col.dtype,
                         "unit": unit_name(col.unit, lang),
                         "required": plain(lang, "pages.dictionary.is_required" if col.required else "pages.dictionary.not_required")})
        out.append(md_table(rows, ["column", "name", "type", "unit", "required"],
                            [plain(lang, f"pages.dictionary.{h}") for h in ("column", "name", "type", "unit",
                                                                             "required")], lang))
    return "\n".join(out) + "\n"


def column_name(name: str, lang: str, default: str = "—") -> str:
    """A declared column's name in ``lang`` (:mod:`vstudy.present.labels`), ``default`` where it has none."""
    labels = _labels()
    for lookup in (labels.column_label, labels.label):
        try:
            found = lookup(name, lang, default=None)
        except (KeyError, ValueError):
            found = None
        if found is not None:
            return found
    return default


def _dictionary_list(level: int, keys: set[str] | None = None, report: bool = True) -> str:
    """The English data dictionary with one line per column: id, label, type, unit, range, constraints, description
    (of the declared tables in ``keys``; every one when None; ``report`` False: the descriptions of a dataset that
    is not the 2021 report's transcription, :func:`vstudy.data.dictionary.description`)."""
    from vstudy.data import dictionary

    lang = "en"
    out = [md(lang, "dictionary.list_intro") + "\n"]
    for key, schema in dictionary.declared(keys):
        out += [f"{'#' * (level + 1)} `{key}`\n", dictionary.md_text(dictionary.description(key, schema, report=report))
                + "\n"]
        facts = []
        if schema.keys:
            facts.append(md(lang, "dictionary.key", raw=("keys",), keys=", ".join(f"`{k}`" for k in schema.keys)))
        facts += [md(lang, "dictionary.rule", raw=("rule",), rule=dictionary.md_text(rule.describe()))
                  for rule in schema.rules]
        if facts:
            out.append(" ".join(facts) + "\n")
        for col in schema.columns:
            details = [col.dtype] + ([dictionary.md_text(col.unit)] if col.unit else [])
            if col.min is not None or col.max is not None:
                details.append(f"{'' if col.min is None else f'{col.min:g}'}–{'' if col.max is None else f'{col.max:g}'}")
            details += [plain(lang, f"pages.dictionary.{word}") for word, holds in (
                ("key_column", col.name in schema.keys), ("optional", not col.required), ("nullable", col.nullable))
                if holds]
            name = column_name(col.name, lang)
            named = f" {escape(name)}" if name != "—" else ""
            described = dictionary.description(key, schema, col.name, report)
            out.append(f"- `{col.name}`{named} ({'; '.join(details)}): {dictionary.md_text(described)}")
        out.append("")
    return "\n".join(out) + "\n"


def unit_name(unit: object, lang: str) -> str:
    """A declared unit in ``lang``: the ``pages.unit`` messages, else a label of the same name; a symbol (%, an
    ISO code) as it is; "—" for words the edition has no translation of."""
    if unit is None or str(unit).strip() == "":
        return ""
    text = str(unit)
    if i18n.has(lang, f"pages.unit.{vocab.unit_key(text)}"):
        return plain(lang, f"pages.unit.{vocab.unit_key(text)}")
    found = column_name(text, lang)
    if found != "—":
        return found
    return text if not re.search(r"[A-Za-z]{3,}", text) else "—"


def errata_markdown(data_dir: Path, lang: str = "en", blocks: bool = False) -> str:
    """The errata of the source report: id, file, the kind of error, the description and its handling in the
    edition's language (the register's ``description_<lang>``/``correction_<lang>`` columns,
    :func:`vstudy.data.errata.erratum_text`; a text the register does not give in ``lang`` is shown in a language
    it gives, named), the report lines. ``blocks`` (the study PDF): one paragraph per erratum instead of a wide
    table."""
    _check(lang)
    rows = dataset_table(data_dir, "errata")
    for row in rows:
        rule = str(row.get("rule_id", ""))
        row["rule"] = plain(lang, f"pages.errata.rule.{rule}") if i18n.has(lang, f"pages.errata.rule.{rule}") \
            else rule
        row["file"] = files_label(row.get("file"), lang)
        row["what"] = erratum_text(row, "description", lang)
        row["handling"] = erratum_text(row, "correction", lang)
    if blocks:
        return _errata_blocks(rows, lang)
    columns = ["erratum_id", "file", "rule", "what", "handling", "source_lines"]
    headers = [plain(lang, f"pages.errata.{h}") for h in ["id", "file", "kind", "description", "handling", "lines"]]
    return md_table(rows, columns, headers, lang)


def erratum_text(row: dict, text: str, lang: str, escape_with=None) -> str:
    """An erratum's ``text`` (``description``, ``evidence``, ``correction``) for a page of ``lang``: the register's
    text in ``lang``, else the text of a language it gives with that language named (``provenance.recorded_in``);
    "" where it gives none. ``escape_with``: the page's escaping (Markdown), none for a table cell."""
    found = dataset_errata.erratum_text(row, text, lang)
    if found is None:
        return ""
    if found.lang == lang:
        return escape_with(found.text) if escape_with else found.text
    return i18n.text(lang, "provenance.recorded_in", escape=escape_with, text=found.text, language=found.lang)


def _errata_blocks(rows: list[dict], lang: str) -> str:
    if not rows:
        return md(lang, "none") + "\n"
    out = []
    for row in rows:
        head = md(lang, "errata.block", id=str(row.get("erratum_id", "")), rule=str(row.get("rule", "")),
                  file=str(row.get("file", "")), lines=str(row.get("source_lines", "")))
        out.append(head + (" " + escape(row["what"]) if row["what"] else "") + "\n")
        if row["handling"]:
            out.append(md(lang, "errata.handled", text=row["handling"]) + "\n")
    return "\n".join(out) + "\n"


def tables_markdown(tables: Path, lang: str = "en") -> str:
    files = sorted(tables.glob("*.csv")) if tables.is_dir() else []
    if not files:
        return md(lang, "tables.none") + "\n"
    return "\n".join(f"- [{escape(p.name)}](tables/{quote(p.name)})" for p in files) + "\n"


# ----------------------------------------------------------------------------------------------- reproducibility


def git_commit(root: Path) -> str:
    """The commit the checkout is at (``git describe``; ``-dirty`` when changed), "" when there is none."""
    import subprocess

    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=40"], cwd=root,
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip()


def reproducibility_markdown(config, state: dict, lang: str = "en") -> str:
    from vstudy import __version__

    _check(lang)

    def word(key: str) -> str:
        return plain(lang, f"pages.reproducibility.{key}")

    versions = []
    for name in KEY_PACKAGES:
        try:
            versions.append({"package": name, "version": importlib.metadata.version(name)})
        except importlib.metadata.PackageNotFoundError:
            versions.append({"package": name, "version": word("not_installed")})
    lock = config.root / "requirements" / "lock.txt"
    lock_hash = hashlib.sha256(lock.read_bytes()).hexdigest() if lock.exists() else "—"
    params = next((e.get("parameters") for e in state["sections"].values() if e.get("parameters")), {})
    quarto = quarto_path()
    quarto_text = escape(quarto_version(quarto)) if quarto else word("not_installed")
    commit = git_commit(config.root)
    out = [
        md(lang, "reproducibility.environment") + "\n",
        f"- **{word('commit')}:** {escape(commit) if commit else word('no_commit')}",
        f"- **vstudy:** {escape(__version__)}; **Python:** {platform.python_version()} ({sys.implementation.name}); "
        f"**{word('platform')}:** {escape(platform.platform())}",
        f"- **Quarto:** {quarto_text}",
        f"- **{word('lock')}** `requirements/lock.txt` sha256: `{lock_hash}`",
        f"- **{word('built')}:** {time.strftime('%Y-%m-%d %H:%M %Z')}\n",
        md_table(versions, ["package", "version"], [word("package"), word("version")], lang),
        md(lang, "reproducibility.parameters") + "\n",
        md_table([{"name": k, "value": v} for k, v in params.items()], ["name", "value"],
                 [word("parameter"), word("value")], lang),
        md(lang, "reproducibility.executed") + "\n",
        md_table([{"name": n, "sha": Markup(f"`{str(e.get('notebook_sha256', ''))[:16]}…`"),
                   "s": formats.number(e["seconds"], lang, decimals=1) if formats.is_number(e.get("seconds"))
                   else "—", "at": e.get("executed_at")} for n, e in sorted(state["sections"].items())],
                 ["name", "sha", "s", "at"], [word("section"), word("sha"), word("seconds"), word("executed_at")],
                 lang),
        md(lang, "reproducibility.checksums") + "\n",
        md_table([{"file": rel, "sha": Markup(f"`{digest}`")}
                  for rel, digest in hash_tree(config.data_dir).items()], ["file", "sha"], [word("file"), "sha256"],
                 lang),
    ]
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------------------------- licence, citation

# The study's own licence: the text, figures and tables it writes (CC BY 4.0); its code is under the MIT licence
# (``LICENSE``, pyproject.toml); the data it reads keep their own (DATA-LICENSES.md, each folder's source.yml).
# CITATION.cff declares the same licence and version (tests/test_citation.py).
LICENCE = {"spdx": "CC-BY-4.0", "name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
CODE_LICENCE = "MIT"
CITATION_FILE = "CITATION.cff"
PROJECT = "vstudy"
_COMMIT = re.compile(r"(?:^|-g)([0-9a-f]{7,40})$")


@dataclass(frozen=True)
class BuildVersion:
    """What a reader needs to know of the build an edition comes from."""

    version: str  # the study's version (CITATION.cff, the package's)
    commit: str  # the commit, shortened to 12 hex digits (a tag as it is); "" outside a git checkout
    dirty: bool  # the checkout had changes not committed
    date: dt.date  # the build's date (UTC; SOURCE_DATE_EPOCH when set, for a reproducible build)


def build_date() -> dt.date:
    """The build's date: ``SOURCE_DATE_EPOCH`` (seconds, the reproducible-builds convention) when set, else today
    in UTC."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


def citation_file(root: Path) -> dict:
    """The study's ``CITATION.cff`` (at the root of the project, else of the checkout this package is in), {}
    when there is none or it cannot be read."""
    import yaml

    for folder in (Path(root), Path(__file__).resolve().parents[3]):
        path = folder / CITATION_FILE
        try:
            found = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            found = None
        if isinstance(found, dict):
            return found
    return {}


def build_version(root: Path, date: dt.date | None = None) -> BuildVersion:
    """The version of the build in the project at ``root``: the study's version, the commit (:func:`git_commit`)
    and the date (:func:`build_date` unless ``date`` is given)."""
    from vstudy import __version__

    described = git_commit(root)
    dirty = described.endswith("-dirty")
    described = described.removesuffix("-dirty")
    found = _COMMIT.search(described)
    commit = found.group(1)[:12] if found else described
    version = citation_file(root).get("version")
    return BuildVersion(str(version) if version else __version__, commit, dirty, date or build_date())


def _author(entry: object, lang: str) -> str:
    """A CITATION.cff author as the edition writes it: a person's given and family names, an entity's name (the
    project's own contributors in the edition's language)."""
    if not isinstance(entry, dict):
        return ""
    if entry.get("name"):
        name = str(entry["name"])
        return plain(lang, "pages.cite.contributors", project=PROJECT) \
            if name == plain("en", "pages.cite.contributors", project=PROJECT) else name
    parts = [entry.get(k) for k in ("name-particle", "given-names", "family-names", "name-suffix")]
    return " ".join(str(p) for p in parts if p)


def version_facts(version: BuildVersion) -> dict[str, object]:
    """The facts of a message that states a build's version (``version``, ``commit``, ``has_commit``, ``dirty``,
    ``date``)."""
    return {"version": version.version, "commit": version.commit, "has_commit": bool(version.commit),
            "dirty": version.dirty, "date": version.date}


def citation_markdown(manifest: dict, lang: str, version: BuildVersion, cff: dict) -> str:
    """The suggested citation of edition ``lang`` (one paragraph, Markdown): for the report's transcription, the
    study as CITATION.cff names it (authors, the study's title in the edition's language with the dataset's
    period) with the edition, version, commit and build date; for a researcher's dataset, the study of that dataset
    (its title from the manifest), built with the project's version (CITATION.cff's authors)."""
    _check(lang)
    authors = [a for a in (_author(entry, lang) for entry in cff.get("authors") or []) if a]
    facts = dict(version_facts(version), authors=authors or [PROJECT], year=str(version.date.year),
                 title=page_title(study_title(lang), manifest, lang), project=PROJECT)
    if transcribes_report(manifest):
        return md(lang, "cite.study", **facts)
    dataset = dataset_title(manifest, lang)
    return md(lang, "cite.dataset", raw=("dataset",), dataset=dataset, has_dataset=bool(dataset), **facts)


def licence_markdown(manifest: dict, lang: str, site: bool = True) -> str:
    """The study's licence in one paragraph: its text, figures and tables (:data:`LICENCE`), its code, and the data
    that keep their own licences (on the site: a link to the sources; in the PDF: the appendix of sources)."""
    return md(lang, "licence", raw=("url",), name=LICENCE["name"], url=LICENCE["url"], code=CODE_LICENCE,
              site=site, sources=appendix_letters(manifest, lang)["sources"])


def cite_markdown(root: Path, manifest: dict, lang: str = "en", version: BuildVersion | None = None) -> str:
    """The home page's "How to cite" block: the suggested citation (the same as the PDF's title page) and the
    licence."""
    version = version or build_version(root)
    return "\n".join([md(lang, "cite.heading") + "\n",
                      md(lang, "cite.label") + " " + citation_markdown(manifest, lang, version, citation_file(root))
                      + "\n", licence_markdown(manifest, lang) + "\n"])


# ----------------------------------------------------------------------------------------------- the study document


def methods_markdown(manifest: dict, lang: str = "en") -> str:
    """The study's methods in brief, for the study document: data, the replication register and its statuses (the
    report's transcription only), the correlation study, missing values. Names no number of its own: the period
    and region count come from the manifest."""
    from vstudy.analysis.replication import STATUS_ORDER

    _check(lang)
    report = transcribes_report(manifest)
    period = period_label(manifest.get("period"), lang)
    letters = appendix_letters(manifest, lang)
    data = [md(lang, "methods.scope", n=region_count(manifest) or 0, has_period=bool(period), period=period)]
    data.append(md(lang, "methods.report_data", errata=letters["errata"]) if report else md(lang, "methods.dataset_data"))
    data.append(md(lang, "methods.sources", sources=letters["sources"], dictionary=letters["dictionary"]))
    out = [md(lang, "methods.data") + "\n", " ".join(data) + "\n"]
    if report:
        statuses = [md(lang, "status.line", status=status_label(s, lang),
                       meaning=plain(lang, f"pages.status.{STATUS_KEYS.get(s, s)}.meaning")) for s in STATUS_ORDER]
        out += [md(lang, "methods.register") + "\n", md(lang, "methods.register_intro") + "\n",
                "\n".join(statuses) + "\n"]
    from vstudy.present.prose import correlations as correlation_prose

    out += [md(lang, "methods.correlations") + "\n",
            str(correlation_prose.methods_paragraph(lang, is_report=report)) + "\n",
            str(correlation_prose.plan_markdown(lang, heading_level=3)) + "\n",
            md(lang, "methods.missing") + "\n", md(lang, "methods.missing_text", transcribes=report) + "\n"]
    return "\n".join(out)


def replication_summary_markdown(tables: Path, lang: str = "en", manifest: dict | None = None) -> str:
    """The replication register by section and status, as a pipe table with a caption (``tbl-study-replication``);
    a sentence when the build has no register."""
    from vstudy.analysis.replication import STATUS_ORDER

    _check(lang)
    register = _read_csv(tables / "replication.csv")
    if register is None or not {"status", "section"} <= set(register.columns) or not len(register):
        return md(lang, "findings.no_register") + "\n"
    statuses = [s for s in STATUS_ORDER if s in set(register["status"])]
    statuses += sorted(set(register["status"]) - set(statuses))
    counts = register.groupby(["section", "status"]).size()
    known = [s for s in vocab.SECTIONS if s in set(register["section"])]
    rows = []
    for section in known + sorted(set(register["section"]) - set(vocab.SECTIONS)):
        row = {"section": section_title(section, lang) if section in vocab.SECTIONS else section}
        for status in statuses:
            row[status] = formats.integer(int(counts.get((section, status), 0)), lang)
        row["total"] = formats.integer(int(sum(counts.get((section, s), 0) for s in statuses)), lang)
        rows.append(row)
    total = {"section": plain(lang, "pages.replication.all")}
    for status in statuses:
        total[status] = formats.integer(int((register["status"] == status).sum()), lang)
    total["total"] = formats.integer(len(register), lang)
    rows.append(total)
    headers = [plain(lang, "pages.reproducibility.section")] + [status_label(s, lang) for s in statuses] + [
        plain(lang, "pages.replication.total")]
    table = md_table(rows, ["section", *statuses, "total"], headers, lang)
    # Relative column widths for print: the section's name wide, the counts narrow.
    lines = table.split("\n")
    lines[1] = "|" + "|".join(["-" * 28] + ["-" * 11 + ":"] * (len(statuses) + 1)) + "|"
    table = "\n".join(lines)
    errata = appendix_letters(manifest if manifest is not None else {"transcribes": REPORT_ID}, lang).get("errata")
    from vstudy.analysis import headline as hl

    published = hl.register_counts(register)["published"]  # as section 00 and the home page count them
    return (md(lang, "replication.intro", n=published) + "\n\n" + table
            + f"\n: {md(lang, 'replication.caption')} {{#tbl-study-replication}}\n"
            + ("\n" + md(lang, "replication.note", errata=errata) + "\n" if errata else ""))
