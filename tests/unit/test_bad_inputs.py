"""The bad-input corpus (tests/bad_inputs/cases.yml): every case is a validation problem naming file, row, column
and rule — never a traceback, never the content of a file outside the dataset — and every harmless variant
still validates.

The base dataset is a small valid subset of data/raw (its manifest lists seven tables; the official indicators
are cut to the population rows), written into a temporary directory; each case mutates a copy of it.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import shutil
from pathlib import Path

import pytest
import yaml

from vstudy.data import datasets, manifest
from vstudy.publish import pipeline

ROOT = Path(__file__).resolve().parents[2]
CASES = yaml.safe_load((Path(__file__).parents[1] / "bad_inputs" / "cases.yml").read_text(encoding="utf-8"))
TABLES = {
    "age_national": "report_2021/age_national.csv",
    "gender_extremes": "report_2021/gender_extremes.csv",
    "organisations_by_region": "report_2021/organisations_by_region.csv",
    "headline_figures": "report_2021/headline_figures.csv", "info_line_monthly": "report_2021/info_line_monthly.csv",
    "official_indicators": "official/indicators.csv", "participant_category_quotes": "report_2021/participant_category_quotes.csv",
}
SECRET = "TOPSECRET-not-part-of-the-dataset"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bad_inputs_base") / "base"
    for rel in TABLES.values():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "data" / "raw" / rel, root / rel)
    official = (root / "official" / "indicators.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    rows = list(csv.reader(io.StringIO("".join(official))))
    keep = [i for i, row in enumerate(rows) if i == 0 or row[1] == "population_total"]
    (root / "official" / "indicators.csv").write_text("".join(official[i] for i in keep), encoding="utf-8")
    (root / "manifest.yml").write_text(
        "id: bad_inputs_base\ntitle: t\nperiod: {start: 2021-07-01, end: 2021-12-31, label: 2021-H2}\n"
        "scheme: kz2021\nsynthetic: false\ntables:\n"
        + "".join(f"  {name}: {{file: {rel}, schema: {name}}}\n" for name, rel in TABLES.items()), encoding="utf-8")
    ds = datasets.load_dataset(root)
    assert ds.ok, [p.format() for p in ds.errors]
    return root


def test_the_corpus_has_at_least_60_bad_cases_and_the_harmless_variants():
    bad = [c for c in CASES if c["rule"] != "valid"]
    assert len(bad) >= 60 and len({c["case"] for c in CASES}) == len(CASES)
    harmless = {c["case"] for c in CASES if c["rule"] == "valid"}
    for needed in ("ok_bom", "ok_crlf", "ok_nbsp_thousands", "ok_quoted_decimal_comma", "ok_space_thousands",
                   "ok_kazakh_region_name", "ok_english_region_name"):
        assert needed in harmless


def _apply(case: dict, root: Path, outside: Path) -> None:
    target = root / case["target"]
    args = case.get("args") or {}
    op = case["op"]
    if case.get("setup") == "link_outside_folder":
        (root / "linked").symlink_to(outside, target_is_directory=True)
    if op == "replace":
        encoding = args.get("encoding", "utf-8")
        text = target.read_text(encoding="utf-8")
        assert args["old"] in text, (case["case"], args["old"])
        new = args["new"] * args.get("repeat_new", 1)
        target.write_bytes(text.replace(args["old"], new, 1).encode(encoding, errors="strict"))
    elif op == "write":
        target.write_text(args["text"], encoding="utf-8")
    elif op == "write_bytes":
        target.write_bytes(bytes.fromhex(args["hex"]))
    elif op == "append":
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(args["text"] * args.get("repeat", 1))
    elif op == "encode":
        text = target.read_text(encoding="utf-8")
        if args.get("ascii_only"):
            text = text.encode("ascii", errors="ignore").decode("ascii")
        target.write_bytes(text.encode(args["encoding"]))
    elif op == "delimiter":
        rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
        out = io.StringIO()
        csv.writer(out, delimiter=args["delimiter"], lineterminator="\n").writerows(rows)
        target.write_text(out.getvalue(), encoding="utf-8")
    elif op == "crlf":
        target.write_bytes(target.read_bytes().replace(b"\n", b"\r\n"))
    elif op == "bom":
        target.write_bytes(codecs.BOM_UTF8 + target.read_bytes())
    elif op == "symlink":
        if args["to"] == "outside":
            destination = outside / "secret.csv"
        else:
            destination = target.with_name("copy_of_" + target.name)
            shutil.copyfile(target, destination)
        target.unlink()
        target.symlink_to(destination)
    elif op == "fifo":
        target.unlink()
        os.mkfifo(target)
    elif op == "directory":
        target.unlink()
        target.mkdir()
    elif op == "device":
        target.unlink()
        try:
            os.mknod(target, 0o600 | 0o020000, os.makedev(1, 3))  # a character device like /dev/null
        except (PermissionError, OSError):
            pytest.skip("this system does not let the test create a device node")
    elif op == "remove":
        target.unlink()
    elif op == "widen_header":
        rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
        extra = args["columns"]
        rows = [row + ([f"x{i}" for i in range(extra)] if n == 0 else [""] * extra) for n, row in enumerate(rows)]
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        target.write_text(out.getvalue(), encoding="utf-8")
    elif op == "repeat_row":
        lines = target.read_text(encoding="utf-8").rstrip("\n").split("\n")
        target.write_text("\n".join(lines + [lines[-1]] * args["times"]) + "\n", encoding="utf-8")
    elif op == "sparse":
        with open(target, "r+b") as fh:
            fh.truncate(args["bytes"])
    else:
        raise AssertionError(f"unknown operation {op}")


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_bad_input_is_a_named_problem_and_harmless_input_passes(case, base, tmp_path):
    root = tmp_path / "dataset"
    shutil.copytree(base, root)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.csv").write_text(f"{SECRET},x\n{SECRET},y\n", encoding="utf-8")
    _apply(case, root, outside)

    ds = datasets.load_dataset(root)  # never raises
    messages = [p.format() for p in ds.problems]
    assert not any(SECRET in m for m in messages), messages  # nothing of a file outside the dataset is quoted
    pipeline.read_manifest(root)  # the build's view of the same manifest does not raise either
    if case["rule"] == "valid":
        assert ds.ok, messages
        return
    matching = [p for p in ds.errors if p.rule == case["rule"]]
    assert matching, f"{case['case']}: no error with rule {case['rule']!r}; got {messages}"
    problem = matching[0]
    if "file" in case:
        assert problem.file == case["file"], messages
    elif case["target"] != "manifest.yml" and case.get("setup") is None and case["rule"] != "path":
        assert problem.file == case["target"], messages
    if "row" in case:
        assert problem.row == case["row"], messages
    if "column" in case:
        assert problem.column == case["column"], messages
    if "says" in case:
        assert case["says"] in problem.message, messages
    if case.get("only"):  # one clear message for the file, not one per missing column
        assert len([p for p in ds.errors if p.file == case["target"]]) == 1, messages


def test_reading_a_device_or_fifo_directly_says_what_it_is(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    for path, kind in ((tmp_path / "pipe", "named pipe"), (Path("/dev/null"), "a device"), (tmp_path, "a directory")):
        with pytest.raises(manifest.Refused, match=kind):
            manifest.read_file(path)


def test_a_yaml_alias_bomb_is_refused_before_it_grows():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20))
    with pytest.raises(manifest.Refused, match="aliases"):
        manifest.load_yaml(bomb.encode())


@pytest.mark.parametrize("name", ["yaml_set_tag", "population_1e308", "manifest_tables_as_list", "int_overflow",
                                  "manifest_end_2021_13_45", "fifo"])
def test_the_commands_refuse_what_used_to_crash_them(name, base, tmp_path, capsys):
    """These inputs passed `vstudy validate` and then crashed `vstudy data`, or crashed both."""
    from vstudy import cli

    case = next(c for c in CASES if c["case"] == name)
    root = tmp_path / "dataset"
    shutil.copytree(base, root)
    _apply(case, root, tmp_path)
    assert cli.main(["validate", "--data", str(root)]) == 1
    assert cli.main(["data", "--data", str(root), "--out", str(tmp_path / "processed")]) == 1
    assert not (tmp_path / "processed").exists()
    result = pipeline.build(pipeline.BuildConfig(root=tmp_path, data_dir=root, sections=(), render=False,
                                                 package_hash="fixed", echo=lambda line: None))
    assert result.exit_code == pipeline.EXIT_FAILED and f"[{case['rule']}]" in result.message
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"[{case['rule']}]" in err
