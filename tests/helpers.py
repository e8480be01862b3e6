"""Helpers shared by tests (not part of the package)."""

from __future__ import annotations

import ast
import contextlib
import html as html_lib
import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


def pdf_text(pdf: Path) -> str:
    """Text of a PDF for the render test: ``pdftotext`` when installed, else pypdf if importable."""
    tool = shutil.which("pdftotext")
    if tool:
        return subprocess.run([tool, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True).stdout
    from pypdf import PdfReader  # only needed where Quarto renders the PDF

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(pdf)).pages)


# English sentences in a page or an executed notebook (the Russian and Kazakh editions must hold none).
_COMMON_EN = frozenset("the of and to in is are be by for with on at as from or an it its each which per where than "
                       "only no not all that this has have can".split())
_LATIN = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def _reader_text(text: str) -> str:
    """What a reader sees of a Markdown or HTML output: no tags, code spans, link targets or Quarto fences."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)  # code, not words for the reader
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return re.sub(r"^:::.*$", " ", text, flags=re.M)


def english_runs(text: str) -> list[str]:
    """Runs of three or more consecutive Latin-letter words with a common English word among them: English
    sentences or phrases. Proper names (Birgemiz: Taza Álem, NEET, ProBono) make no such run."""
    runs, current = [], []
    for token in re.findall(r"[A-Za-z][A-Za-z'’-]*|[^\sA-Za-z]+", _reader_text(text)):
        if _LATIN.fullmatch(token):
            current.append(token)
            continue
        if len(current) >= 3 and _COMMON_EN & {w.lower() for w in current}:
            runs.append(" ".join(current))
        current = []
    if len(current) >= 3 and _COMMON_EN & {w.lower() for w in current}:
        runs.append(" ".join(current))
    return runs


# A section number typed into the study's words («как в разделе 03», "section 06", «05-бөлім»): the PDF numbers its
# chapters itself, so a typed number points the reader at the wrong one.
TYPED_SECTION = re.compile(r"\bsections?\s+0\d\b|\bраздел\w*\s+0\d\b|\bбөлім\w*\s+0\d\b|\b0\d\s*-?\s*бөлім",
                           re.IGNORECASE)


@dataclass
class CellRun:
    """What one code cell did when run by :func:`run_cells`: the objects it passed to ``display()`` (each with the
    call's keyword arguments), its printed text and its last expression's value (None when it has none)."""

    cell: object
    shown: list[tuple[object, dict]] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    value: object = None


def run_cells(nb, params: dict, name: str = "notebook") -> list[CellRun]:
    """Run the code cells of the notebook ``nb`` in this process, without a kernel, ``params`` injected after its
    parameters cell (as papermill injects them); what each cell displayed, printed and ended with, in order."""
    import IPython.display

    runs: list[CellRun] = []
    real = IPython.display.display
    IPython.display.display = lambda *objs, **kw: runs[-1].shown.extend((obj, kw) for obj in objs)
    scope: dict = {}
    try:
        for cell in (c for c in nb.cells if c.cell_type == "code"):
            run = CellRun(cell)
            runs.append(run)
            tree = ast.parse(cell.source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                exec(compile(tree, name, "exec"), scope)  # noqa: S102 - the repository's own notebook
                if last is not None:
                    run.value = eval(compile(ast.Expression(last.value), name, "eval"), scope)  # noqa: S307
            run.stdout, run.stderr = out.getvalue(), err.getvalue()
            if "parameters" in cell.metadata.get("tags", []):
                scope.update(params)
    finally:
        IPython.display.display = real
    return runs


# Sentences of the 2021 report's editions that are false of a researcher's dataset (whitespace-normalised): the
# report's section «Корреляция», its valuation method, its errata and published numbers, the published shares it
# reconstructs from, its national chart of event directions (section 05), the caption of its correlation coefficients
# and what it does not say of them, its unstated method and the search for a specification near its coefficients
# (section 03 and the study's method paragraph), the caption of its pairs' forest plot (tests/unit/test_dataset_wording.py,
# tests/integration/test_report_sentences.py).
REPORT_ONLY = {
    "en": ["The report's section «Корреляция» states", "The study's method follows the analytical report it rebuilds",
           "every number the report publishes", "Defects of the source text", "Each published number gets one row",
           "across all the coefficients the report tested", "the report does not state its method, so several",
           "Organisation counts are reconstructed from three published shares",
           "sets the national chart beside the national shares pooled from the regions",
           "The report's correlation coefficients with Fisher-z intervals",
           "The report does not say whether it correlated counts or shares of the population",
           "The report does not state how it computed its coefficients",
           "recomputed on the raw regional values (the report does not state its method)",
           "The report's pairs: published r beside the recomputed Pearson r",
           "The report's pairs recomputed from the data: Pearson r with 95 % Fisher-z (thick) and bootstrap"],
    "ru": ["В разделе отчёта «Корреляция» приведены", "Метод исследования следует аналитическому отчёту",
           "каждое число, опубликованное в отчёте", "Дефекты текста отчёта",
           "Каждому опубликованному числу отведена одна строка", "по всем коэффициентам, которые проверял отчёт",
           "метод в отчёте не указан, поэтому проверяется несколько спецификаций и показан ближайший результат",
           "Число организаций восстанавливается по трём опубликованным долям",
           "ставит общенациональную диаграмму рядом с долями по стране",
           "Коэффициенты корреляции из отчёта с интервалами по z-преобразованию Фишера",
           "В отчёте не сказано, коррелировались ли абсолютные числа или доли от населения",
           "В отчёте не сказано, как рассчитаны его коэффициенты",
           "пересчитаны по исходным региональным значениям (метод в отчёте не указан)",
           "Пары отчёта: опубликованный r рядом с пересчитанным r Пирсона",
           "Пары отчёта, пересчитанные по данным: r Пирсона с 95-процентными интервалами"],
    "kk": ["Есептің «Корреляция» бөлімінде", "Зерттеудің әдісі ол қайта құратын талдамалық есепке сүйенеді",
           "есепте жарияланған әр сан", "Есеп мәтініндегі ақаулар", "Жарияланған әр санға бір жол беріледі",
           "есеп тексерген барлық коэффициенттер бойынша", "ең жақын нәтиже көрсетіледі",
           "Ұйымдар саны әр өңірдің үш жарияланған үлесі",
           "жалпыұлттық диаграмманы өңірлерден жинақталған ел бойынша үлестердің қасына қояды",
           "Есептің корреляция коэффициенттері Фишердің z аралықтарымен",
           "Есепте абсолюттік сандар ма, әлде халыққа шаққан үлестер ме корреляцияланғаны айтылмаған",
           "Есепте оның коэффициенттері қалай есептелгені айтылмаған",
           "бастапқы өңірлік мәндер бойынша қайта есептелген (есепте әдіс көрсетілмеген)",
           "Есеп жұптары: бастапқы деректер бар жерде жарияланған r",
           "Деректер бойынша қайта есептелген есеп жұптары: Фишердің z бойынша"],
}
