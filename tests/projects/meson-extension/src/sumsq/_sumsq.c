/* sum_of_squares(values) -> float: copies the items into a native buffer, then sums.
 *
 * With EXAMPLE_LEAK=1 in the environment when the module is imported, the buffer of a
 * successful call is never freed (a missing free on the normal path). Nothing else changes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdlib.h>

static int leak_buffer = 0;

static PyObject* sum_of_squares(PyObject* self, PyObject* values) {
    (void)self;
    /* A tuple of the items: a __float__ that changes the caller's list cannot change it. */
    PyObject* items = PySequence_Tuple(values);
    if (items == NULL) return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(items);
    double* buffer = malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
    if (buffer == NULL) {
        Py_DECREF(items);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        buffer[i] = PyFloat_AsDouble(PyTuple_GET_ITEM(items, i));
        if (buffer[i] == -1.0 && PyErr_Occurred()) {
            PyErr_Format(PyExc_TypeError, "values[%zd] must be a number", i);
            free(buffer);
            Py_DECREF(items);
            return NULL;
        }
    }
    Py_DECREF(items);
    double total = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) total += buffer[i] * buffer[i];
    if (!leak_buffer) free(buffer);
    return PyFloat_FromDouble(total);
}

static PyMethodDef methods[] = {
    {"sum_of_squares", sum_of_squares, METH_O, "sum_of_squares(values) -> float"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_sumsq", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__sumsq(void) {
    const char* leak = getenv("EXAMPLE_LEAK");
    leak_buffer = leak != NULL && leak[0] == '1';
    return PyModule_Create(&module);
}
