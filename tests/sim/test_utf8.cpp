// sim/utf8: which byte sequences are UTF-8, and where the first bad one is.
#include <doctest/doctest.h>

#include <string>

#include "sim/scenario/utf8.hpp"

TEST_SUITE("utf8") {
  TEST_CASE("well-formed text of every sequence length passes") {
    CHECK_FALSE(sim::utf8::find_invalid("").has_value());
    CHECK_FALSE(sim::utf8::find_invalid("plain ascii\nsecond line").has_value());
    CHECK_FALSE(sim::utf8::find_invalid("caf\xc3\xa9 \xe5\x8d\x97\xe6\xb2\x99 \xf0\x9f\x92\xb0").has_value());
    CHECK_FALSE(sim::utf8::find_invalid("\xef\xbb\xbfwith a byte-order mark").has_value());
  }

  TEST_CASE("overlong forms, surrogates, code points past U+10FFFF and cut sequences are invalid") {
    for (const char* bad : {"\xc0\xaf", "\xe0\x80\xaf", "\xf0\x80\x80\xaf", "\xed\xa0\x80",
                            "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\x80", "\xe5\x8d", "\xf0\x9f\x92"}) {
      CAPTURE(bad);
      const auto invalid = sim::utf8::find_invalid(bad);
      REQUIRE(invalid.has_value());
      CHECK(invalid->offset == 0);
    }
  }

  TEST_CASE("the position counts lines and characters, not bytes") {
    const auto invalid = sim::utf8::find_invalid("a: 1\n\xe5\x8d\x97\xe6\xb2\x99: \xe9t\xe9");
    REQUIRE(invalid.has_value());
    CHECK(invalid->line == 2);
    CHECK(invalid->column == 5);
    CHECK(invalid->offset == 13);
    CHECK(invalid->description == "byte 0xE9");
  }

  TEST_CASE("UTF-16 and UTF-32 byte-order marks and NUL bytes are named") {
    CHECK(sim::utf8::find_invalid("\xff\xfe"
                                  "a")
              ->description == "a UTF-16 byte-order mark");
    CHECK(sim::utf8::find_invalid("\xfe\xff\0a")->description == "a UTF-16 byte-order mark");
    CHECK(sim::utf8::find_invalid(std::string("\xff\xfe\0\0", 4))->description == "a UTF-32 byte-order mark");
    CHECK(sim::utf8::find_invalid(std::string("ab\0c", 4))->description == "a NUL byte");
  }
}
