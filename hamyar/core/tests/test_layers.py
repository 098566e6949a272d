"""The apps point one way: each imports only from the layers below it, and no two files import each other.

The import graph is read from the production source (every `import`, at module level or inside a
function, and under TYPE_CHECKING too), so a lazy import cannot hide an upward dependency.
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

from django.conf import settings

PACKAGE = Path(__file__).resolve().parents[2]  # hamyar/
ASSEMBLY = {"api", "urls", "wsgi", "settings", "asgi"}  # hamyar/*.py and settings: on top of every app


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _targets(module: str, path: Path, node: ast.AST, modules: dict[str, Path]) -> list[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        assert isinstance(node, ast.ImportFrom)
        base = node.module or ""
        if node.level:
            package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join(package + ([node.module] if node.module else []))
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                 for alias in node.names]
    resolved = []
    for name in names:
        while name and name not in modules and "." in name:
            name = name.rsplit(".", 1)[0]
        if name in modules and name != module:
            resolved.append(name)
    return resolved


def import_graph() -> dict[str, set[str]]:
    """Module → the project's modules it imports."""
    modules = _modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                graph[module].update(_targets(module, path, node, modules))
        graph.setdefault(module, set())
    return graph


def layer_of(module: str) -> int | None:
    """The layer of the module's app (0 is the bottom); None for the assembly modules on top."""
    parts = module.split(".")
    if len(parts) < 2 or parts[1] in ASSEMBLY:
        return None
    for level, apps in enumerate(settings.HAMYAR_LAYERS):
        if parts[1] in apps:
            return level
    raise AssertionError(f"{module} belongs to no layer of settings.HAMYAR_LAYERS")


def app_of(module: str) -> str:
    return module.split(".")[1] if "." in module else module


def wrong_way(graph: dict[str, set[str]]) -> list[str]:
    """Imports that go up a layer, sideways to a sibling app, or into an assembly module."""
    found = []
    for source, targets in graph.items():
        here = layer_of(source)
        for target in targets:
            there = layer_of(target)
            if here is None or app_of(source) == app_of(target):
                continue
            if there is None or there >= here:
                found.append(f"{source} → {target}")
    return sorted(found)


def file_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one file (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    cycles.append(sorted(group))
    return cycles


def test_every_app_of_the_project_has_a_layer():
    apps = {path.parent.name for path in PACKAGE.glob("*/apps.py")}
    declared = {app for layer in settings.HAMYAR_LAYERS for app in layer}
    assert apps == declared


def test_no_import_goes_up_or_sideways_between_apps():
    assert wrong_way(import_graph()) == []


def test_no_two_files_import_each_other():
    assert file_cycles(import_graph()) == []


def test_the_checks_see_an_upward_import_and_a_cycle():
    graph = {"hamyar.core.a": {"hamyar.web.b"}, "hamyar.web.b": {"hamyar.core.a"},
             "hamyar.needs.c": {"hamyar.projects.d"}, "hamyar.projects.d": set()}
    assert wrong_way(graph) == ["hamyar.core.a → hamyar.web.b", "hamyar.needs.c → hamyar.projects.d"]
    assert file_cycles(graph) == [["hamyar.core.a", "hamyar.web.b"]]


def _template_libraries() -> dict[str, str]:
    """Template tag library name → its app."""
    return {path.stem: path.parent.parent.name for path in PACKAGE.glob("*/templatetags/*.py")
            if path.stem != "__init__"}


def wrong_way_templates() -> list[str]:
    """Templates that load a tag library of a higher app. The shell (`web`) is every page's layout, so its
    libraries serve every app's templates; no other library serves a lower app."""
    libraries = _template_libraries()
    levels = {app: level for level, apps in enumerate(settings.HAMYAR_LAYERS) for app in apps}
    shell = settings.HAMYAR_LAYERS[-1]
    found = []
    for template in sorted(PACKAGE.glob("*/templates/**/*.html")):
        app = template.relative_to(PACKAGE).parts[0]
        for load in re.findall(r"{%\s*load\s+([^%]+?)\s*%}", template.read_text(encoding="utf-8")):
            for library in load.split():
                owner = libraries.get(library)
                if owner and owner != app and owner not in shell and levels[owner] > levels[app]:
                    found.append(f"{template.relative_to(PACKAGE)} loads {library} of {owner}")
    return found


def test_no_template_loads_tags_of_a_higher_app():
    assert wrong_way_templates() == []
