"""The README's install lines work offline: a virtual environment over the system's packages,
``pip install --no-build-isolation ./python``, and the installed package (with its bundled jars)
analyses an array from outside the checkout."""
import subprocess
import venv

from conftest import ROOT


def test_pip_install_bundles_the_jars_and_runs(tmp_path):
    venv.create(tmp_path / "env", system_site_packages=True, with_pip=True)
    python = str(tmp_path / "env" / "bin" / "python")
    install = subprocess.run([python, "-m", "pip", "install", "-q", "--no-build-isolation", "--no-index",
                              str(ROOT / "python")], capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stdout + install.stderr
    script = ("import numpy, segopt, segopt._jvm as jvm\n"
              "print(segopt.__file__)\n"
              "print(*jvm.class_path(), sep='\\n')\n"
              "print(segopt.analyze(numpy.array([0.25, 0.75, 1.0], numpy.float32)).dice.threshold_exact)\n")
    run = subprocess.run([python, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    package, core, gpu, tau = run.stdout.split()
    assert package.startswith(str(tmp_path / "env")) and core.startswith(str(tmp_path / "env"))
    assert core.endswith("segopt/jars/segopt-core.jar") and gpu.endswith("segopt/jars/segopt-gpu-kernels.jar")
    assert tau == "7/16"  # M = 2; the top two voxels give Dice 2 * 1.75 / (2 + 2) = 7/8, the most
    assert run.stderr == "", "the JVM's incubator warning is dropped"
