"""`bridgebench suggest`: output format, options and exit codes."""

from __future__ import annotations

import pytest

from bridgebench import cli, spell


@pytest.fixture
def commands(tmp_path):
    path = tmp_path / "commands.txt"
    path.write_text("init\ninstall\nstatus\ncommit\nexit\n\n", encoding="utf-8")
    return path


def test_suggest_against_a_word_list(commands, capsys):
    assert cli.main(["suggest", "inyt", "comit", "--dictionary", str(commands)]) == 1
    assert capsys.readouterr().out.splitlines() == ["inyt\tinit", "comit\tcommit"]


def test_exact_words_exit_zero(commands, capsys):
    assert cli.main(["suggest", "init", "exit", "--dictionary", str(commands)]) == 0
    assert capsys.readouterr().out.splitlines() == ["init\tinit", "exit\texit"]


def test_k_best_with_distances(commands, capsys):
    cli.main(["suggest", "stats", "-k", "2", "--dictionary", str(commands)])
    expected = spell.suggest_k("stats", 2, ["init", "install", "status", "commit", "exit"])
    shown = ", ".join(f"{w} ({d})" for w, d in expected)
    assert capsys.readouterr().out == f"stats\t{shown}\n"


def test_max_distance_and_nothing_found(commands, capsys):
    assert cli.main(["suggest", "zzzzzzzz", "--max-distance", "1", "--dictionary", str(commands)]) == 1
    assert capsys.readouterr().out == "zzzzzzzz\t-\n"


def test_metric_option(commands, capsys):
    cli.main(["suggest", "comit", "--metric", "jaro", "--dictionary", str(commands)])
    expected = spell.suggest("comit", ["init", "install", "status", "commit", "exit"], metric="jaro")
    assert capsys.readouterr().out == f"comit\t{expected}\n"


def test_default_dictionary(capsys):
    cli.main(["suggest", "speling"])
    assert capsys.readouterr().out == f"speling\t{spell.suggest('speling')}\n"


def test_bad_options(commands, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["suggest", "x", "-k", "-1"])
    assert exit_info.value.code == 2
    assert cli.main(["suggest", "x", "--metric", "indel", "--max-distance", "1", "--dictionary", str(commands)]) == 2
    assert "--max-distance" in capsys.readouterr().err


def test_unreadable_dictionary(tmp_path, capsys):
    assert cli.main(["suggest", "x", "--dictionary", str(tmp_path / "missing.txt")]) == 2
    assert "cannot read --dictionary" in capsys.readouterr().err
