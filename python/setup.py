"""Bundles the engine's built jars into the package (see pyproject.toml for everything else)."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CHECKOUT = Path(__file__).resolve().parent.parent
JARS = ("core/target/segopt-core.jar", "gpu-kernels/target/segopt-gpu-kernels.jar")
BUILD_COMMAND = "mvn -B -ntp -pl core,gpu-kernels -am -DskipTests package"


class BuildWithJars(build_py):
    """Copies the jars of the checkout this package sits in, so that an installed segopt needs no checkout."""

    def run(self):
        super().run()
        missing = [str(CHECKOUT / j) for j in JARS if not (CHECKOUT / j).is_file()]
        if missing:
            raise SystemExit(f"segopt: build the Java engine first with `{BUILD_COMMAND}` in {CHECKOUT} "
                             f"(missing {', '.join(missing)})")
        target = Path(self.build_lib) / "segopt" / "jars"
        target.mkdir(parents=True, exist_ok=True)
        for jar in JARS:
            shutil.copy2(CHECKOUT / jar, target)


setup(cmdclass={"build_py": BuildWithJars})
