"""Files made on a click, then handed out from this session's memory: "Prepare PDF", then "Download PDF".

Not Streamlit's deferred download (download_button with a callable as data): that makes the file at the click
and keeps it for no session, and every script run of any session on the server sweeps such files (the first
marks one, the second deletes it). On a busy server, a workshop's screens and phones refreshing every few
seconds, the file could be gone before the browser fetched it. Bytes given to download_button as it is drawn
belong to this session and stay while its page shows them.

A made file is kept with the signature of what it was made from (the account, the filters, the language): when
the page shows something else, the file is dropped and its make button shows again, so a file of an old view
is never handed out. Only the file asked for is made (and audited), none by opening the page.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import streamlit as st

from app_pages import state_keys
from app_pages.shell import t
from services import formatting
from services.errors import NotAuthorised, NotFound, Unavailable

# Why a file could not be made, as the string said once.
REFUSALS: tuple[tuple[type[Exception], str], ...] = (
    (Unavailable, "error.unavailable"),
    (NotAuthorised, "prepared.error.not_authorised"),
    (NotFound, "prepared.error.not_found"),
)


@dataclass(frozen=True)
class FileOffer:
    """One file: `key` names its download button, `<key>-make` its make button. `make` returns the file's name
    and bytes, or None when there is nothing to make or say (signed out: the next run asks to sign in)."""

    key: str
    make: Callable[[], tuple[str, bytes] | None]
    make_label: str
    download_label: str
    mime: str


@dataclass(frozen=True)
class PreparedFile:
    signature: Hashable
    at: datetime  # UTC
    name: str
    data: bytes


def offer(row, files: Sequence[FileOffer], signature: Hashable, *, again: bool = True) -> None:
    """Each file in `row` (a horizontal container): its make button, or once made from `signature` its download
    button with when it was made (and with `again` a button to make it anew). Why a file could not be made is
    said once, below the row."""
    held = prepared()
    said: list[str] = []
    for file in files:
        kept = held.get(file.key)
        if isinstance(kept, str):
            said.append(kept)
            del held[file.key]
            kept = None
        elif kept is not None and kept.signature != signature:
            del held[file.key]  # made from another view: never handed out
            kept = None
        if kept is None:
            row.button(
                file.make_label,
                key=f"{file.key}-make",
                icon=":material/description:",
                on_click=make,
                args=(file, signature),
            )
        else:
            download(row, file, kept, again)
    for key in dict.fromkeys(said):
        st.error(t(key))


def download(row, file: FileOffer, kept: PreparedFile, again: bool) -> None:
    slot = row.container(width="content", gap="xxsmall")
    slot.download_button(
        file.download_label,
        kept.data,
        file_name=kept.name,
        mime=file.mime,
        key=file.key,
        on_click="ignore",
        icon=":material/download:",
    )
    made = t("prepared.made", time=formatting.format_time(local(kept.at), st.session_state.get(state_keys.LANG, "en")))
    if not again:
        slot.caption(made)
        return
    line = slot.container(horizontal=True, gap="xsmall", vertical_alignment="center")
    line.caption(made, width="content")
    line.button(
        t("prepared.again"),
        key=f"{file.key}-again",
        type="tertiary",
        icon=":material/refresh:",
        help=t("prepared.again_help"),
        on_click=make,
        args=(file, kept.signature, True),
    )


def make(file: FileOffer, signature: Hashable, anew: bool = False) -> None:
    """The file, kept for the next runs; or why not, said by the next run. A make button shows only while no file
    of this view is held, so a click finding one is the second half of a double click: nothing more is made (or
    audited). "Make again" passes `anew`."""
    held = prepared()
    kept = held.get(file.key)
    if not anew and isinstance(kept, PreparedFile) and kept.signature == signature:
        return
    try:
        made = file.make()
    except (Unavailable, NotAuthorised, NotFound) as exc:
        held[file.key] = next(key for kind, key in REFUSALS if isinstance(exc, kind))
        return
    if made is None:
        held.pop(file.key, None)
        return
    name, data = made
    held[file.key] = PreparedFile(signature, datetime.now(UTC), name, data)


def prepared() -> dict[str, PreparedFile | str]:
    return st.session_state.setdefault(state_keys.PREPARED_FILES, {})


def local(moment: datetime) -> datetime:
    """The moment on the browser's clock (UTC when the browser did not say, or said something unknown)."""
    try:
        return moment.astimezone(ZoneInfo(st.context.timezone or "UTC"))
    except (KeyError, ValueError):
        return moment
