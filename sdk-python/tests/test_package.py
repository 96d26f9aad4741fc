"""What the package promises beyond behaviour: Python 3.9 syntax, the py.typed marker, one version."""

import ast
import os
import re
import unittest

import mpesa_bridge

PACKAGE_DIR = os.path.dirname(mpesa_bridge.__file__)
ROOT = os.path.dirname(os.path.dirname(PACKAGE_DIR))


class PackageTest(unittest.TestCase):
    def test_when_parsed_as_python_3_9_then_every_module_is_valid(self) -> None:
        for name in sorted(os.listdir(PACKAGE_DIR)):
            if name.endswith(".py"):
                with open(os.path.join(PACKAGE_DIR, name), encoding="utf-8") as source:
                    ast.parse(source.read(), filename=name, feature_version=(3, 9))

    def test_when_installed_then_type_checkers_see_the_types(self) -> None:
        self.assertTrue(os.path.exists(os.path.join(PACKAGE_DIR, "py.typed")))

    def test_when_released_then_pyproject_and_the_module_carry_one_version(self) -> None:
        with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as pyproject:
            declared = re.search(r'^version = "([^"]+)"', pyproject.read(), re.M)
        assert declared is not None
        self.assertEqual(declared.group(1), mpesa_bridge.__version__)
