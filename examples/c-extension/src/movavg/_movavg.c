/* Moving average of a sequence of floats: a CPython C-API extension built with setuptools.
 *
 * moving_average(values, window) -> list[float], one mean per full window.
 *
 * With EXAMPLE_LEAK=1 in the environment when the module is imported, every output float keeps
 * one reference too many (PyList_Append takes its own reference, and the leaking path forgets
 * to drop ours): the classic missing Py_DECREF. Nothing else changes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdlib.h>
#include <string.h>

static int leak_output_references = 0;

/* Copies the items as doubles before any arithmetic: converting an item can run Python code
 * (__float__), so no pointer into the caller's list is kept across it. */
static double* read_values(PyObject* values, Py_ssize_t* count) {
    PyObject* items = PySequence_Fast(values, "values must be a sequence of numbers");
    if (items == NULL) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(items);
    double* out = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
    if (out == NULL) {
        Py_DECREF(items);
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject* item = PySequence_Fast_GET_ITEM(items, i);
        Py_INCREF(item);
        double value = PyFloat_AsDouble(item);
        Py_DECREF(item);
        if (value == -1.0 && PyErr_Occurred()) {
            PyErr_Format(PyExc_TypeError, "values[%zd] must be a number", i);
            PyMem_Free(out);
            Py_DECREF(items);
            return NULL;
        }
        out[i] = value;
        if (PySequence_Fast_GET_SIZE(items) != n) { /* a __float__ that resized the list */
            PyErr_SetString(PyExc_RuntimeError, "values changed size during the call");
            PyMem_Free(out);
            Py_DECREF(items);
            return NULL;
        }
    }
    Py_DECREF(items);
    *count = n;
    return out;
}

static PyObject* averages_to_list(const double* values, Py_ssize_t n, Py_ssize_t window) {
    PyObject* result = PyList_New(0);
    if (result == NULL) return NULL;
    double sum = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        sum += values[i];
        if (i >= window) sum -= values[i - window];
        if (i + 1 < window) continue;
        PyObject* mean = PyFloat_FromDouble(sum / (double)window);
        if (mean == NULL || PyList_Append(result, mean) < 0) {
            Py_XDECREF(mean);
            Py_DECREF(result);
            return NULL;
        }
        if (!leak_output_references) Py_DECREF(mean);
    }
    return result;
}

static PyObject* moving_average(PyObject* self, PyObject* args, PyObject* kwargs) {
    (void)self;
    static char* keywords[] = {"values", "window", NULL};
    PyObject* values;
    Py_ssize_t window;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "On:moving_average", keywords, &values, &window)) return NULL;
    if (window < 1) {
        PyErr_SetString(PyExc_ValueError, "window must be at least 1");
        return NULL;
    }
    Py_ssize_t n = 0;
    double* copied = read_values(values, &n);
    if (copied == NULL) return NULL;
    PyObject* result = averages_to_list(copied, n, window);
    PyMem_Free(copied);
    return result;
}

static PyMethodDef methods[] = {
    {"moving_average", (PyCFunction)(void (*)(void))moving_average, METH_VARARGS | METH_KEYWORDS,
     "moving_average(values, window) -> list of the means of every full window"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_movavg", "Moving averages in C.", -1, methods};

PyMODINIT_FUNC PyInit__movavg(void) {
    const char* leak = getenv("EXAMPLE_LEAK");
    leak_output_references = leak != NULL && strcmp(leak, "1") == 0;
    return PyModule_Create(&module);
}
