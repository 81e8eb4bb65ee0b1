"""Every test checks something: an ``assert``, an expected exception, or a wait on a condition.

A test that only runs code passes whatever the code does, so it proves nothing and
hides the gap. This reads the test suite's source (no test is run) and lists every
test function that contains none of these checks, directly, in a function it
defines inside itself, in a helper of ``tests/`` it calls or passes on, or in a
fixture it requests:
(a fixture counts only with a check after its ``yield``, in the tear-down: an
assert in its set-up checks the set-up, not the test)
- an ``assert`` statement, ``raise AssertionError``;
- ``pytest.raises``, ``pytest.warns``, ``pytest.deprecated_call``, ``pytest.fail``;
- ``qtbot.waitSignal(s)``, ``waitUntil``, ``waitCallback``, ``waitExposed``,
  ``waitActive``, ``assertNotEmitted`` (each raises when its condition is not met);
  ``qtbot.wait`` alone is a pause, not a check;
- schemathesis' ``call_and_validate`` (raises when a response breaks the published API).

Why the source and not the run: pytest reports passed assertions through
``pytest_assertion_pass`` only for rewritten modules, so asserts in the helper
modules of ``tests/`` (drivers, fault proxies, bounded runners) would not count
unless each were registered before its import, and expected exceptions and Qt waits
pass no hook at all. Reading the source sees all of them, costs a second, and names
the test and its line.

A helper counts through its name: a call or reference resolved in the test's module
(its own definitions and what it imports from ``tests``), and a method call
``x.name(...)`` when a class in ``tests/`` defines a checking method of that name.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

PYTEST_CHECKS = frozenset({"raises", "warns", "deprecated_call", "fail"})
WAIT_CHECKS = frozenset(
    {
        "waitSignal",
        "waitSignals",
        "waitUntil",
        "waitCallback",
        "waitExposed",
        "waitActive",
        "assertNotEmitted",
    }
)
OTHER_CHECKS = frozenset({"call_and_validate"})

Key = tuple[str, str]  # (module, qualified name); module "*" holds methods by name


@dataclass
class Function:
    """One function or method of the test tree, and what it checks or refers to."""

    key: Key
    path: Path
    node: ast.FunctionDef | ast.AsyncFunctionDef
    direct: bool
    refs: set[Key] = field(default_factory=set)
    is_fixture: bool = False


def is_check(node: ast.AST) -> bool:
    """True when *node* itself checks something (see the module docstring)."""
    if isinstance(node, ast.Assert):
        return True
    if isinstance(node, ast.Raise) and node.exc is not None:
        target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        return isinstance(target, ast.Name) and target.id == "AssertionError"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        attr, owner = node.func.attr, node.func.value
        if attr in WAIT_CHECKS or attr in OTHER_CHECKS:
            return True
        return attr in PYTEST_CHECKS and isinstance(owner, ast.Name) and owner.id == "pytest"
    return False


def is_fixture(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr == "fixture":
            return True
        if isinstance(target, ast.Name) and target.id == "fixture":
            return True
    return False


class Tree:
    """The functions of a set of modules, each resolved to what it checks."""

    def __init__(self, modules: Mapping[str, tuple[Path, str]]) -> None:
        self.functions: dict[Key, Function] = {}
        self.tests: list[Function] = []
        self.fixtures: dict[str, list[Function]] = {}
        self.checking: set[Key] = set()
        for module, (path, source) in modules.items():
            self._read_module(module, path, ast.parse(source, str(path)))
        self._settle()

    # reading -----------------------------------------------------------
    def _read_module(self, module: str, path: Path, tree: ast.Module) -> None:
        imports = module_imports(module, tree)
        is_test_file = path.name.startswith("test_")
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found = self._add(module, node.name, path, node, imports)
                if is_test_file and node.name.startswith("test"):
                    self.tests.append(found)
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        found = self._add(module, f"{node.name}.{item.name}", path, item, imports)
                        if (
                            is_test_file
                            and node.name.startswith("Test")
                            and item.name.startswith("test")
                        ):
                            self.tests.append(found)

    def _add(
        self,
        module: str,
        qualname: str,
        path: Path,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        imports: dict[str, Key],
    ) -> Function:
        body = [n for stmt in node.body for n in ast.walk(stmt)]
        fixture = is_fixture(node)
        if fixture:  # an assert before the yield checks the set-up, not the test
            yields = [n.lineno for n in body if isinstance(n, ast.Yield | ast.YieldFrom)]
            after = min(yields, default=node.end_lineno or node.lineno)
            body = [n for n in body if isinstance(n, ast.stmt | ast.expr) and n.lineno > after]
        function = Function(
            key=(module, qualname),
            path=path,
            node=node,
            direct=any(is_check(n) for n in body),
            is_fixture=fixture,
        )
        for n in body:
            if isinstance(n, ast.Name):
                function.refs.add(imports.get(n.id, (module, n.id)))
            elif isinstance(n, ast.Attribute):
                owner = n.value
                if isinstance(owner, ast.Name) and owner.id in imports:
                    imported_module, name = imports[owner.id]
                    function.refs.add((f"{imported_module}.{name}", n.attr))
                function.refs.add(("*", n.attr))
        for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
            function.refs.add(("fixture", arg.arg))
        self.functions[function.key] = function
        if function.is_fixture:
            self.fixtures.setdefault(node.name, []).append(function)
        return function

    # resolving -----------------------------------------------------------
    def _settle(self) -> None:
        """Mark every function that reaches a check, until nothing changes."""
        checking = self.checking
        changed = True
        while changed:
            changed = False
            for key, function in self.functions.items():
                if key in checking:
                    continue
                if function.direct or any(self._reaches(ref, checking) for ref in function.refs):
                    checking.add(key)
                    if "." in key[1]:  # a method: any call of that name may be this one
                        checking.add(("*", key[1].rsplit(".", 1)[-1]))
                    changed = True

    def _reaches(self, ref: Key, checking: set[Key]) -> bool:
        if ref[0] == "fixture":
            return any(f.key in checking for f in self.fixtures.get(ref[1], []))
        target = self.functions.get(ref)
        if target is not None and target.is_fixture:
            return False  # a parameter named like a fixture is its value, not a call
        return ref in checking

    def unchecked(self) -> Iterator[Function]:
        for test in self.tests:
            if test.key not in self.checking:
                yield test


def module_imports(module: str, tree: ast.Module) -> dict[str, Key]:
    """Local name -> (module, name) for everything imported (relative imports resolved)."""
    package = module.rsplit(".", 1)[0]
    out: dict[str, Key] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                source = f"{base}.{source}" if source else base
            for alias in node.names:
                out[alias.asname or alias.name] = (source, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    parent, _, name = alias.name.rpartition(".")
                    out[alias.asname] = (parent, name)
    return out


def read_test_tree(root: Path = TESTS) -> Tree:
    """The whole ``tests/`` package as modules named the way it imports them."""
    modules: dict[str, tuple[Path, str]] = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = (path, path.read_text(encoding="utf-8"))
    return Tree(modules)


# ------------------------------------------------------------------ the check


def test_every_test_in_the_suite_checks_something() -> None:
    tree = read_test_tree()
    assert len(tree.tests) > 100, "the test tree was not found"
    unchecked = [
        f"{t.path.relative_to(TESTS.parent)}:{t.node.lineno} {t.key[1]}" for t in tree.unchecked()
    ]
    assert not unchecked, "tests that check nothing:\n" + "\n".join(unchecked)


# ------------------------------------------------------------------ what the check sees

HELPERS = """
import pytest

