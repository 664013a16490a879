"""The Java classes segopt calls, looked up once after the JVM has started, and the translation of
the engine's exceptions into Python's."""
import contextlib
import threading

from . import _jvm

_NAMES = {
    "ByteOrder": "java.nio.ByteOrder",
    "ArrayList": "java.util.ArrayList",
    "MemorySegment": "java.lang.foreign.MemorySegment",
    "IllegalArgumentException": "java.lang.IllegalArgumentException",
    "UnsupportedOperationException": "java.lang.UnsupportedOperationException",
    "Marginal": "org.segopt.Marginal",
    "ElementType": "org.segopt.ElementType",
    "Segmentation": "org.segopt.Segmentation",
    "Metric": "org.segopt.Metric",
    "Engine": "org.segopt.engine.Engine",
    "ThresholdCalibrator": "org.segopt.engine.ThresholdCalibrator",
    "Calibration": "org.segopt.engine.Calibration",
    "ThresholdSearch": "org.segopt.calibrate.ThresholdSearch",
    "Objective": "org.segopt.calibrate.Objective",
    "RaterDice": "org.segopt.raters.RaterDice",
}


class _Classes:
    """The classes of ``_NAMES`` as attributes, JPype's ``nio`` and the byte orders."""

    def __init__(self, jpype):
        import jpype.nio
        self.jpype = jpype
        self.nio = jpype.nio
        for short, full in _NAMES.items():
            setattr(self, short, jpype.JClass(full))
        native = self.ByteOrder.nativeOrder()
        #: NumPy's byte order characters ('|': single bytes) as Java's ByteOrders.
        self.byte_orders = {">": self.ByteOrder.BIG_ENDIAN, "<": self.ByteOrder.LITTLE_ENDIAN, "=": native, "|": native}


_classes = None
_lock = threading.Lock()


def classes():
    """The Java classes; starts the JVM on first use."""
    global _classes
    if _classes is None:
        jpype = _jvm.start()
        with _lock:
            if _classes is None:
                _classes = _Classes(jpype)
    return _classes


@contextlib.contextmanager
def translated_errors():
    """Re-raises the engine's exceptions as Python's, with the engine's one-line message: bad input
    (``IllegalArgumentException``, e.g. the first invalid voxel and its value) as ValueError, a GPU
    that cannot be used (``GpuUnavailableException``) as RuntimeError."""
    j = classes()
    try:
        yield
    except j.IllegalArgumentException as e:
        raise ValueError(str(e.getMessage())) from None
    except j.UnsupportedOperationException as e:
        raise RuntimeError("segopt: " + str(e.getMessage())) from None
