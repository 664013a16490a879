"""NumPy arrays and CPU torch tensors as the engine's ``Marginal``s, without copying them.

A C- or F-contiguous array is wrapped where it lies: a direct ``ByteBuffer`` over its memory
(``jpype.nio.convertToDirectBuffer``), viewed by ``MemorySegment.ofBuffer``, read in the dtype's
byte order; beyond the 2^31 - 1 bytes a ByteBuffer can hold, a segment at the array's address. Voxels are numbered in memory order (for F-contiguous arrays, as the CLI numbers the
voxels of a Fortran-order file). Any other layout is copied once into C order.
"""
import ctypes
import sys
from dataclasses import dataclass

import numpy as np

from . import _java

#: The dtypes segopt reads, as the messages name them.
SUPPORTED = "float16, float32, float64, uint8, uint16, int32, bool and torch.bfloat16"

# (NumPy kind, item size) -> name
_NAMES = {("f", 2): "float16", ("f", 4): "float32", ("f", 8): "float64",
          ("b", 1): "bool", ("u", 1): "uint8", ("u", 2): "uint16", ("i", 4): "int32"}
INTEGERS = ("bool", "uint8", "uint16", "int32")
#: The most bytes a direct ByteBuffer covers (its capacity is a Java int).
MAX_BUFFER_BYTES = 2**31 - 1
#: The most voxels a mask from the engine holds (BitMask.toBytes fills one Java byte array).
MAX_MASK_VOXELS = 2**31 - 9
# float name -> the Marginal factory taking (MemorySegment, ByteOrder)
FLOAT_FACTORIES = {"float16": "ofFloat16", "bfloat16": "ofBFloat16", "float32": "ofFloats", "float64": "ofDoubles"}


@dataclass(frozen=True)
class Reading:
    """How the engine reads one input: its floats (``factory``), vote counts 0..``raters``, or
    one binary rater mask (a bool array without votes, as for the CLI)."""
    encoding: str
    type_name: str
    raters: int = 0
    factory: str = None


def reading(type_name, votes):
    """How to read values of ``type_name`` (given ``votes``), or ValueError saying what is missing."""
    if type_name in FLOAT_FACTORIES:
        if votes is not None:
            raise ValueError(f"votes needs integer vote counts, but the data is {type_name}")
        return Reading(type_name, type_name, factory=FLOAT_FACTORIES[type_name])
    if type_name not in INTEGERS:
        raise ValueError(f"segopt reads {SUPPORTED}, not {type_name}")
    if votes is not None:
        return Reading("votes", type_name, raters=votes)
    if type_name == "bool":
        return Reading("rater_masks", type_name, raters=1)
    raise ValueError(f"the array holds {type_name} data: give votes=R for vote counts 0..R, "
                     "or pass binary rater masks to analyze_masks")


class HostArray:
    """One array's memory as a ``MemorySegment``; keeps the array alive as long as it lives."""

    __slots__ = ("array", "type_name", "segment", "order", "shape", "fortran")

    def __init__(self, obj):
        array, self.type_name = as_numpy(obj)
        self.shape = tuple(int(d) for d in array.shape)
        if array.size == 0:
            raise ValueError("the array has no voxels")
        self.fortran = not array.flags.c_contiguous and array.flags.f_contiguous
        if not (array.flags.c_contiguous or self.fortran):
            array = np.ascontiguousarray(array)
        self.array = array
        j = _java.classes()
        if array.nbytes <= MAX_BUFFER_BYTES:
            # ctypes, not memoryview(array): JPype refuses read-only memoryviews (np.load(mmap_mode="r"),
            # frozen arrays), and the engine only reads.
            memory = (ctypes.c_char * array.nbytes).from_address(array.ctypes.data)
            self.segment = j.MemorySegment.ofBuffer(j.nio.convertToDirectBuffer(memory))
        else:  # reinterpret is restricted: allowed by --enable-native-access=ALL-UNNAMED
            self.segment = j.MemorySegment.reinterpret(j.MemorySegment.ofAddress(array.ctypes.data), array.nbytes)
        self.order = j.byte_orders[array.dtype.byteorder]

    def marginal(self, votes=None, shaped=True):
        """The ``Marginal`` of this array (vote counts 0..votes when given), with its shape when
        ``shaped`` (the calibrator needs none)."""
        j = _java.classes()
        how = reading(self.type_name, votes)
        with _java.translated_errors():
            if how.factory:
                if not hasattr(j.Marginal, how.factory):
                    raise ValueError(f"{how.type_name} input needs Marginal.{how.factory}, which this build of "
                                     "the engine lacks")
                m = getattr(j.Marginal, how.factory)(self.segment, self.order)
            elif how.encoding == "votes":
                m = j.Marginal.ofVotes(self.segment, element_type(how.type_name), self.order, how.raters)
            else:
                m = rater_masks([self])
            return m.withShape(self.shape) if shaped else m

    def mask(self, bits):
        """A ``BitMask`` of this array's voxels as a (new, writable) bool array of its shape and layout."""
        flat = np.array(memoryview(bits.toBytes()), dtype=np.uint8).view(np.bool_)
        return flat.reshape(self.shape[::-1]).T if self.fortran else flat.reshape(self.shape)


def rater_masks(masks):
    """The ``Marginal`` whose m is the mean of ``masks`` (HostArrays of one shape, layout and storage)."""
    j = _java.classes()
    first = masks[0]
    segments = j.ArrayList()
    for i, mask in enumerate(masks, start=1):
        if mask.type_name not in INTEGERS:
            raise ValueError(f"rater mask {i} must be bool or integer 0/1, but the data is {mask.type_name}")
        if mask.shape != first.shape:
            raise ValueError(f"rater mask {i} has shape {mask.shape}, rater mask 1 {first.shape}")
        if mask.fortran != first.fortran:
            raise ValueError(f"rater mask {i}: memory order (C/Fortran) differs from rater mask 1")
        if mask.array.dtype.itemsize != first.array.dtype.itemsize or (
                mask.array.dtype.itemsize > 1 and mask.array.dtype != first.array.dtype):
            raise ValueError(f"rater mask {i}: element type {mask.type_name} differs from {first.type_name} "
                             "of rater mask 1 (rater masks must share one type)")
        segments.add(mask.segment)
    # bool and uint8 masks are the same bytes (the engine checks them to be 0/1 as it reads them).
    type_name = "uint8" if first.type_name == "bool" else first.type_name
    with _java.translated_errors():
        return j.Marginal.ofRaterMasks(segments, element_type(type_name), first.order)


def element_type(type_name):
    return getattr(_java.classes().ElementType, type_name.upper())


def torch_tensor(obj):
    """The tensor, detached, when ``obj`` is a torch.Tensor (torch is never imported here)."""
    torch = sys.modules.get("torch")
    return obj.detach() if torch is not None and isinstance(obj, torch.Tensor) else None


def as_numpy(obj):
    """A NumPy view of ``obj`` (shared memory for CPU tensors) and the name of its element type."""
    tensor = torch_tensor(obj)
    if tensor is not None:
        if tensor.device.type != "cpu":
            raise ValueError(f"a tensor on {tensor.device} is not host memory: only analyze and Calibrator.calibrate "
                             "take CUDA tensors (move it with .cpu())")
        if str(tensor.dtype) == "torch.bfloat16":  # NumPy has no bfloat16: the same bits as int16
            return tensor.view(sys.modules["torch"].int16).numpy(), "bfloat16"
        obj = tensor.numpy()
    array = np.asarray(obj)
    return array, _NAMES.get((array.dtype.kind, array.dtype.itemsize)) or array.dtype.name