def expect_one(value):
    assert value == 1

def passes_on(value):
    expect_one(value)

def prints(value):
    print(value)

class Driver:
    def tap(self, name):
        assert name

@pytest.fixture
def checked_setup():
    yield 1
    assert True

@pytest.fixture
def asserted_value():
    value = 1
    assert value
    return value
"""

CASES = [
    # (body of test_case, does it check something?)
    ("assert 1 + 1 == 2", True),
    ("print(1 + 1)", False),
    ("with pytest.raises(ValueError):\n        int('x')", True),
    ("pytest.fail('unreachable')", True),
    ("raise AssertionError('no')", True),
    ("qtbot.waitUntil(lambda: True)", True),
    ("qtbot.wait(100)", False),
    ("with qtbot.waitSignal(widget.done):\n        widget.go()", True),
    ("case.call_and_validate(base_url='x')", True),
    ("expect_one(1)", True),
    ("passes_on(1)", True),
    ("prints(1)", False),
    ("helpers.expect_one(1)", True),
    ("helpers.prints(1)", False),
    ("Driver().tap('ok')", True),
    ("def inner():\n        assert False\n    inner()", True),
    ("list(map(expect_one, [1]))", True),
]


@pytest.mark.parametrize(("body", "checks"), CASES)
def test_what_counts_as_a_check(body: str, checks: bool) -> None:
    source = (
        "import pytest\nfrom tests.helpers import expect_one, passes_on, prints, Driver\n"
        "from tests import helpers\n\n"
        f"def test_case(qtbot, widget, case):\n    {body}\n"
    )
    tree = Tree(
        {
            "tests.helpers": (Path("tests/helpers.py"), HELPERS),
            "tests.test_sample": (Path("tests/test_sample.py"), source),
        }
    )
    assert [t.key[1] for t in tree.unchecked()] == ([] if checks else ["test_case"])


def test_a_fixture_counts_only_with_a_check_in_its_tear_down() -> None:
    source = (
        "def test_uses(checked_setup):\n    pass\n\n"
        "def test_bare(tmp_path):\n    pass\n\n"
        "def test_set_up_only(asserted_value):\n    print(asserted_value)\n"
    )
    tree = Tree(
        {
            "tests.conftest": (Path("tests/conftest.py"), HELPERS),
            "tests.test_sample": (Path("tests/test_sample.py"), source),
        }
    )
    assert [t.key[1] for t in tree.unchecked()] == ["test_bare", "test_set_up_only"]


def test_methods_of_test_classes_are_tests_and_helpers_are_not() -> None:
    source = (
        "class TestThing:\n    def test_a(self):\n        assert True\n"
        "    def test_b(self):\n        print()\n\n"
        "def helper():\n    print()\n"
    )
    tree = Tree({"tests.test_sample": (Path("tests/test_sample.py"), source)})
    assert [t.key[1] for t in tree.unchecked()] == ["TestThing.test_b"]
