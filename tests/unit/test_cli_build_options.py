"""`vstudy build`'s limits as a user types them: refused before anything is locked, read or written."""

from __future__ import annotations

import pytest

from vstudy import cli
from vstudy.publish.config import DEFAULT_CELL_TIMEOUT, BuildConfig


@pytest.mark.parametrize(("argv", "message"), [
    (["--cell-timeout", "-5"], "--cell-timeout must be 0 (no limit) or more seconds"),
    (["--jobs", "0"], "--jobs must be at least 1"),
])
def test_out_of_range_options_are_usage_errors(argv, message, tmp_path, capsys):
    code = cli.main(["build", "--data", str(tmp_path / "nowhere"), *argv])
    assert code == 2 and message in capsys.readouterr().err
    assert not any(tmp_path.iterdir())  # nothing made


def test_the_cell_timeout_reaches_the_build_in_whole_seconds_and_zero_means_none():
    assert BuildConfig().cell_timeout == DEFAULT_CELL_TIMEOUT == 1800
    assert BuildConfig(cell_timeout=0).cell_timeout is None and BuildConfig(cell_timeout=None).cell_timeout is None
    assert BuildConfig(cell_timeout=90).cell_timeout == 90
    args = cli.build_parser().parse_args(["build", "--cell-timeout", "0"])
    assert args.cell_timeout == 0
    assert cli.build_parser().parse_args(["build"]).cell_timeout == DEFAULT_CELL_TIMEOUT
