// libFuzzer target: bb_roundtrip_int64, bb_roundtrip_double and bb_roundtrip_float32 with
// their free functions. A round trip must give back exactly what went in; float32 must refuse
// the first finite value too large for it, naming its index, and nothing else.
#include <cmath>
#include <cstring>
#include <vector>

#include "bridgebench/arrays.h"
#include "fuzz_support.hpp"

namespace {

template <class T>
std::vector<T> values_of(FuzzedDataProvider& in) {
    std::vector<T> values(in.remaining_bytes() / sizeof(T));
    if (!values.empty()) in.ConsumeData(values.data(), values.size() * sizeof(T));
    return values;
}

// Bit for bit: NaN payloads and signed zeros survive too.
template <class T, class Result>
void exact_roundtrip(FuzzedDataProvider& in, bb_status (*roundtrip)(const T*, size_t, Result**),
                     void (*free_result)(Result*)) {
    const auto values = values_of<T>(in);
    Result* out = nullptr;
    BB_FUZZ_CHECK(roundtrip(values.data(), values.size(), &out) == BB_OK);
    BB_FUZZ_CHECK(out->count == values.size());
    BB_FUZZ_CHECK(values.empty() || std::memcmp(out->data, values.data(), values.size() * sizeof(T)) == 0);
    free_result(out);
}

// The index of the first finite value that rounds to infinity as a float32, or -1: from
// 2^128 - 2^103 (halfway between FLT_MAX and 2^128) up, round-to-nearest-even gives infinity.
// (Converting such a value is undefined behaviour in C++, so the check is on the double.)
std::ptrdiff_t first_overflow(const std::vector<double>& values) {
    const double threshold = std::ldexp(1.0, 128) - std::ldexp(1.0, 103);
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (std::isfinite(values[i]) && std::fabs(values[i]) >= threshold) return static_cast<std::ptrdiff_t>(i);
    }
    return -1;
}

void float32_roundtrip(FuzzedDataProvider& in) {
    const auto values = values_of<double>(in);
    bb_float32_array* out = nullptr;
    const bb_status status = bb_roundtrip_float32(values.data(), values.size(), &out);
    const std::ptrdiff_t overflow = first_overflow(values);
    if (overflow >= 0) {
        BB_FUZZ_CHECK(status == BB_ERR_OVERFLOW && out == nullptr);
        BB_FUZZ_CHECK(bb_last_error_index() == static_cast<size_t>(overflow));
        return;
    }
    BB_FUZZ_CHECK(status == BB_OK && out->count == values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        const float expected = static_cast<float>(values[i]);
        BB_FUZZ_CHECK(std::memcmp(&out->data[i], &expected, sizeof(float)) == 0 ||
                      (std::isnan(expected) && std::isnan(out->data[i])));
    }
    bb_free_float32_array(out);
}

// The documented error paths: NULL data with a count, NULL out; free(NULL) does nothing.
void error_paths(FuzzedDataProvider& in) {
    const size_t count = in.ConsumeIntegralInRange<size_t>(1, SIZE_MAX);
    bb_int64_array* ints = nullptr;
    BB_FUZZ_CHECK(bb_roundtrip_int64(nullptr, count, &ints) == BB_ERR_INVALID_ARGUMENT && ints == nullptr);
    bb_double_array* doubles = nullptr;
    BB_FUZZ_CHECK(bb_roundtrip_double(nullptr, count, &doubles) == BB_ERR_INVALID_ARGUMENT && doubles == nullptr);
    BB_FUZZ_CHECK(bb_roundtrip_float32(nullptr, count, nullptr) == BB_ERR_INVALID_ARGUMENT);
    bb_free_int64_array(nullptr);
    bb_free_double_array(nullptr);
    bb_free_float32_array(nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    bb::fuzz::LedgerBalance balance;
    switch (in.ConsumeIntegralInRange<int>(0, 3)) {
        case 0:
            exact_roundtrip(in, bb_roundtrip_int64, bb_free_int64_array);
            break;
        case 1:
            exact_roundtrip(in, bb_roundtrip_double, bb_free_double_array);
            break;
        case 2:
            float32_roundtrip(in);
            break;
        default:
            error_paths(in);
    }
    return 0;
}
