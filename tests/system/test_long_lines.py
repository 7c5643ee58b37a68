"""Long lines stay whole (issue 15, item 8): a body line longer than 4 KiB is one line in
``run``'s transcript; beyond the decoder's 64 KiB bound it is cut with a visible mark."""

from __future__ import annotations

from tests.system.helpers import run_cli

CONTINUED = " [\u2026]"


def _printed_file(tmp_path, content: bytes) -> list[str]:
    source = tmp_path / "long.txt"
    source.write_bytes(content)
    result = run_cli("run", "sim://", "--no-record", "-c", "AT+S.SCFG=ramdisk_memsize,200",
                     "-c", f"AT+S.FSC=/long.txt,@{source}", "-c", "AT+S.FSP=/long.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    lines = result.stdout.splitlines()
    return lines[lines.index("< AT+S.FSP=/long.txt") + 1:]


def test_a_10_kib_line_is_one_line_of_the_transcript(tmp_path):
    after = _printed_file(tmp_path, b"<p>" + b"x" * 10_000 + b"</p>\r\nsecond line\r\n")
    assert after[0] == "< <p>" + "x" * 10_000 + "</p>\\r\\n"
    assert after[1] == "< second line\\r\\n"
    assert after[2] == "< AT-S.OK"


def test_a_line_beyond_64_kib_is_cut_with_a_mark(tmp_path):
    after = _printed_file(tmp_path, b"y" * 70_000 + b"\r\n")
    assert after[0] == "< " + "y" * 65_536 + CONTINUED
    assert after[1] == "< " + "y" * (70_000 - 65_536) + "\\r\\n"
    assert after[2] == "< AT-S.OK"
