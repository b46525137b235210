// AR_UNIQUE, AR_INDEX, AR_DEFAULT and AR_NO_FOREIGN_KEY over every kind of field they take, and
// create_table / create_tables / drop_tables of such models.
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>
#include <string>

enum class shade { light, dark };
AR_ENUM_STRINGS(shade, (light, "light"), (dark, "dark"));

struct owner {
  std::int64_t id = 0;
  std::string email;
  AR_MODEL(owner, "owners", AR_FIELDS(id, email), AR_UNIQUE(email));
};
struct item {
  std::int64_t id = 0;
  std::int64_t owner_id = 0;
  std::optional<std::int64_t> previous_owner_id;
  std::string name = "unnamed";
  shade colour = shade::light;
  double weight = 1.5;
  bool active = true;
  std::optional<std::int32_t> rank;
  AR_MODEL(item, "items", AR_FIELDS(id, owner_id, previous_owner_id, name, colour, weight, active, rank),
           AR_BELONGS_TO(holder, owner, owner_id),
           AR_BELONGS_TO(previous_owner, owner, previous_owner_id, AR_NO_FOREIGN_KEY), AR_UNIQUE(owner_id, name),
           AR_INDEX(name), AR_INDEX(colour, weight), AR_DEFAULT(name, "unnamed"), AR_DEFAULT(colour, shade::light),
           AR_DEFAULT(weight, 1.5), AR_DEFAULT(active, true), AR_DEFAULT(rank, 3));
};

void make(const ar::database& db) {
  ar::create_tables<item, owner>(db);
  (void)ar::create_table_sql<item>(db);
  ar::drop_tables<owner, item>(db);
}
