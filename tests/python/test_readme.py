"""The README's "did you mean" example runs and says what its comments say."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_did_you_mean_example():
    text = README.read_text()
    block = re.search(r'## "Did you mean \.\.\.\?" in your own CLI\s+```python\n(.*?)```', text, re.S)
    assert block, "README lost its did-you-mean example"
    namespace: dict = {}
    exec(compile(block.group(1), "README.md", "exec"), namespace)
    assert namespace["unknown_command"]("inyt") == "unknown command 'inyt'; did you mean 'init'?"
    assert namespace["unknown_command"]("xyzzy") == "unknown command 'xyzzy'"
    spell = namespace["spell"]
    assert spell.suggest("speling") == "spelling"
    assert spell.suggest("RECIEVE") == "RECEIVE"
    assert [spell.suggest(w) for w in ("speling", "wrod")] == ["spelling", "word"]
