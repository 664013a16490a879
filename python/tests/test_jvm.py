"""Finding the JDK and the jars: the launcher's search order, and one clear RuntimeError naming
what was looked for when something is missing."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from segopt import _jvm

JDK25 = Path("/usr/lib/jvm/temurin-25-jdk-amd64")


def fake_jdk(root, name, version, libjvm=True):
    home = root / name
    (home / "lib" / "server").mkdir(parents=True)
    (home / "release").write_text(f'IMPLEMENTOR="test"\nJAVA_VERSION="{version}"\n')
    if libjvm:
        (home / "lib" / "server" / "libjvm.so").write_bytes(b"")
    return home


def test_no_jdk_names_every_place_looked_at(tmp_path):
    old = fake_jdk(tmp_path, "java-17-openjdk", "17.0.2")
    environ = {"JAVA_HOME": str(old), "PATH": str(tmp_path / "empty")}
    with pytest.raises(RuntimeError) as raised:
        _jvm.java_home(environ, jvm_root=str(tmp_path))
    message = str(raised.value)
    assert "no JDK 25 or newer found" in message
    for part in ["SEGOPT_JAVA_HOME (not set)", f"JAVA_HOME={old} (Java 17)", "java on PATH (none)",
                 f"{old} (Java 17)", "install one or set SEGOPT_JAVA_HOME"]:
        assert part in message, part


def test_search_order_skips_old_jdks(tmp_path):
    old = fake_jdk(tmp_path, "java-17-openjdk", "17.0.2")
    fake_jdk(tmp_path, "zulu-26", "26", libjvm=False)
    new = fake_jdk(tmp_path, "temurin-25-jdk", "25.0.1")
    assert _jvm.java_home({"JAVA_HOME": str(old), "PATH": ""}, jvm_root=str(tmp_path)) == new


def test_java_home_wins_over_installed_jdks(tmp_path):
    fake_jdk(tmp_path, "temurin-25-jdk", "25.0.1")
    chosen = fake_jdk(tmp_path / "other", "jdk", "26")
    assert _jvm.java_home({"JAVA_HOME": str(chosen), "PATH": ""}, jvm_root=str(tmp_path)) == chosen


def test_java_on_path_is_followed_to_its_home(tmp_path):
    home = fake_jdk(tmp_path / "opt", "jdk", "25")
    (home / "bin").mkdir()
    (home / "bin" / "java").write_text("#!/bin/sh\n")
    (home / "bin" / "java").chmod(0o755)
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "java").symlink_to(home / "bin" / "java")
    assert _jvm.java_home({"PATH": str(tmp_path / "bin")}, jvm_root=str(tmp_path / "none")) == home


def test_segopt_java_home_must_be_a_jdk_25(tmp_path):
    old = fake_jdk(tmp_path, "jdk17", "17")
    fake_jdk(tmp_path, "temurin-25-jdk", "25")
    with pytest.raises(RuntimeError, match=f"SEGOPT_JAVA_HOME={old} is not a JDK 25 or newer \\(Java 17\\)"):
        _jvm.java_home({"SEGOPT_JAVA_HOME": str(old)}, jvm_root=str(tmp_path))
    with pytest.raises(RuntimeError, match="no JDK there"):
        _jvm.java_home({"SEGOPT_JAVA_HOME": str(tmp_path / "nothing")}, jvm_root=str(tmp_path))


def test_missing_jdk_is_one_runtime_error_at_the_first_call():
    """In a fresh process: the first call raises the RuntimeError, nothing else."""
    script = ("import numpy, segopt\n"
              "try:\n    segopt.analyze(numpy.zeros(2, numpy.float32))\n"
              "except RuntimeError as e:\n    print('RuntimeError:', e)\n")
    env = dict(os.environ, SEGOPT_JAVA_HOME="/nonexistent/jdk", PYTHONPATH=str(Path(_jvm.__file__).parents[1]))
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == ("RuntimeError: segopt: SEGOPT_JAVA_HOME=/nonexistent/jdk is not a JDK 25 or newer "
                                  "(no JDK there)")


def test_classpath_override_and_missing_jars(tmp_path):
    jar = tmp_path / "a.jar"
    jar.write_bytes(b"")
    assert _jvm.class_path({"SEGOPT_CLASSPATH": str(jar)}) == [jar]
    with pytest.raises(RuntimeError, match="SEGOPT_CLASSPATH names missing files: .*b.jar"):
        _jvm.class_path({"SEGOPT_CLASSPATH": os.pathsep.join([str(jar), str(tmp_path / "b.jar")])})
    package = tmp_path / "checkout" / "python" / "src" / "segopt"
    package.mkdir(parents=True)
    with pytest.raises(RuntimeError) as raised:
        _jvm.class_path({}, package)
    message = str(raised.value)
    assert str(tmp_path / "checkout" / "core" / "target" / "segopt-core.jar") in message
    assert str(package / "jars" / "segopt-gpu-kernels.jar") in message
    assert f"`{_jvm.BUILD_COMMAND}`" in message


def test_bundled_jars_come_first(tmp_path):
    package = tmp_path / "site-packages" / "x" / "segopt"
    (package / "jars").mkdir(parents=True)
    for name in ("segopt-core.jar", "segopt-gpu-kernels.jar"):
        (package / "jars" / name).write_bytes(b"")
    assert _jvm.class_path({}, package) == [package / "jars" / "segopt-core.jar",
                                            package / "jars" / "segopt-gpu-kernels.jar"]


@pytest.mark.skipif(not JDK25.is_dir(), reason="needs the development machine's JDK 25")
def test_started_jvm_is_25_with_the_vector_module():
    from conftest import java
    j = java()
    runtime = j.jpype.JClass("java.lang.Runtime")
    assert runtime.version().feature() >= 25
    modules = j.jpype.JClass("java.lang.ModuleLayer").boot()
    assert modules.findModule("jdk.incubator.vector").isPresent()
    arguments = j.jpype.JClass("java.lang.management.ManagementFactory").getRuntimeMXBean().getInputArguments()
    assert set(_jvm.JVM_FLAGS) <= {str(a) for a in arguments}


def test_a_jvm_started_elsewhere_without_the_jars_is_named():
    script = ("import jpype, numpy, segopt, segopt._jvm as jvm\n"
              "jpype.startJVM(str(jvm._libjvm(jvm.java_home())), classpath=[jvm.DEBIAN_JPYPE_JAR])\n"
              "try:\n    segopt.analyze(numpy.zeros(2, numpy.float32))\n"
              "except RuntimeError as e:\n    print(e)\n")
    env = dict(os.environ, PYTHONPATH=str(Path(_jvm.__file__).parents[1]))
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("segopt: JPype's JVM was started without segopt's jars")
