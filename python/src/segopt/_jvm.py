"""Finds a JDK 25 and the engine's jars, and starts the one JVM of the process (through JPype).

The JDK is looked for as the ``segopt`` launcher looks for it: ``SEGOPT_JAVA_HOME`` (which, when
set, must be one), then ``JAVA_HOME``, the ``java`` on ``PATH``, and ``/usr/lib/jvm/temurin-25*``,
``/usr/lib/jvm/*-25*``, ``/usr/lib/jvm/*``; the first of feature version 25 or newer is taken. The
jars are ``SEGOPT_CLASSPATH`` when set, else those ``pip install`` bundled with the package, else
those of the checkout this file lies in.
"""
import glob
import os
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path

#: The JVM options segopt needs (the parent pom's ``segopt.jvm.flags``), in JNI's one-token form.
JVM_FLAGS = ("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED")
#: The command that builds the jars, run in the segopt checkout.
BUILD_COMMAND = "mvn -B -ntp -pl core,gpu-kernels -am -DskipTests package"
JARS = ("core/target/segopt-core.jar", "gpu-kernels/target/segopt-gpu-kernels.jar")
MIN_JAVA = 25
#: Where Debian's python3-jpype keeps the Java half of JPype (the PyPI wheel ships it beside jpype).
DEBIAN_JPYPE_JAR = "/usr/share/java/org.jpype.jar"

_lock = threading.Lock()


def java_home(environ=os.environ, jvm_root="/usr/lib/jvm"):
    """The home of the first JDK >= 25 in the launcher's search order.

    Raises RuntimeError naming every place looked at when there is none.
    """
    explicit = environ.get("SEGOPT_JAVA_HOME")
    if explicit:
        version = _feature_version(Path(explicit))
        if version >= MIN_JAVA and _libjvm(Path(explicit)):
            return Path(explicit)
        raise RuntimeError(f"segopt: SEGOPT_JAVA_HOME={explicit} is not a JDK {MIN_JAVA} or newer "
                           f"({_describe(Path(explicit), version)})")
    looked = ["SEGOPT_JAVA_HOME (not set)"]
    candidates = []
    if environ.get("JAVA_HOME"):
        candidates.append(("JAVA_HOME=" + environ["JAVA_HOME"], Path(environ["JAVA_HOME"])))
    else:
        looked.append("JAVA_HOME (not set)")
    on_path = shutil.which("java", path=environ.get("PATH", ""))
    if on_path:
        candidates.append(("java on PATH " + on_path, Path(os.path.realpath(on_path)).parent.parent))
    else:
        looked.append("java on PATH (none)")
    patterns = [f"{jvm_root}/temurin-{MIN_JAVA}*", f"{jvm_root}/*-{MIN_JAVA}*", f"{jvm_root}/*"]
    installed = list(dict.fromkeys(Path(d) for pattern in patterns for d in sorted(glob.glob(pattern))))
    candidates += [(str(d), d) for d in installed]
    if not installed:
        looked.append(f"{jvm_root}/* (none)")
    for label, home in candidates:
        version = _feature_version(home)
        if version >= MIN_JAVA and _libjvm(home):
            return home
        looked.append(f"{label} ({_describe(home, version)})")
    raise RuntimeError(f"segopt: no JDK {MIN_JAVA} or newer found; looked at " + ", ".join(looked)
                       + "; install one or set SEGOPT_JAVA_HOME")


def class_path(environ=os.environ, package=Path(__file__).parent):
    """The engine's jars (for the package in folder ``package``); RuntimeError saying how to build
    them when they are missing."""
    if environ.get("SEGOPT_CLASSPATH"):
        jars = [Path(p) for p in environ["SEGOPT_CLASSPATH"].split(os.pathsep) if p]
        missing = [str(j) for j in jars if not j.exists()]
        if missing:
            raise RuntimeError("segopt: SEGOPT_CLASSPATH names missing files: " + ", ".join(missing))
        return jars
    bundled = package / "jars"
    checkout = package.resolve().parents[2]
    places = [[bundled / Path(j).name for j in JARS], [checkout / j for j in JARS]]
    for jars in places:
        if all(j.is_file() for j in jars):
            return jars
    looked = ", ".join(str(j) for jars in places for j in jars)
    raise RuntimeError(f"segopt: the engine's jars are not built (looked for {looked})"
                       + f"); build them with `{BUILD_COMMAND}` in the segopt checkout and reinstall the package,"
                       " or set SEGOPT_CLASSPATH")


def start():
    """Starts the JVM once per process (thread-safe) and returns the ``jpype`` module."""
    import jpype
    with _lock:
        if jpype.isJVMStarted():
            loader = jpype.JClass("java.lang.ClassLoader").getSystemClassLoader()
            if not loader.getResource("org/segopt/Marginal.class"):
                raise RuntimeError("segopt: JPype's JVM was started without segopt's jars; let segopt start it "
                                   "(import segopt before starting JPype elsewhere)")
            return jpype
        home = java_home()
        jars = [str(j) for j in class_path()]
        jpype_jar = Path(jpype.__file__).parent.parent / "org.jpype.jar"
        if not jpype_jar.is_file() and os.path.isfile(DEBIAN_JPYPE_JAR):
            jars.insert(0, DEBIAN_JPYPE_JAR)
        with _quiet_incubator_warning():
            jpype.startJVM(str(_libjvm(home)), *JVM_FLAGS, classpath=jars, convertStrings=False)
    return jpype


def _feature_version(home):
    """The JDK's feature version from its ``release`` file, or 0 when there is none."""
    try:
        text = (home / "release").read_text(errors="replace")
    except OSError:
        return 0
    match = re.search(r'^JAVA_VERSION="(?:1\.)?(\d+)', text, re.MULTILINE)
    return int(match.group(1)) if match else 0


def _libjvm(home):
    for relative in ("lib/server/libjvm.so", "lib/server/libjvm.dylib", "bin/server/jvm.dll"):
        if (home / relative).is_file():
            return home / relative
    return None


def _describe(home, version):
    if version == 0:
        return "no JDK there"
    return f"Java {version}" if _libjvm(home) or version < MIN_JAVA else f"Java {version} without a libjvm"


class _quiet_incubator_warning:
    """Drops the JVM's "Using incubator modules" line from stderr during start-up, as the launcher
    does; everything else the JVM writes there is passed on."""

    def __enter__(self):
        sys.stderr.flush()
        self._saved = os.dup(2)
        self._capture = tempfile.TemporaryFile()
        os.dup2(self._capture.fileno(), 2)

    def __exit__(self, *exc):
        os.dup2(self._saved, 2)
        os.close(self._saved)
        self._capture.seek(0)
        for line in self._capture.read().decode(errors="replace").splitlines(keepends=True):
            if not line.startswith("WARNING: Using incubator modules"):
                sys.stderr.write(line)
        self._capture.close()
        return False
