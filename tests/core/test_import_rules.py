"""How Assure's modules may depend on each other, read from the source (no Django needed):

- no import cycle among the modules of ``assure/`` (imports run when a module loads: module and class level);
- only the notification module imports ``django.core.mail``, so every email goes after commit through the queue;
- apps use each other only through ``services`` and ``selectors``; ``core`` uses no other app.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "assure"
NOTIFICATION_MODULE = "assure.core.notify"
SHARED_MODULES = {"services", "selectors"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(path: Path, *, load_time_only: bool) -> list[ast.Import | ast.ImportFrom]:
    """The import statements of a module; with ``load_time_only``, not those inside functions (run when called)
    nor those under ``if TYPE_CHECKING:``."""
    found = []

    def visit(nodes):
        for node in nodes:
            if load_time_only and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if load_time_only and isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse)
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.append(node)
            visit(ast.iter_child_nodes(node))

    visit(ast.parse(path.read_text()).body)
    return found


def _imported_names(name: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The dotted names a statement imports, relative imports resolved: ``from . import services`` in
    ``assure.audits.views`` imports ``assure.audits.services``."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    base = node.module or ""
    if node.level:
        package = name.split(".") if MODULES[name].name == "__init__.py" else name.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join(package + ([node.module] if node.module else []))
    names = set()
    for alias in node.names:
        candidate = f"{base}.{alias.name}"
        if candidate in MODULES:
            names.add(candidate)
        elif base in MODULES:
            names.add(base)
        else:
            # Outside Assure the imported name may be a module (``from django.core import mail``) or not.
            names |= {base, candidate}
    return names


def _load_time_graph() -> dict[str, set[str]]:
    return {
        name: {
            imported
            for node in _imports(path, load_time_only=True)
            for imported in _imported_names(name, node)
            if imported in MODULES and imported != name
        }
        for name, path in MODULES.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each a cycle or several."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def connect(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph[module]):
            if imported not in index:
                connect(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            connect(module)
    return components


def _app_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 2 and (PACKAGE / parts[1] / "apps.py").exists() else None


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_modules_import_each_other_in_a_cycle():
    assert _cycles(_load_time_graph()) == []


def test_only_the_notification_module_imports_django_mail():
    offenders = sorted(
        name
        for name, path in MODULES.items()
        if name != NOTIFICATION_MODULE
        for node in _imports(path, load_time_only=False)
        for imported in _imported_names(name, node)
        if imported == "django.core.mail" or imported.startswith("django.core.mail.")
    )
    assert offenders == []


def test_apps_use_each_other_only_through_services_and_selectors():
    offenders = []
    for name, path in MODULES.items():
        app = _app_of(name)
        if app is None or ".migrations." in name:
            continue
        for node in _imports(path, load_time_only=False):
            for imported in _imported_names(name, node):
                other = _app_of(imported) if imported.startswith("assure.") else None
                if other in (None, app) or (other == "core" and app != "core"):
                    continue
                module = imported.split(".")[2] if imported.count(".") >= 2 else ""
                if app == "core" or module not in SHARED_MODULES:
                    offenders.append(f"{name} imports {imported}")
    assert offenders == []
