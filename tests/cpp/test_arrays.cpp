#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "arrays.hpp"

namespace {

bb::ledger::Site& test_site() {
    return bb::ledger::site("test.arrays");
}

TEST(Arrays, CopyInt64KeepsExtremes) {
    const std::vector<std::int64_t> in{0, -1, std::numeric_limits<std::int64_t>::min(),
                                       std::numeric_limits<std::int64_t>::max()};
    const auto out = bb::arrays::copy_int64(in, test_site());
    EXPECT_EQ(std::vector<std::int64_t>(out.begin(), out.end()), in);
}

TEST(Arrays, CopyDoubleKeepsBitPatterns) {
    const std::vector<double> in{-0.0, 1e308, -790.5207366698761, std::numeric_limits<double>::infinity()};
    const auto out = bb::arrays::copy_double(in, test_site());
    ASSERT_EQ(out.size(), in.size());
    EXPECT_TRUE(std::signbit(out[0]));
    EXPECT_EQ(out[2], -790.5207366698761);
}

TEST(Arrays, Float32LosesPrecisionAsDocumented) {
    const std::vector<double> in{-790.5207366698761};
    const auto out = bb::arrays::narrow_to_float32(in, test_site());
    EXPECT_EQ(static_cast<double>(out[0]), -790.520751953125);
}

TEST(Arrays, Float32OverflowBoundary) {
    EXPECT_TRUE(bb::arrays::fits_float32(FLT_MAX));
    EXPECT_TRUE(bb::arrays::fits_float32(std::nextafter(0x1.ffffffp+127, 0.0)));
    EXPECT_FALSE(bb::arrays::fits_float32(0x1.ffffffp+127));
    EXPECT_FALSE(bb::arrays::fits_float32(-1e39));
    EXPECT_TRUE(bb::arrays::fits_float32(std::numeric_limits<double>::infinity()));
    EXPECT_TRUE(bb::arrays::fits_float32(std::nan("")));
    const std::vector<double> in{1.0, 2.0, 1e39, 1e40};
    EXPECT_EQ(bb::arrays::first_float32_overflow(in), std::optional<std::size_t>(2));
}

TEST(Arrays, StringsKeepEmbeddedNulAndLengths) {
    bb::arrays::StringArray in(test_site());
    in.push_back(std::string_view("a\0b", 3));
    in.push_back("");
    in.push_back("\xF0\x9F\x98\x80");  // non-BMP
    const auto out = bb::arrays::copy_strings(in, test_site());
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0], std::string_view("a\0b", 3));
    EXPECT_EQ(out[1], "");
    EXPECT_EQ(out[2].size(), 4u);
}

TEST(Arrays, LedgerBalancedAfterScope) {
    auto& site = bb::ledger::site("test.arrays.balanced");
    {
        const std::vector<double> in(1000, 1.5);
        auto a = bb::arrays::copy_double(in, site);
        auto b = bb::arrays::narrow_to_float32(in, site);
    }
    for (const auto& s : bb::ledger::snapshot()) {
        if (s.name == "test.arrays.balanced") {
            EXPECT_EQ(s.allocations, s.frees);
            EXPECT_EQ(s.bytes_outstanding, 0);
        }
    }
}

}  // namespace
