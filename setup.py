"""Ships the built-in content folders inside the wheel.

The client fixed the repository layout: forms/, badges/, templates/ and examples/ sit beside
generator/. A wheel can only install packages, so the build copies them into
generator/_content/. An editable install or a checkout reads them where they are
(see generator/content.py).
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CONTENT = ("forms", "badges", "templates", "examples")


class build_py_with_content(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        root = Path(__file__).parent
        target = Path(self.build_lib) / "generator" / "_content"
        for name in CONTENT:
            src = root / name
            if src.is_dir():
                shutil.copytree(src, target / name, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "out"))


setup(cmdclass={"build_py": build_py_with_content})
