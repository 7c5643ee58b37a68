"""The documents the code cites are in the repository, and what they cite in turn exists.

Code comments and docstrings point at ``docs/architecture.md`` and ``docs/protocol.md``, often
with a section (``docs/protocol.md`` §4.1). A citation of a file that is not in the repository
(the team's design notes, style guide or protocol reference kept elsewhere) or of a section that
a document does not have sends the reader nowhere; so does a doc naming a module that was
renamed. These tests keep both directions honest.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent
DOCS = ROOT / "docs"
PACKAGE = ROOT / "spwf_tui"
CODE_DIRS = ("spwf_tui", "tests", "benchmarks", "recordings", "examples")

DOC_PATH = re.compile(r"docs/[\w.-]+\.md")
SECTION = re.compile(r"§\s*(\d+(?:\.\d+)*)")
HEADING = re.compile(r"^#{2,4} (\d+(?:\.\d+)*)\.? ", re.MULTILINE)
OUTSIDE = re.compile(r"(?<!docs/)\b(?:DESIGN\.md|STYLE\.md|spwf04-at-reference\.md)|/work/shared")
"""Files that were cited but live outside the repository."""
UNNAMED_SOURCE = re.compile(r"\bthe reference\b(?! counting)|\breference §|\bthe reference's\b")
"""``the reference`` meant a document outside the repository; say which document instead."""
ISSUE_PART = re.compile(r"issues? \d+[ ,]*(?:§\d+(?:\.\d+)*(?:[ ,/]|and|or)*)*$", re.IGNORECASE)
"""``issue 13 §2`` (and ``issue 13 §1/§9``) is a part of an issue, not a section of a document."""
CITE_WINDOW = 1500
"""A ``§`` belongs to the last ``docs/*.md`` named at most this many characters before it (the
same docstring or comment block)."""


def _code_files() -> list[Path]:
    files = []
    for top in CODE_DIRS:
        files += sorted((ROOT / top).rglob("*.py"))
    # This file names the outside documents on purpose: to forbid them.
    return [path for path in files if path.resolve() != Path(__file__).resolve()]


def _sections(doc: Path) -> set[str]:
    return set(HEADING.findall(doc.read_text(encoding="utf-8")))


def _citations(text: str) -> list[tuple[str, str | None]]:
    """Each ``(document, section or None)`` cited in ``text``; a section with no document
    before it comes as ``("", section)``."""
    found: list[tuple[str, str | None]] = [(m.group(), None) for m in DOC_PATH.finditer(text)]
    for match in SECTION.finditer(text):
        window = text[max(0, match.start() - CITE_WINDOW):match.start()]
        if ISSUE_PART.search(window):
            continue
        docs = DOC_PATH.findall(window)
        found.append((docs[-1] if docs else "", match.group(1)))
    return found


def _problems(text: str, where: str) -> list[str]:
    problems = []
    for doc, section in _citations(text):
        if not doc:
            problems.append(f"{where}: §{section} names no document (write docs/<name>.md §{section})")
        elif not (ROOT / doc).is_file():
            problems.append(f"{where}: cites {doc}, which is not in the repository")
        elif section is not None and section not in _sections(ROOT / doc):
            problems.append(f"{where}: cites {doc} §{section}, which that document does not have")
    return problems


def test_the_documents_exist_and_number_their_sections():
    for name in ("architecture.md", "protocol.md"):
        sections = _sections(DOCS / name)
        assert {"1", "2"} <= sections, f"docs/{name} has no numbered sections"


def test_every_document_and_section_the_code_cites_exists():
    problems = []
    cited = set()
    for path in _code_files():
        text = path.read_text(encoding="utf-8")
        problems += _problems(text, str(path.relative_to(ROOT)))
        cited |= {doc for doc, _ in _citations(text) if doc}
    assert problems == []
    # The code does point at the docs: the test would pass vacuously if the citations went.
    assert {"docs/architecture.md", "docs/protocol.md"} <= cited


def test_no_module_cites_a_file_outside_the_repository():
    offenders = []
    for path in _code_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line) or UNNAMED_SOURCE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


DOC_SECTION = re.compile(r"(?:\b([\w-]+\.md) )?§(\d+(?:\.\d+)*)")
"""Inside ``docs/``: ``protocol.md §10`` (a sibling's section) or ``§2.5`` (the document's own)."""


@pytest.mark.parametrize("doc", sorted(path.name for path in DOCS.glob("*.md")))
def test_the_docs_cite_only_what_exists(doc):
    text = (DOCS / doc).read_text(encoding="utf-8")
    problems = []
    for match in DOC_SECTION.finditer(text):
        target = DOCS / (match.group(1) or doc)
        if not target.is_file() or match.group(2) not in _sections(target):
            problems.append(f"docs/{doc}: {match.group()} does not exist")
    assert problems == []
    assert OUTSIDE.search(text) is None


PATH_TOKEN = re.compile(r"`([\w.*-]+(?:/[\w.*-]*)+)`")
"""A path in backticks: ``session/session.py``, ``tests/data/``, ``recordings/seed-tls-*.jsonl``."""


@pytest.mark.parametrize("doc", sorted(path.name for path in DOCS.glob("*.md")))
def test_every_path_a_doc_names_exists(doc):
    missing = []
    for match in PATH_TOKEN.finditer((DOCS / doc).read_text(encoding="utf-8")):
        token = match.group(1)
        if token.startswith(("http", "/dev/")) or not re.search(r"\.\w+$|/$", token):
            continue  # a URL, a device, a GitHub repository's name
        # Paths are relative to the repository or, for modules, to the package.
        if not any(list(base.glob(token.rstrip("/"))) for base in (ROOT, PACKAGE)):
            missing.append(token)
    assert missing == []


def test_the_readme_points_at_the_docs():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert {"docs/architecture.md", "docs/protocol.md"} <= set(DOC_PATH.findall(text))
    assert _problems(text, "README.md") == []


@pytest.mark.parametrize("page", ["README.md", "benchmarks/README.md", "docs/architecture.md", "docs/protocol.md"])
def test_every_relative_link_leads_to_a_file(page):
    source = ROOT / page
    links = re.findall(r"\]\(([^)#\s]+)\)", source.read_text(encoding="utf-8"))
    missing = [link for link in links if "://" not in link and not (source.parent / link).exists()]
    assert missing == []
