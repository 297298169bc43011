# cython: language_level=3, autotestdict=False
# bridgebench._arrays_cython: the int64, double and string round trips written in Cython, as a
# Cython user binds a C library: typed loops over the list into a C++ vector, the C ABI of
# libbridgebench.so for the native copy (the same core as bridgebench._arrays), and a list
# comprehension over the result. A peer of the pybind11 converters for the binding comparison.
#
# Bounds checks stay on: an item's __index__ or __float__ is Python code that may shrink the
# list, and the next values[i] must then raise IndexError, never read past the end.
from cpython.exc cimport PyErr_CheckSignals
from cpython.number cimport PyNumber_Index
from libc.stdint cimport int64_t, uint64_t
from libcpp.vector cimport vector


cdef extern from "bridgebench/arrays.h" nogil:
    ctypedef enum bb_status:
        BB_OK
        BB_ERR_NO_MEMORY

    ctypedef struct bb_int64_array:
        size_t count
        int64_t* data

    ctypedef struct bb_double_array:
        size_t count
        double* data

    ctypedef struct bb_string_array:
        size_t count
        uint64_t* offsets
        char* bytes

    const char* bb_last_error()
    bb_status bb_roundtrip_int64(const int64_t* data, size_t count, bb_int64_array** out)
    bb_status bb_roundtrip_double(const double* data, size_t count, bb_double_array** out)
    bb_status bb_roundtrip_strings(const uint64_t* offsets, const char* bytes, size_t count, bb_string_array** out)
    void bb_free_int64_array(bb_int64_array* array)
    void bb_free_double_array(bb_double_array* array)
    void bb_free_string_array(bb_string_array* array)


cdef extern from "Python.h":
    const char* PyUnicode_AsUTF8AndSize(object text, Py_ssize_t* size) except NULL


# As in bridgebench._arrays: from about 64 KiB of data the native copy runs without the GIL, and
# every 65,536 items the loops let a pending Ctrl-C raise KeyboardInterrupt.
cdef enum:
    RELEASE_GIL_FROM = 1 << 13
    CHECK_SIGNALS_MASK = (1 << 16) - 1


cdef int check_status(bb_status status) except -1:
    if status == BB_ERR_NO_MEMORY:
        raise MemoryError()
    if status != BB_OK:
        raise RuntimeError(bb_last_error().decode("utf-8", "replace"))
    return 0


cdef int check_signals(Py_ssize_t i) except -1:
    if i & CHECK_SIGNALS_MASK == CHECK_SIGNALS_MASK:
        PyErr_CheckSignals()
    return 0


# The native copies, without the GIL when they are long enough to matter (Cython's nogil needs a
# condition known when it compiles, hence one small function per type).
cdef bb_status copy_int64(const int64_t* data, size_t n, bb_int64_array** out) noexcept:
    if n >= RELEASE_GIL_FROM:
        with nogil:
            return bb_roundtrip_int64(data, n, out)
    return bb_roundtrip_int64(data, n, out)


cdef bb_status copy_double(const double* data, size_t n, bb_double_array** out) noexcept:
    if n >= RELEASE_GIL_FROM:
        with nogil:
            return bb_roundtrip_double(data, n, out)
    return bb_roundtrip_double(data, n, out)


cdef bb_status copy_strings(const uint64_t* offsets, const char* data, size_t size, size_t n,
                            bb_string_array** out) noexcept:
    if size >= RELEASE_GIL_FROM * 8:
        with nogil:
            return bb_roundtrip_strings(offsets, data, n, out)
    return bb_roundtrip_strings(offsets, data, n, out)


cdef list as_list(values):
    """A list as it is (typed indexing); any other iterable is first made into one."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"values must be a list of items, not {type(values).__name__}")
    return values if type(values) is list else list(values)


ctypedef fused number_t:
    int64_t
    double


cdef int read_numbers(list items, number_t* native, Py_ssize_t n) except -1:
    """The first n items as numbers, in order (n: the list's length when the call started)."""
    cdef Py_ssize_t i
    for i in range(n):
        if number_t is int64_t:
            # operator.index(): Cython alone would truncate a float to an int without a word.
            native[i] = PyNumber_Index(items[i])
        else:
            native[i] = items[i]
        check_signals(i)
    return 0


def roundtrip_ints(values):
    """Copy a list of ints (int64) into a native array and back into a new list."""
    cdef list items = as_list(values)
    cdef vector[int64_t] native = vector[int64_t](len(items))
    read_numbers(items, native.data(), native.size())
    cdef bb_int64_array* out = NULL
    check_status(copy_int64(native.data(), native.size(), &out))
    try:
        return [out.data[i] for i in range(<Py_ssize_t>out.count)]
    finally:
        bb_free_int64_array(out)


def roundtrip_floats(values):
    """Copy a list of floats (double) into a native array and back into a new list."""
    cdef list items = as_list(values)
    cdef vector[double] native = vector[double](len(items))
    read_numbers(items, native.data(), native.size())
    cdef bb_double_array* out = NULL
    check_status(copy_double(native.data(), native.size(), &out))
    try:
        return [out.data[i] for i in range(<Py_ssize_t>out.count)]
    finally:
        bb_free_double_array(out)


def roundtrip_strings(values):
    """Copy a list of str through native UTF-8 with explicit lengths and back into a new list."""
    cdef list items = as_list(values)
    cdef Py_ssize_t n = len(items), i, size = 0
    cdef const char* utf8
    cdef vector[uint64_t] offsets
    cdef vector[char] data
    offsets.reserve(n + 1)
    offsets.push_back(0)
    for i in range(n):
        item = items[i]
        if not isinstance(item, str):
            raise TypeError(f"values[{i}] must be str, not {type(item).__name__}")
        utf8 = PyUnicode_AsUTF8AndSize(item, &size)
        data.insert(data.end(), utf8, utf8 + size)
        offsets.push_back(data.size())
        check_signals(i)
    cdef bb_string_array* out = NULL
    check_status(copy_strings(offsets.data(), data.data(), data.size(), n, &out))
    try:
        return [out.bytes[out.offsets[i]:out.offsets[i + 1]].decode("utf-8") for i in range(<Py_ssize_t>out.count)]
    finally:
        bb_free_string_array(out)
