"""Where a worker's kernels put their IPC sockets (vstudy.publish.worker.kernel_socket_base), on each platform."""

from __future__ import annotations

import os
from pathlib import Path

from vstudy.publish import worker


def test_where_a_kernels_sockets_go_on_each_platform(tmp_path: Path):
    short, long = "/home/me/rt", str(tmp_path / ("d" * 120))  # the function makes no folder
    assert worker.kernel_socket_base(long, "linux").startswith("@vstudy-kernel-")
    mac = worker.kernel_socket_base(short, "darwin")
    assert mac.startswith(short + os.sep + "kernel-") and mac.endswith("-ipc")
    deep = worker.kernel_socket_base(long, "darwin")  # past macOS' 104 bytes: a file in /tmp instead
    assert deep.startswith("/tmp/kernel-") and len(deep.encode()) + 3 < 104
    assert worker.kernel_socket_base(short, "linux") != worker.kernel_socket_base(short, "linux")
