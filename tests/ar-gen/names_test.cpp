// ar-gen's choice of names (tools/ar-gen/names.hpp): plurals, singulars, struct, field and relation names.

#include "names.hpp"

#include <gtest/gtest.h>

namespace {

TEST(ArGenNames, PluralizesTheLastWord) {
  EXPECT_EQ(ar_gen::pluralize("album"), "albums");
  EXPECT_EQ(ar_gen::pluralize("category"), "categories");
  EXPECT_EQ(ar_gen::pluralize("box"), "boxes");
  EXPECT_EQ(ar_gen::pluralize("person"), "people");
  EXPECT_EQ(ar_gen::pluralize("invoice_line"), "invoice_lines");
  EXPECT_EQ(ar_gen::pluralize("sales_person"), "sales_people");
  EXPECT_EQ(ar_gen::pluralize("day"), "days");  // a vowel before the y
  EXPECT_EQ(ar_gen::pluralize("bus"), "buses");
  EXPECT_EQ(ar_gen::pluralize("match"), "matches");
  EXPECT_EQ(ar_gen::pluralize("child"), "children");
  EXPECT_EQ(ar_gen::pluralize("series"), "series");
}

TEST(ArGenNames, SingularizesATableNamedInThePlural) {
  EXPECT_EQ(ar_gen::singularize("albums"), "album");
  EXPECT_EQ(ar_gen::singularize("categories"), "category");
  EXPECT_EQ(ar_gen::singularize("boxes"), "box");
  EXPECT_EQ(ar_gen::singularize("people"), "person");
  EXPECT_EQ(ar_gen::singularize("invoice_lines"), "invoice_line");
  EXPECT_EQ(ar_gen::singularize("houses"), "house");
  // Already singular: kept.
  EXPECT_EQ(ar_gen::singularize("status"), "status");
  EXPECT_EQ(ar_gen::singularize("address"), "address");
  EXPECT_EQ(ar_gen::singularize("genre"), "genre");
  EXPECT_EQ(ar_gen::singularize("analysis"), "analysis");
}

TEST(ArGenNames, StructsArePascalCaseSingulars) {
  EXPECT_EQ(ar_gen::struct_name("InvoiceLine"), "InvoiceLine");
  EXPECT_EQ(ar_gen::struct_name("invoice_lines"), "InvoiceLine");
  EXPECT_EQ(ar_gen::struct_name("MEDIA_TYPE"), "MediaType");
  EXPECT_EQ(ar_gen::struct_name("categories"), "Category");
}

TEST(ArGenNames, FieldsAreSnakeCaseIdentifiers) {
  EXPECT_EQ(ar_gen::identifier(ar_gen::snake("InvoiceLineId")), "invoice_line_id");
  EXPECT_EQ(ar_gen::identifier(ar_gen::snake("ReportsTo")), "reports_to");
  EXPECT_EQ(ar_gen::identifier("class"), "class_");
  EXPECT_EQ(ar_gen::identifier("c"), "c_");  // AR_MODEL's column handles are Model::c
  EXPECT_EQ(ar_gen::identifier("2fa"), "c2fa");
  EXPECT_EQ(ar_gen::identifier("first name"), "first_name");
  EXPECT_EQ(ar_gen::identifier("ar_context"), "f_ar_context");
}

TEST(ArGenNames, BelongsToIsTheForeignKeyWithoutId) {
  EXPECT_EQ(ar_gen::belongs_to_name("artist_id", "Artist"), "artist");
  EXPECT_EQ(ar_gen::belongs_to_name("support_rep_id", "Employee"), "support_rep");
  // No _id to drop: the field would be the relation's name, so the target's follows.
  EXPECT_EQ(ar_gen::belongs_to_name("reports_to", "Employee"), "reports_to_employee");
  EXPECT_EQ(ar_gen::belongs_to_name("owner", "User"), "owner_user");
}

}  // namespace
