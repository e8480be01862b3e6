"""Results the editions of a build share (vstudy.analysis.shared): computed once, read back identical, and the
function just runs where no build set the folder."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from vstudy.analysis import correlations as cs
from vstudy.analysis import shared
from vstudy.data import regions

CALLS = "VSTUDY_TEST_SHARED_CALLS"


@shared.once_per_build
def _scaled(frame: pd.DataFrame, factor: float, pause: float = 0.0) -> pd.DataFrame:
    """Records each call (a line in the file named by CALLS), then returns a new frame."""
    with open(os.environ[CALLS], "a", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()}\n")
    time.sleep(pause)
    return frame.assign(value=frame["value"] * factor, label=frame["label"] + "!")


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"value": [1.5, np.nan, 3.25], "label": ["a", "b", None]},
                        index=pd.Index(["x", "y", "z"], name="code"))


def _calls(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0


def test_without_a_build_the_function_just_runs(tmp_path, monkeypatch):
    monkeypatch.delenv(shared.ENV, raising=False)
    monkeypatch.setenv(CALLS, str(tmp_path / "calls"))
    first, second = _scaled(_frame(), 2.0), _scaled(_frame(), 2.0)
    assert _calls(tmp_path / "calls") == 2
    pd.testing.assert_frame_equal(first, second)
    assert first["value"].tolist()[0] == 3.0


def test_computed_once_per_arguments_and_read_back_identical(tmp_path, monkeypatch):
    monkeypatch.setenv(shared.ENV, str(tmp_path / "shared"))
    monkeypatch.setenv(CALLS, str(tmp_path / "calls"))
    direct = _scaled.__wrapped__(_frame(), 2.0)
    first, again = _scaled(_frame(), 2.0), _scaled(_frame(), 2.0)
    assert _calls(tmp_path / "calls") == 2  # the direct call and the first shared one
    for result in (first, again):
        pd.testing.assert_frame_equal(result, direct, check_exact=True)
        assert result.to_csv() == direct.to_csv()
    # other arguments, other inputs: computed again, never the stored result
    other = _scaled(_frame(), 3.0)
    changed = _frame()
    changed.loc["z", "value"] = 4.0
    from_changed = _scaled(changed, 2.0)
    assert _calls(tmp_path / "calls") == 4
    assert other["value"].tolist()[0] == 4.5 and from_changed.loc["z", "value"] == 8.0
    assert len(list((tmp_path / "shared").glob("*.pickle"))) == 3


def test_a_damaged_file_is_computed_again(tmp_path, monkeypatch):
    monkeypatch.setenv(shared.ENV, str(tmp_path / "shared"))
    monkeypatch.setenv(CALLS, str(tmp_path / "calls"))
    _scaled(_frame(), 2.0)
    (stored,) = (tmp_path / "shared").glob("*.pickle")
    stored.write_bytes(b"not a pickle")
    result = _scaled(_frame(), 2.0)
    assert _calls(tmp_path / "calls") == 2
    assert result["value"].tolist()[0] == 3.0


def _edition(queue) -> None:
    queue.put(_scaled(_frame(), 2.0, pause=1.0).to_csv())


def test_editions_at_the_same_moment_compute_once(tmp_path, monkeypatch):
    monkeypatch.setenv(shared.ENV, str(tmp_path / "shared"))
    monkeypatch.setenv(CALLS, str(tmp_path / "calls"))
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_edition, args=(queue,)) for _ in range(2)]
    for proc in procs:
        proc.start()
    answers = [queue.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    assert _calls(tmp_path / "calls") == 1  # the second waited for the lock and read the first one's result
    assert answers[0] == answers[1] == _scaled.__wrapped__(_frame(), 2.0).to_csv()


def test_correlation_study_from_the_shared_folder_equals_computing_it(tmp_path, monkeypatch):
    codes = regions.codes("kz2021")
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"region_code": codes, "life_expectancy_years": rng.normal(72, 2, len(codes)),
                          "csi_quality_of_life_rank": rng.permutation(len(codes)).astype(float) + 1})
    pairs = [cs.Pair("t", "life_expectancy_years", "csi_quality_of_life_rank", "test pair")]
    monkeypatch.delenv(shared.ENV, raising=False)
    computed = cs.run_correlations(frame, pairs=pairs, n_boot=50, n_perm=200, seed=5)
    monkeypatch.setenv(shared.ENV, str(tmp_path / "shared"))
    stored = cs.run_correlations(frame, pairs=pairs, n_boot=50, n_perm=200, seed=5)
    read = cs.run_correlations(frame, pairs=pairs, n_boot=50, n_perm=200, seed=5)
    assert len(list((tmp_path / "shared").glob("run_correlations.*.pickle"))) == 1
    assert computed["n"].tolist() == [len(codes)] * 2 and computed["r"].notna().all()
    for result in (stored, read):
        pd.testing.assert_frame_equal(result, computed, check_exact=True)
        assert result.to_csv(float_format="%.10g") == computed.to_csv(float_format="%.10g")
    # another seed is another result, computed
    other = cs.run_correlations(frame, pairs=pairs, n_boot=50, n_perm=200, seed=6)
    assert len(list((tmp_path / "shared").glob("run_correlations.*.pickle"))) == 2
    assert not other.equals(computed)



def test_no_place_to_share_computes_in_each_edition(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(shared.ENV, str(blocker / "shared"))  # under a file: cannot be created
    monkeypatch.setenv(CALLS, str(tmp_path / "calls"))
    assert _scaled(_frame(), 2.0)["value"].tolist()[0] == 3.0
    assert _scaled(_frame(), 2.0)["value"].tolist()[0] == 3.0
    assert _calls(tmp_path / "calls") == 2


def test_the_replication_register_is_built_once_per_build(processed_2021, tmp_path, monkeypatch):
    """Section 00 builds the register in every edition; it holds every language's claims and notes at once, so the
    editions of a build share it (a second of CPU per edition) and read back the same frame."""
    from vstudy.analysis import replication
    from vstudy.present.notebook import Study

    study = Study("00_data_quality", processed_2021, processed_2021, tmp_path / "out", "kz2021", "x", "en", 0.05, 10, 1)
    args = (replication.inputs(study.table), "kz2021", study.manifest.get("period"))
    monkeypatch.delenv(shared.ENV, raising=False)
    computed = replication.build_register(*args)
    monkeypatch.setenv(shared.ENV, str(tmp_path / "shared"))
    first, second = replication.build_register(*args), replication.build_register(*args)
    assert len(list((tmp_path / "shared").glob("build_register.*.pickle"))) == 1
    for result in (first, second):
        pd.testing.assert_frame_equal(result, computed, check_exact=True)
    assert {"claim", "claim_ru", "claim_kk"} <= set(computed.columns)  # every language, whichever edition asks
