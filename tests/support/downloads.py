"""What a download button of an AppTest run hands out, read as the browser's /media/ request would, after
other sessions' script runs swept the files no session holds (each run of any session on a server does: the
first sweep marks a downloadable file, the second deletes it)."""

from __future__ import annotations

from pathlib import PurePosixPath

from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import app_test


def record_media(monkeypatch) -> list[MediaFileManager]:
    """The media file manager of every AppTest run from now on (AppTest makes one per run)."""
    made: list[MediaFileManager] = []

    class Recorded(MediaFileManager):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Recorded)
    return made


def download_button(at, key: str):
    """The download button drawn with `key`, or None."""
    found = [b for b in at.get("download_button") if b.proto.id.endswith(f"-{key}")]
    assert len(found) <= 1, [b.proto.id for b in found]
    return found[0] if found else None


def served(managers: list[MediaFileManager], button, *, sweeps: int = 2) -> bytes | None:
    """The bytes the browser gets at a click on `button` of the last run, when `sweeps` runs of other sessions
    came between the click and the fetch; None when the file is gone by then. A deferred download's file is
    made at the click, as Streamlit makes it."""
    manager = managers[-1]
    if button.proto.HasField("deferred_file_id"):
        url = manager.execute_deferred(button.proto.deferred_file_id)
    else:
        url = button.proto.url
    for _ in range(sweeps):
        manager.remove_orphaned_files()
    file = manager.read_file(PurePosixPath(url).name)
    return None if file is None else file.content
