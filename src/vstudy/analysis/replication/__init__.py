"""The replication register: every number a report publishes, checked, with an honest status.

A claim exists only where the dataset carries a published report's figure: the processed table
``published_values`` lists every numeric cell of the raw tables that gives its place in the report's text
(``source_line``). Each gets one row of the register, ``COLUMNS``: claim id, section, what it says, the published
value and how it is printed, its line, the recomputed value, the difference, a status and a note; the claim and
the note again in each other edition's language (``claim_ru``, ``note_ru``, ``claim_kk``, ``note_kk``). The words
are messages of the ``replication`` catalogue filled with the facts each check computes (region names from the
gazetteer, numbers by CLDR). The statuses, one declared vocabulary (:func:`status_vocabulary`):

``reproduced``        recomputed from inputs independent of the claim (e.g. a national share from the regional
                      lists, a coefficient from official statistics) and equal within the published rounding;
``consistent``        an internal check holds (shares that sum to 100, a prose figure equal to its chart, counts
                      reconstructed to fit the shares) — agreement, not a replication;
``derived``           a value the report did not print, computed from what it did (extra rows, no published value);
``differs``           a check fails; the note gives the evidence and the erratum;
``not reproducible``  no check is possible; the note names the missing input.

Several checks can bear on one value: a failed check makes it ``differs``; otherwise a recomputation beats an
internal check, and an internal check beats "not reproducible" (whose reason stays in the note). Everything is
read from the processed layer (:func:`inputs`); counts the data layer reconstructs (organisations) are read,
not reconstructed here; the report's coefficients come from section 03's computation (``coefficients``).

The package's rooms: :mod:`.core` (statuses, checks and notes, the context), :mod:`.demographics`,
:mod:`.activities` and :mod:`.headline` (the checks by section), :mod:`.claims` (what each value says),
:mod:`.register` (assembly, summaries) and :mod:`.quality` (the data-quality tables and the errata evidence).
"""

from __future__ import annotations

from vstudy.analysis.replication.core import (
    CONSISTENT,
    DERIVED,
    DIFFERS,
    NOT_REPRODUCIBLE,
    REGISTER_LANGS,
    REPRODUCED,
    STATUS_KEY,
    STATUS_ORDER,
    Check,
    check,
    combine,
    note,
    render,
    within,
)
from vstudy.analysis.replication.headline import RESTATEMENTS, UNCHECKABLE
from vstudy.analysis.replication.quality import (
    coverage_matrix,
    dataset_tables,
    errata_view,
    indicator_coverage,
)
from vstudy.analysis.replication.register import (
    COLUMNS,
    INPUT_TABLES,
    build_register,
    inputs,
    status_counts,
    status_meaning,
    status_summary,
    status_vocabulary,
)

__all__ = ["CONSISTENT", "DERIVED", "DIFFERS", "NOT_REPRODUCIBLE", "REPRODUCED", "STATUS_ORDER", "STATUS_KEY",
           "REGISTER_LANGS", "COLUMNS", "INPUT_TABLES", "RESTATEMENTS", "UNCHECKABLE", "Check",
           "check", "note", "render", "combine", "within", "build_register", "inputs", "status_counts",
           "status_meaning", "status_summary", "status_vocabulary", "errata_view", "dataset_tables",
           "indicator_coverage", "coverage_matrix"]
