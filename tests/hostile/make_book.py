#!/usr/bin/env python3
"""Writes a service book whose every front-matter string and every body carries hostile
content: HTML, attribute-breaking quotes, javascript: and data: URLs, </script>, Unicode
direction overrides and very long strings. Every payload that could run sets window.__pwned,
so a browser can tell whether any did.

Usage: make_book.py CONTENT_FOLDER
"""
import json
import sys
from pathlib import Path

PAY = ('<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
       '" onmouseover="window.__pwned=3" x=\' y=\'<svg onload=window.__pwned=4>'
       ' javascript:window.__pwned=5 data:text/html,<script>window.__pwned=6</script> </script>'
       ' \u202eтекст\u202c \u2066изоляция\u2069 &amp; &lt;b&gt; {{x}} {{{y}}} взлом')
LONG = 'Оченьдлинноеслово' * 3000 + ' ' + 'длинный текст ' * 4000

BODY = f"""
## {PAY}

Текст {PAY}

[ссылка](javascript:window.__pwned=7) [data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD04PC9zY3JpcHQ+)
[пробел]( javascript:window.__pwned=9) [регистр](JaVaScRiPt:window.__pwned=10) [vb](vbscript:msgbox)
<javascript:window.__pwned=11> ![картинка](javascript:window.__pwned=12) ![data](data:image/svg+xml,<svg onload=window.__pwned=13>)
<a href="javascript:window.__pwned=14">a</a> <iframe src="javascript:window.__pwned=15"></iframe>
<style>body{{background:url(javascript:window.__pwned=16)}}</style> <base href="javascript:/">
<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=17">
<form action="javascript:window.__pwned=18"><button formaction="javascript:window.__pwned=19">x</button></form>

| {PAY} | `<script>window.__pwned=20</script>` |
|---|---|
| <b onclick="window.__pwned=21">ячейка</b> | [x](&#106;avascript:window.__pwned=22) |

```html
<script>window.__pwned=23</script>
```
"""


def q(text):
    return json.dumps(text, ensure_ascii=False)


def write(root, path, fields, body=BODY):
    lines = ["---"] + [f"{key}: {value}" for key, value in fields] + ["---", body]
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text("\n".join(lines), encoding="utf-8")


def main():
    root = Path(sys.argv[1])
    p = q(PAY)
    (root).mkdir(parents=True, exist_ok=True)
    (root / "book.yml").write_text(
        f"title: {p}\norganization: {p}\ndescription: {p}\nedition: {p}\nlanguage: ru\n"
        f"edit_url: \"javascript:window.__pwned=30//{{path}}\"\n", encoding="utf-8")
    write(root, "roles/manager.md", [("title", p), ("summary", p), ("tags", f"[{p}, {p}]")])
    write(root, "roles/long.md", [("title", q(LONG[:5000])), ("summary", q(LONG))], body=LONG)
    write(root, "scripts/call.md", [("title", p), ("summary", p), ("channel", p),
                                    ("phrases", f"\n  - avoid: {p}\n    say: {p}\n  - avoid: {q(LONG)}\n    say: {p}")])
    write(root, "standards/phone.md", [("title", p), ("summary", p), ("category", p), ("applies_to", "[manager]"),
                                       ("checks", f"\n  - text: {p}\n    weight: 2\n  - text: {p}\n    critical: true")])
    write(root, "situations/angry.md", [("title", p), ("summary", p), ("responsible", "manager"), ("script", "call"),
                                        ("escalation", "manager"), ("channel", p), ("severity", "high"),
                                        ("standards", "[phone]"), ("tags", f"[{p}]")])
    write(root, "steps/greeting.md", [("title", p), ("summary", p), ("responsible", "manager"), ("participants", "[long]"),
                                      ("script", "call"), ("standards", "[phone]"), ("situations", "[angry]"),
                                      ("channel", p), ("timing", p), ("tags", f"[{p}]")])
    write(root, "journeys/sale.md", [("title", p), ("summary", p),
                                     ("stages", f"\n  - id: first\n    title: {p}\n    summary: {p}\n    steps: [greeting]")])
    write(root, "glossary/term.md", [("title", p), ("summary", p), ("aliases", f"[{p}, {q('взлом')}]")])
    write(root, "pages/intro.md", [("title", p), ("summary", p), ("order", "1")])


if __name__ == "__main__":
    main()
