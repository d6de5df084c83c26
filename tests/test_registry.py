"""Registries discover their entries: one new module in the package, no edit elsewhere, imported on first lookup."""

from __future__ import annotations

import sys
import textwrap

import pytest

from sim.registry import Registry


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A throw-away package ``zz_plugins`` on sys.path, with a registry for its modules to fill."""
    root = tmp_path / "zz_plugins"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "base.py").write_text("from sim.registry import Registry\nREGISTRY = Registry('plugin', 'zz_plugins')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield root
    for name in [m for m in sys.modules if m == "zz_plugins" or m.startswith("zz_plugins.")]:
        del sys.modules[name]


def add(root, name, body):
    (root / f"{name}.py").write_text(textwrap.dedent(body))


def test_a_new_module_is_found_on_first_lookup_and_not_before(package):
    add(
        package,
        "alpha",
        "from zz_plugins.base import REGISTRY\n\n@REGISTRY.register('alpha')\ndef alpha():\n    return 1\n",
    )
    add(
        package,
        "beta",
        "from zz_plugins.base import REGISTRY\n\n@REGISTRY.register('beta')\ndef beta():\n    return 2\n",
    )
    from zz_plugins.base import REGISTRY

    assert "zz_plugins.alpha" not in sys.modules  # nothing imported at start-up
    assert REGISTRY["beta"]() == 2 and REGISTRY.names() == ["alpha", "beta"]
    assert "zz_plugins.alpha" in sys.modules


def test_a_broken_module_keeps_failing_loudly(package):
    add(package, "good", "from zz_plugins.base import REGISTRY\nREGISTRY.register('good')(object)\n")
    add(package, "broken", "raise RuntimeError('a bug in a plugin')\n")
    from zz_plugins.base import REGISTRY

    for _ in range(2):  # not "unknown plugin" the second time
        with pytest.raises(RuntimeError, match="a bug in a plugin"):
            REGISTRY["good"]


def test_unknown_names_say_what_is_known():
    reg: Registry[int] = Registry("colour", package=None)
    reg.register("red")(1)
    reg.register("green")(2)
    with pytest.raises(KeyError, match=r"unknown colour 'gren' .did you mean 'green'.*known: green, red"):
        reg["gren"]
    with pytest.raises(ValueError, match="already registered"):
        reg.register("red")(3)
