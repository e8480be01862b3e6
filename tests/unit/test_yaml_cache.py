"""The dataset's YAML reader parses the same bytes once per process and hands every caller its own copy."""

from __future__ import annotations

import pytest

from vstudy.data import manifest


def test_the_same_bytes_are_parsed_once_and_each_caller_gets_a_copy(monkeypatch):
    data = b"title: A study\nsources:\n  - name: BNS\n    pages: [1, 2]\n"
    calls = []
    real = manifest._parse_yaml
    monkeypatch.setattr(manifest, "_parse_yaml", lambda d, label: calls.append(label) or real(d, label))
    manifest._PARSED.clear()
    first = manifest.load_yaml(data, "a.yml")
    first["sources"][0]["pages"].append(3)  # a caller changing its copy changes nobody else's
    second = manifest.load_yaml(data, "b.yml")
    assert second == {"title": "A study", "sources": [{"name": "BNS", "pages": [1, 2]}]}
    assert calls == ["a.yml"]
    assert manifest.load_yaml(data + b"# changed\n", "c.yml") == second and calls == ["a.yml", "c.yml"]


def test_refused_bytes_are_refused_every_time():
    manifest._PARSED.clear()
    for _ in range(2):
        with pytest.raises(manifest.Refused, match="duplicate key"):
            manifest.load_yaml(b"a: 1\na: 2\n", "dup.yml")
    assert manifest._PARSED == {}
