"""Path completion, one set of rules for the builder, the inspector and the REPL (``pathnames``)."""

from __future__ import annotations

import os

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from spwf_tui.pathnames import complete_path
from spwf_tui.repl.completer import AtCompleter


def _tree(root):
    (root / "certs").mkdir()
    (root / "ca_cert.pem").write_text("x")
    (root / "ca_key.pem").write_text("x")
    (root / ".ca_hidden").write_text("x")


def test_names_in_the_folder_typed_that_begin_with_the_last_part(tmp_path):
    _tree(tmp_path)
    found = complete_path(f"{tmp_path}/ca")
    assert found.stem == "ca" and found.names == ("ca_cert.pem", "ca_key.pem") and found.common == "ca_"
    assert complete_path(f"{tmp_path}/").names == ("ca_cert.pem", "ca_key.pem", "certs" + os.sep)
    assert complete_path(f"{tmp_path}/.c").names == (".ca_hidden",)  # hidden only when asked for


def test_home_and_the_working_folder(tmp_path, monkeypatch):
    _tree(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert complete_path("~/ce").names == ("certs" + os.sep,)
    monkeypatch.chdir(tmp_path)
    assert complete_path("").names == ("ca_cert.pem", "ca_key.pem", "certs" + os.sep)


def test_a_folder_that_cannot_be_read_lists_nothing(tmp_path):
    assert complete_path(f"{tmp_path}/missing/x").names == ()


def test_the_repl_offers_the_same_names(tmp_path, monkeypatch):
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    text = "AT+S.TLSCERT=ca,@"
    completions = AtCompleter().get_completions(Document(text, len(text)), CompleteEvent(completion_requested=True))
    assert [c.text for c in completions] == list(complete_path("").names)
