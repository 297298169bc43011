#include "native_buffer.hpp"

#include "canary.hpp"

namespace bb::bindings {

namespace {

struct NativeBufferObject {
    PyObject_HEAD PyObject* owner;  // the capsule: freeing it frees `data`
    void* data;
    Py_ssize_t count;     // the buffer's shape[0]
    Py_ssize_t itemsize;  // and its strides[0]
    const char* format;
};

PyTypeObject* native_buffer_type = nullptr;

NativeBufferObject* as_native_buffer(PyObject* self) noexcept {
    return reinterpret_cast<NativeBufferObject*>(self);
}

struct CapsulePayload {
    ledger::Site* site;
    std::size_t bytes;
};

// The one free path of the memory: the capsule's destructor, when the NativeBuffer (which every
// memoryview onto it keeps alive) goes.
void free_capsule_buffer(void* pointer) noexcept {
    // The payload header sits in front of the data; one allocation, one free.
    auto* payload = static_cast<CapsulePayload*>(pointer) - 1;
    if (bb::canary::enabled("capsule_buffer")) bb::canary::plant_leak(payload->site->name.c_str(), 128);
    ledger::release(*payload->site, payload, sizeof(CapsulePayload) + payload->bytes);
}

void native_buffer_dealloc(PyObject* self) {
    PyTypeObject* type = Py_TYPE(self);
    Py_XDECREF(as_native_buffer(self)->owner);
    type->tp_free(self);
    Py_DECREF(type);  // instances of a heap type hold a reference to it
}

int native_buffer_get(PyObject* self, Py_buffer* view, int flags) {
    const NativeBufferObject* b = as_native_buffer(self);
    view->obj = Py_NewRef(self);
    view->buf = b->data;
    view->len = b->count * b->itemsize;
    view->readonly = 0;
    view->itemsize = b->itemsize;
    view->format = (flags & PyBUF_FORMAT) == PyBUF_FORMAT ? const_cast<char*>(b->format) : nullptr;
    view->ndim = 1;
    // The view points at these fields; they live as long as the object, which the view holds.
    view->shape = (flags & PyBUF_ND) == PyBUF_ND ? &as_native_buffer(self)->count : nullptr;
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? &as_native_buffer(self)->itemsize : nullptr;
    view->suboffsets = nullptr;
    view->internal = nullptr;
    return 0;
}

PyObject* native_buffer_nbytes(PyObject* self, void*) {
    const NativeBufferObject* b = as_native_buffer(self);
    return PyLong_FromSsize_t(b->count * b->itemsize);
}

PyGetSetDef native_buffer_getset[] = {
    {"nbytes", native_buffer_nbytes, nullptr, "Size of the native memory in bytes.", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyType_Slot native_buffer_slots[] = {
    {Py_tp_dealloc, reinterpret_cast<void*>(native_buffer_dealloc)},
    {Py_bf_getbuffer, reinterpret_cast<void*>(native_buffer_get)},
    {Py_tp_getset, native_buffer_getset},
    {Py_tp_doc, const_cast<char*>("Native memory owned by a capsule; read it through a memoryview. "
                                  "Made only by roundtrip_ints_buffer and roundtrip_floats_buffer.")},
    {0, nullptr},
};

PyType_Spec native_buffer_spec = {
    "bridgebench._arrays.NativeBuffer",
    sizeof(NativeBufferObject),
    0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION | Py_TPFLAGS_IMMUTABLETYPE,
    native_buffer_slots,
};

}  // namespace

void add_native_buffer_type(py::module_& module) {
    auto type = py::reinterpret_steal<py::object>(PyType_FromSpec(&native_buffer_spec));
    if (!type) throw py::error_already_set();
    native_buffer_type = reinterpret_cast<PyTypeObject*>(type.inc_ref().ptr());  // kept for the process
    module.add_object("NativeBuffer", type);
}

NewNativeBuffer make_native_buffer(ledger::Site& site, std::size_t count, std::size_t itemsize, const char* format) {
    if (count > static_cast<std::size_t>(PY_SSIZE_T_MAX) / itemsize) throw std::bad_alloc();
    const std::size_t bytes = count * itemsize;
    auto* payload = static_cast<CapsulePayload*>(ledger::allocate(site, sizeof(CapsulePayload) + bytes));
    payload->site = &site;
    payload->bytes = bytes;
    void* data = payload + 1;
    // From here the capsule owns the memory, also if anything below throws.
    py::capsule owner(data, "bridgebench.native_buffer", &free_capsule_buffer);
    auto object = py::reinterpret_steal<py::object>(native_buffer_type->tp_alloc(native_buffer_type, 0));
    if (!object) throw py::error_already_set();
    NativeBufferObject* b = as_native_buffer(object.ptr());
    b->owner = owner.release().ptr();
    b->data = data;
    b->count = static_cast<Py_ssize_t>(count);
    b->itemsize = static_cast<Py_ssize_t>(itemsize);
    b->format = format;
    return NewNativeBuffer{std::move(object), data};
}

}  // namespace bb::bindings
