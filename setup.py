"""Package discovery that pyproject.toml cannot express on its own.

``drivers/``, ``simulators/`` and ``schedules/`` live at the top of the repository but install as
``sirenctl.drivers``, ``sirenctl.simulators`` and ``sirenctl.schedules`` (they must not squat
generic top-level names). Metadata and dependencies are in pyproject.toml.
"""

from setuptools import find_packages, setup

MAPPED = {
    "sirenctl.drivers": "drivers",
    "sirenctl.simulators": "simulators",
    "sirenctl.schedules": "schedules",
}

packages = find_packages(include=["sirenctl", "sirenctl.*"])
for name, folder in MAPPED.items():
    packages += [name] + [f"{name}.{sub}" for sub in find_packages(folder)]

setup(packages=packages, package_dir={"sirenctl": "sirenctl", **MAPPED})
