"""Package layout that pyproject.toml cannot express: the shipped templates and sample
dossiers stay at the repository's top level (templates/, fixtures/) and are installed
inside the package as docgen/templates/ and docgen/fixtures/, where docgen.resources
finds them. Everything else is in pyproject.toml."""

from setuptools import find_packages, setup

#: Installed package -> folder of the repository it is built from.
SHIPPED = {"docgen.templates": "templates", "docgen.fixtures": "fixtures"}

setup(packages=[*find_packages(include=["docgen", "docgen.*"]), *SHIPPED],
      package_dir=SHIPPED)
