#!/usr/bin/env python3
"""How long `servicebook serve` takes to rebuild after each kind of edit (no browser).

Usage: serve_edits.py SERVICEBOOK CONTENT   (a book made by bookgen; run by bench/run.sh)

Starts `serve --verbose` on a free port, listens to its event stream, and makes each kind of
edit three times, 2.5 seconds apart (so that the search index, rebuilt after edits pause, is
not running): prints the server's own rebuild time and the time from the save to the reload
event (or, for an edit that breaks the book, to the problems event). Every edit is undone.
"""
import re
import sys
import time
from pathlib import Path

from serving import Serving


def main():
    tool, content = sys.argv[1], Path(sys.argv[2])
    step = content / "steps/group-0/step-0.md"
    journey = content / "journeys/journey-0.md"
    role = content / "roles/role-160.md"            # linked from about a hundred pages at 10,000
    if not role.exists():
        role = content / "roles/role-1.md"
    new_page = content / "pages/new-page.md"
    originals = {path: path.read_text(encoding="utf-8") for path in (step, journey, role)}
    server = Serving(tool, content)
    time.sleep(3)

    def sub(path, pattern, replacement):
        return lambda: path.write_text(re.sub(pattern, replacement, originals[path], count=1, flags=re.M), encoding="utf-8")

    def restore(*paths):
        return lambda: [path.write_text(originals[path], encoding="utf-8") for path in paths]

    kinds = [
        ("a body's text", sub(step, r"\Z", "\nЕщё один абзац.\n")),
        ("a title", sub(step, r"^title: .*$", "title: Новое название")),
        ("a new reference (participants)", sub(step, r"^participants: \[(.*)\]$", r"participants: [\1, role-7]")),
        ("a journey's steps reordered", sub(journey, r"steps: \[step-0, step-1,", "steps: [step-1, step-0,")),
        ("a heading renamed (≈100 pages link to the page)", sub(role, r"^## Советы$", "## Советы и приёмы")),
        ("a link added", sub(step, r"\Z", "\nСм. [роль](../../roles/role-161.md).\n")),
        ("broken YAML (the overlay)", sub(step, r"^title: .*$", "title: [")),
        ("a new file", lambda: new_page.write_text("---\ntitle: Новая страница\nsummary: Проверка.\n---\nТекст.\n", encoding="utf-8")),
    ]
    try:
        print(f"  {'edit':<50} {'rebuild (server)':>18} {'save → event':>14}")
        for name, edit in kinds:
            rebuilds, delays = [], []
            for _ in range(3):
                rebuild, delay = server.after(edit)
                rebuilds.append(rebuild)
                delays.append(delay)
                time.sleep(2.5)
                server.after(new_page.unlink if name == "a new file" else restore(step, journey, role))
                time.sleep(2.5)
            ms = lambda xs: "–".join(f"{x * 1000:.0f}" for x in (min(xs), max(xs)))
            print(f"  {name:<50} {ms(rebuilds) + ' ms':>18} {ms(delays) + ' ms':>14}")
    finally:
        server.stop()
        restore(step, journey, role)()
        if new_page.exists():
            new_page.unlink()


if __name__ == "__main__":
    main()
