"""What a replay reads and what it skips: by content, inside the paths given, never blocking, never stopping."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import BinaryIO

import pytest

from claimedit.pipeline import Pipeline
from claimedit.replay_paths import looks_like_x12

from .conftest import BROKEN, CLEAN_ONE, Run, run_cli

X12 = CLEAN_ONE.read_bytes()


def sources(run: Run) -> list[str]:
    return [json.loads(line)["source"] for line in run.out.splitlines()]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"ISA*00*", True),
        (b"\xef\xbb\xbf\r\n  ISA*00*", True),
        ("\ufeffISA*00*".encode("utf-16-le"), True),
        ("\ufeff\nISA*00*".encode("utf-16-be"), True),
        ("ISA*00*".encode("utf-16-le"), True),
        ("ISA*00*".encode("utf-32"), True),  # the codec writes the BOM,
        (b"", False),
        (b'{"source": "x.x12"}', False),
        (b"claim_id,verdict\nISA,1\n", False),
        (b"# ISA notes\n", False),
    ],
)
def test_an_interchange_is_recognised_by_its_isa_after_bom_and_whitespace(head: bytes, expected: bool) -> None:
    assert expected == looks_like_x12(head)


def test_files_in_a_folder_are_chosen_by_content_not_by_suffix(loaded: Pipeline, tmp_path: Path) -> None:
    (tmp_path / "claims.edi.txt").write_bytes(X12)
    (tmp_path / "utf16.dat").write_bytes("\ufeff".encode("utf-16-le") + X12.decode("ascii").encode("utf-16-le"))
    (tmp_path / "bom_blank_line.x12").write_bytes(b"\xef\xbb\xbf\n  " + X12)
    (tmp_path / "notes.x12").write_text("claim_id,verdict\nA,accepted\n", encoding="utf-8")
    (tmp_path / "golden.jsonl").write_text('{"source": "x"}\n', encoding="utf-8")
    (tmp_path / "empty.837").write_bytes(b"")

    run = run_cli("replay", str(tmp_path))

    assert 0 == run.status
    assert sorted(str(tmp_path / name) for name in ("claims.edi.txt", "utf16.dat", "bom_blank_line.x12")) == sorted(
        set(sources(run))
    )
    assert [
        f"claimedit replay: skipped {tmp_path / 'empty.837'}: empty file",
        f"claimedit replay: skipped {tmp_path / 'golden.jsonl'}: not X12 (it does not start with an ISA segment)",
        f"claimedit replay: skipped {tmp_path / 'notes.x12'}: not X12 (it does not start with an ISA segment)",
    ] == run.err_lines[:3]
    # the verdict of the UTF-16 file is the reader's business; the replay's is that it was read
    assert run.err_lines[3].startswith("claimedit replay: 3 files read, 3 paths skipped (3 not X12); 3 results: ")


def test_a_file_named_on_the_command_line_is_read_whatever_it_holds(loaded: Pipeline, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not an interchange\n", encoding="utf-8")
    run = run_cli("replay", str(notes))
    [line] = [json.loads(line) for line in run.out.splitlines()]
    assert (0, "unreadable", "SYN006") == (run.status, line["verdict"], line["findings"][0]["code"])


def test_a_missing_path_among_several_is_reported_and_the_others_are_replayed(loaded: Pipeline, tmp_path: Path) -> None:
    missing = tmp_path / "no-such.x12"
    run = run_cli("replay", str(missing), str(CLEAN_ONE))
    assert 1 == run.status
    assert [str(CLEAN_ONE)] == sources(run)
    assert [
        f"claimedit replay: no such file or folder: {missing} (check the path; the other paths are replayed)",
        "claimedit replay: 1 file read, 1 not found; 1 result: 1 accepted",
    ] == run.err_lines


def test_when_no_path_exists_the_usage_is_wrong(tmp_path: Path) -> None:
    run = run_cli("replay", str(tmp_path / "a.x12"), str(tmp_path / "b.x12"))
    assert 2 == run.status
    assert [
        f"claimedit replay: no such file or folder: {tmp_path / 'a.x12'} (check the path)",
        f"claimedit replay: no such file or folder: {tmp_path / 'b.x12'} (check the path)",
    ] == run.err_lines


def test_symlinks_leading_out_of_the_folder_and_dangling_ones_are_skipped(loaded: Pipeline, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.x12").write_bytes(X12)
    given = tmp_path / "given"
    (given / "sub").mkdir(parents=True)
    (given / "claims.x12").write_bytes(X12)
    (given / "out_file.x12").symlink_to(outside / "secret.x12")
    (given / "out_folder").symlink_to(outside, target_is_directory=True)
    (given / "dangling.x12").symlink_to(tmp_path / "gone.x12")
    (given / "sub" / "inside_link.x12").symlink_to(given / "claims.x12")

    run = run_cli("replay", str(given))

    assert 0 == run.status
    assert [str(given / "claims.x12"), str(given / "sub" / "inside_link.x12")] == sources(run)
    assert [
        f"claimedit replay: skipped {given / 'dangling.x12'}: a symbolic link to nothing (dangling), not followed",
        f"claimedit replay: skipped {given / 'out_file.x12'}: a symbolic link that leads outside the folder given, "
        "not followed",
        f"claimedit replay: skipped {given / 'out_folder'}: a symbolic link that leads outside the folder given, "
        "not followed",
        "claimedit replay: 2 files read, 3 paths skipped (1 dangling link, 2 linked out of the folder); "
        "2 results: 2 accepted",
    ] == run.err_lines


@pytest.mark.timeout(60)
def test_fifos_and_sockets_in_a_folder_are_skipped_without_being_opened(loaded: Pipeline, tmp_path: Path) -> None:
    (tmp_path / "claims.x12").write_bytes(X12)
    os.mkfifo(tmp_path / "pipe.x12")  # opening it for reading would block until a writer comes: none will
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "sock.x12"))
        run = run_cli("replay", str(tmp_path))
    assert 0 == run.status
    assert [str(tmp_path / "claims.x12")] == sources(run)
    assert [
        f"claimedit replay: skipped {tmp_path / 'pipe.x12'}: a FIFO (named pipe), not read",
        f"claimedit replay: skipped {tmp_path / 'sock.x12'}: a socket, not read",
        "claimedit replay: 1 file read, 2 paths skipped (2 not a regular file); 1 result: 1 accepted",
    ] == run.err_lines


@pytest.mark.timeout(60)
def test_a_fifo_named_on_the_command_line_is_reported_and_exits_one(loaded: Pipeline, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.x12")
    run = run_cli("replay", str(tmp_path / "pipe.x12"), str(CLEAN_ONE))
    assert 1 == run.status
    assert [str(CLEAN_ONE)] == sources(run)
    assert f"claimedit replay: skipped {tmp_path / 'pipe.x12'}: a FIFO (named pipe), not read" == run.err_lines[0]


def test_hidden_files_and_folders_are_skipped(loaded: Pipeline, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "copy.x12").write_bytes(X12)
    (tmp_path / "claims.x12").write_bytes(X12)
    run = run_cli("replay", str(tmp_path))
    assert [str(tmp_path / "claims.x12")] == sources(run)
    assert f"claimedit replay: skipped {tmp_path / '.git'}: hidden (its name starts with a dot), not read" in (
        run.err_lines
    )


def test_a_file_the_pipeline_fails_on_is_reported_and_the_replay_goes_on(
    loaded: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_stream = Pipeline.stream

    def stream(self: Pipeline, data: BinaryIO, source: str = "") -> object:
        if source == str(BROKEN):
            raise RuntimeError("a defect")
        return real_stream(self, data, source)

    monkeypatch.setattr(Pipeline, "stream", stream)
    run = run_cli("replay", str(BROKEN), str(CLEAN_ONE))
    lines = [json.loads(line) for line in run.out.splitlines()]

    assert 1 == run.status
    assert [(str(BROKEN), "unreadable"), (str(CLEAN_ONE), "accepted")] == [
        (row["source"], row["verdict"]) for row in lines
    ]
    assert (
        "claimedit failed on this file (RuntimeError); no claim in it was checked. This is a claimedit defect, "
        "not a problem of the file: report it with the file's name."
    ) == lines[0]["findings"][0]["message"]
    assert "Traceback" not in run.err


def test_a_symbolic_link_loop_is_skipped(loaded: Pipeline, tmp_path: Path) -> None:
    (tmp_path / "claims.x12").write_bytes(X12)
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    run = run_cli("replay", str(tmp_path))
    assert (0, [str(tmp_path / "claims.x12")]) == (run.status, sources(run))
    assert [
        f"claimedit replay: skipped {tmp_path / 'a'}: a symbolic link in a loop, not followed",
        f"claimedit replay: skipped {tmp_path / 'b'}: a symbolic link in a loop, not followed",
    ] == run.err_lines[:2]


def test_a_file_in_a_folder_that_cannot_be_opened_is_reported_and_exits_one(
    loaded: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "claims.x12").write_bytes(X12)
    (tmp_path / "locked.x12").write_bytes(X12)
    real_open = os.open

    def refusing_open(path: object, flags: int, *args: object) -> int:
        if str(path).endswith("locked.x12"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing_open)
    run = run_cli("replay", str(tmp_path))
    assert (1, [str(tmp_path / "claims.x12")]) == (run.status, sources(run))
    assert f"claimedit replay: skipped {tmp_path / 'locked.x12'}: cannot be opened (Permission denied)" in (
        run.err_lines
    )
