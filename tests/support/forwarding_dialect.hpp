#ifndef AR_TESTS_SUPPORT_FORWARDING_DIALECT_HPP
#define AR_TESTS_SUPPORT_FORWARDING_DIALECT_HPP

// A dialect of the tests' own under its own URL scheme, on another dialect's driver: every hook a
// dialect must give, and those its connections need, forwarded to that dialect (`base`). A test
// derives from it and spells otherwise the hooks it is about (tests/database/dialect_hooks_test.cpp,
// positioned_dialect.hpp).

#include <ar/ar.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ar_test {

class forwarding_dialect : public ar::dialect {
 public:
  forwarding_dialect(const ar::dialect& base, std::string_view scheme) : base_(base), scheme_{scheme} {}

  std::span<const std::string_view> schemes() const override { return scheme_; }
  std::string_view driver_name() const override { return base_.driver_name(); }
  void quote_identifier(std::string& out, std::string_view id) const override { base_.quote_identifier(out, id); }
  void placeholder(std::string& out, std::size_t index) const override { base_.placeholder(out, index); }
  std::string_view column_type(ar::value_type t) const override { return base_.column_type(t); }
  std::string_view generated_key_definition(ar::value_type t) const override {
    return base_.generated_key_definition(t);
  }
  std::size_t max_parameters() const override { return base_.max_parameters(); }
  std::vector<std::string> session_setup() const override { return base_.session_setup(); }
  std::vector<std::string> read_only_session() const override { return base_.read_only_session(); }
  std::size_t default_pool_size() const override { return base_.default_pool_size(); }
  bool stores_nan() const override { return base_.stores_nan(); }

 protected:
  const ar::dialect& base_;

 private:
  std::array<std::string_view, 1> scheme_;
};

}  // namespace ar_test

#endif  // AR_TESTS_SUPPORT_FORWARDING_DIALECT_HPP
