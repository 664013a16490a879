"""Shared helpers: the checkout, the CLI, the engine called directly on Java heap copies, and the
comparison of an Analysis with the CLI's JSON object."""
import dataclasses
import json
import re
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from segopt import _java, _results

ROOT = Path(__file__).resolve().parents[2]
TEST_DATA = ROOT / "test-data"


def cli_analyze(*args):
    """``./segopt analyze --json ARGS`` from test-data/: the exit code, the parsed JSON (or None), stderr."""
    run = subprocess.run([str(ROOT / "segopt"), "analyze", "--json", *map(str, args)], cwd=TEST_DATA,
                         capture_output=True, text=True, timeout=300)
    return run.returncode, json.loads(run.stdout) if run.returncode == 0 else None, run.stderr.strip()


def assert_matches_json(result, expected, complete=True, path="analysis"):
    """``result`` (a dataclass) has the JSON object's fields in snake_case, each equal to its JSON
    value, and (when ``complete``) no others but an ``_exact`` Fraction beside each float."""
    fields = {f.name for f in dataclasses.fields(result)}
    keys = {_snake(k) for k in expected}
    if complete:
        assert fields - {f for f in fields if f.endswith("_exact")} <= keys, path
    assert keys <= fields, path
    for key, value in expected.items():
        actual = getattr(result, _snake(key))
        where = f"{path}.{_snake(key)}"
        if isinstance(value, dict):
            assert_matches_json(actual, value, complete, where)
        elif key.endswith("Exact"):
            assert actual == Fraction(value), where
        elif isinstance(value, list):
            assert actual == tuple(value), where
        else:
            assert actual == value and type(actual) is type(value), (where, actual, value)
    for name in fields:
        if name.endswith("_exact") and getattr(result, name) is not None:
            assert getattr(result, name[:-len("_exact")]) == float(getattr(result, name)), f"{path}.{name}"


def _snake(camel):
    return re.sub(r"(?<!^)([A-Z])", r"_\1", camel).lower()


def java():
    return _java.classes()


def heap_marginal(array, votes=None):
    """The engine's Marginal of a Java heap copy of ``array`` (C order), built without segopt's
    Python wrapping: the independent side of the comparisons."""
    j = java()
    jp = j.jpype
    flat = np.ascontiguousarray(array).ravel()
    name = flat.dtype.name
    if name == "float32":
        m = j.Marginal.ofFloats(jp.JArray(jp.JFloat)(flat))
    elif name == "float64":
        m = j.Marginal.ofDoubles(jp.JArray(jp.JDouble)(flat))
    elif name == "float16":
        m = j.Marginal.ofFloat16(j.MemorySegment.ofArray(jp.JArray(jp.JShort)(flat.view(np.int16))),
                                 j.ByteOrder.nativeOrder())
    elif name == "bool" and votes is None:
        m = j.Marginal.ofRaterMasks(jp.JArray(jp.JByte)(flat.view(np.int8)))
    else:
        java_array = {"uint8": (jp.JByte, np.int8), "bool": (jp.JByte, np.int8), "uint16": (jp.JShort, np.int16),
                      "int32": (jp.JInt, np.int32)}[name]
        m = j.Marginal.ofVotes(jp.JArray(java_array[0])(flat.view(java_array[1])), votes)
    return m.withShape(*array.shape) if array.shape else m


def reference_analysis(array, votes=None, volume=None, encoding=None):
    """``Engine.scalar()`` (the reference) on a heap copy of ``array``, as segopt's dataclass."""
    m = heap_marginal(array, votes)
    engine = java().Engine.scalar()
    a = engine.analyze(m) if volume is None else engine.analyze(m, volume)
    raters = int(m.raters()) if m.encoding().isVoteType() else None
    return _results.analysis(a, encoding or str(m.encoding().name()).lower(), raters, tuple(array.shape))


def has_marginal_method(name):
    """Whether the engine on the class path has ``Marginal.<name>`` (float16 and bfloat16 input)."""
    return hasattr(java().Marginal, name)


def requires_marginal(name):
    return pytest.mark.skipif(not has_marginal_method(name), reason=f"org.segopt.Marginal has no {name} yet")


def random_marginal(rng, type_name, shape, raters=7):
    """Seeded random input of one dtype: probabilities with ties at quantized levels, or vote counts."""
    n = int(np.prod(shape))
    if type_name.startswith("float"):
        values = rng.random(n)
        quantized = rng.random(n) < 0.5
        values[quantized] = np.round(values[quantized] * 8) / 8
        values[rng.random(n) < 0.1] = 0.0
        return values.astype(type_name).reshape(shape)
    if type_name == "bool":
        return (rng.random(n) < 0.4).reshape(shape)
    return rng.integers(0, raters + 1, n).astype(type_name).reshape(shape)


@pytest.fixture(scope="session", autouse=True)
def _engine_started():
    """Starts the JVM once, before any test measures or threads."""
    java()
    yield


@pytest.fixture
def rng(request):
    """A generator seeded from the test's name, so every test sees its own fixed data."""
    return np.random.default_rng(sum(map(ord, request.node.name)))

