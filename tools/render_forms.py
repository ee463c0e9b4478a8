#!/usr/bin/env python3
"""Print every registered official form for a demo object, as the body's head of HR.

Builds nothing itself: run it on a built demo database (the default SQLite db in var/ after
`manage.py demo`, or DATABASE_URL). For each form in the registry it takes the demo object
named by the apps' `tests/demo_pickers.py` (the same pickers the documents tests use), issues
it in kk and ru as PDF and DOCX into --out, and renders page 1 of the kk PDF to PNG with
`pdftoppm` (Debian poppler-utils) into docs/forms/<form>.png.

    python tools/render_forms.py [--out var/forms] [--png docs/forms] [--form KEY ...]

Issuing stores IssuedDocument rows and audit records in that database, as printing does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess  # noqa: S404 - pdftoppm, a fixed program with fixed arguments
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "var" / "forms"))
    parser.add_argument("--png", default=str(ROOT / "docs" / "forms"))
    parser.add_argument("--form", action="append", help="only these forms (repeatable)")
    parser.add_argument("--resolution", type=int, default=80, help="PNG dots per inch")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bagalau.settings")
    import django

    django.setup()
    from bagalau.core.models import User
    from bagalau.documents import registry, services
    from bagalau.documents.tests.pickers import demo_object

    pdftoppm = shutil.which("pdftoppm")
    out, png = Path(args.out), Path(args.png)
    out.mkdir(parents=True, exist_ok=True)
    png.mkdir(parents=True, exist_ok=True)
    failed = 0
    for kind in sorted(registry.all_forms(), key=lambda k: k.key):
        if args.form and kind.key not in args.form:
            continue
        object_id, username = demo_object(kind.key)
        if object_id is None:
            print(f"{kind.key}: no demo object (no picker, or nothing on this demo)")
            failed += 1
            continue
        user = User.objects.get(username=username)
        for language in ("kk", "ru"):
            for fmt in ("pdf", "docx"):
                doc = services.issue(user, kind.key, object_id, language, fmt)
                path = out / f"{kind.key}-{language}.{fmt}"
                path.write_bytes(bytes(doc.content))
                print(f"{kind.key}: {path} ({doc.size} bytes, sha256 {doc.sha256[:12]})")
        if pdftoppm is None:
            print("pdftoppm missing (apt-get install poppler-utils): no PNG")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            prefix = Path(tmp) / "page"
            subprocess.run(  # noqa: S603
                [pdftoppm, "-png", "-r", str(args.resolution), "-f", "1", "-l", "1",
                 "-singlefile", str(out / f"{kind.key}-kk.pdf"), str(prefix)],
                check=True,
            )  # fmt: skip
            target = png / f"{kind.key}.png"
            shutil.copyfile(f"{prefix}.png", target)
            print(f"{kind.key}: {target}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
