"""Two actions at once, made to overlap on purpose: the first is held half-way (inside its
transaction) while the second runs. A lock makes the second wait out the hold; without one, the
second runs to its end inside the first's window."""

from __future__ import annotations

import threading

HOLD_S = 1.5


def hold_first_call(monkeypatch, module, name: str):
    """Replace module.name: its first call, once done, waits (up to HOLD_S) until `other_done` is set.
    Returns (first_is_held, other_done)."""
    first_is_held, other_done = threading.Event(), threading.Event()
    original, calls = getattr(module, name), []

    def held(*args, **kwargs):
        calls.append(1)
        result = original(*args, **kwargs)
        if len(calls) == 1:
            first_is_held.set()
            other_done.wait(timeout=HOLD_S)  # times out when the other action waits for this one
        return result

    monkeypatch.setattr(module, name, held)
    return first_is_held, other_done


def in_background(action):
    """Start `action` in a thread; joining returns what it returned (or raises what it raised)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = action()
        except Exception as exc:  # raised again by join()
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()

    def join():
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    return join
