"""CUDA tensors through gpu-kernels' ``DeviceCalibrator``: the device pointer and the tensor's
current stream go to the engine, which reads the data where it is (in the CUDA primary context,
which PyTorch shares); only histograms come to the host."""
import sys
import threading

from . import _java, _results
from ._arrays import element_type, reading

_calibrators = {}
_lock = threading.Lock()


def device_calibrator(ordinal):
    """The process's ``DeviceCalibrator`` of CUDA device ``ordinal`` (thread-safe: its calls are
    serialized); RuntimeError with the engine's reason when that device cannot be used."""
    with _lock:
        if ordinal not in _calibrators:
            j = _java.classes()
            backend = j.jpype.JClass("org.segopt.gpu.CudaBackend")
            with _java.translated_errors():
                _calibrators[ordinal] = j.jpype.JClass("org.segopt.gpu.DeviceCalibrator").on(backend.open(ordinal))
        return _calibrators[ordinal]


def analyze(tensor, votes, volume):
    tensor, array, how = _device_array(tensor, votes)
    calibrator, stream = _calibrator_and_stream(tensor)
    with _java.translated_errors():
        a = calibrator.analyze(array, stream) if volume is None else calibrator.analyze(array, volume, stream)
    return _results.analysis(a, how.encoding, how.raters or None, tuple(tensor.shape))


def calibrate(tensor, votes):
    tensor, array, how = _device_array(tensor, votes)
    calibrator, stream = _calibrator_and_stream(tensor)
    with _java.translated_errors():
        return _results.calibration(calibrator.calibrate(array, stream))


def _calibrator_and_stream(tensor):
    torch = sys.modules["torch"]
    ordinal = tensor.device.index if tensor.device.index is not None else torch.cuda.current_device()
    return device_calibrator(ordinal), int(torch.cuda.current_stream(tensor.device).cuda_stream)


def _device_array(tensor, votes):
    """The contiguous tensor (non-contiguous ones are copied once, on the device), its
    ``DeviceArray`` and how it is read."""
    if not tensor.is_contiguous():
        tensor = tensor.contiguous()
    if tensor.numel() == 0:
        raise ValueError("the array has no voxels")
    name = str(tensor.dtype).replace("torch.", "")
    how = reading(name, votes)
    device_array = _java.classes().jpype.JClass("org.segopt.gpu.DeviceArray")
    with _java.translated_errors():
        if how.factory:
            return tensor, getattr(device_array, name)(tensor.data_ptr(), tensor.numel()), how
        return tensor, device_array.votes(tensor.data_ptr(), tensor.numel(), element_type(name), how.raters), how
