#include "../support/models.hpp"

#include <ar/model.hpp>

#include <boost/hana/for_each.hpp>
#include <boost/hana/keys.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/members.hpp>
#include <boost/hana/first.hpp>
#include <boost/hana/second.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using ar_test::country;
using ar_test::everything;
using ar_test::tag;
using ar_test::user;

TEST(model, table_and_columns_come_from_the_macro) {
  static_assert(ar::model_of<user>::table == "users");
  static_assert(ar::model_of<user>::size == 3);
  const auto& meta = ar::table_meta_v<user>;
  ASSERT_EQ(meta.columns.size(), 3u);
  EXPECT_EQ(meta.columns[0].field, "id");
  EXPECT_EQ(meta.columns[1].field, "name");
  EXPECT_EQ(meta.columns[1].column, "user_name");
  EXPECT_EQ(meta.columns[2].column, "hair_color");
  EXPECT_TRUE(meta.columns[2].nullable);
  EXPECT_FALSE(meta.columns[1].nullable);
}

TEST(model, primary_key_defaults_to_id_and_integer_keys_are_generated) {
  static_assert(ar::model_of<user>::primary_key_index == 0);
  static_assert(ar::model_of<user>::generated_key);
  static_assert(std::is_same_v<ar::key_type_of<user>, std::int64_t>);
  user u;
  u.id = 42;
  EXPECT_EQ(ar::primary_key(u), 42);
}

TEST(model, primary_key_can_be_named_and_need_not_be_generated) {
  static_assert(ar::model_of<country>::primary_key_index == 0);
  static_assert(!ar::model_of<country>::generated_key);
  static_assert(std::is_same_v<ar::key_type_of<country>, std::string>);
  static_assert(ar::model_of<tag>::generated_key);
  EXPECT_EQ(ar::table_meta_v<tag>.key().field, "tag_id");
  EXPECT_EQ(ar::table_meta_v<tag>.key().column, "tag_key");
}

TEST(model, field_types_map_to_value_types) {
  const auto& c = ar::table_meta_v<everything>.columns;
  ASSERT_EQ(c.size(), 13u);
  const std::vector<ar::value_type> expected{ar::value_type::int64,   ar::value_type::int32,   ar::value_type::int64,
                                             ar::value_type::float64, ar::value_type::boolean, ar::value_type::text,
                                             ar::value_type::time,    ar::value_type::int32,   ar::value_type::int64,
                                             ar::value_type::float64, ar::value_type::boolean, ar::value_type::text,
                                             ar::value_type::time};
  for (std::size_t i = 0; i < c.size(); ++i) {
    EXPECT_EQ(c[i].type, expected[i]) << c[i].field;
    EXPECT_EQ(c[i].nullable, i >= 7) << c[i].field;
  }
}

TEST(model, a_model_is_a_hana_struct) {
  user u{7, "ada", std::nullopt};
  std::vector<std::string> names;
  boost::hana::for_each(boost::hana::keys(u), [&](auto key) { names.push_back(boost::hana::to<const char*>(key)); });
  EXPECT_EQ(names, (std::vector<std::string>{"id", "name", "hair_color"}));
  auto members = boost::hana::members(u);
  static_assert(decltype(boost::hana::length(members))::value == 3);
  EXPECT_EQ(boost::hana::at_c<1>(members), "ada");
}

TEST(model, non_models_are_not_models) {
  struct plain {
    int id;
  };
  static_assert(!ar::model<plain>);
  static_assert(ar::model<user>);
  SUCCEED();
}

}  // namespace
