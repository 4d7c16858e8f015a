"""Walks over every object the GC tracks that never break the target's own tuple().

Part of seep's agent; standard library only. CPython builds tuple(iterable) (tuple(genexpr), and
every PySequence_Tuple) as a GC-tracked tuple that it grows in place with _PyTuple_Resize, which
raises SystemError ("bad argument to internal function") unless nothing else holds the tuple.
gc.get_objects() returns that tuple too: if any bytecode runs while the list is alive (a loop over
it, or the check for a thread switch after the call that returned it), the interpreter may switch
to the thread inside tuple(), which then fails. A gunicorn worker importing Flask died of it, in
typing's tuple(_type_check(p, msg) for p in params). Making thread switches rarer around the walk
(sys.setswitchinterval) only starves the agent behind CPU-bound threads.

So no list from gc.get_objects() is ever bound to a Python name here, nor left held by anything
made before it (which the list holds in turn: a cycle only a collection would free): it is made,
walked and freed inside one call into C. starmap calls gc.get_objects when the pipeline is first
pulled; repeat and map make one list iterator over it per consumer; tee hands each consumer its own;
each consumer walks its iterator to the end with C callables only (type, a set's __contains__,
compress, len, Counter's C helper), and a list iterator at its end lets go of the list. Automatic
collection is off meanwhile: a collection runs finalizers, which are bytecode.

A walk that must loop in Python over what it found gets the objects without the exact tuples (the
only objects tuple() grows), which it may then hold across bytecode.
"""

import collections
import contextlib
import functools
import gc
import itertools
import operator

_NOT_TUPLE = functools.partial(operator.is_not, tuple)


@contextlib.contextmanager
def _collection_paused():
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _heap(n, readers):
    """One list from gc.get_objects(), made when first pulled, as n list iterators over it; reader k
    of `readers` (a list of positions) gets the iterator at that position (two readers may share one)."""
    made = itertools.starmap(gc.get_objects, ((),))
    iterators = itertools.chain.from_iterable(map(functools.partial(map, iter), map(itertools.repeat, made, itertools.repeat(n))))
    # islice past the end: the last pull ends the chain above, which lets go of repeat's hold on the list
    return [itertools.islice(t, k, None, n) for k, t in zip(readers, itertools.tee(iterators, len(readers)))]


def _drained(it):
    """Nothing, once `it` is pulled to its end (compress stops at its data's end, and never pulls
    the selectors' last: their list iterator would hold the list)."""
    return itertools.compress(it, itertools.repeat(False))


def _where(data, tests, type_test):
    """The objects of `data` whose type passes type_test, `tests` being the same objects; then `tests` drained."""
    selectors = map(type_test, map(type, itertools.chain.from_iterable(tests)))
    return itertools.chain(itertools.compress(itertools.chain.from_iterable(data), selectors), _drained(selectors))


def objects_where(type_test):
    """(the objects whose type passes type_test, the number of objects the GC tracks); type_test must
    be a C callable (a set's __contains__, a partial of operator.is_not): it runs with the heap held."""
    size, data, tests = _heap(2, [0, 0, 1])
    with _collection_paused():
        # the size first: read from the data's iterator before it moves
        out = list(itertools.chain(map(operator.length_hint, size), _where(data, tests, type_test)))
    total = out[0]
    del out[0]
    if type_test(list):
        # the list being filled was on the heap too: holding itself, it would outlive the caller's
        # use until a collection. Found by identity in C (a == test could run a class's __eq__).
        at = next(itertools.compress(itertools.count(), map(operator.is_, out, itertools.repeat(out))), None)
        if at is not None:
            del out[at]
    return out, total


def objects_but_tuples():
    """(every object the GC tracks but the exact tuples, the number of objects it tracks). A loop in
    Python over this list cannot break a tuple() in progress; what it loses is the tuples themselves."""
    return objects_where(_NOT_TUPLE)


def count_by_type():
    """(objects per type, the number of objects), in one C call: Counter's C helper counts the types
    of a list iterator's objects, and the iterator lets go of the list at its end."""
    objects = itertools.chain.from_iterable(itertools.starmap(gc.get_objects, ((),)))
    with _collection_paused():
        counts = collections.Counter(map(type, objects))
    return dict(counts), sum(counts.values())
