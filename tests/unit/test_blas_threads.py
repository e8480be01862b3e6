"""Each notebook kernel of a build gets its share of the cores for the numerical libraries' threads."""

from __future__ import annotations

from vstudy.publish import pool


def test_kernels_share_the_cores_between_the_notebooks_run_at_once(monkeypatch):
    monkeypatch.setattr(pool.os, "cpu_count", lambda: 2)
    assert pool.blas_threads(2, {}) == {name: "1" for name in pool.BLAS_THREAD_VARIABLES}
    assert pool.blas_threads(1, {}) == {name: "2" for name in pool.BLAS_THREAD_VARIABLES}
    assert pool.blas_threads(8, {})["OPENBLAS_NUM_THREADS"] == "1"  # never fewer than one
    monkeypatch.setattr(pool.os, "cpu_count", lambda: 8)
    assert pool.blas_threads(3, {})["OMP_NUM_THREADS"] == "2"


def test_a_limit_the_user_set_is_kept(monkeypatch):
    monkeypatch.setattr(pool.os, "cpu_count", lambda: 4)
    limits = pool.blas_threads(2, {"OPENBLAS_NUM_THREADS": "3", "MKL_NUM_THREADS": ""})
    assert "OPENBLAS_NUM_THREADS" not in limits
    assert limits == {"OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}


def test_the_workers_environment_carries_the_limits(monkeypatch, tmp_path):
    seen = {}

    class Stop(Exception):
        pass

    def popen(args, **kwargs):
        seen.update(kwargs["env"])
        raise Stop

    for name in pool.BLAS_THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MKL_NUM_THREADS", "5")
    monkeypatch.setattr(pool.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(pool.subprocess, "Popen", popen)

    class Config:
        root = tmp_path
        build_dir = tmp_path / "build"
        jobs = 2

    try:
        pool.Worker(Config(), "token", 0)
    except Stop:
        pass
    assert seen["OPENBLAS_NUM_THREADS"] == "1" and seen["OMP_NUM_THREADS"] == "1" and seen["MKL_NUM_THREADS"] == "5"
