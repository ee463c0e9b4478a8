"""`core` stands under every app: its foundations import no other Bagalau app.

Every app imports `core` (User, audit, DomainError, bulk SQL); were `core` to import them at
module level, loading any app would load all of them (the demo and `generate` commands did,
before they moved to `bagalau/demo`). The web layer that `core` still hosts — the home
dashboard and token pages (`views`, `forms`), the sign-in throttle (`signin`), the menu's
bodies (`context_processors`) and `verify_audit` (which walks each body's chain) — reads
from other apps; those imports are listed here, and no new one may appear. Nothing but
`bagalau.demo` itself imports `bagalau.demo`.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # bagalau/
CORE = ROOT / "core"

# module (relative to core) → the other apps it imports at module level
WEB_LAYER = {
    "forms.py": {"api"},
    "signin.py": {"api"},
    "views.py": {"api", "org"},
    "management/commands/verify_audit.py": {"org"},
}


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """The Bagalau apps `path` imports: (at module level, inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top: set[str] = set()
    nested: set[str] = set()
    toplevel = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        apps = {n.split(".")[1] for n in names if n.startswith("bagalau.") and n.count(".") >= 1}
        (top if id(node) in toplevel else nested).update(apps)
    return top, nested


def _core_modules() -> list[Path]:
    return [
        p
        for p in sorted(CORE.rglob("*.py"))
        if "tests" not in p.parts and "migrations" not in p.parts
    ]


def test_core_imports_no_other_app_at_module_level_but_its_web_layer():
    found = {}
    for path in _core_modules():
        top, _nested = _imports(path)
        others = top - {"core"}
        if others:
            found[path.relative_to(CORE).as_posix()] = others
    assert found == WEB_LAYER


def test_no_app_imports_the_demo():
    """Only tests (which build the demo) and the demo app itself import `bagalau.demo`."""
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] == "demo" or "tests" in parts:
            continue
        top, nested = _imports(path)
        assert "demo" not in top | nested, path
