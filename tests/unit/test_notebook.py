"""The notebooks' set-up call and output helpers (vstudy.present.notebook), on a small processed layer."""

from __future__ import annotations

import pandas as pd
import pytest

from vstudy import vocab
from vstudy.present import notebook


@pytest.fixture()
def study(processed_2021, tmp_path) -> notebook.Study:
    params = dict(vocab.PARAMETER_DEFAULTS, processed_dir=str(processed_2021), output_dir=str(tmp_path / "out"))
    return notebook.setup("07_information_line", params)


def test_markdown_joins_messages_and_escapes_their_values(extra_message):
    from vstudy.present.words import t

    extra_message("en", "test.first", "## Heading\n\nFirst {name}.")
    extra_message("en", "test.second", "Second {n}.")
    extra_message("en", "test.link", "{x} of {y}")
    for key, text in (("a", "## A"), ("b", "b."), ("c", "### C\n\nd.")):
        extra_message("en", f"test.{key}", text)
    parts = [t("en", "test.first", name="<b>x</b>"), None, t("en", "test.second", n=1234)]
    assert notebook.markdown(parts) == "## Heading\n\nFirst &#60;b&#62;x&#60;/b&#62;. Second 1,234."
    # a heading on its own is followed by a new paragraph; a later heading starts one
    assert notebook.markdown(t("en", "test.a"), t("en", "test.b"), t("en", "test.c")) == "## A\n\nb.\n\n### C\n\nd."
    assert notebook.markdown(t("en", "test.link", x="[link](u)", y=2)) == "&#91;link&#93;(u) of 2"  # no link
    assert notebook.markdown(None, []) == ""
    with pytest.raises(TypeError):
        notebook.markdown(3)
    with pytest.raises(TypeError, match="not a message from the catalogues"):
        notebook.markdown("typed {text}")


def test_errata_sentences_pick_the_tables_files():
    errata = pd.DataFrame({"erratum_id": ["E1", "E2", "E3"],
                           "file": ["a.csv", "b.csv; report/c.csv", "ab.csv"],
                           "description_en": ["one", "two", "three"]})
    got = notebook.errata_sentences(errata, ["c", "a"])
    assert got == ["Erratum E1: one", "Erratum E2: two"]
    assert notebook.markdown(got) == "Erratum E1: one Erratum E2: two"
    # a register without Russian text: the English description, its language named (tests/unit/test_errata_languages.py)
    assert notebook.errata_sentences(errata, ["a"], "ru") == [
        "Ошибка источника E1: one (приводится на английском языке: в реестре нет русского текста)"]
    assert notebook.errata_sentences(None, ["a"]) == [] and notebook.errata_sentences(errata.iloc[:0], ["a"]) == []


def test_study_reads_the_processed_layer(study, processed_2021):
    totals = study.table("info_line_totals")
    assert totals.equals(pd.read_parquet(processed_2021 / "info_line_totals.parquet"))
    assert study.table("regions")["region_code"].str.startswith("KZ-").all()  # regions_<scheme>
    assert study.table("no_such_table") is None
    inventory = study.inventory("info_line_totals", "no_such_table").set_index("table")
    assert inventory.loc["info_line_totals", "rows"] == len(totals) and inventory.loc["info_line_totals", "present"]
    assert not inventory.loc["no_such_table", "present"] and inventory.loc["no_such_table", "rows"] == 0
    errata = study.errata("info_line_totals")
    register = pd.read_parquet(processed_2021 / "errata_evaluated.parquet")
    expected = register[register["file"].str.contains("info_line_totals.csv")]["erratum_id"].tolist()
    assert [sentence.split(":")[0].split()[-1] for sentence in errata] == expected and expected
    facts = study.dataset_facts
    assert facts["transcribes"] == "report_2021" and facts["is_report"] and facts["scheme"] == "kz2021"


def test_study_skips_absent_parts(study, tmp_path):
    assert study.save(None, "nothing") is None
    study.figure(None, "nothing")
    study.figure((None, None), "nothing")
    assert not (tmp_path / "out").exists()
    path = study.save(pd.DataFrame({"a": [1.5]}), "some")
    assert path.name == "07_information_line__some.csv" and path.read_text() == "a\n1.5\n"
