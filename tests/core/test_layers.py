"""Dependencies run one way (DESIGN.md, Layout): accounts ← projects ← timesheets ← payments
← leads, and ``softwaresupp/`` is the ground floor. A module that imports upwards fails here,
so the layers cannot drift back into a cycle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = {"accounts", "projects", "timesheets", "payments", "leads", "onboarding", "surveys"}
# What each app may not import. softwaresupp imports no domain app, except where the whole
# platform is wired together: settings, the root URLconf, and the commands that start and
# seed all of it.
FORBIDDEN = {
    "softwaresupp": DOMAIN_APPS,
    "accounts": DOMAIN_APPS - {"accounts"},
    "projects": DOMAIN_APPS - {"accounts", "projects"},
    "timesheets": DOMAIN_APPS - {"accounts", "projects", "timesheets"},
    # Surveys build on accounts and projects only (DESIGN.md, Layout).
    "surveys": DOMAIN_APPS - {"accounts", "projects", "surveys"},
    # Leads build on everything below them; nothing imports leads.
    "leads": {"onboarding", "surveys"},
    # Onboarding builds on accounts and projects, and on payments' rate rules (DESIGN.md).
    "onboarding": DOMAIN_APPS - {"accounts", "projects", "payments", "onboarding"},
}
WIRING = ("softwaresupp/settings/", "softwaresupp/urls.py", "softwaresupp/management/commands/")


def _imported_apps(path: Path) -> set[str]:
    """Top-level packages imported anywhere in the module, function bodies included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if not relative.startswith(WIRING):
            yield relative, path


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_each_app_imports_only_the_layers_below_it(app):
    wrong = {
        relative: sorted(_imported_apps(path) & FORBIDDEN[app]) for relative, path in _modules(app)
    }
    assert {module: apps for module, apps in wrong.items() if apps} == {}


def test_the_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "selectors.py"
    module.write_text("def hours():\n    from timesheets.models import TimeEntry\n")
    assert _imported_apps(module) & FORBIDDEN["projects"] == {"timesheets"}
