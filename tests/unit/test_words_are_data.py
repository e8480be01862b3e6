"""Words are data: no Python file under src/ holds a sentence in Russian or Kazakh (issue 19).

Every reader-facing sentence, label and caption is in the catalogues (src/vstudy/i18n/catalogues). What may remain
in Python is not reader text: docstrings and comments (for developers), and the few Cyrillic *tokens* the code
parses or checks (designator words that region names carry, number words the report writes, the letters that tell
Kazakh from Russian). Those are listed here, each with the reason, so that a sentence slipping back into code fails.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")

# Parsing vocabulary, not sentences: module → why it holds Cyrillic string literals.
PARSING_TOKENS = {
    "src/vstudy/data/regions.py": "designator words a region name carries (область, облысы, город …) and the names "
                                  "of the whole country, stripped or recognised before the gazetteer lookup",
    "src/vstudy/data/processed.py": "number words and scale words of the report's prose («двух», «млрд»), parsed",
    "src/vstudy/present/plots.py": "the letter sets that tell which fonts a figure needs",
    "src/vstudy/publish/book.py": "the letter sets that tell which script a title is in",
}


def _string_literals(path: Path) -> list[tuple[int, str]]:
    """Every string literal of a module that is not a docstring, with its line."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(
                    first.value.value, str):
                docstrings.add(first.value.lineno)
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.STRING and tok.start[0] not in docstrings:
            out.append((tok.start[0], tok.string))
    return out


WORD = r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі][А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі-]*"
RUN_OF_TWO = re.compile(WORD + r"[ \u00a0]+" + WORD)
RUN_OF_THREE = re.compile(WORD + r"[ \u00a0]+" + WORD + r"[ \u00a0,]+" + WORD)


def _sentences(text: str) -> list[str]:
    """Two or more Cyrillic words in a row, outside «quotations» of the report in an English text: what a reader
    reads as words, not a token."""
    unquoted = re.sub(r"«[^»]*»", "", text)
    return [text] if RUN_OF_TWO.search(unquoted) else []


def test_no_python_file_under_src_holds_a_russian_or_kazakh_sentence(repo_root):
    found = []
    for path in sorted((repo_root / "src").rglob("*.py")):
        rel = path.relative_to(repo_root).as_posix()
        for line, literal in _string_literals(path):
            if not CYRILLIC.search(literal):
                continue
            if rel in PARSING_TOKENS:
                continue
            if _sentences(literal):
                found.append(f"{rel}:{line}: {literal[:80]}")
    assert not found, "sentences in Python (move them into a catalogue):\n" + "\n".join(found[:30])


def test_the_parsing_exceptions_hold_tokens_not_sentences(repo_root):
    """The listed modules keep Cyrillic only in tokens (at most two words in a row: «республика казахстан»)."""
    for rel in PARSING_TOKENS:
        path = repo_root / rel
        assert path.is_file(), rel
        for line, literal in _string_literals(path):
            assert not RUN_OF_THREE.search(literal), f"{rel}:{line} holds words, not tokens: {literal[:80]}"


def test_the_check_catches_a_sentence(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('"""Модуль."""\nX = "Линия зарегистрировала обращения"\nY = "г."\n', encoding="utf-8")
    literals = [text for _, text in _string_literals(module) if _sentences(text)]
    assert literals == ['"Линия зарегистрировала обращения"']
