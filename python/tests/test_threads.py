"""Several Python threads call the engine at once: the GIL is released during every Java call
(JPype 1.4 does so by default), results equal the single-threaded ones, and a Calibrator stays
with the thread that made it."""
import threading
import time

import numpy as np
import pytest

import segopt
from conftest import java, random_marginal


def test_gil_is_released_while_java_runs():
    """A thread waits inside Java for the main thread, which must hold the GIL to see it waiting
    and to count the latch down; were the GIL kept during Java calls, the wait would time out."""
    j = java()
    latch = j.jpype.JClass("java.util.concurrent.CountDownLatch")(1)
    seconds = j.jpype.JClass("java.util.concurrent.TimeUnit").SECONDS
    java_thread, returned = [], []

    def wait():
        java_thread.append(j.jpype.JClass("java.lang.Thread").currentThread())
        returned.append(bool(latch.await_(30, seconds)))

    waiter = threading.Thread(target=wait)
    waiter.start()
    while waiter.is_alive() and not (java_thread and str(java_thread[0].getState()) == "TIMED_WAITING"):
        time.sleep(0.001)
    latch.countDown()
    waiter.join()
    assert returned == [True]


def test_threads_with_their_own_calibrators_agree_with_one_thread(rng):
    inputs = [random_marginal(rng, "float32", (16, 16, 16)) for _ in range(8)]
    expected = [segopt.Calibrator().calibrate(a) for a in inputs]
    expected_analyses = [segopt.analyze(a) for a in inputs]
    results = {}

    def work(k):
        calibrator = segopt.Calibrator()
        for i in range(k, len(inputs), 4):
            for _ in range(5):
                results[i] = (calibrator.calibrate(inputs[i]), segopt.analyze(inputs[i]))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [results[i] for i in range(len(inputs))] == list(zip(expected, expected_analyses))


def test_calibrator_belongs_to_its_thread():
    calibrator = segopt.Calibrator()
    raised = []

    def other():
        with pytest.raises(RuntimeError, match="a Calibrator belongs to the thread that made it") as e:
            calibrator.calibrate(np.zeros(4, np.float32))
        raised.append(e)

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert len(raised) == 1
    assert calibrator.calibrate(np.zeros(4, np.float32)).dice_greatest_volume == 0


def test_threads_running_the_analyses_of_several_arrays_agree_with_one_thread(rng):
    cases = [random_marginal(rng, "float32", (8, 8, 8)) for _ in range(3)]
    masks = [random_marginal(rng, "bool", (8, 8, 8)) for _ in range(3)]
    labels = [rng.integers(0, 3, (8, 8, 8)) for _ in range(3)]
    calls = [lambda: segopt.common_threshold(cases, metric="jaccard"), lambda: segopt.rater_dice(masks),
             lambda: segopt.analyze_labels(labels), lambda: segopt.analyze(cases[0], channel_axis=1)]
    expected = [call() for call in calls]
    results = {}

    def work(k):
        for _ in range(3):
            results[k] = calls[k]()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [results[k] for k in range(len(calls))] == expected
